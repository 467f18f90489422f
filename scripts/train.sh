#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed. Models are cached outside the checkout,
# keyed by the hash of config, domain, data and the Rasa version; models/current.tar.gz
# points at the one for this checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

hash=$( (cat config.yml domain.yml requirements/nodeps.txt; find data -type f -name '*.yml' | sort | xargs cat) | sha256sum | cut -c1-16)
cache=${FAMILYVOICE_CACHE:-$HOME/.cache/familyvoice}/models
model="$cache/familyvoice-$hash.tar.gz"
mkdir -p "$cache" models

if [ ! -f "$model" ]; then
  echo "Training the Rasa model (data changed)..."
  start=$(date +%s)
  tmp=$(mktemp -d)
  SQLALCHEMY_SILENCE_UBER_WARNING=1 .venv/bin/python -m rasa train --quiet --out "$tmp" --fixed-model-name model >/dev/null
  mv "$tmp/model.tar.gz" "$model"
  rm -rf "$tmp"
  echo "Trained in $(( $(date +%s) - start )) s."
fi
ln -sfn "$model" models/current.tar.gz

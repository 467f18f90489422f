#!/usr/bin/env bash
# Make .venv ready. The heavy, pinned packages (Rasa, TensorFlow...) live in a cache outside
# the checkout keyed by the hash of the lock files, so clones and CI on this machine share one
# install; .venv itself is a thin venv that borrows them and adds this checkout's code.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), "FamilyVoice needs Python 3.11"'

hash=$(cat requirements/lock.txt requirements/nodeps.txt | sha256sum | cut -c1-16)
cache=${FAMILYVOICE_CACHE:-$HOME/.cache/familyvoice}
deps="$cache/deps-$hash"
mkdir -p "$cache"

(
  flock 9  # two checkouts building at once would corrupt the install
  if [ ! -f "$deps/.complete" ]; then
    echo "Installing pinned dependencies into $deps (a few minutes, once per lock change)..."
    start=$(date +%s)
    rm -rf "$deps"
    "$PY" -m venv "$deps"
    "$deps/bin/pip" install -q --upgrade pip
    "$deps/bin/pip" install -q -r requirements/lock.txt
    # Rasa 3.6's wheels say Python <3.11 but run on it (shared/notes/rasa-on-python311.md).
    "$deps/bin/pip" install -q --no-deps --ignore-requires-python -r requirements/nodeps.txt
    "$deps/bin/pip" check >/dev/null || true
    touch "$deps/.complete"
    echo "Dependencies installed in $(( $(date +%s) - start )) s."
  fi
) 9>"$cache/.lock"

site_of() { "$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'; }

if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.deps 2>/dev/null)" != "$deps" ]; then
  rm -rf .venv
  "$PY" -m venv --without-pip .venv
  site=$(site_of .venv)
  # addsitedir (not a plain path) so the cached packages' own .pth files are honoured.
  echo "import site; site.addsitedir('$(site_of "$deps")')" > "$site/_familyvoice_deps.pth"
  echo "$PWD" > "$site/_familyvoice_project.pth"
  cat > .venv/bin/familyvoice <<SCRIPT
#!$PWD/.venv/bin/python
import sys
from bot.cli import main
sys.exit(main())
SCRIPT
  chmod +x .venv/bin/familyvoice
  echo "$deps" > .venv/.deps
fi

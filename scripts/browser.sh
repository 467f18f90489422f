#!/usr/bin/env bash
# The real browser for the browser tests: Debian's Chromium (Playwright drives it; its own
# browser download cannot reach the internet from here) and axe-core for accessibility scans,
# installed from npm into the cache outside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's Chromium for the browser tests..."
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium' >/dev/null
  fi
fi

AXE_VERSION=4.10.3
npm_dir=${FAMILYVOICE_CACHE:-$HOME/.cache/familyvoice}/npm-axe-$AXE_VERSION
if [ ! -f "$npm_dir/node_modules/axe-core/axe.min.js" ]; then
  echo "Installing axe-core $AXE_VERSION..."
  mkdir -p "$npm_dir"
  npm install --silent --no-audit --no-fund --prefix "$npm_dir" "axe-core@$AXE_VERSION" >/dev/null
fi
mkdir -p var
ln -sfn "$npm_dir/node_modules/axe-core/axe.min.js" var/axe.min.js

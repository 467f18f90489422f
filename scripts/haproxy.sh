#!/usr/bin/env bash
# HAProxy from Debian: the one address in front of several Rasa workers and action servers
# (production topology; the multi-worker tests and the benchmark use it).
set -euo pipefail
if ! command -v haproxy >/dev/null 2>&1; then
  echo "Installing Debian's HAProxy..."
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy) >/dev/null
  else
    sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy' >/dev/null
  fi
fi
# The package starts a system service on port 80 we do not use; we run our own processes.
if command -v service >/dev/null 2>&1; then service haproxy stop >/dev/null 2>&1 || true; fi

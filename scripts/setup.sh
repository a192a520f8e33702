#!/usr/bin/env bash
# Set up journeyctl in .venv (created if missing); with --test, also everything the tests need.
# Versions come from constraints.txt (refreshed on purpose by scripts/refresh-constraints.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if ! command -v dot >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Graphviz (Debian package graphviz)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz) >/dev/null
  else
    echo "setup: Graphviz's 'dot' is missing; install it (e.g. 'sudo apt-get install graphviz')" \
         "for SVG/PNG/PDF output. DOT, Mermaid and HTML work without it." >&2
  fi
fi
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"
  for extra in scripts/setup.d/*.sh; do
    [ -e "$extra" ] && bash "$extra"
  done
else
  .venv/bin/python -m pip install -q -c constraints.txt -e .
fi

#!/usr/bin/env bash
# Test setup for `journeyctl render`: headless Chromium (Debian package) and the real Mermaid
# library plus playwright-core (npm, into tests/js/node_modules). Idempotent; quick when done.
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-dejavu-core)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup(render): installing ${need[*]} (Debian packages)" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
fi
if [ ! -f tests/js/node_modules/mermaid/dist/mermaid.min.js ] \
   || [ ! -d tests/js/node_modules/playwright-core ]; then
  echo "setup(render): installing mermaid and playwright-core into tests/js (npm)" >&2
  # playwright-core never downloads a browser by itself; the tests use /usr/bin/chromium.
  # `npm ci` installs exactly what package-lock.json pins.
  (cd tests/js && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
    --loglevel=error >/dev/null)
fi

#!/usr/bin/env bash
# Event-log tests: pm4py (AGPL) as an outside oracle, in its own venv `.venv-oracle`.
# journeyctl never imports it; tests run this venv's interpreter in a subprocess.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
if [ -x .venv-oracle/bin/python ] && .venv-oracle/bin/python -c "import pm4py, pandas" 2>/dev/null; then
  exit 0
fi
"$PY" -m venv .venv-oracle
.venv-oracle/bin/python -m pip install -q --upgrade pip >/dev/null
echo "setup: installing pm4py and pandas into .venv-oracle (test oracle only)" >&2
.venv-oracle/bin/python -m pip install -q -c tests/oracle-constraints.txt pm4py pandas

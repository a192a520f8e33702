#!/usr/bin/env bash
# Refresh the pinned versions that setup installs (constraints.txt, tests/oracle-constraints.txt):
# resolve the newest releases allowed by pyproject.toml in throw-away venvs, then freeze them.
# Run on purpose, review the diff, run scripts/test.sh, commit: a new release of a dependency
# never reaches CI by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -m venv "$tmp/main"
"$tmp/main/bin/python" -m pip install -q --upgrade pip >/dev/null
"$tmp/main/bin/python" -m pip install -q ".[test,spark]"
{
  echo "# Pinned by scripts/refresh-constraints.sh on $(date -u +%Y-%m-%d); setup installs with -c."
  "$tmp/main/bin/python" -m pip freeze --exclude journeyctl
} > constraints.txt
"$PY" -m venv "$tmp/oracle"
"$tmp/oracle/bin/python" -m pip install -q --upgrade pip >/dev/null
"$tmp/oracle/bin/python" -m pip install -q pm4py pandas
{
  echo "# The test oracle's venv (.venv-oracle), pinned by scripts/refresh-constraints.sh."
  "$tmp/oracle/bin/python" -m pip freeze
} > tests/oracle-constraints.txt
echo "refreshed constraints.txt and tests/oracle-constraints.txt; review with git diff" >&2

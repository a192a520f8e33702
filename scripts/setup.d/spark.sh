#!/usr/bin/env bash
# Test setup for `--engine spark`: a Java runtime (Debian's openjdk-17-jre-headless, where no
# `java` is found) and the `spark` extra (pyspark, sqlglot). Spark runs in local mode in the
# tests. Idempotent; quick when done.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup(spark): installing openjdk-17-jre-headless (Debian package)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      openjdk-17-jre-headless) >/dev/null
  else
    echo "setup(spark): no Java runtime; install one (e.g. 'sudo apt-get install" \
         "openjdk-17-jre-headless') for the Spark tests" >&2
  fi
fi
if ! .venv/bin/python -c "import pyspark, sqlglot" 2>/dev/null; then
  echo "setup(spark): installing pyspark and sqlglot (the spark extra)" >&2
  .venv/bin/python -m pip install -q -c constraints.txt -e ".[spark]"
fi

#!/usr/bin/env bash
# Runs the PromQL test scripts with promql-test: Cairn's own (tests/promql/*.test)
# always, and Prometheus' upstream suite when it is there.
#   scripts/promql-tests.sh <promql-test binary>
# The upstream suite is an external conformance suite (Prometheus'
# promql/promqltest/testdata). It is found through PROMQL_TESTDATA, by default
# ../shared/promql-testdata beside the checkout when that folder exists. A
# PROMQL_TESTDATA that names a missing folder fails the run; only the default's
# absence is quiet (one line says where to point the variable).
set -euo pipefail
runner=$1
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

upstream=()
if [ -n "${PROMQL_TESTDATA:-}" ]; then
  if [ ! -d "$PROMQL_TESTDATA" ]; then
    echo "promql-test: PROMQL_TESTDATA=$PROMQL_TESTDATA: no such folder" >&2
    exit 1
  fi
  shopt -s nullglob
  upstream=("$PROMQL_TESTDATA"/*.test)
  shopt -u nullglob
  if [ ${#upstream[@]} -eq 0 ]; then
    echo "promql-test: PROMQL_TESTDATA=$PROMQL_TESTDATA holds no .test scripts" >&2
    exit 1
  fi
elif [ -d ../shared/promql-testdata ]; then
  upstream=(../shared/promql-testdata/*.test)
else
  echo "promql-test: upstream PromQL suite not found (../shared/promql-testdata);" \
    "set PROMQL_TESTDATA=<folder of Prometheus' promql/promqltest/testdata> to run it"
fi

args=(--expected-failures tests/promql/expected_failures.txt)
[ ${#upstream[@]} -gt 0 ] && args+=(--suite upstream "${upstream[@]}")
args+=(--suite cairn tests/promql/*.test)
exec "$runner" "${args[@]}"

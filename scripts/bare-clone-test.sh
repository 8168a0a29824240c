#!/usr/bin/env bash
# The PromQL part of `make test` as a user's bare clone runs it: HEAD is cloned
# into an empty temporary folder (no ../shared beside it), promql-test is built
# there (ccache makes that cheap after the main build) and the scripts run. It
# must pass, say that the upstream suite was not found, and run Cairn's own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$root" "$tmp/cairn"
out="$tmp/promql.out"
# PROMQL_TESTDATA is cleared: the clone must find nothing by default.
if ! env -u PROMQL_TESTDATA make --no-print-directory -C "$tmp/cairn" promql-test >"$out" 2>&1; then
  tail -n 40 "$out"
  echo "bare clone: make promql-test failed" >&2
  exit 1
fi
grep -q "upstream PromQL suite not found" "$out" || { tail -n 20 "$out"; echo "bare clone: no not-found line" >&2; exit 1; }
grep -q "^suite cairn: " "$out" || { tail -n 20 "$out"; echo "bare clone: own scripts did not run" >&2; exit 1; }
echo "bare clone: $(grep '^promql-test: upstream' "$out")"
echo "bare clone: $(grep '^suite cairn: ' "$out")"

#!/usr/bin/env bash
# run_all.sh <build dir> <seconds>: runs every built libFuzzer target
# (<build dir>/tests/fuzz/*_fuzz) for <seconds> each on a temporary copy of its
# seed corpus (tests/fuzz/corpus/<name without _fuzz>/ or .../<name>/), so the
# source tree stays clean. Prints one line per target; exits non-zero when any
# target crashes or finds a leak/timeout.
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 <build dir> <seconds>" >&2
  exit 2
fi
build_dir=$1
seconds=$2
# UBSan findings are recoverable in the fuzz build; make them fail the run.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
here=$(cd "$(dirname "$0")" && pwd)
shopt -s nullglob
targets=("$build_dir"/tests/fuzz/*_fuzz)
if [ ${#targets[@]} -eq 0 ]; then
  echo "no fuzz targets in $build_dir/tests/fuzz (build --target fuzz_targets with CAIRN_FUZZ=ON)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for bin in "${targets[@]}"; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus_src="$here/corpus/${name%_fuzz}"
  [ -d "$corpus_src" ] || corpus_src="$here/corpus/$name"
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts/"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$corpus_src" ]; then cp -r "$corpus_src"/. "$corpus"/; fi
  log="$work/$name/log"
  if "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    echo "PASS $name (${runs:-?} runs in ${seconds}s)"
  else
    failed=1
    echo "FAIL $name: $(grep -m1 -E 'ERROR|==[0-9]+==|deadly signal|Test unit written' "$log" || tail -n1 "$log")"
    tail -n 40 "$log" | sed 's/^/    /'
    for a in "$artifacts"*; do echo "    artifact: $a ($(od -An -tx1 "$a" | head -c 300 | tr -d '\n'))"; done
  fi
done
exit $failed

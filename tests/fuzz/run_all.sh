#!/usr/bin/env bash
# run_all.sh <build dir> <seconds> [jobs]: runs every built libFuzzer target
# (<build dir>/tests/fuzz/*_fuzz) for <seconds> each on a temporary copy of its
# seed corpus (tests/fuzz/corpus/<name without _fuzz>/ or .../<name>/), so the
# source tree stays clean. <jobs> targets run at once (default 1): a fuzzer is
# single-threaded, so on two cores two at a time halves the wall time.
# Prints one line per target as it ends; exits non-zero when any target
# crashes or finds a leak/timeout.
set -u
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 <build dir> <seconds> [jobs]" >&2
  exit 2
fi
build_dir=$1
seconds=$2
jobs=${3:-1}
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

# run_one <binary>: fuzzes one target; its report goes to $work/<name>/report
# (printed by the caller, so reports of parallel runs do not interleave) and
# its exit status says whether it passed.
run_one() {
  local bin=$1 name corpus_src corpus artifacts log report
  name=$(basename "$bin")
  corpus_src="$here/corpus/${name%_fuzz}"
  [ -d "$corpus_src" ] || corpus_src="$here/corpus/$name"
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts/"
  report="$work/$name/report"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$corpus_src" ]; then cp -r "$corpus_src"/. "$corpus"/; fi
  log="$work/$name/log"
  if "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$corpus" >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    echo "PASS $name (${runs:-?} runs in ${seconds}s)" >"$report"
    return 0
  fi
  {
    echo "FAIL $name: $(grep -m1 -E 'ERROR|==[0-9]+==|deadly signal|Test unit written' "$log" || tail -n1 "$log")"
    tail -n 40 "$log" | sed 's/^/    /'
    for a in "$artifacts"*; do echo "    artifact: $a ($(od -An -tx1 "$a" | head -c 300 | tr -d '\n'))"; done
  } >"$report"
  return 1
}

failed=0
declare -A running=()  # pid -> target name
# reap_one: waits for any running target, prints its report, records failure.
reap_one() {
  local pid status=0
  wait -n -p pid || status=$?
  cat "$work/${running[$pid]}/report"
  [ "$status" -eq 0 ] || failed=1
  unset "running[$pid]"
}
for bin in "${targets[@]}"; do
  [ -x "$bin" ] || continue
  while [ ${#running[@]} -ge "$jobs" ]; do reap_one; done
  run_one "$bin" &
  running[$!]=$(basename "$bin")
done
while [ ${#running[@]} -gt 0 ]; do reap_one; done
exit $failed

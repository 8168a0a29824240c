#!/usr/bin/env bash
# Side-by-side query latency: loads the ingest bench's generated history into
# Cairn, Prometheus and VictoriaMetrics (cairn-ingest-bench, same seed and start for
# all), keeps all three running, then runs bench/query/query_bench.py against them:
# median range-query latency per query x range x server, Cairn's ratios, series-count
# agreement and per-query memory. See "Query latency" in bench/README.md.
#
#   bench/run_query.sh <build dir>        e.g. bench/run_query.sh build/qbench
#
# Environment:
#   SERIES=50000 HOURS=6      generated history (15 s scrapes), as bench/run.sh
#   SMALL=1                   quick check: SERIES=2000 HOURS=1 unless given
#   RANGES="1h,6h"            query ranges ending at the end of the history (default 1h and HOURS)
#   STEP=60 REPS=7 WARMUP=1   query_range step (s), timed runs and warm-up runs per server
#   ONLY=name,name            run only these queries (names in query_bench.py)
#   SERVERS="cairn prometheus victoriametrics"
#   CONCURRENCY=4 SEED=1 BATCH=4000   driver settings
#   SETTLE=15                 seconds a data dir must keep its size before querying starts
#   PROFILE=name,name         afterwards, perf-profile Cairn answering these queries
#   KEEP=1                    keep the temp dir (data dirs, logs, runs.tsv, perf data)
#   HOLD=1                    load, then keep the servers up without querying: writes
#                             $WORK/query_args (query_bench.py's arguments) and waits
#                             until $WORK/release exists, for repeated query runs
set -euo pipefail
{  # read whole before running: editing the file cannot change a running script

if [ $# -ne 1 ]; then
  echo "usage: $0 <build dir>" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
if [ "${SMALL:-0}" = 1 ]; then
  SERIES=${SERIES:-2000}
  HOURS=${HOURS:-1}
fi
SERIES=${SERIES:-50000}
HOURS=${HOURS:-6}
if [ "$HOURS" = 1 ]; then RANGES=${RANGES:-1h}; else RANGES=${RANGES:-1h,${HOURS}h}; fi
STEP=${STEP:-60}
REPS=${REPS:-7}
WARMUP=${WARMUP:-1}
ONLY=${ONLY:-}
SERVERS=${SERVERS:-cairn prometheus victoriametrics}
CONCURRENCY=${CONCURRENCY:-4}
SEED=${SEED:-1}
BATCH=${BATCH:-4000}
SETTLE=${SETTLE:-15}
DRIVER=$BUILD/bench/cairn-ingest-bench
CAIRN=$BUILD/server/cairn
[ -x "$DRIVER" ] || { echo "missing $DRIVER (--target cairn-ingest-bench)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cairn-qbench.XXXXXX")
declare -A PID_OF URL_OF
STARTED=()

# Ends the servers this script started, by PID: TERM, then KILL after 60 s.
finish() {
  local p i
  for p in "${STARTED[@]}"; do
    kill -TERM "$p" 2>/dev/null || continue
    for i in $(seq 600); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap finish EXIT

pick_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Polls URL $1 until it answers 200 (fails when PID $2 dies or after 300 s).
await_200() {
  local i
  for i in $(seq 3000); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true)" = 200 ] && return 0
    kill -0 "$2" 2>/dev/null || { echo "server exited before $1 answered" >&2; return 1; }
    sleep 0.1
  done
  echo "no 200 from $1 in 300 s" >&2
  return 1
}

# Waits (at most 600 s) until the bytes under $1 stay the same for $SETTLE seconds.
await_quiet_dir() {
  local prev=-1 cur calm=0 i
  for i in $(seq 600); do
    cur=$(du -sb "$1" | cut -f1)
    if [ "$cur" = "$prev" ]; then calm=$((calm + 1)); else calm=0; fi
    [ "$calm" -ge "$SETTLE" ] && return 0
    prev=$cur
    sleep 1
  done
}

# A metric's value from a server's own /metrics (0 when absent).
self_metric() {
  curl -s --max-time 10 "$1/metrics" | awk -v m="$2" '$1 == m { v = $2 } END { print v + 0 }'
}

launch() {  # name datadir port -> command line
  case $1 in
    cairn) echo "$CAIRN --config.file=$WORK/min.yml --storage.tsdb.path=$2 --web.listen-address=127.0.0.1:$3" ;;
    prometheus) echo "prometheus --config.file=$WORK/min.yml --storage.tsdb.path=$2" \
      "--storage.tsdb.retention.time=3650d --web.listen-address=127.0.0.1:$3 --web.enable-remote-write-receiver" ;;
    # Queries pass nocache=1 (see query_bench.py): VictoriaMetrics recomputes each one.
    # latencyOffset=0s: the history ends before now, nothing should be held back.
    victoriametrics) echo "victoria-metrics -storageDataPath=$2 -httpListenAddr=127.0.0.1:$3" \
      "-retentionPeriod=100y -search.latencyOffset=0s" ;;
  esac
}

printf 'global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n' > "$WORK/min.yml"
START_MS=$(python3 -c "import time; h = 3600000; print(int(time.time() * 1000) // h * h - int($HOURS * h))")
END_S=$(python3 -c "print($START_MS // 1000 + int($HOURS * 3600))")
echo "query bench: SERIES=$SERIES HOURS=$HOURS RANGES=$RANGES STEP=$STEP REPS=$REPS WARMUP=$WARMUP" \
  "start_ms=$START_MS end_s=$END_S work=$WORK"

ARGS=()
NAMES=()
for name in $SERVERS; do
  case $name in
    cairn) bin=$CAIRN ;;
    prometheus) bin=$(command -v prometheus || true) ;;
    victoriametrics) bin=$(command -v victoria-metrics || true) ;;
    *) echo "unknown server $name" >&2; exit 2 ;;
  esac
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then echo "== $name: no binary, skipped"; continue; fi
  mkdir -p "$WORK/$name-data"
  port=$(pick_port)
  cmd=$(launch "$name" "$WORK/$name-data" "$port")
  echo "== $name: $cmd"
  $cmd >> "$WORK/$name.log" 2>&1 &
  PID_OF[$name]=$!
  URL_OF[$name]=http://127.0.0.1:$port
  STARTED+=("$!")
  NAMES+=("$name")
  ready=/-/ready; [ "$name" = victoriametrics ] && ready=/health
  await_200 "${URL_OF[$name]}$ready" "$!" || { tail -20 "$WORK/$name.log" >&2; exit 1; }
done

# Loads one server (driver, flush, settle); runs in the background, one per server.
# Ingest speed is not measured here, so the servers load at the same time.
load_one() {
  local name=$1 url=${URL_OF[$1]} t0 i
  t0=$(date +%s)
  "$DRIVER" --url="$url/api/v1/write" --series="$SERIES" --hours="$HOURS" --concurrency="$CONCURRENCY" \
    --seed="$SEED" --batch="$BATCH" --start-ms="$START_MS" --quiet > "$WORK/$name.driver" || \
    echo "   WARNING: not every sample was acknowledged by $name"
  echo "   $name driver: $(cat "$WORK/$name.driver")"
  [ "$name" = victoriametrics ] && curl -s -o /dev/null --max-time 300 "$url/internal/force_flush"
  # Prometheus cuts its head into 2 h blocks on a 1-minute timer once the head spans
  # more than 3 h; let that happen before timing queries, not during them.
  if [ "$name" = prometheus ] && [ "${HOURS%.*}" -gt 3 ]; then
    for i in $(seq 180); do
      [ "$(self_metric "$url" prometheus_tsdb_compactions_total)" != 0 ] && break
      sleep 1
    done
  fi
  await_quiet_dir "$WORK/$name-data"
  echo "   $name loaded and settled in $(( $(date +%s) - t0 )) s"
}
LOADERS=()
for name in "${NAMES[@]}"; do
  load_one "$name" &
  LOADERS+=("$!")
done
for p in "${LOADERS[@]}"; do wait "$p"; done
for name in "${NAMES[@]}"; do
  # The others may still have been busy when one settled: settle all once more.
  await_quiet_dir "$WORK/$name-data"
  echo "   $name RSS $(awk '$1 == "VmRSS:" { print int($2 / 1024) }' "/proc/${PID_OF[$name]}/status") MiB"
  ARGS+=("--server=$name,${URL_OF[$name]},${PID_OF[$name]}")
done

if [ "${HOLD:-0}" = 1 ]; then
  echo "--end=$END_S --ranges=$RANGES --step=$STEP ${ARGS[*]}" > "$WORK/query_args"
  echo "== holding: python3 $HERE/query/query_bench.py \$(cat $WORK/query_args); touch $WORK/release to end"
  while [ ! -e "$WORK/release" ]; do sleep 2; done
  exit
fi

echo "== querying (load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs)"
python3 "$HERE/query/query_bench.py" "${ARGS[@]}" --end="$END_S" --ranges="$RANGES" --step="$STEP" \
  --reps="$REPS" --warmup="$WARMUP" --only="$ONLY" --tsv="$WORK/runs.tsv"

# PROFILE=name,...: sample Cairn's CPU (perf, cpu-clock, flat by symbol) while it
# answers those queries 3 more times over the longest range.
if [ -n "${PROFILE:-}" ] && [ -n "${PID_OF[cairn]:-}" ] && command -v perf > /dev/null; then
  longest=${RANGES##*,}
  for q in ${PROFILE//,/ }; do
    echo
    echo "== perf profile of Cairn answering '$q' over $longest (3 runs; top symbols by self time)"
    perf record -q -e cpu-clock -F 999 -p "${PID_OF[cairn]}" -o "$WORK/perf-$q.data" -- \
      python3 "$HERE/query/query_bench.py" "--server=cairn,${URL_OF[cairn]},${PID_OF[cairn]}" \
      --end="$END_S" --ranges="$longest" --step="$STEP" --reps=3 --warmup=0 --only="$q" > /dev/null 2>&1 || true
    perf report -q -i "$WORK/perf-$q.data" --no-children --sort dso,symbol --percent-limit 1.5 --stdio \
      2> /dev/null | grep -v '^$' | sed -E 's/[[:space:]-]+$//' | cut -c1-160 | head -25 || true
  done
fi
exit
}

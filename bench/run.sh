#!/usr/bin/env bash
# Side-by-side ingest benchmark: loads the same generated node_exporter-like
# history into Cairn, Prometheus and VictoriaMetrics, one after another, by
# remote_write, and prints what each cost. See bench/README.md for the figures.
#
#   bench/run.sh <build dir>            e.g. bench/run.sh build/release
#
# Environment:
#   SERIES=50000 HOURS=6    size of the generated history (15 s scrape interval)
#   SMALL=1                 quick check: SERIES=2000 HOURS=1 unless given
#   CONCURRENCY=4 SEED=1 BATCH=4000   driver settings (cairn-ingest-bench flags)
#   SERVERS="cairn prometheus victoriametrics"   which to run, in this order
#   SETTLE=10               seconds the data dir must stay the same size before it is measured
#   VERIFY=1                after the restart, count the stored samples (count_over_time per name)
#   KEEP=1                  keep the temp dir (data dirs, logs, results.tsv)
# Servers without a binary are skipped with a note (Cairn: <build>/server/cairn).
set -euo pipefail
# The whole script is one block so bash reads it completely before running it:
# editing this file during a run cannot change the running one.
{

if [ $# -ne 1 ]; then
  echo "usage: $0 <build dir>" >&2
  exit 2
fi
BUILD=$(cd "$1" && pwd)
if [ "${SMALL:-0}" = 1 ]; then
  SERIES=${SERIES:-2000}
  HOURS=${HOURS:-1}
fi
SERIES=${SERIES:-50000}
HOURS=${HOURS:-6}
CONCURRENCY=${CONCURRENCY:-4}
SEED=${SEED:-1}
BATCH=${BATCH:-4000}
SETTLE=${SETTLE:-10}
VERIFY=${VERIFY:-1}
SERVERS=${SERVERS:-cairn prometheus victoriametrics}
DRIVER=$BUILD/bench/cairn-ingest-bench
CAIRN=$BUILD/server/cairn
HERE=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$DRIVER" ]; then
  echo "no driver at $DRIVER: cmake --build $1 --target cairn-ingest-bench" >&2
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cairn-bench.XXXXXX")
RESULTS=$WORK/results.tsv
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

now() { date +%s.%N; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# user+system CPU seconds of a live process, from /proc/<pid>/stat (fields 14, 15).
cpu_seconds() {
  local ticks
  ticks=$(getconf CLK_TCK)
  sed 's/^.*) //' "/proc/$1/stat" | awk -v hz="$ticks" '{ printf "%.2f", ($12 + $13) / hz }'
}

# Bytes a live process caused to be written to storage (write_bytes of
# /proc/<pid>/io: every thread, page-cache writes counted when dirtied).
io_write_bytes() { awk '$1 == "write_bytes:" { print $2 }' "/proc/$1/io"; }

# Cairn's own account of what it wrote, by cause, from its /metrics
# (cairn_tsdb_bytes_written_total{source}): "wal=N checkpoint=N ...".
written_by_source() {
  curl -s --max-time 10 "$1/metrics" |
    sed -n 's/^cairn_tsdb_bytes_written_total{source="\([a-z_]*\)"} \([0-9.e+]*\)$/\1=\2/p' | tr '\n' ' '
}

# A /proc/<pid>/status field in bytes (VmRSS, VmHWM).
status_bytes() {
  awk -v key="$2:" '$1 == key { print $2 * 1024 }' "/proc/$1/status"
}

# Bytes stored under a data dir. VictoriaMetrics' cache/ (rebuildable lookup caches
# saved at shutdown) is left out; everything else counts, Prometheus' WAL included.
dir_bytes() { du -sb --exclude="$1/cache" "$1" | cut -f1; }

# Waits until the size of data dir $1 has not changed for $SETTLE seconds (at most
# 180 s): background flushes (VictoriaMetrics writes parts a few seconds after
# force_flush) land before the size is read.
settle() {
  local last=-1 size same=0 i
  for i in $(seq 1 180); do
    size=$(dir_bytes "$1")
    if [ "$size" = "$last" ]; then same=$((same + 1)); else same=0; fi
    [ "$same" -ge "$SETTLE" ] && return 0
    last=$size
    sleep 1
  done
}

# Waits until $1 answers 200; prints the seconds waited. Fails after $2 seconds
# or when process $3 exits.
wait_ready() {
  local url=$1 limit=$2 pid=$3 t0 code
  t0=$(now)
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    if [ "$code" = 200 ]; then
      awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "server exited while waiting for $url" >&2
      return 1
    fi
    if awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
      echo "timed out waiting for $url" >&2
      return 1
    fi
    sleep 0.05
  done
}

# Stops a server by PID: SIGTERM, then SIGKILL after 120 s.
stop_server() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 1200); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  echo "pid $pid ignored SIGTERM for 120 s; killing" >&2
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

kill9_server() {
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Instant query through the Prometheus-compatible API; prints the first value or "-".
query_value() {
  curl -s -G --max-time 120 "$1/api/v1/query" --data-urlencode "query=$2" \
      --data-urlencode "time=$3" |
    python3 -c 'import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else 0)
except Exception:
    print("-")'
}

# Per-server launch command, readiness path, flush step and remote-write path.
server_cmd() {  # name datadir port
  case $1 in
    cairn)
      echo "$CAIRN --config.file=$WORK/minimal.yml --storage.tsdb.path=$2" \
        "--web.listen-address=127.0.0.1:$3 --web.enable-admin-api" ;;
    prometheus)
      echo "prometheus --config.file=$WORK/minimal.yml --storage.tsdb.path=$2" \
        "--web.listen-address=127.0.0.1:$3 --web.enable-remote-write-receiver" ;;
    victoriametrics)
      echo "victoria-metrics -storageDataPath=$2 -httpListenAddr=127.0.0.1:$3" \
        "-retentionPeriod=1y" ;;
  esac
}
ready_path() { [ "$1" = victoriametrics ] && echo /health || echo /-/ready; }
write_path() { echo /api/v1/write; }
flush() {  # name base_url datadir
  case $1 in
    victoriametrics) curl -s -o /dev/null --max-time 300 "$2/internal/force_flush" ;;
    # Cairn: a snapshot checkpoints the head and flushes RocksDB's memtables (what it
    # would do by itself within 5 minutes); the snapshot itself is hard links to the
    # store plus a copy of the just-rotated WAL tail, removed at once.
    cairn)
      curl -s -o /dev/null --max-time 300 -X POST "$2/api/v1/admin/tsdb/snapshot"
      rm -rf "$3/snapshots" ;;
    # Prometheus has no API to cut the head into a block: its figure includes the WAL.
    *) : ;;
  esac
}
version_of() {
  case $1 in
    cairn) "$CAIRN" --version 2>&1 | head -1 ;;
    prometheus) echo "prometheus $(dpkg-query -W -f='${Version}' prometheus 2>/dev/null)" ;;
    victoriametrics) echo "victoria-metrics $(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null)" ;;
  esac
}
binary_of() {
  case $1 in
    cairn) echo "$CAIRN" ;;
    prometheus) command -v prometheus || true ;;
    victoriametrics) command -v victoria-metrics || true ;;
  esac
}

cat > "$WORK/minimal.yml" <<'EOF'
global:
  scrape_interval: 15s
  evaluation_interval: 15s
EOF

# One history for every server: fixed start, ending at the last full hour.
START_MS=$(python3 -c "import time; h = 3600000; print(int(time.time() * 1000) // h * h - int($HOURS * h))")
END_S=$(python3 -c "print($START_MS / 1000 + $HOURS * 3600)")
echo "bench: SERIES=$SERIES HOURS=$HOURS CONCURRENCY=$CONCURRENCY SEED=$SEED BATCH=$BATCH start_ms=$START_MS"
echo "bench: work dir $WORK"
printf 'server\tsamples\tacked\tingest_s\tsamples_per_s\tcpu_s\trss_final\trss_peak\tdisk_flushed\tdisk_closed\trestart_s\tseries_after_restart\tdriver_cpu_s\trss_idle\tsamples_after_restart\tcpu_settled_s\twrite_bytes\twrite_bytes_settled\twritten_by_source\n' > "$RESULTS"

run_one() {
  local name=$1 bin data port base cmd pid idle ready counted cpu2 out cpu0 cpu1 rss hwm disk1 disk2 restart series_seen
  local wb0 wb1 wb2 sources=-
  bin=$(binary_of "$name")
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "== $name: no binary ($bin), skipped"
    return 0
  fi
  data=$WORK/$name-data
  mkdir -p "$data"
  port=$(free_port)
  base=http://127.0.0.1:$port
  cmd=$(server_cmd "$name" "$data" "$port")
  echo "== $name ($(version_of "$name")): $cmd"
  echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
  $cmd >> "$WORK/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  ready=$(wait_ready "$base$(ready_path "$name")" 120 "$pid") || { tail -20 "$WORK/$name.log" >&2; return 1; }
  echo "   ready after ${ready}s (empty)"

  idle=$(status_bytes "$pid" VmRSS)
  cpu0=$(cpu_seconds "$pid")
  wb0=$(io_write_bytes "$pid")
  set +e
  out=$("$DRIVER" --url="$base$(write_path "$name")" --series="$SERIES" --hours="$HOURS" \
      --concurrency="$CONCURRENCY" --seed="$SEED" --batch="$BATCH" --start-ms="$START_MS")
  local rc=$?
  set -e
  cpu1=$(cpu_seconds "$pid")
  wb1=$(io_write_bytes "$pid")
  rss=$(status_bytes "$pid" VmRSS)
  hwm=$(status_bytes "$pid" VmHWM)
  echo "   driver: $out"
  [ $rc -eq 0 ] || echo "   WARNING: driver exit $rc (some samples not acknowledged)"
  local samples acked secs rate
  samples=$(sed -n 's/.* samples=\([0-9]*\) .*/\1/p' <<< "$out")
  acked=$(sed -n 's/.*samples_acked=\([0-9]*\) .*/\1/p' <<< "$out")
  secs=$(sed -n 's/.*wall_seconds=\([0-9.]*\) .*/\1/p' <<< "$out")
  rate=$(sed -n 's/.*samples_per_second=\([0-9.]*\) .*/\1/p' <<< "$out")
  local dcpu
  dcpu=$(sed -n 's/.*driver_cpu_seconds=\([0-9.]*\) .*/\1/p' <<< "$out")

  flush "$name" "$base" "$data"
  settle "$data"
  disk1=$(dir_bytes "$data")
  cpu2=$(cpu_seconds "$pid")
  wb2=$(io_write_bytes "$pid")
  if [ "$name" = cairn ]; then
    sources=$(written_by_source "$base")
    echo "   bytes written by cause: $sources"
  fi

  kill9_server "$pid"
  $cmd >> "$WORK/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  restart=$(wait_ready "$base$(ready_path "$name")" 1800 "$pid") || { tail -20 "$WORK/$name.log" >&2; return 1; }
  series_seen=$(query_value "$base" "count({job=\"node\"})" "$END_S")
  echo "   restart after kill -9: ${restart}s; series visible at the last scrape: $series_seen"
  counted=-
  if [ "$VERIFY" = 1 ]; then
    counted=$(python3 "$HERE/ingest/count_samples.py" "$base" "$END_S" "$((${HOURS%.*} * 3600 + 3600))")
    echo "   samples counted after restart: $counted"
  fi
  stop_server "$pid"
  disk2=$(dir_bytes "$data")

  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$samples" "$acked" "$secs" \
    "$rate" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')" "$rss" "$hwm" \
    "$disk1" "$disk2" "$restart" "$series_seen" "$dcpu" "$idle" "$counted" \
    "$(awk -v a="$cpu0" -v b="$cpu2" 'BEGIN { printf "%.2f", b - a }')" \
    "$((wb1 - wb0))" "$((wb2 - wb0))" "$sources" >> "$RESULTS"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$data"
}

for s in $SERVERS; do
  run_one "$s" || echo "== $s: FAILED (log: $WORK/$s.log)"
done

echo
python3 "$HERE/ingest/report.py" "$RESULTS" "$SERIES"
exit
}

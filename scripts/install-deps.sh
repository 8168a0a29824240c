#!/usr/bin/env bash
# Installs the Debian packages Cairn builds and tests with. Idempotent: only missing
# packages are installed, so `make run` / `make test` stay fast on a prepared machine.
#   scripts/install-deps.sh build   — compiler, libraries, test frameworks
#   scripts/install-deps.sh peers   — real peers the integration tests and benches start
set -euo pipefail

build_pkgs=(
  cmake ninja-build ccache g++ pkg-config make
  librocksdb-dev libboost-dev libsnappy-dev libzstd-dev libjemalloc-dev libre2-dev libyaml-cpp-dev libicu-dev libc-ares-dev
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libzstd-dev libxxhash-dev
  clang libclang-rt-14-dev curl python3 libssl-dev libcrypt-dev
  prometheus-cpp-dev libcli11-dev libhiredis-dev libpq-dev libroaring-dev
  nodejs
)
peer_pkgs=(
  prometheus victoria-metrics python3-snappy python3-protobuf prometheus-node-exporter nginx openssl
  prometheus-alertmanager prometheus-postgres-exporter prometheus-redis-exporter postgresql redis-server
  prometheus-nginx-exporter prometheus-blackbox-exporter
  chromium
)

want=()
case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  peers) want=("${peer_pkgs[@]}") ;;
  *) echo "usage: $0 build|peers" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The web UI's build needs npm next to node: Debian packages it apart, while a
# nodejs from elsewhere may bring its own (then Debian's npm would conflict).
if [ "${1:-build}" = build ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Daemons from Debian packages must not start system-wide services: tests start them by PID.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

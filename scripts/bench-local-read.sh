#!/usr/bin/env bash
# Local read path (issue 15): `p2p cat CID >/dev/null` of a file the daemon holds against
# `curl -X POST .../api/v0/cat?arg=CID` in the same minute, with the CPU seconds of the daemon and of the client.
#   scripts/bench-local-read.sh [BINDIR...]   each BINDIR holds a p2p.dll (default: the Release build), run in turn
# Environment: P2P_BENCH_DIR (default /tmp/p2p-bench-local), P2P_BENCH_MIB (default 1024), P2P_BENCH_PORT (API port;
# the gateway takes +1 and UDP +2; default 32001), P2P_BENCH_RUNS (default 2), P2P_NO_BUILD=1,
# P2P_BENCH_CLIENTS (default "p2p curl"; "get" adds `curl -X POST .../api/v0/get?arg=CID`, the tar `p2p get` reads).
# The repo and its file are made once (random bytes) and kept in P2P_BENCH_DIR for later runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
dir="${P2P_BENCH_DIR:-/tmp/p2p-bench-local}" mib="${P2P_BENCH_MIB:-1024}" port="${P2P_BENCH_PORT:-32001}"
runs="${P2P_BENCH_RUNS:-2}" clients="${P2P_BENCH_CLIENTS:-p2p curl}"
build_p2p
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("$(dirname "$P2P_DLL")")
export P2P_PATH="$dir/repo" DOTNET_CLI_TELEMETRY_OPTOUT=1
mkdir -p "$dir"
if [ ! -s "$dir/cid" ]; then
  dotnet "${bins[0]}/p2p.dll" init >/dev/null
  gen_file "$dir/data" "$mib" local-read
  dotnet "${bins[0]}/p2p.dll" add -Q "$dir/data" >"$dir/cid"
  rm -f "$dir/data"
fi
cid=$(cat "$dir/cid")
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 100 }'; }
for bin in "${bins[@]}"; do
  dotnet "$bin/p2p.dll" daemon --api "127.0.0.1:$port" --gateway "127.0.0.1:$((port + 1))" \
    --listen "/ip4/127.0.0.1/udp/$((port + 2))" >"$dir/daemon.log" 2>&1 &
  daemon=$!
  for _ in $(seq 1 300); do grep -q "Daemon is ready" "$dir/daemon.log" && break; sleep 0.1; done
  dotnet "$bin/p2p.dll" cat "$cid" >/dev/null   # warm-up: JIT and page cache
  for _ in $(seq 1 "$runs"); do
    for client in $clients; do
      d0=$(ticks "$daemon")
      case $client in
        p2p) /usr/bin/time -f "%e %U %S %M" -o "$dir/time" dotnet "$bin/p2p.dll" cat "$cid" >/dev/null ;;
        curl) /usr/bin/time -f "%e %U %S %M" -o "$dir/time" curl -sf -X POST "http://127.0.0.1:$port/api/v0/cat?arg=$cid" -o /dev/null ;;
        get) /usr/bin/time -f "%e %U %S %M" -o "$dir/time" curl -sf -X POST "http://127.0.0.1:$port/api/v0/get?arg=$cid" -o /dev/null ;;
        *) echo "unknown client '$client' in P2P_BENCH_CLIENTS (p2p, curl, get)" >&2; exit 2 ;;
      esac
      d1=$(ticks "$daemon")
      read -r wall user sys rss <"$dir/time"
      echo "$bin $client: wall $wall s ($(awk -v w="$wall" -v m="$mib" 'BEGIN { printf "%.0f", m * 1.048576 / w }') MB/s)," \
        "client CPU $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') s (peak RSS $((rss / 1024)) MB)," \
        "daemon CPU $(secs "$d0" "$d1") s (peak RSS $(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$daemon/status") MB)," \
        "load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
  kill -TERM "$daemon"
  wait "$daemon" || true
done

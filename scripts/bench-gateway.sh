#!/usr/bin/env bash
# Gateway throughput (issue 6, docs/BENCHMARKS.md "Gateway (issue 6)"): two daemons on 127.0.0.1 in a temp folder,
# files added on the seed, then `curl` on the fetcher's gateway for their CIDs. Three kinds of run:
#   first  the daemon's very first request (the JIT compiles the gateway and exchange paths while it streams)
#   cold   a file the fetcher has never seen, in a warm process: every block fetched through the swarm while the
#          response streams (a running gateway's usual case)
#   warm   the same file again: the blocks are now in the fetcher's repo
# Checks SHA-256 and prints MB/s with the load average.
#   ./scripts/bench-gateway.sh [MIB=256] [RUNS=1]      (RUNS cold+warm pairs, each on a file of its own)
# Ports: UDP 17101-17102, API 17111-17112, gateway 17121-17122 (P2P_BENCH_PORT_BASE moves them all).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mib=${1:-256}
runs=${2:-1}
base=${P2P_BENCH_PORT_BASE:-17100}
work=$(mktemp -d /tmp/p2p-bench-gw.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

build_p2p
start() {
  local i=$1 repo=$work/node$1
  p2p --repo "$repo" init >/dev/null
  # dotnet itself in the background (not the p2p shell function), so $! is the daemon and cleanup's TERM reaches it.
  dotnet "$P2P_DLL" --repo "$repo" daemon --listen "/ip4/127.0.0.1/udp/$((base + i))" --api "127.0.0.1:$((base + 10 + i))" \
    --gateway "127.0.0.1:$((base + 20 + i))" >"$work/daemon$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 600); do
    [ -f "$repo/gateway" ] && grep -q "Daemon is ready" "$work/daemon$i.log" && return 0
    sleep 0.1
  done
  echo "daemon $i did not start:" >&2
  cat "$work/daemon$i.log" >&2
  return 1
}
start 1
start 2
seed_id=$(curl -sf -X POST "http://127.0.0.1:$((base + 11))/api/v0/id" | sed 's/.*"ID":"\([^"]*\)".*/\1/')
curl -sf -X POST "http://127.0.0.1:$((base + 12))/api/v0/swarm/connect?arg=/ip4/127.0.0.1/udp/$((base + 1))/p2p/$seed_id" >/dev/null

declare -A cids sums
for name in first $(seq "$runs"); do
  gen_file "$work/data" "$mib" "gateway-bench-$name"
  sums[$name]=$(sha "$work/data")
  cids[$name]=$(p2p --repo "$work/node1" add -Q "$work/data")
done
rm -f "$work/data"
echo "added $((runs + 1)) files of ${mib} MiB on the seed"
gateway="http://127.0.0.1:$((base + 22))"
fetch() {
  local label=$1 name=$2
  echo "== $label fetch through the gateway  (load before: $(load))"
  echo "\$ curl -o $work/out -w '%{size_download} %{time_total}' $gateway/ipfs/${cids[$name]}"
  read -r bytes seconds < <(curl -sf -o "$work/out" -w '%{size_download} %{time_total}\n' "$gateway/ipfs/${cids[$name]}")
  got=$(sha "$work/out")
  [ "$got" = "${sums[$name]}" ] || { echo "SHA-256 mismatch: $got != ${sums[$name]}" >&2; exit 1; }
  rm -f "$work/out"
  awk -v b="$bytes" -v s="$seconds" -v l="$(load)" -v k="$label" \
    'BEGIN { printf "%s: %d bytes in %.2f s = %.1f MB/s, SHA-256 ok  (load after: %s)\n", k, b, s, b / s / 1e6, l }'
}
fetch first first
for run in $(seq "$runs"); do
  fetch "cold $run" "$run"
  fetch "warm $run" "$run"
done

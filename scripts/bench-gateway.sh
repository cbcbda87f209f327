#!/usr/bin/env bash
# Gateway throughput (issue 6, docs/BENCHMARKS.md "Gateway (issue 6)"): two daemons on 127.0.0.1 in a temp folder,
# a file added on the seed, then `curl` on the fetcher's gateway for its CID: a cold run (every block fetched
# through the swarm while it streams) and a warm run (the blocks now in the fetcher's repo). Checks SHA-256 and
# prints MB/s with the load average.
#   ./scripts/bench-gateway.sh [MIB=256]
# Ports: UDP 17101-17102, API 17111-17112, gateway 17121-17122 (P2P_BENCH_PORT_BASE moves them all).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mib=${1:-256}
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
  # The gateway's address comes from the config (port configurable, written to the repo's `gateway` file).
  sed -i "s|\"gateway\": \"[^\"]*\"|\"gateway\": \"127.0.0.1:$((base + 20 + i))\"|" "$repo/config.json"
  p2p --repo "$repo" daemon --listen "/ip4/127.0.0.1/udp/$((base + i))" --api "127.0.0.1:$((base + 10 + i))" >"$work/daemon$i.log" 2>&1 &
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

gen_file "$work/data" "$mib" gateway-bench
want=$(sha "$work/data")
cid=$(p2p --repo "$work/node1" add -Q "$work/data")
echo "added ${mib} MiB on the seed: $cid"
gateway="http://127.0.0.1:$((base + 22))"
for run in cold warm; do
  echo "== $run fetch through the gateway  (load before: $(load))"
  echo "\$ curl -o $work/out -w '%{size_download} %{time_total}' $gateway/ipfs/$cid"
  read -r bytes seconds < <(curl -sf -o "$work/out" -w '%{size_download} %{time_total}\n' "$gateway/ipfs/$cid")
  got=$(sha "$work/out")
  [ "$got" = "$want" ] || { echo "SHA-256 mismatch: $got != $want" >&2; exit 1; }
  awk -v b="$bytes" -v s="$seconds" -v l="$(load)" 'BEGIN { printf "%d bytes in %.2f s = %.1f MB/s, SHA-256 ok  (load after: %s)\n", b, s, b / s / 1e6, l }'
done

#!/usr/bin/env bash
# The main job, end to end on this machine: build p2p, start a local swarm of 8 daemons, add a generated 64 MiB
# file on node 1, copy it to nodes 2-4 (`pin add` fetches it from the swarm), then `get` it on node 8 from all
# four at once. Checks the SHA-256, prints the bytes each provider served and the rate, and stops the swarm on
# any exit. Non-zero exit on any mismatch.
#
# Every node's upload is capped at DEMO_UPLOAD_RATE bytes/s (default 10 MB/s; 0 = unlimited), as a user would cap
# a node on a shared link: the fetcher then draws a fair share from each of the four providers, which shows the
# swarm at work. Uncapped on loopback, the first provider found can serve the whole file before the others join.
#
# Environment: DEMO_MIB (file size, default 64), DEMO_NODES (default 8, at least 5), P2P_NO_BUILD=1 to skip the
# build. The swarm lives in a temp folder on its own ports (UDP 16400+I, API 16500+I, gateway 16600+I unless
# DEMO_UDP_BASE / DEMO_API_BASE / DEMO_GATEWAY_BASE say otherwise), so it never collides with a swarm started by
# `swarm.sh`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mib=${DEMO_MIB:-64}
nodes=${DEMO_NODES:-8}
[ "$nodes" -ge 5 ] || { echo "DEMO_NODES must be at least 5" >&2; exit 2; }
work=$(mktemp -d /tmp/p2p-demo.XXXXXX)
export P2P_SWARM_DIR="$work/swarm"
export P2P_SWARM_UDP_BASE=${DEMO_UDP_BASE:-16400}
export P2P_SWARM_API_BASE=${DEMO_API_BASE:-16500}
export P2P_SWARM_GATEWAY_BASE=${DEMO_GATEWAY_BASE:-16600}
export P2P_SWARM_UPLOAD_RATE=${DEMO_UPLOAD_RATE:-10000000}
swarm() { "$ROOT/scripts/swarm.sh" "$@"; }
cleanup() {
  local status=$?
  echo "== stopping the swarm"
  swarm down || true
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
peer_of() { swarm exec "$1" id --enc json | sed -n 's/.*"ID":"\([^"]*\)".*/\1/p'; }
now_ms() { date +%s%3N; }

echo "== building p2p"
build_p2p
export P2P_NO_BUILD=1
echo "== starting $nodes nodes (upload capped at $P2P_SWARM_UPLOAD_RATE bytes/s each; 0 = unlimited)"
swarm up "$nodes"
fetcher=$nodes

echo "== generating a ${mib} MiB file"
gen_file "$work/input.bin" "$mib" p2p-demo
want=$(sha "$work/input.bin")

echo "== node 1: p2p add"
cid=$(swarm exec 1 add -Q "$work/input.bin")
echo "root CID: $cid"

echo "== nodes 2-4: p2p pin add (each fetches the file from the swarm)"
for i in 2 3 4; do
  start=$(now_ms)
  swarm exec "$i" pin add "$cid" >/dev/null
  echo "node $i holds it ($(( $(now_ms) - start )) ms)"
done

# The four must be findable before the fetch, or node 8 would start with fewer; the root is announced as soon
# as each node fetched it, so this normally passes at once.
echo "== node $fetcher: waiting until the DHT lists 4 providers"
deadline=$((SECONDS + 60))
while :; do
  found=$(swarm exec "$fetcher" dht findprovs "$cid" 2>/dev/null | sort -u | wc -l)
  [ "$found" -ge 4 ] && break
  [ $SECONDS -lt $deadline ] || { echo "only $found providers found after 60 s" >&2; exit 1; }
  sleep 0.5
done
echo "$found providers found"

echo "== node $fetcher: p2p get (from all four at once)"
start=$(now_ms)
swarm exec "$fetcher" get "$cid" -o "$work/output.bin" >/dev/null
elapsed=$(( $(now_ms) - start ))
got=$(sha "$work/output.bin")

echo "== bytes each provider served to node $fetcher (p2p bitswap stat)"
declare -A node_of
for i in $(seq 1 "$nodes"); do node_of[$(peer_of "$i")]=$i; done
total=$(stat -c %s "$work/output.bin")
swarm exec "$fetcher" bitswap stat | awk -v total="$total" -v map="$(for p in "${!node_of[@]}"; do printf '%s=%s,' "$p" "${node_of[$p]}"; done)" '
  BEGIN { n = split(map, pairs, ","); for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); node[kv[1]] = kv[2] }
          printf "%-6s %-52s %12s %7s %7s\n", "node", "peer", "bytes", "blocks", "share" }
  $1 ~ /^12D3KooW/ && ((node[$1] + 0 >= 1 && node[$1] + 0 <= 4) || $2 > 0) { printf "%-6s %-52s %12d %7d %6.1f%%\n", node[$1], $1, $2, $3, 100 * $2 / total; served += $2 }
  END { printf "%-6s %-52s %12d\n", "total", "", served }'

echo
printf '%-8s %s\n' input "$want" output "$got"
rate=$(awk -v b="$total" -v ms="$elapsed" 'BEGIN { printf "%.1f", b / 1e6 / (ms / 1000) }')
echo "fetch: $total bytes in $elapsed ms = $rate MB/s (whole CLI process included)"
if [ "$want" != "$got" ]; then
  echo "MISMATCH" >&2
  exit 1
fi
echo "OK: ${mib} MiB fetched on node $fetcher from the swarm, byte-identical"

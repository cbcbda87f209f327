#!/usr/bin/env bash
# IPNS on a live loopback swarm (issue 16): N daemons (default 20), names published on node 1 through its API and
# resolved on node N through its API with nocache (a DHT lookup each time), and once with the CLI as a user runs it.
# Prints per-name publish and resolve times (p50, max), the update check (a record with a 1 s TTL, republished,
# then resolved again after the TTL), and the load average. Environment: P2P_NAMES_NODES (default 20),
# P2P_NAMES_COUNT (names, default 10), P2P_BENCH_PORT_BASE (default 23000: UDP base+1.., API base+101..,
# gateway base+201..), P2P_BENCH_DIR (parent of the temp folder, default /tmp), P2P_NO_BUILD=1.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=bench-swarm-lib.sh
source "$(dirname "$0")/bench-swarm-lib.sh"

nodes=${P2P_NAMES_NODES:-20}
count=${P2P_NAMES_COUNT:-10}
base=${P2P_BENCH_PORT_BASE:-23000}
cap=0
work=$(mktemp -d "${P2P_BENCH_DIR:-/tmp}/p2p-bench-names.XXXXXX")
trap cleanup EXIT
echo "== bench-names: $nodes nodes, $count names  (load: $(load), $(date -u +%FT%TZ))"
build_p2p
export P2P_NO_BUILD=1
sw a up "$nodes" >/dev/null
api() { echo "http://127.0.0.1:$((base + 100 + $1))/api/v0"; }
# ms COMMAND...: the wall time of COMMAND in milliseconds (its output discarded).
ms() {
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
# Let every node's routing table fill before timing lookups.
for _ in $(seq 1 60); do
  size=$(sw a status | awk -v n="$nodes" 'NR == n { print $6 }')
  [ "${size:-0}" -ge $((nodes / 2)) ] && break
  sleep 1
done
settle a

cid=$(echo "bench-names $$" | sw a exec 1 add -Q)
publish_ms=() resolve_ms=() names=()
for i in $(seq 1 "$count"); do
  sw a exec 1 key gen "bench$i" >/dev/null
  start=$(date +%s%N)
  answer=$(curl -sf -X POST "$(api 1)/name/publish?arg=/ipfs/$cid&key=bench$i")
  publish_ms+=($((($(date +%s%N) - start) / 1000000)))
  names+=("$(echo "$answer" | jq -r .Name)")
done
for name in "${names[@]}"; do
  got=$(curl -sf -X POST "$(api "$nodes")/name/resolve?arg=$name&nocache=true" | jq -r .Path)
  [ "$got" = "/ipfs/$cid" ] || { echo "bench-names: node $nodes resolved $name to '$got', not /ipfs/$cid" >&2; exit 1; }
  resolve_ms+=("$(ms curl -sf -X POST "$(api "$nodes")/name/resolve?arg=$name&nocache=true")")
done
stats() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { printf "p50 %d ms, max %d ms", a[int((NR + 1) / 2)], a[NR] }'; }
echo "   publish on node 1 (API, $count names): $(stats "${publish_ms[@]}")"
echo "   resolve on node $nodes (API, nocache, first answer excluded): $(stats "${resolve_ms[@]}")"
cli_ms=$(ms sw a exec "$nodes" name resolve --nocache "${names[0]}")
echo "   resolve on node $nodes with the CLI (a whole process): $cli_ms ms"

# An update of a name whose record has a 1 s TTL (a fresh key: node N cached the names above for their 5 min TTL,
# as any resolver would): the first resolve caches it, the resolve after the TTL (cache allowed) sees the update.
sw a exec 1 key gen benchupd >/dev/null
upd=$(curl -sf -X POST "$(api 1)/name/publish?arg=/ipfs/$cid&key=benchupd&ttl=1s" | jq -r .Name)
first=$(curl -sf -X POST "$(api "$nodes")/name/resolve?arg=$upd" | jq -r .Path)
[ "$first" = "/ipfs/$cid" ] || { echo "bench-names: node $nodes resolved $upd to '$first'" >&2; exit 1; }
cid2=$(echo "bench-names update $$" | sw a exec 1 add -Q)
curl -sf -X POST "$(api 1)/name/publish?arg=/ipfs/$cid2&key=benchupd&ttl=1s" >/dev/null
cached=$(curl -sf -X POST "$(api "$nodes")/name/resolve?arg=$upd" | jq -r .Path)
sleep 1.2
got=$(curl -sf -X POST "$(api "$nodes")/name/resolve?arg=$upd" | jq -r .Path)
echo "   within the TTL node $nodes answered $([ "$cached" = "/ipfs/$cid" ] && echo "the cached record" || echo "the update already")"
if [ "$got" != "/ipfs/$cid2" ]; then
  echo "   update seen: NO ($got); with nocache: $(curl -sf -X POST "$(api "$nodes")/name/resolve?arg=$upd&nocache=true" | jq -r .Path)"
  exit 1
fi
echo "   update seen by the next resolve after the TTL: yes"
echo "== done (load: $(load))"

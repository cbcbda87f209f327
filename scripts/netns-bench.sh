#!/usr/bin/env bash
# Fetch throughput over real lossy, rate-capped links (issue 7): four p2p daemons, each its own host in its own
# network namespace, joined by veth pairs to a bridge in a "switch" namespace. Every node's eth0 drops a share of
# inbound UDP at random (nftables numgen; this kernel has no netem) and both ends of each veth are capped with tbf.
# For each loss rate (0, 5, 20 %) a fresh topology is built, the daemons start (joins and handshakes run under the
# loss too), node 1 adds a file, node 2 fetches it from node 1, then nodes 3 and 4 fetch it at once from both.
#
#   ./scripts/netns-bench.sh [MiB] [rate]      defaults: 64 MiB, 200mbit (tc syntax)
#
# Prints a table: loss, seconds and MB/s of node 2's fetch, of the 3+4 pair (MB/s summed), whether every copy is
# byte-identical, and the median `dht findprovs` time over the four nodes (CLI start-up included, ~0.2 s here).
# Needs root, iproute2 and nftables. Namespaces are named p2pnb<pid>-…; leftovers of dead runs are removed first.
# Environment: P2P_NETNS_LOSS="0 5 20" (rates to run), P2P_NETNS_LOG_LEVEL (daemons' --log-level), P2P_NO_BUILD=1 to
# skip the build. On failure the daemons' output and repos are kept in a folder the script names.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

MIB=${1:-64}
RATE=${2:-200mbit}
LOSSES=${P2P_NETNS_LOSS:-0 5 20}
NODES=4
PREFIX="p2pnb$$"
WORK=$(mktemp -d /tmp/p2p-netns-bench.XXXXXX)
PIDS=()

die() {
  echo "netns-bench: $*" >&2
  if [ -d "${WORK:-}" ] && ls "$WORK"/node*.out >/dev/null 2>&1; then
    mkdir -p "$WORK.failed" && cp -r "$WORK"/node* "$WORK.failed/" && echo "netns-bench: daemon logs kept in $WORK.failed" >&2
  fi
  exit 1
}
[[ "$MIB" =~ ^[0-9]+$ ]] && [ "$MIB" -ge 1 ] || die "usage: netns-bench.sh [MiB] [rate]"
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, nftables, tc)"
for tool in ip tc nft; do command -v "$tool" >/dev/null || die "\`$tool\` is missing: install iproute2 and nftables"; done

ns() { echo "$PREFIX-n$1"; }
addr() { echo "10.$SUBNET.$1"; }

# Deletes every namespace of this script's prefix whose script process is gone (killed or crashed runs).
sweep() {
  local name pid
  for name in $(ip netns list | cut -d' ' -f1 | grep -E '^p2pnb[0-9]+-' || true); do
    pid=${name#p2pnb}; pid=${pid%%-*}
    [ "$pid" != $$ ] && [ -d "/proc/$pid" ] && continue
    for p in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$name" 2>/dev/null || true
  done
}

stop_daemons() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  PIDS=()
}

cleanup() {
  stop_daemons
  sweep
  rm -rf "$WORK"
}
trap cleanup EXIT

# build LOSS: the switch with its bridge and NODES namespaces, tbf on both ends of every veth, the loss rule.
build() {
  local loss=$1 i sw="$PREFIX-sw"
  ip netns add "$sw"
  ip -n "$sw" link set lo up
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  for i in $(seq 1 $NODES); do
    ip netns add "$(ns "$i")"
    ip -n "$(ns "$i")" link set lo up
    ip -n "$sw" link add "v$i" type veth peer name eth0 netns "$(ns "$i")"
    ip -n "$sw" link set "v$i" master br0
    ip -n "$sw" link set "v$i" up
    ip -n "$(ns "$i")" addr add "$(addr "$i")/24" dev eth0
    ip -n "$(ns "$i")" link set eth0 up
    tc -n "$(ns "$i")" qdisc add dev eth0 root tbf rate "$RATE" burst 64kb latency 50ms
    tc -n "$sw" qdisc add dev "v$i" root tbf rate "$RATE" burst 64kb latency 50ms
    if [ "$loss" -gt 0 ]; then
      # Inbound, so each datagram meets one coin toss and senders never see EPERM from an output-hook drop.
      ip netns exec "$(ns "$i")" nft -f - <<EOF
table inet p2ploss {
  chain in {
    type filter hook input priority 0; policy accept;
    iifname "eth0" meta l4proto udp numgen random mod 100 < $loss drop
  }
}
EOF
    fi
  done
}

teardown() {
  local i
  stop_daemons
  for i in $(seq 1 $NODES); do ip netns del "$(ns "$i")" 2>/dev/null || true; done
  ip netns del "$PREFIX-sw" 2>/dev/null || true
}

# on I CMD...: `p2p CMD...` against node I's repo, inside its namespace (its API is on that namespace's loopback).
on() { local i=$1; shift; P2P_PATH="$WORK/node$i" ip netns exec "$(ns "$i")" dotnet "$P2P_DLL" "$@"; }

start() {
  local i=$1 deadline=$((SECONDS + 60))
  : >"$WORK/node$i.out"
  P2P_PATH="$WORK/node$i" ip netns exec "$(ns "$i")" dotnet "$P2P_DLL" daemon \
    --listen "/ip4/$(addr "$i")/udp/4001" --api 127.0.0.1:5001 ${P2P_NETNS_LOG_LEVEL:+--log-level "$P2P_NETNS_LOG_LEVEL"} >"$WORK/node$i.out" 2>&1 </dev/null &
  PIDS+=($!)
  until grep -q '^Daemon is ready' "$WORK/node$i.out"; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { tail -5 "$WORK/node$i.out" >&2; die "node $i exited during start"; }
    [ $SECONDS -lt $deadline ] || die "node $i did not start within 60 s"
    sleep 0.1
  done
}

# until_ok SECONDS CMD...: retries CMD every 0.2 s until it succeeds; fails after SECONDS.
until_ok() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "gave up after waiting for: $*"
    sleep 0.2
  done
}
has_peers() { [ "$(on "$1" swarm peers | wc -l)" -ge "$2" ]; }
finds() { on "$1" dht findprovs "$2" | grep -q "$3"; }
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
mbs() { echo "$1 * 1048576 / $2 / 1000000" | bc -l; }

build_p2p
[ -f "$P2P_DLL" ] || die "$P2P_DLL is missing: build failed?"
command -v bc >/dev/null || die "bc is missing"
sweep
SUBNET="$((64 + $$ % 128)).$(($$ / 128 % 256))"
gen_file "$WORK/data.bin" "$MIB" netns-bench
WANT=$(sha "$WORK/data.bin")

echo "\$ ./scripts/netns-bench.sh $MIB $RATE   ($NODES nodes, tbf $RATE each way per node; load before: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-6s %-9s %-8s %-9s %-9s %-7s %-14s\n' loss fetch_s MB/s pair_s pair_MB/s sha_ok findprovs_ms
for loss in $LOSSES; do
  build "$loss"
  for i in $(seq 1 $NODES); do
    P2P_PATH="$WORK/node$i" p2p init >/dev/null
    sed -i -e "s#\"listen\": \"[^\"]*\"#\"listen\": \"/ip4/$(addr "$i")/udp/4001\"#" \
      -e "s#\"gateway\": \"[^\"]*\"#\"gateway\": \"$(addr "$i"):8080\"#" "$WORK/node$i/config.json"
  done
  start 1
  seed=$(sed -n 's/^Listening on //p' "$WORK/node1.out")
  for i in $(seq 2 $NODES); do sed -i "s#\"bootstrap\": \[\]#\"bootstrap\": [\"$seed\"]#" "$WORK/node$i/config.json"; done
  for i in $(seq 2 $NODES); do start "$i"; done
  until_ok 60 has_peers 1 $((NODES - 1))
  cid=$(on 1 add -Q "$WORK/data.bin")
  peer1=${seed##*/}
  until_ok 60 finds 2 "$cid" "$peer1"

  t0=$(now); on 2 get "$cid" -o "$WORK/out2.bin" >/dev/null; t1=$(now)
  peer2=$(sed -n 's/^PeerId //p' "$WORK/node2.out")
  until_ok 60 finds 3 "$cid" "$peer2"
  until_ok 60 finds 4 "$cid" "$peer2"
  t2=$(now)
  on 3 get "$cid" -o "$WORK/out3.bin" >/dev/null & g3=$!
  on 4 get "$cid" -o "$WORK/out4.bin" >/dev/null & g4=$!
  wait $g3 $g4; t3=$(now)

  ok=yes
  for i in 2 3 4; do [ "$(sha "$WORK/out$i.bin")" = "$WANT" ] || ok=no; done
  lookups=()
  for i in $(seq 1 $NODES); do
    want=$peer1; [ "$i" = 1 ] && want=$peer2
    a=$(now); finds "$i" "$cid" "$want" || ok="$ok(findprovs $i missed)"; b=$(now)
    lookups+=("$(printf '%.0f' "$(echo "($b - $a) * 1000" | bc -l)")")
  done
  median=$(printf '%s\n' "${lookups[@]}" | sort -n | sed -n "$(((NODES + 1) / 2))p")
  printf '%-6s %-9.2f %-8.1f %-9.2f %-9.1f %-7s %-14s\n' "$loss%" "$(secs "$t0" "$t1")" "$(mbs "$MIB" "$(secs "$t0" "$t1")")" \
    "$(secs "$t2" "$t3")" "$(mbs $((2 * MIB)) "$(secs "$t2" "$t3")")" "$ok" "$median (${lookups[*]})"
  if [ "$ok" != yes ]; then
    mkdir -p "$WORK.failed/loss$loss" && cp -r "$WORK"/node* "$WORK.failed/loss$loss/" && echo "daemon logs kept in $WORK.failed/loss$loss"
  fi
  teardown
  rm -rf "$WORK"/node* "$WORK"/out*.bin
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# NAT traversal figures (issue 13) behind the kernel's own NAT, in network namespaces. An "internet" namespace holds
# a bridge with addresses in 198.18.0.0/15 (the benchmarking range); on it sit a bootstrap node, two public nodes
# (pub1, pub2) and four home routers, each with one client on its own LAN (10.R.0.10/24, default route via the
# router): cone1, cone2 behind `masquerade` (Linux's default: endpoint-independent mapping, address-and-port-
# dependent filtering) and sym1, sym2 behind `masquerade random,fully-random` (a new port per destination). Routers
# forward nothing inbound: only replies pass. The same topology as tests/P2P.Cli.Tests/NetNs/NatLab.cs.
#
#   ./scripts/nat-bench.sh
#
# Every node runs `p2p daemon` (public nodes on their address, NATed ones on 0.0.0.0, as a user behind a router
# would), all bootstrapped off the bootstrap node. For each pair DIALER>TARGET, where the target is the NATed side
# whenever one is (the hard direction), ATTEMPTS times: restart the dialer's daemon (so no connection survives from
# the attempt before), then ask its API to `swarm connect` to each address the target's `id` advertises (unspecified
# ones skipped), and read `swarm peers` for how the connection goes: a field whose value is direct, hole-punched or
# relayed. A relayed connection is watched for up to 3 s for the hole punch to replace it (hole-punched counts as
# direct; punch_p50 is the median time from the relayed connect to the punched session). Connect time is the API
# call's (curl's time_total), the successful address's only. After the attempts, if connected, the target adds a
# fresh 64 MiB file and the dialer fetches it (`p2p get`, sha-256 checked); the time goes in the direct or relayed
# column by the connection's kind, and for a pair that went direct the fetch is repeated through the relay (the
# dialer restarted with nat.holePunching off, dialling the relay address), so both figures share the same links.
# Prints per pair: attempts made, % direct / relayed / failed, connect p50/p95 in ms, punch p50 in ms, fetch seconds.
#
# Environment: P2P_NAT_ATTEMPTS (default 50), P2P_NAT_PAIR_SECONDS (time budget of one pair's attempts, default
# 300; the attempts column says how many fitted), P2P_NAT_MIB (fetch size, default 64), P2P_NAT_FETCH_SECONDS
# (default 180), P2P_NAT_PAIRS (default "pub1>pub2 pub1>cone1 pub1>sym1 cone1>cone2 cone1>sym1 sym1>sym2"),
# P2P_NO_BUILD=1 to skip the build. Needs root, iproute2, nftables, curl, jq and bc. Namespaces are named
# p2pnat<pid>-…; the trap removes them on any exit, and leftovers of dead runs are swept first.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ATTEMPTS=${P2P_NAT_ATTEMPTS:-50}
PAIR_SECONDS=${P2P_NAT_PAIR_SECONDS:-300}
MIB=${P2P_NAT_MIB:-64}
FETCH_SECONDS=${P2P_NAT_FETCH_SECONDS:-180}
PAIRS=${P2P_NAT_PAIRS:-pub1>pub2 pub1>cone1 pub1>sym1 cone1>cone2 cone1>sym1 sym1>sym2}
PREFIX="p2pnat$$"
PORT=4001
WORK=$(mktemp -d /tmp/p2p-nat-bench.XXXXXX)
declare -A PID=() ADDR=() NS=() LISTEN=()

die() { echo "nat-bench: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces, nftables)"
for tool in ip nft curl jq bc; do command -v "$tool" >/dev/null || die "\`$tool\` is missing (scripts/test.sh installs it)"; done
[[ "$ATTEMPTS" =~ ^[0-9]+$ && "$ATTEMPTS" -ge 1 && "$ATTEMPTS" -le 1000 ]] || die "P2P_NAT_ATTEMPTS must be 1-1000"

# Deletes every namespace of this script's prefix whose script process is gone, and this run's own at exit.
sweep() {
  local name pid p
  for name in $(ip netns list | cut -d' ' -f1 | grep -E '^p2pnat[0-9]+-' || true); do
    pid=${name#p2pnat}; pid=${pid%%-*}
    [ "$pid" != $$ ] && [ -d "/proc/$pid" ] && continue
    for p in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$name" 2>/dev/null || true
  done
}

stop() {
  local node=$1 pid=${PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  PID[$node]=""
}

cleanup() {
  local node
  for node in "${!PID[@]}"; do stop "$node"; done
  sweep
  # P2P_NAT_KEEP_LOGS=DIR keeps each daemon's output there (for reading the punch and relay log lines).
  if [ -n "${P2P_NAT_KEEP_LOGS:-}" ]; then mkdir -p "$P2P_NAT_KEEP_LOGS" && cp "$WORK"/*.out "$P2P_NAT_KEEP_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

NET="198.18.$(($$ % 256))"
inet="$PREFIX-inet"

# attach BRIDGE_NS BRIDGE PORT NS DEV ADDRESS: a veth from a bridge into NS, made inside the bridge's namespace.
attach() {
  ip -n "$1" link add "$3" type veth peer name "$5" netns "$4"
  ip -n "$1" link set "$3" master "$2"
  ip -n "$1" link set "$3" up
  ip -n "$4" addr add "$6/24" dev "$5"
  ip -n "$4" link set "$5" up
}
add_ns() { ip netns add "$1"; ip -n "$1" link set lo up; }

# public NAME HOST: a node on the internet bridge at $NET.HOST.
public() {
  NS[$1]="$PREFIX-$1"; ADDR[$1]="$NET.$2"; LISTEN[$1]="/ip4/$NET.$2/udp/$PORT"
  add_ns "${NS[$1]}"
  attach "$inet" br0 "$1" "${NS[$1]}" eth0 "${ADDR[$1]}"
}

# natted NAME R KIND: router $PREFIX-NAME-rt (WAN $NET.(100+R), LAN 10.R.0.1/24) with one client $PREFIX-NAME at 10.R.0.10.
natted() {
  local name=$1 r=$2 kind=$3 rt="$PREFIX-$1-rt" masq=masquerade
  [ "$kind" = symmetric ] && masq="masquerade random,fully-random"
  NS[$name]="$PREFIX-$name"; ADDR[$name]="10.$r.0.10"; LISTEN[$name]="/ip4/0.0.0.0/udp/$PORT"
  add_ns "$rt"
  attach "$inet" br0 "$name" "$rt" wan0 "$NET.$((100 + r))"
  ip -n "$rt" link add lan0 type bridge
  ip -n "$rt" addr add "10.$r.0.1/24" dev lan0
  ip -n "$rt" link set lan0 up
  add_ns "${NS[$name]}"
  attach "$rt" lan0 c1 "${NS[$name]}" eth0 "${ADDR[$name]}"
  ip -n "${NS[$name]}" route add default via "10.$r.0.1"
  ip netns exec "$rt" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
  ip netns exec "$rt" nft -f - <<EOF
table ip p2pnat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan0" $masq
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname "lan0" oifname "wan0" accept
  }
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan0" ct state established,related accept
    iifname "wan0" drop
  }
}
EOF
}

# on NODE CMD...: `p2p CMD...` against NODE's repo inside its namespace (its API is on that namespace's loopback).
on() { local n=$1; shift; P2P_PATH="$WORK/$n" ip netns exec "${NS[$n]}" dotnet "$P2P_DLL" "$@"; }

# api NODE PATH [QUERY]: POST to NODE's API inside its namespace; prints "HTTP_CODE SECONDS" and leaves the body in $WORK/body.
api() {
  local port
  port=$(cut -d/ -f5 "$WORK/$1/api")
  ip netns exec "${NS[$1]}" curl -s -o "$WORK/body" -w '%{http_code} %{time_total}\n' --max-time 30 -X POST "http://127.0.0.1:$port/api/v0/$2${3:+?$3}" || echo "000 0"
}

start() {
  local n=$1 deadline=$((SECONDS + 60))
  : >"$WORK/$n.out"
  P2P_PATH="$WORK/$n" ip netns exec "${NS[$n]}" dotnet "$P2P_DLL" daemon --listen "${LISTEN[$n]}" --api 127.0.0.1:5001 >>"$WORK/$n.out" 2>&1 </dev/null &
  PID[$n]=$!
  until grep -q '^Daemon is ready' "$WORK/$n.out"; do
    kill -0 "${PID[$n]}" 2>/dev/null || { tail -5 "$WORK/$n.out" >&2; die "$n exited during start"; }
    [ $SECONDS -lt $deadline ] || die "$n did not start within 60 s"
    sleep 0.1
  done
}

init() {
  local n=$1 boot=${2:-}
  P2P_PATH="$WORK/$n" p2p init >/dev/null
  jq --arg l "${LISTEN[$n]}" --arg b "$boot" '.listen = $l | .bootstrap = (if $b == "" then [] else [$b] end)' \
    "$WORK/$n/config.json" >"$WORK/config.tmp" && mv "$WORK/config.tmp" "$WORK/$n/config.json"
}

peer_of() { sed -n 's/^Listening on //p' "$WORK/$1.out" | head -1 | sed 's#.*/p2p/##'; }

# kind DIALER PEER: how DIALER is connected to PEER now: direct, hole-punched, relayed (a field of `swarm peers`
# with one of those values; "direct" when the daemon reports none), or "none".
kind() {
  on "$1" swarm peers --enc json 2>/dev/null | jq -r --arg p "$2" '
    select(.Peer == $p)
    | ([.[] | strings | ascii_downcase | select(test("^(direct|hole-?punched|relayed)$"))][0] // "direct")
    | sub("holepunched"; "hole-punched")' | head -1 | grep . || echo none
}

# The target's dialable addresses: what its `id` advertises, minus unspecified and loopback ones, each with /p2p/PEER.
# A target that knows it is unreachable (Reachability private) is dialled at its relay addresses first, as libp2p
# dials a private peer: its listen and observed addresses would only time out behind its NAT.
targets() {
  local peer
  peer=$(peer_of "$1")
  api "$1" id >/dev/null
  jq -r 'if .Reachability == "private"
         then ([.Advertised[] | select(.Kind == "relay") | .Addr] + [.Advertised[] | select(.Kind != "relay") | .Addr])[]
         else .Addresses[] end' "$WORK/body" | grep -vE '^/ip4/(0\.0\.0\.0|127\.)|^/ip6/(::|::1)/' |
    while read -r a; do case $a in */p2p/*) echo "$a" ;; *) echo "$a/p2p/$peer" ;; esac; done
}

# wait_direct DIALER PEER: while the connection is relayed, polls for up to 3 s for the hole punch to replace it;
# prints the kind at the end and the punch time the dialer logged (ms from the relayed session to the punched
# one; polling through the CLI would add its own start-up time), or "-".
wait_direct() {
  local t0 k ms
  t0=$(date +%s%N)
  k=$(kind "$1" "$2")
  while [ "$k" = relayed ] && [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 3000 ]; do sleep 0.05; k=$(kind "$1" "$2"); done
  ms=$(sed -n "s/.*Hole punch to $2 done in \([0-9]*\) ms.*/\1/p" "$WORK/$1.out" | tail -1)
  if [ "$k" = hole-punched ] && [ -n "$ms" ]; then echo "$k $ms"; else echo "$k -"; fi
}

# fetch DIALER TARGET: the target adds a fresh file, the dialer gets it; prints seconds, or "fail".
fetch() {
  local cid t0
  gen_file "$WORK/data.bin" "$MIB" "nat-bench-$1-$2-$RANDOM"
  cid=$(on "$2" add -Q "$WORK/data.bin")
  t0=$(date +%s.%N)
  if timeout "$FETCH_SECONDS" bash -c "$(declare -f on); $(declare -p NS WORK P2P_DLL); on $1 get $cid -o $WORK/copy.bin" >/dev/null 2>&1 &&
    [ "$(sha "$WORK/copy.bin")" = "$(sha "$WORK/data.bin")" ]; then
    printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc -l)"
  else
    printf fail
  fi
  rm -f "$WORK/copy.bin" "$WORK/data.bin"
}

# set_boot NODE BOOTSTRAP: NODE's bootstrap list becomes [BOOTSTRAP] (or [] when empty); takes effect at its next start.
set_boot() {
  jq --arg b "$2" '.bootstrap = (if $b == "" then [] else [$b] end)' "$WORK/$1/config.json" >"$WORK/config.tmp" && mv "$WORK/config.tmp" "$WORK/$1/config.json"
}

# set_punch NODE true|false: turns hole punching on or off in NODE's config (takes effect at its next start).
set_punch() {
  jq --argjson v "$2" '.nat.holePunching = $v' "$WORK/$1/config.json" >"$WORK/config.tmp" && mv "$WORK/config.tmp" "$WORK/$1/config.json"
}

percentile() { sort -n | awk -v p="$1" '{v[NR]=$1} END {if (NR==0) {print "-"; exit} i=int((NR*p+99)/100); if (i<1) i=1; printf "%.0f", v[i]}'; }

build_p2p
[ -f "$P2P_DLL" ] || die "$P2P_DLL is missing: build failed?"
sweep
add_ns "$inet"
ip -n "$inet" link add br0 type bridge
ip -n "$inet" link set br0 up
public boot 10; public pub1 11; public pub2 12
natted cone1 1 cone; natted cone2 2 cone; natted sym1 3 symmetric; natted sym2 4 symmetric
init boot
start boot
BOOT="$(sed -n 's/^Listening on //p' "$WORK/boot.out" | head -1)"
for n in pub1 pub2 cone1 cone2 sym1 sym2; do init "$n" "$BOOT"; start "$n"; done

echo "\$ ./scripts/nat-bench.sh   (attempts $ATTEMPTS per pair, at most ${PAIR_SECONDS} s each; fetch $MIB MiB; load before: $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-12s %-8s %-8s %-9s %-8s %-8s %-8s %-9s %-10s %-10s\n' pair attempts direct% relayed% failed% p50_ms p95_ms punch_p50 fetch_dir_s fetch_rel_s
for pair in $PAIRS; do
  d=${pair%%>*}; t=${pair##*>}
  [ -n "${NS[$d]:-}" ] && [ -n "${NS[$t]:-}" ] || die "unknown pair $pair (nodes: pub1 pub2 cone1 cone2 sym1 sym2)"
  peer=$(peer_of "$t")
  direct=0 relayed=0 failed=0 made=0 last=none
  : >"$WORK/times"; : >"$WORK/punch"
  deadline=$((SECONDS + PAIR_SECONDS))
  # While it measures connecting, the dialer starts with no bootstrap list: the address under test is then its only
  # way to the target (through the DHT the two would otherwise meet on their own, and behind cone NATs their crossing
  # DHT dials open a direct path before any hole punch, hiding the punch's own figures).
  set_boot "$d" ""
  while [ $made -lt "$ATTEMPTS" ] && [ $SECONDS -lt $deadline ]; do
    made=$((made + 1))
    stop "$d"; start "$d"
    ok=""
    for a in $(targets "$t"); do
      read -r code secs < <(api "$d" swarm/connect "arg=$(jq -rn --arg a "$a" '$a|@uri')")
      if [ "$code" = 200 ]; then ok=$secs; break; fi
    done
    last=none
    if [ -n "$ok" ]; then
      read -r last punch < <(wait_direct "$d" "$peer")
      [ "$punch" = - ] || echo "$punch" >>"$WORK/punch"
    fi
    case $last in
      none) failed=$((failed + 1)) ;;
      relayed) relayed=$((relayed + 1)); echo "$ok * 1000" | bc -l >>"$WORK/times" ;;
      *) direct=$((direct + 1)); echo "$ok * 1000" | bc -l >>"$WORK/times" ;;
    esac
  done
  set_boot "$d" "$BOOT"
  fetch_dir=- fetch_rel=-
  if [ "$last" != none ]; then
    s=$(fetch "$d" "$t")
    if [ "$(kind "$d" "$peer")" = relayed ]; then fetch_rel=$s; else fetch_dir=$s; fi
    # The same pair through the relay: the dialer restarts with hole punching off and dials the relay address.
    relay=$(targets "$t" | grep -m1 p2p-circuit || true)
    if [ "$fetch_rel" = - ] && [ -n "$relay" ]; then
      # No bootstrap list either: through the DHT the two would meet directly (see above). The fetch needs none:
      # the exchange asks its connected peers first.
      set_punch "$d" false; set_boot "$d" ""; stop "$d"; start "$d"
      read -r code _ < <(api "$d" swarm/connect "arg=$(jq -rn --arg a "$relay" '$a|@uri')")
      [ "$code" = 200 ] && [ "$(kind "$d" "$peer")" = relayed ] && fetch_rel=$(fetch "$d" "$t")
      set_punch "$d" true; set_boot "$d" "$BOOT"; stop "$d"; start "$d"
    fi
  fi
  pct() { echo "$1 * 100 / $made" | bc; }
  printf '%-12s %-8s %-8s %-9s %-8s %-8s %-8s %-9s %-10s %-10s\n' "$d>$t" "$made" "$(pct $direct)" "$(pct $relayed)" "$(pct $failed)" \
    "$(percentile 50 <"$WORK/times")" "$(percentile 95 <"$WORK/times")" "$(percentile 50 <"$WORK/punch")" "$fetch_dir" "$fetch_rel"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

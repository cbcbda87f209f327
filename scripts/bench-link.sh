#!/usr/bin/env bash
# One provider -> one fetcher over a real rate-capped, delayed link (issue 15, docs/perf/links.md), each figure beside
# a plain TCP copy of the same bytes over the same link in the same run.
#
#   ./scripts/bench-link.sh            both links: lan (1 Gbit/s, 1 ms RTT) and wan (100 Mbit/s, 40 ms RTT)
#
# Topology, three namespaces named i15l-<pid>-{p,r,f}: the provider (10.215.1.2) and the fetcher (10.215.2.2), each
# joined by a veth pair to a router namespace. Every veth end is capped with tbf (this kernel has no netem and no fq).
# Delay: in the router, a policy rule sends every packet arriving from either host into a TUN device (table 100), a
# userspace delay line (bench/P2P.DelayLine `run`) holds it RTT/2 and writes it back into the same device, and packets
# arriving from the TUN use the main table, which sends them out of the right veth. Each packet crosses the line once
# per direction, so a round trip pays the hold twice. The line runs SCHED_FIFO (chrt) so the machine's load does not
# add to the delay, and its hold is calibrated once on the median idle RTT.
# Per link: ping RTT (idle and during each copy), then RUNS times: the TCP baseline (socat from the provider to the
# fetcher, timed into /dev/null, then a second copy piped to sha256sum), iperf3 -R beside it, then fresh random files
# added on the provider and fetched with `p2p cat CID >/dev/null`, `p2p get CID -o FILE` and `curl` of the fetcher's
# API (/api/v0/cat: the daemon's path without the CLI's start-up), each checked with SHA-256. Printed per figure:
# MB/s, ratio to the same run's TCP copy, the fetching daemon's CPU seconds (utime + stime from /proc/PID/stat) and
# run-queue wait, the provider's CPU, the delay line's CPU, the RTT during the copy (ping every 0.1 s) and the load
# average; then one table of it all.
# Environment: P2P_LINK_LINKS (default "lan wan"), P2P_LINK_RUNS (default 2), P2P_LINK_LAN_MIB (default 256),
# P2P_LINK_WAN_MIB (default 64), P2P_LINK_LAN_QUEUE / P2P_LINK_WAN_QUEUE (tbf limit per veth end, default 1mb /
# 625kb: about 8 ms and 50 ms of the link), P2P_LINK_NICE (nice value of both hosts' processes, product and
# baseline alike, default 0: on a machine shared at load 30-60, -10 lessens how much the others' run queue decides
# a figure that needs CPU), P2P_NO_INSTALL=1 (no apt-get), P2P_NO_BUILD=1.
# Needs root, /dev/net/tun, network namespaces and tbf; without them it prints why and exits 0 (a skip).
# The trap stops every process it started and deletes its namespaces and TUN device, also after a failure; a run
# first sweeps what a dead run (its pid gone) left.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

LINKS=${P2P_LINK_LINKS:-lan wan}
RUNS=${P2P_LINK_RUNS:-2}
NICE=${P2P_LINK_NICE:-0}
PREFIX="i15l-$$"
TUN=i15l-dl
DL_DLL="$ROOT/bench/P2P.DelayLine/bin/Release/net10.0/P2P.DelayLine.dll"
NS_P="$PREFIX-p" NS_R="$PREFIX-r" NS_F="$PREFIX-f"
ADDR_P=10.215.1.2 ADDR_F=10.215.2.2
PIDS=()
WORK=""

skip() { echo "bench-link: SKIP: $*"; exit 0; }
die() {
  echo "bench-link: $*" >&2
  if [ -n "$WORK" ] && ls "$WORK"/*.out >/dev/null 2>&1; then
    mkdir -p "/tmp/i15l-bench-link-failed.$$" && cp "$WORK"/*.out "/tmp/i15l-bench-link-failed.$$/" &&
      cp "$WORK"/p/config.json "/tmp/i15l-bench-link-failed.$$/" 2>/dev/null
    echo "bench-link: daemon and delay line output kept in /tmp/i15l-bench-link-failed.$$" >&2
  fi
  exit 1
}
load() { cut -d' ' -f1-3 /proc/loadavg; }

# Deletes namespaces (and a TUN device pushed back to the host) of runs whose script process is gone.
sweep() {
  local name pid p
  for name in $(ip netns list | cut -d' ' -f1 | grep -E '^i15l-[0-9]+-' || true); do
    pid=${name#i15l-}; pid=${pid%%-*}
    [ "$pid" != $$ ] && [ -d "/proc/$pid" ] && continue
    for p in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip -n "$name" tuntap del dev "$TUN" mode tun 2>/dev/null || true
    ip netns del "$name" 2>/dev/null || true
  done
  for name in /tmp/i15l-bench-link.*.*; do
    [ -d "$name" ] || continue
    pid=${name#/tmp/i15l-bench-link.}; pid=${pid%%.*}
    [ "$pid" != $$ ] && [ -d "/proc/$pid" ] && continue
    [ "$pid" = $$ ] || rm -rf "$name"
  done
  # A namespace of a dead run is gone when its TUN is found here; only this script makes devices of this name.
  if ip link show "$TUN" >/dev/null 2>&1 && ! ip netns list | grep -qE '^i15l-[0-9]+-r'; then
    ip tuntap del dev "$TUN" mode tun 2>/dev/null || true
  fi
}

stop_pids() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

teardown() {
  stop_pids
  ip -n "$NS_R" tuntap del dev "$TUN" mode tun 2>/dev/null || true
  local ns
  for ns in "$NS_P" "$NS_R" "$NS_F"; do ip netns del "$ns" 2>/dev/null || true; done
}

cleanup() {
  teardown
  sweep
  [ -n "$WORK" ] && rm -rf "$WORK"
}

# ---- can this machine do it at all? ----
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, tc, a TUN device)"
for tool in ip tc chrt; do command -v "$tool" >/dev/null || skip "\`$tool\` is missing (iproute2, util-linux)"; done
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing"
trap cleanup EXIT
trap 'exit 130' INT TERM
sweep
ip netns add "$PREFIX-probe" 2>/dev/null || skip "cannot make a network namespace"
probe_ok=yes
ip -n "$PREFIX-probe" link add d0 type veth peer name d1 2>/dev/null &&
  tc -n "$PREFIX-probe" qdisc add dev d0 root tbf rate 1gbit burst 64kb limit 1mb 2>/dev/null || probe_ok="no tbf"
[ "$probe_ok" = yes ] && { ip -n "$PREFIX-probe" tuntap add dev "$TUN" mode tun 2>/dev/null || probe_ok="no TUN devices"; }
ip netns del "$PREFIX-probe"
[ "$probe_ok" = yes ] || skip "$probe_ok in a network namespace"

if [ "${P2P_NO_INSTALL:-0}" != 1 ]; then
  missing=()
  for tool in bc jq socat curl iperf3 ping; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    pkgs=("${missing[@]/ping/iputils-ping}")
    echo "bench-link: installing ${pkgs[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null ||
      echo "bench-link: apt-get failed; going on without ${pkgs[*]}" >&2
  fi
fi
for tool in bc jq socat curl ping; do command -v "$tool" >/dev/null || die "\`$tool\` is missing"; done

build_p2p
if [ "${P2P_NO_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/bench/P2P.DelayLine/P2P.DelayLine.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
fi
[ -f "$P2P_DLL" ] && [ -f "$DL_DLL" ] || die "a build output is missing: $P2P_DLL, $DL_DLL"
WORK=$(mktemp -d "/tmp/i15l-bench-link.$$.XXXXXX")
tick=$(getconf CLK_TCK)

# ---- the link ----
# veth NS DEV ADDR/24 PEER_DEV GW: a veth pair from the router to NS, both ends up.
veth() {
  ip -n "$NS_R" link add "$4" type veth peer name "$2" netns "$1"
  ip -n "$1" addr add "$3/24" dev "$2"
  ip -n "$1" link set "$2" up
  ip -n "$1" route add default via "$5"
  ip -n "$NS_R" addr add "$5/24" dev "$4"
  ip -n "$NS_R" link set "$4" up
}
# shape NS DEV: tbf on one veth end (egress); a veth end's egress is the other end's ingress, so two ends = both ways.
shape() { tc -n "$1" qdisc add dev "$2" root tbf rate "$RATE" burst "$BURST" limit "$QUEUE"; }

build_link() {
  local ns
  for ns in "$NS_P" "$NS_R" "$NS_F"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
  veth "$NS_P" eth0 "$ADDR_P" p0 10.215.1.1
  veth "$NS_F" eth0 "$ADDR_F" f0 10.215.2.1
  shape "$NS_P" eth0; shape "$NS_R" p0; shape "$NS_R" f0; shape "$NS_F" eth0
  ip netns exec "$NS_R" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward
    for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 >"$f"; done
    for f in /proc/sys/net/ipv4/conf/*/send_redirects; do echo 0 >"$f"; done'
  ip -n "$NS_R" tuntap add dev "$TUN" mode tun
  # A packet the line writes back arrives from the TUN with a host's source address: no reverse-path check there.
  ip netns exec "$NS_R" sh -c "echo 0 >/proc/sys/net/ipv4/conf/$TUN/rp_filter"
  ip -n "$NS_R" link set "$TUN" up
  ip -n "$NS_R" route add default dev "$TUN" table 100
  ip -n "$NS_R" rule add iif p0 lookup 100
  ip -n "$NS_R" rule add iif f0 lookup 100
  start_line
  # The line adds its own wake-ups to each pass (~0.1-0.25 ms here under load): measure the idle RTT once (the
  # median of 50 pings: the ping process itself is not real-time) and take the surplus off the hold.
  local avg
  avg=$(ip netns exec "$NS_F" ping -n -c 50 -i 0.02 "$ADDR_P" | sed -n 's/.*time=\([0-9.]*\) ms/\1/p' | sort -n | sed -n 25p)
  HOLD_US=$(awk -v h="$HOLD_US" -v a="$avg" -v t="$RTT_US" 'BEGIN { d = h - (a * 1000 - t) / 2; printf "%d", d < 0 ? 0 : d }')
  stop_line
  start_line
}

# The delay line runs SCHED_FIFO: it stands for a wire, so a loaded machine's run queue must not add to its delay.
# It blocks in read(2) and clock_nanosleep(2) when there is nothing to do, so the real-time class costs no idle CPU.
start_line() {
  : >"$WORK/delayline.out"
  ip netns exec "$NS_R" chrt -f 20 dotnet "$DL_DLL" run "$TUN" "$HOLD_US" >"$WORK/delayline.out" 2>&1 </dev/null &
  DL_PID=$!
  PIDS+=("$DL_PID")
  wait_line "$WORK/delayline.out" '^delayline: ready' "$DL_PID" "the delay line"
}
stop_line() {
  kill -TERM "$DL_PID" 2>/dev/null || true
  wait "$DL_PID" 2>/dev/null || true
}

# wait_line FILE REGEX PID WHAT: waits (at most 60 s) until FILE has a line matching REGEX; fails if PID died.
wait_line() {
  local deadline=$((SECONDS + 60))
  until grep -q "$2" "$1"; do
    kill -0 "$3" 2>/dev/null || { tail -5 "$1" >&2; die "$4 exited during start"; }
    [ $SECONDS -lt $deadline ] || die "$4 did not start within 60 s"
    sleep 0.1
  done
}

cpu_of() { awk -v t="$tick" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
# runq_snap PID FILE: each thread's nanoseconds spent runnable but waiting for a CPU (schedstat's second field).
runq_snap() {
  local t
  for t in /proc/"$1"/task/*; do echo "${t##*/} $(cut -d' ' -f2 "$t/schedstat" 2>/dev/null)"; done >"$2"
}
# runq_delta BEFORE AFTER: seconds of run-queue wait between two snapshots, over the threads in both, summed over
# threads (so it can exceed the wall time): high against the wall time means the machine's other load, not the link
# or the protocol, set the pace.
runq_delta() { awk 'NR == FNR { b[$1] = $2; next } ($1 in b) && $2 != "" { s += $2 - b[$1] } END { printf "%.2f", s / 1e9 }' "$1" "$2"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }
pct() { awk -v c="$1" -v s="$2" 'BEGIN { printf "%.0f", 100 * c / s }'; }

# rtt COUNT INTERVAL: ping from the fetcher to the provider; prints "min/avg/max" in ms.
rtt() { ip netns exec "$NS_F" ping -n -q -c "$1" -i "$2" "$ADDR_P" | sed -n 's#.*= \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\)/.*#\1/\2/\3#p'; }

# ---- the nodes ----
on() { local n=$1; shift; P2P_PATH="$WORK/$n" ip netns exec "$([ "$n" = p ] && echo "$NS_P" || echo "$NS_F")" dotnet "$P2P_DLL" "$@"; }
start_node() {
  local n=$1 ns=$2 addr=$3
  P2P_PATH="$WORK/$n" p2p init >/dev/null
  sed -i -e "s#\"listen\": \"[^\"]*\"#\"listen\": \"/ip4/$addr/udp/4001\"#" \
    -e "s#\"api\": \"[^\"]*\"#\"api\": \"127.0.0.1:5001\"#" \
    -e "s#\"gateway\": \"[^\"]*\"#\"gateway\": \"127.0.0.1:8080\"#" "$WORK/$n/config.json"
  : >"$WORK/$n.out"
  P2P_PATH="$WORK/$n" ip netns exec "$ns" nice -n "$NICE" dotnet "$P2P_DLL" daemon >"$WORK/$n.out" 2>&1 </dev/null &
  PIDS+=($!)
  eval "PID_$n=$!"
  wait_line "$WORK/$n.out" '^Daemon is ready' "$!" "the $n daemon"
}

rows=()
# during CMD...: runs CMD (a copy into the fetcher) timed, with a ping every 0.1 s beside it and the delay line's and
# daemons' CPU read around it; sets secs, load_now, rtt_busy, dl_cpu, fd_cpu, pd_cpu, fd_runq.
during() {
  local d0 f0 p0 q0 ping_pid
  d0=$(cpu_of "$DL_PID") f0=$(cpu_of "$PID_f") p0=$(cpu_of "$PID_p")
  runq_snap "$PID_f" "$WORK/runq0"
  ip netns exec "$NS_F" ping -n -q -i 0.1 "$ADDR_P" >"$WORK/ping" 2>&1 &
  ping_pid=$!
  /usr/bin/time -f '%e' -o "$WORK/time" "$@" || { kill -INT "$ping_pid" 2>/dev/null; die "failed: $*"; }
  kill -INT "$ping_pid" 2>/dev/null || true
  wait "$ping_pid" 2>/dev/null || true
  secs=$(cat "$WORK/time")
  dl_cpu=$(sub "$(cpu_of "$DL_PID")" "$d0") fd_cpu=$(sub "$(cpu_of "$PID_f")" "$f0")
  pd_cpu=$(sub "$(cpu_of "$PID_p")" "$p0") fd_runq=$(runq_snap "$PID_f" "$WORK/runq1"; runq_delta "$WORK/runq0" "$WORK/runq1")
  rtt_busy=$(sed -n 's#.*= [0-9.]*/\([0-9.]*\)/.*#\1#p' "$WORK/ping")
  load_now=$(load)
}
# report LINK RUN WHAT RATE TCP_RATE EXTRA: one printed line and one table row.
report() {
  local r="-"
  [ -n "$5" ] && r=$(ratio "$4" "$5")
  echo "   $1 run $2 $3: $4 MB/s ($secs s) | ${5:+TCP $5 MB/s | ${r}x | }$6RTT during ${rtt_busy:-?} ms | delay line CPU $dl_cpu s ($(pct "$dl_cpu" "$secs") %) | load $load_now"
  rows+=("| $1 | $2 | $3 | $4 | ${5:--} | $r | $6 | ${rtt_busy:-?} | $dl_cpu s ($(pct "$dl_cpu" "$secs") %) | $load_now |")
}

# serve PORT: socat in the provider sends $WORK/data to the first connection on PORT, then exits.
serve() {
  local deadline=$((SECONDS + 30))
  ip netns exec "$NS_P" nice -n "$NICE" socat -u -b 262144 "OPEN:$WORK/data,rdonly" "TCP-LISTEN:$1,bind=$ADDR_P,reuseaddr" </dev/null &
  PIDS+=($!)
  until ip netns exec "$NS_P" ss -Htln "sport = :$1" | grep -q .; do
    [ $SECONDS -lt $deadline ] || die "socat did not listen on $1"
    sleep 0.05
  done
}
tcp_copy() { # LINK RUN BYTES: sets tcp_rate
  local port=$((5200 + 2 * $2)) sum
  serve "$port"
  during ip netns exec "$NS_F" nice -n "$NICE" socat -u -b 262144 "TCP:$ADDR_P:$port" OPEN:/dev/null
  tcp_rate=$(mbps "$3" "$secs")
  report "$1" "$2" "tcp copy (socat)" "$tcp_rate" "" ""
  serve $((port + 1))
  sum=$(ip netns exec "$NS_F" socat -u -b 262144 "TCP:$ADDR_P:$((port + 1))" STDOUT | sha256sum | cut -d' ' -f1)
  [ "$sum" = "$WANT" ] || die "tcp copy: SHA-256 mismatch ($sum, expected $WANT)"
}

iperf() { # LINK RUN MIB
  command -v iperf3 >/dev/null || return 0
  ip netns exec "$NS_P" nice -n "$NICE" iperf3 -s -1 -B "$ADDR_P" -p 5301 >/dev/null 2>&1 </dev/null &
  local server=$!
  PIDS+=("$server")
  sleep 0.3
  during ip netns exec "$NS_F" nice -n "$NICE" iperf3 -c "$ADDR_P" -p 5301 -R -n "${3}M" -J >"$WORK/iperf.json" 2>/dev/null
  local rate
  rate=$(jq -r '.end.sum_received.bits_per_second / 8e6 | . * 10 | floor / 10' "$WORK/iperf.json" 2>/dev/null || echo "?")
  report "$1" "$2" "iperf3 -R" "$rate" "$tcp_rate" "$(jq -r '"retransmits \(.end.sum_sent.retransmits)"' "$WORK/iperf.json" 2>/dev/null); "
  wait "$server" 2>/dev/null || true
}

p2p_copy() { # LINK RUN BYTES MODE(cat|get)
  local cid sum
  cid=$(on p add -Q "$WORK/data")
  if [ "$4" = cat ]; then
    during env P2P_PATH="$WORK/f" ip netns exec "$NS_F" nice -n "$NICE" dotnet "$P2P_DLL" cat "$cid" >/dev/null
    sum=$(on f cat "$cid" | sha256sum | cut -d' ' -f1)
  elif [ "$4" = api ]; then
    # The daemon's own path without the CLI process: its start-up (0.2 s quiet, over 1 s under load) is 10 % or more
    # of a 256 MiB copy at 1 Gbit/s, which a long-running client (an application on the API) never pays.
    during ip netns exec "$NS_F" nice -n "$NICE" curl -sf -X POST -o /dev/null "http://127.0.0.1:5001/api/v0/cat?arg=$cid"
    sum=$(ip netns exec "$NS_F" curl -sf -X POST "http://127.0.0.1:5001/api/v0/cat?arg=$cid" | sha256sum | cut -d' ' -f1)
  else
    during env P2P_PATH="$WORK/f" ip netns exec "$NS_F" nice -n "$NICE" dotnet "$P2P_DLL" get "$cid" -o "$WORK/out" >/dev/null
    sum=$(sha "$WORK/out")
    rm -f "$WORK/out"
  fi
  [ "$sum" = "$WANT" ] || die "p2p $4: SHA-256 mismatch ($sum, expected $WANT)"
  report "$1" "$2" "$([ "$4" = api ] && echo "curl API cat" || echo "p2p $4")" "$(mbps "$3" "$secs")" "$tcp_rate" "fetcher daemon CPU $fd_cpu s (waited for a CPU $fd_runq s), provider $pd_cpu s; "
}

echo "== bench-link: links $LINKS, $RUNS run(s) each, nice $NICE  (load: $(load), $(date -u +%FT%TZ), $(git -C "$ROOT" rev-parse --short HEAD))"
for link in $LINKS; do
  case $link in
    lan) RATE=1gbit BURST=128kb QUEUE=${P2P_LINK_LAN_QUEUE:-1mb} RTT_US=1000 MIB=${P2P_LINK_LAN_MIB:-256} ;;
    wan) RATE=100mbit BURST=64kb QUEUE=${P2P_LINK_WAN_QUEUE:-625kb} RTT_US=40000 MIB=${P2P_LINK_WAN_MIB:-64} ;;
    *) die "unknown link $link (lan or wan)" ;;
  esac
  HOLD_US=$((RTT_US / 2))
  build_link
  base_rtt=$(rtt 50 0.02)
  echo "== $link: tbf $RATE (burst $BURST, limit $QUEUE) on each veth end, delay line hold $HOLD_US us per pass; idle RTT min/avg/max $base_rtt ms  (load: $(load))"
  rm -rf "$WORK/p" "$WORK/f"
  start_node p "$NS_P" "$ADDR_P"
  start_node f "$NS_F" "$ADDR_F"
  on f swarm connect "/ip4/$ADDR_P/udp/4001/p2p/$(on p id --enc json | jq -r .ID)" >/dev/null
  # A running daemon is warm: one 8 MiB fetch down each path first, so the JIT is not timed.
  for mode in cat get; do
    gen_file "$WORK/data" 8 "link-warm-$link-$mode"
    cid=$(on p add -Q "$WORK/data")
    on f "$mode" "$cid" $([ "$mode" = get ] && echo "-o $WORK/out") >/dev/null
    rm -f "$WORK/out"
  done
  bytes=$((MIB * 1048576))
  # What the daemons burn with nothing to do (timers, the transport's 1 ms tick), over 5 s after the warm-up.
  i0=$(cpu_of "$PID_f") j0=$(cpu_of "$PID_p")
  sleep 5
  echo "   idle CPU over 5 s: fetcher daemon $(sub "$(cpu_of "$PID_f")" "$i0") s, provider daemon $(sub "$(cpu_of "$PID_p")" "$j0") s  (load: $(load))"
  for run in $(seq 1 "$RUNS"); do
    gen_file "$WORK/data" "$MIB" "link-$link-$run-$$-cat"
    WANT=$(sha "$WORK/data")
    tcp_copy "$link" "$run" "$bytes"
    iperf "$link" "$run" "$MIB"
    p2p_copy "$link" "$run" "$bytes" cat
    for mode in get api; do
      gen_file "$WORK/data" "$MIB" "link-$link-$run-$$-$mode"
      WANT=$(sha "$WORK/data")
      p2p_copy "$link" "$run" "$bytes" "$mode"
    done
  done
  rm -f "$WORK/data"
  teardown
  echo "   delay line: $(tail -1 "$WORK/delayline.out")"
  rows+=("| $link | | delay line | $(tail -1 "$WORK/delayline.out" | sed 's/^delayline: //') | | | idle RTT $base_rtt ms | | | |")
done

echo
echo "## bench-link: $(date -u +%FT%TZ), load at end $(load)"
echo
echo "| link | run | what | MB/s | TCP copy MB/s | ratio | notes | RTT during (ms) | delay line CPU | load |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"

#!/usr/bin/env bash
# The fetching daemon's cost of a cold remote fetch (issue 15, docs/perf/fetch-path.md): a 2-node swarm, node 2
# fetches a fresh random file from node 1 with `p2p cat CID >/dev/null` after a 64 MiB warm-up, and prints wall time,
# the fetching daemon's CPU seconds (utime + stime from /proc/PID/stat), its CPU per GiB and its peak RSS (VmHWM).
#
#   P2P_TREE=DIR     the checkout whose build is timed (default: this one), so a baseline build can be timed alike
#   P2P_BENCH_MIB    size of the cold file (default 1024)
#   P2P_BENCH_PORT_BASE  UDP base+1.., API base+101.., gateway base+201.. (default 31000)
#   P2P_PERF=FILE    also record a perf profile of the fetching daemon during the cold fetch into FILE
#   P2P_STAT=1       also count the fetching daemon's context switches and chosen syscalls (perf stat) in each timed read
#   P2P_ROUNDS=N     cold fetches of fresh files in the same swarm (default 1)
#   P2P_CLIENT=cat|gateway|api   who reads the answer: `p2p cat` (default), `curl` of node 2's gateway
#                    (/ipfs/CID) or `curl` of its API (/api/v0/cat); with gateway or api each round also times the
#                    same file again, now held by node 2 (a local read through the same client)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tree=${P2P_TREE:-$here}
mib=${P2P_BENCH_MIB:-1024}
base=${P2P_BENCH_PORT_BASE:-31000}
rounds=${P2P_ROUNDS:-1}
client=${P2P_CLIENT:-cat}
case "$client" in cat | gateway | api) ;; *) echo "P2P_CLIENT must be cat, gateway or api" >&2; exit 2 ;; esac
work=$(mktemp -d "${P2P_SWARM_DIR:-/tmp}/fetch-path.XXXXXX")
dll="$tree/src/Cli/bin/Release/net10.0/p2p.dll"
tick=$(getconf CLK_TCK)
load() { cut -d' ' -f1-3 /proc/loadavg; }
sw() {
  P2P_NO_BUILD=1 P2P_SWARM_DIR="$work/swarm" P2P_SWARM_UDP_BASE=$base P2P_SWARM_API_BASE=$((base + 100)) \
    P2P_SWARM_GATEWAY_BASE=$((base + 200)) "$tree/scripts/swarm.sh" "$@"
}
cleanup() {
  sw down >/dev/null 2>&1 || true
  # Keep the daemons' logs of the last run for a look after a failure.
  for i in 1 2; do cp "$work/swarm/node$i/daemon.out" "${P2P_SWARM_DIR:-/tmp}/last-node$i.out" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# gen PATH MIB SEED: pseudo-random bytes, fresh for each seed.
gen() { (set +o pipefail; openssl enc -aes-128-ctr -pass "pass:$3" -nosalt -pbkdf2 -in /dev/zero 2>/dev/null | head -c "$(($2 * 1048576))" >"$1"); }
cpu() { awk -v t="$tick" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }

[ -f "$dll" ] || { echo "no build at $dll" >&2; exit 1; }
DOTNET_PerfMapEnabled=${P2P_PERF:+1} DOTNET_EnableWriteXorExecute=${P2P_PERF:+0} sw up 2 >/dev/null
id=$(sw exec 1 id --enc json | jq -r .ID)
sw exec 2 swarm connect "/ip4/127.0.0.1/udp/$((base + 1))/p2p/$id" >/dev/null
pid=$(cat "$work/swarm/node2/daemon.pid")

gen "$work/warm" 64 "warm-$$-$RANDOM"
warm=$(sw exec 1 add -Q "$work/warm")
sw exec 2 cat "$warm" >/dev/null
rm -f "$work/warm"
# read CID: node 2's answer for CID on stdout, through the chosen client.
read_cid() {
  case "$client" in
    cat) P2P_PATH="$work/swarm/node2" dotnet "$dll" cat "$1" ;;
    gateway) curl -sf "http://127.0.0.1:$((base + 202))/ipfs/$1" ;;
    api) curl -sf -X POST "http://127.0.0.1:$((base + 102))/api/v0/cat?arg=$1" ;;
  esac
}
# The HTTP paths compile on their first request: warm them too, so the JIT is not timed.
[ "$client" = cat ] || read_cid "$warm" >/dev/null
# timed LABEL MIB: runs read_cid "$big" to /dev/null, prints wall, MB/s and the fetching daemon's CPU.
timed() {
  local c0 c1 t0 t1 hwm stat_pid=""
  if [ -n "${P2P_STAT:-}" ]; then
    perf stat -x, -e context-switches,syscalls:sys_enter_sendmsg,syscalls:sys_enter_sendto,syscalls:sys_enter_futex,syscalls:sys_enter_sched_yield \
      -p "$pid" -o "$work/stat" >/dev/null 2>&1 &
    stat_pid=$!
    sleep 0.5 # perf attaches before the read starts
  fi
  c0=$(cpu "$pid")
  t0=$(date +%s.%N)
  read_cid "$big" >/dev/null
  t1=$(date +%s.%N)
  c1=$(cpu "$pid")
  if [ -n "$stat_pid" ]; then
    kill -INT "$stat_pid" && wait "$stat_pid" || true
    awk -F, '/^[0-9]/ { sub(/syscalls:sys_enter_/, "", $3); printf "%s %s, ", $3, $1 } END { print "" }' "$work/stat" | sed 's/^/  /'
  fi
  hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status")
  awk -v a="$t0" -v b="$t1" -v c0="$c0" -v c1="$c1" -v m="$2" -v h="$hwm" -v k="$1" 'BEGIN {
    s = b - a; c = c1 - c0
    printf "  %s: wall %.2f s, %.1f MB/s, fetcher daemon CPU %.2f s (%.2f s/GiB), VmHWM %d MB\n", k, s, m * 1048576 / s / 1e6, c, c * 1024 / m, h }'
}

for round in $(seq 1 "$rounds"); do
  gen "$work/big" "$mib" "cold-$$-$RANDOM-$round"
  sum=$(sha256sum "$work/big" | cut -d' ' -f1)
  big=$(sw exec 1 add -Q "$work/big")
  rm -f "$work/big"
  sleep 2 # let node 1's add settle (its page cache writes) before timing
  echo "tree $tree, ${mib} MiB, client $client, round $round, load $(load)"
  perf_pid=""
  if [ -n "${P2P_PERF:-}" ]; then
    perf record -F 499 -g -p "$pid" -o "$P2P_PERF" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  timed "cold $client" "$mib"
  [ -n "$perf_pid" ] && kill -INT "$perf_pid" && wait "$perf_pid" || true
  [ "$client" = cat ] || timed "local $client" "$mib"
  got=$(read_cid "$big" | sha256sum | cut -d' ' -f1)
  [ "$got" = "$sum" ] || { echo "SHA-256 mismatch" >&2; exit 1; }
done
echo "load after: $(load)"

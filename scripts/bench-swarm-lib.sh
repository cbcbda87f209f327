# Functions shared by scripts/bench-product.sh and scripts/bench-providers.sh: swarms of daemons, timing of a
# command and of a daemon's CPU, the exchange harness, and the four-providers fetch. Source it after lib.sh; do not
# run it. The caller sets: work (temp folder), base (port base), cap (bytes/s per provider of swarm b), bench_dll,
# and, before `four`, remote (MiB) and bytes.
# shellcheck shell=bash

load() { cut -d' ' -f1-3 /proc/loadavg; }

# sw NAME ARGS...: scripts/swarm.sh on the swarm NAME (a: uncapped, ports base+1..; b: capped, ports base+51..).
sw() {
  local name=$1 off=0 rate=0
  shift
  [ "$name" = b ] && off=50 rate=$cap
  P2P_SWARM_DIR="$work/$name" P2P_SWARM_UDP_BASE=$((base + off)) P2P_SWARM_API_BASE=$((base + 100 + off)) \
    P2P_SWARM_GATEWAY_BASE=$((base + 200 + off)) P2P_SWARM_UPLOAD_RATE=$rate "$ROOT/scripts/swarm.sh" "$@"
}
cleanup() {
  local name
  for name in a b; do [ -d "$work/$name" ] && sw "$name" down >/dev/null 2>&1; done
  rm -rf "$work"
}

rows=()
# row MEASURE PRODUCT BASELINE RATIO: one line of the final table (also printed as it comes).
row() {
  rows+=("| $1 | $2 | $3 | $4 |")
  echo "   -> $1: $2 | baseline $3 | $4"
}
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else printf "-" }'; }

# timed CMD...: runs CMD under /usr/bin/time; sets secs, cli_cpu (user + sys) and rss_mb. Output goes where the caller sends it.
timed() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@"
  local user sys rss
  read -r secs user sys rss <"$work/time"
  cli_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  rss_mb=$((rss / 1024))
}
# repo SWARM I: node I's repo (for commands timed as a process of their own rather than through swarm.sh exec).
repo() { echo "$work/$1/node$2"; }
tick=$(getconf CLK_TCK)
# daemon_cpu SWARM I: CPU seconds (utime + stime) node I's daemon has used so far.
daemon_cpu() {
  awk -v t="$tick" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$(cat "$work/$1/node$2/daemon.pid")/stat"
}
# note_rss SWARM: the largest peak RSS (VmHWM, MB) any daemon of SWARM reached so far, kept in peak_rss.
peak_rss=0
note_rss() {
  local f kb
  for f in "$work/$1"/node*/daemon.pid; do
    kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$(cat "$f")/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt $((peak_rss * 1024)) ] && peak_rss=$((kb / 1024))
  done
  return 0
}
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
# timed_daemon SWARM I BYTES CMD...: `timed CMD...` while node I's daemon does the work; also sets rate (MB/s of
# BYTES over the timed seconds) and dcpu (the daemon's CPU seconds during it). Output goes where the caller sends it.
timed_daemon() {
  local swarm=$1 node=$2 n=$3 d0
  shift 3
  d0=$(daemon_cpu "$swarm" "$node")
  timed "$@"
  rate=$(mbps "$n" "$secs") dcpu=$(sub "$(daemon_cpu "$swarm" "$node")" "$d0")
}
check() { # FILE_OR_- EXPECTED LABEL
  local got
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || { echo "$3: SHA-256 mismatch ($got, expected $2)" >&2; exit 1; }
}
bytes_of() { echo $(($1 * 1048576)); }

# harness ARGS...: the exchange harness; sets h_rate (MB/s) and h_cpu (fetcher CPU s).
harness() {
  echo "\$ P2P_WARM=${P2P_WARM:-1} dotnet $bench_dll exchange fetch $*"
  P2P_WARM=${P2P_WARM:-1} dotnet "$bench_dll" exchange fetch "$@" | tee "$work/harness"
  h_rate=$(sed -n '1s/.*: \([0-9.]*\) MB\/s.*/\1/p' "$work/harness")
  h_cpu=$(sed -n '1s/.*fetcher CPU \([0-9.]*\) s.*/\1/p' "$work/harness")
}

# swarm_cpu SWARM: the CPU seconds all of SWARM's daemons have used so far.
swarm_cpu() {
  local f sum=0
  for f in "$work/$1"/node*/daemon.pid; do
    sum=$(awk -v a="$sum" -v t="$tick" '{ print a + ($14 + $15) / t }' "/proc/$(cat "$f")/stat")
  done
  echo "$sum"
}
# settle SWARM: waits (at most 60 s) until the swarm's daemons together use under 10 % of a core over a second (an
# idle one takes ~1 %). An add or a fetch queues every block for a DHT announcement, and the five daemons spent ~3 s
# of CPU in the 10 s after four 256 MiB adds (docs/perf/multi-provider.md, third pass): on one 2-core machine that
# CPU is taken from the fetch measured next, which separate machines would not pay. Prints how long it waited.
settle() {
  local waited=0 before
  while [ "$waited" -lt 60 ]; do
    before=$(swarm_cpu "$1")
    sleep 1
    waited=$((waited + 1))
    awk -v a="$(swarm_cpu "$1")" -v b="$before" 'BEGIN { exit !(a - b < 0.10) }' && break
  done
  echo "   (swarm $1 settled after ${waited} s: announcements of what was added or fetched)"
}
# free_pages SWARM: lets the swarm settle, then gc on the fetcher (node 5), so the next fetch writes into page cache
# freed a moment before, as the warm harness's does (bench-product.sh's header). In that order: this VM hands freed
# pages back to the host within seconds, so a gc before the settle's wait freed nothing for the fetch (a first run
# so, 19:44 UTC: the fetch after gc and wait cost 1.02 s of CPU per 256 MiB, the one with no gc 0.78 s).
free_pages() { settle "$1"; sw "$1" exec 5 repo gc >/dev/null; }


# connect SWARM: node 5 (the fetcher) dials nodes 1-4, so each is asked for every block.
connect() {
  local i id off=0
  [ "$1" = b ] && off=50
  for i in 1 2 3 4; do
    id=$(sw "$1" exec "$i" id --enc json | jq -r .ID)
    sw "$1" exec 5 swarm connect "/ip4/127.0.0.1/udp/$((base + off + i))/p2p/$id" >/dev/null
  done
}
# add_file SWARM NODES FILE: adds FILE on each node, prints the CID.
add_file() {
  local i cid=""
  for i in $2; do cid=$(sw "$1" exec "$i" add -Q "$3"); done
  echo "$cid"
}

# ledger_shares SWARM BEFORE AFTER: each provider's share of what node 5 received between two `bitswap stat` answers.
ledger_shares() {
  local i id out=""
  for i in 1 2 3 4; do
    id=$(sw "$1" exec "$i" id --enc json | jq -r .ID)
    out+=$(jq -rn --arg id "$id" --slurpfile b "$2" --slurpfile a "$3" --arg i "$i" '
      def got(s): ([s[0].Ledgers[] | select(.Peer == $id) | .BytesReceived] | add // 0);
      "node\($i) \(((got($a) - got($b)) / 1e6) | floor) MB, "')
  done
  echo "${out%, }"
}
# stat_delta FIELD: FIELD of node 5's `bitswap stat` after the fetch minus before.
stat_delta() { jq -n --slurpfile b "$work/before" --slurpfile a "$work/after" "\$a[0].$1 - \$b[0].$1"; }
# four SWARM LABEL [SEED]: adds a fresh file (SEED tells runs apart) on nodes 1-4, `p2p get` on node 5; sets four_rate, four_shares, four_secs,
# four_dcpu (the fetching daemon's CPU s), four_pcpu (the four providers' CPU s together), four_req (want-blocks sent).
four() {
  gen_file "$work/data" "$remote" "product-four-$1${3:-}"
  local s c i p0=0 p1=0
  s=$(sha "$work/data")
  c=$(add_file "$1" "1 2 3 4" "$work/data")
  rm -f "$work/data"
  sw "$1" exec 5 bitswap stat --enc json >"$work/before"
  free_pages "$1"
  for i in 1 2 3 4; do p0=$(awk -v a="$p0" -v b="$(daemon_cpu "$1" "$i")" 'BEGIN { print a + b }'); done
  echo "\$ p2p get CID -o FILE   (node 5; nodes 1-4 hold the file$2)"
  timed_daemon "$1" 5 "$bytes" dotnet "$P2P_DLL" --repo "$(repo "$1" 5)" get "$c" -o "$work/out" >/dev/null
  four_rate=$rate four_secs=$secs four_dcpu=$dcpu
  for i in 1 2 3 4; do p1=$(awk -v a="$p1" -v b="$(daemon_cpu "$1" "$i")" 'BEGIN { print a + b }'); done
  four_pcpu=$(sub "$p1" "$p0")
  check "$work/out" "$s" "get from four" && rm -f "$work/out"
  sw "$1" exec 5 bitswap stat --enc json >"$work/after"
  four_req=$(stat_delta BlocksRequested)
  four_shares="$(ledger_shares "$1" "$work/before" "$work/after"), duplicates $(stat_delta DupBlksReceived) blocks, unwanted $(stat_delta UnwantedBlocks)"
  echo "   4 -> 1: $four_rate MB/s ($secs s); received: $four_shares; requested $four_req; CPU fetcher $four_dcpu s, providers $four_pcpu s"
}

#!/usr/bin/env bash
# The product path of issue 15 (docs/BENCHMARKS.md "Product path (issue 15)"): what a user runs, each figure beside
# its baseline measured in the same run, then one table with the load average at start and end.
#   1. remote, one provider -> one fetcher (warm daemons): `p2p cat`, `p2p get` and `curl` of the gateway against the
#      exchange harness (bench/P2P.Bench `exchange fetch 1 MIB 0 pack 64`, P2P_WARM=1: the engine over the daemon's
#      own store) and Helia (two Node.js processes, when /tmp/peers is set up: cp -r /work/shared/peers /tmp/peers &&
#      cd /tmp/peers && npm ci); then the same `p2p cat` into page cache the kernel has not just freed (below)
#   2. local `p2p cat` of a file the daemon holds against `cat` of its pack segment files to /dev/null
#   3. cold fetch of a large file through the daemon: MB/s and the fetching daemon's CPU seconds (utime + stime from
#      /proc/PID/stat), against the cold harness (P2P_WARM=0)
#   4. `p2p add` offline against `cp` + `sync` of the same file to the same disk; add through a daemon against offline
#   5. four providers -> one fetcher with `p2p get`, uncapped against 1 -> 1, and each provider capped (a second swarm
#      with P2P_SWARM_UPLOAD_RATE) with each provider's share from the fetcher's `bitswap stat` ledger
# Daemons are scripts/swarm.sh swarms on 127.0.0.1 in a temp folder; every byte fetched is checked with SHA-256.
# Page cache: on this VM a page the kernel has not used recently costs ~2.5 s of kernel CPU per GiB on first write
# (MEASURED.md; freed memory goes back to the host). The warm harness deletes its throwaway store just before it
# measures, so it writes into pages freed a moment before. To compare like with like, every measured fetch through a
# daemon follows a `p2p repo gc` on the fetcher (what it fetched before is unpinned: gc drops those segments), a file
# that `get` or `curl` writes replaces one of the same size deleted just before, and row "1. cat, fresh pages" gives
# a fetch without any of this, so the VM's cost stays on the record.
# Environment: P2P_BENCH_SMALL=1 (every size 64 MiB, a quick pass), P2P_BENCH_MIB (remote size, default 256),
# P2P_BENCH_LARGE_MIB (local, cold and add size, default 1024), P2P_BENCH_CAP (bytes/s per provider, default
# 10000000), P2P_BENCH_PORT_BASE (default 21000: UDP base+1.., API base+101.., gateway base+201..; the capped swarm
# +50), P2P_PEERS (Helia folder, default /tmp/peers), P2P_NO_BUILD=1.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

if [ "${P2P_BENCH_SMALL:-0}" = 1 ]; then remote=64 large=64; else
  remote=${P2P_BENCH_MIB:-256} large=${P2P_BENCH_LARGE_MIB:-1024}; fi
cap=${P2P_BENCH_CAP:-10000000}
base=${P2P_BENCH_PORT_BASE:-21000}
peers=${P2P_PEERS:-/tmp/peers}
bench_dll="$ROOT/bench/P2P.Bench/bin/Release/net10.0/P2P.Bench.dll"
work=$(mktemp -d /tmp/p2p-bench-product.XXXXXX)
# shellcheck source=bench-swarm-lib.sh
source "$(dirname "$0")/bench-swarm-lib.sh"
load_start=$(load)
trap cleanup EXIT

echo "== bench-product: remote ${remote} MiB, large ${large} MiB, cap ${cap} B/s per provider  (load: $load_start, $(date -u +%FT%TZ))"
build_p2p
if [ "${P2P_NO_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/bench/P2P.Bench/P2P.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
fi
export P2P_NO_BUILD=1

sw a up 5 >/dev/null
connect a

# ---- 1. remote, one provider -> one fetcher ----
echo "== 1. one remote provider -> fetcher, ${remote} MiB  (load: $(load))"
declare -A cid sum
# The harness warms up with a whole fetch of the size it then measures (P2P_WARM=1). A daemon that has run for a while
# is warmer than that, so it gets two whole-size fetches down the exchange (after one, the next fetch still cost
# 1.4-1.8x the fetcher CPU of the ones after it: tiering not done), then 8 MiB down get and gateway.
for name in warm1 warm1b warm2 warm3; do
  warm_mib=8
  [ "$name" = warm1 ] || [ "$name" = warm1b ] || [ "$name" = warm2 ] && warm_mib=$remote
  gen_file "$work/data" "$warm_mib" "product-$name"
  cid[$name]=$(add_file a 1 "$work/data")
done
for name in cat get curl fresh; do
  gen_file "$work/data" "$remote" "product-$name"
  sum[$name]=$(sha "$work/data")
  cid[$name]=$(add_file a 1 "$work/data")
done
rm -f "$work/data"
gw="http://127.0.0.1:$((base + 205))"
# A running daemon is warm: one small fetch down each path first, so the JIT is not timed.
sw a exec 5 cat "${cid[warm1]}" >/dev/null
free_pages a
sw a exec 5 cat "${cid[warm1b]}" >/dev/null
# get's warm-up is whole-size and its file stays until just before the measured get: that get writes its file into
# pages freed a moment before, as the harness and the gc'd repo do (the header's page-cache note).
sw a exec 5 get "${cid[warm2]}" -o "$work/warm-out" >/dev/null
curl -sf -o /dev/null "$gw/ipfs/${cid[warm3]}"
bytes=$(bytes_of "$remote")

free_pages a
echo "\$ p2p cat CID >/dev/null   (node 5)"
timed_daemon a 5 "$bytes" dotnet "$P2P_DLL" --repo "$(repo a 5)" cat "${cid[cat]}" >/dev/null
cat_rate=$rate cat_dcpu=$dcpu cat_cli=$cli_cpu
sw a exec 5 cat "${cid[cat]}" | sha256sum | cut -d' ' -f1 | grep -qx "${sum[cat]}" || { echo "cat: SHA-256 mismatch" >&2; exit 1; }
echo "   cat: $cat_rate MB/s ($secs s), daemon CPU $cat_dcpu s, CLI CPU $cat_cli s, CLI peak RSS $rss_mb MB"

free_pages a
rm -f "$work/warm-out"
echo "\$ p2p get CID -o FILE   (node 5)"
timed_daemon a 5 "$bytes" dotnet "$P2P_DLL" --repo "$(repo a 5)" get "${cid[get]}" -o "$work/out" >/dev/null
get_rate=$rate get_dcpu=$dcpu get_cli=$cli_cpu
check "$work/out" "${sum[get]}" get
echo "   get: $get_rate MB/s ($secs s), daemon CPU $get_dcpu s, CLI CPU $get_cli s"

free_pages a
rm -f "$work/out"
echo "\$ curl -o FILE $gw/ipfs/CID"
timed_daemon a 5 "$bytes" curl -sf -o "$work/out" "$gw/ipfs/${cid[curl]}"
curl_rate=$rate curl_dcpu=$dcpu
check "$work/out" "${sum[curl]}" curl && rm -f "$work/out"
echo "   curl: $curl_rate MB/s ($secs s), daemon CPU $curl_dcpu s"

# The same fetch as cat's, with what node 5 holds left in place (nothing freed just before).
echo "\$ p2p cat CID >/dev/null   (node 5, no gc before)"
timed_daemon a 5 "$bytes" dotnet "$P2P_DLL" --repo "$(repo a 5)" cat "${cid[fresh]}" >/dev/null
fresh_rate=$rate fresh_dcpu=$dcpu
sw a exec 5 cat "${cid[fresh]}" | sha256sum | cut -d' ' -f1 | grep -qx "${sum[fresh]}" || { echo "fresh: SHA-256 mismatch" >&2; exit 1; }
echo "   cat, fresh pages: $fresh_rate MB/s ($secs s), daemon CPU $fresh_dcpu s"

harness 1 "$remote" 0 pack 64
h1_rate=$h_rate h1_cpu=$h_cpu
helia_rate="" helia_note=""
if [ -f "$peers/bench-helia.mjs" ] && [ -d "$peers/node_modules" ] && command -v node >/dev/null; then
  echo "\$ (cd $peers && node bench-helia.mjs --mb $remote)"
  (cd "$peers" && timeout 900 node bench-helia.mjs --mb "$remote" --importer-runs 1) | tee "$work/helia" | grep -E 'helia_fetch_B|^\[B' || true
  # Helia prints MiB/s; the table is in MB/s.
  helia_rate=$(awk '/helia_fetch_B/ && /verify=ok/ { printf "%.1f", $2 * 1.048576 }' "$work/helia")
  [ -n "$helia_rate" ] || helia_note="helia: not run (bench-helia.mjs failed or did not verify)"
else
  helia_note="helia: not run (needs node and $peers: cp -r /work/shared/peers $peers && cd $peers && npm ci)"
fi
[ -n "$helia_note" ] && echo "   $helia_note"
for what in cat get curl; do
  rate_var=${what}_rate dcpu_var=${what}_dcpu
  row "1. $what ${remote} MiB, 1 remote provider" "${!rate_var} MB/s (fetcher daemon CPU ${!dcpu_var} s)" \
    "harness $h1_rate MB/s (CPU $h1_cpu s)" "$(ratio "${!rate_var}" "$h1_rate") of harness"
  if [ -n "$helia_rate" ]; then
    row "1. $what vs Helia" "${!rate_var} MB/s" "Helia $helia_rate MB/s" "$(ratio "${!rate_var}" "$helia_rate") of Helia"
  fi
done
[ -n "$helia_note" ] && rows+=("| 1. Helia | $helia_note | | |")
row "1. cat ${remote} MiB, fresh pages (no gc before)" "$fresh_rate MB/s (fetcher daemon CPU $fresh_dcpu s)" \
  "cat after gc $cat_rate MB/s (CPU $cat_dcpu s)" "$(ratio "$fresh_rate" "$h1_rate") of harness"

# ---- 4. add: offline vs cp + sync, daemon vs offline (the large file then serves 2 and 3) ----
echo "== 4. add ${large} MiB  (load: $(load))"
gen_file "$work/big" "$large" product-large
big_sum=$(sha "$work/big")
big_bytes=$(bytes_of "$large")
echo "\$ cp FILE COPY && sync   (same disk as the repos)"
timed sh -c "cp '$work/big' '$work/copy' && sync"
cp_secs=$secs cp_cpu=$cli_cpu
rm -f "$work/copy"
echo "   cp + sync: $(mbps "$big_bytes" "$cp_secs") MB/s ($cp_secs s, CPU $cp_cpu s)"
p2p --repo "$work/offline" init >/dev/null
echo "\$ p2p --repo OFFLINE add -Q FILE"
timed dotnet "$P2P_DLL" --repo "$work/offline" add -Q "$work/big" >"$work/cid"
off_secs=$secs off_cpu=$cli_cpu off_rss=$rss_mb
big=$(cat "$work/cid")
echo "   add offline: $(mbps "$big_bytes" "$off_secs") MB/s ($off_secs s, CPU $off_cpu s, peak RSS $off_rss MB)"
rm -rf "$work/offline"
# As before each measured fetch: the swarm's announcing of part 1's adds is not the upload's cost (issue 17), and the
# offline add beside it has no swarm at all; bench-add-daemon.sh measures the same with a daemon of its own.
settle a
echo "\$ p2p add -Q FILE   (node 1's daemon)"
timed_daemon a 1 "$big_bytes" dotnet "$P2P_DLL" --repo "$(repo a 1)" add -Q "$work/big" >"$work/cid"
dadd_secs=$secs dadd_cli=$cli_cpu dadd_dcpu=$dcpu
[ "$(cat "$work/cid")" = "$big" ] || { echo "add through the daemon gave another CID" >&2; exit 1; }
echo "   add via daemon: $(mbps "$big_bytes" "$dadd_secs") MB/s ($dadd_secs s, daemon CPU $dadd_dcpu s, CLI CPU $dadd_cli s)"
rm -f "$work/big"
row "4. add ${large} MiB offline" "$(mbps "$big_bytes" "$off_secs") MB/s ($off_secs s, CPU $off_cpu s)" \
  "cp + sync $(mbps "$big_bytes" "$cp_secs") MB/s ($cp_secs s, CPU $cp_cpu s)" "$(ratio "$cp_secs" "$off_secs") of cp rate"
row "4. add ${large} MiB through the daemon" "$(mbps "$big_bytes" "$dadd_secs") MB/s ($dadd_secs s, daemon CPU $dadd_dcpu s)" \
  "offline $(mbps "$big_bytes" "$off_secs") MB/s" "$(ratio "$dadd_secs" "$off_secs") of offline time"

# ---- 2. local cat of what the daemon holds vs cat of the pack segments ----
echo "== 2. local cat ${large} MiB held by node 1  (load: $(load))"
segs=("$work"/a/node1/blocks/pack-*.dat)
seg_bytes=$(stat -c %s "${segs[@]}" | awk '{ s += $1 } END { print s }')
echo "\$ cat node1/blocks/pack-*.dat >/dev/null   (${#segs[@]} segments, $seg_bytes bytes: everything node 1 holds)"
timed cat "${segs[@]}" >/dev/null
seg_rate=$(mbps "$seg_bytes" "$secs")
echo "\$ p2p cat CID >/dev/null   (node 1)"
timed_daemon a 1 "$big_bytes" dotnet "$P2P_DLL" --repo "$(repo a 1)" cat "$big" >/dev/null
local_rate=$rate local_dcpu=$dcpu local_cli=$cli_cpu
echo "   local cat: $local_rate MB/s ($secs s, daemon CPU $local_dcpu s, CLI CPU $local_cli s); segments: $seg_rate MB/s"
row "2. local cat ${large} MiB" "$local_rate MB/s (daemon CPU $local_dcpu s, CLI CPU $local_cli s)" \
  "cat segments $seg_rate MB/s" "$(ratio "$local_rate" "$seg_rate") of cat"

# ---- 3. cold fetch of the large file ----
echo "== 3. cold fetch ${large} MiB through node 5  (load: $(load))"
free_pages a
echo "\$ p2p cat CID >/dev/null   (node 5, never seen the file)"
timed_daemon a 5 "$big_bytes" dotnet "$P2P_DLL" --repo "$(repo a 5)" cat "$big" >/dev/null
cold_rate=$rate cold_dcpu=$dcpu cold_cli=$cli_cpu
sw a exec 5 cat "$big" | sha256sum | cut -d' ' -f1 | grep -qx "$big_sum" || { echo "cold: SHA-256 mismatch" >&2; exit 1; }
echo "   cold: $cold_rate MB/s ($secs s), fetcher daemon CPU $cold_dcpu s, CLI CPU $cold_cli s"
P2P_WARM=0 harness 1 "$large" 0 pack 64
row "3. cold fetch ${large} MiB (p2p cat)" "$cold_rate MB/s, daemon CPU $cold_dcpu s ($(awk -v c="$cold_dcpu" -v m="$large" 'BEGIN { printf "%.2f", c * 1024 / m }') s/GiB)" \
  "cold harness $h_rate MB/s, CPU $h_cpu s" "$(ratio "$cold_rate" "$h_rate") of harness"

# ---- 5. four providers -> one fetcher with p2p get ----
echo "== 5. four providers -> fetcher, ${remote} MiB  (load: $(load))"
four a ""
row "5. get ${remote} MiB, 4 providers uncapped" "$four_rate MB/s ($four_shares)" "1 -> 1 get $get_rate MB/s" "$(ratio "$four_rate" "$get_rate") of 1 -> 1"
note_rss a
sw a down >/dev/null
sw b up 5 >/dev/null
connect b
four b ", each capped at $cap B/s"
capped_target=$(awk -v c="$cap" 'BEGIN { printf "%.1f", 4 * c / 1e6 }')
harness 4 "$remote" "$(awk -v c="$cap" 'BEGIN { print c / 1e6 }')" pack 64
row "5. get ${remote} MiB, 4 providers capped at $((cap / 1000000)) MB/s" "$four_rate MB/s ($four_shares)" \
  "harness $h_rate MB/s; caps sum $capped_target MB/s" "$(ratio "$four_rate" "$capped_target") of the caps"
note_rss b
sw b down >/dev/null
row "peak RSS of any daemon (all sections)" "$peak_rss MB" "limit 200 MB" "$(ratio "$peak_rss" 200) of the limit"

load_end=$(load)
echo
echo "## bench-product: $(date -u +%FT%TZ), load at start $load_start, at end $load_end"
echo
echo "| measure | product | baseline (same run) | ratio |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"

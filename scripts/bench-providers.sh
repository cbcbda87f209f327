#!/usr/bin/env bash
# Section 5 of scripts/bench-product.sh alone (docs/perf/multi-provider.md): four providers -> one fetcher with
# `p2p get`, uncapped against the same swarm's 1 -> 1 `get`, and each provider capped (a second swarm with
# P2P_SWARM_UPLOAD_RATE) against the exchange harness (`exchange fetch 4 MIB CAP flatfs 64`). Beside each rate:
# every provider's share (node 5's `bitswap stat` ledger), duplicate and unwanted blocks, want-blocks sent, and the
# CPU seconds of the fetching daemon and of the four providers together, the figures that stay steady when the
# machine is loaded and the wall-clock rate does not.
# Environment: P2P_BENCH_MIB (default 256), P2P_BENCH_CAP (bytes/s per provider, default 10000000),
# P2P_BENCH_RUNS (fetches of each kind, alternating, default 1), P2P_BENCH_PORT_BASE (default 21000: UDP base+1..,
# API base+101.., gateway base+201..; the capped swarm +50), P2P_BENCH_DIR (parent of the temp folder, default /tmp),
# P2P_NO_BUILD=1.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=bench-swarm-lib.sh
source "$(dirname "$0")/bench-swarm-lib.sh"

remote=${P2P_BENCH_MIB:-256}
cap=${P2P_BENCH_CAP:-10000000}
runs=${P2P_BENCH_RUNS:-1}
base=${P2P_BENCH_PORT_BASE:-21000}
bench_dll="$ROOT/bench/P2P.Bench/bin/Release/net10.0/P2P.Bench.dll"
work=$(mktemp -d "${P2P_BENCH_DIR:-/tmp}/p2p-bench-providers.XXXXXX")
load_start=$(load)
trap cleanup EXIT
bytes=$(bytes_of "$remote")

echo "== bench-providers: ${remote} MiB, cap ${cap} B/s per provider, $runs run(s)  (load: $load_start, $(date -u +%FT%TZ))"
build_p2p
if [ "${P2P_NO_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/bench/P2P.Bench/P2P.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
fi
export P2P_NO_BUILD=1

# providers_cpu SWARM: CPU seconds nodes 1-4 have used so far (idle providers cost too: count all four either way).
providers_cpu() {
  local i sum=0
  for i in 1 2 3 4; do sum=$(awk -v a="$sum" -v b="$(daemon_cpu "$1" "$i")" 'BEGIN { print a + b }'); done
  echo "$sum"
}
# one_get SEED: a fresh file on node 1 only, `p2p get` on node 5 of swarm a; sets one_rate, one_dcpu, one_pcpu (the
# CPU of nodes 1-4, as four_pcpu).
one_get() {
  gen_file "$work/data" "$remote" "providers-one-$1"
  local s c
  s=$(sha "$work/data")
  c=$(add_file a 1 "$work/data")
  rm -f "$work/data"
  # As before the 4 -> 1 get (four() in bench-swarm-lib.sh): the add's announcements finish first, or the 1 -> 1 row pays for them and the
  # ratio favours 4 -> 1 (22:31 UTC: 1 -> 1 at 184-208 MB/s with 1.4-1.6 s of fetcher CPU, against 316-401 in
  # bench-product, which settles).
  free_pages a
  echo "\$ p2p get CID -o FILE   (node 5; node 1 holds the file)"
  local p0
  p0=$(providers_cpu a)
  timed_daemon a 5 "$bytes" dotnet "$P2P_DLL" --repo "$(repo a 5)" get "$c" -o "$work/out" >/dev/null
  one_rate=$rate one_dcpu=$dcpu one_pcpu=$(sub "$(providers_cpu a)" "$p0")
  check "$work/out" "$s" "get from one" && rm -f "$work/out"
  echo "   1 -> 1: $one_rate MB/s ($secs s), CPU fetcher $one_dcpu s, providers $one_pcpu s  (load: $(load))"
}

sw a up 5 >/dev/null
connect a
# A running daemon is warm: one small fetch first, so the JIT is not timed (as bench-product.sh section 1).
gen_file "$work/data" 64 providers-warm
sw a exec 5 get "$(add_file a "1 2 3 4" "$work/data")" -o "$work/out" >/dev/null
rm -f "$work/data" "$work/out"
for run in $(seq 1 "$runs"); do
  echo "== uncapped, run $run  (load: $(load))"
  one_get "$run"
  four a "" "-$run" && echo "   (load: $(load))"
  row "get ${remote} MiB, 4 providers uncapped (run $run)" \
    "$four_rate MB/s ($four_shares; requested $four_req; CPU fetcher $four_dcpu s, providers $four_pcpu s)" \
    "1 -> 1 get $one_rate MB/s (CPU fetcher $one_dcpu s, providers $one_pcpu s)" "$(ratio "$four_rate" "$one_rate") of 1 -> 1"
done
note_rss a
sw a down >/dev/null

sw b up 5 >/dev/null
connect b
gen_file "$work/data" 64 providers-warm-b
sw b exec 5 get "$(add_file b "1 2 3 4" "$work/data")" -o "$work/out" >/dev/null
rm -f "$work/data" "$work/out"
capped_target=$(awk -v c="$cap" 'BEGIN { printf "%.1f", 4 * c / 1e6 }')
for run in $(seq 1 "$runs"); do
  echo "== capped, run $run  (load: $(load))"
  four b ", each capped at $cap B/s" "-$run" && echo "   (load: $(load))"
  harness 4 "$remote" "$(awk -v c="$cap" 'BEGIN { print c / 1e6 }')" flatfs 64
  row "get ${remote} MiB, 4 providers capped at $((cap / 1000000)) MB/s (run $run)" \
    "$four_rate MB/s ($four_shares; requested $four_req; CPU fetcher $four_dcpu s, providers $four_pcpu s)" \
    "harness $h_rate MB/s (CPU $h_cpu s); caps sum $capped_target MB/s" "$(ratio "$four_rate" "$capped_target") of the caps"
done
note_rss b
sw b down >/dev/null

echo
echo "## bench-providers: $(date -u +%FT%TZ), load at start $load_start, at end $(load); peak RSS of any daemon $peak_rss MB"
echo
echo "| measure | product | baseline (same run) | ratio |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"

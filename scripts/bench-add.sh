#!/usr/bin/env bash
# Measures `p2p add` of a large file against single-core SHA256.HashData over the same bytes, in one run.
# Usage: ./scripts/bench-add.sh [MiB=1024] [extra add options...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mib=${1:-1024}; shift || true
work=$(mktemp -d /tmp/p2p-bench-add.XXXXXX)
trap 'rm -rf "$work"' EXIT
build_p2p
dotnet build "$ROOT/bench/P2P.Bench/P2P.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2
gen_file "$work/data" "$mib" bench-add
export P2P_PATH="$work/repo"
p2p init >/dev/null
dotnet "$ROOT/bench/P2P.Bench/bin/Release/net10.0/P2P.Bench.dll" sha256 "$work/data" | tee "$work/sha"
base=$(grep -o '[0-9.]* MB/s' "$work/sha" | cut -d' ' -f1)
bytes=$((mib * 1048576))
/usr/bin/time -f '%e %M' -o "$work/time" dotnet "$P2P_DLL" add -q "$@" "$work/data" >"$work/cid"
read -r secs rss_kb <"$work/time"
rate=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / s / 1e6 }')
ratio=$(awk -v r="$rate" -v b="$base" 'BEGIN { printf "%.2f", r / b }')
echo "add ${mib} MiB: $secs s, $rate MB/s, ratio to sha256 $ratio, peak RSS $((rss_kb / 1024)) MB, cid $(cat "$work/cid")"

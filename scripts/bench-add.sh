#!/usr/bin/env bash
# Measures `p2p add` of a large file against single-core SHA256.HashData over the same bytes, in one run:
# once with the store's default sync policy (batch: every block durable when add returns), once with
# `none` (no fsync), and once with --only-hash (no store). Prints time, MB/s, ratio, CPU seconds (user + system,
# which a loaded machine inflates less than wall time) and peak RSS.
# Usage: ./scripts/bench-add.sh [MiB=1024] [extra add options...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mib=${1:-1024}; shift || true
work=$(mktemp -d /tmp/p2p-bench-add.XXXXXX)
trap 'rm -rf "$work"' EXIT
build_p2p
dotnet build "$ROOT/bench/P2P.Bench/P2P.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
gen_file "$work/data" "$mib" bench-add
bytes=$((mib * 1048576))
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$ROOT/bench/P2P.Bench/bin/Release/net10.0/P2P.Bench.dll" sha256 "$work/data" | tee "$work/sha"
base=$(grep -o '[0-9.]* MB/s' "$work/sha" | cut -d' ' -f1)

run() { # label, sync policy (or "-" for --only-hash)
  local label=$1 policy=$2 flags=()
  shift 2
  export P2P_PATH="$work/repo-$policy"
  p2p init >/dev/null
  if [ "$policy" = "-" ]; then flags=(--only-hash); else
    sed -i "s/\"syncPolicy\": \"[a-z]*\"/\"syncPolicy\": \"$policy\"/" "$P2P_PATH/config.json"; fi
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" dotnet "$P2P_DLL" add -q "${flags[@]}" "$@" "$work/data" >"$work/cid"
  read -r secs rss_kb user sys <"$work/time"
  awk -v l="$label" -v b="$bytes" -v s="$secs" -v base="$base" -v rss="$rss_kb" -v cid="$(cat "$work/cid")" -v user="$user" -v sys="$sys" \
    'BEGIN { r = b / s / 1e6; printf "add %-22s %6.2f s %7.1f MB/s  ratio %.2f  cpu %5.2f s  peak RSS %d MB  %s\n", l, s, r, r / base, user + sys, rss / 1024, cid }'
}
run "sync=batch (default)" batch "$@"
run "sync=none" none "$@"
run "--only-hash" - "$@"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# The swarm-fetch figures of issue 5, each with the load average it ran under (docs/BENCHMARKS.md):
#   1. one provider -> one fetcher, 256 MiB on loopback, every block verified, into a flatfs repo (target >= 150 MB/s)
#   2. four providers each capped at 10 MB/s -> one fetcher, 256 MiB (target >= 36 MB/s, a fair share each)
#   3. one provider -> one fetcher, 1 GiB: the fetcher's peak RSS (target <= 200 MB)
# Each provider and the fetcher are separate processes (bench/P2P.Bench `exchange fetch`, docs/EXCHANGE.md).
# P2P_WARM=1 (the default here) measures a second fetch in a warm process, as a running daemon is; set
# P2P_WARM=0 for cold figures that include the JIT. Optionally the Helia baseline (two Node.js processes, 256 MiB)
# when /tmp/peers is set up (cp -r /work/shared/peers /tmp/peers && cd /tmp/peers && npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
export P2P_WARM=${P2P_WARM:-1}
bench=bench/P2P.Bench/bin/Release/net10.0/P2P.Bench.dll
if [ "${P2P_NO_BUILD:-0}" != 1 ]; then
  dotnet build bench/P2P.Bench -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
run() {
  local label=$1; shift
  echo "== $label  (load before: $(load))"
  echo "\$ P2P_WARM=$P2P_WARM dotnet $bench exchange fetch $*"
  dotnet "$bench" exchange fetch "$@"
}
run "1 -> 1, 256 MiB, flatfs" 1 256 0 flatfs 64
run "4 capped at 10 MB/s -> 1, 256 MiB, flatfs" 4 256 10 flatfs 64
P2P_WARM=0 run "1 -> 1, 1 GiB, flatfs (peak RSS; cold, one fetch)" 1 1024 0 flatfs 64
if [ -f /tmp/peers/bench-helia.mjs ] && command -v node >/dev/null; then
  echo "== Helia baseline, 256 MiB between two processes  (load before: $(load))"
  (cd /tmp/peers && node bench-helia.mjs --mb 256)
else
  echo "== Helia baseline skipped: needs node and /tmp/peers (cp -r /work/shared/peers /tmp/peers && cd /tmp/peers && npm ci)"
fi

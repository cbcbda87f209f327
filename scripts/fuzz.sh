#!/usr/bin/env bash
# Fuzzes one decoder or all of them, coverage-guided, for as long as asked (docs/FUZZING.md).
#
#   scripts/fuzz.sh                 all targets, 60 s shared between them
#   scripts/fuzz.sh wire 600        the wire decoder for ten minutes
#   scripts/fuzz.sh all 3600 42     every target, an hour in all, mutator seed 42
#   scripts/fuzz.sh list            the target names
#   scripts/fuzz.sh replay wire artifacts/fuzz/wire/crashes
#
# The build is copied to artifacts/fuzz/bin and P2P.Node.dll (plus MessagePack.dll, which parses the wire bodies)
# is rewritten there by the SharpFuzz tool, so the loop sees edge coverage. New corpus entries go to
# artifacts/fuzz/<target>/corpus, crashes to artifacts/fuzz/<target>/crashes. Set FUZZ_NO_COVERAGE=1 to skip
# instrumentation (outcome-class feedback only). The process is pinned to one core where taskset exists.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-all}"
seconds="${2:-60}"
seed="${3:-$RANDOM}"
bin=artifacts/fuzz/bin

dotnet build tests/P2P.Fuzz/P2P.Fuzz.csproj -c Release -nologo -v q -clp:ErrorsOnly
rm -rf "$bin"
mkdir -p "$bin"
cp -r tests/P2P.Fuzz/bin/Release/net10.0/. "$bin/"

if [ "${FUZZ_NO_COVERAGE:-0}" != 1 ] && [ "$target" != list ]; then
  dotnet tool restore >/dev/null
  dotnet sharpfuzz "$bin/P2P.Node.dll"
  dotnet sharpfuzz "$bin/MessagePack.dll" MessagePack.MessagePackReader
fi

pin=()
if command -v taskset >/dev/null; then
  pin=(taskset -c "${FUZZ_CPU:-0}")
fi

case "$target" in
  list) exec dotnet "$bin/P2P.Fuzz.dll" list ;;
  replay) shift; exec dotnet "$bin/P2P.Fuzz.dll" replay "$@" ;;
  *) exec "${pin[@]}" nice -n 10 dotnet "$bin/P2P.Fuzz.dll" run "$target" --seconds "$seconds" --seed "$seed" \
       --corpus tests/fuzz-corpus --out artifacts/fuzz ;;
esac

#!/usr/bin/env bash
# Runs the deterministic DHT simulation (bench/P2P.Sim) and prints its table. Same arguments, same table.
# Example: ./scripts/sim.sh --nodes 10000 --seed 1 --rtt 50 --dead 0.1 --timeout 1000
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/P2P.Sim -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
exec dotnet bench/P2P.Sim/bin/Release/net10.0/P2P.Sim.dll "$@"

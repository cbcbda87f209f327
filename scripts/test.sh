#!/usr/bin/env bash
# Runs the whole test suite (what CI runs). Long simulations and soak tests are skipped; run them with
# ./scripts/test-long.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build P2P.sln -c Release -nologo -clp:ErrorsOnly
dotnet test P2P.sln -c Release --no-build -nologo --filter "Category!=Long" "$@"

#!/usr/bin/env bash
# Runs only the long tests (large kubo vectors, long simulations, soak tests).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build P2P.sln -c Release -nologo -clp:ErrorsOnly
dotnet test P2P.sln -c Release --no-build -nologo --filter "Category=Long" "$@"

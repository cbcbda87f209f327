# Shared helpers for the scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
P2P_DLL="$ROOT/src/Cli/bin/Release/net10.0/p2p.dll"

# Builds the CLI once (quietly) unless P2P_NO_BUILD=1.
build_p2p() {
  if [ "${P2P_NO_BUILD:-0}" != 1 ]; then
    local log
    log=$(mktemp)
    if ! dotnet build "$ROOT/src/Cli/P2P.Cli.csproj" -c Release -nologo -v q -clp:ErrorsOnly >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    rm -f "$log"
  fi
}

p2p() { dotnet "$P2P_DLL" "$@"; }

# gen_file PATH MIB SEED: deterministic pseudo-random bytes (no network, no external tools beyond coreutils).
gen_file() {
  local path=$1 mib=$2 seed=$3
  if command -v openssl >/dev/null; then
    # openssl dies of SIGPIPE when head has enough: that is the normal end, so ignore its status.
    (set +o pipefail; openssl enc -aes-128-ctr -pass "pass:$seed" -nosalt -pbkdf2 -in /dev/zero 2>/dev/null | head -c "$((mib * 1048576))" >"$path")
  else
    head -c "$((mib * 1048576))" /dev/urandom >"$path"
  fi
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

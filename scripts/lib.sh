# Shared helpers for the scripts. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The scripts run a ReadyToRun build of p2p (published, framework-dependent): its methods are compiled ahead of time,
# so a command or a fresh daemon starts without waiting on the JIT (docs/perf/jit.md has the A/B). P2P_R2R=0 runs the
# plain build instead. With P2P_NO_BUILD=1 and no ReadyToRun build present, the plain build is used if there is one.
P2P_PLAIN_DLL="$ROOT/src/Cli/bin/Release/net10.0/p2p.dll"
P2P_R2R_DIR="$ROOT/src/Cli/bin/Release/net10.0/r2r"
if [ "${P2P_R2R:-1}" = 0 ] || { [ "${P2P_NO_BUILD:-0}" = 1 ] && [ ! -f "$P2P_R2R_DIR/p2p.dll" ] && [ -f "$P2P_PLAIN_DLL" ]; }; then
  P2P_DLL="$P2P_PLAIN_DLL"
else
  P2P_DLL="$P2P_R2R_DIR/p2p.dll"
fi

# The runtime identifier ReadyToRun code is compiled for: this machine's.
p2p_rid() {
  case "$(uname -m)" in
    aarch64 | arm64) echo linux-arm64 ;;
    *) echo linux-x64 ;;
  esac
}

# Builds the CLI once (quietly) unless P2P_NO_BUILD=1: published ReadyToRun into $P2P_R2R_DIR, or built plain with P2P_R2R=0.
build_p2p() {
  if [ "${P2P_NO_BUILD:-0}" != 1 ]; then
    local log status=0
    log=$(mktemp)
    if [ "$P2P_DLL" = "$P2P_PLAIN_DLL" ]; then
      dotnet build "$ROOT/src/Cli/P2P.Cli.csproj" -c Release -nologo -v q -clp:ErrorsOnly >"$log" 2>&1 || status=$?
    else
      dotnet publish "$ROOT/src/Cli/P2P.Cli.csproj" -c Release -r "$(p2p_rid)" --self-contained false \
        -p:PublishReadyToRun=true -o "$P2P_R2R_DIR" -nologo -v q -clp:ErrorsOnly >"$log" 2>&1 || status=$?
    fi
    if [ "$status" != 0 ]; then
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

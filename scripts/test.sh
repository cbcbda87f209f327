#!/usr/bin/env bash
# Runs the whole test suite (what CI runs). Long simulations and soak tests are skipped; run them with
# ./scripts/test-long.sh.
#
# On a fresh Debian machine it first installs what the tests drive and nobody here wrote: Debian's headless
# Chromium and chromedriver (the dashboard's browser test), iproute2 and nftables (the network-namespace tests and
# the NAT lab), miniupnpd (the port-mapping test's router), curl, jq and bc (scripts/nat-bench.sh), nodejs and npm
# (kubo-rpc-client and Helia's delegated routing client against the daemon).
# It installs only what is missing, as root or through passwordless sudo; where it cannot, the tests that need the
# missing tool report themselves skipped with the reason (under CI=true they fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

install_missing() {
  local packages=() sudo_cmd=""
  { command -v chromium >/dev/null && command -v chromedriver >/dev/null; } || packages+=(chromium chromium-driver)
  { command -v ip >/dev/null && command -v tc >/dev/null; } || packages+=(iproute2)
  command -v nft >/dev/null || packages+=(nftables)
  # scripts/nat-bench.sh drives the NAT lab's daemons through their API (curl) and reads JSON (jq) and sums (bc).
  command -v curl >/dev/null || packages+=(curl)
  command -v jq >/dev/null || packages+=(jq)
  command -v bc >/dev/null || packages+=(bc)
  # kubo's own JavaScript RPC client and Helia's delegated routing client drive the daemon, and the reference ipns
  # library checks IPNS records both ways (tests/interop): node runs them, npm installs them.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
  # The port-mapping test's router. The binary package alone: it brings no service and asks no debconf questions
  # (the "miniupnpd" package would add an init script bound to the default namespace's interfaces).
  [ -x /usr/sbin/miniupnpd ] || packages+=(miniupnpd-nftables)
  [ ${#packages[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo_cmd="sudo -n"; else
      echo "test.sh: not root and no passwordless sudo: not installing ${packages[*]}; the tests that need them are skipped" >&2
      return 0
    fi
  fi
  echo "test.sh: installing ${packages[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${packages[@]}" >/dev/null
}
[ "${P2P_NO_INSTALL:-0}" = 1 ] || install_missing

# The browser test keeps its screenshot here (artifacts/ is ignored by git).
export P2P_TEST_ARTIFACTS="${P2P_TEST_ARTIFACTS:-$PWD/artifacts/webui}"

dotnet build P2P.sln -c Release -nologo -clp:ErrorsOnly
dotnet test P2P.sln -c Release --no-build -nologo --filter "Category!=Long" "$@"

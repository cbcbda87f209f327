#!/usr/bin/env bash
# Terminal captures for docs/PROGRESS.md, recorded with script(1) so the CLI sees a real terminal:
#   1. `p2p add --progress` of a 100 MiB file through a daemon,
#   2. `p2p get` of that file from a 3-node swarm (two providers, upload-capped so the bar moves),
#   3. a `get` whose only provider is SIGKILLed halfway.
# Then the same three with stderr redirected to a file (the plain-line form). Output: $OUT (default
# .captures/), one .txt per capture with each redraw of the bar on its own line. Needs script (util-linux).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
command -v script >/dev/null || { echo "progress-captures: script(1) is missing (apt-get install bsdutils)" >&2; exit 1; }

OUT="${OUT:-$ROOT/.captures}"
WORK="$(mktemp -d)"
export P2P_SWARM_DIR="$WORK/swarm" P2P_SWARM_UDP_BASE="${P2P_SWARM_UDP_BASE:-24100}" P2P_SWARM_API_BASE="${P2P_SWARM_API_BASE:-25100}"
export P2P_SWARM_UPLOAD_RATE="${P2P_SWARM_UPLOAD_RATE:-12000000}" P2P_NO_BUILD=1
mkdir -p "$OUT"
trap '"$ROOT/scripts/swarm.sh" down >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

"$ROOT/scripts/swarm.sh" up 3 >/dev/null
node() { echo "$P2P_SWARM_DIR/node$1"; }
# Runs `p2p ARGS` on node I inside script(1): a terminal of 100 columns; \r redraws become lines.
capture() {
  local name=$1 i=$2; shift 2
  local cmd="COLUMNS=100 P2P_PATH=$(node "$i") dotnet $P2P_DLL $*"
  echo "\$ p2p $*" >"$OUT/$name.txt"
  local rc=0
  script -q -e -c "stty cols 100; $cmd" "$WORK/typescript" >/dev/null 2>&1 || rc=$?
  # Each redraw on its own line; a bar that did not change between redraws is shown once.
  tr '\r' '\n' <"$WORK/typescript" | sed -e 's/\x1b\[[?0-9;]*[a-zA-Z=>]//g' -e 's/\x1b[=>]//g' -e 's/[[:space:]]*$//' -e '/^$/d' -e '/^Script /d' | uniq >>"$OUT/$name.txt"
  echo "(exit $rc)" >>"$OUT/$name.txt"
}
plain() {
  local name=$1 i=$2; shift 2
  echo "\$ p2p $* 2>progress.log" >"$OUT/$name.txt"
  local rc=0
  P2P_PATH="$(node "$i")" p2p "$@" 2>"$WORK/err" >"$WORK/out" || rc=$?
  cat "$WORK/out" "$WORK/err" >>"$OUT/$name.txt"
  echo "(exit $rc)" >>"$OUT/$name.txt"
}

head -c $((100 << 20)) /dev/urandom >"$WORK/movie.bin"
capture add-progress 1 add --progress "$WORK/movie.bin"
CID=$(P2P_PATH="$(node 2)" p2p add -Q "$WORK/movie.bin")
sleep 3 # Let the providers' announcements reach node 3's DHT view.
capture get-swarm 3 get --progress "$CID" -o "$WORK/got.bin"
rm -f "$WORK/got.bin"
plain get-swarm-plain 3 --repo "$(node 3)" repo gc >/dev/null 2>&1 || true
plain get-swarm-plain 3 get --progress "$CID" -o "$WORK/got2.bin"

# Only node 1 holds this one; it is killed when node 3 has about half of it.
head -c $((100 << 20)) /dev/urandom >"$WORK/lonely.bin"
LONELY=$(P2P_PATH="$(node 1)" p2p add -Q "$WORK/lonely.bin")
sleep 3
PID1=$(sed -n 1p "$P2P_SWARM_DIR/pids")
( sleep 6; kill -KILL "$PID1" ) &
capture get-killed 3 get --progress "$LONELY" -o "$WORK/lonely-got.bin"
wait
echo "captures in $OUT:"; ls "$OUT"

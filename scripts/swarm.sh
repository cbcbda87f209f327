#!/usr/bin/env bash
# A local swarm of p2p daemons on 127.0.0.1, each with its own repo under one folder (default .swarm/).
#
#   ./scripts/swarm.sh up N          start N nodes, bootstrapped off the first (refuses if a swarm runs)
#   ./scripts/swarm.sh down          stop every node this script started (SIGTERM, then SIGKILL after 20 s)
#   ./scripts/swarm.sh status        one line per node: state, pid, PeerId, routing-table size
#   ./scripts/swarm.sh exec I CMD..  run `p2p CMD..` against node I (1-based), e.g. exec 20 dht findprovs CID
#   ./scripts/swarm.sh logs I [-f]   print (or follow) node I's daemon output
#
# Environment: P2P_SWARM_DIR (folder), P2P_SWARM_UDP_BASE / P2P_SWARM_API_BASE / P2P_SWARM_GATEWAY_BASE (node I
# uses BASE+I for its UDP port, API and gateway; defaults 14000, 15000, 18000),
# P2P_SWARM_UPLOAD_RATE (bytes/s, every node's limits.uploadRateBytesPerSecond; default 0 = unlimited),
# P2P_NO_BUILD=1 to skip the one `dotnet build -c Release` that `up` runs.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

SWARM_DIR="${P2P_SWARM_DIR:-$ROOT/.swarm}"
UDP_BASE="${P2P_SWARM_UDP_BASE:-14000}"
UPLOAD_RATE="${P2P_SWARM_UPLOAD_RATE:-0}"
API_BASE="${P2P_SWARM_API_BASE:-15000}"
# Every node needs a gateway port of its own: a daemon whose gateway port is taken does not start.
GATEWAY_BASE="${P2P_SWARM_GATEWAY_BASE:-18000}"
PIDS="$SWARM_DIR/pids"

die() { echo "swarm: $*" >&2; exit 1; }
node_dir() { echo "$SWARM_DIR/node$1"; }

# True when PID is alive and is one of our daemons (guards against a recycled pid).
is_our_daemon() {
  local pid=$1
  [ -r "/proc/$pid/cmdline" ] || return 1
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q "p2p.dll daemon"
}

running_pids() {
  [ -f "$PIDS" ] || return 0
  local pid
  while read -r pid; do
    if [ -n "$pid" ] && is_our_daemon "$pid"; then echo "$pid"; fi
  done <"$PIDS"
}

node_count() { ls -d "$SWARM_DIR"/node* 2>/dev/null | wc -l; }

cmd_down() {
  local pids pid deadline
  pids=$(running_pids)
  for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + 20))
  for pid in $pids; do
    while is_our_daemon "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if is_our_daemon "$pid"; then
      echo "swarm: pid $pid did not stop in time; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$PIDS"
  [ -z "$pids" ] && echo "no swarm running" || echo "swarm stopped ($(echo "$pids" | wc -w) nodes)"
}

cmd_up() {
  local n=${1:-}
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "usage: swarm.sh up N (N >= 1)"
  [ -z "$(running_pids)" ] || die "a swarm is already running in $SWARM_DIR: run \`swarm.sh down\` first"
  build_p2p
  [ -f "$P2P_DLL" ] || die "$P2P_DLL is missing: build failed?"
  rm -rf "$SWARM_DIR"
  mkdir -p "$SWARM_DIR"
  : >"$PIDS"
  # Whatever goes wrong from here (an error, Ctrl-C), stop the nodes already started.
  trap 'echo "swarm: start failed; stopping the nodes started so far" >&2; cmd_down >&2' ERR INT TERM
  local first="" i dir peer
  for i in $(seq 1 "$n"); do
    dir=$(node_dir "$i")
    peer=$(P2P_PATH="$dir" p2p init --enc json | sed -n 's/.*"ID":"\([^"]*\)".*/\1/p')
    [ -n "$peer" ] || die "init of node $i printed no PeerId"
    local bootstrap="[]"
    [ -n "$first" ] && bootstrap="[\"$first\"]"
    sed -i \
      -e "s#\"listen\": \"[^\"]*\"#\"listen\": \"/ip4/127.0.0.1/udp/$((UDP_BASE + i))\"#" \
      -e "s#\"api\": \"[^\"]*\"#\"api\": \"127.0.0.1:$((API_BASE + i))\"#" \
      -e "s#\"gateway\": \"[^\"]*\"#\"gateway\": \"127.0.0.1:$((GATEWAY_BASE + i))\"#" \
      -e "s#\"uploadRateBytesPerSecond\": [0-9]*#\"uploadRateBytesPerSecond\": $UPLOAD_RATE#" \
      -e "s#\"bootstrap\": \[\]#\"bootstrap\": $bootstrap#" "$dir/config.json"
    [ -z "$first" ] && first="/ip4/127.0.0.1/udp/$((UDP_BASE + 1))/p2p/$peer"
    P2P_PATH="$dir" nohup dotnet "$P2P_DLL" daemon >"$dir/daemon.out" 2>&1 </dev/null &
    echo $! >>"$PIDS"
    echo $! >"$dir/daemon.pid"
    # The first node must be up before the others bootstrap off it.
    [ "$i" = 1 ] && wait_api 1
  done
  for i in $(seq 2 "$n"); do wait_api "$i"; done
  trap - ERR INT TERM
  echo "swarm of $n nodes up in $SWARM_DIR (udp $((UDP_BASE + 1))-$((UDP_BASE + n)), api $((API_BASE + 1))-$((API_BASE + n)), gateway $((GATEWAY_BASE + 1))-$((GATEWAY_BASE + n)))"
}

# Waits (at most 60 s) until node I has written its api file, or fails if its daemon died.
wait_api() {
  local dir pid deadline=$((SECONDS + 60))
  dir=$(node_dir "$1")
  pid=$(cat "$dir/daemon.pid")
  until [ -f "$dir/api" ]; do
    # kill -0, not is_our_daemon: just after the fork the child is still the script's subshell (not yet exec'd into
    # dotnet, its output file perhaps not yet opened), which the command-line check would take for a dead daemon.
    kill -0 "$pid" 2>/dev/null || { tail -5 "$dir/daemon.out" >&2 2>/dev/null || true; die "node $1 exited during start"; }
    [ $SECONDS -lt $deadline ] || die "node $1 did not start within 60 s"
    sleep 0.1
  done
}

cmd_status() {
  local n i dir pid state table peer
  n=$(node_count)
  [ "$n" -gt 0 ] || { echo "no swarm in $SWARM_DIR"; return 0; }
  for i in $(seq 1 "$n"); do
    dir=$(node_dir "$i")
    pid=$(cat "$dir/daemon.pid" 2>/dev/null || echo -)
    state=stopped table=-
    peer=$(sed -n 's/.*"ID":"\([^"]*\)".*/\1/p' "$dir/id.json" 2>/dev/null || true)
    if [ "$pid" != - ] && is_our_daemon "$pid"; then
      state=running
      if command -v curl >/dev/null; then
        local answer
        answer=$(curl -s -X POST "http://127.0.0.1:$((API_BASE + i))/api/v0/dht/table" || true)
        table=$(echo "$answer" | sed -n 's/.*"Total":\([0-9]*\).*/\1/p')
        peer=$(echo "$answer" | sed -n 's/^{"ID":"\([^"]*\)".*/\1/p')
      fi
    fi
    printf 'node%-3s %-8s pid %-7s table %-4s %s\n' "$i" "$state" "$pid" "${table:--}" "${peer:-}"
  done
}

cmd_exec() {
  local i=${1:-}
  [[ "$i" =~ ^[0-9]+$ ]] && [ -d "$(node_dir "$i")" ] || die "usage: swarm.sh exec I CMD... (node I must exist)"
  shift
  P2P_PATH="$(node_dir "$i")" dotnet "$P2P_DLL" "$@"
}

cmd_logs() {
  local i=${1:-}
  [[ "$i" =~ ^[0-9]+$ ]] && [ -f "$(node_dir "$i")/daemon.out" ] || die "usage: swarm.sh logs I [-f] (node I must exist)"
  if [ "${2:-}" = -f ]; then tail -f "$(node_dir "$i")/daemon.out"; else cat "$(node_dir "$i")/daemon.out"; fi
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  exec) shift; cmd_exec "$@" ;;
  logs) shift; cmd_logs "$@" ;;
  *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac

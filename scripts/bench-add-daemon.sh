#!/usr/bin/env bash
# `p2p add` of one large file three ways in the same minutes, for one or more builds (docs/perf/add-path.md):
#   cp FILE COPY && sync      the disk's baseline, same folder as the repos
#   p2p --repo R add -Q FILE  offline, a fresh repo without a daemon
#   p2p add -Q FILE           through a running daemon of a fresh repo (after a 64 MiB warm-up add), with the
#                             daemon's CPU seconds (utime + stime from /proc/PID/stat) and its peak RSS over the add
# Usage: scripts/bench-add-daemon.sh BUILD_DIR...   (each holding p2p.dll; run in turns, round after round)
# Environment: P2P_BENCH_ADD_MIB (default 1024), P2P_BENCH_ADD_ROUNDS (default 2), P2P_BENCH_ADD_PORT (API port;
# gateway +1, UDP +2; default 33000), P2P_BENCH_ADD_DIR (work folder, default /tmp/p2p-bench-add-daemon).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR..." >&2; exit 2; }
mib=${P2P_BENCH_ADD_MIB:-1024}
rounds=${P2P_BENCH_ADD_ROUNDS:-2}
port=${P2P_BENCH_ADD_PORT:-33000}
work=${P2P_BENCH_ADD_DIR:-/tmp/p2p-bench-add-daemon}
# load, timed (sets secs, cli_cpu, rss_mb), tick and sub come from the swarm benches' shared functions.
# shellcheck source=bench-swarm-lib.sh
source "$(dirname "$0")/bench-swarm-lib.sh"
cpu_of() { awk -v t="$tick" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }
# User time alone: the kernel's share swings by 2 s per GiB with whether the pages the pack writes land in were
# touched before (MEASURED.md), so two builds are compared on user time first (docs/perf/add-path.md, fifth round).
user_of() { awk -v t="$tick" '{ printf "%.2f", $14 / t }' "/proc/$1/stat"; }
# The user seconds of the last `timed` command.
timed_user() { awk '{ printf "%.2f", $2 }' "$work/time"; }
daemon_pid=""
stop_daemon() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill "$daemon_pid"
    for _ in $(seq 1 200); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  daemon_pid=""
}
trap 'stop_daemon; rm -rf "$work"' EXIT

rm -rf "$work"
mkdir -p "$work"
head -c "$((mib * 1048576))" /dev/urandom >"$work/big"
head -c "$((64 * 1048576))" /dev/urandom >"$work/warm"
echo "== bench-add-daemon: ${mib} MiB, ${rounds} rounds, builds: $*  (load $(load), $(date -u +%FT%TZ))"
for round in $(seq 1 "$rounds"); do
  for build in "$@"; do
    dll="$build/p2p.dll"
    echo "-- round $round, $build  (load $(load))"
    timed sh -c "cp '$work/big' '$work/copy' && sync"
    echo "   cp + sync:   ${secs} s, CPU ${cli_cpu} s"
    rm -f "$work/copy"

    P2P_PATH="$work/off" dotnet "$dll" init >/dev/null
    timed dotnet "$dll" --repo "$work/off" add -Q "$work/big" >"$work/cid.off"
    echo "   offline:     ${secs} s, CPU ${cli_cpu} s (user $(timed_user) s), peak RSS ${rss_mb} MB  $(cat "$work/cid.off")"
    rm -rf "$work/off"

    P2P_PATH="$work/d" dotnet "$dll" init >/dev/null
    sed -i -e "s#\"listen\": \"[^\"]*\"#\"listen\": \"/ip4/127.0.0.1/udp/$((port + 2))\"#" \
      -e "s#\"api\": \"[^\"]*\"#\"api\": \"127.0.0.1:$port\"#" \
      -e "s#\"gateway\": \"[^\"]*\"#\"gateway\": \"127.0.0.1:$((port + 1))\"#" "$work/d/config.json"
    P2P_PATH="$work/d" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
      nohup dotnet "$dll" daemon >"$work/daemon.out" 2>&1 </dev/null &
    daemon_pid=$!
    for _ in $(seq 1 600); do [ -f "$work/d/api" ] && break; sleep 0.1; done
    [ -f "$work/d/api" ] || { cat "$work/daemon.out" >&2; exit 1; }
    # Under heavy load the CLI's 15 s probe can miss a daemon still starting, then fail on the repo lock: wait here.
    for _ in $(seq 1 120); do curl -sf -m 5 -X POST "http://127.0.0.1:$port/api/v0/id" >/dev/null && break; sleep 1; done
    dotnet "$dll" --repo "$work/d" add -Q "$work/warm" >/dev/null
    # Peak RSS from here on: writing 5 to clear_refs resets VmHWM.
    echo 5 >"/proc/$daemon_pid/clear_refs"
    d0=$(cpu_of "$daemon_pid")
    u0=$(user_of "$daemon_pid")
    timed dotnet "$dll" --repo "$work/d" add -Q "$work/big" >"$work/cid.d"
    d1=$(cpu_of "$daemon_pid")
    u1=$(user_of "$daemon_pid")
    hwm=$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$daemon_pid/status")
    echo "   via daemon:  ${secs} s, daemon CPU $(sub "$d1" "$d0") s (user $(sub "$u1" "$u0") s), CLI CPU ${cli_cpu} s (user $(timed_user) s), daemon peak RSS ${hwm} MB  $(cat "$work/cid.d")"
    [ "$(cat "$work/cid.d")" = "$(cat "$work/cid.off")" ] || { echo "the daemon gave another CID" >&2; exit 1; }
    stop_daemon
    rm -rf "$work/d"
  done
done
echo "== end  (load $(load), $(date -u +%FT%TZ))"

#!/usr/bin/env bash
# Fault injection against real p2p processes on 127.0.0.1, each scenario a bounded number of times, then one table:
# fault, injected, operations attempted, completed, bytes lost (must be 0), crashes (must be 0).
# A crash is a p2p process that died without being killed by this script, or exited non-zero where it should not.
#
#   ./scripts/chaos.sh                     3 rounds of each fault, a 1,000,000-datagram flood
#   CHAOS_ROUNDS=1 CHAOS_FLOOD=50000 ./scripts/chaos.sh
#
# The swarm rows start real daemons on 127.0.0.1 (a provider SIGKILLed mid-fetch, a provider serving corrupted
# blocks): "injected" counts kills that landed mid-fetch, and liars the fetcher caught and dropped.
# Needs root for the full-disk scenario (it mounts an 8 MiB tmpfs); without it that row says "skipped (not root)".
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ROUNDS="${CHAOS_ROUNDS:-3}"
FLOOD="${CHAOS_FLOOD:-1000000}"
WORK=$(mktemp -d /tmp/p2p-chaos-XXXXXX)
DAEMONS=()
MOUNTED=""
cleanup() {
  local pid
  for pid in "${DAEMONS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${DAEMONS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$MOUNTED" ] && umount -l "$MOUNTED" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
build_p2p

ROWS=()
row() { ROWS+=("$(printf '%-30s %8s %10s %10s %11s %8s' "$@")"); }
pack_bytes() { local t=0 f; for f in "$1"/blocks/pack-*.dat; do [ -f "$f" ] && t=$((t + $(stat -c %s "$f" 2>/dev/null || echo 0))); done; echo $t; }
holds() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q "$2"; }

# run_kill REPO CONDITION ARGS..: starts `p2p ARGS` and SIGKILLs it once CONDITION (a shell snippet, $pid set)
# holds; bounded to 60 s. Prints "killed", "done" (finished first, exit 0) or "crash" (exited non-zero by itself).
run_kill() {
  local repo=$1 cond=$2; shift 2
  P2P_PATH="$repo" dotnet "$P2P_DLL" "$@" >/dev/null 2>&1 &
  local pid=$! i
  for ((i = 0; i < 30000; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if eval "$cond"; then kill -KILL "$pid"; wait "$pid" 2>/dev/null || true; echo killed; return; fi
    sleep 0.002
  done
  if wait "$pid"; then echo done; else echo crash; fi
}

# check REPO: repo verify clean and no temp files; returns non-zero otherwise.
check() { p2p_in "$1" repo verify >/dev/null 2>&1 && [ -z "$(find "$1" -name '*.tmp' -print -quit)" ]; }
p2p_in() { local repo=$1; shift; P2P_PATH="$repo" dotnet "$P2P_DLL" "$@"; }

scenario_kill() { # NAME OP
  local name=$1 op=$2 injected=0 attempted=0 completed=0 lost=0 crashes=0 r
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$WORK/$op$r" file="$WORK/$op$r.bin" out="$WORK/$op$r.out" cid outcome before
    p2p_in "$repo" init >/dev/null
    gen_file "$file" 64 "$op$r"
    local want; want=$(sha "$file")
    case $op in
      add)
        before=$(pack_bytes "$repo")
        outcome=$(run_kill "$repo" "[ \$(pack_bytes $repo) -gt $((before + 4194304)) ]" add -Q "$file")
        cid=$(p2p_in "$repo" add -Q "$file") ;;
      get)
        cid=$(p2p_in "$repo" add -Q "$file")
        outcome=$(run_kill "$repo" "[ -n \"\$(find $WORK -maxdepth 1 -name '.$op$r.out.p2p-*.tmp' -size +4M -print -quit)\" ]" get "$cid" -o "$out")
        [ -e "$out" ] && [ "$outcome" = killed ] && crashes=$((crashes + 1)) ;;
      pin)
        cid=$(p2p_in "$repo" add -Q --pin=false "$file")
        outcome=$(run_kill "$repo" "holds \$pid $repo/repo.lock" pin add "$cid")
        p2p_in "$repo" pin add "$cid" >/dev/null ;;
      gc)
        cid=$(p2p_in "$repo" add -Q "$file")
        gen_file "$WORK/garbage$r" 64 "g$r"
        p2p_in "$repo" add -Q --pin=false "$WORK/garbage$r" >/dev/null
        before=$(pack_bytes "$repo")
        outcome=$(run_kill "$repo" "[ \$(pack_bytes $repo) -ne $before ]" repo gc)
        p2p_in "$repo" repo gc >/dev/null ;;
    esac
    attempted=$((attempted + 1))
    [ "$outcome" = killed ] && injected=$((injected + 1))
    [ "$outcome" = crash ] && crashes=$((crashes + 1))
    rm -f "$out" "$WORK"/.$op$r.out.p2p-*.tmp
    if check "$repo" && p2p_in "$repo" get "$cid" -o "$out" >/dev/null && [ "$(sha "$out")" = "$want" ]; then
      completed=$((completed + 1))
    else
      lost=$((lost + $(stat -c %s "$file")))
    fi
    rm -rf "$repo" "$file" "$out" "$WORK/garbage$r"
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

scenario_disk_full() {
  local name="full disk (8 MiB tmpfs)" injected=0 attempted=0 completed=0 lost=0 crashes=0 r
  local mnt="$WORK/tmpfs"; mkdir -p "$mnt"
  if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=8m tmpfs "$mnt" 2>/dev/null; then
    ROWS+=("$(printf '%-30s %s' "$name" "skipped: mounting a tmpfs needs root")"); return
  fi
  MOUNTED=$mnt
  gen_file "$WORK/big" 16 big; gen_file "$WORK/small" 1 small
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$mnt/repo" err
    p2p_in "$repo" init >/dev/null
    attempted=$((attempted + 1))
    if err=$(p2p_in "$repo" add -Q "$WORK/big" 2>&1 >/dev/null); then :; else
      local code=$?
      [ "$code" -ne 0 ] && grep -q "disk is full" <<<"$err" && [ "$(wc -l <<<"$err")" = 1 ] && injected=$((injected + 1))
    fi
    # The blocks the failed add did store are unpinned garbage: gc frees them, then a small add must work.
    local cid=""
    p2p_in "$repo" repo gc >/dev/null 2>&1 && cid=$(p2p_in "$repo" add -Q "$WORK/small" 2>/dev/null) || true
    if check "$repo" && p2p_in "$repo" get "$cid" -o "$WORK/small.out" >/dev/null && [ "$(sha "$WORK/small.out")" = "$(sha "$WORK/small")" ]; then
      completed=$((completed + 1)); else lost=$((lost + 1048576)); fi
    rm -rf "$repo" "$WORK/small.out"
  done
  umount -l "$mnt"; MOUNTED=""
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

start_daemon() { # REPO -> sets LAST_PID, LAST_ADDR
  local repo=$1 i
  P2P_PATH="$repo" dotnet "$P2P_DLL" daemon --listen /ip4/127.0.0.1/udp/0 --api 127.0.0.1:0 >"$repo.log" 2>&1 &
  LAST_PID=$!; DAEMONS+=("$LAST_PID")
  for ((i = 0; i < 1200; i++)); do grep -qs "Daemon is ready" "$repo.log" && break; sleep 0.05; done
  LAST_ADDR=$(sed -n 's/^Listening on //p' "$repo.log" | head -1)
}
api() { echo "http://127.0.0.1:$(cut -d/ -f5 "$1/api")/api/v0"; }

# swarm_repo NAME [UPLOAD]: a fresh repo bootstrapping to $SWARM_SEED (when set), its upload capped so a fetch
# lasts long enough to act during it.
swarm_repo() {
  local repo="$WORK/$1"
  p2p_in "$repo" init >/dev/null
  sed -i "s|\"uploadRateBytesPerSecond\": 0|\"uploadRateBytesPerSecond\": ${2:-0}|" "$repo/config.json"
  [ -n "$SWARM_SEED" ] && sed -i "s|\"bootstrap\": \[\]|\"bootstrap\": [\"$SWARM_SEED\"]|" "$repo/config.json"
  echo "$repo"
}
# ledger REPO PEER FIELD: one field of the running daemon's ledger with PEER (empty when it has none).
ledger() {
  curl -sf -X POST "$(api "$1")/bitswap/stat" | python3 -c '
import json, sys
d = json.load(sys.stdin)
l = [x for x in d.get("Ledgers") or [] if x["Peer"] == sys.argv[1]]
print(l[0][sys.argv[2]] if l else "")' "$2" "$3" 2>/dev/null || true
}
# wait_until SECONDS SNIPPET: polls SNIPPET every 0.1 s; non-zero if it never held.
wait_until() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do eval "$2" && return 0; sleep 0.1; done
  return 1
}
providers_of() { p2p_in "$1" dht findprovs "$2" 2>/dev/null | sort -u | wc -l; }
stop_pids() { local pid; for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done; for pid in "$@"; do wait "$pid" 2>/dev/null || true; done; }

# A provider SIGKILLed while a fetcher downloads from it and two others (each capped at 4 MB/s, 16 MiB file): the
# get must still exit 0 with the whole file. Same method as SwarmFetchTests.Get_ProviderKilledMidFetch_*.
scenario_provider_killed() {
  local name="provider SIGKILLed mid-fetch" injected=0 attempted=0 completed=0 lost=0 crashes=0 r
  for ((r = 1; r <= ROUNDS; r++)); do
    SWARM_SEED=""
    local file="$WORK/pk$r.bin" out="$WORK/pk$r.out" cid="" pids=() peers=() i repo
    gen_file "$file" 16 "pk$r"
    for ((i = 0; i < 3; i++)); do
      repo=$(swarm_repo "pk$r-provider$i" 4000000)
      start_daemon "$repo"; pids+=("$LAST_PID"); peers+=("${LAST_ADDR##*/}")
      [ -z "$SWARM_SEED" ] && SWARM_SEED=$LAST_ADDR
      cid=$(p2p_in "$repo" add -Q "$file")
    done
    local fetcher; fetcher=$(swarm_repo "pk$r-fetcher")
    start_daemon "$fetcher"; pids+=("$LAST_PID")
    attempted=$((attempted + 1))
    wait_until 60 "[ \$(providers_of $fetcher $cid) -ge 3 ]" || true
    p2p_in "$fetcher" get "$cid" -o "$out" >/dev/null 2>"$out.err" &
    local get=$!
    if wait_until 60 "[ \"\$(ledger $fetcher ${peers[1]} BlocksReceived)\" -ge 4 ] 2>/dev/null" && kill -0 "$get" 2>/dev/null; then
      kill -KILL "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
      injected=$((injected + 1))
    fi
    if wait "$get" && [ "$(sha "$out")" = "$(sha "$file")" ]; then completed=$((completed + 1)); else lost=$((lost + $(stat -c %s "$file"))); fi
    for i in 0 2 3; do kill -0 "${pids[$i]}" 2>/dev/null || crashes=$((crashes + 1)); done
    stop_pids "${pids[@]}"
    rm -rf "$WORK"/pk"$r"*
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

# A provider whose disk hands out corrupted blocks (a byte flipped in every block file of a flatfs repo: providers
# serve without re-hashing, as kubo without HashOnRead) beside an honest one, 8 MiB file: the get must exit 0 with
# the right bytes, the fetcher must count the liar's corrupt blocks, drop it, keep none of its blocks, and its repo
# must verify. Same method as SwarmFetchTests.Get_ProviderServingCorruptBlocks_*, with the liar's repo on flatfs.
scenario_provider_corrupts() {
  local name="provider corrupts blocks" injected=0 attempted=0 completed=0 lost=0 crashes=0 r
  for ((r = 1; r <= ROUNDS; r++)); do
    SWARM_SEED=""
    local file="$WORK/pc$r.bin" out="$WORK/pc$r.out" cid pids=() block
    gen_file "$file" 8 "pc$r"
    local honest; honest=$(swarm_repo "pc$r-honest" 4000000)
    start_daemon "$honest"; pids+=("$LAST_PID"); SWARM_SEED=$LAST_ADDR
    cid=$(p2p_in "$honest" add -Q "$file")
    local liar; liar=$(swarm_repo "pc$r-liar" 4000000)
    rm -f "$liar/blocks/PACK"; sed -i 's|"blockStore": "pack"|"blockStore": "flatfs"|' "$liar/config.json"
    p2p_in "$liar" add -Q "$file" >/dev/null
    while IFS= read -r -d '' block; do
      python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 0xFF; open(p, "wb").write(b)' "$block"
    done < <(find "$liar/blocks" -name '*.data' -print0)
    start_daemon "$liar"; pids+=("$LAST_PID"); local liar_peer=${LAST_ADDR##*/}
    local fetcher; fetcher=$(swarm_repo "pc$r-fetcher")
    start_daemon "$fetcher"; pids+=("$LAST_PID")
    attempted=$((attempted + 1))
    wait_until 60 "[ \$(providers_of $fetcher $cid) -ge 2 ]" || true
    if p2p_in "$fetcher" get "$cid" -o "$out" >/dev/null 2>"$out.err" && [ "$(sha "$out")" = "$(sha "$file")" ] \
      && p2p_in "$fetcher" repo verify >/dev/null 2>&1; then completed=$((completed + 1)); else lost=$((lost + $(stat -c %s "$file"))); fi
    if [ "$(ledger "$fetcher" "$liar_peer" CorruptBlocks)" -ge 1 ] 2>/dev/null && [ "$(ledger "$fetcher" "$liar_peer" Dropped)" = True ] \
      && [ "$(ledger "$fetcher" "$liar_peer" BlocksReceived)" = 0 ]; then injected=$((injected + 1)); fi
    local pid; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || crashes=$((crashes + 1)); done
    stop_pids "${pids[@]}"
    rm -rf "$WORK"/pc"$r"*
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

scenario_flood() {
  local name="datagram flood" a="$WORK/holder" b="$WORK/target"
  p2p_in "$a" init >/dev/null; start_daemon "$a"; local seed=$LAST_ADDR
  p2p_in "$b" init >/dev/null
  sed -i "s|\"bootstrap\": \[\]|\"bootstrap\": [\"$seed\"]|" "$b/config.json"
  start_daemon "$b"; local bpid=$LAST_PID port; port=$(cut -d/ -f5 <<<"$LAST_ADDR")
  local files=() cids=() i
  for ((i = 0; i < 20; i++)); do gen_file "$WORK/f$i" 1 "f$i"; cids+=("$(p2p_in "$a" add -Q "$WORK/f$i")"); files+=("$WORK/f$i"); done
  local rss0; rss0=$(awk '/VmRSS/ {print $2}' "/proc/$bpid/status")
  python3 - "$port" "$FLOOD" >"$WORK/flood.out" <<'PY' &
import os, random, socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(7); s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
hist = []; start = time.time(); sent = 0
while sent < count and time.time() - start < 600:
    k = rnd.randrange(6)
    if k == 0 and hist: d = rnd.choice(hist)
    elif k == 1 and hist: h = rnd.choice(hist); d = h[:rnd.randrange(len(h) + 1)]
    elif k == 2: d = bytes([rnd.randrange(18)]) + os.urandom(rnd.randrange(1500, 65000))
    elif k == 3: d = bytes([5]) + (13).to_bytes(4, "little") + os.urandom(12) + bytes([16]) + os.urandom(16) + bytes([5]) + b"p2p/1" + os.urandom(rnd.randrange(64))
    else: d = bytes([rnd.randrange(18) if k == 4 else rnd.randrange(256)]) + os.urandom(rnd.randrange(0, 1432))
    if len(hist) < 64: hist.append(d)
    else: hist[sent % 64] = d
    try: s.sendto(d, ("127.0.0.1", port))
    except OSError: pass
    sent += 1
el = time.time() - start
print(f"{sent} {el:.1f} {sent / el:.0f}")
PY
  local fpid=$! attempted=0 completed=0 lost=0 crashes=0 peak=$rss0 t
  : >"$WORK/lat.lookup"; : >"$WORK/lat.fetch"
  i=0
  while kill -0 "$fpid" 2>/dev/null; do
    attempted=$((attempted + 1))
    if t=$(curl -sf -o "$WORK/fp" -w '%{time_total}' -X POST "$(api "$b")/dht/findprovs?arg=${cids[0]}&num-providers=1") && grep -q "${seed##*/}" "$WORK/fp"; then
      completed=$((completed + 1)); echo "$t" >>"$WORK/lat.lookup"; fi
    if [ $i -lt 20 ]; then
      attempted=$((attempted + 1))
      if t=$(curl -sf -o "$WORK/cat" -w '%{time_total}' -X POST "$(api "$b")/cat?arg=${cids[$i]}") && [ "$(sha "$WORK/cat")" = "$(sha "${files[$i]}")" ]; then
        completed=$((completed + 1)); echo "$t" >>"$WORK/lat.fetch"; else lost=$((lost + 1048576)); fi
      i=$((i + 1))
    fi
    local now; now=$(awk '/VmRSS/ {print $2}' "/proc/$bpid/status" 2>/dev/null || echo 0)
    [ "$now" -gt "$peak" ] && peak=$now
  done
  wait "$fpid"
  kill -0 "$bpid" 2>/dev/null || crashes=$((crashes + 1))
  local rss1; rss1=$(awk '/VmRSS/ {print $2}' "/proc/$bpid/status" 2>/dev/null || echo 0)
  read -r sent secs rate <"$WORK/flood.out"
  row "$name" "$sent" "$attempted" "$completed" "$lost" "$crashes"
  pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {if (NR) printf "%.0f", a[int((NR-1)*p)+1]*1000; else printf "-"}'; }
  FLOOD_NOTE="flood: $sent datagrams in $secs s ($rate/s); target RSS $((rss0 / 1024)) MiB before, $((peak / 1024)) MiB peak, $((rss1 / 1024)) MiB after; lookups $(wc -l <"$WORK/lat.lookup") p50 $(pct "$WORK/lat.lookup" 0.5) ms p95 $(pct "$WORK/lat.lookup" 0.95) ms max $(pct "$WORK/lat.lookup" 1) ms; 1 MiB fetches $(wc -l <"$WORK/lat.fetch") p50 $(pct "$WORK/lat.fetch" 0.5) ms max $(pct "$WORK/lat.fetch" 1) ms"
}

# More scenarios live one file each in scripts/chaos.d/: each file defines scenario_* functions (using the helpers
# above: row, p2p_in, start_daemon, api, wait_until, stop_pids, check) and appends their names to EXTRA_SCENARIOS.
EXTRA_SCENARIOS=()
for extra in "$(dirname "$0")"/chaos.d/*.sh; do
  # shellcheck source=/dev/null
  [ -f "$extra" ] && source "$extra"
done

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
scenario_kill "SIGKILL during add" add
scenario_kill "SIGKILL during get" get
scenario_kill "SIGKILL during pin add" pin
scenario_kill "SIGKILL during repo gc" gc
scenario_disk_full
scenario_provider_killed
scenario_provider_corrupts
for extra in "${EXTRA_SCENARIOS[@]}"; do "$extra"; done
FLOOD_NOTE=""
scenario_flood
printf '%-30s %8s %10s %10s %11s %8s\n' fault injected attempted completed "bytes lost" crashes
printf '%s\n' "${ROWS[@]}"
[ -n "$FLOOD_NOTE" ] && echo "$FLOOD_NOTE"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

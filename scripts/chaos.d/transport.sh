# shellcheck shell=bash
# Transport faults (issue 11 items 6 and 7); sourced by scripts/chaos.sh, which defines the helpers used here.

# Spoofed replays: a fetch between two daemons while spoof_replay.py (root: it captures on lo with AF_PACKET and
# forges the source with a raw socket) replays their captured datagrams, connect requests with later connect times,
# disconnects carrying the captured connect time, connect accepts, "peer not found", bare 0x00/0x06 packets and
# bit-flipped copies, with each daemon's own address, at ~1,900/s both ways (at most 40,000 datagrams, 25 s). The get
# must exit 0 with the right bytes; "injected" counts forged datagrams sent. Without root the row is skipped.
scenario_spoofed_replays() {
  local name="spoofed replays" injected=0 attempted=0 completed=0 lost=0 crashes=0 r
  if [ "$(id -u)" != 0 ]; then row "$name" "skipped (not root)" - - - -; return; fi
  for ((r = 1; r <= ROUNDS; r++)); do
    SWARM_SEED=""
    local file="$WORK/sr$r.bin" out="$WORK/sr$r.out" pids=() cid provider fetcher paddr faddr
    gen_file "$file" 16 "sr$r"
    provider=$(swarm_repo "sr$r-provider" 2000000) # 16 MiB at 2 MB/s: the fetch runs ~8 s, all under the flood
    start_daemon "$provider"; pids+=("$LAST_PID"); paddr=$LAST_ADDR
    cid=$(p2p_in "$provider" add -Q "$file")
    fetcher=$(swarm_repo "sr$r-fetcher")
    start_daemon "$fetcher"; pids+=("$LAST_PID"); faddr=$LAST_ADDR
    python3 "$(dirname "${BASH_SOURCE[0]}")/spoof_replay.py" "$(cut -d/ -f5 <<<"$paddr")" "$(cut -d/ -f5 <<<"$faddr")" \
      40000 25 1900 >"$WORK/sr$r.spoof" 2>&1 &
    local spoofer=$!
    attempted=$((attempted + 1))
    p2p_in "$fetcher" swarm connect "$paddr" >/dev/null 2>&1 || true
    if timeout 120 env P2P_PATH="$fetcher" dotnet "$P2P_DLL" get "$cid" -o "$out" >/dev/null 2>"$out.err" \
      && [ "$(sha "$out")" = "$(sha "$file")" ]; then completed=$((completed + 1)); else lost=$((lost + $(stat -c %s "$file"))); fi
    wait "$spoofer" 2>/dev/null || true
    injected=$((injected + $(cut -d' ' -f1 "$WORK/sr$r.spoof" 2>/dev/null || echo 0)))
    local pid; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || crashes=$((crashes + 1)); done
    stop_pids "${pids[@]}"
    rm -rf "$WORK"/sr"$r"*
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

# Simultaneous open: two fresh daemons (fresh identities, neither knowing the other) `swarm connect` each other at
# the same moment, CHAOS_SIMOPEN_ROUNDS times (default 20). A round completes when both connects exit 0 and each
# daemon lists the other in `swarm peers`. Both CLI processes start within a few milliseconds of each other, far less
# than a connect takes, so every round is a simultaneous open ("injected").
scenario_simultaneous_open() {
  local name="simultaneous open" injected=0 attempted=0 completed=0 crashes=0 r rounds="${CHAOS_SIMOPEN_ROUNDS:-20}"
  for ((r = 1; r <= rounds; r++)); do
    local a="$WORK/so$r-a" b="$WORK/so$r-b" pa pb aaddr baddr
    p2p_in "$a" init >/dev/null; p2p_in "$b" init >/dev/null
    start_daemon "$a"; pa=$LAST_PID; aaddr=$LAST_ADDR
    start_daemon "$b"; pb=$LAST_PID; baddr=$LAST_ADDR
    attempted=$((attempted + 1))
    p2p_in "$a" swarm connect "$baddr" >"$a.connect" 2>&1 &
    local ca=$!
    p2p_in "$b" swarm connect "$aaddr" >"$b.connect" 2>&1 &
    local cb=$! oka=0 okb=0
    wait "$ca" && oka=1
    wait "$cb" && okb=1
    injected=$((injected + 1))
    if [ $oka = 1 ] && [ $okb = 1 ] && p2p_in "$a" swarm peers 2>/dev/null | grep -q "${baddr##*/}" \
      && p2p_in "$b" swarm peers 2>/dev/null | grep -q "${aaddr##*/}"; then completed=$((completed + 1))
    else
      echo "simultaneous open round $r: a: $(cat "$a.connect") / b: $(cat "$b.connect")" >&2
      grep -h -E "WRN|ERR|rror|xception" "$a.log" "$b.log" | head -20 >&2
    fi
    kill -0 "$pa" 2>/dev/null || crashes=$((crashes + 1))
    kill -0 "$pb" 2>/dev/null || crashes=$((crashes + 1))
    stop_pids "$pa" "$pb"
    rm -rf "$WORK"/so"$r"-*
  done
  row "$name" "$injected" "$attempted" "$completed" 0 "$crashes"
}

EXTRA_SCENARIOS+=(scenario_spoofed_replays scenario_simultaneous_open)

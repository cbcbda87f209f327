# shellcheck shell=bash
# Repo-level faults (issue 11 item 8): a daemon SIGKILLed while it saves a multipart add into scratch/ must not leave
# that scratch behind, and `repo stat` must count what is on disk.

# scenario_kill_upload: per round, a daemon receives a 128 MiB multipart add through its API (curl, 127.0.0.1) and is
# SIGKILLed once its scratch holds over 16 MiB; then it is started again and stopped. "injected" counts kills that
# left scratch on disk; a round completes when the restart left no scratch, `repo stat`'s RepoSize equals the bytes of
# the files under the repo (and du -sb differs only by directory entries), verify is clean and the file adds and
# reads back whole. "bytes lost" is scratch still on disk after the restart plus the file when it does not read back.
scenario_kill_upload() {
  local name="SIGKILL mid-upload" injected=0 attempted=0 completed=0 lost=0 crashes=0 r
  local file="$WORK/upload.bin"
  gen_file "$file" 128 upload
  local want; want=$(sha "$file")
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$WORK/upload$r" pid curl_pid i scratch_left=0
    p2p_in "$repo" init >/dev/null
    start_daemon "$repo"; pid=$LAST_PID
    attempted=$((attempted + 1))
    curl -s -o /dev/null --max-time 120 -X POST -F "file=@$file;filename=upload.bin" "$(api "$repo")/add?pin=true" &
    curl_pid=$!
    for ((i = 0; i < 30000; i++)); do
      [ "$(du -sb "$repo/scratch" 2>/dev/null | cut -f1 || echo 0)" -gt 16777216 ] 2>/dev/null && break
      kill -0 "$curl_pid" 2>/dev/null || break
      sleep 0.002
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid" 2>/dev/null || true; else crashes=$((crashes + 1)); fi
    wait "$curl_pid" 2>/dev/null || true
    [ -n "$(find "$repo/scratch" -type f -print -quit 2>/dev/null)" ] && injected=$((injected + 1))
    # The restart takes the repo lock, which proves the killed daemon's scratch has no owner, and sweeps it.
    start_daemon "$repo"
    grep -qs "Daemon is ready" "$repo.log" || crashes=$((crashes + 1))
    stop_pids "$LAST_PID"
    scratch_left=$( { find "$repo/scratch" -type f -printf '%s\n' 2>/dev/null || true; find "$repo" -name 'add-*.tmp' -type f -printf '%s\n'; } | awk '{s += $1} END {print s + 0}')
    local stat files dirs du
    stat=$(p2p_in "$repo" --enc json repo stat | python3 -c 'import json, sys; print(json.load(sys.stdin)["RepoSize"])' 2>/dev/null || echo -1)
    files=$(find "$repo" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    dirs=$(find "$repo" -type d | wc -l)
    du=$(du -sb "$repo" | cut -f1)
    REPO_STAT_NOTE="last round: repo stat RepoSize $stat, files $files, du -sb $du ($dirs directories)"
    local cid=""
    if [ "$scratch_left" = 0 ] && [ "$stat" = "$files" ] && [ $((du - files)) -le $((dirs * 4096)) ] && check "$repo" \
      && cid=$(p2p_in "$repo" add -Q "$file") && p2p_in "$repo" get "$cid" -o "$WORK/upload.out" >/dev/null \
      && [ "$(sha "$WORK/upload.out")" = "$want" ]; then
      completed=$((completed + 1))
    else
      lost=$((lost + scratch_left))
      [ -z "$cid" ] || [ "$(sha "$WORK/upload.out" 2>/dev/null)" != "$want" ] && lost=$((lost + $(stat -c %s "$file")))
    fi
    rm -rf "$repo" "$repo.log" "$WORK/upload.out"
  done
  rm -f "$file"
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
  echo "$REPO_STAT_NOTE"
}

EXTRA_SCENARIOS+=(scenario_kill_upload)

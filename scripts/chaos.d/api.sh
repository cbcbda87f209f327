# shellcheck shell=bash
# API scenarios: a web page that reached the daemon's API by DNS rebinding.

# DNS rebinding: a page under the attacker's name, once its name resolves to 127.0.0.1, posts to the API as a
# same-origin page (Host and Origin both evilN.example:PORT, Sec-Fetch-Site same-origin). 10 x ROUNDS tries each
# of add, pin rm (of the pinned file) and repo gc, bounded by curl's 10 s limit each. Every one must be refused
# with 403; the pinned file and an unpinned one must survive, the CLI must still drive the daemon, and the repo
# must verify after the daemon stops. injected = forged requests, completed = refused with 403.
scenario_dns_rebinding() {
  local name="DNS rebinding" injected=0 attempted=0 completed=0 lost=0 crashes=0 i op code
  local repo="$WORK/rebind" file="$WORK/rebind.bin" loose="$WORK/rebind-loose.bin" out="$WORK/rebind.out"
  p2p_in "$repo" init >/dev/null
  gen_file "$file" 4 rebind; gen_file "$loose" 1 rebind-loose
  start_daemon "$repo"; local pid=$LAST_PID
  local port; port=$(cut -d/ -f5 "$repo/api")
  local cid loose_cid
  cid=$(p2p_in "$repo" add -Q "$file"); loose_cid=$(p2p_in "$repo" add -Q --pin=false "$loose")
  for ((i = 1; i <= ROUNDS * 10; i++)); do
    for op in add "pin/rm?arg=$cid" repo/gc; do
      local evil="evil$i.example:$port" body=()
      [ "$op" = add ] && body=(-F "file=@$loose")
      injected=$((injected + 1)); attempted=$((attempted + 1))
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "${body[@]}" \
        -H "Host: $evil" -H "Origin: http://$evil" -H "Sec-Fetch-Site: same-origin" \
        "http://127.0.0.1:$port/api/v0/$op" || true)
      [ "$code" = 403 ] && completed=$((completed + 1))
    done
  done
  kill -0 "$pid" 2>/dev/null || crashes=$((crashes + 1))
  # Both files still there through the daemon (the loose one too: no gc ran), then the repo verifies offline.
  if p2p_in "$repo" pin ls 2>/dev/null | grep -q "$cid" && p2p_in "$repo" get "$cid" -o "$out" >/dev/null 2>&1 \
      && [ "$(sha "$out")" = "$(sha "$file")" ]; then :; else lost=$((lost + $(stat -c %s "$file"))); fi
  rm -f "$out"
  if p2p_in "$repo" get "$loose_cid" -o "$out" >/dev/null 2>&1 && [ "$(sha "$out")" = "$(sha "$loose")" ]; then :; else
    lost=$((lost + $(stat -c %s "$loose"))); fi
  stop_pids "$pid"
  check "$repo" || lost=$((lost + $(stat -c %s "$file")))
  rm -rf "$repo" "$repo.log" "$file" "$loose" "$out"
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}
EXTRA_SCENARIOS+=(scenario_dns_rebinding)

# Pack segment manifest (issue 11, item 9, pack half): the end of the pack cut while the repo is closed, taking
# only unpinned blocks, must be reported by `repo verify` (exit 5, "lost block") until the note in quarantine is
# deleted; and an add SIGKILLed midway (a genuine torn tail) must not be taken for a loss. Sourced by
# scripts/chaos.sh; uses its helpers.

# manifest_repo REPO R: one pinned 4 MiB file, then one unpinned 4 MiB file (the last records of the segment);
# prints "cid sha" of the pinned file to REPO.files.
manifest_repo() {
  local repo=$1 r=$2
  p2p_in "$repo" init >/dev/null
  gen_file "$WORK/mp$r" 4 "mp$r"
  echo "$(p2p_in "$repo" add -Q "$WORK/mp$r") $(sha "$WORK/mp$r")" >"$repo.files"
  gen_file "$WORK/mu$r" 4 "mu$r"
  p2p_in "$repo" add -Q --pin=false "$WORK/mu$r" >/dev/null
  rm -f "$WORK/mp$r" "$WORK/mu$r"
}

# manifest_pinned_lost REPO: bytes of the pinned file that no longer read back whole (0 when it does).
manifest_pinned_lost() {
  local repo=$1 cid want
  read -r cid want <"$repo.files"
  if ! p2p_in "$repo" get "$cid" -o "$repo.out" >/dev/null 2>&1 || [ "$(sha "$repo.out")" != "$want" ]; then echo 4194304; else echo 0; fi
  rm -f "$repo.out"
}

scenario_manifest_tail_cut() {
  local name="tail cut while closed" injected=0 attempted=0 completed=0 lost=0 crashes=0 r code code2 l
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$WORK/mtc$r" seg cut
    manifest_repo "$repo" "$r"
    seg="$repo/blocks/pack-000001.dat"
    # Between one byte and just under 4 MiB: inside the unpinned file's records, at a different point each round.
    cut=$(( (r * 1048573) % 4190000 + 1 ))
    truncate -s "-$cut" "$seg"
    injected=$((injected + 1)); attempted=$((attempted + 1))
    code=0; p2p_in "$repo" repo verify >"$repo.verify" 2>&1 || code=$?
    [ "$code" -ne 0 ] && [ "$code" -ne 5 ] && crashes=$((crashes + 1))
    grep -q "   at " "$repo.verify" && crashes=$((crashes + 1))
    l=$(manifest_pinned_lost "$repo"); lost=$((lost + l))
    rm -f "$repo"/blocks/quarantine/*.note
    code2=0; p2p_in "$repo" repo verify >/dev/null 2>&1 || code2=$?
    # Completed: reported (exit 5 naming a lost block), the pinned file whole, healthy once acknowledged.
    [ "$code" = 5 ] && grep -q "^lost block " "$repo.verify" && [ "$l" = 0 ] && [ "$code2" = 0 ] && completed=$((completed + 1))
    rm -rf "$repo" "$repo".*
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

scenario_manifest_torn_tail() {
  local name="SIGKILL add: torn, not lost" injected=0 attempted=0 completed=0 lost=0 crashes=0 r outcome before code l
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$WORK/mtt$r"
    manifest_repo "$repo" "$r"
    gen_file "$WORK/mtt$r.more" 32 "mtt$r"
    before=$(pack_bytes "$repo")
    outcome=$(run_kill "$repo" "[ \$(pack_bytes $repo) -gt $((before + 4194304 + r * 65537)) ]" add -Q "$WORK/mtt$r.more")
    attempted=$((attempted + 1))
    [ "$outcome" = killed ] && injected=$((injected + 1))
    [ "$outcome" = crash ] && crashes=$((crashes + 1))
    code=0; p2p_in "$repo" repo verify >"$repo.verify" 2>&1 || code=$?
    [ "$code" -ne 0 ] && [ "$code" -ne 5 ] && crashes=$((crashes + 1))
    l=$(manifest_pinned_lost "$repo"); lost=$((lost + l))
    # Completed: no false loss reported (verify healthy, no note), nothing pinned lost.
    [ "$code" = 0 ] && [ -z "$(ls "$repo"/blocks/quarantine/*.note 2>/dev/null)" ] && [ "$l" = 0 ] && completed=$((completed + 1))
    rm -rf "$repo" "$repo".* "$WORK/mtt$r.more"
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

EXTRA_SCENARIOS+=(scenario_manifest_tail_cut scenario_manifest_torn_tail)

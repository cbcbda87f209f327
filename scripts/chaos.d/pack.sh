# Pack block store faults (issue 11, items 1, 2 and 4): a damaged record header met by gc, the same met by the
# index rebuild after a SIGKILL, and a full disk. Sourced by scripts/chaos.sh; uses its helpers.

# pack_records SEGMENT: the offset of every record, walking the headers (u16 key length at +4, u32 data length at +8).
pack_records() {
  local f=$1 off=0 size klen dlen
  size=$(stat -c %s "$f")
  while [ "$off" -lt "$size" ]; do
    echo "$off"
    klen=$(od -An -t u2 -j $((off + 4)) -N 2 "$f" | tr -d ' ')
    dlen=$(od -An -t u4 -j $((off + 8)) -N 4 "$f" | tr -d ' ')
    off=$((off + 16 + klen + dlen))
  done
}

# flip_byte FILE OFFSET: xor one byte with 0x01.
flip_byte() {
  local b; b=$(od -An -t u1 -j "$2" -N 1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# pack_damage_repo REPO R: three pinned 4 MiB files and one unpinned; prints "cid sha" per pinned file to REPO.files.
pack_damage_repo() {
  local repo=$1 r=$2 i
  p2p_in "$repo" init >/dev/null
  : >"$repo.files"
  for i in 1 2 3; do
    gen_file "$WORK/pd$r.$i" 4 "pd$r.$i"
    echo "$(p2p_in "$repo" add -Q "$WORK/pd$r.$i") $(sha "$WORK/pd$r.$i")" >>"$repo.files"
    [ "$i" = 2 ] && { gen_file "$WORK/pg$r" 4 "pg$r"; p2p_in "$repo" add -Q --pin=false "$WORK/pg$r" >/dev/null; }
  done
  rm -f "$WORK"/pd$r.* "$WORK/pg$r"
}

# pack_damage_middle REPO FIELD: flips a byte of FIELD (a header offset) in the middle record of the last segment.
pack_damage_middle() {
  local seg offs
  seg=$(ls "$1"/blocks/pack-*.dat | sort | tail -1)
  mapfile -t offs < <(pack_records "$seg")
  flip_byte "$seg" $((offs[${#offs[@]} / 2] + $2))
}

# pack_files_lost REPO: bytes of pinned files that no longer read back whole (0 when all do).
pack_files_lost() {
  local repo=$1 cid want lost=0
  while read -r cid want; do
    if ! p2p_in "$repo" get "$cid" -o "$repo.out" >/dev/null 2>&1 || [ "$(sha "$repo.out")" != "$want" ]; then lost=$((lost + 4194304)); fi
    rm -f "$repo.out"
  done <"$repo.files"
  echo "$lost"
}

scenario_pack_header_gc() {
  local name="header damage + gc" injected=0 attempted=0 completed=0 lost=0 crashes=0 r code fields=(0 4 8 12 21)
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$WORK/pgc$r" l
    pack_damage_repo "$repo" "$r"
    pack_damage_middle "$repo" "${fields[$(((r - 1) % 5))]}"
    injected=$((injected + 1)); attempted=$((attempted + 1))
    code=0; p2p_in "$repo" repo gc >"$repo.gc" 2>&1 || code=$?
    [ "$code" -ne 0 ] && [ "$code" -ne 5 ] && crashes=$((crashes + 1))
    grep -q "   at " "$repo.gc" && crashes=$((crashes + 1))
    l=$(pack_files_lost "$repo"); lost=$((lost + l))
    [ "$l" = 0 ] && [ "$code" = 0 ] && check "$repo" && completed=$((completed + 1))
    rm -rf "$repo" "$repo".*
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

scenario_pack_header_kill() {
  local name="header damage + SIGKILL" injected=0 attempted=0 completed=0 lost=0 crashes=0 r outcome before fields=(0 4 8 12)
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$WORK/pkl$r" l
    pack_damage_repo "$repo" "$r"
    pack_damage_middle "$repo" "${fields[$(((r - 1) % 4))]}"
    gen_file "$WORK/pkl$r.more" 32 "pkl$r"
    before=$(pack_bytes "$repo")
    # An add killed midway leaves the store dirty, so the next open rebuilds the index by scanning the damage.
    outcome=$(run_kill "$repo" "[ \$(pack_bytes $repo) -gt $((before + 4194304)) ]" add -Q "$WORK/pkl$r.more")
    attempted=$((attempted + 1))
    [ "$outcome" = killed ] && injected=$((injected + 1))
    [ "$outcome" = crash ] && crashes=$((crashes + 1))
    l=$(pack_files_lost "$repo"); lost=$((lost + l))
    [ "$l" = 0 ] && check "$repo" && completed=$((completed + 1))
    rm -rf "$repo" "$repo".* "$WORK/pkl$r.more"
  done
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

scenario_pack_full_gc() {
  local name="full disk + gc (pack)" injected=0 attempted=0 completed=0 lost=0 crashes=0 r
  local mnt="$WORK/packfs"; mkdir -p "$mnt"
  if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=8m tmpfs "$mnt" 2>/dev/null; then
    ROWS+=("$(printf '%-30s %s' "$name" "skipped: mounting a tmpfs needs root")"); return
  fi
  MOUNTED=$mnt
  gen_file "$WORK/pf.big" 16 pfbig; gen_file "$WORK/pf.keep" 1 pfkeep; gen_file "$WORK/pf.small" 1 pfsmall
  for ((r = 1; r <= ROUNDS; r++)); do
    local repo="$mnt/repo" err code cid="" keep
    p2p_in "$repo" init >/dev/null
    keep=$(p2p_in "$repo" add -Q "$WORK/pf.keep")
    attempted=$((attempted + 1))
    err=$(p2p_in "$repo" add -Q "$WORK/pf.big" 2>&1 >/dev/null) || { grep -q "disk is full" <<<"$err" && injected=$((injected + 1)); }
    code=0; err=$(p2p_in "$repo" repo gc 2>&1 >/dev/null) || code=$?
    [ "$code" != 0 ] && echo "pack full disk: gc exited $code: $err" >&2
    grep -q "   at " <<<"$err" && crashes=$((crashes + 1))
    cid=$(p2p_in "$repo" add -Q "$WORK/pf.small" 2>/dev/null) || true
    if [ -n "$cid" ] && check "$repo" && p2p_in "$repo" get "$cid" -o "$WORK/pf.out" >/dev/null && [ "$(sha "$WORK/pf.out")" = "$(sha "$WORK/pf.small")" ] \
      && rm -f "$WORK/pf.out" && p2p_in "$repo" get "$keep" -o "$WORK/pf.out" >/dev/null && [ "$(sha "$WORK/pf.out")" = "$(sha "$WORK/pf.keep")" ]; then
      completed=$((completed + 1)); else lost=$((lost + 1048576)); fi
    rm -rf "$repo" "$WORK/pf.out"
  done
  umount -l "$mnt"; MOUNTED=""
  rm -f "$WORK"/pf.*
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
}

EXTRA_SCENARIOS+=(scenario_pack_header_gc scenario_pack_header_kill scenario_pack_full_gc)

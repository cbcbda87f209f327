#!/usr/bin/env bash
# CAR interoperability with the JavaScript reference (@ipld/car, ipfs-unixfs-importer/-exporter).
#   1. regenerates the fixtures with tests/fixtures/car/make-fixtures.mjs and checks they equal the committed ones;
#   2. imports each fixture with `p2p dag import`, exports it with `p2p dag export`, and checks the export is
#      byte-identical to the reference CAR and is read back by the reference (read-car.mjs: hashes, DAG
#      completeness, file bytes);
#   3. adds a fresh 3 MiB file with `p2p add` (CIDv1 and CIDv0), exports it, and has the reference read it.
# Needs node 20+ and a copy of the reference peers with @ipld/car installed; set PEERS to its folder:
#   cp -r /work/shared/peers /tmp/peers-car && (cd /tmp/peers-car && npm ci && npm install @ipld/car)
#   PEERS=/tmp/peers-car scripts/car-interop.sh
# Skips (exit 0) when node or the peers folder is missing. Exit 1 on any mismatch.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PEERS=${PEERS:-/tmp/peers-car}
FIX="$ROOT/tests/fixtures/car"
if ! command -v node >/dev/null || [ ! -d "$PEERS/node_modules/@ipld/car" ]; then
  echo "car-interop: skipped (needs node and \$PEERS=$PEERS with @ipld/car installed)"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$FIX/make-fixtures.mjs" "$FIX/read-car.mjs" "$PEERS/"
fail=0

echo "== 1. regenerate fixtures with the reference"
(cd "$PEERS" && node make-fixtures.mjs "$WORK/regen") >/dev/null
for car in "$FIX"/*.car "$FIX/expected.json"; do
  if cmp -s "$car" "$WORK/regen/$(basename "$car")"; then
    echo "same   $(basename "$car")"
  else
    echo "DIFFER $(basename "$car")"; fail=1
  fi
done

build_p2p
if ! p2p dag --help >/dev/null 2>&1; then
  echo "car-interop: this p2p has no 'dag' command (register DagCommand in CliApp.cs)" >&2
  exit 1
fi
export P2P_PATH="$WORK/repo"
p2p init >/dev/null

echo "== 2. p2p imports the reference CARs; its exports match them and are read back by the reference"
for car in "$FIX"/*.car; do
  name=$(basename "$car")
  root=$(p2p dag import "$car" | awk -F'\t' '/^Pinned root/ && $3 == "success" { print $2 }')
  p2p dag export "$root" -o "$WORK/$name"
  same=$(cmp -s "$car" "$WORK/$name" && echo byte-identical || echo DIFFERENT)
  [ "$same" = byte-identical ] || fail=1
  if (cd "$PEERS" && node read-car.mjs "$WORK/$name" "$FIX/expected.json" "$name") >/dev/null; then
    echo "ok     $name root $root, export $same, read back by @ipld/car"
  else
    echo "FAIL   $name root $root: the reference rejected p2p's export"; fail=1
  fi
done

echo "== 3. fresh content added by p2p, exported, read by the reference"
gen_file "$WORK/fresh.bin" 3 car-interop
want=$(sha "$WORK/fresh.bin")
for version in 1 0; do
  root=$(p2p add -q --cid-version "$version" "$WORK/fresh.bin")
  p2p dag export "$root" > "$WORK/fresh-v$version.car"
  got=$(cd "$PEERS" && node read-car.mjs "$WORK/fresh-v$version.car")
  if [[ "$got" == *"\"roots\":[\"$root\"]"* && "$got" == *"$want"* ]]; then
    echo "ok     cid v$version $root: $(stat -c %s "$WORK/fresh-v$version.car") bytes, read back with the right file bytes"
  else
    echo "FAIL   cid v$version $root: $got"; fail=1
  fi
done

[ "$fail" = 0 ] && echo "car-interop: all checks passed" || echo "car-interop: FAILED"
exit "$fail"

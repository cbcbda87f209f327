#!/usr/bin/env bash
# The main job, end to end on this machine: build p2p, create a repo, add a generated file, read it back
# with `cat` and `get`, and check every byte by SHA-256. Non-zero exit on any mismatch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mib=${DEMO_MIB:-64}
work=$(mktemp -d /tmp/p2p-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
export P2P_PATH="$work/repo"

echo "== building p2p"
build_p2p
echo "== p2p init"
p2p init
echo "== generating a ${mib} MiB file"
gen_file "$work/input.bin" "$mib" p2p-demo
want=$(sha "$work/input.bin")
echo "== p2p add"
cid=$(p2p add -q "$work/input.bin")
echo "root CID: $cid"
echo "== p2p cat | sha256sum"
got_cat=$(p2p cat "$cid" | sha256sum | cut -d' ' -f1)
echo "== p2p get -o"
p2p get "$cid" -o "$work/output.bin" >/dev/null
got_get=$(sha "$work/output.bin")
echo "== p2p repo verify"
p2p repo verify
echo
printf '%-10s %s\n' input "$want" cat "$got_cat" get "$got_get"
if [ "$want" != "$got_cat" ] || [ "$want" != "$got_get" ]; then
  echo "MISMATCH" >&2
  exit 1
fi
echo "OK: ${mib} MiB added as $cid and read back byte-identical"

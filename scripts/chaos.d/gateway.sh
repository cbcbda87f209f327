# shellcheck shell=bash
# Gateway scenarios for scripts/chaos.sh (sourced after its helpers).
#
# "non-reading gateway clients": one daemon holding a CHAOS_GW_MIB (default 500) MiB file; CHAOS_GW_CLIENTS
# (default 50) python3 sockets on 127.0.0.1 each send GET /ipfs/CID and never read a byte, are held open for
# CHAOS_GW_HOLD (default 20) seconds, then closed. The daemon's RSS (/proc/PID/status) must stay under its
# baseline + 300 MiB the whole time, and afterwards a normal GET must return the file's exact bytes.
# injected = clients that got connected and sent their request; bytes lost = the file's size when the final GET
# is wrong or the RSS bound was broken. GW_NOTE carries RSS before / peak / after for the report.

GW_MIB="${CHAOS_GW_MIB:-500}"
GW_CLIENTS="${CHAOS_GW_CLIENTS:-50}"
GW_HOLD="${CHAOS_GW_HOLD:-20}"
GW_NOTE=""

# gw_start REPO: a daemon with its API and gateway on free loopback ports; sets LAST_PID and GW_PORT.
gw_start() {
  local repo=$1 i
  P2P_PATH="$repo" dotnet "$P2P_DLL" daemon --listen /ip4/127.0.0.1/udp/0 --api 127.0.0.1:0 --gateway 127.0.0.1:0 >"$repo.log" 2>&1 &
  LAST_PID=$!; DAEMONS+=("$LAST_PID")
  for ((i = 0; i < 1200; i++)); do grep -qs "Daemon is ready" "$repo.log" && break; sleep 0.05; done
  GW_PORT=$(cut -d/ -f5 "$repo/gateway" 2>/dev/null || echo 0)
}
gw_rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

scenario_gateway_nonreading() {
  local name="non-reading gateway clients" repo="$WORK/gw" file="$WORK/gw.bin" injected=0 attempted=1 completed=0 lost=0 crashes=0
  p2p_in "$repo" init >/dev/null
  gen_file "$file" "$GW_MIB" gw
  local cid; cid=$(p2p_in "$repo" add -Q "$file")
  gw_start "$repo"
  local pid=$LAST_PID
  # The baseline after one small warm-up GET, so Kestrel's and the handler's one-time start-up cost is in it.
  curl -sf -o /dev/null -r 0-1023 "http://127.0.0.1:$GW_PORT/ipfs/$cid" || true
  local rss0 peak now; rss0=$(gw_rss "$pid"); peak=$rss0
  python3 - "$GW_PORT" "$cid" "$GW_CLIENTS" "$GW_HOLD" >"$WORK/gw.clients" 2>&1 <<'PY' &
import socket, sys, time
port, cid, count, hold = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
socks = []
for _ in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A small receive buffer: the kernel must not read on the client's behalf what the client never asks for.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(f"GET /ipfs/{cid} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        socks.append(s)
    except OSError:
        s.close()
print(len(socks), flush=True)
time.sleep(hold)
for s in socks:
    s.close()
PY
  local cpid=$!
  while kill -0 "$cpid" 2>/dev/null; do
    now=$(gw_rss "$pid"); [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.2
  done
  wait "$cpid" || true
  injected=$(head -1 "$WORK/gw.clients" 2>/dev/null || echo 0)
  # Reads stop once the clients are gone; give the daemon a bounded moment to notice, still sampling the peak.
  local i
  for ((i = 0; i < 25; i++)); do now=$(gw_rss "$pid"); [ "$now" -gt "$peak" ] && peak=$now; sleep 0.2; done
  local rss1; rss1=$(gw_rss "$pid")
  if curl -sf -o "$WORK/gw.out" "http://127.0.0.1:$GW_PORT/ipfs/$cid" && [ "$(sha "$WORK/gw.out")" = "$(sha "$file")" ] \
    && [ $((peak - rss0)) -lt $((300 * 1024)) ]; then
    completed=1
  else
    lost=$(stat -c %s "$file")
  fi
  kill -0 "$pid" 2>/dev/null || crashes=1
  local rss2; rss2=$(gw_rss "$pid")
  stop_pids "$pid"
  row "$name" "$injected" "$attempted" "$completed" "$lost" "$crashes"
  GW_NOTE="gateway: $GW_CLIENTS non-reading clients on a $GW_MIB MiB file held ${GW_HOLD} s: daemon RSS $((rss0 / 1024)) MiB before, $((peak / 1024)) MiB peak (+$(((peak - rss0) / 1024)) MiB, limit +300), $((rss1 / 1024)) MiB 5 s after they closed, $((rss2 / 1024)) MiB after a full GET"
  echo "$GW_NOTE" >&2
  rm -rf "$repo" "$repo.log" "$file" "$WORK/gw.out" "$WORK/gw.clients"
}

EXTRA_SCENARIOS+=(scenario_gateway_nonreading)

#!/usr/bin/env python3
"""Captures the datagrams two daemons on 127.0.0.1 exchange and replays them, forged and bit-flipped, with each
daemon's own source address (needs root: an AF_PACKET socket to capture on lo, a raw IP socket to forge the source).

    spoof_replay.py PORT_A PORT_B MAX_DATAGRAMS MAX_SECONDS RATE_PER_SECOND

Phase 1 captures until the connect request and 100 more datagrams between the two ports were seen (at most
MAX_SECONDS); phase 2 sends at most MAX_DATAGRAMS forged datagrams at RATE_PER_SECOND, both directions, for at most
MAX_SECONDS. Prints "SENT ELAPSED CAPTURED". Only 127.0.0.1 is ever addressed. LiteNetLib 2.1.5 packet properties:
0 unreliable, 6 connect request, 7 connect accept, 8 disconnect, 15 peer not found (low five bits of byte 0).
"""
import random
import socket
import struct
import sys
import time

port_a, port_b, max_sent, max_seconds, rate = (int(x) for x in sys.argv[1:6])
rnd = random.Random(611)
LOOPBACK = socket.inet_aton("127.0.0.1")
DOTNET_EPOCH_TICKS = 621355968000000000


def dotnet_ticks():
    return DOTNET_EPOCH_TICKS + time.time_ns() // 100


sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
sniffer.bind(("lo", 0))
sniffer.settimeout(0.1)
captured = {port_a: [], port_b: []}  # by source port
requests = {}
start = time.time()
seen = 0
while time.time() - start < max_seconds and not (requests and seen >= 100):
    try:
        frame = sniffer.recv(70000)
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
    if {sport, dport} != {port_a, port_b}:
        continue
    data = bytes(ip[ihl + 8:])
    if not data:
        continue
    seen += 1
    if data[0] & 0x1F == 6 and len(data) >= 13:
        requests[sport] = data
    if len(captured[sport]) < 2000:
        captured[sport].append(data)
sniffer.close()

raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)


def send(src, dst, payload):
    udp = struct.pack("!HHHH", src, dst, 8 + len(payload), 0) + payload  # checksum 0: none (IPv4)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), rnd.randrange(65536), 0, 64, 17, 0, LOOPBACK, LOOPBACK)
    raw.sendto(ip + udp, ("127.0.0.1", 0))


def flip(data):
    b = bytearray(data)
    b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
    return bytes(b)


def forged(src):
    """One datagram an attacker could make from what it captured from src."""
    request = requests.get(src)
    history = captured[src]
    connect_time = request[5:13] if request else struct.pack("<q", dotnet_ticks())
    k = rnd.randrange(10)
    if k == 0 and request:  # the captured connect request with a later connect time: a "reconnection"
        return request[:5] + struct.pack("<q", dotnet_ticks()) + request[13:]
    if k == 1 and request:
        b = bytearray(request)
        b[5 + rnd.randrange(8)] ^= 1 << rnd.randrange(8)
        return bytes(b)
    if k == 2:  # a disconnect carrying the captured connect time
        return bytes([8 | rnd.randrange(4) << 5]) + connect_time + rnd.randbytes(rnd.randrange(32))
    if k == 3:
        return bytes([7 | rnd.randrange(4) << 5]) + connect_time + bytes([rnd.randrange(4), rnd.randrange(2)]) + rnd.randbytes(4)
    if k == 4:
        return rnd.choice([b"\x0f", b"\x0f\x01", b"\x00", b"\x06", bytes([rnd.randrange(4) << 5])])
    if k == 5:
        return bytes([rnd.randrange(4) << 5]) + rnd.randbytes(rnd.randrange(1, 200))
    if history and k in (6, 7):
        return rnd.choice(history)
    if history:
        return flip(rnd.choice(history))
    return b"\x00"


start = time.time()
sent = 0
while sent < max_sent and time.time() - start < max_seconds:
    src, dst = (port_a, port_b) if sent % 2 == 0 else (port_b, port_a)
    try:
        send(src, dst, forged(src))
    except OSError:
        pass
    sent += 1
    ahead = sent / rate - (time.time() - start)
    if ahead > 0:
        time.sleep(ahead)
print(f"{sent} {time.time() - start:.1f} {len(captured[port_a]) + len(captured[port_b])}")

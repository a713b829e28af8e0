#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A peer that ARP-asks for TARGET from SENDER (which it need not hold), as the Raspberry Pi's
# ics-watch asks for 10.42.0.1 from 10.12.194.1: a request on IFACE every 0.2 s until a reply
# from TARGET comes (exit 0) or TIMEOUT seconds pass (exit 1). Stands in for
# arping -s SENDER (iputils-arping).
#   arp-ask.py IFACE SENDER TARGET [TIMEOUT]
import select
import socket
import struct
import sys
import time

ifname, sender, target = sys.argv[1], sys.argv[2], sys.argv[3]
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((ifname, 0))
mac = s.getsockname()[4][:6]
sip, tip = socket.inet_aton(sender), socket.inet_aton(target)
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, sip, b"\0" * 6, tip)
frame = b"\xff" * 6 + mac + b"\x08\x06" + arp + b"\0" * 18
end = time.monotonic() + timeout
next_send = 0.0
while True:
    now = time.monotonic()
    if now >= end:
        sys.exit(1)
    if now >= next_send:
        s.send(frame)
        next_send = now + 0.2
    r, _, _ = select.select([s], [], [], min(end, next_send) - now)
    if not r:
        continue
    pkt = s.recv(2048)
    if len(pkt) < 42:
        continue
    op, smac, spa, tha, tpa = struct.unpack("!6xH6s4s6s4s", pkt[14:42])
    if op == 2 and spa == tip and tpa == sip:
        print("reply from %s (%s)" % (target, smac.hex(":")))
        sys.exit(0)

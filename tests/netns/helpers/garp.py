#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A peer that announces itself: a gratuitous ARP request (sender = target = ADDR) on IFACE every
# INTERVAL seconds, for at most DURATION seconds. Stands in for arping -U (iputils-arping).
#   garp.py IFACE ADDR [INTERVAL] [DURATION]
import socket
import struct
import sys
import time

ifname, addr = sys.argv[1], sys.argv[2]
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.3
duration = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
s.bind((ifname, 0))
mac = s.getsockname()[4][:6]
ip = socket.inet_aton(addr)
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, mac, ip, b"\0" * 6, ip)
frame = b"\xff" * 6 + mac + b"\x08\x06" + arp + b"\0" * 18
end = time.monotonic() + duration
while time.monotonic() < end:
    try:
        s.send(frame)
    except OSError:
        pass  # no carrier yet: the host's end is down
    time.sleep(interval)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# One DNS query over UDP, or TCP with --tcp (standard library only):
#   dns-query.py [--tcp] SERVER NAME [TIMEOUT_S]
# SERVER is an IPv4 or an IPv6 address.
# Prints "rcode N answers M [A a.b.c.d]..." and exits 0, or prints "no answer" and exits 3.
import random
import socket
import struct
import sys

args = sys.argv[1:]
tcp = bool(args) and args[0] == "--tcp"
if tcp:
    args = args[1:]
server, name = args[0], args[1]
timeout = float(args[2]) if len(args) > 2 else 2.0
tid = random.randrange(65536)
query = struct.pack(">HHHHHH", tid, 0x0100, 1, 0, 0, 0)
for label in name.split("."):
    query += bytes([len(label)]) + label.encode()
query += b"\0" + struct.pack(">HH", 1, 1)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionResetError()
        buf += chunk
    return buf


family = socket.AF_INET6 if ":" in server else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
s.settimeout(timeout)
try:
    s.connect((server, 53))  # UDP connected: an ICMP port unreachable is reported at once
    if tcp:
        s.sendall(struct.pack(">H", len(query)) + query)
        (length,) = struct.unpack(">H", recv_exact(s, 2))
        data = recv_exact(s, length)
    else:
        s.send(query)
        data = s.recv(4096)
except (socket.timeout, ConnectionRefusedError, OSError) as e:
    print("no answer (%s)" % e.__class__.__name__)
    sys.exit(3)
rid, flags, qd, an, ns, ar = struct.unpack(">HHHHHH", data[:12])
if rid != tid:
    print("no answer (wrong id)")
    sys.exit(3)
out = ["rcode %d answers %d" % (flags & 15, an)]
p = 12
for _ in range(qd):
    while data[p]:
        p += data[p] + 1
    p += 5
for _ in range(an):
    if data[p] & 0xC0 == 0xC0:
        p += 2
    else:
        while data[p]:
            p += data[p] + 1
        p += 1
    rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", data[p:p + 10])
    p += 10
    if rtype == 1:
        out.append("A " + socket.inet_ntoa(data[p:p + 4]))
    p += rdlen
print(" ".join(out))

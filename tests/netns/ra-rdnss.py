#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The router advertisements on a link, as a device sees them (standard library only):
#   ra-rdnss.py IFNAME [TIMEOUT_S]
# Sends a router solicitation on IFNAME, waits for a router advertisement and prints
# "prefix P/L" for each prefix information option and "rdnss A" for each address of each
# RDNSS option (RFC 8106), then exits 0; "no advertisement" and exit 3 when none came.
import socket
import struct
import sys
import time

ifname = sys.argv[1]
timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
ifindex = socket.if_nametoindex(ifname)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
# Join all-nodes on this link: unsolicited advertisements go there.
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
             socket.inet_pton(socket.AF_INET6, "ff02::1") + struct.pack("@I", ifindex))
# Router solicitation: type 133, code 0, checksum (the kernel's), reserved.
s.sendto(struct.pack("!BBHI", 133, 0, 0, 0), ("ff02::2", 0, 0, ifindex))
end = time.monotonic() + timeout
while True:
    left = end - time.monotonic()
    if left <= 0:
        print("no advertisement")
        sys.exit(3)
    s.settimeout(left)
    try:
        data, _ = s.recvfrom(4096)
    except socket.timeout:
        continue
    if len(data) < 16 or data[0] != 134:
        continue
    out = []
    p = 16
    while p + 2 <= len(data):
        kind, length = data[p], data[p + 1] * 8
        if length == 0 or p + length > len(data):
            break
        opt = data[p:p + length]
        if kind == 3 and length == 32:
            out.append("prefix %s/%d" % (socket.inet_ntop(socket.AF_INET6, opt[16:32]), opt[2]))
        elif kind == 25:
            for a in range(8, length, 16):
                out.append("rdnss " + socket.inet_ntop(socket.AF_INET6, opt[a:a + 16]))
        p += length
    print("\n".join(out))
    sys.exit(0)

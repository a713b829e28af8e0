#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""frames.py IFACE OUT: count the frames IFACE receives (not those it sends), by EtherType,
until SIGTERM or SIGINT, then write OUT (IFACE "any": every interface of the namespace but lo,
including one moved into it later):

    ipv4 N
    arp N
    ipv6 N
    other N
    frame ipv6 SRC-MAC DST-MAC NEXT-HEADER [ICMPV6-TYPE]     (the first 20 IPv6 frames)

OUT.ready appears once the socket listens. An AF_PACKET socket sees every frame the link
receives, whatever the namespace's own IPv6 settings: a token with IPv6 off still gets them."""
import os
import signal
import socket
import struct
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def main():
    ifname, out = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    if ifname != "any":
        s.bind((ifname, 0))
    counts = {"ipv4": 0, "arp": 0, "ipv6": 0, "other": 0}
    v6 = []
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    s.settimeout(0.2)
    open(out + ".ready", "w").close()
    while not stop:
        try:
            data, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if addr[2] == PACKET_OUTGOING or addr[0] == "lo" or len(data) < 14:
            continue
        etype = struct.unpack("!H", data[12:14])[0]
        if etype == 0x0800:
            counts["ipv4"] += 1
        elif etype == 0x0806:
            counts["arp"] += 1
        elif etype == 0x86DD:
            counts["ipv6"] += 1
            if len(v6) < 20:
                mac = lambda b: ":".join("%02x" % x for x in b)
                nh = data[20] if len(data) > 20 else -1
                # ICMPv6 right after the header, or after a hop-by-hop header (MLD)
                off, icmp = 54, ""
                if nh == 0 and len(data) > off + 1:
                    nh2, hlen = data[off], (data[off + 1] + 1) * 8
                    if nh2 == 58 and len(data) > off + hlen:
                        icmp = str(data[off + hlen])
                    nh = "0/%d" % nh2
                elif nh == 58 and len(data) > off:
                    icmp = str(data[off])
                v6.append("frame ipv6 %s %s %s %s" % (mac(data[6:12]), mac(data[0:6]), nh, icmp))
        else:
            counts["other"] += 1
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        for k in ("ipv4", "arp", "ipv6", "other"):
            f.write("%s %d\n" % (k, counts[k]))
        for line in v6:
            f.write(line.rstrip() + "\n")
    os.rename(tmp, out)


if __name__ == "__main__":
    main()

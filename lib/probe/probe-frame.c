/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsing what the link brings to discover: Ethernet frames from a device we do not trust.
 * Every length is checked before it is used; a frame that lies about a length we need is
 * -EBADMSG, never a read past its end. Pure: the fuzz target calls it on any bytes.
 */
#include <errno.h>
#include <string.h>

#include "probe/probe.h"

#define ETH_HLEN_ 14
#define ETHERTYPE_ARP_ 0x0806
#define ETHERTYPE_IPV4_ 0x0800
#define ETHERTYPE_IPV6_ 0x86dd

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int parse_arp(const uint8_t *p, size_t len, struct frame_info *f)
{
	/* Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4. */
	if (len < 28)
		return -EBADMSG;
	if (be16(p) != 1 || be16(p + 2) != ETHERTYPE_IPV4_ || p[4] != 6 || p[5] != 4)
		return -EBADMSG;
	f->arp_op = be16(p + 6);
	memcpy(f->arp_sha, p + 8, 6);
	memcpy(&f->arp_spa, p + 14, 4);
	memcpy(f->arp_tha, p + 18, 6);
	memcpy(&f->arp_tpa, p + 24, 4);
	f->kind = FRAME_ARP;
	return 0;
}

static int parse_ipv4(const uint8_t *p, size_t len, struct frame_info *f)
{
	size_t ihl, tot;

	if (len < 20 || (p[0] >> 4) != 4)
		return -EBADMSG;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = be16(p + 2);
	/* Ethernet pads short frames: the IP length rules, but it must fit in the frame. */
	if (ihl < 20 || tot < ihl || tot > len)
		return -EBADMSG;
	memcpy(&f->ip_src, p + 12, 4);
	memcpy(&f->ip_dst, p + 16, 4);
	f->ip_proto = p[9];
	f->kind = FRAME_IPV4;
	/* A fragment other than the first has no UDP header of its own. */
	if (f->ip_proto == 17 && (be16(p + 6) & 0x1fff) == 0) {
		const uint8_t *u = p + ihl;
		size_t ulen = tot - ihl, declared;

		if (ulen < 8)
			return -EBADMSG;
		declared = be16(u + 4);
		if (declared < 8 || declared > ulen)
			return -EBADMSG;
		f->udp = true;
		f->udp_sport = be16(u);
		f->udp_dport = be16(u + 2);
		f->udp_payload = u + 8;
		f->udp_len = declared - 8;
	}
	return 0;
}

static int parse_ipv6(const uint8_t *p, size_t len, struct frame_info *f)
{
	if (len < 40 || (p[0] >> 4) != 6)
		return -EBADMSG;
	memcpy(&f->ip6_src, p + 8, 16);
	f->kind = FRAME_IPV6;
	return 0;
}

int frame_parse(const uint8_t *frame, size_t len, struct frame_info *ret)
{
	struct frame_info f;
	uint16_t type;
	int r;

	memset(&f, 0, sizeof(f));
	if (!frame || len < ETH_HLEN_)
		return -EBADMSG;
	memcpy(f.dst_mac, frame, 6);
	memcpy(f.src_mac, frame + 6, 6);
	type = be16(frame + 12);
	frame += ETH_HLEN_;
	len -= ETH_HLEN_;
	switch (type) {
	case ETHERTYPE_ARP_:
		r = parse_arp(frame, len, &f);
		break;
	case ETHERTYPE_IPV4_:
		r = parse_ipv4(frame, len, &f);
		break;
	case ETHERTYPE_IPV6_:
		r = parse_ipv6(frame, len, &f);
		break;
	default:
		f.kind = FRAME_OTHER; /* VLAN-tagged and the rest: only the MAC is used */
		r = 0;
		break;
	}
	if (r < 0)
		return r;
	*ret = f;
	return 0;
}

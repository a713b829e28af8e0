/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DHCP for discover: one DHCPDISCOVER, and the parsing of what answers it. An OFFER means the
 * peer serves DHCP; discover reports the server and the offered address and stops there: it
 * never sends a REQUEST, so no lease is taken and the server keeps nothing but its offer.
 * Both are pure; the frame is sent on discover's packet socket, bound to the interface.
 */
#include <errno.h>
#include <string.h>

#include "core/checksum.h"
#include "probe/probe.h"

#define BOOTP_LEN 300 /* fixed part (236) + cookie + options, padded as RFC 1542 asks */
#define DHCP_COOKIE 0x63825363u

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

size_t dhcp_build_discover(uint8_t frame[DHCP_FRAME_MAX], const uint8_t mac[PROBE_ETH_ALEN],
			   uint32_t xid, uint16_t secs)
{
	uint8_t *ip = frame + 14, *udp = ip + 20, *b = udp + 8, *o;
	const size_t udp_len = 8 + BOOTP_LEN;

	memset(frame, 0, DHCP_FRAME_MAX);
	memset(frame, 0xff, 6);
	memcpy(frame + 6, mac, 6);
	put16(frame + 12, 0x0800);

	b[0] = 1; /* BOOTREQUEST */
	b[1] = 1; /* Ethernet */
	b[2] = 6;
	put32(b + 4, xid);
	put16(b + 8, secs);
	put16(b + 10, 0x8000); /* broadcast: we have no address to receive a unicast on */
	memcpy(b + 28, mac, 6);
	put32(b + 236, DHCP_COOKIE);
	o = b + 240;
	*o++ = 53, *o++ = 1, *o++ = 1; /* DHCPDISCOVER */
	*o++ = 61, *o++ = 7, *o++ = 1; /* client identifier: the MAC */
	memcpy(o, mac, 6);
	o += 6;
	*o++ = 55, *o++ = 2, *o++ = 1, *o++ = 54; /* ask for the mask; the server id comes anyway */
	*o++ = 255;

	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, (uint16_t)udp_len);
	/* UDP checksum 0: none (allowed for IPv4) */

	ip[0] = 0x45;
	ip[1] = 0x10; /* low delay, as DHCP clients do */
	put16(ip + 2, (uint16_t)(20 + udp_len));
	ip[8] = 64;
	ip[9] = 17;
	/* source 0.0.0.0, destination 255.255.255.255 */
	memset(ip + 16, 0xff, 4);
	put16(ip + 10, inet_checksum(ip, 20));
	return 14 + 20 + udp_len;
}

static uint8_t mask_to_prefix(const uint8_t m[4])
{
	uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	uint8_t n = 0;

	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	/* A mask with holes is no prefix at all. */
	if (n < 32 && (v << n) != 0)
		return 0;
	return n;
}

int dhcp_parse_offer(const uint8_t *b, size_t len, uint32_t xid, const uint8_t mac[PROBE_ETH_ALEN],
		     struct dhcp_offer *ret)
{
	struct dhcp_offer offer = {};
	int type = -1;
	size_t i;

	if (!b || len < 240)
		return -EBADMSG;
	if (b[0] != 2 || b[1] != 1 || b[2] != 6)
		return -ENOMSG; /* not a BOOTREPLY for Ethernet */
	if (((uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7]) != xid ||
	    memcmp(b + 28, mac, 6) != 0)
		return -ENOMSG;
	if (((uint32_t)b[236] << 24 | (uint32_t)b[237] << 16 | (uint32_t)b[238] << 8 | b[239]) !=
	    DHCP_COOKIE)
		return -EBADMSG;
	memcpy(&offer.yiaddr, b + 16, 4);
	/* Options: code, length, value; pad (0) and end (255) have no length. Every length is
	 * checked against what is left; overloaded sname/file fields are not read. */
	for (i = 240; i < len;) {
		uint8_t code = b[i], olen;

		if (code == 0) {
			i++;
			continue;
		}
		if (code == 255)
			break;
		if (i + 1 >= len)
			return -EBADMSG;
		olen = b[i + 1];
		if (i + 2 + olen > len)
			return -EBADMSG;
		switch (code) {
		case 53:
			if (olen != 1)
				return -EBADMSG;
			type = b[i + 2];
			break;
		case 54:
			if (olen != 4)
				return -EBADMSG;
			memcpy(&offer.server_id, b + i + 2, 4);
			break;
		case 1:
			if (olen != 4)
				return -EBADMSG;
			offer.prefix = mask_to_prefix(b + i + 2);
			break;
		default:
			break;
		}
		i += 2 + (size_t)olen;
	}
	if (type != 2)
		return type < 0 ? -EBADMSG : -ENOMSG;
	*ret = offer;
	return 0;
}

int dhcp_parse_client(const uint8_t *b, size_t len, uint8_t ret_mac[PROBE_ETH_ALEN])
{
	int type = -1;
	size_t i;

	if (!b || len < 240)
		return -EBADMSG;
	if (b[0] != 1 || b[1] != 1 || b[2] != 6)
		return -ENOMSG; /* not a BOOTREQUEST from Ethernet */
	if (((uint32_t)b[236] << 24 | (uint32_t)b[237] << 16 | (uint32_t)b[238] << 8 | b[239]) !=
	    DHCP_COOKIE)
		return -EBADMSG;
	for (i = 240; i < len;) {
		uint8_t code = b[i], olen;

		if (code == 0) {
			i++;
			continue;
		}
		if (code == 255)
			break;
		if (i + 1 >= len)
			return -EBADMSG;
		olen = b[i + 1];
		if (i + 2 + olen > len)
			return -EBADMSG;
		if (code == 53) {
			if (olen != 1)
				return -EBADMSG;
			type = b[i + 2];
		}
		i += 2 + (size_t)olen;
	}
	if (type != 1 && type != 3)
		return type < 0 ? -EBADMSG : -ENOMSG;
	memcpy(ret_mac, b + 28, PROBE_ETH_ALEN);
	return 0;
}

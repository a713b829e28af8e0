/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What discover asks for, and what up --auto makes of the answers. Pure.
 *
 * The host's address for a found peer: the profile's host address when the peer's address is
 * a profile's device address (a silent 192.168.2.15 is a Maemo tablet or an N900: the host is
 * .14); else the lowest address in the peer's subnet that nobody answers for (up-auto.c checks
 * each with an ARP probe), the subnet assumed /24 (/16 in 169.254/16) since a device does not
 * say its prefix; else, with no IPv4 found, an RFC 3927 link-local address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "probe/probe.h"
#include "updown/up-auto.h"
#include "peer/profiles.h"

static const char *const choice_names[] = {
	[AUTO_NONE] = "none",
	[AUTO_PROFILE] = "profile",
	[AUTO_LOWEST_FREE] = "lowest-free",
	[AUTO_LINK_LOCAL] = "link-local",
	[AUTO_DHCP] = "dhcp",
	[AUTO_DHCP_SERVER] = "dhcp-server",
};

const char *auto_choice_name(enum auto_choice c)
{
	if ((unsigned)c >= sizeof(choice_names) / sizeof(choice_names[0]))
		return "none";
	return choice_names[c];
}

int auto_choice_from_name(const char *s, enum auto_choice *ret)
{
	for (unsigned i = AUTO_PROFILE; i < sizeof(choice_names) / sizeof(choice_names[0]); i++)
		if (s && strcmp(s, choice_names[i]) == 0) {
			*ret = (enum auto_choice)i;
			return 0;
		}
	return -EINVAL;
}

/* The peer's own words first: it answered for the address, or announced it. */
static int method_rank(enum usbnet_probe_method m)
{
	switch (m) {
	case USBNET_FOUND_ARP_PROBE:
	case USBNET_FOUND_ARP_SWEEP:
		return 0;
	case USBNET_FOUND_ARP_ANNOUNCE:
		return 1;
	case USBNET_FOUND_ARP_REQUEST:
		return 2;
	case USBNET_FOUND_IPV4_TRAFFIC:
		return 3;
	case USBNET_FOUND_DHCP_OFFER:
		return 4;
	default:
		return 9;
	}
}

static bool usable_peer(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return h != 0 && (h >> 24) != 127 && h < 0xe0000000u;
}

const struct usbnet_finding *auto_peer_finding(const struct usbnet_probe_result *r)
{
	const struct usbnet_finding *best = NULL;

	for (size_t i = 0; i < r->n_findings && i < USBNET_MAX_FINDINGS; i++) {
		const struct usbnet_finding *f = &r->findings[i];

		if (!f->has_ipv4 || !usable_peer(f->ipv4) || method_rank(f->method) > 3)
			continue;
		if (!best || method_rank(f->method) < method_rank(best->method))
			best = f;
	}
	return best;
}

const struct usbnet_finding *auto_dhcp_finding(const struct usbnet_probe_result *r)
{
	for (size_t i = 0; i < r->n_findings && i < USBNET_MAX_FINDINGS; i++)
		if (r->findings[i].method == USBNET_FOUND_DHCP_OFFER)
			return &r->findings[i];
	return NULL;
}

const struct usbnet_finding *auto_dhcp_client_finding(const struct usbnet_probe_result *r)
{
	for (size_t i = 0; i < r->n_findings && i < USBNET_MAX_FINDINGS; i++)
		if (r->findings[i].method == USBNET_FOUND_DHCP_CLIENT)
			return &r->findings[i];
	return NULL;
}

const char *auto_profile_for(struct in_addr peer, struct usbnet_ip4 *ret_host)
{
	for (size_t i = 0; i < n_profiles; i++) {
		const struct profile *p = &profiles[i];
		struct usbnet_ip4 pa, host;

		if (!p->peer || !p->host || p->serves_dhcp)
			continue;
		if (usbnet_ip4_parse(p->peer, false, &pa) < 0 || pa.addr.s_addr != peer.s_addr)
			continue;
		if (usbnet_ip4_parse(p->host, true, &host) < 0)
			continue;
		*ret_host = host;
		return p->id;
	}
	return NULL;
}

uint8_t auto_prefix_for(struct in_addr peer)
{
	return (ntohl(peer.s_addr) >> 16) == 0xa9fe ? 16 : 24;
}

int auto_candidate(struct in_addr peer, uint8_t prefix, unsigned i, struct usbnet_ip4 *ret)
{
	uint32_t p = ntohl(peer.s_addr), mask, net, last, h;

	if (prefix < 8 || prefix > 30)
		return -EINVAL;
	mask = ~0u << (32 - prefix);
	net = p & mask;
	last = net | ~mask; /* broadcast */
	h = net + 1 + i;
	if (p > net && p <= net + 1 + i)
		h++; /* skip the peer */
	if (h >= last || h < net + 1)
		return -ERANGE;
	ret->addr.s_addr = htonl(h);
	ret->prefix = prefix;
	return 0;
}

void auto_link_local(const uint8_t mac[PROBE_ETH_ALEN], unsigned attempt, struct usbnet_ip4 *ret)
{
	/* FNV-1a over the MAC and the attempt: RFC 3927 2.1 wants the MAC to seed it. */
	uint32_t x = 2166136261u;

	for (int i = 0; i < PROBE_ETH_ALEN; i++)
		x = (x ^ mac[i]) * 16777619u;
	for (int i = 0; i < 4; i++)
		x = (x ^ ((attempt >> (8 * i)) & 0xff)) * 16777619u;
	/* 169.254.1.0 - 169.254.254.255: 254 * 256 addresses */
	ret->addr.s_addr = htonl(0xa9fe0100u + x % (254u * 256u));
	ret->prefix = 16;
}

/*
 * The sweep: the first two hosts of the /24s that gadget images and board vendors commonly
 * pick, 192.168.N.0/24, 10.N.0.0/24 and 172.16.N.0/24 for every N (1536 ARP requests, sent
 * over about half a second). A silent peer outside these and the profiles is not found by
 * IPv4; IPv6 still sees it when it has IPv6 on.
 */
#define SWEEP_BLOCKS 3
#define SWEEP_PER_BLOCK 512

static size_t n_profile_targets(const char **ids, struct in_addr *addrs, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < n_profiles; i++) {
		struct usbnet_ip4 pa;
		bool seen = false;

		if (!profiles[i].peer || usbnet_ip4_parse(profiles[i].peer, false, &pa) < 0)
			continue;
		for (size_t j = 0; j < n; j++)
			seen |= addrs[j].s_addr == pa.addr.s_addr;
		if (seen || n >= max)
			continue;
		ids[n] = profiles[i].id;
		addrs[n++] = pa.addr;
	}
	return n;
}

int probe_target(unsigned i, struct in_addr *ret, const char **ret_profile)
{
	const char *ids[64];
	struct in_addr addrs[64];
	size_t np = n_profile_targets(ids, addrs, 64);
	unsigned k, n, host;
	uint32_t a;

	if (i < np) {
		*ret = addrs[i];
		*ret_profile = ids[i];
		return 0;
	}
	k = i - (unsigned)np;
	if (k >= SWEEP_BLOCKS * SWEEP_PER_BLOCK)
		return -ERANGE;
	n = (k % SWEEP_PER_BLOCK) / 2;
	host = 1 + k % 2;
	switch (k / SWEEP_PER_BLOCK) {
	case 0:
		a = 0xc0a80000u | n << 8 | host; /* 192.168.N.h */
		break;
	case 1:
		a = 0x0a000000u | n << 16 | host; /* 10.N.0.h */
		break;
	default:
		a = 0xac100000u | n << 8 | host; /* 172.16.N.h */
		break;
	}
	ret->s_addr = htonl(a);
	*ret_profile = NULL;
	return 0;
}

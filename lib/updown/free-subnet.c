/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Free addresses for peers that are DHCP clients (free-subnet.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "updown/free-subnet.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? ~0u << (32 - prefix) : 0;
}

/* Whether a and b (host order, with prefixes) overlap. */
static bool overlap(uint32_t a, unsigned pa, uint32_t b, unsigned pb)
{
	uint32_t m = mask_of(pa < pb ? pa : pb);

	return (a & m) == (b & m);
}

struct taken {
	struct nl_addr_entry *addrs, *routes;
	size_t n_addrs, n_routes;
};

static int taken_load(struct usbnet_ctx *ctx, const struct usbnet_backends *be, struct taken *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	r = be->nl->addr_list(be->nl_h, 0, &t->addrs, &t->n_addrs);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot list the host's addresses: %s", strerror(-r));
	if (be->nl->route_dst_list) {
		r = be->nl->route_dst_list(be->nl_h, &t->routes, &t->n_routes);
		if (r < 0) {
			free(t->addrs);
			return ctx_fail(ctx, r, "cannot list the host's routes: %s", strerror(-r));
		}
	}
	return 0;
}

static void taken_free(struct taken *t)
{
	free(t->addrs);
	free(t->routes);
}

int free_subnet_for_client(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			   int own_ifindex, struct usbnet_ip4 *ret_host, struct in_addr *ret_peer)
{
	struct taken t;
	int r;

	r = taken_load(ctx, be, &t);
	if (r < 0)
		return r;
	for (unsigned n = DHCP_CLIENT_NET_FIRST; n < 256; n++) {
		uint32_t net = 0x0a2a0000u | n << 8; /* 10.42.N.0 */
		bool used = false;

		for (size_t i = 0; i < t.n_addrs && !used; i++)
			used = t.addrs[i].ifindex != own_ifindex &&
			       overlap(net, 24, ntohl(t.addrs[i].ip.addr.s_addr), t.addrs[i].ip.prefix);
		for (size_t i = 0; i < t.n_routes && !used; i++)
			used = (t.routes[i].ifindex != own_ifindex || own_ifindex <= 0) &&
			       overlap(net, 24, ntohl(t.routes[i].ip.addr.s_addr), t.routes[i].ip.prefix);
		if (used)
			continue;
		ret_host->addr.s_addr = htonl(net | 1);
		ret_host->prefix = 24;
		ret_peer->s_addr = htonl(net | 2);
		taken_free(&t);
		return 0;
	}
	taken_free(&t);
	return ctx_fail(ctx, -EADDRNOTAVAIL,
			"no free /24 in 10.42.%d.0 to 10.42.255.0 for a DHCP client: every one "
			"meets an address or a route of the host; pass --address and --peer",
			DHCP_CLIENT_NET_FIRST);
}

int free_shared_peer(struct usbnet_ctx *ctx, const struct usbnet_backends *be, int own_ifindex,
		     const struct usbnet_ip4 *host, struct in_addr *ret_peer)
{
	uint32_t h = ntohl(host->addr.s_addr), m = mask_of(host->prefix);
	struct taken t;
	int r;

	if (host->prefix < 8 || host->prefix > 30)
		return ctx_fail(ctx, -EINVAL, "a shared host address needs a /8 to /30");
	r = taken_load(ctx, be, &t);
	if (r < 0)
		return r;
	for (uint32_t c = (h & m) + 1; c < ((h & m) | ~m); c++) {
		bool used = c == h;

		for (size_t i = 0; i < t.n_addrs && !used; i++)
			used = ntohl(t.addrs[i].ip.addr.s_addr) == c;
		/* Another link's host route to its peer: that peer's address. */
		for (size_t i = 0; i < t.n_routes && !used; i++)
			used = t.routes[i].ifindex != own_ifindex && t.routes[i].ip.prefix > 24 &&
			       overlap(c, 32, ntohl(t.routes[i].ip.addr.s_addr), t.routes[i].ip.prefix);
		if (used)
			continue;
		ret_peer->s_addr = htonl(c);
		taken_free(&t);
		return 0;
	}
	taken_free(&t);
	return ctx_fail(ctx, -EADDRNOTAVAIL, "no free peer address left beside the shared host "
					     "address");
}

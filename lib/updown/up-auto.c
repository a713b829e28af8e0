/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * up --auto (mode=auto): discover the peer on a link that up has set up, then choose the
 * host's address (probe-choice.c says how) and check by ARP that nobody has it:
 *
 *   1. the peer serves DHCP (an offer came): NetworkManager takes the lease, under up's DHCP
 *      profile (no default route, routes or DNS unless the [peer] group trusts it);
 *   2. the peer's IPv4 address is a profile's device address: that profile's host address;
 *   3. any other IPv4 address: the lowest free address of its /24 (/16 in 169.254/16);
 *   4. the peer asks for a lease (DHCPDISCOVER): the first 10.42.N.0/24 that no address or
 *      route of the host touches (free-subnet.c), the host .1, the peer .2 by our DHCP server;
 *      before its own IPv4 words: a peer that asks for an address is not using the one it has;
 *   5. no IPv4 address found: an RFC 3927 link-local address, 169.254/16, no peer to check.
 *
 * The record says which ("discovered METHOD CHOICE"), so that show and a later up know the
 * address was discovered, and how.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"
#include "updown/free-subnet.h"
#include "updown/up-auto.h"

#define AUTO_ARP_WAIT_MS 300  /* per candidate: see arp_addr_in_use() */
#define AUTO_MAX_CANDIDATES 8 /* addresses tried before giving up */

static int in_use(struct usbnet_ctx *ctx, const struct usbnet_backends *be, int ifindex,
		  const char *ifname, const struct usbnet_ip4 *ip)
{
	char s[32];
	int r = be->probe->addr_in_use(be->probe_h, ifindex, ifname, ip->addr, AUTO_ARP_WAIT_MS);

	usbnet_ip4_format(ip, s, sizeof(s));
	if (r < 0)
		return ctx_fail(ctx, r, "could not check whether %s is free on %s: %s", s, ifname,
				strerror(-r));
	ctx_log(ctx, USBNET_LOG_INFO, "%s: %s is %s", ifname, s, r ? "in use" : "free");
	return r;
}

int up_auto_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be, int ifindex,
		    const char *ifname, unsigned timeout_ms, unsigned carrier_wait_ms,
		    struct usbnet_plan *plan, struct up_auto_outcome *ret)
{
	struct probe_request req = { .ifindex = ifindex, .timeout_ms = timeout_ms,
				     .carrier_wait_ms = carrier_wait_ms, .target = probe_target };
	struct usbnet_probe_result res;
	const struct usbnet_finding *peer, *dhcp, *client;
	struct up_auto_outcome out = {};
	struct usbnet_ip4 host;
	uint8_t mac[PROBE_ETH_ALEN] = {};
	char ps[INET_ADDRSTRLEN];
	const char *profile;
	int r;

	if (!be->probe)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: discovery is not available", ifname);
	snprintf(req.ifname, sizeof(req.ifname), "%s", ifname);
	req.progress = ctx->progress_fn;
	req.progress_data = ctx->progress_data;
	r = be->probe->run(be->probe_h, &req, &res);
	if (r < 0)
		return ctx_fail(ctx, r, "could not probe %s: %s", ifname, strerror(-r));
	out.n_findings = res.n_findings;
	out.elapsed_ms = res.elapsed_ms;

	dhcp = auto_dhcp_finding(&res);
	peer = auto_peer_finding(&res);
	if (dhcp) {
		out.choice = AUTO_DHCP;
		out.method = USBNET_FOUND_DHCP_OFFER;
		plan->has_host = false;
		plan->has_peer = true;
		plan->peer = dhcp->ipv4;
		plan->peer_serves_dhcp = true;
		goto done;
	}
	client = auto_dhcp_client_finding(&res);
	if (client) {
		out.method = USBNET_FOUND_DHCP_CLIENT;
		r = free_subnet_for_client(ctx, be, ifindex, &host, &plan->peer);
		if (r < 0)
			return r;
		out.choice = AUTO_DHCP_SERVER;
		plan->has_host = true;
		plan->host = host;
		plan->has_peer = true;
		plan->dhcp_server = true;
		goto done;
	}
	if (peer) {
		out.method = peer->method;
		plan->has_peer = true;
		plan->peer = peer->ipv4;
		inet_ntop(AF_INET, &peer->ipv4, ps, sizeof(ps));
		profile = auto_profile_for(peer->ipv4, &host);
		if (profile) {
			out.choice = AUTO_PROFILE;
			snprintf(plan->profile, sizeof(plan->profile), "%s", profile);
			plan->has_host = true;
			plan->host = host;
			goto done;
		}
		for (unsigned i = 0; i < AUTO_MAX_CANDIDATES; i++) {
			if (auto_candidate(peer->ipv4, auto_prefix_for(peer->ipv4), i, &host) < 0)
				break;
			r = in_use(ctx, be, ifindex, ifname, &host);
			if (r < 0)
				return r;
			if (r == 0) {
				out.choice = AUTO_LOWEST_FREE;
				plan->has_host = true;
				plan->host = host;
				goto done;
			}
		}
		return ctx_fail(ctx, -EADDRNOTAVAIL,
				"the peer on %s is %s, but the first %d addresses of its subnet are "
				"in use; pass --address",
				ifname, ps, AUTO_MAX_CANDIDATES);
	}
	/* No IPv4 address: link-local, seeded by the host's MAC (RFC 3927 2.1). */
	out.method = 0;
	link_mac(ifname, mac);
	plan->has_peer = false;
	for (unsigned i = 0; i < AUTO_MAX_CANDIDATES; i++) {
		auto_link_local(mac, i, &host);
		r = in_use(ctx, be, ifindex, ifname, &host);
		if (r < 0)
			return r;
		if (r == 0) {
			out.choice = AUTO_LINK_LOCAL;
			plan->has_host = true;
			plan->host = host;
			goto done;
		}
	}
	return ctx_fail(ctx, -EADDRNOTAVAIL, "no free link-local address on %s after %d tries",
			ifname, AUTO_MAX_CANDIDATES);
done:
	snprintf(out.discovered, sizeof(out.discovered), "%s %s",
		 out.method ? usbnet_probe_method_name(out.method) : "none",
		 auto_choice_name(out.choice));
	*ret = out;
	return 0;
}

bool up_auto_adopt(const char *discovered, const struct usbnet_status *st,
		   struct usbnet_plan *plan, enum auto_choice *ret_choice)
{
	char method[32], choice[24];
	enum auto_choice c;

	if (!discovered[0] || sscanf(discovered, "%31s %23s", method, choice) != 2 ||
	    auto_choice_from_name(choice, &c) < 0)
		return false;
	plan->has_host = st->has_host;
	plan->host = st->host;
	plan->has_peer = st->has_peer;
	plan->peer = st->peer;
	if (c == AUTO_DHCP_SERVER)
		plan->dhcp_server = true;
	*ret_choice = c;
	return true;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A peer that ARP-asks for the host's address from an address outside the link's subnet (the
 * Raspberry Pi gadget asks for 10.42.0.1 from its shared-mode 10.12.194.1; plan.probe_from).
 * Linux answers an ARP request only when reverse-path filtering accepts its sender: the
 * effective rp_filter of the link (the higher of all's and the link's) must not be 1 (strict:
 * the sender reached back through this very link), and with 2 (loose) some route must reach
 * the sender. So: the link's rp_filter loosened to 2 when it would be strict (step rpfilter),
 * and a link route to the prefix (step route-metric, its metric the link's ifindex: several
 * Pis at once each hold one). The route is left out when the host has a route or an address
 * of its own in or around that prefix (its own network, a VPN): it would take that traffic,
 * and loose mode finds that route anyway.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias/alias.h"
#include "netlink/steps.h"
#include "updown/isolate.h"
#include "updown/modes.h"

static bool overlaps(const struct usbnet_ip4 *a, const struct usbnet_ip4 *b)
{
	unsigned p = a->prefix < b->prefix ? a->prefix : b->prefix;
	uint32_t m = p ? htonl(~0u << (32 - p)) : 0;

	return (a->addr.s_addr & m) == (b->addr.s_addr & m);
}

/* 1 with what holds the prefix in buf, 0 when nothing does, -errno. Left out: the default
 * route (what an offline host lacks), this link, and another peer's own route to it (another
 * Pi's route-metric step: the same prefix, on a peer link of ours). */
static int probe_from_taken(struct up_run *u, char *buf, size_t len)
{
	const struct usbnet_backends *be = u->be;
	const struct usbnet_ip4 *pf = &u->plan.probe_from;
	struct nl_route_entry *routes = NULL;
	struct nl_addr_entry *addrs = NULL;
	size_t n = 0;
	char s[32];
	int r, found = 0;

	r = be->nl->addr_list(be->nl_h, 0, &addrs, &n);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot list the host's addresses: %s", strerror(-r));
	for (size_t i = 0; i < n && !found; i++) {
		struct usbnet_ip4 one = {.addr = addrs[i].ip.addr, .prefix = 32};

		if (addrs[i].ifindex == u->link.ifindex || !overlaps(&one, pf))
			continue;
		snprintf(buf, len, "the host's address %s on %s",
			 usbnet_ip4_format(&addrs[i].ip, s, sizeof(s)),
			 addrs[i].ifname[0] ? addrs[i].ifname : "another interface");
		found = 1;
	}
	free(addrs);
	if (found || !be->nl->route_list)
		return found;
	r = be->nl->route_list(be->nl_h, &routes, &n);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot list the host's routes: %s", strerror(-r));
	for (size_t i = 0; i < n && !found; i++) {
		const struct nl_route_entry *e = &routes[i];

		if (e->dst.prefix == 0 || e->ifindex == u->link.ifindex || !overlaps(&e->dst, pf))
			continue;
		if (e->dst.prefix == pf->prefix && !e->has_gw && e->ifname[0]) {
			r = isolate_clash_kind(u->ctx, e->ifname);
			if (r < 0) {
				free(routes);
				return r;
			}
			if (r != CLASH_OTHER)
				continue;
		}
		snprintf(buf, len, "the host's route to %s%s%s",
			 usbnet_ip4_format(&e->dst, s, sizeof(s)), e->ifname[0] ? " on " : "",
			 e->ifname);
		found = 1;
	}
	free(routes);
	return found;
}

int probe_from_steps(struct up_run *u)
{
	struct step_rpfilter rp = {.before = 0};
	struct step_route_metric rt = {.dst = u->plan.probe_from, .metric = 0};
	char what[160], s[32];
	int r;

	u->probe_note[0] = '\0';
	if (!u->plan.has_probe_from)
		return 0;
	/* Backends without policy routing or full routes (tests' fakes) make neither. */
	if (u->be->alias) {
		r = journal_apply(&u->env, &step_rpfilter, &rp);
		if (r < 0)
			return r;
	}
	if (!u->be->br)
		return 0;
	r = probe_from_taken(u, what, sizeof(what));
	if (r < 0)
		return r;
	usbnet_ip4_format(&u->plan.probe_from, s, sizeof(s));
	if (r > 0) {
		snprintf(u->probe_note, sizeof(u->probe_note),
			 "no route to the peer's probe source %s: %s is in the way", s, what);
		ctx_log(u->ctx, USBNET_LOG_NOTICE, "%s: %s", u->ifname, u->probe_note);
		return 0;
	}
	rt.metric = (uint32_t)u->link.ifindex;
	r = journal_apply(&u->env, &step_route_metric, &rt);
	return r < 0 ? r : 0;
}

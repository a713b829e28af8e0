/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mode static: the host's address on the link (and a /32 route to a peer outside its subnet),
 * NetworkManager kept off, the link up; then does the peer answer? The address checks and the
 * steps are shared with gateway and auto.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "dns/dhcp-server.h"
#include "dns/dhcp-up.h"
#include "updown/free-subnet.h"
#include "netlink/steps.h"
#include "nm/steps.h"
#include "updown/isolate.h"
#include "updown/modes.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

static bool same_subnet(struct in_addr a, struct in_addr b, unsigned prefix)
{
	uint32_t m = mask_of(prefix);

	return (a.s_addr & m) == (b.s_addr & m);
}

/* Neither "this network" (0/8), loopback, multicast, reserved nor broadcast. */
static bool unicast_ok(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && h < 0xe0000000u;
}

static int validate_addresses(struct usbnet_ctx *ctx, const struct usbnet_plan *plan)
{
	const struct usbnet_ip4 *h = &plan->host;
	char hs[32], ps[INET_ADDRSTRLEN];
	uint32_t m = mask_of(h->prefix);

	usbnet_ip4_format(h, hs, sizeof(hs));
	if (!unicast_ok(h->addr))
		return ctx_fail_input(ctx, -EINVAL, "%s cannot be the host's address", hs);
	if (h->prefix == 0)
		return ctx_fail_input(ctx, -EINVAL, "%s: a /0 subnet would hold every address", hs);
	/* /31 and /32 have no network or broadcast address (RFC 3021). */
	if (h->prefix < 31 && (h->addr.s_addr & ~m) == 0)
		return ctx_fail_input(ctx, -EINVAL, "%s is the network address of its subnet", hs);
	if (h->prefix < 31 && (h->addr.s_addr & ~m) == ~m)
		return ctx_fail_input(ctx, -EINVAL, "%s is the broadcast address of its subnet", hs);
	if (!plan->has_peer)
		return 0;
	inet_ntop(AF_INET, &plan->peer, ps, sizeof(ps));
	if (!unicast_ok(plan->peer))
		return ctx_fail_input(ctx, -EINVAL, "%s cannot be the peer's address", ps);
	if (plan->peer.s_addr == h->addr.s_addr)
		return ctx_fail_input(ctx, -EINVAL, "the host and the peer cannot both be %s", ps);
	if (h->prefix < 31 && same_subnet(plan->peer, h->addr, h->prefix) &&
	    ((plan->peer.s_addr & ~m) == 0 || (plan->peer.s_addr & ~m) == ~m))
		return ctx_fail_input(ctx, -EINVAL,
				      "the peer's %s is the network or broadcast address of %s", ps, hs);
	return 0;
}

/* Two interfaces in one subnet: the kernel would send the peer's traffic through whichever
 * route comes first. Overlap is judged on the shorter of the two prefixes. */
/* 169.254.0.0/16 (RFC 3927): the same link-local prefix on several links is by design. */
static bool link_local(struct in_addr a)
{
	return (ntohl(a.s_addr) & 0xffff0000u) == 0xa9fe0000u;
}

/* The host's address as up puts it on the link: a /32 when it is shared by several links or
 * is link-local beside another link's link-local address (no subnet route: a /32 route to the
 * peer instead), else as planned. */
static unsigned host_prefix_on_link(const struct up_run *u)
{
	return u->plan.shared_host || u->link_local_beside ? 32 : u->plan.host.prefix;
}

static int check_clash(struct up_run *u, const struct nl_addr_entry *addrs, size_t n)
{
	const struct usbnet_ip4 *h = &u->plan.host;

	u->isolate = false;
	for (size_t i = 0; i < n; i++) {
		const struct nl_addr_entry *e = &addrs[i];
		unsigned p = e->ip.prefix < h->prefix ? e->ip.prefix : h->prefix;
		char hs[32], es[32];
		int kind;

		if (e->ifindex == u->link.ifindex || !same_subnet(e->ip.addr, h->addr, p))
			continue;
		/* Another link of the same shared host address (another Raspberry Pi's) */
		if (u->plan.shared_host && e->ip.prefix == 32 && e->ip.addr.s_addr == h->addr.s_addr)
			continue;
		/* Another peer of ours: an isolated one lives in a domain of its own (no clash);
		 * one at its plain address leaves this one a domain and an alias (static mode,
		 * the same subnet, a peer address to reach). */
		kind = isolate_clash_kind(u->ctx, e->ifname);
		if (kind < 0)
			return kind;
		if (kind == CLASH_ISOLATED)
			continue;
		/* A link-local address beside another link's (NetworkManager's
		 * ipv4.method=link-local, avahi-autoipd on eth0): 169.254/16 on several links is by
		 * design, an address means something on its own link only. This link gets the
		 * host's address alone and a /32 to the peer; the other keeps its subnet route. */
		if (kind == CLASH_OTHER && u->plan.has_peer && link_local(h->addr) &&
		    link_local(e->ip.addr) && e->ip.addr.s_addr != h->addr.s_addr &&
		    link_local(u->plan.peer)) {
			u->link_local_beside = true;
			u->link_local_route = true;
			continue;
		}
		if (kind == CLASH_PEER && u->plan.mode == USBNET_MODE_STATIC && u->plan.has_peer &&
		    u->be->alias && e->ip.prefix == h->prefix &&
		    same_subnet(u->plan.peer, h->addr, h->prefix)) {
			u->isolate = true;
			continue;
		}
		usbnet_ip4_format(h, hs, sizeof(hs));
		usbnet_ip4_format(&e->ip, es, sizeof(es));
		return ctx_fail_input(u->ctx, -EADDRINUSE,
				      "%s for %s clashes with %s on %s; nothing was changed: give this "
				      "peer another subnet (--address, or a [peer] group in the "
				      "configuration)",
				      hs, u->ifname, es, e->ifname[0] ? e->ifname : "another interface");
	}
	return 0;
}

/*
 * Another interface's gateway-less subnet route inside 169.254.0.0/16 (avahi-autoipd's and
 * NetworkManager's "169.254.0.0/16 dev eth0 metric 1000" on many desktops): a link-local
 * address means something on its own link only, so the peer's is not the host's on that
 * link; up reaches the peer by a /32 through its own link instead of the subnet route alone.
 */
static bool link_local_overlap(const struct usbnet_plan *plan, const struct nl_route_entry *e,
			       unsigned ours)
{
	return ours < 32 && link_local(plan->peer) && !e->has_gw && e->dst.prefix >= 16 &&
	       e->dst.prefix < 32 && link_local(e->dst.addr);
}

/*
 * The peer's address must be new to the host: not one of its own addresses, not the next hop
 * of one of its routes through another interface (the default gateway among them), and not
 * an address the host reaches through another interface by a route as specific as the one up
 * would add (the subnet's own route when the peer is in it, else a /32) or more: up's route
 * would either steal the host's traffic to it or never be used. A link-local peer beside
 * another link's link-local route is the exception (link_local_overlap).
 */
static int check_peer_new(struct up_run *u, const struct nl_addr_entry *addrs, size_t n)
{
	const struct usbnet_backends *be = u->be;
	const struct usbnet_plan *plan = &u->plan;
	struct nl_route_entry *routes = NULL;
	size_t n_routes = 0;
	unsigned ours;
	char ps[INET_ADDRSTRLEN], ds[32];
	int r = 0;

	if (!plan->has_peer)
		return 0;
	inet_ntop(AF_INET, &plan->peer, ps, sizeof(ps));
	for (size_t i = 0; i < n; i++)
		if (addrs[i].ip.addr.s_addr == plan->peer.s_addr)
			return ctx_fail_input(u->ctx, -EADDRINUSE,
					      "the peer's %s is the host's own address on %s; nothing "
					      "was changed: give the peer its own address (--peer)",
					      ps, addrs[i].ifname[0] ? addrs[i].ifname : "another interface");
	if (!be->nl->route_list)
		return 0;
	r = be->nl->route_list(be->nl_h, &routes, &n_routes);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot list the host's routes: %s", strerror(-r));
	ours = same_subnet(plan->peer, plan->host.addr, plan->host.prefix) ? plan->host.prefix : 32;
	for (size_t i = 0; i < n_routes && r == 0; i++) {
		const struct nl_route_entry *e = &routes[i];
		const char *via = e->ifname[0] ? e->ifname : "another interface";

		if (e->ifindex == u->link.ifindex)
			continue;
		usbnet_ip4_format(&e->dst, ds, sizeof(ds));
		if (e->has_gw && e->gw.s_addr == plan->peer.s_addr)
			r = ctx_fail_input(u->ctx, -EADDRINUSE,
					   "the peer's %s is the host's %s on %s (the next hop of its "
					   "route to %s); nothing was changed: give the peer another "
					   "address (--peer)",
					   ps, e->dst.prefix == 0 ? "default gateway" : "gateway", via,
					   e->dst.prefix == 0 ? "default" : ds);
		else if (e->dst.prefix >= ours && same_subnet(plan->peer, e->dst.addr, e->dst.prefix) &&
			 link_local_overlap(plan, e, ours))
			u->link_local_route = true;
		else if (e->dst.prefix >= ours && same_subnet(plan->peer, e->dst.addr, e->dst.prefix))
			r = ctx_fail_input(u->ctx, -EADDRINUSE,
					   "the host already reaches the peer's %s through %s (route %s, "
					   "as specific as the /%u route up would add or more); nothing "
					   "was changed: give the peer another address (--peer)",
					   ps, via, ds, ours);
	}
	free(routes);
	return r;
}

int mode_static_check(struct up_run *u)
{
	struct nl_addr_entry *addrs = NULL;
	size_t n = 0;
	int r;

	if (!u->plan.has_host)
		return ctx_fail_input(u->ctx, -EINVAL,
				      "no address for %s: pass --address A.B.C.D/N, or add a [peer] "
				      "group for it to %s",
				      u->ifname, u->ctx->config_path);
	/* A shared host address: the peer takes the next address no other link's peer has. */
	if (u->plan.shared_host && !u->plan.has_peer) {
		r = free_shared_peer(u->ctx, u->be, u->link.ifindex, &u->plan.host, &u->plan.peer);
		if (r < 0)
			return r;
		u->plan.has_peer = true;
	}
	r = validate_addresses(u->ctx, &u->plan);
	if (r < 0)
		return r;
	r = u->be->nl->addr_list(u->be->nl_h, 0, &addrs, &n);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot list the host's addresses: %s", strerror(-r));
	u->link_local_route = false;
	u->link_local_beside = false;
	r = check_clash(u, addrs, n);
	/* An identical peer (isolated in a routing domain of its own) has its address reached
	 * through the first one's link by design: that is not the host's own. */
	if (r >= 0 && !u->isolate)
		r = check_peer_new(u, addrs, n);
	if (r >= 0 && u->isolate) {
		struct in_addr alias;
		uint32_t slot;

		/* The pool must have room (taken for real under the lock, in apply). */
		r = isolate_pick(u, &alias, &slot);
	}
	u->peer.n_addrs = 0;
	for (size_t i = 0; i < n && u->peer.n_addrs < USBNET_MAX_ADDRS; i++)
		if (addrs[i].ifindex == u->link.ifindex)
			u->peer.addrs[u->peer.n_addrs++] = addrs[i].ip;
	free(addrs);
	return r;
}

/* The address and the route; NetworkManager and the link are the caller's. */
int mode_static_steps(struct up_run *u)
{
	struct step_ip a = {}, rt = {};
	int r;

	a.ip = u->plan.host;
	a.ip.prefix = (uint8_t)host_prefix_on_link(u);
	r = journal_apply(&u->env, &step_addr, &a);
	if (r < 0 || !u->plan.has_peer ||
	    (!u->plan.shared_host && !u->link_local_route &&
	     same_subnet(u->plan.peer, u->plan.host.addr, u->plan.host.prefix)))
		return r < 0 ? r : 0;
	rt.ip.addr = u->plan.peer;
	rt.ip.prefix = 32;
	r = journal_apply(&u->env, &step_route, &rt);
	return r < 0 ? r : 0;
}

/* --dhcp-server: the peer's address is the one the server hands out, in the host's subnet. */
int mode_dhcp_server_check(struct up_run *u)
{
	const struct usbnet_plan *p = &u->plan;
	char hs[32], ps[INET_ADDRSTRLEN];

	if (!p->dhcp_server)
		return 0;
	if (!p->has_peer)
		return ctx_fail_input(u->ctx, -EINVAL,
				      "the DHCP server hands the peer its planned address, and %s's "
				      "plan has none: pass --peer A.B.C.D (in the host's subnet); "
				      "nothing was changed",
				      u->ifname);
	usbnet_ip4_format(&p->host, hs, sizeof(hs));
	inet_ntop(AF_INET, &p->peer, ps, sizeof(ps));
	if (p->host.prefix > 30 || !same_subnet(p->peer, p->host.addr, p->host.prefix))
		return ctx_fail_input(u->ctx, -EINVAL,
				      "the DHCP server hands out an address of the host's subnet: "
				      "the peer's %s is not in %s (a /30 or wider); nothing was "
				      "changed",
				      ps, hs);
	return 0;
}

int mode_dhcp_server_step(struct up_run *u, bool router)
{
	struct dhcp_server_spec spec = {
		.host = u->plan.host,
		.peer = u->plan.peer,
		.router = router || u->plan.dhcp_router,
		.dns = u->plan.dns,
	};
	int r;

	if (!u->plan.dhcp_server)
		return 0;
	r = dhcp_server_apply(&u->env, &spec);
	return r < 0 ? r : 0;
}

/* The host's address is on the link (ours or not) and the link is up. */
bool mode_static_in_place(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	struct nl_addr_entry *addrs = NULL;
	struct nl_link_info link;
	size_t n = 0;
	bool ok = false;

	if (be->nl->link_get(be->nl_h, u->ifname, &link) < 0 || !link.up)
		return false;
	if (be->nl->addr_list(be->nl_h, u->link.ifindex, &addrs, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (addrs[i].ifindex == u->link.ifindex &&
		    addrs[i].ip.addr.s_addr == u->plan.host.addr.s_addr &&
		    (addrs[i].ip.prefix == host_prefix_on_link(u) ||
		     (addrs[i].ip.prefix == 32 && link_local(u->plan.host.addr))))
			ok = true;
	free(addrs);
	return ok;
}

void mode_set_message(struct usbnet_status *st, const char *s)
{
	snprintf(st->message, sizeof(st->message), "%s", s);
}

/* The peer holds its lease from our server (a wait of up to wait_s for its request). */
static bool mode_peer_leased(struct up_run *u)
{
	for (unsigned i = 0; i < u->wait_s * 10; i++) {
		struct dhcp_lease l;

		if (dhcp_lease_read(u->ctx->run_dir, u->ifname, &l) > 0 &&
		    l.addr.s_addr == u->plan.peer.s_addr)
			return true;
		usleep(100000);
	}
	return false;
}

void mode_probe_peer(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	struct usbnet_status *st = &u->rec.status;
	char ps[INET_ADDRSTRLEN];
	int64_t rtt = -1;
	int r;

	st->state = USBNET_STATE_CONFIGURED;
	st->rtt_us = -1;
	/* Said, not a fault: the peer's probe is answered through the host's own route. */
	snprintf(st->message, sizeof(st->message), "%s", u->probe_note);
	inet_ntop(AF_INET, &u->plan.peer, ps, sizeof(ps));
	if (!u->plan.has_peer || u->wait_s == 0)
		return;
	/* A DHCP client answers at its leased address only once it has taken the lease: it
	 * asks on its own schedule (a Raspberry Pi within seconds, after its ARP probe). */
	if (u->plan.dhcp_server && !mode_peer_leased(u)) {
		snprintf(st->message, sizeof(st->message),
			 "the DHCP server waits for the peer to ask for %s", ps);
		return;
	}
	r = be->reach->probe(be->reach_h, u->link.ifindex, u->plan.peer, u->wait_s * 1000, &rtt);
	if (r >= 0) {
		st->rtt_us = rtt;
		ctx_log(u->ctx, USBNET_LOG_INFO, "%s: peer %s answered in %lld us", u->ifname, ps,
			(long long)rtt);
		return;
	}
	/* Configured all the same: a peer may boot later, or drop pings. */
	st->state = USBNET_STATE_DEGRADED;
	if (r == -ETIMEDOUT)
		snprintf(st->message, sizeof(st->message), "peer %s did not answer within %u s", ps,
			 u->wait_s);
	else
		snprintf(st->message, sizeof(st->message), "could not check whether peer %s answers: %s",
			 ps, strerror(-r));
	ctx_log(u->ctx, USBNET_LOG_WARNING, "%s: %s", u->ifname, st->message);
}

/* IPv6 off before the link is up: once it is up with IPv6 on, the kernel sends MLD reports, a
 * neighbour solicitation for its link-local address (DAD) and router solicitations at once. */
int mode_link_up(struct up_run *u)
{
	char none = 0;
	int r;

	if (u->plan.ipv6_off) {
		r = link_sysctl_apply(&u->env, "ipv6", "disable_ipv6", 1);
		if (r < 0)
			return r;
	}
	return journal_apply(&u->env, &step_link_up, &none);
}

const char *mode_ipv6_words(const struct up_run *u)
{
	return u->plan.ipv6_off ? " ipv6=off" : "";
}

static void static_words(const struct up_run *u, char *buf, size_t len)
{
	char h[32], p[INET_ADDRSTRLEN] = "-";

	usbnet_ip4_format(&u->plan.host, h, sizeof(h));
	if (u->plan.has_peer)
		inet_ntop(AF_INET, &u->plan.peer, p, sizeof(p));
	snprintf(buf, len, "static host=%s peer=%s%s%s%s%s%s%s", h, p,
		 u->isolate ? " isolated" : "", u->plan.dhcp_server ? " dhcp-server=yes" : "",
		 u->plan.dhcp_router ? " router" : "", u->plan.shared_host ? " shared" : "",
		 u->plan.has_probe_from ? " probe-from" : "", mode_ipv6_words(u));
}

static int static_resolve(struct up_run *u, const struct usbnet_up_opts *opts)
{
	int r;

	(void)opts;
	r = mode_static_check(u);
	return r < 0 ? r : mode_dhcp_server_check(u);
}

int mode_static_apply(struct up_run *u)
{
	char none = 0;
	int r;

	r = journal_apply(&u->env, &step_nm_unmanaged, &none);
	if (r >= 0)
		r = mode_link_up(u);
	if (r >= 0)
		r = u->isolate ? isolate_steps(u) : mode_static_steps(u);
	if (r >= 0)
		r = probe_from_steps(u);
	return r < 0 ? r : 0;
}

/* Static mode's own: gateway mode makes its DHCP server after its forwarder, with the router
 * option. */
static int static_apply(struct up_run *u)
{
	int r = mode_static_apply(u);

	if (r >= 0)
		r = mode_dhcp_server_step(u, false);
	return r < 0 ? r : 0;
}

const struct mode_entry mode_static = {
	.mode = USBNET_MODE_STATIC,
	.resolve = static_resolve,
	.words = static_words,
	.in_place = mode_static_in_place,
	.apply = static_apply,
	.finish = mode_probe_peer,
};

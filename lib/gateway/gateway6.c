/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Gateway mode sharing IPv6: validation, apply, and what its three kinds share (gateway6.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "gateway/ula.h"

/* gateway6_scan's walk: the nft6 peers as long as there is room, and accept-ra's holder. */
struct scan6 {
	struct nft6_peer *peers;
	size_t n;
	const char *uplink;
	int ra_before;
};

/* The accept-ra holder on sc->uplink, when rec is one. */
static void scan6_accept_ra(const struct state_record *rec, struct scan6 *sc)
{
	const struct state_step *s = journal_find(rec, &step_accept_ra, NULL);
	const struct accept_ra_step *a = s ? (const void *)s->data.bytes : NULL;

	if (a && sc->uplink && strcmp(a->uplink, sc->uplink) == 0)
		sc->ra_before = a->before;
}

static void scan6_one(const struct state_record *rec, void *user)
{
	struct scan6 *sc = user;
	const struct state_step *s = journal_find(rec, &step_nft6, NULL);
	const struct nft6_step *d = s ? (const void *)s->data.bytes : NULL;
	struct nft6_peer *p;

	scan6_accept_ra(rec, sc);
	if (!d || !sc->peers || sc->n >= NFT_MAX_PEERS)
		return;
	p = &sc->peers[sc->n++];
	*p = (struct nft6_peer){.prefix = d->prefix, .masquerade = d->masquerade};
	memcpy(p->ifname, rec->ifname, sizeof(p->ifname));
	memcpy(p->uplink, d->uplink, sizeof(p->uplink));
}

int gateway6_scan(struct usbnet_ctx *ctx, const char *exclude, struct nft6_peer *peers,
		  size_t *ret_n, const char *uplink, int *ret_ra_before)
{
	struct scan6 sc = {.peers = peers, .uplink = uplink, .ra_before = -1};
	int r = gateway_each_record(ctx, exclude, scan6_one, &sc);

	if (r < 0)
		return r;
	if (ret_n)
		*ret_n = sc.n;
	if (ret_ra_before)
		*ret_ra_before = sc.ra_before;
	return 0;
}

int gateway6_default_uplink(const struct usbnet_backends *be, const char *prefer,
			    char ret[USBNET_IFNAMSIZ])
{
	if (!be->gw || !be->gw->default_uplink6)
		return -ENETUNREACH;
	return be->gw->default_uplink6(be->gw_h, prefer, ret);
}

/* The uplink IPv6 is shared over: the one named, when it has an IPv6 default route; else the
 * IPv6 default route's. 0 with g->why_not set when there is none. */
static int resolve_uplink(const struct usbnet_backends *be, const struct usbnet_peer *peer,
			  const struct gateway_plan *gp, struct gateway6_plan *g)
{
	int r;

	if (!gp->uplink_auto) {
		snprintf(g->uplink, sizeof(g->uplink), "%s", gp->uplink);
		r = be->gw->uplink_has_ipv6(be->gw_h, g->uplink);
		if (r <= 0)
			snprintf(g->why_not, sizeof(g->why_not),
				 "the uplink %s has no IPv6 default route", g->uplink);
		return r > 0;
	}
	r = gateway6_default_uplink(be, gp->uplink, g->uplink);
	if (r == -ENETUNREACH) {
		snprintf(g->why_not, sizeof(g->why_not), "the host has no IPv6 default route");
		return 0;
	}
	if (r < 0) {
		snprintf(g->why_not, sizeof(g->why_not),
			 "cannot read the host's IPv6 default route: %s", strerror(-r));
		return 0;
	}
	if (strncmp(g->uplink, peer->ifname, sizeof(peer->ifname)) == 0) {
		snprintf(g->why_not, sizeof(g->why_not),
			 "the IPv6 default route goes through the peer itself");
		return 0;
	}
	return 1;
}

int gateway6_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct usbnet_peer *peer, const struct usbnet_plan *plan,
		     const struct gateway_plan *gp, struct gateway6_plan *ret)
{
	struct gateway6_plan g = {};
	char id[160], mid[33];
	int r;

	(void)ctx;
	if (plan->ipv6_off) {
		snprintf(g.why_not, sizeof(g.why_not), "ipv6=off");
		goto out;
	}
	if (!be->gw || !be->gw->uplink_has_ipv6 || !be->gw->nft6_commit || !be->nl->sysctl_get) {
		snprintf(g.why_not, sizeof(g.why_not), "no IPv6 backend here");
		goto out;
	}
	if (resolve_uplink(be, peer, gp, &g) <= 0)
		goto out;
	if (plan->has_ipv6_prefix) {
		g.prefix = plan->ipv6_prefix;
		g.routed = true;
	} else {
		r = ula_identity(peer, id, sizeof(id));
		if (r >= 0)
			r = ula_machine_id(mid);
		if (r >= 0)
			r = ula_prefix(mid, id, &g.prefix);
		if (r < 0) {
			snprintf(g.why_not, sizeof(g.why_not),
				 "no stable ULA prefix for the peer (%s): give ipv6-prefix=",
				 strerror(-r));
			goto out;
		}
	}
	g.host = g.prefix;
	memset(g.host.s6_addr + 8, 0, 8);
	g.host.s6_addr[15] = 1;
	g.share = true;
out:
	*ret = g;
	return 0;
}

int gateway6_apply(struct step_env *env, const struct gateway6_plan *g6)
{
	struct usbnet_ctx *ctx = env->ctx;
	const char *uplink = g6->uplink;
	struct accept_ra_step a;
	struct nft6_step n;
	int lock = -1, r;

	if (!g6->share)
		return 0;
	memset(&n, 0, sizeof(n));
	snprintf(n.uplink, sizeof(n.uplink), "%s", uplink);
	n.prefix = g6->prefix;
	n.masquerade = !g6->routed;
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	/* accept_ra=2 before forwarding (the host's own default route stays), the guard before
	 * forwarding (never a moment with IPv6 forwarding open to all) */
	r = accept_ra_plan(env, uplink, &a);
	if (r > 0)
		r = journal_apply(env, &step_accept_ra, &a);
	if (r >= 0)
		r = journal_apply(env, &step_nft6, &n);
	if (r >= 0)
		r = journal_apply(env, &step_forwarding6, &n); /* no data: size 0 */
	gateway_unlock(lock);
	return r < 0 ? r : 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * refresh: gateway peers whose uplink is auto follow the host's default routes: IPv4 its
 * default route's interface, IPv6 (its sharing's steps) the IPv6 default route's, each on its
 * own, so that a host whose IPv6 leaves through another interface (a tunnel, a second ISP), or
 * whose IPv6 default route moves while IPv4's does not, shares each through its own uplink.
 * NetworkManager's dispatcher script runs it on every uplink change, so the common case (no
 * gateway peer, or the default routes where they were) must cost one directory read, the two
 * route dumps, and nothing else.
 *
 * Locks: each moved peer's interface lock (in name order), then the gateway lock, as up takes
 * them; the records of the peers whose IPv4 moves are written ahead with the new uplink, then
 * one batch moves them all. Peers that share IPv6 then move their IPv6 uplink steps one by
 * one (refresh6.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/forwarding.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "core/lock.h"

/* The host's default routes now: their interfaces, "" where there is none. */
struct uplinks {
	char v4[USBNET_IFNAMSIZ];
	char v6[USBNET_IFNAMSIZ];
};

struct moved {
	struct state_record rec;
	struct nft_step *step; /* in rec */
	char old_uplink[USBNET_IFNAMSIZ];
	bool move4; /* its IPv4 uplink moves (else only its IPv6 sharing) */
	int lock;
};

/* The record's nft step when its uplink is auto. */
static struct nft_step *auto_step(struct state_record *rec)
{
	struct state_step *s;
	struct nft_step *d;

	if (rec->mode != USBNET_MODE_GATEWAY || !(s = journal_find(rec, &step_nft, NULL)))
		return NULL;
	d = (struct nft_step *)s->data.bytes;
	return d->uplink_auto ? d : NULL;
}

/* Whether rec's IPv4 uplink moves to up->v4: never to the peer itself (the default route
 * through a peer is never its own uplink). */
static bool moves4(const struct state_record *rec, const struct nft_step *s,
		   const struct uplinks *up)
{
	return up->v4[0] && strcmp(rec->ifname, up->v4) != 0 && strcmp(s->uplink, up->v4) != 0;
}

/* Whether refresh has anything to do for rec (an auto peer): its IPv4 uplink, its IPv6 one. */
static bool moves(struct state_record *rec, const struct uplinks *up, bool *ret_move4)
{
	struct nft_step *s = auto_step(rec);
	bool m4;

	if (!s)
		return false;
	m4 = moves4(rec, s, up);
	if (ret_move4)
		*ret_move4 = m4;
	return m4 || gateway6_refresh_uplink(rec, up->v6, m4 ? up->v4 : NULL);
}

/* Both default routes' interfaces. 1: read (one may be ""); 0: the host has neither, said;
 * -errno with ctx_fail(). */
static int read_uplinks(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			struct uplinks *ret)
{
	int r;

	memset(ret, 0, sizeof(*ret));
	r = be->gw->default_uplink(be->gw_h, ret->v4);
	if (r == -ENETUNREACH)
		ret->v4[0] = '\0';
	else if (r < 0)
		return ctx_fail(ctx, r, "cannot read the host's default route: %s", strerror(-r));
	/* On a tie of IPv6 metrics, IPv4's: both through one interface, as before */
	r = gateway6_default_uplink(be, ret->v4, ret->v6);
	if (r == -ENETUNREACH)
		ret->v6[0] = '\0';
	else if (r < 0)
		return ctx_fail(ctx, r, "cannot read the host's IPv6 default route: %s",
				strerror(-r));
	if (!ret->v4[0] && !ret->v6[0]) {
		ctx_log(ctx, USBNET_LOG_NOTICE,
			"refresh: the host has no default route now; gateway peers keep their "
			"uplink");
		return 0;
	}
	if (!ret->v4[0])
		ctx_log(ctx, USBNET_LOG_NOTICE,
			"refresh: the host has no IPv4 default route now; gateway peers keep their "
			"IPv4 uplink");
	return 1;
}

/* The firewall checked again for rec's new uplink, as up checks it: its finding (or that the
 * old uplink's is gone) in rec's status, and said. The move stands whatever comes of it. */
static void firewall_again(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			   struct state_record *rec)
{
	const struct nft_step *s = auto_step(rec);
	char warning[sizeof(rec->status.message)];
	int r;

	gateway_firewall_warning(be, rec->ifname, s->uplink, warning, sizeof(warning));
	if (gateway_firewall_note(&rec->status, warning))
		ctx_log(ctx, USBNET_LOG_WARNING, "%s: gateway moved to %s, but %s (degraded)",
			rec->ifname, s->uplink, warning);
	r = journal_write(ctx, rec);
	if (r < 0)
		ctx_log(ctx, USBNET_LOG_WARNING,
			"%s: cannot write the state record %s/%s.state: %s; its status is "
			"stale",
			rec->ifname, ctx->run_dir, rec->ifname, strerror(-r));
}

/* How many of names' records follow the default route (rec: room to read them in). */
static size_t count_followers(struct usbnet_ctx *ctx, char **names, struct state_record *rec)
{
	size_t n = 0;

	for (char **p = names; *p; p++)
		if (journal_read(ctx, *p, rec) >= 0 && auto_step(rec))
			n++;
	return n;
}

int gateway_refresh_followers(struct usbnet_ctx *ctx)
{
	struct state_record *rec = malloc(sizeof(*rec));
	char **names = NULL;
	int r;

	if (!rec)
		return -ENOMEM;
	r = journal_list(ctx, &names);
	if (r >= 0)
		r = (int)count_followers(ctx, names, rec);
	usbnet_strv_free(names);
	free(rec);
	return r;
}

int gateway_refresh(struct usbnet_ctx *ctx)
{
	const struct usbnet_backends *be;
	struct moved *mv = NULL;
	struct nft_change *c = NULL;
	char **names = NULL, err[256] = "";
	struct uplinks up;
	struct state_record *rec = NULL;
	size_t n = 0, count, written = 0;
	int glock = -1, r;

	ctx_clear_error(ctx);
	r = journal_list(ctx, &names);
	if (r < 0)
		return r;
	rec = malloc(sizeof(*rec));
	if (!rec) {
		r = -ENOMEM;
		goto out;
	}
	n = count_followers(ctx, names, rec);
	if (n == 0) {
		ctx_log(ctx, USBNET_LOG_DEBUG,
			"refresh: no gateway peer follows the default route");
		r = 0;
		goto out;
	}
	be = ctx_backends(ctx);
	if (!be || !be->gw) {
		r = ctx_fail(ctx, -EIO, "cannot open the netlink backend");
		goto out;
	}
	r = read_uplinks(ctx, be, &up);
	if (r <= 0)
		goto out;

	count = n < NFT_MAX_PEERS ? n : NFT_MAX_PEERS;
	mv = calloc(count, sizeof(*mv));
	c = calloc(1, sizeof(*c));
	if (!mv || !c) {
		r = -ENOMEM;
		goto out;
	}
	/* mv[0..n) hold their interface's lock */
	n = 0;
	for (char **p = names; *p && n < count; p++) {
		struct moved *m = &mv[n];

		if (journal_read(ctx, *p, rec) < 0 || !moves(rec, &up, NULL))
			continue;
		r = lock_acquire(ctx->run_dir, *p, LOCK_TIMEOUT_MS, &m->lock);
		if (r < 0) {
			r = ctx_fail(ctx, r, "cannot lock %s for refresh: %s; nothing was changed",
				     *p, strerror(-r));
			goto unlock;
		}
		/* Read again under its lock: a down may have come first */
		if (journal_read(ctx, *p, &m->rec) < 0 || !moves(&m->rec, &up, &m->move4)) {
			lock_release(m->lock);
			continue;
		}
		m->step = auto_step(&m->rec);
		memcpy(m->old_uplink, m->step->uplink, sizeof(m->old_uplink));
		n++;
	}
	if (n == 0) {
		r = 0;
		goto unlock;
	}
	r = gateway_lock(ctx, &glock);
	if (r < 0)
		goto unlock;
	/* Write ahead: the records of the peers whose IPv4 moves name the new uplink before the
	 * batch */
	for (size_t i = 0; i < n; i++) {
		struct nft_step *s = mv[i].step;

		written = i + 1;
		if (!mv[i].move4)
			continue;
		/* the whole field: the step's bytes stay what up would make of this uplink */
		memset(s->uplink, 0, sizeof(s->uplink));
		memcpy(s->uplink, up.v4, strlen(up.v4));
		r = journal_write(ctx, &mv[i].rec);
		if (r < 0) {
			ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s",
				 ctx->run_dir, mv[i].rec.ifname, strerror(-r));
			goto revert;
		}
		c->add[c->n_add] = (struct nft_peer){.subnet = s->subnet};
		memcpy(c->add[c->n_add].ifname, mv[i].rec.ifname, USBNET_IFNAMSIZ);
		memcpy(c->add[c->n_add].uplink, s->uplink, USBNET_IFNAMSIZ);
		c->n_add++;
	}
	if (c->n_add > 0) {
		c->guard = gateway_guard_wanted(ctx);
		if (c->guard) {
			r = gateway_scan(ctx, NULL, c->guard_peers, &c->n_guard_peers);
			if (r < 0) {
				ctx_fail(ctx, r, "cannot read the run directory %s: %s",
					 ctx->run_dir, strerror(-r));
				goto revert;
			}
		}
		r = be->gw->nft_commit(be->gw_h, c, err, sizeof(err));
		if (r < 0) {
			ctx_fail(
			    ctx, gateway_nft_errno(r),
			    "could not move the gateway peers to %s (table ip %s): %s; nothing "
			    "was changed",
			    up.v4, NFT_TABLE, err[0] ? err : strerror(-r));
			r = gateway_nft_errno(r);
			goto revert;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (mv[i].move4) {
			ctx_log(ctx, USBNET_LOG_NOTICE, "%s: gateway moved from %s to %s",
				mv[i].rec.ifname, mv[i].old_uplink, up.v4);
			firewall_again(ctx, be, &mv[i].rec);
		}
	/* Then each peer's IPv6 sharing (its own steps, each written ahead): IPv4 has moved
	 * whatever comes of it, and a failure says which peer's IPv6 stayed behind. */
	r = (int)n;
	for (size_t i = 0; i < n; i++) {
		const char *to6 =
		    gateway6_refresh_uplink(&mv[i].rec, up.v6, mv[i].move4 ? up.v4 : NULL);
		int r6 = to6 ? gateway6_move(ctx, be, &mv[i].rec, to6) : 0;

		if (r6 < 0 && r >= 0)
			r = r6;
	}
	goto unlock;
revert:
	for (size_t i = 0; i < written; i++) {
		struct nft_step *s = mv[i].step;

		if (!mv[i].move4)
			continue;
		memcpy(s->uplink, mv[i].old_uplink, sizeof(s->uplink));
		journal_write(ctx, &mv[i].rec);
	}
unlock:
	gateway_unlock(glock);
	for (size_t i = 0; i < n; i++)
		lock_release(mv[i].lock);
out:
	free(rec);
	free(c);
	free(mv);
	usbnet_strv_free(names);
	return r;
}

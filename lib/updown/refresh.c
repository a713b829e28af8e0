/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * usbnet_refresh: the gateway peers that follow the default route follow it (gateway/refresh.c
 * moves their uplinks), then a peer that shares no IPv6 because the host had no IPv6 default
 * route at its up gets its IPv6 sharing now that it has one, as up would give it: the same
 * decision (gateway6_resolve() over the peer and its plan made again, with what the record
 * says up was told: --dns, --ipv6 off) and the same steps (mode_gateway_start_ipv6()), recorded
 * after the record's own so that down undoes them first.
 *
 * The forwarder (--dns) listens on the link's PREFIX::1 too once IPv6 is shared: its step is
 * undone and taken out of the record first, and made again after nft6-dns as up orders them
 * (down stops it before the input chain that keeps PREFIX::1's port 53 to the link goes).
 *
 * Locks: each peer's interface lock alone, then the gateway lock (gateway6_apply()), as up.
 *
 * Cost for NetworkManager's dispatcher script (gateway/refresh.c): one more read of the run
 * directory; with a peer that could start, one IPv6 route dump before anything else (the
 * common case without IPv6 stops there); the peer's discovery only once the host has one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lock.h"
#include "dns/dns-up.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "updown/modes.h"

/* The record's nft step when rec is a gateway peer that follows the default route, shares no
 * IPv6 and was not told ipv6=off. */
static const struct nft_step *wants_ipv6(const struct state_record *rec)
{
	const struct state_step *s;
	const struct nft_step *d;

	if (rec->mode != USBNET_MODE_GATEWAY || journal_find(rec, &step_nft6, NULL) ||
	    strstr(rec->plan, " ipv6=off") || !(s = journal_find(rec, &step_nft, NULL)))
		return NULL;
	d = (const void *)s->data.bytes;
	return d->uplink_auto ? d : NULL;
}

/* Out of the record: rec's forwarder, stopped (mode_gateway_start_ipv6() starts it again). */
static int forwarder_out(struct step_env *env)
{
	struct state_record *rec = env->rec;
	char phrase[160];
	size_t i;
	int r;

	if (!journal_find(rec, &step_dnsmasq, &i))
		return 0;
	r = step_dnsmasq.undo(env, rec->steps[i].data.bytes, phrase, sizeof(phrase));
	if (r < 0)
		return r;
	memmove(&rec->steps[i], &rec->steps[i + 1], (rec->n_steps - i - 1) * sizeof(rec->steps[0]));
	rec->n_steps--;
	r = journal_write(env->ctx, rec);
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot write the state record %s/%s.state: %s",
				env->ctx->run_dir, rec->ifname, strerror(-r));
	return 0;
}

/* What this refresh made on u->rec undone (from base on); its forwarder as it was. */
static void start_failed(struct up_run *u, size_t base)
{
	char why[sizeof(u->ctx->error)], done[512] = "";
	int r;

	snprintf(why, sizeof(why), "%s", usbnet_ctx_error(u->ctx));
	r = journal_undo(&u->env, base, true, done, sizeof(done));
	if (r >= 0 && u->plan.dns) {
		u->gw6.share = false;
		r = dns_apply(&u->env, u->plan.host.addr, NULL);
	}
	ctx_fail(u->ctx, -EIO, "%s: IPv6 sharing could not be started: %s", u->ifname, why);
	ctx_fail_append(u->ctx,
			r < 0 ? "and what it made is not all undone; run down %s"
			      : "rolled back; %s keeps its IPv4 sharing",
			u->ifname);
}

/* name's IPv6 sharing started. 1: started, 0: not wanted or not possible (said at debug),
 * -errno with ctx_fail(). */
static int start_one(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *name)
{
	struct usbnet_up_opts opts;
	const struct nft_step *s;
	struct up_run *u = calloc(1, sizeof(*u));
	char p[INET6_ADDRSTRLEN];
	int lock = -1, r;
	size_t base;

	if (!u)
		return -ENOMEM;
	u->ctx = ctx;
	u->be = be;
	u->ifname = name;
	u->env = (struct step_env){.ctx = ctx, .be = be, .rec = &u->rec, .link_ours = true};
	r = lock_acquire(ctx->run_dir, name, LOCK_TIMEOUT_MS, &lock);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot lock %s for refresh: %s", name, strerror(-r));
		goto out;
	}
	/* Read again under its lock: a down or an up may have come first */
	r = 0;
	if (journal_read(ctx, name, &u->rec) < 0 || !(s = wants_ipv6(&u->rec)))
		goto out;
	usbnet_up_opts_init(&opts);
	opts.recheck = true; /* the recorded interface, forced or not */
	if (up_find_peer(u, &opts) < 0 || u->link.ifindex != u->rec.ifindex) {
		ctx_clear_error(ctx); /* gone, or another device's: prune's, not refresh's */
		goto out;
	}
	up_make_plan(u, &opts);
	/* What up was told and the record keeps */
	u->plan.mode = USBNET_MODE_GATEWAY;
	u->plan.has_host = u->rec.status.has_host;
	u->plan.host = u->rec.status.host;
	u->plan.dns = journal_find(&u->rec, &step_dnsmasq, NULL) != NULL;
	memcpy(u->gw.uplink, s->uplink, sizeof(u->gw.uplink));
	u->gw.uplink_auto = true;
	u->gw.subnet = s->subnet;
	r = gateway6_resolve(ctx, be, &u->peer, &u->plan, &u->gw, &u->gw6);
	if (r < 0 || !u->gw6.share) {
		ctx_log(ctx, USBNET_LOG_DEBUG, "%s: IPv6 still not shared: %s", name,
			u->gw6.why_not);
		r = 0;
		goto out;
	}
	r = forwarder_out(&u->env);
	if (r < 0)
		goto out;
	base = u->rec.n_steps;
	r = mode_gateway_start_ipv6(u);
	if (r < 0) {
		start_failed(u, base);
		r = -EIO;
		goto out;
	}
	inet_ntop(AF_INET6, &u->gw6.prefix, p, sizeof(p));
	ctx_log(ctx, USBNET_LOG_NOTICE, "%s: IPv6 shared now, through %s (%s/64, %s)", name,
		u->gw6.uplink, p, u->gw6.routed ? "routed" : "nat");
	r = 1;
out:
	lock_release(lock);
	free(u);
	return r;
}

/* Every peer that wants it: IPv6 sharing started. How many; -errno (the first failure) with
 * ctx_fail(), the others tried all the same. */
static int start_ipv6(struct usbnet_ctx *ctx)
{
	const struct usbnet_backends *be = NULL;
	struct state_record *rec = malloc(sizeof(*rec));
	char **names = NULL, uplink6[USBNET_IFNAMSIZ];
	int r, started = 0, err = 0;

	if (!rec)
		return -ENOMEM;
	r = journal_list(ctx, &names);
	if (r < 0)
		goto out;
	for (char **p = names; *p; p++) {
		if (journal_read(ctx, *p, rec) < 0 || !wants_ipv6(rec))
			continue;
		/* Nothing to look at before the host has an IPv6 default route (the common
		 * case): asked once, at the first peer that wants it */
		if (!be) {
			be = ctx_backends(ctx);
			if (!be || !be->gw || gateway6_default_uplink(be, NULL, uplink6) < 0)
				break;
		}
		r = start_one(ctx, be, *p);
		if (r > 0)
			started++;
		else if (r < 0 && !err)
			err = r;
	}
	r = err ? err : started;
out:
	usbnet_strv_free(names);
	free(rec);
	return r;
}

int usbnet_refresh(struct usbnet_ctx *ctx)
{
	int moved, started;

	moved = gateway_refresh(ctx);
	if (moved < 0)
		return moved;
	started = start_ipv6(ctx);
	return started < 0 ? started : moved + started;
}

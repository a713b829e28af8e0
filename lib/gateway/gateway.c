/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Gateway mode's steps: validation, apply, undo (the order and its reasons are in gateway.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/forwarding.h"
#include "gateway/gateway.h"
#include "core/lock.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

int gateway_nft_errno(int r)
{
	/* EINVAL, EOPNOTSUPP... from the kernel mean our batch was refused, not the user's input */
	if (r == -EINVAL || r == -EOPNOTSUPP || r == -EBADMSG || r == -EMEDIUMTYPE ||
	    r == -EADDRINUSE || r == -ENAMETOOLONG || r == -ENODEV)
		return -EIO;
	return r;
}

int gateway_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *ifname,
		    const struct usbnet_plan *plan, struct gateway_plan *ret)
{
	struct gateway_plan gp = {};
	struct nl_link_info link;
	uint32_t m = mask_of(plan->host.prefix);
	int r;

	if (!be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: gateway mode has no backend here", ifname);
	if (plan->uplink[0] && strcmp(plan->uplink, "auto") != 0) {
		snprintf(gp.uplink, sizeof(gp.uplink), "%s", plan->uplink);
	} else {
		gp.uplink_auto = true;
		r = be->gw->default_uplink(be->gw_h, gp.uplink);
		if (r == -ENETUNREACH)
			return ctx_fail(
			    ctx, -EINVAL,
			    "%s: the host has no IPv4 default route to share; nothing was "
			    "changed: name the uplink with --uplink IF (or uplink= in its "
			    "[peer] group)",
			    ifname);
		if (r < 0)
			return ctx_fail(ctx, r, "%s: cannot read the host's default route: %s",
					ifname, strerror(-r));
	}
	if (strcmp(gp.uplink, ifname) == 0)
		return ctx_fail(ctx, -EINVAL,
				"%s: the uplink %s is the peer itself%s; nothing was changed: name "
				"another uplink with --uplink IF",
				ifname, gp.uplink,
				gp.uplink_auto ? " (the default route goes through it)" : "");
	r = be->nl->link_get(be->nl_h, gp.uplink, &link);
	if (r == -ENODEV)
		return ctx_fail(ctx, -EINVAL,
				"%s: there is no interface %s to use as the uplink; nothing was "
				"changed",
				ifname, gp.uplink);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot look up the uplink %s: %s", gp.uplink,
				strerror(-r));
	gp.subnet.addr.s_addr = plan->host.addr.s_addr & m;
	gp.subnet.prefix = plan->host.prefix;
	/* A peer outside the host's subnet (reached over a /32 route) sends from its own address */
	if (plan->has_peer && (plan->peer.s_addr & m) != gp.subnet.addr.s_addr) {
		gp.subnet.addr = plan->peer;
		gp.subnet.prefix = 32;
	}
	*ret = gp;
	return 0;
}

static const struct state_step *find_step(const struct state_record *rec, enum state_step_kind k)
{
	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind == k)
			return &rec->steps[i];
	return NULL;
}

bool gateway_in_place(const struct state_record *rec, const struct gateway_plan *gp)
{
	const struct state_step *s = find_step(rec, STEP_NFT);

	return s && find_step(rec, STEP_FORWARDING) && strcmp(s->uplink, gp->uplink) == 0 &&
	       s->uplink_auto == gp->uplink_auto && s->ip.addr.s_addr == gp->subnet.addr.s_addr &&
	       s->ip.prefix == gp->subnet.prefix;
}

void gateway_status_fill(const struct state_record *rec, struct usbnet_status *status)
{
	const struct state_step *s = find_step(rec, STEP_NFT);

	status->uplink[0] = '\0';
	status->uplink_auto = false;
	if (!s)
		return;
	memcpy(status->uplink, s->uplink, sizeof(status->uplink));
	status->uplink_auto = s->uplink_auto;
}

int gateway_lock(struct usbnet_ctx *ctx, int *ret_fd)
{
	int r = lock_acquire(ctx->run_dir, GATEWAY_LOCK_NAME, LOCK_TIMEOUT_MS, ret_fd);

	if (r == -EWOULDBLOCK)
		return ctx_fail(ctx, r,
				"another usbnet-host is busy with gateway mode (%s/%s.lock); "
				"try again",
				ctx->run_dir, GATEWAY_LOCK_NAME);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot lock %s/%s.lock: %s", ctx->run_dir,
				GATEWAY_LOCK_NAME, strerror(-r));
	return 0;
}

int gateway_scan(struct usbnet_ctx *ctx, const char *exclude, struct nft_peer *peers, size_t *ret_n,
		 size_t *ret_holders)
{
	char **names = NULL;
	size_t n = 0, holders = 0;
	int r;

	r = usbnet_state_list(ctx, &names);
	if (r < 0)
		return r;
	for (char **p = names; *p; p++) {
		struct state_record rec;
		const struct state_step *s;

		if (exclude && strcmp(*p, exclude) == 0)
			continue;
		if (state_read(ctx->run_dir, *p, &rec) < 0)
			continue;
		if (find_step(&rec, STEP_FORWARDING))
			holders++;
		s = find_step(&rec, STEP_NFT);
		if (!s || n >= NFT_MAX_PEERS)
			continue;
		memset(&peers[n], 0, sizeof(peers[n]));
		memcpy(peers[n].ifname, rec.ifname, sizeof(peers[n].ifname));
		memcpy(peers[n].uplink, s->uplink, sizeof(peers[n].uplink));
		peers[n].subnet = s->ip;
		n++;
	}
	usbnet_strv_free(names);
	*ret_n = n;
	*ret_holders = holders;
	return 0;
}

bool gateway_guard_wanted(struct usbnet_ctx *ctx)
{
	int before;

	return gateway_record_read(ctx->run_dir, &before) >= 0 && before == 0;
}

static int write_rec(struct usbnet_ctx *ctx, const struct state_record *rec)
{
	int r = state_write(ctx->run_dir, rec);

	if (r < 0)
		return ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s",
				ctx->run_dir, rec->ifname, strerror(-r));
	return 0;
}

static int append_step(struct usbnet_ctx *ctx, struct state_record *rec, const struct state_step *s)
{
	int r;

	if (rec->n_steps >= STATE_MAX_STEPS)
		return ctx_fail(ctx, -E2BIG, "too many steps recorded for %s", rec->ifname);
	rec->steps[rec->n_steps++] = *s;
	r = write_rec(ctx, rec);
	if (r < 0)
		rec->n_steps--;
	return r;
}

static void drop_last_step(struct usbnet_ctx *ctx, struct state_record *rec)
{
	rec->n_steps--;
	/* Not written: the step's undo is harmless (each one checks what exists) */
	state_write(ctx->run_dir, rec);
}

static int apply_nft(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     struct state_record *rec, const struct gateway_plan *gp, bool guard)
{
	struct nft_change *c;
	struct state_step s = {.kind = STEP_NFT, .ip = gp->subnet, .uplink_auto = gp->uplink_auto};
	size_t holders, n = 0;
	bool recorded = find_step(rec, STEP_NFT) != NULL;
	char err[256] = "";
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	memcpy(s.uplink, gp->uplink, sizeof(s.uplink));
	r = gateway_scan(ctx, rec->ifname, c->guard_peers, &n, &holders);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
			     strerror(-r));
		goto out;
	}
	c->add[0] = (struct nft_peer){.subnet = gp->subnet};
	memcpy(c->add[0].ifname, rec->ifname, sizeof(c->add[0].ifname));
	memcpy(c->add[0].uplink, gp->uplink, sizeof(c->add[0].uplink));
	c->n_add = 1;
	c->guard = guard;
	if (n < NFT_MAX_PEERS)
		c->guard_peers[n++] = c->add[0];
	c->n_guard_peers = guard ? n : 0;
	if (!recorded) {
		r = append_step(ctx, rec, &s);
		if (r < 0)
			goto out;
	}
	r = be->gw->nft_commit(be->gw_h, c, err, sizeof(err));
	if (r < 0) {
		ctx_fail(ctx, gateway_nft_errno(r),
			 "could not add the nftables rules for %s (table ip %s): %s", rec->ifname,
			 NFT_TABLE, err[0] ? err : strerror(-r));
		r = gateway_nft_errno(r);
		if (!recorded)
			drop_last_step(ctx, rec);
		goto out;
	}
	ctx_log(ctx, USBNET_LOG_INFO, "%s: nftables: forward and masquerade out of %s%s",
		rec->ifname, gp->uplink, guard ? ", nothing else forwarded (guard)" : "");
out:
	free(c);
	return r;
}

static int apply_forwarding(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			    struct state_record *rec, int before, bool have_record)
{
	struct state_step s = {.kind = STEP_FORWARDING};
	int r, now = -1;

	if (!find_step(rec, STEP_FORWARDING)) {
		r = append_step(ctx, rec, &s);
		if (r < 0)
			return r;
	}
	if (!have_record) {
		r = gateway_record_write(ctx->run_dir, before);
		if (r < 0) {
			ctx_fail(ctx, r, "cannot write %s/%s: %s", ctx->run_dir,
				 GATEWAY_RECORD_NAME, strerror(-r));
			goto fail;
		}
	}
	r = be->gw->forwarding_get(be->gw_h, &now);
	if (r >= 0 && now == 1)
		return 0;
	r = be->gw->forwarding_set(be->gw_h, 1);
	if (r < 0) {
		ctx_fail(ctx, r, "could not turn IPv4 forwarding on (net.ipv4.ip_forward): %s",
			 strerror(-r));
		goto fail;
	}
	ctx_log(ctx, USBNET_LOG_INFO, "%s: IPv4 forwarding on (it was %d)", rec->ifname, before);
	return 0;
fail:
	/* The step stays recorded: its undo gives the old value back if this was the first */
	return r;
}

int gateway_apply(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		  struct state_record *rec, const struct gateway_plan *gp, char *warning,
		  size_t warning_len)
{
	int lock = -1, before, r;
	bool have_record;

	warning[0] = '\0';
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	r = gateway_record_read(ctx->run_dir, &before);
	have_record = r >= 0;
	if (r == -EBADMSG) {
		r = ctx_fail(ctx, r,
			     "%s/%s is damaged; nothing of gateway mode was changed: check "
			     "net.ipv4.ip_forward by hand, then remove the file",
			     ctx->run_dir, GATEWAY_RECORD_NAME);
		goto out;
	}
	if (r == -ENOENT) {
		/* The first gateway peer: forwarding as it is now is what the last one restores */
		r = be->gw->forwarding_get(be->gw_h, &before);
		if (r < 0) {
			r = ctx_fail(ctx, r, "cannot read net.ipv4.ip_forward: %s", strerror(-r));
			goto out;
		}
	} else if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read %s/%s: %s", ctx->run_dir, GATEWAY_RECORD_NAME,
			     strerror(-r));
		goto out;
	}
	/* The guard first, forwarding second: never a moment with forwarding open to all */
	r = apply_nft(ctx, be, rec, gp, before == 0);
	if (r >= 0)
		r = apply_forwarding(ctx, be, rec, before, have_record);
	if (r < 0)
		goto out;
	r = be->gw->firewall_check(be->gw_h, rec->ifname, gp->uplink, warning, warning_len);
	if (r < 0) {
		snprintf(warning, warning_len,
			 "could not check the host's firewall for rules that drop forwarding: %s",
			 strerror(-r));
		r = 0;
	}
out:
	lock_release(lock);
	return r;
}

static int undo_forwarding(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			   const struct state_record *rec, char *phrase, size_t len)
{
	struct nft_peer *peers;
	size_t n = 0, holders = 0;
	int before, now = -1, r;

	peers = calloc(NFT_MAX_PEERS, sizeof(*peers));
	if (!peers)
		return -ENOMEM;
	r = gateway_scan(ctx, rec->ifname, peers, &n, &holders);
	free(peers);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
				strerror(-r));
	if (holders > 0) {
		snprintf(phrase, len, "IPv4 forwarding stays on for %zu other gateway peer%s",
			 holders, holders == 1 ? "" : "s");
		return 0;
	}
	r = gateway_record_read(ctx->run_dir, &before);
	if (r == -ENOENT) {
		/* Recorded, but up stopped before it touched anything */
		snprintf(phrase, len, "IPv4 forwarding left as it was");
		return 0;
	}
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read %s/%s (net.ipv4.ip_forward from before): %s",
				ctx->run_dir, GATEWAY_RECORD_NAME, strerror(-r));
	r = be->gw->forwarding_get(be->gw_h, &now);
	if (r < 0 || now != before) {
		r = be->gw->forwarding_set(be->gw_h, before);
		if (r < 0)
			return ctx_fail(ctx, r, "could not set net.ipv4.ip_forward back to %d: %s",
					before, strerror(-r));
	}
	r = gateway_record_remove(ctx->run_dir);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot remove %s/%s: %s", ctx->run_dir,
				GATEWAY_RECORD_NAME, strerror(-r));
	snprintf(phrase, len, "IPv4 forwarding back to %d", before);
	return 0;
}

static int undo_nft(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		    const struct state_record *rec, char *phrase, size_t len)
{
	struct nft_change *c;
	size_t holders;
	char err[256] = "";
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = gateway_scan(ctx, rec->ifname, c->guard_peers, &c->n_guard_peers, &holders);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
			     strerror(-r));
		goto out;
	}
	memcpy(c->del[0], rec->ifname, sizeof(c->del[0]));
	c->n_del = 1;
	/* Forwarding was given back before this (or is another peer's): the guard stays only
	 * while usbnet-host still holds forwarding on that was off */
	c->guard = gateway_guard_wanted(ctx);
	if (!c->guard)
		c->n_guard_peers = 0;
	r = be->gw->nft_commit(be->gw_h, c, err, sizeof(err));
	if (r < 0) {
		r = ctx_fail(ctx, gateway_nft_errno(r),
			     "could not remove the nftables chains of %s (table ip %s): %s",
			     rec->ifname, NFT_TABLE, err[0] ? err : strerror(-r));
		goto out;
	}
	snprintf(phrase, len, "nftables chains of %s removed", rec->ifname);
out:
	free(c);
	return r;
}

int gateway_undo_step(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		      const struct state_record *rec, const struct state_step *s, char *phrase,
		      size_t phrase_len)
{
	int lock = -1, r;

	if (!be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "no gateway backend to undo %s's steps",
				rec->ifname);
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	if (s->kind == STEP_NFT)
		r = undo_nft(ctx, be, rec, phrase, phrase_len);
	else if (s->kind == STEP_FORWARDING)
		r = undo_forwarding(ctx, be, rec, phrase, phrase_len);
	else
		r = ctx_fail(ctx, -EBADMSG, "not a gateway step in the record of %s", rec->ifname);
	lock_release(lock);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "forwarding": the peer holds IPv4 forwarding on ("step forwarding", no
 * arguments). Several gateway peers share the one switch: the first keeps its value from before
 * in RUN_DIR/:gateway.record (forwarding.h), the last one down gives it back. Both under the
 * gateway lock. The peer's nft step (and with it the guard) is made before and undone after.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/forwarding.h"
#include "gateway/gateway.h"

/* On failure nothing of it stays: a record this call wrote goes again. */
static int forwarding_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	bool have_record;
	int lock = -1, before, now = -1, r;

	(void)data;
	if (!be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: gateway mode has no backend here", ifname);
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	r = gateway_forwarding_before(ctx, be, &before, &have_record);
	if (r < 0)
		goto out;
	if (!have_record) {
		r = gateway_record_write(ctx->run_dir, before);
		if (r < 0) {
			r = ctx_fail(ctx, r, "cannot write %s/%s: %s", ctx->run_dir,
				     GATEWAY_RECORD_NAME, strerror(-r));
			goto out;
		}
	}
	r = be->gw->forwarding_get(be->gw_h, &now);
	if (r >= 0 && now == 1) {
		r = 0;
		goto out;
	}
	r = be->gw->forwarding_set(be->gw_h, 1);
	if (r < 0) {
		r = ctx_fail(ctx, r, "could not turn IPv4 forwarding on (net.ipv4.ip_forward): %s",
			     strerror(-r));
		if (!have_record)
			gateway_record_remove(ctx->run_dir);
		goto out;
	}
	ctx_log(ctx, USBNET_LOG_INFO, "%s: IPv4 forwarding on (it was %d)", ifname, before);
out:
	gateway_unlock(lock);
	return r;
}

/* Another gateway peer still recorded: forwarding stays on. The last one gives the value from
 * before back. No record: nothing was changed (a pending step, or up stopped before). */
static int forwarding_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	struct nft_peer *peers;
	size_t n = 0, holders = 0;
	int lock = -1, before, now = -1, r;

	(void)data;
	if (!be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "no gateway backend to undo %s's steps", ifname);
	peers = calloc(NFT_MAX_PEERS, sizeof(*peers));
	if (!peers)
		return ctx_fail(ctx, -ENOMEM, "out of memory");
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		goto out;
	r = gateway_scan(ctx, ifname, peers, &n, &holders);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
			     strerror(-r));
		goto out;
	}
	if (holders > 0) {
		snprintf(phrase, len, "IPv4 forwarding stays on for %zu other gateway peer%s",
			 holders, holders == 1 ? "" : "s");
		goto out;
	}
	r = gateway_record_read(ctx->run_dir, &before);
	if (r == -ENOENT) {
		snprintf(phrase, len, "IPv4 forwarding left as it was");
		r = 0;
		goto out;
	}
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read %s/%s (net.ipv4.ip_forward from before): %s",
			     ctx->run_dir, GATEWAY_RECORD_NAME, strerror(-r));
		goto out;
	}
	r = be->gw->forwarding_get(be->gw_h, &now);
	if (r < 0 || now != before) {
		r = be->gw->forwarding_set(be->gw_h, before);
		if (r < 0) {
			r = ctx_fail(ctx, r, "could not set net.ipv4.ip_forward back to %d: %s",
				     before, strerror(-r));
			goto out;
		}
	}
	r = gateway_record_remove(ctx->run_dir);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot remove %s/%s: %s", ctx->run_dir, GATEWAY_RECORD_NAME,
			     strerror(-r));
		goto out;
	}
	snprintf(phrase, len, "IPv4 forwarding back to %d", before);
out:
	gateway_unlock(lock);
	free(peers);
	return r;
}

static void forwarding_describe(const void *data, char *buf, size_t len)
{
	(void)data;
	snprintf(buf, len, "IPv4 forwarding on (net.ipv4.ip_forward), given back by the last "
			   "gateway peer");
}

const struct step_kind step_forwarding = {
	.name = "forwarding",
	.scope = STEP_SCOPE_HOST,
	.size = 0,
	.apply = forwarding_apply,
	.undo = forwarding_undo,
	.describe = forwarding_describe,
};

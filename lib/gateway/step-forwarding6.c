/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "forwarding6": the peer holds IPv6 forwarding on (net.ipv6.conf.all.forwarding,
 * "step forwarding6", no arguments), as "forwarding" does IPv4's: the first IPv6 gateway peer
 * keeps the value from before in RUN_DIR/:gateway6.record, the last one down gives it back;
 * both under the gateway lock. The peer's accept-ra and nft6 steps (the guard) are made before
 * and undone after.
 *
 * Writing net.ipv6.conf.all.forwarding sets every interface's forwarding (and default's): the
 * value given back is all's, so an interface that forwarded on its own before ends as all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gateway.h"
#include "gateway/gateway6.h"

static int forwarding6_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	bool have_record;
	int lock = -1, before = -1, now = -1, r;

	(void)data;
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	r = gateway6_record_read(ctx->run_dir, &before);
	have_record = r >= 0;
	if (r == -EBADMSG) {
		r = ctx_fail(ctx, r,
			     "%s/%s is damaged; check net.ipv6.conf.all.forwarding by hand, then "
			     "remove the file",
			     ctx->run_dir, GATEWAY6_RECORD_NAME);
		goto out;
	}
	if (r < 0 && r != -ENOENT) {
		r = ctx_fail(ctx, r, "cannot read %s/%s: %s", ctx->run_dir, GATEWAY6_RECORD_NAME,
			     strerror(-r));
		goto out;
	}
	r = gateway6_forwarding_get(be, &now);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read net.ipv6.conf.all.forwarding: %s", strerror(-r));
		goto out;
	}
	if (!have_record) {
		before = now;
		r = gateway6_record_write(ctx->run_dir, before);
		if (r < 0) {
			r = ctx_fail(ctx, r, "cannot write %s/%s: %s", ctx->run_dir,
				     GATEWAY6_RECORD_NAME, strerror(-r));
			goto out;
		}
	}
	if (now == 1) {
		r = 0;
		goto out;
	}
	r = gateway6_forwarding_set(be, 1);
	if (r < 0) {
		r = ctx_fail(ctx, r,
			     "could not turn IPv6 forwarding on (net.ipv6.conf.all.forwarding): %s",
			     strerror(-r));
		if (!have_record)
			gateway6_record_remove(ctx->run_dir);
		goto out;
	}
	ctx_log(ctx, USBNET_LOG_INFO, "%s: IPv6 forwarding on (it was %d)", ifname, before);
out:
	gateway_unlock(lock);
	return r;
}

static int forwarding6_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	size_t holders = 0;
	int lock = -1, before, now = -1, r;

	(void)data;
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	r = gateway6_scan(ctx, ifname, NULL, NULL, &holders, NULL, NULL);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
			     strerror(-r));
		goto out;
	}
	if (holders > 0) {
		snprintf(phrase, len, "IPv6 forwarding stays on for %zu other gateway peer%s",
			 holders, holders == 1 ? "" : "s");
		goto out;
	}
	r = gateway6_record_read(ctx->run_dir, &before);
	if (r == -ENOENT) {
		snprintf(phrase, len, "IPv6 forwarding left as it was");
		r = 0;
		goto out;
	}
	if (r < 0) {
		r = ctx_fail(ctx, r,
			     "cannot read %s/%s (net.ipv6.conf.all.forwarding from before): %s",
			     ctx->run_dir, GATEWAY6_RECORD_NAME, strerror(-r));
		goto out;
	}
	r = gateway6_forwarding_get(be, &now);
	if (r < 0 || now != before) {
		r = gateway6_forwarding_set(be, before);
		if (r < 0) {
			r = ctx_fail(ctx, r,
				     "could not set net.ipv6.conf.all.forwarding back to %d: %s",
				     before, strerror(-r));
			goto out;
		}
	}
	r = gateway6_record_remove(ctx->run_dir);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot remove %s/%s: %s", ctx->run_dir, GATEWAY6_RECORD_NAME,
			     strerror(-r));
		goto out;
	}
	snprintf(phrase, len, "IPv6 forwarding back to %d", before);
out:
	gateway_unlock(lock);
	return r;
}

static void forwarding6_describe(const void *data, char *buf, size_t len)
{
	(void)data;
	snprintf(buf, len, "IPv6 forwarding on (net.ipv6.conf.all.forwarding), given back by the "
			   "last IPv6 gateway peer");
}

const struct step_kind step_forwarding6 = {
	.name = "forwarding6",
	.scope = STEP_SCOPE_HOST,
	.size = 0,
	.apply = forwarding6_apply,
	.undo = forwarding6_undo,
	.describe = forwarding6_describe,
};

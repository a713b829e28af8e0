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
#include <string.h>

#include "gateway/forwarding-hold.h"
#include "gateway/forwarding-record.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"

/* The record read first, the switch once: without a record, as it is now is the before. */
static int forwarding6_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	bool have_record;
	int lock = -1, before = -1, now = -1, r;

	(void)data;
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	r = forwarding_record_read(ctx->run_dir, &forwarding_ipv6, &before);
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
	r = forwarding_ipv6.get(env->be, &now);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read net.ipv6.conf.all.forwarding: %s", strerror(-r));
		goto out;
	}
	if (!have_record) {
		before = now;
		r = forwarding_record_keep(ctx, &forwarding_ipv6, before);
		if (r < 0)
			goto out;
	}
	r = forwarding_turn_on(env, &forwarding_ipv6, before, have_record, now);
out:
	gateway_unlock(lock);
	return r;
}

static int forwarding6_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	(void)data;
	return forwarding_give_back(env, &forwarding_ipv6, phrase, len);
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

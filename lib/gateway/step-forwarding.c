/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "forwarding": the peer holds IPv4 forwarding on ("step forwarding", no
 * arguments). Several gateway peers share the one switch: the first keeps its value from before
 * in RUN_DIR/:gateway.record (forwarding-record.h), the last one down gives it back
 * (forwarding-hold.h). Both under the gateway lock. The peer's nft step (and with it the guard) is
 * made before and undone after.
 */
#include <errno.h>
#include <stdio.h>

#include "gateway/forwarding-hold.h"
#include "gateway/gateway.h"

/* On failure nothing of it stays: a record this call wrote goes again. */
static int forwarding_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	bool have_record;
	int lock = -1, before, now, r;

	(void)data;
	if (!be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: gateway mode has no backend here",
				env->rec->ifname);
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	r = gateway_forwarding_before(ctx, be, &before, &have_record);
	if (r >= 0 && !have_record)
		r = forwarding_record_keep(ctx, &forwarding_ipv4, before);
	if (r < 0)
		goto out;
	/* Read again, and not fatal: unknown, it is turned on */
	if (forwarding_ipv4.get(be, &now) < 0)
		now = -1;
	r = forwarding_turn_on(env, &forwarding_ipv4, before, have_record, now);
out:
	gateway_unlock(lock);
	return r;
}

/* Another gateway peer still recorded: forwarding stays on. The last one gives the value from
 * before back. No record: nothing was changed (a pending step, or up stopped before). */
static int forwarding_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	(void)data;
	if (!env->be->gw)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no gateway backend to undo %s's steps",
				env->rec->ifname);
	return forwarding_give_back(env, &forwarding_ipv4, phrase, len);
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

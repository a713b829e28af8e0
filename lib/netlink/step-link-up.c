/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Step "link-up": the peer's link was down and up set it up; undo sets it down again. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "netlink/steps.h"

static int link_up_apply(struct step_env *env, void *data)
{
	const struct usbnet_backends *be = env->be;
	struct nl_link_info link;
	int r;

	(void)data;
	r = be->nl->link_get(be->nl_h, env->rec->ifname, &link);
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot look up %s: %s", env->rec->ifname, strerror(-r));
	if (link.up)
		return STEP_NOOP;
	r = be->nl->link_set_up(be->nl_h, env->rec->ifindex, true);
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not set %s up: %s", env->rec->ifname,
				strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: link up", env->rec->ifname);
	return 0;
}

static int link_up_check(struct step_env *env, const void *data)
{
	struct nl_link_info link;

	(void)data;
	return env->be->nl->link_get(env->be->nl_h, env->rec->ifname, &link) >= 0 && link.up;
}

static int link_up_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	int r = env->be->nl->link_set_up(env->be->nl_h, env->rec->ifindex, false);

	(void)data;
	if (r == -ENODEV)
		r = 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not set %s down again: %s", env->rec->ifname,
				strerror(-r));
	snprintf(phrase, len, "%s is down again", env->rec->ifname);
	return 0;
}

static void link_up_describe(const void *data, char *buf, size_t len)
{
	(void)data;
	snprintf(buf, len, "link set up");
}

const struct step_kind step_link_up = {
	.name = "link-up",
	.scope = STEP_SCOPE_LINK,
	.size = 0,
	.apply = link_up_apply,
	.undo = link_up_undo,
	.check = link_up_check,
	.describe = link_up_describe,
};

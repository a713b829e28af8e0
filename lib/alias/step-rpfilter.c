/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "rpfilter BEFORE": the interface's net.ipv4.conf.IF.rp_filter set to 2 (loose), because
 * the effective value (the higher of all's and the interface's) was 1 (strict): an isolated
 * peer's answers come from an address the main table routes elsewhere. Nothing to make when it
 * was not strict. Undo: the interface's value from before (it goes with the interface).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alias/alias.h"
#include "core/ctx.h"
#include "core/journal.h"

static int rp_format(const void *data, char *buf, size_t len)
{
	const struct step_rpfilter *d = data;

	if (d->before < 0 || d->before > 2)
		return -EINVAL;
	snprintf(buf, len, "%d", d->before);
	return 0;
}

static int rp_parse(const char *args, void *data)
{
	struct step_rpfilter *d = data;

	if (strlen(args) != 1 || args[0] < '0' || args[0] > '2')
		return -EBADMSG;
	d->before = args[0] - '0';
	return 0;
}

static int rp_apply(struct step_env *env, void *data)
{
	const struct usbnet_backends *be = env->be;
	struct step_rpfilter *d = data;
	int all = 0, own = 0, r;

	if (!be->alias)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no policy routing backend here");
	r = be->alias->conf_get(be->alias_h, "all", "rp_filter", &all);
	if (r >= 0)
		r = be->alias->conf_get(be->alias_h, env->rec->ifname, "rp_filter", &own);
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot read the rp_filter of %s: %s", env->rec->ifname,
				strerror(-r));
	if ((all > own ? all : own) != 1)
		return STEP_NOOP;
	d->before = own;
	r = be->alias->conf_set(be->alias_h, env->rec->ifname, "rp_filter", 2);
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot set the rp_filter of %s: %s", env->rec->ifname,
				strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: rp_filter loose (2)", env->rec->ifname);
	return 0;
}

static int rp_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct usbnet_backends *be = env->be;
	const struct step_rpfilter *d = data;
	int r = -ENOENT;

	if (be->alias)
		r = be->alias->conf_set(be->alias_h, env->rec->ifname, "rp_filter", d->before);
	if (r == -ENOENT || r == -ENODEV)
		r = 0; /* the interface is gone, and its setting with it */
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not give %s its rp_filter back: %s",
				env->rec->ifname, strerror(-r));
	snprintf(phrase, len, "rp_filter of %s back to %d", env->rec->ifname, d->before);
	return 0;
}

static void rp_describe(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "rp_filter loose (was %d)", ((const struct step_rpfilter *)data)->before);
}

const struct step_kind step_rpfilter = {
	.name = "rpfilter",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_rpfilter),
	.apply = rp_apply,
	.undo = rp_undo,
	.format = rp_format,
	.parse = rp_parse,
	.describe = rp_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step kind "bridge-port NAME": the peer's interface was made a port of the bridge NAME. It
 * dies with the interface (the link's scope). An up that finds it recorded checks that the
 * peer is still a port of that bridge, so that one detached by hand is made a port again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bridge/bridge-shared.h"
#include "bridge/bridge.h"
#include "core/ctx.h"
#include "core/journal.h"

static int port_apply(struct step_env *env, void *data)
{
	const struct bridge_port_data *d = data;
	const struct usbnet_backends *be = env->be;
	struct nl_link_detail b, pd;
	int r;

	if (!be->br)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "bridge mode is not available in this build");
	r = be->br->link_detail(be->br_h, d->name, &b);
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot look up the bridge %s: %s", d->name,
				strerror(-r));
	r = be->br->link_detail(be->br_h, env->rec->ifname, &pd);
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot look up %s: %s", env->rec->ifname,
				strerror(-r));
	if (pd.ifindex != env->rec->ifindex)
		return ctx_fail(env->ctx, -ENODEV, "%s is another interface now (index %d, not %d)",
				env->rec->ifname, pd.ifindex, env->rec->ifindex);
	if (pd.master == b.ifindex)
		return STEP_NOOP; /* a port already, not made by us */
	r = be->br->link_set_master(be->br_h, env->rec->ifindex, b.ifindex);
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not make %s a port of %s: %s", env->rec->ifname,
				d->name, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: a port of %s", env->rec->ifname, d->name);
	return 0;
}

static int port_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct bridge_port_data *d = data;
	const struct usbnet_backends *be = env->be;
	struct nl_link_detail b, pd;
	int r;

	if (!be->br)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "bridge mode is not available in this build");
	r = be->br->link_detail(be->br_h, env->rec->ifname, &pd);
	if (r == -ENODEV || (r >= 0 && pd.ifindex != env->rec->ifindex)) {
		snprintf(phrase, len, "%s is gone from %s", env->rec->ifname, d->name);
		return 0;
	}
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot look up %s: %s", env->rec->ifname,
				strerror(-r));
	/* Only out of the bridge we put it in (pending: perhaps never put in). */
	if (pd.master && be->br->link_detail(be->br_h, d->name, &b) >= 0 &&
	    b.ifindex == pd.master) {
		r = be->br->link_set_master(be->br_h, env->rec->ifindex, 0);
		if (r < 0 && r != -ENODEV)
			return ctx_fail(env->ctx, r, "could not take %s out of %s: %s",
					env->rec->ifname, d->name, strerror(-r));
	}
	snprintf(phrase, len, "%s taken out of %s", env->rec->ifname, d->name);
	return 0;
}

/* Still a port of that bridge (what bridge_in_place was). */
static int port_check(struct step_env *env, const void *data)
{
	const struct bridge_port_data *d = data;
	const struct usbnet_backends *be = env->be;
	struct nl_link_detail b, pd;

	if (!be->br || be->br->link_detail(be->br_h, d->name, &b) < 0 ||
	    be->br->link_detail(be->br_h, env->rec->ifname, &pd) < 0)
		return 0;
	return pd.ifindex == env->rec->ifindex && pd.master == b.ifindex;
}

static int port_format(const void *data, char *buf, size_t len)
{
	const struct bridge_port_data *d = data;
	int n;

	if (!bridge_step_name_ok(d->name))
		return -EINVAL;
	n = snprintf(buf, len, "%s", d->name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int port_parse(const char *args, void *data)
{
	struct bridge_port_data *d = data;

	if (!bridge_step_name_ok(args))
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", args);
	return 0;
}

static void port_describe(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "a port of the bridge %s", ((const struct bridge_port_data *)data)->name);
}

const struct step_kind step_bridge_port = {
	.name = "bridge-port",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct bridge_port_data),
	.apply = port_apply,
	.undo = port_undo,
	.check = port_check,
	.format = port_format,
	.parse = port_parse,
	.describe = port_describe,
};

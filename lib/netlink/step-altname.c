/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "altname NAME": the peer's name as an alternative name of its interface
 * (IFLA_ALT_IFNAME), so that `ip link show NAME` and `ping -I NAME` find it. A name another
 * link holds already is left to it: this link then goes without (not a failure of up), and a
 * kernel without altnames (before 5.5) likewise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "netlink/steps.h"

static int altname_format(const void *data, char *buf, size_t len)
{
	const struct step_altname *d = data;

	if (!usbnet_name_valid(d->name))
		return -EINVAL;
	snprintf(buf, len, "%s", d->name);
	return 0;
}

static int altname_parse(const char *args, void *data)
{
	struct step_altname *d = data;

	if (!usbnet_name_valid(args))
		return -EBADMSG;
	snprintf(d->name, sizeof(d->name), "%s", args);
	return 0;
}

static int altname_apply(struct step_env *env, void *data)
{
	const struct step_altname *d = data;
	const struct usbnet_netlink_ops *nl = env->be->nl;
	int ifindex = 0, r;

	if (!nl->altname_add || !nl->altname_find) {
		ctx_log(env->ctx, USBNET_LOG_INFO, "%s: no altnames here; it is not named %s",
			env->rec->ifname, d->name);
		return STEP_NOOP;
	}
	r = nl->altname_find(env->be->nl_h, d->name, &ifindex);
	if (r < 0 && r != -ENODEV)
		return ctx_fail(env->ctx, r, "cannot look up the name %s: %s", d->name, strerror(-r));
	if (r == 0) {
		if (ifindex != env->rec->ifindex)
			ctx_log(env->ctx, USBNET_LOG_WARNING,
				"%s: the name %s is another interface's (index %d); %s goes without",
				env->rec->ifname, d->name, ifindex, env->rec->ifname);
		return STEP_NOOP; /* ours already (not made by us), or someone else's */
	}
	r = nl->altname_add(env->be->nl_h, env->rec->ifindex, d->name);
	if (r == -EEXIST)
		return STEP_NOOP; /* taken meanwhile */
	if (r == -EOPNOTSUPP || r == -EINVAL) {
		/* a kernel before 5.5: RTM_NEWLINKPROP is unknown to it */
		ctx_log(env->ctx, USBNET_LOG_WARNING, "%s: the kernel does not take altnames (%s); "
			"it is not named %s", env->rec->ifname, strerror(-r), d->name);
		return STEP_NOOP;
	}
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not name %s %s (altname): %s", env->rec->ifname,
				d->name, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: named %s", env->rec->ifname, d->name);
	return 0;
}

static int altname_check(struct step_env *env, const void *data)
{
	const struct step_altname *d = data;
	int ifindex = 0;

	if (!env->be->nl->altname_find)
		return 1;
	return env->be->nl->altname_find(env->be->nl_h, d->name, &ifindex) == 0 &&
	       ifindex == env->rec->ifindex;
}

static int altname_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_altname *d = data;
	int r = -ENOENT;

	if (env->be->nl->altname_del)
		r = env->be->nl->altname_del(env->be->nl_h, env->rec->ifindex, d->name);
	/* -EINVAL: the name is another link's now (ours went, someone took it) */
	if (r == -ENOENT || r == -ENODEV || r == -EOPNOTSUPP || r == -EINVAL)
		r = 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not remove the name %s of %s: %s", d->name,
				env->rec->ifname, strerror(-r));
	snprintf(phrase, len, "name %s removed from %s", d->name, env->rec->ifname);
	return 0;
}

static void altname_report(const void *data, struct usbnet_status *status)
{
	const struct step_altname *d = data;

	snprintf(status->name, sizeof(status->name), "%s", d->name);
}

static void altname_describe(const void *data, char *buf, size_t len)
{
	const struct step_altname *d = data;

	snprintf(buf, len, "the name %s (altname)", d->name);
}

const struct step_kind step_altname = {
	.name = "altname",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_altname),
	.apply = altname_apply,
	.undo = altname_undo,
	.check = altname_check,
	.format = altname_format,
	.parse = altname_parse,
	.report = altname_report,
	.describe = altname_describe,
};

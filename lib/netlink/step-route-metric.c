/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "route-metric A.B.C.D/N METRIC": a link-scoped route of the main table through the
 * peer's link, with a metric of its own. Several links may each hold a route to the same
 * prefix (one per Raspberry Pi, to its probe's source): the kernel refuses a second route with
 * the same destination and metric (EEXIST), so each link's metric differs (its ifindex). Never
 * a /0 (down would remove a default route). Undo: that route (gone: undone; it goes with the
 * link).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "netlink/steps.h"

static int rm_format(const void *data, char *buf, size_t len)
{
	const struct step_route_metric *d = data;
	char s[32];

	if (d->dst.prefix == 0 || d->dst.prefix > 32)
		return -EINVAL;
	snprintf(buf, len, "%s %u", usbnet_ip4_format(&d->dst, s, sizeof(s)), d->metric);
	return 0;
}

static int rm_parse(const char *args, void *data)
{
	struct step_route_metric *d = data;
	char dst[32], back[STEP_ARGS_MAX];
	unsigned metric;

	if (sscanf(args, "%31s %u", dst, &metric) != 2 ||
	    usbnet_ip4_parse(dst, true, &d->dst) < 0 || d->dst.prefix == 0)
		return -EBADMSG;
	d->metric = metric;
	if (rm_format(d, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	return 0;
}

static void rm_full(const struct step_env *env, const struct step_route_metric *d,
		    struct nl_route_full *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->dst = d->dst;
	rt->table = RT_TABLE_MAIN;
	rt->protocol = RTPROT_STATIC;
	rt->scope = RT_SCOPE_LINK;
	rt->type = RTN_UNICAST;
	rt->metric = d->metric;
	rt->ifindex = env->rec->ifindex;
}

static int rm_apply(struct step_env *env, void *data)
{
	const struct step_route_metric *d = data;
	struct nl_route_full rt;
	char s[32];
	int r;

	usbnet_ip4_format(&d->dst, s, sizeof(s));
	if (!env->be->br)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no route backend here for a route to %s",
				s);
	rm_full(env, d, &rt);
	r = env->be->br->route_add_full(env->be->br_h, &rt);
	if (r == -EEXIST)
		return STEP_NOOP;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not add a route to %s through %s: %s", s,
				env->rec->ifname, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: route to %s (metric %u) added", env->rec->ifname, s,
		d->metric);
	return 0;
}

static int rm_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_route_metric *d = data;
	struct nl_route_full rt;
	char s[32];
	int r = -ESRCH;

	usbnet_ip4_format(&d->dst, s, sizeof(s));
	rm_full(env, d, &rt);
	if (env->be->br)
		r = env->be->br->route_del_full(env->be->br_h, &rt);
	if (r == -ESRCH || r == -ENOENT || r == -ENODEV)
		r = 0; /* gone (with the link, or by hand) */
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not remove the route to %s from %s: %s", s,
				env->rec->ifname, strerror(-r));
	snprintf(phrase, len, "route to %s (metric %u) removed", s, d->metric);
	return 0;
}

static void rm_describe(const void *data, char *buf, size_t len)
{
	const struct step_route_metric *d = data;
	char s[32];

	snprintf(buf, len, "route to %s metric %u", usbnet_ip4_format(&d->dst, s, sizeof(s)),
		 d->metric);
}

const struct step_kind step_route_metric = {
    .name = "route-metric",
    .scope = STEP_SCOPE_LINK,
    .size = sizeof(struct step_route_metric),
    .apply = rm_apply,
    .undo = rm_undo,
    .format = rm_format,
    .parse = rm_parse,
    .describe = rm_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "table-route DST/N SRC TABLE": a link-scoped route through the peer's interface in its
 * own routing table, from the host's address there (alias.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alias/alias.h"
#include "core/ctx.h"
#include "core/journal.h"

static int tr_format(const void *data, char *buf, size_t len)
{
	const struct step_table_route *d = data;
	char dst[32], src[INET_ADDRSTRLEN];

	if (d->dst.prefix == 0 || d->dst.prefix > 32 || d->table < ALIAS_TABLE_BASE)
		return -EINVAL;
	usbnet_ip4_format(&d->dst, dst, sizeof(dst));
	inet_ntop(AF_INET, &d->src, src, sizeof(src));
	snprintf(buf, len, "%s %s %u", dst, src, d->table);
	return 0;
}

static int tr_parse(const char *args, void *data)
{
	struct step_table_route *d = data;
	char dst[32], src[32], back[STEP_ARGS_MAX];
	unsigned table;

	if (sscanf(args, "%31s %31s %u", dst, src, &table) != 3 ||
	    usbnet_ip4_parse(dst, true, &d->dst) < 0 || d->dst.prefix == 0 ||
	    inet_pton(AF_INET, src, &d->src) != 1)
		return -EBADMSG;
	d->table = table;
	if (tr_format(d, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	return 0;
}

static struct nl_route_full full(const struct step_env *env, const struct step_table_route *d)
{
	struct nl_route_full rt = {
		.dst = d->dst,
		.has_src = true,
		.src = d->src,
		.table = d->table,
		.protocol = 4, /* RTPROT_STATIC */
		.scope = 253,  /* RT_SCOPE_LINK */
		.type = 1,     /* RTN_UNICAST */
		.ifindex = env->rec->ifindex,
	};
	uint32_t m = d->dst.prefix ? htonl(~0u << (32 - d->dst.prefix)) : 0;

	rt.dst.addr.s_addr &= m;
	return rt;
}

static int tr_apply(struct step_env *env, void *data)
{
	const struct step_table_route *d = data;
	struct nl_route_full rt = full(env, d);
	char s[32];
	int r;

	usbnet_ip4_format(&d->dst, s, sizeof(s));
	if (!env->be->br)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no route backend here");
	r = env->be->br->route_add_full(env->be->br_h, &rt);
	if (r == -EEXIST)
		return STEP_NOOP;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not add the route to %s through %s (table %u): %s",
				s, env->rec->ifname, d->table, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: route to %s in table %u added", env->rec->ifname,
		s, d->table);
	return 0;
}

static int tr_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_table_route *d = data;
	struct nl_route_full rt = full(env, d);
	char s[32];
	int r = 0;

	usbnet_ip4_format(&d->dst, s, sizeof(s));
	if (env->be->br)
		r = env->be->br->route_del_full(env->be->br_h, &rt);
	if (r == -ESRCH || r == -ENOENT || r == -ENODEV)
		r = 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not remove the route to %s (table %u): %s", s,
				d->table, strerror(-r));
	snprintf(phrase, len, "route to %s in table %u removed", s, d->table);
	return 0;
}

static void tr_describe(const void *data, char *buf, size_t len)
{
	const struct step_table_route *d = data;
	char s[32];

	snprintf(buf, len, "route to %s in table %u", usbnet_ip4_format(&d->dst, s, sizeof(s)),
		 d->table);
}

const struct step_kind step_table_route = {
	.name = "table-route",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_table_route),
	.apply = tr_apply,
	.undo = tr_undo,
	.format = tr_format,
	.parse = tr_parse,
	.describe = tr_describe,
};

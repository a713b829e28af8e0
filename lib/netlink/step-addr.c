/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Steps "addr A.B.C.D/N" and "route A.B.C.D/N": an IPv4 address on the peer's link, and a
 * link-scoped route through it (to a peer outside the host's subnet). Neither is ever a /0:
 * a record saying so would have down remove a default route or a whole address space. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "core/step-ip.h"
#include "netlink/steps.h"

static int addr_apply(struct step_env *env, void *data)
{
	const struct step_ip *d = data;
	const struct usbnet_backends *be = env->be;
	char s[32];
	int r;

	r = step_ip_present(env, &d->ip);
	if (r < 0)
		return r;
	if (r > 0) {
		/* Someone else's: not touched, and not ours to remove. */
		ctx_log(env->ctx, USBNET_LOG_INFO, "%s: %s is there already", env->rec->ifname,
			usbnet_ip4_format(&d->ip, s, sizeof(s)));
		return STEP_NOOP;
	}
	r = be->nl->addr_add(be->nl_h, env->rec->ifindex, &d->ip);
	return step_ip_added(env, &d->ip, r, ""); /* -EEXIST: it appeared meanwhile, not ours */
}

static int addr_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_ip *d = data;
	int r;

	r = env->be->nl->addr_del(env->be->nl_h, env->rec->ifindex, &d->ip);
	if (r == -EADDRNOTAVAIL || r == -ENODEV)
		r = 0;
	return step_ip_removed(env, &d->ip, r, phrase, len);
}

static void addr_describe(const void *data, char *buf, size_t len)
{
	const struct step_ip *d = data;
	char s[32];

	snprintf(buf, len, "address %s", usbnet_ip4_format(&d->ip, s, sizeof(s)));
}

const struct step_kind step_addr = {
	.name = "addr",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_ip),
	.apply = addr_apply,
	.undo = addr_undo,
	.check = step_ip_check,
	.format = step_ip_format,
	.parse = step_ip_parse,
	.describe = addr_describe,
};

static int route_apply(struct step_env *env, void *data)
{
	const struct step_ip *d = data;
	char s[INET_ADDRSTRLEN];
	int r;

	inet_ntop(AF_INET, &d->ip.addr, s, sizeof(s));
	r = env->be->nl->route_add(env->be->nl_h, env->rec->ifindex, &d->ip);
	if (r == -EEXIST)
		return STEP_NOOP;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not add a route to %s through %s: %s", s,
				env->rec->ifname, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: route to %s added", env->rec->ifname, s);
	return 0;
}

static int route_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_ip *d = data;
	char s[32];
	int r;

	usbnet_ip4_format(&d->ip, s, sizeof(s));
	r = env->be->nl->route_del(env->be->nl_h, env->rec->ifindex, &d->ip);
	if (r == -ESRCH || r == -ENODEV)
		r = 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not remove the route to %s from %s: %s", s,
				env->rec->ifname, strerror(-r));
	snprintf(phrase, len, "route to %s removed", s);
	return 0;
}

static void route_describe(const void *data, char *buf, size_t len)
{
	const struct step_ip *d = data;
	char s[32];

	snprintf(buf, len, "route to %s", usbnet_ip4_format(&d->ip, s, sizeof(s)));
}

const struct step_kind step_route = {
	.name = "route",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_ip),
	.apply = route_apply,
	.undo = route_undo,
	.format = step_ip_format,
	.parse = step_ip_parse,
	.describe = route_describe,
};

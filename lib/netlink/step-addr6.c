/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "addr6 X:X::1/64": up added this IPv6 address to the peer's link (gateway mode sharing
 * IPv6: the host's address in the link's /64, which the router advertisements announce and
 * the DNS forwarder listens on). Added without duplicate address detection: the link is the
 * peer's alone, and dnsmasq needs the address at once. Undo takes "not there" as undone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "netlink/steps.h"

static int addr6_do(struct step_env *env, void *data)
{
	const struct step_ip6 *d = data;
	const struct usbnet_backends *be = env->be;
	char a[INET6_ADDRSTRLEN];
	int r;

	inet_ntop(AF_INET6, &d->addr, a, sizeof(a));
	if (!be->nl->addr6_add)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "%s: no IPv6 address backend here",
				env->rec->ifname);
	r = be->nl->addr6_add(be->nl_h, env->rec->ifindex, &d->addr, d->prefix);
	if (r == -EEXIST)
		return STEP_NOOP; /* someone's already: not ours to remove */
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not add %s/%u to %s: %s", a, d->prefix,
				env->rec->ifname, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: %s/%u added", env->rec->ifname, a, d->prefix);
	return 0;
}

static int addr6_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_ip6 *d = data;
	const struct usbnet_backends *be = env->be;
	char a[INET6_ADDRSTRLEN];
	int r;

	inet_ntop(AF_INET6, &d->addr, a, sizeof(a));
	if (!be->nl->addr6_del)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no IPv6 address backend to remove %s", a);
	r = be->nl->addr6_del(be->nl_h, env->rec->ifindex, &d->addr, d->prefix);
	if (r == -EADDRNOTAVAIL || r == -ENODEV || r == -ENOENT || r == -ESRCH)
		return 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not remove %s/%u from %s: %s", a, d->prefix,
				env->rec->ifname, strerror(-r));
	snprintf(phrase, len, "address %s/%u removed", a, d->prefix);
	return 0;
}

static int addr6_format(const void *data, char *buf, size_t len)
{
	const struct step_ip6 *d = data;
	char a[INET6_ADDRSTRLEN];
	int n;

	if (d->prefix < 1 || d->prefix > 128)
		return -EINVAL;
	inet_ntop(AF_INET6, &d->addr, a, sizeof(a));
	n = snprintf(buf, len, "%s/%u", a, d->prefix);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int addr6_parse(const char *args, void *data)
{
	struct step_ip6 d;
	char a[INET6_ADDRSTRLEN + 1], back[STEP_ARGS_MAX];
	const char *slash = strchr(args, '/');
	unsigned prefix;
	int end = -1;

	if (!slash || (size_t)(slash - args) >= sizeof(a))
		return -EBADMSG;
	memcpy(a, args, (size_t)(slash - args));
	a[slash - args] = '\0';
	memset(&d, 0, sizeof(d));
	if (inet_pton(AF_INET6, a, &d.addr) != 1 || sscanf(slash + 1, "%u%n", &prefix, &end) != 1 ||
	    end < 0 || slash[1 + end] != '\0' || prefix < 1 || prefix > 128)
		return -EBADMSG;
	d.prefix = prefix;
	if (addr6_format(&d, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	memcpy(data, &d, sizeof(d));
	return 0;
}

static void addr6_describe(const void *data, char *buf, size_t len)
{
	if (addr6_format(data, buf, len) < 0)
		snprintf(buf, len, "an IPv6 address");
}

const struct step_kind step_addr6 = {
	.name = "addr6",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_ip6),
	.apply = addr6_do,
	.undo = addr6_undo,
	.format = addr6_format,
	.parse = addr6_parse,
	.describe = addr6_describe,
};

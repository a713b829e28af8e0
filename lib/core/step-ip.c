/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The record line, the presence and the messages of an address step's address (core/step-ip.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "core/step-ip.h"

int step_ip_format(const void *data, char *buf, size_t len)
{
	const struct usbnet_ip4 *ip = data;

	if (ip->prefix == 0 || ip->prefix > 32)
		return -EINVAL;
	usbnet_ip4_format(ip, buf, len);
	return 0;
}

int step_ip_parse(const char *args, void *data)
{
	struct usbnet_ip4 *ip = data;
	char back[32];

	if (usbnet_ip4_parse(args, true, ip) < 0 || ip->prefix == 0)
		return -EBADMSG;
	/* Only the canonical form the writer produces. */
	usbnet_ip4_format(ip, back, sizeof(back));
	return strcmp(back, args) == 0 ? 0 : -EBADMSG;
}

int step_ip_on_link(struct step_env *env, const struct usbnet_ip4 *ip)
{
	const struct usbnet_backends *be = env->be;
	struct nl_addr_entry *addrs = NULL;
	size_t n = 0;
	int found = 0, r;

	r = be->nl->addr_list(be->nl_h, env->rec->ifindex, &addrs, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		if (addrs[i].ifindex == env->rec->ifindex && addrs[i].ip.addr.s_addr == ip->addr.s_addr &&
		    addrs[i].ip.prefix == ip->prefix)
			found = 1;
	free(addrs);
	return found;
}

int step_ip_check(struct step_env *env, const void *data)
{
	return step_ip_on_link(env, data) > 0;
}

int step_ip_present(struct step_env *env, const struct usbnet_ip4 *ip)
{
	int r = step_ip_on_link(env, ip);

	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot list the addresses of %s: %s",
				env->rec->ifname, strerror(-r));
	return r;
}

int step_ip_added(struct step_env *env, const struct usbnet_ip4 *ip, int r, const char *note)
{
	char s[32];

	usbnet_ip4_format(ip, s, sizeof(s));
	if (r == -EEXIST)
		return STEP_NOOP;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not add address %s to %s: %s", s,
				env->rec->ifname, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: address %s added%s", env->rec->ifname, s, note);
	return 0;
}

int step_ip_removed(struct step_env *env, const struct usbnet_ip4 *ip, int r, char *phrase,
		    size_t len)
{
	char s[32];

	usbnet_ip4_format(ip, s, sizeof(s));
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not remove address %s from %s: %s", s,
				env->rec->ifname, strerror(-r));
	snprintf(phrase, len, "address %s removed from %s", s, env->rec->ifname);
	return 0;
}

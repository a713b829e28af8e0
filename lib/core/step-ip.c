/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The record line and the presence of an address step's address (core/step-ip.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/backend.h"
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "addr-noprefix A.B.C.D/N": the host's address on an isolated peer's link without the
 * prefix route the kernel would put in the main table (IFA_F_NOPREFIXROUTE): the subnet is
 * routed in the peer's own table (table-route), and the first peer keeps the plain address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>

#include "alias/alias.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "core/step-ip.h"

static struct nl_addr_full full(const struct step_addr_alone *d)
{
	struct nl_addr_full a = { .ip = d->ip, .flags = IFA_F_NOPREFIXROUTE,
				  .valid_lft = 0xffffffffu };
	uint32_t m = d->ip.prefix ? htonl(~0u << (32 - d->ip.prefix)) : 0;

	if (d->ip.prefix < 31) {
		a.has_brd = true;
		a.brd.s_addr = d->ip.addr.s_addr | ~m;
	}
	return a;
}

static int aa_apply(struct step_env *env, void *data)
{
	const struct step_addr_alone *d = data;
	struct nl_addr_full a = full(d);
	int r;

	if (!env->be->br)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no address backend here");
	r = step_ip_present(env, &d->ip);
	if (r != 0)
		return r > 0 ? STEP_NOOP : r;
	r = env->be->br->addr_add_full(env->be->br_h, env->rec->ifindex, &a);
	return step_ip_added(env, &d->ip, r, " (no prefix route)");
}

static int aa_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_addr_alone *d = data;
	struct nl_addr_full a = full(d);
	int r = 0;

	if (env->be->br)
		r = env->be->br->addr_del_full(env->be->br_h, env->rec->ifindex, &a);
	if (r == -EADDRNOTAVAIL || r == -ENODEV || r == -ENOENT)
		r = 0;
	return step_ip_removed(env, &d->ip, r, phrase, len);
}

static void aa_describe(const void *data, char *buf, size_t len)
{
	char s[32];

	snprintf(buf, len, "address %s (no prefix route)",
		 usbnet_ip4_format(&((const struct step_addr_alone *)data)->ip, s, sizeof(s)));
}

const struct step_kind step_addr_alone = {
	.name = "addr-noprefix",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_addr_alone),
	.apply = aa_apply,
	.undo = aa_undo,
	.check = step_ip_check,
	.format = step_ip_format,
	.parse = step_ip_parse,
	.describe = aa_describe,
};

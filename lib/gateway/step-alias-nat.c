/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "alias-nat IF ALIAS PEER HOST 0xMARK": an isolated peer's alias chains in usbnet-host's
 * table (nft.h): traffic of the host's programs to ALIAS is marked for the peer's own routing
 * table, sent to PEER, and leaves IF from HOST. The step holds the alias: the pool is the set
 * of these steps in the run directory. One batch each way, under the gateway lock (the table
 * is shared); the guard is left alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ifname.h"
#include "gateway/gateway.h"
#include "gateway/nft.h"

_Static_assert(sizeof(struct nft_alias) <= STEP_DATA_MAX, "alias-nat step data too large");

static int an_format(const void *data, char *buf, size_t len)
{
	const struct nft_alias *d = data;
	char a[INET_ADDRSTRLEN], p[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];

	if (!ifname_valid(d->ifname) || d->mark == 0)
		return -EINVAL;
	inet_ntop(AF_INET, &d->alias, a, sizeof(a));
	inet_ntop(AF_INET, &d->peer, p, sizeof(p));
	inet_ntop(AF_INET, &d->host, h, sizeof(h));
	snprintf(buf, len, "%s %s %s %s 0x%x", d->ifname, a, p, h, d->mark);
	return 0;
}

static int an_parse(const char *args, void *data)
{
	struct nft_alias *d = data;
	char ifn[32], a[32], p[32], h[32], back[STEP_ARGS_MAX];
	unsigned mark;

	if (sscanf(args, "%31s %31s %31s %31s 0x%x", ifn, a, p, h, &mark) != 5 ||
	    strlen(ifn) >= sizeof(d->ifname) || inet_pton(AF_INET, a, &d->alias) != 1 ||
	    inet_pton(AF_INET, p, &d->peer) != 1 || inet_pton(AF_INET, h, &d->host) != 1)
		return -EBADMSG;
	memcpy(d->ifname, ifn, strlen(ifn) + 1);
	d->mark = mark;
	if (an_format(d, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	return 0;
}

static int commit(struct step_env *env, const struct nft_alias *d, bool add)
{
	const struct usbnet_backends *be = env->be;
	struct nft_change *c;
	char err[256] = "";
	int lock = -1, r;

	if (!be->gw)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no nftables backend here");
	c = calloc(1, sizeof(*c));
	if (!c)
		return ctx_fail(env->ctx, -ENOMEM, "out of memory");
	c->keep_guard = true;
	if (add) {
		c->alias_add[0] = *d;
		c->n_alias_add = 1;
	} else {
		memcpy(c->alias_del[0], d->ifname, sizeof(c->alias_del[0]));
		c->n_alias_del = 1;
	}
	r = gateway_lock(env->ctx, &lock);
	if (r >= 0) {
		r = be->gw->nft_commit(be->gw_h, c, err, sizeof(err));
		if (r < 0)
			r = ctx_fail(env->ctx, gateway_nft_errno(r),
				     "could not %s the alias chains of %s (table ip %s): %s",
				     add ? "add" : "remove", d->ifname, NFT_TABLE,
				     err[0] ? err : strerror(-r));
		gateway_unlock(lock);
	}
	free(c);
	return r;
}

static int an_apply(struct step_env *env, void *data)
{
	const struct nft_alias *d = data;
	char a[INET_ADDRSTRLEN];
	int r = commit(env, d, true);

	if (r < 0)
		return r;
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: reached at %s (alias chains)", d->ifname,
		inet_ntop(AF_INET, &d->alias, a, sizeof(a)));
	return 0;
}

static int an_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct nft_alias *d = data;
	char a[INET_ADDRSTRLEN];
	int r = commit(env, d, false);

	if (r < 0)
		return r;
	snprintf(phrase, len, "alias %s of %s released (nftables chains)",
		 inet_ntop(AF_INET, &d->alias, a, sizeof(a)), d->ifname);
	return 0;
}

static void an_report(const void *data, struct usbnet_status *status)
{
	const struct nft_alias *d = data;

	status->has_reach = true;
	status->reach = d->alias;
}

static void an_describe(const void *data, char *buf, size_t len)
{
	const struct nft_alias *d = data;
	char a[INET_ADDRSTRLEN];

	snprintf(buf, len, "alias %s (nftables chains alias-*-%s)",
		 inet_ntop(AF_INET, &d->alias, a, sizeof(a)), d->ifname);
}

const struct step_kind step_alias_nat = {
	.name = "alias-nat",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct nft_alias),
	.apply = an_apply,
	.undo = an_undo,
	.format = an_format,
	.parse = an_parse,
	.report = an_report,
	.describe = an_describe,
};

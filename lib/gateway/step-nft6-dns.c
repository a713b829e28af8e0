/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "nft6-dns": the ip6 input chain that keeps a gateway peer's DNS forwarder, on
 * the link's IPv6 address PREFIX::1 as well, to the peer's own link (nft6.h: chain input-IF,
 * port 53 on that address dropped from any interface but IF and lo). nft-dns's twin for table
 * ip6 usbnet_host: made before the forwarder starts, undone after it stopped. Recorded as
 *
 *	step nft6-dns PREFIX::1
 *
 * One batch each way, under the gateway lock: the table is shared with the other peers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "gateway/nft6.h"

_Static_assert(sizeof(struct nft6_dns_step) <= STEP_DATA_MAX, "nft6-dns step data too large");

static int commit(struct step_env *env, struct nft6_change *c, const char *what)
{
	const struct usbnet_backends *be = env->be;
	char err[256] = "";
	int lock = -1, r;

	if (!be->gw || !be->gw->nft6_commit)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "%s: no IPv6 nftables backend here",
				env->rec->ifname);
	r = gateway_lock(env->ctx, &lock);
	if (r < 0)
		return r;
	r = be->gw->nft6_commit(be->gw_h, c, err, sizeof(err));
	gateway_unlock(lock);
	if (r < 0)
		return ctx_fail(env->ctx, gateway_nft_errno(r), "could not %s (table ip6 %s): %s",
				what, NFT_TABLE, err[0] ? err : strerror(-r));
	return 0;
}

static int nft6_dns_apply(struct step_env *env, void *data)
{
	const struct nft6_dns_step *d = data;
	const char *ifname = env->rec->ifname;
	struct nft6_change *c;
	char a[INET6_ADDRSTRLEN];
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return ctx_fail(env->ctx, -ENOMEM, "out of memory");
	c->input_only = true;
	c->has_input_add = true;
	memcpy(c->input_add.ifname, ifname, sizeof(c->input_add.ifname));
	c->input_add.host = d->host;
	r = commit(env, c, "add the nftables input rule for the DNS forwarder's IPv6 address");
	free(c);
	if (r < 0)
		return r;
	inet_ntop(AF_INET6, &d->host, a, sizeof(a));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: nftables: port 53 on %s answers %s only", ifname, a,
		ifname);
	return 0;
}

/* Pending or made: the batch deletes the chain only where it exists. */
static int nft6_dns_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const char *ifname = env->rec->ifname;
	struct nft6_change *c;
	int r;

	(void)data;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ctx_fail(env->ctx, -ENOMEM, "out of memory");
	c->input_only = true;
	memcpy(c->input_del, ifname, sizeof(c->input_del));
	r = commit(env, c, "remove the nftables input chain");
	free(c);
	if (r < 0)
		return r;
	snprintf(phrase, len, "nftables ip6 input chain of %s removed", ifname);
	return 0;
}

static bool unspecified(const struct in6_addr *a)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;

	return memcmp(a, &any, sizeof(any)) == 0;
}

/* "PREFIX::1" */
static int nft6_dns_format(const void *data, char *buf, size_t len)
{
	const struct nft6_dns_step *d = data;

	if (unspecified(&d->host))
		return -EINVAL;
	if (len < INET6_ADDRSTRLEN || !inet_ntop(AF_INET6, &d->host, buf, (socklen_t)len))
		return -ENOBUFS;
	return 0;
}

static int nft6_dns_parse(const char *args, void *data)
{
	struct nft6_dns_step *d = data;
	struct in6_addr a;
	char back[INET6_ADDRSTRLEN];

	if (strlen(args) >= sizeof(back) || inet_pton(AF_INET6, args, &a) != 1 || unspecified(&a))
		return -EBADMSG;
	/* Only the canonical form the writer produces */
	inet_ntop(AF_INET6, &a, back, sizeof(back));
	if (strcmp(back, args) != 0)
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	d->host = a;
	return 0;
}

static void nft6_dns_describe(const void *data, char *buf, size_t len)
{
	const struct nft6_dns_step *d = data;
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &d->host, a, sizeof(a));
	snprintf(buf, len,
		 "nftables input chain in table ip6 %s: port 53 on %s from this link only",
		 NFT_TABLE, a);
}

const struct step_kind step_nft6_dns = {
	.name = "nft6-dns",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct nft6_dns_step),
	.apply = nft6_dns_apply,
	.undo = nft6_dns_undo,
	.format = nft6_dns_format,
	.parse = nft6_dns_parse,
	.describe = nft6_dns_describe,
};

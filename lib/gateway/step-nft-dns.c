/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "nft-dns": the input chain that keeps a gateway peer's DNS forwarder to the
 * peer's own link (nft.h: chain input-IF, port 53 on the peer-side address dropped from any
 * interface but IF and lo). Made before the forwarder starts, so that it never answers
 * anything else, and undone after it stopped (the undo walk goes backwards). Recorded as
 *
 *	step nft-dns A.B.C.D
 *
 * (the peer-side address the forwarder listens on). One batch each way, under the gateway
 * lock: the table is shared with the other gateway peers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gateway.h"

_Static_assert(sizeof(struct nft_dns_step) <= STEP_DATA_MAX, "nft-dns step data too large");

/* The batch under the gateway lock; 1 when the lock was not had (ctx says why). */
static int commit(struct step_env *env, struct nft_change *c, char *err, size_t errlen,
		  int *ret_r)
{
	int lock = -1, r;

	r = gateway_lock(env->ctx, &lock);
	if (r < 0) {
		*ret_r = r;
		return 1;
	}
	*ret_r = env->be->gw->nft_commit(env->be->gw_h, c, err, errlen);
	gateway_unlock(lock);
	return 0;
}

static int nft_dns_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct nft_dns_step *d = data;
	const char *ifname = env->rec->ifname;
	struct nft_change *c;
	char err[256] = "", a[INET_ADDRSTRLEN];
	bool locked;
	int r;

	if (!env->be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: gateway mode has no backend here", ifname);
	c = calloc(1, sizeof(*c));
	if (!c)
		return ctx_fail(ctx, -ENOMEM, "out of memory");
	c->input_only = true;
	memcpy(c->input_add[0].ifname, ifname, sizeof(c->input_add[0].ifname));
	c->input_add[0].host = d->host;
	c->n_input_add = 1;
	inet_ntop(AF_INET, &d->host, a, sizeof(a));
	locked = commit(env, c, err, sizeof(err), &r) == 0;
	free(c);
	if (r < 0)
		return !locked ? r
			   : ctx_fail(ctx, gateway_nft_errno(r),
				      "could not add the nftables input rule for the DNS forwarder "
				      "of %s (table ip %s): %s",
				      ifname, NFT_TABLE, err[0] ? err : strerror(-r));
	ctx_log(ctx, USBNET_LOG_INFO, "%s: nftables: port 53 on %s answers %s only", ifname, a,
		ifname);
	return 0;
}

/* Pending or made: the batch deletes the chain only where it exists. */
static int nft_dns_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const char *ifname = env->rec->ifname;
	struct nft_change *c;
	char err[256] = "";
	bool locked;
	int r;

	(void)data;
	if (!env->be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "no gateway backend to undo %s's steps", ifname);
	c = calloc(1, sizeof(*c));
	if (!c)
		return ctx_fail(ctx, -ENOMEM, "out of memory");
	c->input_only = true;
	memcpy(c->input_del[0], ifname, sizeof(c->input_del[0]));
	c->n_input_del = 1;
	locked = commit(env, c, err, sizeof(err), &r) == 0;
	free(c);
	if (r < 0)
		return !locked ? r
			   : ctx_fail(ctx, gateway_nft_errno(r),
				      "could not remove the nftables input chain of %s (table ip %s): "
				      "%s",
				      ifname, NFT_TABLE, err[0] ? err : strerror(-r));
	snprintf(phrase, len, "nftables input chain of %s removed", ifname);
	return 0;
}

/* "A.B.C.D" */
static int nft_dns_format(const void *data, char *buf, size_t len)
{
	const struct nft_dns_step *d = data;

	/* Only what the reader takes back: down acts on it. */
	if (d->host.s_addr == 0)
		return -EINVAL;
	if (len < INET_ADDRSTRLEN || !inet_ntop(AF_INET, &d->host, buf, (socklen_t)len))
		return -ENOBUFS;
	return 0;
}

static int nft_dns_parse(const char *args, void *data)
{
	struct nft_dns_step *d = data;
	struct in_addr a;
	char back[INET_ADDRSTRLEN];

	if (strlen(args) >= sizeof(back) || inet_pton(AF_INET, args, &a) != 1 || a.s_addr == 0)
		return -EBADMSG;
	/* Only the canonical form the writer produces */
	inet_ntop(AF_INET, &a, back, sizeof(back));
	if (strcmp(back, args) != 0)
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	d->host = a;
	return 0;
}

static void nft_dns_describe(const void *data, char *buf, size_t len)
{
	const struct nft_dns_step *d = data;
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &d->host, a, sizeof(a));
	snprintf(buf, len, "nftables input chain in table ip %s: port 53 on %s from this link only",
		 NFT_TABLE, a);
}

const struct step_kind step_nft_dns = {
	.name = "nft-dns",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct nft_dns_step),
	.apply = nft_dns_apply,
	.undo = nft_dns_undo,
	.format = nft_dns_format,
	.parse = nft_dns_parse,
	.describe = nft_dns_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "nft": a gateway peer's chains in table ip usbnet_host, and the guard while
 * usbnet-host holds forwarding on that was off (nft.h). Recorded as
 *
 *	step nft UPLINK SUBNET auto|fixed
 *
 * (auto: the uplink follows the default route, see refresh.c). Apply and undo are one batch
 * each, under the gateway lock; the guard's rules are every gateway peer's, read from the run
 * directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ifname.h"
#include "gateway/forwarding.h"
#include "gateway/gateway.h"

_Static_assert(sizeof(struct nft_step) <= STEP_DATA_MAX, "nft step data too large");

/* c committed; what (and ifname) says what could not be done. */
static int commit(struct step_env *env, const struct nft_change *c, const char *what)
{
	const struct usbnet_backends *be = env->be;
	char err[256] = "";
	int r = be->gw->nft_commit(be->gw_h, c, err, sizeof(err));

	if (r < 0)
		return ctx_fail(env->ctx, gateway_nft_errno(r), "could not %s %s (table ip %s): %s",
				what, env->rec->ifname, NFT_TABLE, err[0] ? err : strerror(-r));
	return 0;
}

/* Under the gateway lock: the peer's chains, and the guard with every gateway peer's rules. */
static int apply_locked(struct step_env *env, void *change, const void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct nft_step *d = data;
	const char *ifname = env->rec->ifname;
	struct nft_change *c = change;
	size_t n = 0;
	bool have_record;
	int before, r;

	r = gateway_forwarding_before(ctx, env->be, &before, &have_record);
	if (r < 0)
		return r;
	r = gateway_scan(ctx, ifname, c->guard_peers, &n);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
				strerror(-r));
	c->add[0] = (struct nft_peer){.subnet = d->subnet};
	memcpy(c->add[0].ifname, ifname, sizeof(c->add[0].ifname));
	memcpy(c->add[0].uplink, d->uplink, sizeof(c->add[0].uplink));
	c->n_add = 1;
	/* The guard while forwarding is (or is about to be) usbnet-host's, turned on from off */
	c->guard = before == 0;
	if (n < NFT_MAX_PEERS)
		c->guard_peers[n++] = c->add[0];
	c->n_guard_peers = c->guard ? n : 0;
	r = commit(env, c, "add the nftables rules for");
	if (r < 0)
		return r;
	ctx_log(ctx, USBNET_LOG_INFO, "%s: nftables: forward and masquerade out of %s%s", ifname,
		d->uplink, c->guard ? ", nothing else forwarded (guard)" : "");
	return 0;
}

static int nft_apply(struct step_env *env, void *data)
{
	if (!env->be->gw)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "%s: gateway mode has no backend here",
				env->rec->ifname);
	return gateway_nft_locked(env, sizeof(struct nft_change), apply_locked, data);
}

/* Under the gateway lock: the peer's chains deleted, the guard kept with the others' rules. */
static int undo_locked(struct step_env *env, void *change, const void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const char *ifname = env->rec->ifname;
	struct nft_change *c = change;
	int r;

	(void)data;
	r = gateway_scan(ctx, ifname, c->guard_peers, &c->n_guard_peers);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
				strerror(-r));
	memcpy(c->del[0], ifname, sizeof(c->del[0]));
	c->n_del = 1;
	/* Forwarding was given back before this (or is another peer's): the guard stays only
	 * while usbnet-host still holds forwarding on that was off */
	c->guard = gateway_guard_wanted(ctx);
	if (!c->guard)
		c->n_guard_peers = 0;
	return commit(env, c, "remove the nftables chains of");
}

/* Pending or made, the batch deletes the peer's chains only where they exist. */
static int nft_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	int r;

	if (!env->be->gw)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no gateway backend to undo %s's steps",
				env->rec->ifname);
	r = gateway_nft_locked(env, sizeof(struct nft_change), undo_locked, data);
	if (r < 0)
		return r;
	snprintf(phrase, len, "nftables chains of %s removed", env->rec->ifname);
	return 0;
}

/* "UPLINK A.B.C.D/N auto|fixed" */
static int nft_format(const void *data, char *buf, size_t len)
{
	const struct nft_step *d = data;
	char ip[32];
	int n;

	/* Only what the reader takes back: down acts on it. */
	if (!ifname_valid(d->uplink) || d->subnet.prefix > 32)
		return -EINVAL;
	usbnet_ip4_format(&d->subnet, ip, sizeof(ip));
	n = snprintf(buf, len, "%s %s %s", d->uplink, ip, d->uplink_auto ? "auto" : "fixed");
	return n < 0 || (size_t)n >= len ? -ENOBUFS : 0;
}

static int nft_parse(const char *args, void *data)
{
	struct nft_step *d = data;
	char uplink[USBNET_IFNAMSIZ + 1], ip[20], how[8], back[32];
	struct usbnet_ip4 subnet;
	int end = 0;

	if (sscanf(args, "%16s %19s %7s%n", uplink, ip, how, &end) != 3 || args[end] != '\0' ||
	    !ifname_valid(uplink) || usbnet_ip4_parse(ip, true, &subnet) < 0)
		return -EBADMSG;
	/* sscanf skips runs of blanks: only the writer's single spaces are canonical */
	if ((size_t)end != strlen(uplink) + strlen(ip) + strlen(how) + 2)
		return -EBADMSG;
	/* Only the canonical form the writer produces */
	usbnet_ip4_format(&subnet, back, sizeof(back));
	if (strcmp(back, ip) != 0)
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	if (strcmp(how, "auto") == 0)
		d->uplink_auto = true;
	else if (strcmp(how, "fixed") != 0)
		return -EBADMSG;
	memcpy(d->uplink, uplink, strlen(uplink) + 1);
	d->subnet.addr = subnet.addr; /* field by field: the padding stays zero */
	d->subnet.prefix = subnet.prefix;
	return 0;
}

static void nft_report(const void *data, struct usbnet_status *status)
{
	const struct nft_step *d = data;

	memcpy(status->uplink, d->uplink, sizeof(status->uplink));
	status->uplink_auto = d->uplink_auto;
}

static void nft_describe(const void *data, char *buf, size_t len)
{
	const struct nft_step *d = data;
	char ip[32];

	usbnet_ip4_format(&d->subnet, ip, sizeof(ip));
	snprintf(buf, len,
		 "nftables chains in table ip %s: %s forwarded and masqueraded out of %s%s",
		 NFT_TABLE, ip, d->uplink, d->uplink_auto ? " (the default route's)" : "");
}

const struct step_kind step_nft = {
    .name = "nft",
    .scope = STEP_SCOPE_HOST,
    .size = sizeof(struct nft_step),
    .apply = nft_apply,
    .undo = nft_undo,
    .format = nft_format,
    .parse = nft_parse,
    .report = nft_report,
    .describe = nft_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "nft6": an IPv6 gateway peer's chains in table ip6 usbnet_host (nft6.h), and
 * the guard while usbnet-host holds IPv6 forwarding on that was off. Recorded as
 *
 *	step nft6 UPLINK PREFIX/64 nat|routed
 *
 * Apply and undo are one batch each, under the gateway lock; the guard's rules are every IPv6
 * gateway peer's, read from the run directory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ifname.h"
#include "gateway/forwarding-record.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"

_Static_assert(sizeof(struct nft6_step) <= STEP_DATA_MAX, "nft6 step data too large");

/* The guard is wanted while IPv6 forwarding is (or is about to be) ours, turned on from off. */
static int guard_wanted(struct step_env *env, bool applying, bool *ret)
{
	int before = -1, r = forwarding_record_read(env->ctx->run_dir, &forwarding_ipv6, &before);

	if (r >= 0) {
		*ret = before == 0;
		return 0;
	}
	if (r != -ENOENT)
		return r;
	if (!applying) {
		*ret = false;
		return 0;
	}
	r = forwarding_ipv6.get(env->be, &before);
	if (r < 0)
		return r;
	*ret = before == 0;
	return 0;
}

static int commit(struct step_env *env, struct nft6_change *c, const char *what)
{
	const struct usbnet_backends *be = env->be;
	char err[256] = "";
	int r;

	if (!be->gw || !be->gw->nft6_commit)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "%s: no IPv6 nftables backend here",
				env->rec->ifname);
	r = be->gw->nft6_commit(be->gw_h, c, err, sizeof(err));
	if (r < 0)
		return ctx_fail(env->ctx, gateway_nft_errno(r), "could not %s (table ip6 %s): %s",
				what, NFT_TABLE, err[0] ? err : strerror(-r));
	return 0;
}

/* Under the gateway lock: the peer's chains, and the guard with every IPv6 gateway peer's. */
static int apply_locked(struct step_env *env, void *change, const void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct nft6_step *d = data;
	const char *ifname = env->rec->ifname;
	struct nft6_change *c = change;
	size_t n = 0;
	int r;

	r = gateway6_scan(ctx, ifname, c->guard_peers, &n, NULL, NULL);
	if (r >= 0)
		r = guard_wanted(env, true, &c->guard);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the run directory %s or IPv6 forwarding: %s",
				ctx->run_dir, strerror(-r));
	c->has_add = true;
	memcpy(c->add.ifname, ifname, sizeof(c->add.ifname));
	memcpy(c->add.uplink, d->uplink, sizeof(c->add.uplink));
	c->add.prefix = d->prefix;
	c->add.masquerade = d->masquerade;
	if (n < NFT_MAX_PEERS)
		c->guard_peers[n++] = c->add;
	c->n_guard_peers = c->guard ? n : 0;
	r = commit(env, c, "add the IPv6 nftables rules");
	if (r < 0)
		return r;
	ctx_log(ctx, USBNET_LOG_INFO, "%s: nftables (ip6): forward%s out of %s%s", ifname,
		d->masquerade ? " and masquerade" : "", d->uplink,
		c->guard ? ", nothing else forwarded (guard)" : "");
	return 0;
}

static int nft6_apply(struct step_env *env, void *data)
{
	return gateway_nft_locked(env, sizeof(struct nft6_change), apply_locked, data);
}

/* Under the gateway lock: the peer's chains deleted, the guard kept with the others' rules. */
static int undo_locked(struct step_env *env, void *change, const void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const char *ifname = env->rec->ifname;
	struct nft6_change *c = change;
	int r;

	(void)data;
	r = gateway6_scan(ctx, ifname, c->guard_peers, &c->n_guard_peers, NULL, NULL);
	if (r >= 0)
		r = guard_wanted(env, false, &c->guard);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
				strerror(-r));
	if (!c->guard)
		c->n_guard_peers = 0;
	snprintf(c->del, sizeof(c->del), "%s", ifname);
	return commit(env, c, "remove the IPv6 nftables chains");
}

static int nft6_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	int r = gateway_nft_locked(env, sizeof(struct nft6_change), undo_locked, data);

	if (r < 0)
		return r;
	snprintf(phrase, len, "IPv6 nftables chains of %s removed", env->rec->ifname);
	return 0;
}

static int nft6_format(const void *data, char *buf, size_t len)
{
	const struct nft6_step *d = data;
	char p[INET6_ADDRSTRLEN];
	int n;

	if (!ifname_valid(d->uplink))
		return -EINVAL;
	for (int i = 8; i < 16; i++)
		if (d->prefix.s6_addr[i])
			return -EINVAL;
	inet_ntop(AF_INET6, &d->prefix, p, sizeof(p));
	n = snprintf(buf, len, "%s %s/64 %s", d->uplink, p, d->masquerade ? "nat" : "routed");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int nft6_parse(const char *args, void *data)
{
	struct nft6_step d;
	char up[USBNET_IFNAMSIZ + 1], pfx[INET6_ADDRSTRLEN + 4], how[8], back[STEP_ARGS_MAX];
	char *slash;
	int end = -1;

	if (sscanf(args, "%16s %49s %7s%n", up, pfx, how, &end) != 3 || end < 0 ||
	    args[end] != '\0' || strlen(up) >= USBNET_IFNAMSIZ)
		return -EBADMSG;
	slash = strchr(pfx, '/');
	if (!slash || strcmp(slash, "/64") != 0)
		return -EBADMSG;
	*slash = '\0';
	memset(&d, 0, sizeof(d));
	memcpy(d.uplink, up, strlen(up) + 1);
	if (inet_pton(AF_INET6, pfx, &d.prefix) != 1)
		return -EBADMSG;
	if (strcmp(how, "nat") == 0)
		d.masquerade = true;
	else if (strcmp(how, "routed") != 0)
		return -EBADMSG;
	if (nft6_format(&d, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	memcpy(data, &d, sizeof(d));
	return 0;
}

static void nft6_report(const void *data, struct usbnet_status *status)
{
	const struct nft6_step *d = data;

	status->has_ipv6_prefix = true;
	status->ipv6_prefix = d->prefix;
	status->ipv6_nat = d->masquerade;
	memcpy(status->uplink6, d->uplink, sizeof(status->uplink6));
}

static void nft6_describe(const void *data, char *buf, size_t len)
{
	const struct nft6_step *d = data;
	char p[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &d->prefix, p, sizeof(p));
	snprintf(buf, len, "nftables chains (ip6) forward-<link> via %s for %s/64%s", d->uplink, p,
		 d->masquerade ? ", masqueraded" : "");
}

const struct step_kind step_nft6 = {
    .name = "nft6",
    .scope = STEP_SCOPE_HOST,
    .size = sizeof(struct nft6_step),
    .apply = nft6_apply,
    .undo = nft6_undo,
    .format = nft6_format,
    .parse = nft6_parse,
    .report = nft6_report,
    .describe = nft6_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Gateway mode: validation, apply, and what its two step kinds share (the order and its
 * reasons are in gateway.h; the kinds are step-nft.c and step-forwarding.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/forwarding-record.h"
#include "gateway/gateway.h"
#include "core/lock.h"
#include "core/journal.h"

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

int gateway_nft_errno(int r)
{
	/* EINVAL, EOPNOTSUPP... from the kernel mean our batch was refused, not the user's input */
	if (r == -EINVAL || r == -EOPNOTSUPP || r == -EBADMSG || r == -EMEDIUMTYPE ||
	    r == -EADDRINUSE || r == -ENAMETOOLONG || r == -ENODEV)
		return -EIO;
	return r;
}

int gateway_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *ifname,
		    const struct usbnet_plan *plan, struct gateway_plan *ret)
{
	struct gateway_plan gp = {};
	struct nl_link_info link;
	uint32_t m = mask_of(plan->host.prefix);
	int r;

	if (!be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: gateway mode has no backend here", ifname);
	if (plan->uplink[0] && strcmp(plan->uplink, "auto") != 0) {
		snprintf(gp.uplink, sizeof(gp.uplink), "%s", plan->uplink);
	} else {
		gp.uplink_auto = true;
		r = be->gw->default_uplink(be->gw_h, gp.uplink);
		if (r == -ENETUNREACH)
			return ctx_fail_input(
			    ctx, -EINVAL,
			    "%s: the host has no IPv4 default route to share; nothing was "
			    "changed: name the uplink with --uplink IF (or uplink= in its "
			    "[peer] group)",
			    ifname);
		if (r < 0)
			return ctx_fail(ctx, r, "%s: cannot read the host's default route: %s",
					ifname, strerror(-r));
	}
	if (strcmp(gp.uplink, ifname) == 0)
		return ctx_fail_input(
		    ctx, -EINVAL,
		    "%s: the uplink %s is the peer itself%s; nothing was changed: name "
		    "another uplink with --uplink IF",
		    ifname, gp.uplink,
		    gp.uplink_auto ? " (the default route goes through it)" : "");
	r = be->nl->link_get(be->nl_h, gp.uplink, &link);
	if (r == -ENODEV)
		return ctx_fail_input(
		    ctx, -EINVAL,
		    "%s: there is no interface %s to use as the uplink; nothing was "
		    "changed",
		    ifname, gp.uplink);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot look up the uplink %s: %s", gp.uplink,
				strerror(-r));
	gp.subnet.addr.s_addr = plan->host.addr.s_addr & m;
	gp.subnet.prefix = plan->host.prefix;
	/* A peer outside the host's subnet (reached over a /32 route) sends from its own address */
	if (plan->has_peer && (plan->peer.s_addr & m) != gp.subnet.addr.s_addr) {
		gp.subnet.addr = plan->peer;
		gp.subnet.prefix = 32;
	}
	*ret = gp;
	return 0;
}

/* The gateway lock, counted: the process that holds it may take it again (gateway_apply()
 * around the kinds' apply). The library is not used from several threads at once. */
static int lock_fd = -1;
static unsigned lock_depth;

int gateway_lock(struct usbnet_ctx *ctx, int *ret_fd)
{
	int r;

	if (lock_depth > 0) {
		lock_depth++;
		*ret_fd = lock_fd;
		return 0;
	}
	r = lock_acquire(ctx->run_dir, GATEWAY_LOCK_NAME, LOCK_TIMEOUT_MS, &lock_fd);
	if (r == -EWOULDBLOCK)
		return ctx_fail(ctx, r,
				"another usbnet-host is busy with gateway mode (%s/%s.lock); "
				"try again",
				ctx->run_dir, GATEWAY_LOCK_NAME);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot lock %s/%s.lock: %s", ctx->run_dir,
				GATEWAY_LOCK_NAME, strerror(-r));
	lock_depth = 1;
	*ret_fd = lock_fd;
	return 0;
}

void gateway_unlock(int fd)
{
	if (fd < 0 || lock_depth == 0 || fd != lock_fd)
		return;
	if (--lock_depth > 0)
		return;
	lock_release(lock_fd);
	lock_fd = -1;
}

int gateway_nft_locked(struct step_env *env, size_t size,
		       int (*fn)(struct step_env *env, void *change, const void *data),
		       const void *data)
{
	void *change = calloc(1, size);
	int lock = -1, r;

	if (!change)
		return ctx_fail(env->ctx, -ENOMEM, "out of memory");
	r = gateway_lock(env->ctx, &lock);
	if (r >= 0)
		r = fn(env, change, data);
	gateway_unlock(lock);
	free(change);
	return r;
}

/* gateway_scan's walk: each record's first nft step, as long as there is room. */
struct scan {
	struct nft_peer *peers;
	size_t n;
};

static void scan_one(const struct state_record *rec, void *user)
{
	struct scan *sc = user;
	const struct state_step *s = journal_find(rec, &step_nft, NULL);
	const struct nft_step *d = s ? (const void *)s->data.bytes : NULL;
	struct nft_peer *p;

	if (!d || sc->n >= NFT_MAX_PEERS)
		return;
	p = &sc->peers[sc->n++];
	memset(p, 0, sizeof(*p));
	memcpy(p->ifname, rec->ifname, sizeof(p->ifname));
	memcpy(p->uplink, d->uplink, sizeof(p->uplink));
	p->subnet = d->subnet;
}

int gateway_scan(struct usbnet_ctx *ctx, const char *exclude, struct nft_peer *peers, size_t *ret_n)
{
	struct scan sc = {.peers = peers};
	int r = gateway_each_record(ctx, exclude, scan_one, &sc);

	if (r < 0)
		return r;
	*ret_n = sc.n;
	return 0;
}

bool gateway_guard_wanted(struct usbnet_ctx *ctx)
{
	int before;

	return forwarding_record_read(ctx->run_dir, &forwarding_ipv4, &before) >= 0 && before == 0;
}

int gateway_forwarding_before(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			      int *ret_before, bool *ret_have_record)
{
	int r = forwarding_record_read(ctx->run_dir, &forwarding_ipv4, ret_before);

	*ret_have_record = r >= 0;
	if (r >= 0)
		return 0;
	if (r == -EBADMSG)
		return ctx_fail(ctx, r,
				"%s/%s is damaged; nothing of gateway mode was changed: check "
				"net.ipv4.ip_forward by hand, then remove the file",
				ctx->run_dir, GATEWAY_RECORD_NAME);
	if (r != -ENOENT)
		return ctx_fail(ctx, r, "cannot read %s/%s: %s", ctx->run_dir, GATEWAY_RECORD_NAME,
				strerror(-r));
	/* The first gateway peer: forwarding as it is now is what the last one restores */
	r = be->gw->forwarding_get(be->gw_h, ret_before);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read net.ipv4.ip_forward: %s", strerror(-r));
	return 0;
}

int gateway_apply(struct step_env *env, const struct gateway_plan *gp, char *warning,
		  size_t warning_len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	struct nft_step d;
	int lock = -1, r;

	warning[0] = '\0';
	if (!be->gw)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: gateway mode has no backend here",
				env->rec->ifname);
	memset(&d, 0, sizeof(d));
	memcpy(d.uplink, gp->uplink, sizeof(d.uplink));
	d.subnet.addr = gp->subnet.addr; /* field by field: the padding stays zero */
	d.subnet.prefix = gp->subnet.prefix;
	d.uplink_auto = gp->uplink_auto;
	/* Held across both: no other peer's down between the guard and forwarding */
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	/* The guard first, forwarding second: never a moment with forwarding open to all */
	r = journal_apply(env, &step_nft, &d);
	if (r >= 0)
		r = journal_apply(env, &step_forwarding, &d); /* no data: size 0 */
	if (r < 0)
		goto out;
	gateway_firewall_warning(be, env->rec->ifname, gp->uplink, warning, warning_len);
	r = 0;
out:
	gateway_unlock(lock);
	return r;
}

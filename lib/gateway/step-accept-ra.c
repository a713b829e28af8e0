/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "accept-ra UPLINK 2 BEFORE": the uplink's net.ipv6.conf.UPLINK.accept_ra set to 2 while
 * usbnet-host forwards IPv6, so that the host goes on taking router advertisements there and
 * keeps its own SLAAC address and default route (with forwarding on, accept_ra=1 means "none",
 * and turning forwarding on drops the RA-learnt default routes of the interfaces without 2).
 *
 * Made only when the uplink says 1 (SLAAC on): 0 is the administrator's "no RAs here", and 2
 * is already what is needed (not ours, unless another gateway peer on that uplink holds it:
 * then this peer holds it too, with the BEFORE that peer recorded, so that whichever goes last
 * gives the value from before back). Undo: another holder on the same uplink keeps it; else
 * back to BEFORE while it still says VALUE (a value someone set since is theirs). Under the
 * gateway lock. Host-wide: the uplink outlives the peer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ifname.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"

_Static_assert(sizeof(struct accept_ra_step) <= STEP_DATA_MAX, "accept-ra step too large");

static int ra_get(struct step_env *env, const char *uplink, int *ret)
{
	if (!env->be->nl->sysctl_get)
		return -EOPNOTSUPP;
	return env->be->nl->sysctl_get(env->be->nl_h, uplink, "ipv6", "accept_ra", ret);
}

static int ra_set(struct step_env *env, const char *uplink, int value)
{
	if (!env->be->nl->sysctl_set)
		return -EOPNOTSUPP;
	return env->be->nl->sysctl_set(env->be->nl_h, uplink, "ipv6", "accept_ra", value);
}

int accept_ra_plan(struct step_env *env, const char *uplink, struct accept_ra_step *ret)
{
	struct usbnet_ctx *ctx = env->ctx;
	int now = -1, other = -1, r;

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->uplink, sizeof(ret->uplink), "%s", uplink);
	ret->value = 2;
	r = ra_get(env, uplink, &now);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read net.ipv6.conf.%s.accept_ra: %s", uplink,
				strerror(-r));
	r = gateway6_scan(ctx, env->rec->ifname, NULL, NULL, uplink, &other);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
				strerror(-r));
	if (other >= 0 && now == ret->value) {
		ret->before = other; /* held with another peer: the last one gives it back */
		return 1;
	}
	if (now != 1)
		return 0; /* 0: no RAs wanted there; 2: so it is already */
	ret->before = now;
	return 1;
}

/* BEFORE was read by accept_ra_plan() ahead of the record: a pending step holds it too. */
static int accept_ra_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct accept_ra_step *d = data;
	int now = -1, r;

	r = ra_get(env, d->uplink, &now);
	if (r >= 0 && now == d->value)
		return 0; /* held with another gateway peer (accept_ra_plan) */
	if (r >= 0)
		r = ra_set(env, d->uplink, d->value);
	if (r < 0)
		return ctx_fail(ctx, r, "could not set net.ipv6.conf.%s.accept_ra to %d: %s",
				d->uplink, d->value, strerror(-r));
	ctx_log(ctx, USBNET_LOG_INFO,
		"%s: net.ipv6.conf.%s.accept_ra = %d (it was %d): the host keeps its IPv6 default "
		"route while it forwards",
		env->rec->ifname, d->uplink, d->value, now);
	return 0;
}

static int accept_ra_check(struct step_env *env, const void *data)
{
	const struct accept_ra_step *d = data;
	int now = -1;

	return ra_get(env, d->uplink, &now) >= 0 && now == d->value;
}

static int accept_ra_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct accept_ra_step *d = data;
	int lock = -1, now = -1, other = -1, r;

	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	r = gateway6_scan(ctx, env->rec->ifname, NULL, NULL, d->uplink, &other);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
			     strerror(-r));
		goto out;
	}
	if (other >= 0) {
		snprintf(phrase, len, "net.ipv6.conf.%s.accept_ra stays %d for another gateway peer",
			 d->uplink, d->value);
		goto out;
	}
	r = ra_get(env, d->uplink, &now);
	if (r == -ENODEV || r == -EAFNOSUPPORT || (r >= 0 && now != d->value)) {
		/* the uplink went, or someone set it since */
		if (r >= 0)
			snprintf(phrase, len, "net.ipv6.conf.%s.accept_ra left at %d", d->uplink,
				 now);
		r = 0;
		goto out;
	}
	if (r >= 0)
		r = ra_set(env, d->uplink, d->before);
	if (r == -ENODEV) {
		r = 0;
		goto out;
	}
	if (r < 0) {
		r = ctx_fail(ctx, r, "could not set net.ipv6.conf.%s.accept_ra back to %d: %s",
			     d->uplink, d->before, strerror(-r));
		goto out;
	}
	snprintf(phrase, len, "net.ipv6.conf.%s.accept_ra back to %d", d->uplink, d->before);
out:
	gateway_unlock(lock);
	return r;
}

static bool data_ok(const struct accept_ra_step *d)
{
	return ifname_valid(d->uplink) && d->value >= 0 && d->value <= 2 && d->before >= 0 &&
	       d->before <= 2;
}

static int accept_ra_format(const void *data, char *buf, size_t len)
{
	const struct accept_ra_step *d = data;
	int n;

	if (!data_ok(d))
		return -EINVAL;
	n = snprintf(buf, len, "%s %d %d", d->uplink, d->value, d->before);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int accept_ra_parse(const char *args, void *data)
{
	struct accept_ra_step d;
	char up[USBNET_IFNAMSIZ + 1], back[STEP_ARGS_MAX];
	int value, before, end = -1;

	if (sscanf(args, "%16s %d %d%n", up, &value, &before, &end) != 3 || end < 0 ||
	    args[end] != '\0' || strlen(up) >= USBNET_IFNAMSIZ)
		return -EBADMSG;
	memset(&d, 0, sizeof(d));
	memcpy(d.uplink, up, strlen(up) + 1);
	d.value = value;
	d.before = before;
	if (accept_ra_format(&d, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	memcpy(data, &d, sizeof(d));
	return 0;
}

static bool accept_ra_same(const void *a, const void *b)
{
	const struct accept_ra_step *x = a, *y = b;

	return strcmp(x->uplink, y->uplink) == 0 && x->value == y->value;
}

static void accept_ra_describe(const void *data, char *buf, size_t len)
{
	const struct accept_ra_step *d = data;

	snprintf(buf, len, "net.ipv6.conf.%s.accept_ra %d (was %d), given back by the last IPv6 "
			   "gateway peer on it",
		 d->uplink, d->value, d->before);
}

const struct step_kind step_accept_ra = {
	.name = "accept-ra",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct accept_ra_step),
	.apply = accept_ra_apply,
	.undo = accept_ra_undo,
	.check = accept_ra_check,
	.format = accept_ra_format,
	.parse = accept_ra_parse,
	.same = accept_ra_same,
	.describe = accept_ra_describe,
};

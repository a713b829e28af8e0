/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "ra": a gateway peer's router advertisements (ra-up.h, ra-server.h). Recorded
 * ahead of the start with "-" for its handle, then with "PID START"; the spec follows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/dnsmasq.h"
#include "dns/ra-up.h"

_Static_assert(sizeof(struct ra_step) <= STEP_DATA_MAX, "ra step too large");

int ra_apply(struct step_env *env, const struct ra_spec *spec)
{
	struct ra_step d;

	memset(&d, 0, sizeof(d));
	d.spec.prefix = spec->prefix;
	d.spec.host = spec->host;
	d.spec.host4 = spec->host4;
	d.spec.dns = spec->dns;
	return journal_apply(env, &step_ra, &d);
}

static int ra_do(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	struct ra_step *d = data;
	struct dns_handle h = {0};
	char err[600] = "", p[INET6_ADDRSTRLEN];
	int r;

	if (!be->dns || !be->dns->ra_start)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: no router advertisement backend here",
				ifname);
	inet_ntop(AF_INET6, &d->spec.prefix, p, sizeof(p));
	r = be->dns->ra_start(be->dns_h, ctx->run_dir, ifname, &d->spec, &h, err, sizeof(err));
	if (r < 0)
		return ctx_fail(ctx, r,
				"could not start router advertisements of %s/64 on %s: %s; %s", p,
				ifname, err,
				r == -ENOENT ? "install dnsmasq, or set ipv6=off for the peer"
					     : "see the system log for dnsmasq's messages");
	d->h = h;
	ctx_log(ctx, USBNET_LOG_INFO, "%s: router advertisements of %s/64 (dnsmasq, pid %d)",
		ifname, p, h.pid);
	return 0;
}

static int ra_check(struct step_env *env, const void *data)
{
	const struct ra_step *d = data;

	if (!env->be->dns || d->h.pid <= 0)
		return 0;
	return env->be->dns->alive(env->be->dns_h, &d->h) > 0;
}

static int ra_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const struct ra_step *d = data;
	const char *ifname = env->rec->ifname;
	int r;

	if (!be->dns || !be->dns->ra_stop)
		return ctx_fail(ctx, -EOPNOTSUPP, "no router advertisement backend to stop %s's",
				ifname);
	r = be->dns->ra_stop(be->dns_h, ctx->run_dir, ifname, &d->h);
	if (r < 0)
		return ctx_fail(ctx, r, "could not stop the router advertisements of %s (pid %d): %s",
				ifname, d->h.pid, strerror(-r));
	snprintf(phrase, len, "router advertisements on %s stopped", ifname);
	return 0;
}

static bool spec_ok(const struct ra_spec *s)
{
	for (int i = 8; i < 16; i++)
		if (s->prefix.s6_addr[i])
			return false;
	return memcmp(s->prefix.s6_addr, s->host.s6_addr, 8) == 0 && s->host4.s_addr != 0;
}

static int ra_format(const void *data, char *buf, size_t len)
{
	const struct ra_step *d = data;
	char h[48], p[INET6_ADDRSTRLEN], h6[INET6_ADDRSTRLEN], h4[INET_ADDRSTRLEN];
	int r, n;

	r = dns_handle_format(&d->h, h, sizeof(h));
	if (r < 0)
		return r;
	if (!spec_ok(&d->spec))
		return -EINVAL;
	inet_ntop(AF_INET6, &d->spec.prefix, p, sizeof(p));
	inet_ntop(AF_INET6, &d->spec.host, h6, sizeof(h6));
	inet_ntop(AF_INET, &d->spec.host4, h4, sizeof(h4));
	n = snprintf(buf, len, "%s %s/64 %s %s dns=%s", h, p, h6, h4, d->spec.dns ? "yes" : "no");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Strict: the fields are read, written back, and must give the same line. */
static int ra_parse(const char *args, void *data)
{
	struct ra_step d;
	char copy[STEP_ARGS_MAX + 1], *tok[6], *save = NULL, again[STEP_ARGS_MAX + 1], *slash;
	size_t n = 0, at;

	if (strlen(args) > STEP_ARGS_MAX)
		return -EBADMSG;
	snprintf(copy, sizeof(copy), "%s", args);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == 6)
			return -EBADMSG;
		tok[n++] = t;
	}
	memset(&d, 0, sizeof(d));
	if (n == 5 && strcmp(tok[0], "-") == 0) {
		at = 1;
	} else if (n == 6) {
		char hs[48];

		snprintf(hs, sizeof(hs), "%s %s", tok[0], tok[1]);
		if (dns_handle_parse(hs, &d.h) < 0 || d.h.pid == 0)
			return -EBADMSG;
		at = 2;
	} else {
		return -EBADMSG;
	}
	slash = strchr(tok[at], '/');
	if (!slash || strcmp(slash, "/64") != 0)
		return -EBADMSG;
	*slash = '\0';
	if (inet_pton(AF_INET6, tok[at], &d.spec.prefix) != 1 ||
	    inet_pton(AF_INET6, tok[at + 1], &d.spec.host) != 1 ||
	    inet_pton(AF_INET, tok[at + 2], &d.spec.host4) != 1)
		return -EBADMSG;
	if (strcmp(tok[at + 3], "dns=yes") == 0)
		d.spec.dns = true;
	else if (strcmp(tok[at + 3], "dns=no") != 0)
		return -EBADMSG;
	if (ra_format(&d, again, sizeof(again)) < 0 || strcmp(again, args) != 0)
		return -EBADMSG;
	memcpy(data, &d, sizeof(d));
	return 0;
}

/* One per peer: an up finds the earlier up's step, whatever its pid. */
static bool ra_same(const void *a, const void *b)
{
	(void)a;
	(void)b;
	return true;
}

static void ra_describe(const void *data, char *buf, size_t len)
{
	const struct ra_step *d = data;
	char p[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &d->spec.prefix, p, sizeof(p));
	if (d->h.pid > 0)
		snprintf(buf, len, "router advertisements of %s/64 (dnsmasq, pid %d)", p, d->h.pid);
	else
		snprintf(buf, len, "router advertisements of %s/64 (dnsmasq, its pid file)", p);
}

const struct step_kind step_ra = {
	.name = "ra",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct ra_step),
	.apply = ra_do,
	.undo = ra_undo,
	.check = ra_check,
	.format = ra_format,
	.parse = ra_parse,
	.same = ra_same,
	.describe = ra_describe,
};

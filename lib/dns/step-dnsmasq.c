/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "dnsmasq": a gateway peer's DNS forwarder (dns-up.h). Recorded ahead of the
 * start as "pending dnsmasq -", then "step dnsmasq PID START" (dns_handle_format); with the
 * link's IPv6 address as well, that address follows ("step dnsmasq PID START PREFIX::1").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/dns-up.h"
#include "dns/dnsmasq.h"

_Static_assert(sizeof(struct dnsmasq_step) <= STEP_DATA_MAX, "dnsmasq step data too large");

static const char *advice(int err)
{
	switch (err) {
	case -ENOENT:
		return "or run up without --dns";
	case -EBUSY:
		return "another DNS server holds port 53 on that address (or on every address): "
		       "bind it elsewhere, or go without --dns";
	case -EADDRNOTAVAIL:
		return "the host's address is not on the interface";
	default:
		return "see the system log for dnsmasq's messages";
	}
}

/* Started, or nothing runs (dnsmasq_start stops a forwarder of the interface's pid file that a
 * run which died left, before it starts its own). */
static int dnsmasq_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	struct dnsmasq_step *d = data;
	struct in_addr host = d->host;
	struct dns_handle h = {0};
	char err[600] = "", a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN + 6] = "";
	int r;

	if (!be->dns)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: no DNS forwarder backend here", ifname);
	if (host.s_addr == 0)
		host = env->rec->status.host.addr;
	inet_ntop(AF_INET, &host, a, sizeof(a));
	if (d->has_host6) {
		memcpy(a6, " and ", 5);
		inet_ntop(AF_INET6, &d->host6, a6 + 5, sizeof(a6) - 5);
	}
	r = be->dns->start(be->dns_h, ctx->run_dir, ifname, host, d->has_host6 ? &d->host6 : NULL,
			   &h, err, sizeof(err));
	if (r < 0)
		return ctx_fail(ctx, r, "could not start the DNS forwarder for %s on %s%s: %s; %s",
				ifname, a, a6, err, advice(r));
	d->h = h;
	d->host = host;
	ctx_log(ctx, USBNET_LOG_INFO, "%s: DNS forwarder on %s%s port 53 (dnsmasq, pid %d)", ifname,
		a, a6, h.pid);
	return 0;
}

static int dnsmasq_check(struct step_env *env, const void *data)
{
	const struct dnsmasq_step *d = data;

	if (!env->be->dns || d->h.pid <= 0)
		return 0;
	return env->be->dns->alive(env->be->dns_h, &d->h) > 0;
}

/* pid 0 (pending, or a start that was not recorded): the interface's pid file names it. */
static int dnsmasq_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const struct dnsmasq_step *d = data;
	const char *ifname = env->rec->ifname;
	int r;

	if (!be->dns)
		return ctx_fail(ctx, -EOPNOTSUPP, "no DNS forwarder backend to stop %s's", ifname);
	r = be->dns->stop(be->dns_h, ctx->run_dir, ifname, &d->h);
	if (r < 0)
		return ctx_fail(ctx, r, "could not stop the DNS forwarder of %s (pid %d): %s",
				ifname, d->h.pid, strerror(-r));
	snprintf(phrase, len, "DNS forwarder of %s stopped", ifname);
	return 0;
}

/* "PID START" or "-", then " PREFIX::1" when it listens on the link's IPv6 address too. */
static int dnsmasq_format(const void *data, char *buf, size_t len)
{
	const struct dnsmasq_step *d = data;
	char a6[INET6_ADDRSTRLEN];
	size_t used;
	int r, n;

	r = dns_handle_format(&d->h, buf, len);
	if (r < 0 || !d->has_host6)
		return r;
	if (IN6_IS_ADDR_UNSPECIFIED(&d->host6))
		return -EINVAL; /* never a listening address: the reader would refuse it */
	inet_ntop(AF_INET6, &d->host6, a6, sizeof(a6));
	used = strlen(buf);
	n = snprintf(buf + used, len - used, " %s", a6);
	return n < 0 || (size_t)n >= len - used ? -ENAMETOOLONG : 0;
}

/* Lines without the IPv6 address (earlier versions', or IPv4 only) are read as they were. */
static int dnsmasq_parse(const char *args, void *data)
{
	struct dnsmasq_step *d = data;
	const char *sp = strrchr(args, ' ');
	char handle[64], back[INET6_ADDRSTRLEN];
	struct in6_addr a6;
	bool has6 = false;
	struct dns_handle h;

	if (sp && strchr(sp + 1, ':')) {
		if ((size_t)(sp - args) >= sizeof(handle) || strlen(sp + 1) >= sizeof(back) ||
		    inet_pton(AF_INET6, sp + 1, &a6) != 1)
			return -EBADMSG;
		/* Only the canonical form the writer produces */
		inet_ntop(AF_INET6, &a6, back, sizeof(back));
		if (strcmp(back, sp + 1) != 0 || IN6_IS_ADDR_UNSPECIFIED(&a6))
			return -EBADMSG;
		memcpy(handle, args, (size_t)(sp - args));
		handle[sp - args] = '\0';
		args = handle;
		has6 = true;
	}
	if (dns_handle_parse(args, &h) < 0)
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	d->h.pid = h.pid;
	d->h.start_time = h.start_time;
	d->has_host6 = has6;
	if (has6)
		d->host6 = a6;
	return 0;
}

/* One forwarder per peer: an up finds the earlier up's step, whatever its pid. */
static bool dnsmasq_same(const void *a, const void *b)
{
	(void)a;
	(void)b;
	return true;
}

static void dnsmasq_report(const void *data, struct usbnet_status *status)
{
	const struct dnsmasq_step *d = data;

	status->dns = true;
	status->dns_pid = d->h.pid;
	status->has_dns6 = d->has_host6;
	if (d->has_host6)
		status->dns6 = d->host6;
}

static void dnsmasq_describe(const void *data, char *buf, size_t len)
{
	const struct dnsmasq_step *d = data;

	char a6[INET6_ADDRSTRLEN + 12] = "";

	if (d->has_host6) {
		memcpy(a6, ", also on ", 10);
		inet_ntop(AF_INET6, &d->host6, a6 + 10, sizeof(a6) - 10);
	}
	if (d->h.pid > 0)
		snprintf(buf, len, "DNS forwarder (dnsmasq, pid %d%s)", d->h.pid, a6);
	else
		snprintf(buf, len, "DNS forwarder (dnsmasq, its pid file%s)", a6);
}

const struct step_kind step_dnsmasq = {
	.name = "dnsmasq",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct dnsmasq_step),
	.apply = dnsmasq_apply,
	.undo = dnsmasq_undo,
	.check = dnsmasq_check,
	.format = dnsmasq_format,
	.parse = dnsmasq_parse,
	.same = dnsmasq_same,
	.report = dnsmasq_report,
	.describe = dnsmasq_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "dhcp-server": a peer's DHCP server (dhcp-up.h, dhcp-server.h). Recorded ahead
 * of the start with "-" for its handle, then with "PID START"; the spec it serves follows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/dhcp-up.h"
#include "dns/dnsmasq.h"

_Static_assert(sizeof(struct dhcp_server_step) <= STEP_DATA_MAX, "dhcp-server step too large");

static const char *advice(int err)
{
	switch (err) {
	case -ENOENT:
		return "or run up without --dhcp-server";
	case -EBUSY:
		return "another DHCP server holds port 67 on that interface (or on every "
		       "interface): stop it, or go without --dhcp-server";
	case -EADDRNOTAVAIL:
		return "the host's address is not on the interface";
	default:
		return "see the system log for dnsmasq's messages";
	}
}

static int dhcp_apply(struct step_env *env, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	struct dhcp_server_step *d = data;
	struct dns_handle h = {0};
	char err[600] = "", p[INET_ADDRSTRLEN];
	int r;

	if (!be->dns || !be->dns->dhcp_start)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: no DHCP server backend here", ifname);
	inet_ntop(AF_INET, &d->spec.peer, p, sizeof(p));
	r = be->dns->dhcp_start(be->dns_h, ctx->run_dir, ifname, &d->spec, &h, err, sizeof(err));
	if (r < 0)
		return ctx_fail(ctx, r, "could not start the DHCP server for %s on %s: %s; %s", p,
				ifname, err, advice(r));
	d->h = h;
	ctx_log(ctx, USBNET_LOG_INFO, "%s: DHCP server for %s (dnsmasq, pid %d)", ifname, p,
		h.pid);
	return 0;
}

static int dhcp_check(struct step_env *env, const void *data)
{
	const struct dhcp_server_step *d = data;

	if (!env->be->dns || d->h.pid <= 0)
		return 0;
	return env->be->dns->alive(env->be->dns_h, &d->h) > 0;
}

/* pid 0 (pending, or a start that was not recorded): the interface's pid file names it. */
static int dhcp_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const struct usbnet_backends *be = env->be;
	const struct dhcp_server_step *d = data;
	const char *ifname = env->rec->ifname;
	int r;

	if (!be->dns || !be->dns->dhcp_stop)
		return ctx_fail(ctx, -EOPNOTSUPP, "no DHCP server backend to stop %s's", ifname);
	r = be->dns->dhcp_stop(be->dns_h, ctx->run_dir, ifname, &d->h);
	if (r < 0)
		return ctx_fail(ctx, r, "could not stop the DHCP server of %s (pid %d): %s", ifname,
				d->h.pid, strerror(-r));
	snprintf(phrase, len, "DHCP server of %s stopped", ifname);
	return 0;
}

static int dhcp_format(const void *data, char *buf, size_t len)
{
	const struct dhcp_server_step *d = data;
	char h[48], host[32], peer[INET_ADDRSTRLEN];
	int r, n;

	r = dns_handle_format(&d->h, h, sizeof(h));
	if (r < 0)
		return r;
	if (d->spec.host.prefix > 32)
		return -EINVAL;
	usbnet_ip4_format(&d->spec.host, host, sizeof(host));
	inet_ntop(AF_INET, &d->spec.peer, peer, sizeof(peer));
	n = snprintf(buf, len, "%s %s %s router=%s dns=%s", h, host, peer,
		     d->spec.router ? "yes" : "no", d->spec.dns ? "yes" : "no");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int yes_no(const char *s, const char *key, bool *ret)
{
	size_t k = strlen(key);

	if (strncmp(s, key, k) != 0 || s[k] != '=')
		return -EBADMSG;
	if (strcmp(s + k + 1, "yes") == 0)
		*ret = true;
	else if (strcmp(s + k + 1, "no") == 0)
		*ret = false;
	else
		return -EBADMSG;
	return 0;
}

/* Strict: the fields are read, written back, and must give the same line. */
static int dhcp_parse(const char *args, void *data)
{
	struct dhcp_server_step d;
	char copy[STEP_ARGS_MAX + 1], *tok[6], *save = NULL, again[STEP_ARGS_MAX + 1];
	size_t n = 0, at;
	struct usbnet_ip4 peer;

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
	if (usbnet_ip4_parse(tok[at], true, &d.spec.host) < 0 ||
	    usbnet_ip4_parse(tok[at + 1], false, &peer) < 0 || peer.prefix != 32 ||
	    yes_no(tok[at + 2], "router", &d.spec.router) < 0 ||
	    yes_no(tok[at + 3], "dns", &d.spec.dns) < 0)
		return -EBADMSG;
	d.spec.peer = peer.addr;
	if (dhcp_format(&d, again, sizeof(again)) < 0 || strcmp(again, args) != 0)
		return -EBADMSG;
	memcpy(data, &d, sizeof(d));
	return 0;
}

/* One server per peer: an up finds the earlier up's step, whatever its pid. */
static bool dhcp_same(const void *a, const void *b)
{
	(void)a;
	(void)b;
	return true;
}

static void dhcp_report(const void *data, struct usbnet_status *status)
{
	const struct dhcp_server_step *d = data;

	status->dhcp_server = true;
	status->dhcp_pid = d->h.pid;
}

static void dhcp_describe(const void *data, char *buf, size_t len)
{
	const struct dhcp_server_step *d = data;
	char p[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &d->spec.peer, p, sizeof(p));
	if (d->h.pid > 0)
		snprintf(buf, len, "DHCP server for %s (dnsmasq, pid %d)", p, d->h.pid);
	else
		snprintf(buf, len, "DHCP server for %s (dnsmasq, its pid file)", p);
}

const struct step_kind step_dhcp_server = {
	.name = "dhcp-server",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct dhcp_server_step),
	.apply = dhcp_apply,
	.undo = dhcp_undo,
	.check = dhcp_check,
	.format = dhcp_format,
	.parse = dhcp_parse,
	.same = dhcp_same,
	.report = dhcp_report,
	.describe = dhcp_describe,
};

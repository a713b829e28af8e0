/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "dhcp-server": a peer's DHCP server (dhcp-up.h, dhcp-server.h). Recorded ahead
 * of the start with "-" for its handle, then with "PID START"; the spec it serves follows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dns/dhcp-up.h"
#include "dns/dnsmasq.h"
#include "dns/step-link-dnsmasq.h"

_Static_assert(sizeof(struct dhcp_server_step) <= STEP_DATA_MAX, "dhcp-server step too large");
_Static_assert(offsetof(struct dhcp_server_step, h) == 0, "a link dnsmasq step starts with h");

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

static void dhcp_name(const void *data, char *buf, size_t len)
{
	const struct dhcp_server_step *d = data;
	char p[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &d->spec.peer, p, sizeof(p));
	snprintf(buf, len, "DHCP server for %s", p);
}

static const struct step_link_dnsmasq words = {
    .backend = "DHCP server",
    .start_article = "the ",
    .the = "the DHCP server",
    .stopped = "DHCP server of",
    .name = dhcp_name,
    .advice = advice,
};

static int dhcp_start(const struct usbnet_backends *be, const char *run_dir, const char *ifname,
		      const void *data, struct dns_handle *ret, char *errbuf, size_t errlen)
{
	const struct dhcp_server_step *d = data;

	return be->dns->dhcp_start(be->dns_h, run_dir, ifname, &d->spec, ret, errbuf, errlen);
}

static int dhcp_stop(const struct usbnet_backends *be, const char *run_dir, const char *ifname,
		     const struct dns_handle *h)
{
	return be->dns->dhcp_stop(be->dns_h, run_dir, ifname, h);
}

static int dhcp_apply(struct step_env *env, void *data)
{
	const struct usbnet_dns_ops *ops = env->be->dns;

	return step_link_dnsmasq_apply(env, &words, ops && ops->dhcp_start ? dhcp_start : NULL,
				       data);
}

/* pid 0 (pending, or a start that was not recorded): the interface's pid file names it. */
static int dhcp_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct usbnet_dns_ops *ops = env->be->dns;

	return step_link_dnsmasq_undo(env, &words, ops && ops->dhcp_stop ? dhcp_stop : NULL, data,
				      phrase, len);
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
	char copy[STEP_ARGS_MAX + 1], *f[4], again[STEP_ARGS_MAX + 1];
	struct usbnet_ip4 peer;

	memset(&d, 0, sizeof(d));
	if (step_link_dnsmasq_split(args, copy, &d.h, f, 4) < 0 ||
	    usbnet_ip4_parse(f[0], true, &d.spec.host) < 0 ||
	    usbnet_ip4_parse(f[1], false, &peer) < 0 || peer.prefix != 32 ||
	    yes_no(f[2], "router", &d.spec.router) < 0 || yes_no(f[3], "dns", &d.spec.dns) < 0)
		return -EBADMSG;
	d.spec.peer = peer.addr;
	if (dhcp_format(&d, again, sizeof(again)) < 0 || strcmp(again, args) != 0)
		return -EBADMSG;
	memcpy(data, &d, sizeof(d));
	return 0;
}

static void dhcp_report(const void *data, struct usbnet_status *status)
{
	const struct dhcp_server_step *d = data;

	status->dhcp_server = true;
	status->dhcp_pid = d->h.pid;
}

static void dhcp_describe(const void *data, char *buf, size_t len)
{
	step_link_dnsmasq_describe(&words, data, buf, len);
}

const struct step_kind step_dhcp_server = {
    .name = "dhcp-server",
    .scope = STEP_SCOPE_HOST,
    .size = sizeof(struct dhcp_server_step),
    .apply = dhcp_apply,
    .undo = dhcp_undo,
    .check = step_link_dnsmasq_check,
    .format = dhcp_format,
    .parse = dhcp_parse,
    .same = step_link_dnsmasq_same,
    .report = dhcp_report,
    .describe = dhcp_describe,
};

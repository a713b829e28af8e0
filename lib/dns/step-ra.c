/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The step kind "ra": a gateway peer's router advertisements (ra-up.h, ra-server.h). Recorded
 * ahead of the start with "-" for its handle, then with "PID START"; the spec follows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dns/dnsmasq.h"
#include "dns/ra-up.h"
#include "dns/step-link-dnsmasq.h"

_Static_assert(sizeof(struct ra_step) <= STEP_DATA_MAX, "ra step too large");
_Static_assert(offsetof(struct ra_step, h) == 0, "a link dnsmasq step starts with h");

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

static const char *advice(int err)
{
	return err == -ENOENT ? "install dnsmasq, or set ipv6=off for the peer"
			      : "see the system log for dnsmasq's messages";
}

static void ra_name(const void *data, char *buf, size_t len)
{
	const struct ra_step *d = data;
	char p[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &d->spec.prefix, p, sizeof(p));
	snprintf(buf, len, "router advertisements of %s/64", p);
}

static const struct step_link_dnsmasq words = {
    .backend = "router advertisement",
    .start_article = "",
    .the = "the router advertisements",
    .stopped = "router advertisements on",
    .name = ra_name,
    .advice = advice,
};

static int ra_start(const struct usbnet_backends *be, const char *run_dir, const char *ifname,
		    const void *data, struct dns_handle *ret, char *errbuf, size_t errlen)
{
	const struct ra_step *d = data;

	return be->dns->ra_start(be->dns_h, run_dir, ifname, &d->spec, ret, errbuf, errlen);
}

static int ra_stop(const struct usbnet_backends *be, const char *run_dir, const char *ifname,
		   const struct dns_handle *h)
{
	return be->dns->ra_stop(be->dns_h, run_dir, ifname, h);
}

static int ra_do(struct step_env *env, void *data)
{
	const struct usbnet_dns_ops *ops = env->be->dns;

	return step_link_dnsmasq_apply(env, &words, ops && ops->ra_start ? ra_start : NULL, data);
}

static int ra_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct usbnet_dns_ops *ops = env->be->dns;

	return step_link_dnsmasq_undo(env, &words, ops && ops->ra_stop ? ra_stop : NULL, data,
				      phrase, len);
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
	char copy[STEP_ARGS_MAX + 1], *f[4], again[STEP_ARGS_MAX + 1], *slash;

	memset(&d, 0, sizeof(d));
	if (step_link_dnsmasq_split(args, copy, &d.h, f, 4) < 0)
		return -EBADMSG;
	slash = strchr(f[0], '/');
	if (!slash || strcmp(slash, "/64") != 0)
		return -EBADMSG;
	*slash = '\0';
	if (inet_pton(AF_INET6, f[0], &d.spec.prefix) != 1 ||
	    inet_pton(AF_INET6, f[1], &d.spec.host) != 1 ||
	    inet_pton(AF_INET, f[2], &d.spec.host4) != 1)
		return -EBADMSG;
	if (strcmp(f[3], "dns=yes") == 0)
		d.spec.dns = true;
	else if (strcmp(f[3], "dns=no") != 0)
		return -EBADMSG;
	if (ra_format(&d, again, sizeof(again)) < 0 || strcmp(again, args) != 0)
		return -EBADMSG;
	memcpy(data, &d, sizeof(d));
	return 0;
}

static void ra_describe(const void *data, char *buf, size_t len)
{
	step_link_dnsmasq_describe(&words, data, buf, len);
}

const struct step_kind step_ra = {
    .name = "ra",
    .scope = STEP_SCOPE_HOST,
    .size = sizeof(struct ra_step),
    .apply = ra_do,
    .undo = ra_undo,
    .check = step_link_dnsmasq_check,
    .format = ra_format,
    .parse = ra_parse,
    .same = step_link_dnsmasq_same,
    .describe = ra_describe,
};

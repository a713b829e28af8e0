/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A gateway peer's router advertisements: one dnsmasq, RA only (ra-server.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/ra-server.h"

int ra_server_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s.ra.pid", run_dir, ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

struct builder {
	struct dnsmasq_argv *a;
	size_t n, used;
	bool full;
};

static void add(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct builder *b, const char *fmt, ...)
{
	size_t room = sizeof(b->a->storage) - b->used;
	va_list ap;
	int n;

	if (b->full || b->n + 1 >= DNSMASQ_ARGV_MAX) {
		b->full = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->a->storage + b->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		b->full = true;
		return;
	}
	b->a->argv[b->n++] = b->a->storage + b->used;
	b->used += (size_t)n + 1;
}

int ra_server_build_argv(const struct dnsmasq_conf *conf, const char *pid_path,
			 const char *ifname, const struct ra_spec *spec, struct dnsmasq_argv *ret)
{
	struct builder b = {.a = ret};
	char prefix[INET6_ADDRSTRLEN], host[INET6_ADDRSTRLEN];

	memset(ret, 0, sizeof(*ret));
	inet_ntop(AF_INET6, &spec->prefix, prefix, sizeof(prefix));
	inet_ntop(AF_INET6, &spec->host, host, sizeof(host));
	add(&b, "%s", conf && conf->dnsmasq ? conf->dnsmasq : DNSMASQ_PATH);
	/* Not /etc/dnsmasq.conf: another dnsmasq's ranges and options are not this one's. */
	add(&b, "--conf-file=/dev/null");
	add(&b, "--pid-file=%s", pid_path);
	/* No DNS here (the forwarder, when there is one, is the dnsmasq step's). */
	add(&b, "--port=0");
	/* This link alone: nothing is announced or answered on another interface. */
	add(&b, "--interface=%s", ifname);
	add(&b, "--bind-interfaces");
	add(&b, "--except-interface=lo");
	add(&b, "--no-hosts");
	add(&b, "--enable-ra");
	/* The link's /64 for SLAAC, no DHCPv6 (ra-only); dnsmasq announces it on the interface
	 * that holds an address in it (the host's PREFIX::1, step addr6). */
	add(&b, "--dhcp-range=%s,ra-only,64", prefix);
	/* ra-only leases nothing: no lease file (the default one is the host's dnsmasq's). */
	add(&b, "--leasefile-ro");
	/* RDNSS: the forwarder on the link with --dns, else none (an empty option says so). */
	if (spec->dns)
		add(&b, "--dhcp-option=option6:dns-server,[%s]", host);
	else
		add(&b, "--dhcp-option=option6:dns-server");
	if (b.full)
		return -E2BIG;
	ret->argv[b.n] = NULL;
	return 0;
}

int ra_server_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		    const struct ra_spec *spec, struct dns_handle *ret, char *errbuf,
		    size_t errlen)
{
	char pid_path[PATH_MAX];
	struct dnsmasq_argv av;
	int r;

	errbuf[0] = '\0';
	if (ra_server_pid_path(run_dir, ifname, pid_path, sizeof(pid_path)) < 0) {
		snprintf(errbuf, errlen, "the run directory's name is too long");
		return -ENAMETOOLONG;
	}
	r = ra_server_build_argv(conf, pid_path, ifname, spec, &av);
	if (r < 0) {
		snprintf(errbuf, errlen, "dnsmasq's arguments are too long");
		return r;
	}
	return dnsmasq_spawn(av.argv, run_dir, pid_path, ifname, spec->host4, ret, errbuf,
			     errlen);
}

int ra_server_stop(const char *run_dir, const char *ifname, const struct dns_handle *h)
{
	char pid_path[PATH_MAX];

	if (ra_server_pid_path(run_dir, ifname, pid_path, sizeof(pid_path)) < 0)
		return -ENAMETOOLONG;
	return dnsmasq_stop_pid_file(pid_path, h);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DHCP server of a peer that is a DHCP client (dhcp-server.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/dhcp-server.h"

static int path_of(const char *run_dir, const char *ifname, const char *suffix, char *buf,
		   size_t len)
{
	int n = snprintf(buf, len, "%s/%s.%s", run_dir, ifname, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int dhcp_server_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len)
{
	return path_of(run_dir, ifname, "dhcp.pid", buf, len);
}

int dhcp_server_lease_path(const char *run_dir, const char *ifname, char *buf, size_t len)
{
	return path_of(run_dir, ifname, "dhcp.leases", buf, len);
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

int dhcp_server_build_argv(const struct dnsmasq_conf *conf, const char *pid_path,
			   const char *lease_path, const char *ifname,
			   const struct dhcp_server_spec *spec, struct dnsmasq_argv *ret)
{
	struct builder b = {.a = ret};
	char host[INET_ADDRSTRLEN], peer[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	struct in_addr m = {
		.s_addr = spec->host.prefix ? htonl(~0u << (32 - spec->host.prefix)) : 0};

	memset(ret, 0, sizeof(*ret));
	inet_ntop(AF_INET, &spec->host.addr, host, sizeof(host));
	inet_ntop(AF_INET, &spec->peer, peer, sizeof(peer));
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	add(&b, "%s", conf && conf->dnsmasq ? conf->dnsmasq : DNSMASQ_PATH);
	/* Not /etc/dnsmasq.conf: another dnsmasq's ranges and options are not this server's. */
	add(&b, "--conf-file=/dev/null");
	add(&b, "--pid-file=%s", pid_path);
	/* DHCP only: no DNS (the forwarder, when there is one, is the dnsmasq step's). */
	add(&b, "--port=0");
	/* This link alone: with one --interface and --bind-interfaces, dnsmasq binds its DHCP
	 * socket to the device (SO_BINDTODEVICE): a DISCOVER on any other link is never seen. */
	add(&b, "--interface=%s", ifname);
	add(&b, "--bind-interfaces");
	add(&b, "--except-interface=lo");
	add(&b, "--no-hosts");
	/* Exactly the plan's peer address, a short lease. */
	add(&b, "--dhcp-range=%s,%s,%s,%um", peer, peer, mask, DHCP_LEASE_S / 60);
	add(&b, "--dhcp-leasefile=%s", lease_path);
	/* A client that asks for its address again after a restart of ours gets it at once. */
	add(&b, "--dhcp-authoritative");
	/* A point-to-point link: no ping of the address before the offer (3 s saved). */
	add(&b, "--no-ping");
	/* No option beyond the mask but these: an empty --dhcp-option keeps dnsmasq's default
	 * (its own address as router, as name server; the broadcast address) from being sent. */
	if (spec->router)
		add(&b, "--dhcp-option=3,%s", host);
	else
		add(&b, "--dhcp-option=3");
	if (spec->dns)
		add(&b, "--dhcp-option=6,%s", host);
	else
		add(&b, "--dhcp-option=6");
	add(&b, "--dhcp-option=28");
	if (b.full)
		return -E2BIG;
	ret->argv[b.n] = NULL;
	return 0;
}

int dhcp_server_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		      const struct dhcp_server_spec *spec, struct dns_handle *ret, char *errbuf,
		      size_t errlen)
{
	char pid_path[PATH_MAX], lease_path[PATH_MAX];
	struct dnsmasq_argv av;
	int r;

	errbuf[0] = '\0';
	if (dhcp_server_pid_path(run_dir, ifname, pid_path, sizeof(pid_path)) < 0 ||
	    dhcp_server_lease_path(run_dir, ifname, lease_path, sizeof(lease_path)) < 0) {
		snprintf(errbuf, errlen, "the run directory's name is too long");
		return -ENAMETOOLONG;
	}
	r = dhcp_server_build_argv(conf, pid_path, lease_path, ifname, spec, &av);
	if (r < 0) {
		snprintf(errbuf, errlen, "dnsmasq's arguments are too long");
		return r;
	}
	return dnsmasq_spawn(av.argv, run_dir, pid_path, ifname, spec->host.addr, ret, errbuf,
			     errlen);
}

int dhcp_server_stop(const char *run_dir, const char *ifname, const struct dns_handle *h)
{
	char pid_path[PATH_MAX], lease_path[PATH_MAX];
	int r;

	if (dhcp_server_pid_path(run_dir, ifname, pid_path, sizeof(pid_path)) < 0 ||
	    dhcp_server_lease_path(run_dir, ifname, lease_path, sizeof(lease_path)) < 0)
		return -ENAMETOOLONG;
	r = dnsmasq_stop_pid_file(pid_path, h);
	if (r < 0)
		return r;
	if (unlink(lease_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* A decimal without sign or leading zero. */
static int parse_i64(const char *s, size_t n, int64_t *ret)
{
	int64_t v = 0;

	if (n == 0 || n > 18 || (s[0] == '0' && n > 1))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

static bool mac_ok(const char *s, size_t n)
{
	if (n != 17)
		return false;
	for (size_t i = 0; i < 17; i++) {
		bool colon = i % 3 == 2;
		char c = s[i];

		if (colon ? c != ':'
			  : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			      (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

int dhcp_lease_parse_line(const char *line, struct dhcp_lease *ret)
{
	const char *f[3];
	size_t len[3];
	const char *p = line;
	char addr[INET_ADDRSTRLEN];
	struct dhcp_lease l = {0};

	for (int i = 0; i < 3; i++) {
		f[i] = p;
		len[i] = strcspn(p, " \n");
		if (p[len[i]] != ' ')
			return -EBADMSG;
		p += len[i] + 1;
	}
	if (parse_i64(f[0], len[0], &l.expires) < 0 || !mac_ok(f[1], len[1]) ||
	    len[2] >= sizeof(addr))
		return -EBADMSG;
	memcpy(l.mac, f[1], 17);
	for (int i = 0; i < 17; i++)
		if (l.mac[i] >= 'A' && l.mac[i] <= 'F')
			l.mac[i] = (char)(l.mac[i] - 'A' + 'a');
	memcpy(addr, f[2], len[2]);
	addr[len[2]] = '\0';
	if (inet_pton(AF_INET, addr, &l.addr) != 1)
		return -EBADMSG;
	/* 0: an infinite lease (never ours: ours are DHCP_LEASE_S long) */
	l.since = l.expires > DHCP_LEASE_S ? l.expires - DHCP_LEASE_S : 0;
	*ret = l;
	return 0;
}

int dhcp_lease_read(const char *run_dir, const char *ifname, struct dhcp_lease *ret)
{
	char path[PATH_MAX], line[512];
	struct dhcp_lease best = {0}, l;
	bool found = false;
	FILE *f;

	if (dhcp_server_lease_path(run_dir, ifname, path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f))
		if (dhcp_lease_parse_line(line, &l) == 0 && (!found || l.expires > best.expires)) {
			best = l;
			found = true;
		}
	fclose(f);
	if (found)
		*ret = best;
	return found;
}

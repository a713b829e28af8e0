/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DHCP server of a peer that is a DHCP client (dhcp-server.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dhcp-server.h"
#include "dns/link-dnsmasq.h"

/* Exactly the plan's peer address, a short lease, and options of its own. */
static void dhcp_options(struct link_dnsmasq_args *b, const char *lease_path, const void *data)
{
	const struct dhcp_server_spec *spec = data;
	char host[INET_ADDRSTRLEN], peer[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN];
	struct in_addr m = {.s_addr =
				spec->host.prefix ? htonl(~0u << (32 - spec->host.prefix)) : 0};

	inet_ntop(AF_INET, &spec->host.addr, host, sizeof(host));
	inet_ntop(AF_INET, &spec->peer, peer, sizeof(peer));
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	link_dnsmasq_add(b, "--dhcp-range=%s,%s,%s,%um", peer, peer, mask, DHCP_LEASE_S / 60);
	link_dnsmasq_add(b, "--dhcp-leasefile=%s", lease_path);
	/* A client that asks for its address again after a restart of ours gets it at once. */
	link_dnsmasq_add(b, "--dhcp-authoritative");
	/* A point-to-point link: no ping of the address before the offer (3 s saved). */
	link_dnsmasq_add(b, "--no-ping");
	/* No option beyond the mask but these: an empty --dhcp-option keeps dnsmasq's default
	 * (its own address as router, as name server; the broadcast address) from being sent. */
	if (spec->router)
		link_dnsmasq_add(b, "--dhcp-option=3,%s", host);
	else
		link_dnsmasq_add(b, "--dhcp-option=3");
	if (spec->dns)
		link_dnsmasq_add(b, "--dhcp-option=6,%s", host);
	else
		link_dnsmasq_add(b, "--dhcp-option=6");
	link_dnsmasq_add(b, "--dhcp-option=28");
}

static const struct link_dnsmasq dhcp_server = {
    .pid_suffix = "dhcp.pid",
    .lease_suffix = "dhcp.leases",
    .options = dhcp_options,
};

int dhcp_server_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len)
{
	return link_dnsmasq_path(run_dir, ifname, dhcp_server.pid_suffix, buf, len);
}

int dhcp_server_lease_path(const char *run_dir, const char *ifname, char *buf, size_t len)
{
	return link_dnsmasq_path(run_dir, ifname, dhcp_server.lease_suffix, buf, len);
}

int dhcp_server_build_argv(const struct dnsmasq_conf *conf, const char *pid_path,
			   const char *lease_path, const char *ifname,
			   const struct dhcp_server_spec *spec, struct dnsmasq_argv *ret)
{
	return link_dnsmasq_build_argv(&dhcp_server, conf, pid_path, lease_path, ifname, spec, ret);
}

int dhcp_server_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		      const struct dhcp_server_spec *spec, struct dns_handle *ret, char *errbuf,
		      size_t errlen)
{
	return link_dnsmasq_start(&dhcp_server, conf, run_dir, ifname, spec, spec->host.addr, ret,
				  errbuf, errlen);
}

/* The lease file goes too: the next server's peer asks afresh. */
int dhcp_server_stop(const char *run_dir, const char *ifname, const struct dns_handle *h)
{
	return link_dnsmasq_stop(&dhcp_server, run_dir, ifname, h);
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

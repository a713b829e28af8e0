/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A gateway peer's router advertisements: one dnsmasq, RA only (ra-server.h). */
#include <arpa/inet.h>

#include "dns/link-dnsmasq.h"
#include "dns/ra-server.h"

/* The link's /64 for SLAAC, the host's address in it as name server with --dns. */
static void ra_options(struct link_dnsmasq_args *b, const char *lease_path, const void *data)
{
	const struct ra_spec *spec = data;
	char prefix[INET6_ADDRSTRLEN], host[INET6_ADDRSTRLEN];

	(void)lease_path;
	inet_ntop(AF_INET6, &spec->prefix, prefix, sizeof(prefix));
	inet_ntop(AF_INET6, &spec->host, host, sizeof(host));
	link_dnsmasq_add(b, "--enable-ra");
	/* The link's /64 for SLAAC, no DHCPv6 (ra-only); dnsmasq announces it on the interface
	 * that holds an address in it (the host's PREFIX::1, step addr6). */
	link_dnsmasq_add(b, "--dhcp-range=%s,ra-only,64", prefix);
	/* ra-only leases nothing: no lease file (the default one is the host's dnsmasq's). */
	link_dnsmasq_add(b, "--leasefile-ro");
	/* RDNSS: the forwarder on the link with --dns, else none (an empty option says so). */
	if (spec->dns)
		link_dnsmasq_add(b, "--dhcp-option=option6:dns-server,[%s]", host);
	else
		link_dnsmasq_add(b, "--dhcp-option=option6:dns-server");
}

static const struct link_dnsmasq ra_server = {
    .pid_suffix = "ra.pid",
    .options = ra_options,
};

int ra_server_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len)
{
	return link_dnsmasq_path(run_dir, ifname, ra_server.pid_suffix, buf, len);
}

int ra_server_build_argv(const struct dnsmasq_conf *conf, const char *pid_path, const char *ifname,
			 const struct ra_spec *spec, struct dnsmasq_argv *ret)
{
	return link_dnsmasq_build_argv(&ra_server, conf, pid_path, NULL, ifname, spec, ret);
}

/* dnsmasq starts once the host's IPv4 address is on the link, as the other servers do. */
int ra_server_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		    const struct ra_spec *spec, struct dns_handle *ret, char *errbuf, size_t errlen)
{
	return link_dnsmasq_start(&ra_server, conf, run_dir, ifname, spec, spec->host4, ret, errbuf,
				  errlen);
}

int ra_server_stop(const char *run_dir, const char *ifname, const struct dns_handle *h)
{
	return link_dnsmasq_stop(&ra_server, run_dir, ifname, h);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The DHCP server of a peer that is a DHCP client: a dnsmasq of its own (DNS off: port 0), on
 * the peer's interface alone (--interface with --bind-interfaces: dnsmasq binds its DHCP
 * socket to that device, so several peers' servers and the host's own dnsmasq live side by
 * side and nothing is answered on any other interface), handing out exactly one address (the
 * plan's peer address) with a short lease, the subnet mask, the router option only in gateway
 * mode, the DNS option only with --dns, and nothing else (no broadcast, domain or host name).
 *
 * Why a second dnsmasq rather than DHCP in the DNS forwarder's: each step kind owns one process
 * (journal order, undo, check and restart stay the step's own), and a static peer has a DHCP
 * server without a forwarder. It costs one small process per peer.
 */
#ifndef USBNET_DHCP_SERVER_H
#define USBNET_DHCP_SERVER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/backend.h"
#include "dns/dnsmasq.h"

#define DHCP_LEASE_S 120 /* dnsmasq's shortest; the client renews each minute */

/* RUN_DIR/IFNAME.dhcp.pid and RUN_DIR/IFNAME.dhcp.leases */
int dhcp_server_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len);
int dhcp_server_lease_path(const char *run_dir, const char *ifname, char *buf, size_t len);

/* dnsmasq's argument vector (pure, for the tests). */
int dhcp_server_build_argv(const struct dnsmasq_conf *conf, const char *pid_path,
			   const char *lease_path, const char *ifname,
			   const struct dhcp_server_spec *spec, struct dnsmasq_argv *ret);

/* Start (errors as dnsmasq_start's) and stop (0 when stopped or gone; the lease file goes). */
int dhcp_server_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		      const struct dhcp_server_spec *spec, struct dns_handle *ret, char *errbuf,
		      size_t errlen);
int dhcp_server_stop(const char *run_dir, const char *ifname, const struct dns_handle *h);

/* The lease a peer holds. */
struct dhcp_lease {
	struct in_addr addr;
	char mac[18];
	int64_t since;	 /* granted or last renewed, seconds since the epoch */
	int64_t expires; /* seconds since the epoch */
};

/* One line of dnsmasq's lease file ("EXPIRY MAC IP NAME CLIENTID"); -EBADMSG otherwise. */
int dhcp_lease_parse_line(const char *line, struct dhcp_lease *ret);
/* The newest lease in the interface's lease file: 1 and ret, 0 when it holds none. */
int dhcp_lease_read(const char *run_dir, const char *ifname, struct dhcp_lease *ret);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A gateway peer's router advertisements (IPv6 shared, gateway/gateway6.h): a dnsmasq of its
 * own, RA only (DNS off: port 0; no DHCPv6: the range is ra-only, SLAAC), on the peer's link
 * alone (--interface with --bind-interfaces), announcing the link's one /64 with the host's
 * link-local address as the router, and with --dns the host's address in the prefix as RDNSS.
 *
 * Why one more dnsmasq rather than RA in the DHCP server's or the forwarder's: each step kind
 * owns one process (journal order, undo, check and restart stay the step's own), an IPv6 link
 * has RAs without either, and the router advertisements must start after the link's IPv6
 * address and the forwarding steps, which come after the others. One small process per peer.
 */
#ifndef USBNET_RA_SERVER_H
#define USBNET_RA_SERVER_H

#include <stddef.h>
#include "core/backend.h"
#include "dns/dnsmasq.h"

/* RUN_DIR/IFNAME.ra.pid */
int ra_server_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len);
/* dnsmasq's argument vector (pure, for the tests). */
int ra_server_build_argv(const struct dnsmasq_conf *conf, const char *pid_path,
			 const char *ifname, const struct ra_spec *spec, struct dnsmasq_argv *ret);
int ra_server_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		    const struct ra_spec *spec, struct dns_handle *ret, char *errbuf,
		    size_t errlen);
int ra_server_stop(const char *run_dir, const char *ifname, const struct dns_handle *h);

#endif

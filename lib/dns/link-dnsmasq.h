/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A dnsmasq of its own on a peer's link: the DHCP server (dhcp-server.h) and the router
 * advertisements (ra-server.h) are each one. What they share is here: no DNS (port 0), the
 * peer's interface alone, neither /etc/dnsmasq.conf nor /etc/hosts, a pid file
 * RUN_DIR/IFNAME.SUFFIX, maybe a lease file beside it, started and stopped as dnsmasq.c does
 * for any dnsmasq of ours. What differs, its own options and its files' names, is the server's
 * (a struct link_dnsmasq in its file).
 */
#ifndef USBNET_LINK_DNSMASQ_H
#define USBNET_LINK_DNSMASQ_H

#include <netinet/in.h>
#include <stddef.h>
#include "core/backend.h"
#include "dns/dnsmasq.h"

/* An argument vector being built (link-dnsmasq.c). */
struct link_dnsmasq_args;

/* One kind of dnsmasq on a link. */
struct link_dnsmasq {
	const char *pid_suffix;	  /* RUN_DIR/IFNAME.<pid_suffix> */
	const char *lease_suffix; /* RUN_DIR/IFNAME.<lease_suffix>, gone with stop; NULL: none */
	/* Its own options, after those every one has; lease_path NULL when it keeps none. */
	void (*options)(struct link_dnsmasq_args *b, const char *lease_path, const void *spec);
};

/* RUN_DIR/IFNAME.SUFFIX; -ENAMETOOLONG when it does not fit. */
int link_dnsmasq_path(const char *run_dir, const char *ifname, const char *suffix, char *buf,
		      size_t len);

/* One argument, printf-like; one that does not fit makes the build's answer -E2BIG. */
void link_dnsmasq_add(struct link_dnsmasq_args *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The whole argument vector (pure, for the tests): the binary, the common options, then ld's
 * own. -E2BIG when it does not fit in ret. */
int link_dnsmasq_build_argv(const struct link_dnsmasq *ld, const struct dnsmasq_conf *conf,
			    const char *pid_path, const char *lease_path, const char *ifname,
			    const void *spec, struct dnsmasq_argv *ret);

/* Start it once host is on ifname (errors as dnsmasq_start's, errbuf says why); stop it (pid 0:
 * the one its pid file names), and remove its lease file: 0 when stopped or already gone. */
int link_dnsmasq_start(const struct link_dnsmasq *ld, const struct dnsmasq_conf *conf,
		       const char *run_dir, const char *ifname, const void *spec,
		       struct in_addr host, struct dns_handle *ret, char *errbuf, size_t errlen);
int link_dnsmasq_stop(const struct link_dnsmasq *ld, const char *run_dir, const char *ifname,
		      const struct dns_handle *h);

#endif

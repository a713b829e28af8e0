/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The link's own steps, over rtnetlink (core/step.h): link up, an address, a route, a
 * per-link sysctl. */
#ifndef USBNET_NETLINK_STEPS_H
#define USBNET_NETLINK_STEPS_H

#include <netinet/in.h>
#include <stdint.h>
#include "core/step.h"
#include "usbnet-host/usbnet.h"

/* The data of an address or a route step: the address with its prefix, or the destination. */
struct step_ip {
	struct usbnet_ip4 ip;
};

/* The data of a route-metric step: a link route to dst with this metric (distinct per link). */
struct step_route_metric {
	struct usbnet_ip4 dst;
	uint32_t metric;
};

/* The data of an addr6 step: the host's IPv6 address on the link (gateway mode, IPv6 shared). */
struct step_ip6 {
	struct in6_addr addr;
	unsigned prefix;
};

/* The data of a per-link sysctl step: net.FAMILY.conf.IF.KEY set to value, it was before. */
struct step_sysctl {
	char family[8]; /* "ipv4", "ipv6" */
	char key[32];	/* "disable_ipv6" */
	int value;
	int before;
};

/* The data of an altname step: the peer's name (usbnet_peer_name()). */
struct step_altname {
	char name[USBNET_NAME_MAX];
};

extern const struct step_kind step_link_up; /* no data: the link was down, we set it up */
extern const struct step_kind step_addr;    /* struct step_ip: we added this address */
extern const struct step_kind step_route;   /* struct step_ip: a link route we added */
extern const struct step_kind step_link_sysctl; /* struct step_sysctl */
extern const struct step_kind step_route_metric; /* struct step_route_metric */
extern const struct step_kind step_addr6;   /* struct step_ip6: we added this IPv6 address */

struct step_env;
/* Record and make a link-sysctl step, with the value found now as the one to give back;
 * journal_apply()'s answer. ipv6 disable_ipv6 on a kernel without IPv6: JOURNAL_NOOP. */
int link_sysctl_apply(struct step_env *env, const char *family, const char *key, int value);

extern const struct step_kind step_altname; /* struct step_altname: the link's altname */

#endif

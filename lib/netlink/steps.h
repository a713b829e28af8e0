/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The link's own steps, over rtnetlink (core/step.h): link up, an address, a route. */
#ifndef USBNET_NETLINK_STEPS_H
#define USBNET_NETLINK_STEPS_H

#include "core/step.h"
#include "usbnet-host/usbnet.h"

/* The data of an address or a route step: the address with its prefix, or the destination. */
struct step_ip {
	struct usbnet_ip4 ip;
};

/* The data of an altname step: the peer's name (usbnet_peer_name()). */
struct step_altname {
	char name[USBNET_NAME_MAX];
};

extern const struct step_kind step_link_up; /* no data: the link was down, we set it up */
extern const struct step_kind step_addr;    /* struct step_ip: we added this address */
extern const struct step_kind step_route;   /* struct step_ip: a link route we added */
extern const struct step_kind step_altname; /* struct step_altname: the link's altname */

#endif

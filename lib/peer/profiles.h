/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in profile table (../shared/GADGETS.md). */
#ifndef USBNET_PROFILES_H
#define USBNET_PROFILES_H

#include <stdbool.h>
#include <stdint.h>
#include "usbnet-host/usbnet.h"

struct profile {
	const char *id;	  /* "n900", "maemo", "fobnail"... */
	const char *name; /* "Nokia N900 (PC-Suite mode)" */
	/* match; a profile with no match field set never matches a device by itself, it only
	 * tells discovery which addresses such devices use */
	uint16_t vendor_id, product_id; /* 0: any */
	const char *product;		/* NULL: any */
	enum usbnet_protocol protocol;	/* UNKNOWN: any */
	/* plan; NULL addresses: nobody confirmed them */
	enum usbnet_mode mode;
	const char *host; /* "192.168.2.14/24" */
	const char *peer; /* "192.168.2.15" */
	bool serves_dhcp;
	/* the peer is a DHCP client: served by usbnet-host (plan.dhcp_server), with the router
	 * option in every mode (dhcp_router: it gives up a lease without a gateway), the host's
	 * address shared by every such link (shared_host), the peer's chosen when it is planned */
	bool dhcp_server, dhcp_router, shared_host;
	bool ipv6_off; /* the device has no IPv6: the host sends it none (ipv6=off) */
	/* the device ARP-asks for the host's address from this prefix, not the link's subnet
	 * (plan.probe_from): "10.12.194.0/28" */
	const char *probe_from;
};

extern const struct profile profiles[];
extern const size_t n_profiles;

const struct profile *profile_match(const struct usbnet_peer *peer);
const struct profile *profile_by_id(const char *id);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Free addresses for peers that are DHCP clients (free-subnet.c): what no address and no route
 * of the host (every table but local, default routes aside) touches.
 */
#ifndef USBNET_FREE_SUBNET_H
#define USBNET_FREE_SUBNET_H

#include "core/backend.h"
#include "core/ctx.h"

/* The first DHCP_CLIENT_NET_FIRST..255 in 10.42.N.0/24 that nothing on the host overlaps
 * (own_ifindex's own addresses and routes aside): the host .1/24, the peer .2. 10.42.0.0/24
 * is left to the Raspberry Pi gadgets (their shared 10.42.0.1). -EADDRNOTAVAIL when none. */
#define DHCP_CLIENT_NET_FIRST 1
int free_subnet_for_client(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			   int own_ifindex, struct usbnet_ip4 *ret_host, struct in_addr *ret_peer);

/* A shared host address (host.addr/32 on each link, the peers in host's subnet by /32 routes):
 * the lowest address of host's subnet, after host, that no other link's address or host
 * route (/25 or longer) takes. -EADDRNOTAVAIL when none. */
int free_shared_peer(struct usbnet_ctx *ctx, const struct usbnet_backends *be, int own_ifindex,
		     const struct usbnet_ip4 *host, struct in_addr *ret_peer);

#endif

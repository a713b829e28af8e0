/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef USBNET_DEFAULT_ROUTE_H
#define USBNET_DEFAULT_ROUTE_H

#include <stdbool.h>

/* The interface of the main table's IPv4 default route with the lowest metric; -ENETUNREACH
 * when there is none. */
int default_route_ifname(char ret[16]);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether an uplink has an IPv6 default route (gateway mode shares IPv6 only then). */
#ifndef USBNET_UPLINK6_H
#define USBNET_UPLINK6_H

#include <stddef.h>

/* One line of /proc/net/ipv6_route: 1 when it is a usable default route (::/0, up, not a
 * reject route) through dev, 0 otherwise, -EBADMSG when it is not such a line. Pure. */
int uplink6_route_line(const char *line, const char *dev);
/* Real: 1 when this network namespace has one through dev, 0 when not (or no IPv6). */
int uplink6_has_default(const char *dev);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IPv6 uplink a report names (usbnet.h): what show says as "ipv6 uplink" and the JSON
 * reports carry as uplink6, only when it is another interface than the IPv4 uplink. */
#include <string.h>

#include "usbnet-host/usbnet.h"

const char *usbnet_status_uplink6(const struct usbnet_status *st)
{
	if (!st->uplink[0] || !st->uplink6[0] ||
	    strncmp(st->uplink6, st->uplink, sizeof(st->uplink)) == 0)
		return "";
	return st->uplink6;
}

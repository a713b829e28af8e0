/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A peer that serves DHCP is left to NetworkManager, but with a profile of usbnet-host's own:
 * it takes the lease for the link and, unless the configuration trusts the peer, never the
 * default route, other routes or DNS servers from it (the PoisonTap attack). The profile is
 * volatile: NetworkManager deletes it when it is deactivated, so an unplug leaves nothing.
 */
#ifndef USBNET_NM_DHCP_H
#define USBNET_NM_DHCP_H

#include <stdbool.h>
#include <stddef.h>

#define NM_DHCP_UUID_LEN 37

/* Adds and activates the profile with the caller's uuid (recorded before the change is made).
 * -ENOTCONN when NetworkManager is not running, -ENODEV when it does not know ifname. */
int nm_dhcp_activate(const char *ifname, bool trusted, const char *uuid, char *errbuf,
		     size_t errlen);
/* Deletes the profile; 0 when it is already gone. */
int nm_dhcp_remove(const char *uuid, char *errbuf, size_t errlen);

#endif

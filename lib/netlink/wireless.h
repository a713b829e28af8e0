/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether a network interface is Wi-Fi: a station cannot be a bridge port (802.11 carries one
 * MAC address per station), so bridge mode refuses it. */
#ifndef USBNET_WIRELESS_H
#define USBNET_WIRELESS_H

#include <stdbool.h>

/* sysfs_root: "/sys", or a test's fake tree. True when SYSFS/class/net/IF/wireless or
 * SYSFS/class/net/IF/phy80211 exists (cfg80211 devices have both, old wext ones the first). */
bool wireless_is_wifi(const char *sysfs_root, const char *ifname);

#endif

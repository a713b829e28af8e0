/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "netlink/wireless.h"

bool wireless_is_wifi(const char *sysfs_root, const char *ifname)
{
	static const char *const marks[] = {"wireless", "phy80211"};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		int n = snprintf(path, sizeof(path), "%s/class/net/%s/%s", sysfs_root, ifname,
				 marks[i]);

		if (n > 0 && (size_t)n < sizeof(path) && access(path, F_OK) == 0)
			return true;
	}
	return false;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The uplink's IPv6 default route, from /proc/net/ipv6_route (uplink6.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/uplink6.h"

#define RTF_UP_ 0x0001u
#define RTF_REJECT_ 0x0200u

int uplink6_route_line(const char *line, const char *dev)
{
	char dst[33], src[33], gw[33], name[32];
	unsigned plen, splen, metric, ref, use, flags;

	/* DST PLEN SRC SPLEN GW METRIC REFCNT USE FLAGS DEV (hex) */
	if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %31s", dst, &plen, src, &splen, gw,
		   &metric, &ref, &use, &flags, name) != 10)
		return -EBADMSG;
	if (strspn(dst, "0") != 32 || plen != 0 || splen != 0)
		return 0;
	if (!(flags & RTF_UP_) || (flags & RTF_REJECT_))
		return 0;
	return strcmp(name, dev) == 0;
}

int uplink6_has_default(const char *dev)
{
	char line[256];
	FILE *f = fopen("/proc/net/ipv6_route", "re");
	int found = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f))
		if (uplink6_route_line(line, dev) > 0)
			found = 1;
	fclose(f);
	return found;
}

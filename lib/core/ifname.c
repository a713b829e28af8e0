/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "core/ifname.h"
#include "usbnet-host/usbnet.h"

/* The kernel's isspace(): ASCII white space and, in its Latin-1 ctype, 0xa0. */
static bool kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

bool ifname_valid(const char *name)
{
	size_t n;

	if (!name)
		return false;
	n = strnlen(name, USBNET_IFNAMSIZ);
	if (n == 0 || n >= USBNET_IFNAMSIZ || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == ':' || kernel_isspace(c))
			return false;
	}
	return true;
}

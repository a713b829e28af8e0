/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>

#include "updown/modes.h"

static const struct mode_entry *const entries[] = {
	&mode_ignore, &mode_static, &mode_gateway, &mode_bridge, &mode_dhcp, &mode_auto,
};

const struct mode_entry *mode_entry(enum usbnet_mode mode)
{
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (entries[i]->mode == mode)
			return entries[i];
	return &mode_ignore;
}

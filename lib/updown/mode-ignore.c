/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mode ignore: nothing (unknown devices, tethering phones: NetworkManager keeps them). */
#include "updown/modes.h"

static int ignore_resolve(struct up_run *u, const struct usbnet_up_opts *opts)
{
	(void)opts;
	u->rec.status.rtt_us = -1;
	u->result = USBNET_UP_NOTHING;
	return 1;
}

const struct mode_entry mode_ignore = {
	.mode = USBNET_MODE_IGNORE,
	.resolve = ignore_resolve,
};

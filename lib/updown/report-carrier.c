/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether a report is of a peer waiting for its carrier (usbnet.h): what show and status say
 * as "waiting for carrier" and the JSON reports carry as waiting_for_carrier. */
#include <string.h>

#include "usbnet-host/usbnet.h"

bool usbnet_report_waiting_for_carrier(const struct usbnet_report *rep)
{
	bool recorded = rep->status.state == USBNET_STATE_CONFIGURED ||
			rep->status.state == USBNET_STATE_DEGRADED;
	/* up --auto's own wait: its record (still unconfigured) says so */
	bool waiting = strncmp(rep->status.message, "waiting for carrier", 19) == 0;

	return (recorded || waiting) && !rep->peer.carrier;
}

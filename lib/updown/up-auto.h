/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* up --auto: discovery, then the host's address (up-auto.c). */
#ifndef USBNET_UP_AUTO_H
#define USBNET_UP_AUTO_H

#include <stdbool.h>
#include "core/ctx.h"
#include "probe/probe.h"

#define UP_AUTO_DEFAULT_WAIT_S 3 /* as classify.c's for a planned peer */

struct up_auto_outcome {
	enum auto_choice choice;
	enum usbnet_probe_method method; /* of the finding the choice rests on; 0: none */
	char discovered[48];		 /* "METHOD CHOICE", for the state record */
	size_t n_findings;
	int64_t elapsed_ms;
};

/* Probe the link (up), choose: fills plan's host and peer (or, for a DHCP-serving peer, no
 * host and peer_serves_dhcp). Sends on the link; changes nothing on the host. */
int up_auto_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be, int ifindex,
		    const char *ifname, unsigned timeout_ms, struct usbnet_plan *plan,
		    struct up_auto_outcome *ret);
/* An earlier up --auto's record: its addresses into plan. false when it has none. */
bool up_auto_adopt(const char *discovered, const struct usbnet_status *st,
		   struct usbnet_plan *plan, enum auto_choice *ret_choice);

#endif

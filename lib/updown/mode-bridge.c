/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mode bridge: the peer a port of a bridge with the host's uplink (bridge/); no host address,
 * the device takes its own from the LAN. */
#include <stdio.h>

#include "bridge/bridge.h"
#include "netlink/steps.h"
#include "nm/steps.h"
#include "updown/modes.h"

static int bridge_mode_resolve(struct up_run *u, const struct usbnet_up_opts *opts)
{
	(void)opts;
	u->plan.has_peer = false;
	return bridge_plan_make(u->ctx, u->be, u->ifname, u->link.ifindex, u->plan.uplink,
				u->plan.bridge, &u->bridge);
}

static void bridge_words(const struct up_run *u, char *buf, size_t len)
{
	snprintf(buf, len, "bridge name=%s uplink=%s", u->bridge.name,
		 u->bridge.shown_uplink[0] ? u->bridge.shown_uplink : "-");
}

static int bridge_mode_apply(struct up_run *u)
{
	char none = 0;
	int r;

	r = journal_apply(&u->env, &step_nm_unmanaged, &none);
	if (r >= 0)
		r = bridge_apply(&u->env, &u->bridge);
	if (r >= 0)
		r = journal_apply(&u->env, &step_link_up, &none);
	return r < 0 ? r : 0;
}

static void bridge_finish(struct up_run *u)
{
	u->rec.status.state = USBNET_STATE_CONFIGURED;
	snprintf(u->rec.status.message, sizeof(u->rec.status.message), "a port of %s%s%s",
		 u->bridge.name, u->bridge.shown_uplink[0] ? ", uplink " : "",
		 u->bridge.shown_uplink);
}

const struct mode_entry mode_bridge = {
	.mode = USBNET_MODE_BRIDGE,
	.resolve = bridge_mode_resolve,
	.words = bridge_words,
	.apply = bridge_mode_apply,
	.finish = bridge_finish,
};

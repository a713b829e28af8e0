/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bridge mode: the peer becomes a port of a bridge with the host's uplink, so the device sits
 * on the LAN and takes its address from it. The bridge (when usbnet-host made it) and the
 * uplink's move into it are shared by every peer on that bridge (bridge-state.h); each peer's
 * own record says it joined and was made a port.
 */
#ifndef USBNET_BRIDGE_H
#define USBNET_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include "core/backend.h"
#include "core/ctx.h"
#include "core/state.h"

#define BRIDGE_DEFAULT_NAME "usbnet-br0"

struct bridge_plan {
	char name[USBNET_IFNAMSIZ];   /* the bridge */
	char uplink[USBNET_IFNAMSIZ]; /* the uplink to move into it; "" when it is there already */
	char shown_uplink[USBNET_IFNAMSIZ]; /* for messages: the uplink, moved or not ("" none) */
	int peer_ifindex;
	char peer[USBNET_IFNAMSIZ];
};

/*
 * Check everything before anything changes: the uplink (given, or the default route's
 * interface), the bridge (given, the uplink itself when that is a bridge, or the default
 * name), NetworkManager. Errors: -EINVAL (unknown or unfit uplink or bridge), -EOPNOTSUPP
 * (Wi-Fi, NetworkManager manages the uplink, addresses or routes that cannot be moved), with
 * the explanation in ctx.
 */
int bridge_plan_make(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *peer,
		     int peer_ifindex, const char *want_uplink, const char *want_bridge,
		     struct bridge_plan *ret);
/* Under the peer's lock, its record written: join the bridge (made, and the uplink moved,
 * by the first peer, under the bridge's own lock), then make the peer a port. Every step is
 * written ahead into rec or into the shared record; on failure the caller undoes rec. */
int bridge_apply(struct usbnet_ctx *ctx, const struct usbnet_backends *be, struct state_record *rec,
		 const struct bridge_plan *plan);
/* Whether the peer is still a port of the bridge its record names. */
bool bridge_in_place(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct state_record *rec, const char *name);
/* The undo of STEP_BRIDGE_JOIN (leave: the last one out takes the bridge down and gives the
 * uplink its addresses and routes back) and STEP_BRIDGE_PORT; phrase says what was done. */
int bridge_undo_step(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct state_record *rec, const struct state_step *s, char *phrase,
		     size_t len);
/* A peer that is gone: its port went with it; leave the bridges it joined. */
int bridge_leave_all(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct state_record *rec);

#endif

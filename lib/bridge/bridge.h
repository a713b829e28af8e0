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
#include "core/journal.h"
#include "core/step.h"

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
 * the explanation in ctx. A refusal of the plan is ctx_fail_input() (bad input, nothing
 * changed); a lookup that failed is ctx_fail().
 */
int bridge_plan_make(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *peer,
		     int peer_ifindex, const char *want_uplink, const char *want_bridge,
		     struct bridge_plan *ret);
/*
 * Under the peer's lock, its record env->rec on disk: join the bridge (made, and the uplink
 * moved, by the first peer, under the bridge's own lock), then make the peer a port: two
 * steps, journal_apply(env, &step_bridge_join, ...) and journal_apply(env, &step_bridge_port,
 * ...). A step an earlier up recorded is checked and made again only when it is not in place
 * (a port detached by hand). On failure, the step that failed left nothing; the caller undoes
 * the record (journal_undo).
 */
int bridge_apply(struct step_env *env, const struct bridge_plan *plan);

/* The step kinds (updown/step-kinds.c). Their record lines are "bridge-join NAME" and
 * "bridge-port NAME". bridge-join is host-wide (the peer is listed in RUN_DIR/NAME.bridge;
 * undone: it leaves, the last one out takes the bridge down and gives the uplink its addresses
 * and routes back); bridge-port is the link's (undone: out of the bridge). */
extern const struct step_kind step_bridge_join, step_bridge_port;

/* A step's data. */
struct bridge_join_data {
	char name[USBNET_IFNAMSIZ];
	/* The uplink to move into the bridge ("": none). Not in the record line: a parsed step
	 * has "", and the undo works from the name alone (the shared record knows the uplink). */
	char uplink[USBNET_IFNAMSIZ];
};

struct bridge_port_data {
	char name[USBNET_IFNAMSIZ];
};

#endif

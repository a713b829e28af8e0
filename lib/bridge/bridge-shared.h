/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared part of a bridge (bridge.c), under the bridge's own lock, for the step kinds of
 * this folder: joining (the first peer makes the bridge and moves the uplink into it, every
 * step written ahead into RUN_DIR/NAME.bridge) and leaving (the last peer out undoes them).
 */
#ifndef USBNET_BRIDGE_SHARED_H
#define USBNET_BRIDGE_SHARED_H

#include <stdbool.h>
#include "core/backend.h"
#include "core/ctx.h"

/* List peer among the bridge's users; make the bridge when it is not there (with uplink's
 * MAC) and move uplink ("": none to move) into it when it is not a port yet. On failure, what
 * was made stays in the shared record (the peer listed): bridge_leave() undoes it. */
int bridge_join(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *name,
		const char *uplink, const char *peer, int peer_ifindex, int *ret_bridge_ifindex);
/* Take peer off the bridge's users; the last one out undoes the shared steps and removes the
 * record. 0 when others remain (or there was no record), 1 when the bridge was undone. */
int bridge_leave(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *name,
		 const char *peer);

/* A bridge's name as a step's record line carries it (step-bridge-join.c). */
bool bridge_step_name_ok(const char *name);

#endif

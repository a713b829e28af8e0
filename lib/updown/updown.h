/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What up and down share: the undo of recorded steps, and which names they accept. */
#ifndef USBNET_UPDOWN_H
#define USBNET_UPDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include "core/backend.h"
#include "core/ctx.h"
#include "core/state.h"

#include "core/ifname.h"
/* What to do when the run directory cannot be used (appended to the message). */
#define RUN_DIR_HINT "; the run directory (--run-dir, USBNET_HOST_RUN_DIR) must be a writable directory"

/*
 * Undo rec's steps in reverse, removing each from rec as it is undone. What is already gone
 * (a route or address someone removed, NetworkManager stopped) counts as undone. On failure
 * rec keeps the steps still to undo and ctx_fail() says what failed. done, when not NULL,
 * gets "what was undone" phrases, comma-separated (for "rolled back: ...").
 */
int updown_undo(struct usbnet_ctx *ctx, const struct usbnet_backends *be, struct state_record *rec,
		char *done, size_t done_len);

#endif

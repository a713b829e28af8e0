/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What up, down and prune share: finding a peer's record, and releasing a stale one. */
#ifndef USBNET_UPDOWN_H
#define USBNET_UPDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include "core/backend.h"
#include "core/ctx.h"
#include "core/ifname.h"
#include "core/journal.h"

/* What to do when the run directory cannot be used (appended to the message). */
#define RUN_DIR_HINT "; the run directory (--run-dir, USBNET_HOST_RUN_DIR) must be a writable directory"

enum record_match {
	RECORD_NONE = 0,  /* nothing recorded for this interface */
	RECORD_OURS,	  /* the record is this interface's (perhaps found under its old name) */
	RECORD_STALE,	  /* a record of that name, made for another device or in another boot */
};

/*
 * Under ifname's lock: the record of the interface link (link NULL: the interface is gone).
 * A record under another name whose device this is (a renamed interface) is moved to ifname.
 * -EBADMSG (ctx says so) for a damaged record.
 */
int updown_record_find(struct usbnet_ctx *ctx, const char *ifname, const struct nl_link_info *link,
		       struct state_record *ret, enum record_match *ret_match);

/*
 * The whole undo walk over rec (written back as it goes); link_ours false: only the host-wide
 * steps are undone (the interface is gone, or another device's). The record (and its lock
 * file) is removed when all is undone; on failure what is left stays recorded, state failed,
 * and ctx says what to do. done: what was undone, for the message.
 */
int updown_undo_all(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		    struct state_record *rec, bool link_ours, char *done, size_t done_len);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A worker's context (see worker.h). libnl sockets are not shared between processes: a reply
 * may be read by whichever process reads first, and the sequence numbers collide. The watcher
 * itself never talks to NetworkManager (the rule keeps it off the peers), so there is no GDBus
 * thread to inherit; should one exist, its handle is left alone (never closed from here: the
 * connection is the watcher's) and the worker opens its own.
 */
#include <string.h>

#include "watch/worker.h"

void worker_detach_ctx(struct usbnet_ctx *ctx)
{
	if (ctx->be_owned) {
		nl_real_close(ctx->be.nl_h);
		memset(&ctx->be, 0, sizeof(ctx->be));
		ctx->be_owned = false;
	}
	ctx->nm_mod = NULL;
	ctx->nm_mod_h = NULL;
	ctx->nm_tried = false;
	ctx_clear_error(ctx);
}

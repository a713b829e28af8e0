/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <net/if.h>

#include "ctx.h"
#include "prune.h"
#include "state.h"

int prune_vanished(struct usbnet_ctx *ctx)
{
	char **names = NULL;
	int n = 0;

	if (usbnet_state_list(ctx, &names) < 0)
		return 0;
	for (char **p = names; *p; p++) {
		struct state_record rec;

		if (state_read(ctx->run_dir, *p, &rec) < 0)
			continue;
		if (rec.ifindex > 0 && (int)if_nametoindex(*p) == rec.ifindex)
			continue;
		/* down drops the record of an interface that is gone: the kernel took its
		 * addresses and routes with it. */
		if (usbnet_down(ctx, *p) == 0) {
			ctx_log(ctx, USBNET_LOG_NOTICE, "%s: gone, its state was cleaned", *p);
			n++;
		}
	}
	usbnet_strv_free(names);
	ctx_clear_error(ctx);
	return n;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * down: undo, in reverse, exactly what the state record says up did (the journal's undo walk).
 * Nothing that is not recorded is touched: an address the user added meanwhile stays. When
 * the interface is gone, or its name and index are another device's now, only what the record
 * holds on the host is released (nftables, forwarding, a DNS forwarder, a bridge).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/lock.h"
#include "updown/updown.h"

int usbnet_down(struct usbnet_ctx *ctx, const char *ifname)
{
	const struct usbnet_backends *be;
	struct state_record rec;
	struct nl_link_info link;
	enum record_match match;
	bool have_link;
	int lock = -1, r;

	ctx_clear_error(ctx);
	if (!ifname_valid(ifname))
		return ctx_fail_input(ctx, -EINVAL, "not an interface name: \"%s\"",
				      ifname ? ifname : "");
	be = ctx_backends(ctx);
	if (!be)
		return ctx_fail(ctx, -EIO, "cannot open the netlink or NetworkManager backend");
	r = lock_acquire(ctx->run_dir, ifname, LOCK_TIMEOUT_MS, &lock);
	if (r == -EWOULDBLOCK)
		return ctx_fail(ctx, r, "another usbnet-host is busy with %s (%s/%s.lock); try again",
				ifname, ctx->run_dir, ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot lock %s in %s: %s; nothing was undone%s", ifname,
				ctx->run_dir, strerror(-r), RUN_DIR_HINT);

	r = be->nl->link_get(be->nl_h, ifname, &link);
	if (r < 0 && r != -ENODEV) {
		r = ctx_fail(ctx, r, "cannot look up %s: %s", ifname, strerror(-r));
		goto out;
	}
	have_link = r >= 0;
	r = updown_record_find(ctx, ifname, have_link ? &link : NULL, &rec, &match);
	if (r < 0)
		goto out;
	if (match == RECORD_NONE) {
		ctx_log(ctx, USBNET_LOG_INFO, "%s: nothing recorded, nothing to undo", ifname);
		/* A lock file of our own making is all there is: it goes too. */
		lock_remove(ctx->run_dir, ifname);
		r = 1;
		goto out;
	}
	r = updown_undo_all(ctx, be, &rec, match == RECORD_OURS, NULL, 0);
	if (r < 0)
		goto out;
	if (match == RECORD_STALE)
		ctx_log(ctx, USBNET_LOG_INFO,
			"%s: the configured interface is gone (or is another device now); what it "
			"held on the host is released, the link is not touched",
			ifname);
	else
		ctx_log(ctx, USBNET_LOG_NOTICE, "%s: undone", ifname);
	r = 0;
out:
	lock_release(lock);
	return r;
}

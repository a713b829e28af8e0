/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "nm/nm-lazy.h"
#include "nm/nm-running.h"

/*
 * NetworkManager, asked through the module (backend.h) that is loaded the first time it is
 * needed. Without the module, or with NetworkManager stopped, every question says -ENOTCONN:
 * "not running" is normal. With no_nm, the managed flag is not asked about at all; a
 * DHCP-serving peer, which NetworkManager keeps, still gets its profile.
 *
 * Without the module (a package of its own), NetworkManager is left alone: worth a warning only
 * when it runs, for it may then take the peer's link (a DHCP loop, addresses of its own).
 */
static int nm_ensure(struct usbnet_ctx *ctx)
{
	const struct nm_module_entry *m;
	int r;

	if (ctx->nm_mod_h)
		return 0;
	if (ctx->nm_tried)
		return -ENOTCONN;
	ctx->nm_tried = true;
	r = nm_module_get(&m, ctx->nm_error, sizeof(ctx->nm_error));
	if (r < 0) {
		if (!nm_daemon_running()) {
			ctx_log(ctx, USBNET_LOG_DEBUG, "%s; NetworkManager is not running", ctx->nm_error);
			return -ENOTCONN;
		}
		if (r == -ENOENT)
			snprintf(ctx->nm_error, sizeof(ctx->nm_error),
				 "NetworkManager support not installed; install %s",
				 USBNET_NM_PACKAGE);
		ctx_log(ctx, USBNET_LOG_WARNING,
			"%s (NetworkManager runs and is not asked: it may take the peer's link)",
			ctx->nm_error);
		return -ENOTCONN;
	}
	r = m->open(&ctx->nm_mod_h);
	if (r < 0) {
		snprintf(ctx->nm_error, sizeof(ctx->nm_error), "cannot open NetworkManager: %s",
			 strerror(-r));
		return -ENOTCONN;
	}
	ctx->nm_mod = m;
	return 0;
}

static int nm_lazy_get_managed(void *h, const char *ifname, int *ret)
{
	struct usbnet_ctx *ctx = h;

	if (ctx->no_nm || nm_ensure(ctx) < 0)
		return -ENOTCONN;
	return ctx->nm_mod->ops->get_managed(ctx->nm_mod_h, ifname, ret);
}

static int nm_lazy_get_owned(void *h, const char *ifname, int *ret)
{
	struct usbnet_ctx *ctx = h;

	if (nm_ensure(ctx) < 0)
		return -ENOTCONN;
	return (ctx->nm_mod->ops->get_owned ?: ctx->nm_mod->ops->get_managed)(ctx->nm_mod_h,
									       ifname, ret);
}

static int nm_lazy_set_managed(void *h, const char *ifname, bool managed)
{
	struct usbnet_ctx *ctx = h;

	if (ctx->no_nm || nm_ensure(ctx) < 0)
		return -ENOTCONN;
	return ctx->nm_mod->ops->set_managed(ctx->nm_mod_h, ifname, managed);
}

static int nm_lazy_dhcp_add(void *h, const char *ifname, bool trusted, const char *uuid)
{
	struct usbnet_ctx *ctx = h;

	if (nm_ensure(ctx) < 0 || !ctx->nm_mod->ops->dhcp_profile_add)
		return -ENOTCONN;
	return ctx->nm_mod->ops->dhcp_profile_add(ctx->nm_mod_h, ifname, trusted, uuid);
}

static int nm_lazy_dhcp_del(void *h, const char *uuid)
{
	struct usbnet_ctx *ctx = h;

	if (nm_ensure(ctx) < 0 || !ctx->nm_mod->ops->dhcp_profile_del)
		return -ENOTCONN;
	return ctx->nm_mod->ops->dhcp_profile_del(ctx->nm_mod_h, uuid);
}

static const char *nm_lazy_last_error(void *h)
{
	struct usbnet_ctx *ctx = h;

	if (ctx->nm_mod_h && ctx->nm_mod->ops->last_error)
		return ctx->nm_mod->ops->last_error(ctx->nm_mod_h);
	return ctx->nm_error;
}

const struct usbnet_nm_ops nm_lazy_ops = {
	.get_managed = nm_lazy_get_managed,
	.set_managed = nm_lazy_set_managed,
	.last_error = nm_lazy_last_error,
	.dhcp_profile_add = nm_lazy_dhcp_add,
	.dhcp_profile_del = nm_lazy_dhcp_del,
	.get_owned = nm_lazy_get_owned,
};


void nm_lazy_close(struct usbnet_ctx *ctx)
{
	if (ctx->nm_mod_h)
		ctx->nm_mod->close(ctx->nm_mod_h);
	ctx->nm_mod_h = NULL;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctx.h"
#include "nm-dhcp.h"

static int copy_path(char *dst, size_t len, const char *src)
{
	if (strlen(src) >= len)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

int usbnet_ctx_new(const char *config_path, const char *run_dir, struct usbnet_ctx **ret)
{
	struct usbnet_ctx *ctx;
	bool none = config_path && !*config_path, named = false;
	int r;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	if (!config_path)
		config_path = getenv("USBNET_HOST_CONFIG");
	if (config_path && *config_path)
		named = true;
	else
		config_path = USBNET_DEFAULT_CONFIG;
	if (!run_dir)
		run_dir = getenv("USBNET_HOST_RUN_DIR");
	if (!run_dir || !*run_dir)
		run_dir = USBNET_DEFAULT_RUN_DIR;

	r = copy_path(ctx->config_path, sizeof(ctx->config_path), config_path);
	if (r >= 0)
		r = copy_path(ctx->run_dir, sizeof(ctx->run_dir), run_dir);
	if (r < 0) {
		free(ctx);
		return r;
	}

	r = none ? -ENOENT
		 : config_load(ctx->config_path, &ctx->config, ctx->error, sizeof(ctx->error));
	if (r == -ENOENT && !named) {
		/* The default file is optional: no file, no [peer] groups. */
		r = config_parse("", 0, ctx->config_path, &ctx->config, ctx->error,
				 sizeof(ctx->error));
		ctx->error[0] = '\0';
	}
	if (r < 0) {
		/* The caller reads the explanation with usbnet_ctx_error() before freeing. */
		*ret = ctx;
		return r;
	}
	*ret = ctx;
	return 0;
}

struct usbnet_ctx *usbnet_ctx_free(struct usbnet_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (ctx->be_owned) {
		nl_real_close(ctx->be.nl_h);
		if (!ctx->no_nm)
			nm_real_close(ctx->be.nm_h);
	}
	config_free(ctx->config);
	free(ctx);
	return NULL;
}

void usbnet_ctx_set_log(struct usbnet_ctx *ctx, usbnet_log_fn fn, void *userdata)
{
	ctx->log_fn = fn;
	ctx->log_data = userdata;
}

const char *usbnet_ctx_error(const struct usbnet_ctx *ctx)
{
	return ctx ? ctx->error : "";
}

void ctx_clear_error(struct usbnet_ctx *ctx)
{
	ctx->error[0] = '\0';
}

int ctx_fail(struct usbnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	va_end(ap);
	return err;
}

void ctx_fail_append(struct usbnet_ctx *ctx, const char *fmt, ...)
{
	size_t used = strlen(ctx->error);
	va_list ap;

	if (used + 3 >= sizeof(ctx->error))
		return;
	if (used > 0) {
		memcpy(ctx->error + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(ctx->error + used, sizeof(ctx->error) - used, fmt, ap);
	va_end(ap);
}

void ctx_log(const struct usbnet_ctx *ctx, enum usbnet_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!ctx->log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_data, level, buf);
}

void usbnet_ctx_set_networkmanager(struct usbnet_ctx *ctx, bool use)
{
	ctx->no_nm = !use;
}

static int nm_off_get_managed(void *h, const char *ifname, int *ret)
{
	return -ENOTCONN;
}

static int nm_off_set_managed(void *h, const char *ifname, bool managed)
{
	return -ENOTCONN;
}

static int nm_off_dhcp_add(void *h, const char *ifname, bool trusted, const char *uuid)
{
	return nm_dhcp_activate(ifname, trusted, uuid, h, sizeof(((struct usbnet_ctx *)0)->nm_error));
}

static int nm_off_dhcp_del(void *h, const char *uuid)
{
	return nm_dhcp_remove(uuid, h, sizeof(((struct usbnet_ctx *)0)->nm_error));
}

static const char *nm_off_last_error(void *h)
{
	return h;
}

/* The managed flag is left alone (the udev rule's NM_UNMANAGED=1 keeps NetworkManager away,
 * and libnm off the watcher's hot path); only a DHCP-serving peer, which NetworkManager keeps,
 * still gets its profile. */
static const struct usbnet_nm_ops nm_off_ops = {
	.get_managed = nm_off_get_managed,
	.set_managed = nm_off_set_managed,
	.last_error = nm_off_last_error,
	.dhcp_profile_add = nm_off_dhcp_add,
	.dhcp_profile_del = nm_off_dhcp_del,
};

const struct usbnet_backends *ctx_backends(struct usbnet_ctx *ctx)
{
	int r;

	if (ctx->be.nl)
		return &ctx->be;
	/* The real backends. NetworkManager is optional: its open does not fail without it. */
	r = nl_real_open(&ctx->be.nl_h);
	if (r < 0)
		return NULL;
	if (!ctx->no_nm) {
		r = nm_real_open(&ctx->be.nm_h);
		if (r < 0) {
			ctx->be.nl_h = nl_real_close(ctx->be.nl_h);
			return NULL;
		}
	}
	ctx->be.nl = &nl_real_ops;
	ctx->be.nm = ctx->no_nm ? &nm_off_ops : &nm_real_ops;
	if (ctx->no_nm)
		ctx->be.nm_h = ctx->nm_error;
	ctx->be.reach = &reach_real_ops;
	ctx->be.reach_h = NULL;
	ctx->be_owned = true;
	return &ctx->be;
}

void ctx_set_backends(struct usbnet_ctx *ctx, const struct usbnet_backends *be)
{
	ctx->be = *be;
	ctx->be_owned = false;
}

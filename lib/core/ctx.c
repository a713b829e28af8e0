/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer/config.h"
#include "core/ctx.h"

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
	if (ctx->be_owned)
		nl_real_close(ctx->be.nl_h);
	if (ctx->nm_mod_h)
		ctx->nm_mod->close(ctx->nm_mod_h);
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

/*
 * NetworkManager, asked through the module (backend.h) that is loaded the first time it is
 * needed. Without the module, or with NetworkManager stopped, every question says -ENOTCONN:
 * "not running" is normal. With no_nm, the managed flag is not asked about at all; a
 * DHCP-serving peer, which NetworkManager keeps, still gets its profile.
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
		/* Only worth a word when NetworkManager may be running. */
		ctx_log(ctx,
			access("/run/dbus/system_bus_socket", F_OK) == 0 ? USBNET_LOG_WARNING
									: USBNET_LOG_DEBUG,
			"%s; NetworkManager is not asked", ctx->nm_error);
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

static const struct usbnet_nm_ops nm_lazy_ops = {
	.get_managed = nm_lazy_get_managed,
	.set_managed = nm_lazy_set_managed,
	.last_error = nm_lazy_last_error,
	.dhcp_profile_add = nm_lazy_dhcp_add,
	.dhcp_profile_del = nm_lazy_dhcp_del,
	.get_owned = nm_lazy_get_owned,
};

const struct usbnet_backends *ctx_backends(struct usbnet_ctx *ctx)
{
	int r;

	if (ctx->be.nl)
		return &ctx->be;
	/* The real backends; NetworkManager's is loaded when it is first asked. */
	r = nl_real_open(&ctx->be.nl_h);
	if (r < 0)
		return NULL;
	ctx->be.nl = &nl_real_ops;
	ctx->be.nm = &nm_lazy_ops;
	ctx->be.nm_h = ctx;
	ctx->be.reach = &reach_real_ops;
	ctx->be.reach_h = NULL;
	ctx->be.gw = &gw_real_ops;
	ctx->be.gw_h = NULL;
	ctx->be.dns = &dns_real_ops;
	ctx->be.dns_h = NULL;
	ctx->be.br = &nl_bridge_real_ops;
	ctx->be.br_h = ctx->be.nl_h;
	ctx->be.probe = &probe_real_ops;
	ctx->be.probe_h = NULL;
	ctx->be_owned = true;
	return &ctx->be;
}

void ctx_set_backends(struct usbnet_ctx *ctx, const struct usbnet_backends *be)
{
	ctx->be = *be;
	ctx->be_owned = false;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The context as the library hands it out: the configuration, the step kinds its records are
 * read with, and the real backends (opened when first needed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/run-dir.h"
#include "nm/nm-lazy.h"
#include "peer/ctx-config.h"
#include "updown/step-kinds.h"
#include "updown/up-auto.h"

static int open_real_backends(struct usbnet_ctx *ctx)
{
	int r;

	/* NetworkManager's module is loaded when it is first asked (nm/nm-lazy.c). */
	r = nl_real_open(&ctx->be.nl_h);
	if (r < 0)
		return r;
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
	ctx->be.alias = &alias_real_ops;
	ctx->be.alias_h = NULL;
	ctx->be_owned = true;
	return 0;
}

static int copy_path(char *dst, size_t len, const char *src)
{
	if (strlen(src) >= len)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

bool usbnet_ctx_config_broken(const struct usbnet_ctx *ctx)
{
	return ctx && ctx->config_broken;
}

int usbnet_ctx_reload_config(struct usbnet_ctx *ctx, char *ret_changes, size_t len)
{
	struct usbnet_config *next = NULL;
	int r;

	if (len > 0)
		ret_changes[0] = '\0';
	ctx_clear_error(ctx);
	if (ctx->config_none)
		return 0;
	r = ctx_config_load(ctx, &next);
	if (r < 0 && ctx_config_fall_back(ctx, r, &next) < 0)
		return ctx_fail(ctx, -ENOMEM, "out of memory");
	config_diff(ctx->config, next, ret_changes, len);
	config_free(ctx->config);
	ctx->config = next;
	ctx->config_broken = r < 0;
	return r < 0 ? r : 0;
}

int usbnet_ctx_new(const char *config_path, const char *run_dir, struct usbnet_ctx **ret)
{
	struct usbnet_ctx *ctx;
	bool run_named = true;
	int r;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->step_kinds = step_kinds;
	ctx->open_backends = open_real_backends;
	ctx->probe_target = probe_target;
	if (!run_dir)
		run_dir = getenv("USBNET_HOST_RUN_DIR");
	if (!run_dir || !*run_dir) {
		run_dir = USBNET_DEFAULT_RUN_DIR;
		run_named = false;
	}

	r = ctx_config_path_set(ctx, config_path);
	if (r >= 0)
		r = copy_path(ctx->run_dir, sizeof(ctx->run_dir), run_dir);
	if (r < 0) {
		free(ctx);
		return r;
	}

	r = run_dir_check(ctx, run_named);
	if (r < 0) {
		*ret = ctx;
		return r;
	}
	/* The caller reads why with usbnet_ctx_error() before freeing: on a broken file the
	 * context is whole all the same, with the built-in profiles alone. */
	return ctx_config_finish_new(ctx, ret);
}

struct usbnet_ctx *usbnet_ctx_free(struct usbnet_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (ctx->be_owned)
		nl_real_close(ctx->be.nl_h);
	nm_lazy_close(ctx);
	config_free(ctx->config);
	free(ctx);
	return NULL;
}


unsigned usbnet_ctx_check_config(struct usbnet_ctx *ctx)
{
	return ctx_config_check(ctx);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The context as the library hands it out: the configuration, the step kinds its records are
 * read with, and the real backends (opened when first needed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "nm/nm-lazy.h"
#include "peer/config.h"
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

int usbnet_ctx_new(const char *config_path, const char *run_dir, struct usbnet_ctx **ret)
{
	struct usbnet_ctx *ctx;
	bool none = config_path && !*config_path, named = false;
	int r;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->step_kinds = step_kinds;
	ctx->open_backends = open_real_backends;
	ctx->probe_target = probe_target;
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
		/* The caller reads the explanation with usbnet_ctx_error() before freeing. A file
		 * that is not a configuration file, or a broken line, is bad input. */
		ctx->outcome = r == -ENOMEM ? USBNET_OUTCOME_FAILED : USBNET_OUTCOME_BAD_INPUT;
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
	nm_lazy_close(ctx);
	config_free(ctx->config);
	free(ctx);
	return NULL;
}


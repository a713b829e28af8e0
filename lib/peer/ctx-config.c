/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration of a context (ctx-config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peer/ctx-config.h"

int ctx_config_path_set(struct usbnet_ctx *ctx, const char *config_path)
{
	bool none = config_path && !*config_path, named = false;

	if (!config_path)
		config_path = getenv("USBNET_HOST_CONFIG");
	if (config_path && *config_path)
		named = true;
	else
		config_path = USBNET_DEFAULT_CONFIG;
	if (strlen(config_path) >= sizeof(ctx->config_path))
		return -ENAMETOOLONG;
	strcpy(ctx->config_path, config_path);
	ctx->config_named = named;
	ctx->config_none = none;
	return 0;
}

int ctx_config_builtin(struct usbnet_ctx *ctx, struct usbnet_config **ret)
{
	char err[64];

	return config_parse("", 0, ctx->config_path, ret, err, sizeof(err));
}

int ctx_config_load(struct usbnet_ctx *ctx, struct usbnet_config **ret)
{
	int r = config_load(ctx->config_path, ret, ctx->error, sizeof(ctx->error));

	if (r == -ENOENT && !ctx->config_named) {
		ctx->error[0] = '\0';
		return ctx_config_builtin(ctx, ret);
	}
	return r;
}

int ctx_config_fall_back(struct usbnet_ctx *ctx, int r, struct usbnet_config **ret)
{
	char why[sizeof(ctx->error)];

	/* A file that is not a configuration file, or a broken line, is bad input. */
	memcpy(why, ctx->error, sizeof(why));
	if (ctx_config_builtin(ctx, ret) < 0)
		return -ENOMEM;
	memcpy(ctx->error, why, sizeof(why));
	ctx->config_broken = true;
	ctx->outcome = r == -ENOMEM ? USBNET_OUTCOME_FAILED : USBNET_OUTCOME_BAD_INPUT;
	return 0;
}

/* ctx->config, and r of the read: 0, negative for a broken file, -ENOMEM with ctx->config NULL
 * when not even the built-in profiles. */
static int config_read(struct usbnet_ctx *ctx)
{
	int r;

	if (ctx->config_none)
		return ctx_config_builtin(ctx, &ctx->config) < 0 ? -ENOMEM : 0;
	r = ctx_config_load(ctx, &ctx->config);
	if (r >= 0)
		return 0;
	return ctx_config_fall_back(ctx, r, &ctx->config) < 0 ? -ENOMEM : r;
}

int ctx_config_finish_new(struct usbnet_ctx *ctx, struct usbnet_ctx **ret)
{
	int r = config_read(ctx);

	if (!ctx->config) {
		free(ctx);
		return -ENOMEM;
	}
	*ret = ctx;
	return r;
}

struct check_log {
	struct usbnet_ctx *ctx;
	unsigned n;
};

static void log_problem(void *data, bool warning, const char *line)
{
	struct check_log *cl = data;

	(void)warning; /* the watcher goes on either way: every problem is a warning to it */
	ctx_log(cl->ctx, USBNET_LOG_WARNING, "configuration: %s", line);
	cl->n++;
}

unsigned ctx_config_check(struct usbnet_ctx *ctx)
{
	struct check_log cl = {.ctx = ctx};
	struct config_host_addr *addrs = NULL;
	size_t n_addrs = 0;

	/* A broken file is said by whoever loaded it; no file: nothing to check. */
	if (!ctx || ctx->config_broken || ctx->config_none || !ctx->config)
		return 0;
	(void)config_host_addrs(&addrs, &n_addrs);
	config_check(ctx->config, ctx->config_path, addrs, n_addrs, config_link_exists, log_problem,
		     &cl);
	free(addrs);
	return cl.n;
}

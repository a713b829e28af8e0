/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A context for classifying alone (classify-ctx.h). It reads the configuration the way
 * usbnet_ctx_new() does (updown/context.c) and opens nothing else, so that udev's helper
 * links core/ and peer/ and no backend: tests/cli/test-udev-helper.sh checks that the helper
 * and `usbnet-host udev-probe` give the same answers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "peer/classify-ctx.h"
#include "peer/config.h"

static int builtin_only(struct usbnet_ctx *ctx)
{
	char err[64];

	return config_parse("", 0, ctx->config_path, &ctx->config, err, sizeof(err));
}

int classify_ctx_new(const char *config_path, struct usbnet_ctx **ret)
{
	struct usbnet_ctx *ctx;
	bool none = config_path && !*config_path, named = false;
	int r = 0;

	*ret = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	if (!config_path)
		config_path = getenv("USBNET_HOST_CONFIG");
	if (config_path && *config_path)
		named = true;
	else
		config_path = USBNET_DEFAULT_CONFIG;
	if (strlen(config_path) >= sizeof(ctx->config_path)) {
		free(ctx);
		return -ENAMETOOLONG;
	}
	strcpy(ctx->config_path, config_path);
	ctx->config_named = named;
	ctx->config_none = none;
	if (!none) {
		r = config_load(ctx->config_path, &ctx->config, ctx->error, sizeof(ctx->error));
		if (r == -ENOENT && !named) {
			ctx->error[0] = '\0';
			r = 0;
		} else if (r < 0) {
			ctx->config_broken = true;
			ctx->outcome = r == -ENOMEM ? USBNET_OUTCOME_FAILED
						    : USBNET_OUTCOME_BAD_INPUT;
		}
	}
	if (!ctx->config && builtin_only(ctx) < 0) {
		free(ctx);
		return -ENOMEM;
	}
	*ret = ctx;
	return r;
}

struct usbnet_ctx *classify_ctx_free(struct usbnet_ctx *ctx)
{
	if (!ctx)
		return NULL;
	config_free(ctx->config);
	free(ctx);
	return NULL;
}

struct check_log {
	struct usbnet_ctx *ctx;
	unsigned n;
};

static void log_problem(void *data, bool warning, const char *line)
{
	struct check_log *cl = data;

	(void)warning;
	ctx_log(cl->ctx, USBNET_LOG_WARNING, "configuration: %s", line);
	cl->n++;
}

unsigned classify_ctx_check(struct usbnet_ctx *ctx)
{
	struct check_log cl = { .ctx = ctx };
	struct config_host_addr *addrs = NULL;
	size_t n_addrs = 0;

	if (!ctx || ctx->config_broken || ctx->config_none || !ctx->config)
		return 0;
	(void)config_host_addrs(&addrs, &n_addrs);
	config_check(ctx->config, ctx->config_path, addrs, n_addrs, config_link_exists, log_problem,
		     &cl);
	free(addrs);
	return cl.n;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A context for classifying alone (classify-ctx.h). It reads the configuration as
 * usbnet_ctx_new() does (both through peer/ctx-config.c) and opens nothing else, so that udev's helper
 * links core/ and peer/ and no backend: tests/cli/test-udev-helper.sh checks that the helper
 * and `usbnet-host udev-probe` give the same answers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "peer/classify-ctx.h"
#include "peer/ctx-config.h"

int classify_ctx_new(const char *config_path, struct usbnet_ctx **ret)
{
	struct usbnet_ctx *ctx;
	int r;

	*ret = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	r = ctx_config_path_set(ctx, config_path);
	if (r < 0) {
		free(ctx);
		return r;
	}
	return ctx_config_finish_new(ctx, ret);
}

struct usbnet_ctx *classify_ctx_free(struct usbnet_ctx *ctx)
{
	if (!ctx)
		return NULL;
	config_free(ctx->config);
	free(ctx);
	return NULL;
}

unsigned classify_ctx_check(struct usbnet_ctx *ctx)
{
	return ctx_config_check(ctx);
}

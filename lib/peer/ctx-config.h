/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration of a context: which file it is read from, how a missing or broken file
 * falls back to the built-in profiles, and the meaning checks said through the context's log.
 * One copy for usbnet_ctx_new() (updown/context.c) and udev's helper (peer/classify-ctx.c), so
 * that both read a file alike.
 */
#ifndef USBNET_CTX_CONFIG_H
#define USBNET_CTX_CONFIG_H

#include "core/ctx.h"
#include "peer/config.h"

/* Which file: NULL is USBNET_HOST_CONFIG or else the default file (optional), "" none.
 * -ENAMETOOLONG when the path does not fit. */
int ctx_config_path_set(struct usbnet_ctx *ctx, const char *config_path);
/* The built-in profiles alone (no [peer] groups). */
int ctx_config_builtin(struct usbnet_ctx *ctx, struct usbnet_config **ret);
/* The file; the default one is optional (no file: the built-in profiles alone). ctx->error says
 * why on failure. */
int ctx_config_load(struct usbnet_ctx *ctx, struct usbnet_config **ret);
/*
 * The last step of making a context (usbnet_ctx_new(), classify_ctx_new()): ctx->config from
 * the file set by ctx_config_path_set(), then ctx in *ret. On a broken file the context is
 * whole all the same, with the built-in profiles alone: config_broken, its outcome (bad input,
 * or failed when out of memory) and its error say why, and the return is negative. -ENOMEM,
 * ctx freed and *ret untouched: not even the built-in profiles.
 */
int ctx_config_finish_new(struct usbnet_ctx *ctx, struct usbnet_ctx **ret);
/* The file failed to load with r (ctx->error says why): the built-in profiles in *ret instead,
 * ctx marked broken by it as ctx_config_finish_new() says. -ENOMEM when not even those. */
int ctx_config_fall_back(struct usbnet_ctx *ctx, int r, struct usbnet_config **ret);
/* The meaning checks of a file that parsed, each said at warning priority; how many. */
unsigned ctx_config_check(struct usbnet_ctx *ctx);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A context for classifying alone: the configuration and nothing else (no run directory, no
 * backends, no step kinds), for udev's helper, which links nothing but libc (udev/). */
#ifndef USBNET_CLASSIFY_CTX_H
#define USBNET_CLASSIFY_CTX_H

#include "usbnet-host/usbnet.h"

/* As usbnet_ctx_new(config_path, ...) reads the configuration: NULL is USBNET_HOST_CONFIG or
 * the default file (optional), "" none. On a broken file: *ret is a context with the built-in
 * profiles alone, its error says why, and the return is negative (-ENOMEM: no context). */
int classify_ctx_new(const char *config_path, struct usbnet_ctx **ret);
struct usbnet_ctx *classify_ctx_free(struct usbnet_ctx *ctx);
/* usbnet_ctx_check_config() for such a context: the meaning checks, said through its log. */
unsigned classify_ctx_check(struct usbnet_ctx *ctx);

#endif

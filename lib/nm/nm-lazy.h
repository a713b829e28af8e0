/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NetworkManager's ops as the library uses them: the module is loaded when first asked
 * (nm-module.c). Their handle is the context. */
#ifndef USBNET_NM_LAZY_H
#define USBNET_NM_LAZY_H

#include "core/backend.h"

extern const struct usbnet_nm_ops nm_lazy_ops;
/* The context's loaded module, if any, closed. */
void nm_lazy_close(struct usbnet_ctx *ctx);

#endif

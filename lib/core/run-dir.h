/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether the run directory may be trusted: its records say what down undoes as root, so
 * nobody but its owner may have planted them. Accepted: a directory owned by root (the
 * default /run/usbnet-host, made 0755 by usbnet-host or systemd) that neither its group nor
 * others may write; or, named explicitly (--run-dir, USBNET_HOST_RUN_DIR), one owned by the
 * caller that neither its group nor others may write (a test's own). A directory that does
 * not exist yet is made by usbnet-host itself, 0755. Anything else that is a directory:
 * -EPERM with ctx_fail_input() naming it and why (exit 2). What is not a directory is left to
 * the writers, which say so.
 */
#ifndef USBNET_RUN_DIR_H
#define USBNET_RUN_DIR_H

#include <stdbool.h>
#include "core/ctx.h"

int run_dir_check(struct usbnet_ctx *ctx, bool named);

#endif

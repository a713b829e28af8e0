/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The watcher's generated udev rules (watch-rules.c). */
#ifndef USBNET_CLI_WATCH_RULES_H
#define USBNET_CLI_WATCH_RULES_H

#include "usbnet-host/usbnet.h"

/* Writes the rules for ctx's configuration to path (NULL: nothing to do); udev is asked to
 * read its rules again when path is USBNET_UDEV_RULES_RUNTIME. A failure is a warning. */
void watch_rules_install(struct usbnet_ctx *ctx, const char *path);
/* Removes them (the watcher stops), and asks udev to read its rules again as above. */
void watch_rules_remove(struct usbnet_ctx *ctx, const char *path);

#endif

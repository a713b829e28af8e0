/* SPDX-License-Identifier: GPL-2.0-or-later */
/* udev-probe, shared by the command (`usbnet-host udev-probe`) and udev's helper (udev/),
 * which differ only in how they make the context: the library's, or one that reads the
 * configuration and links nothing but libc. */
#ifndef USBNET_CLI_UDEV_PROBE_H
#define USBNET_CLI_UDEV_PROBE_H

#include "usbnet-host/usbnet.h"

struct udev_probe_ctx_ops {
	/* config: --config's argument, NULL for the default, "" for none; as usbnet_ctx_new() */
	int (*ctx_new)(const char *config, struct usbnet_ctx **ret);
	struct usbnet_ctx *(*ctx_free)(struct usbnet_ctx *ctx);
	unsigned (*check)(struct usbnet_ctx *ctx);
};

/* Parses argv (udev-probe's options), reads the device from the environment, prints its
 * properties; returns the exit status. */
int udev_probe_run(int argc, char *argv[], const struct udev_probe_ctx_ops *ops);

#endif

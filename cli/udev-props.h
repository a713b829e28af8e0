/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What udev-probe prints for a peer: the properties udev adds to the device. */
#ifndef USBNET_CLI_UDEV_PROPS_H
#define USBNET_CLI_UDEV_PROPS_H

#include <stddef.h>
#include "usbnet-host/usbnet.h"

/* Classifies peer (ctx: the configuration, may be NULL) and writes the KEY=VALUE lines into
 * buf, NUL-terminated; none for an upstream device that no [peer] group claims. Values are ids
 * the library chose (mode and profile names, 0/1), never a string the device gave. Returns the
 * length written, or -ENOBUFS when len is too small. */
int udev_props_format(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer, char *buf,
		      size_t len);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Upstream devices (upstream.c): usbnet_peer_is_upstream() is public; the table of tethering
 * IDs is also read by the udev rules' generator (udev-rules.c), which matches them itself; and
 * whether a [peer] group claims one, for classification, discovery and udev-probe alike. */
#ifndef USBNET_UPSTREAM_H
#define USBNET_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "usbnet-host/usbnet.h"

struct config_peer;
struct usbnet_ctx;

/* The i-th tethering ID pair; false past the last. */
bool upstream_tethering_id(size_t i, uint16_t *ret_vid, uint16_t *ret_pid);

/* Whether a group (the first that matches the device; NULL: none) claims an upstream device: it
 * names the device itself with usb=, serial= or mac=. A group that matches only on driver= or
 * product= was written for gadgets and must not capture the user's phone. */
bool upstream_group_claims(const struct config_peer *cp);
/* Whether ctx's configuration claims the upstream device peer (its first matching group does):
 * then it is a peer like any other. False without a configuration. */
bool upstream_claimed(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Upstream devices (upstream.c): usbnet_peer_is_upstream() is public; the table of tethering
 * IDs is also read by the udev rules' generator (udev-rules.c), which matches them itself. */
#ifndef USBNET_UPSTREAM_H
#define USBNET_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "usbnet-host/usbnet.h"

/* The i-th tethering ID pair; false past the last. */
bool upstream_tethering_id(size_t i, uint16_t *ret_vid, uint16_t *ret_pid);

#endif

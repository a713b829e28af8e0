/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef USBNET_PRUNE_H
#define USBNET_PRUNE_H

struct usbnet_ctx;

/* Cleans the state records of interfaces that are gone (unplugged, or replugged under a new
 * index): list and the watcher call it so that no stale state outlives its device. Interfaces
 * still present are left alone, peer or not. Returns how many records were cleaned. */
int prune_vanished(struct usbnet_ctx *ctx);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a worker process of the watcher does first (see sched.h): the context it was forked with
 * shares the watcher's sockets, which are not the worker's to use. */
#ifndef USBNET_WATCH_WORKER_H
#define USBNET_WATCH_WORKER_H

#include "core/ctx.h"

/* In a freshly forked worker: forget the watcher's netlink socket (closed here, the watcher
 * keeps its own copy) and NetworkManager's connection, so that the real backends are opened
 * again, the worker's own, when first used. Backends a test installed are kept. */
void worker_detach_ctx(struct usbnet_ctx *ctx);

#endif

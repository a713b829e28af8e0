/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watcher follows the carrier of recorded peers (issue 20): an rtnetlink socket on the link
 * events (RTNLGRP_LINK) and a timer. A peer recorded degraded (a static peer that did not
 * answer; mode=auto's link-local fallback) is looked at again as relook.h decides: when its
 * carrier comes, and, for one that is not a fallback, on a timer with a backoff while it has
 * carrier. A look is a SCHED_RECHECK job (an up with usbnet_up_opts.recheck) queued in the
 * watcher's scheduler, after whatever the interface already has running or waiting, so that one
 * interface's events stay in order.
 *
 * The caller polls carrier_get_fd() (an epoll set: the socket and the timer) and calls
 * carrier_dispatch(); carrier_note() after each job of an interface (and at start, for every
 * record: carrier_reconcile()) reads the interface's record again.
 */
#ifndef USBNET_WATCH_CARRIER_H
#define USBNET_WATCH_CARRIER_H

#include "core/ctx.h"
#include "watch/sched.h"

struct carrier;

/* -errno on failure (ctx says why). */
int carrier_new(struct usbnet_ctx *ctx, struct sched *sched, struct carrier **ret);
struct carrier *carrier_free(struct carrier *c);
int carrier_get_fd(const struct carrier *c);
/* Read the link events and the timer; queue the looks they call for. Never blocks. Returns how
 * many looks were queued. */
int carrier_dispatch(struct carrier *c);
/* A job of ifname has finished: follow it or not, as its record says. The link events the
 * socket holds for ifname are the job's own doing (read, not acted on). */
void carrier_note(struct carrier *c, const char *ifname);
/* Follow no more (unplugged). */
void carrier_forget(struct carrier *c, const char *ifname);
/* At start: follow every interface whose record says so (its pending events are acted on). */
void carrier_reconcile(struct carrier *c);

#endif

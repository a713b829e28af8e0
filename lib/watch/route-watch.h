/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watcher follows the host's default routes: gateway peers whose uplink is auto follow them
 * without NetworkManager's dispatcher script (systemd-networkd, ifupdown, an IPv6 default route
 * that came by router advertisement alone). An rtnetlink socket on the route events
 * (RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE); when a default route (dst length 0) of the main
 * table appears, goes or changes, a timer of ROUTE_WATCH_SETTLE_MS starts (not again while it
 * runs), and when it fires one SCHED_REFRESH job is queued in the watcher's scheduler: the
 * library's refresh (usbnet_refresh(), as `usbnet-host refresh`), in a worker. A burst of events
 * makes one refresh; the scheduler keeps at most one waiting (sched.h).
 *
 * Nothing to do costs no worker: with no recorded gateway peer that follows the default route
 * (gateway_refresh_followers()), the watcher reads its run directory and queues nothing.
 *
 * The caller polls route_watch_get_fd() (an epoll set: the socket and the timer) and calls
 * route_watch_dispatch().
 */
#ifndef USBNET_WATCH_ROUTE_WATCH_H
#define USBNET_WATCH_ROUTE_WATCH_H

#include <linux/netlink.h>
#include <stdbool.h>

#include "core/ctx.h"
#include "watch/sched.h"

/* One change of the default routes is often several events: a link that goes takes its routes
 * with it one by one; NetworkManager and networkd add the new default route, then remove the
 * old one, IPv4 and IPv6 apart; an RA brings an address, then the route. A refresh that ran
 * between two of them would read a host with no default route, or the old one, and the next
 * event would make a second one. A few hundred milliseconds let the burst end first. */
#define ROUTE_WATCH_SETTLE_MS 300

struct route_watch;

/* -errno on failure (ctx says why). */
int route_watch_new(struct usbnet_ctx *ctx, struct sched *sched, struct route_watch **ret);
struct route_watch *route_watch_free(struct route_watch *rw);
int route_watch_get_fd(const struct route_watch *rw);
/* Read the route events and the timer; queue the refresh they call for. Never blocks. Returns
 * how many jobs were queued (0 or 1). */
int route_watch_dispatch(struct route_watch *rw);
/* A refresh after the settle time, as if a default route had changed (the watcher's start:
 * the routes may have moved while it was not running). */
void route_watch_kick(struct route_watch *rw);
/* Whether an rtnetlink message is a default route of the main table appearing, going or
 * changing (pure: unit tests build the messages). */
bool route_watch_is_default(const struct nlmsghdr *h);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the watcher's rtnetlink listeners share (carrier.c on the link events, route-watch.c on
 * the route events): a non-blocking socket on some multicast groups whose messages go to one
 * callback, a timer, and an epoll set of the two that the watcher's loop polls. A dispatch
 * reads what is ready once (level-triggered: the loop comes back for more) and says whether the
 * timer fired and whether events were lost (the socket's buffer overran: the listener must read
 * the state again).
 */
#ifndef USBNET_WATCH_RTNL_EVENTS_H
#define USBNET_WATCH_RTNL_EVENTS_H

#include <stdbool.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "core/ctx.h"

struct rtnl_events {
	struct nl_sock *sk;
	int tfd, epfd; /* the timer (CLOCK_MONOTONIC), the epoll set */
};

/* Open e on the groups (RTNLGRP_*, 0-terminated list of at most 4), messages to on_msg(arg).
 * what names them in ctx's error ("link events"). -errno; e is closed again on failure. */
int rtnl_events_open(struct rtnl_events *e, struct usbnet_ctx *ctx, const char *what,
		     nl_recvmsg_msg_cb_t on_msg, void *arg, const int *groups);
void rtnl_events_close(struct rtnl_events *e);

struct rtnl_events_ready {
	bool timer; /* the timer fired (already read) */
	bool lost;  /* events were lost */
};
/* Never blocks. */
struct rtnl_events_ready rtnl_events_dispatch(struct rtnl_events *e);
/* The timer fires once, after ms (0: never). */
int rtnl_events_arm(struct rtnl_events *e, uint64_t ms);

#endif

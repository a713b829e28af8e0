/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watcher's default-route listener (route-watch.h). A lost event (the socket's buffer
 * overran) is taken for a change: one refresh more, which reads the routes as they are.
 *
 * The watcher's own jobs may move a default route (bridge mode moves it onto its bridge): the
 * refresh that follows is right, a gateway peer then follows the bridge. It cannot loop: a
 * refresh changes nftables, records, sysctls and the peers' own links, never a default route,
 * except that IPv6 forwarding turned on (a peer whose IPv6 sharing starts) drops the RA-learnt
 * default routes of the links that do not accept RAs while forwarding (accept_ra 1), and an
 * uplink given back its accept_ra 1 lets its RA route expire. Either makes one more refresh,
 * which finds every peer where the routes are, changes nothing and makes no event.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "gateway/gateway.h"
#include "watch/route-watch.h"
#include "watch/rtnl-events.h"

struct route_watch {
	struct usbnet_ctx *ctx;
	struct sched *sched;
	struct rtnl_events ev;
	bool armed;   /* the settle timer runs */
	char why[48]; /* for the log: what armed it */
	int queued;   /* refreshes queued by the current dispatch */
};

bool route_watch_is_default(const struct nlmsghdr *h)
{
	const struct rtmsg *rtm;
	const struct rtattr *a;
	uint32_t table;
	int len;

	if (h->nlmsg_type != RTM_NEWROUTE && h->nlmsg_type != RTM_DELROUTE)
		return false;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)))
		return false;
	rtm = NLMSG_DATA(h);
	if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) || rtm->rtm_dst_len != 0)
		return false;
	/* RTA_TABLE when the table's number does not fit rtm_table */
	table = rtm->rtm_table;
	len = (int)RTM_PAYLOAD(h);
	for (a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_TABLE && RTA_PAYLOAD(a) >= sizeof(uint32_t))
			memcpy(&table, RTA_DATA(a), sizeof(table));
	return table == RT_TABLE_MAIN;
}

static void arm(struct route_watch *rw, const char *why)
{
	if (rw->armed)
		return; /* the burst's first event set the time */
	if (rtnl_events_arm(&rw->ev, ROUTE_WATCH_SETTLE_MS) == 0) {
		rw->armed = true;
		snprintf(rw->why, sizeof(rw->why), "%s", why);
	}
}

void route_watch_kick(struct route_watch *rw)
{
	arm(rw, "watcher started");
}

/* The burst has settled: one refresh, when there is a peer for it. */
static void settled(struct route_watch *rw)
{
	int followers, r;

	rw->armed = false;
	followers = gateway_refresh_followers(rw->ctx);
	if (followers < 0) {
		ctx_log(rw->ctx, USBNET_LOG_ERR, "%s, but the run directory %s cannot be read: %s",
			rw->why, rw->ctx->run_dir, strerror(-followers));
		ctx_clear_error(rw->ctx);
		return;
	}
	if (followers == 0) {
		ctx_log(rw->ctx, USBNET_LOG_DEBUG,
			"%s; no gateway peer follows the default route, nothing to refresh",
			rw->why);
		return;
	}
	r = sched_submit(rw->sched, SCHED_REFRESH, NULL, rw->why);
	if (r < 0)
		ctx_log(rw->ctx, USBNET_LOG_ERR, "%s: cannot start a worker to refresh: %s",
			rw->why, strerror(-r));
	else if (r > 0)
		rw->queued++;
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct route_watch *rw = arg;

	if (route_watch_is_default(nlmsg_hdr(msg)))
		arm(rw, "default route changed");
	return NL_OK;
}

int route_watch_dispatch(struct route_watch *rw)
{
	struct rtnl_events_ready ready;

	rw->queued = 0;
	ready = rtnl_events_dispatch(&rw->ev);
	if (ready.timer)
		settled(rw);
	if (ready.lost) {
		ctx_log(rw->ctx, USBNET_LOG_INFO,
			"route events were lost; refreshing the gateway peers all the same");
		arm(rw, "route events lost");
	}
	return rw->queued;
}

int route_watch_get_fd(const struct route_watch *rw)
{
	return rw->ev.epfd;
}

int route_watch_new(struct usbnet_ctx *ctx, struct sched *sched, struct route_watch **ret)
{
	static const int groups[] = {RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, 0};
	struct route_watch *rw = calloc(1, sizeof(*rw));
	int r;

	if (!rw)
		return -ENOMEM;
	rw->ctx = ctx;
	rw->sched = sched;
	r = rtnl_events_open(&rw->ev, ctx, "route events", on_msg, rw, groups);
	if (r < 0) {
		free(rw);
		return r;
	}
	*ret = rw;
	return 0;
}

struct route_watch *route_watch_free(struct route_watch *rw)
{
	if (!rw)
		return NULL;
	rtnl_events_close(&rw->ev);
	free(rw);
	return NULL;
}

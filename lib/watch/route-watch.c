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
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "gateway/gateway.h"
#include "watch/route-watch.h"

struct route_watch {
	struct usbnet_ctx *ctx;
	struct sched *sched;
	struct nl_sock *sk;
	int tfd, epfd;
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
	struct itimerspec its = {
	    .it_value.tv_sec = ROUTE_WATCH_SETTLE_MS / 1000,
	    .it_value.tv_nsec = (long)(ROUTE_WATCH_SETTLE_MS % 1000) * 1000000,
	};

	if (rw->armed)
		return; /* the burst's first event set the time */
	if (timerfd_settime(rw->tfd, 0, &its, NULL) == 0) {
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
	uint64_t n;
	int followers, r;

	if (read(rw->tfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
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
	struct epoll_event ev[2];
	int n;

	rw->queued = 0;
	n = epoll_wait(rw->epfd, ev, 2, 0);
	for (int i = 0; i < n; i++) {
		if (ev[i].data.fd == rw->tfd) {
			settled(rw);
			continue;
		}
		/* One read of the socket; level-triggered, the caller's poll comes back for more.
		 */
		int r = nl_recvmsgs_default(rw->sk);

		if (r < 0 && r != -NLE_AGAIN) {
			ctx_log(
			    rw->ctx, USBNET_LOG_INFO,
			    "route events were lost; refreshing the gateway peers all the same");
			arm(rw, "route events lost");
		}
	}
	return rw->queued;
}

int route_watch_get_fd(const struct route_watch *rw)
{
	return rw->epfd;
}

int route_watch_new(struct usbnet_ctx *ctx, struct sched *sched, struct route_watch **ret)
{
	struct route_watch *rw = calloc(1, sizeof(*rw));
	int r;

	if (!rw)
		return -ENOMEM;
	rw->ctx = ctx;
	rw->sched = sched;
	rw->tfd = rw->epfd = -1;
	rw->sk = nl_socket_alloc();
	if (!rw->sk) {
		r = ctx_fail(ctx, -ENOMEM, "cannot allocate a netlink socket");
		goto fail;
	}
	nl_socket_disable_seq_check(rw->sk);
	r = nl_socket_modify_cb(rw->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, rw);
	if (r >= 0)
		r = nl_connect(rw->sk, NETLINK_ROUTE);
	if (r >= 0)
		r = nl_socket_add_memberships(rw->sk, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, 0);
	if (r >= 0)
		r = nl_socket_set_nonblocking(rw->sk);
	if (r < 0) {
		r = ctx_fail(ctx, -EIO, "cannot listen to route events (rtnetlink): %s",
			     nl_geterror(r));
		goto fail;
	}
	rw->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	rw->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rw->tfd < 0 || rw->epfd < 0 ||
	    epoll_ctl(rw->epfd, EPOLL_CTL_ADD, nl_socket_get_fd(rw->sk),
		      &(struct epoll_event){.events = EPOLLIN,
					    .data.fd = nl_socket_get_fd(rw->sk)}) < 0 ||
	    epoll_ctl(rw->epfd, EPOLL_CTL_ADD, rw->tfd,
		      &(struct epoll_event){.events = EPOLLIN, .data.fd = rw->tfd}) < 0) {
		r = ctx_fail(ctx, -errno, "cannot follow the default routes: %s", strerror(errno));
		goto fail;
	}
	*ret = rw;
	return 0;
fail:
	route_watch_free(rw);
	return r;
}

struct route_watch *route_watch_free(struct route_watch *rw)
{
	if (!rw)
		return NULL;
	if (rw->epfd >= 0)
		close(rw->epfd);
	if (rw->tfd >= 0)
		close(rw->tfd);
	nl_socket_free(rw->sk);
	free(rw);
	return NULL;
}

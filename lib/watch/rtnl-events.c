/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The watcher's rtnetlink listeners' socket, timer and epoll set (rtnl-events.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>

#include "watch/rtnl-events.h"

static int watch_fd(int epfd, int fd)
{
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd,
			 &(struct epoll_event){.events = EPOLLIN, .data.fd = fd});
}

int rtnl_events_open(struct rtnl_events *e, struct usbnet_ctx *ctx, const char *what,
		     nl_recvmsg_msg_cb_t on_msg, void *arg, const int *groups)
{
	int r;

	e->tfd = e->epfd = -1;
	e->sk = nl_socket_alloc();
	if (!e->sk)
		return ctx_fail(ctx, -ENOMEM, "cannot allocate a netlink socket");
	nl_socket_disable_seq_check(e->sk);
	r = nl_socket_modify_cb(e->sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, arg);
	if (r >= 0)
		r = nl_connect(e->sk, NETLINK_ROUTE);
	for (size_t i = 0; r >= 0 && groups[i]; i++)
		r = nl_socket_add_membership(e->sk, groups[i]);
	if (r >= 0)
		r = nl_socket_set_nonblocking(e->sk);
	if (r < 0) {
		r = ctx_fail(ctx, -EIO, "cannot listen to %s (rtnetlink): %s", what,
			     nl_geterror(r));
		rtnl_events_close(e);
		return r;
	}
	e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->tfd < 0 || e->epfd < 0 || watch_fd(e->epfd, nl_socket_get_fd(e->sk)) < 0 ||
	    watch_fd(e->epfd, e->tfd) < 0) {
		r = ctx_fail(ctx, -errno, "cannot follow %s: %s", what, strerror(errno));
		rtnl_events_close(e);
		return r;
	}
	return 0;
}

void rtnl_events_close(struct rtnl_events *e)
{
	if (e->epfd >= 0)
		close(e->epfd);
	if (e->tfd >= 0)
		close(e->tfd);
	nl_socket_free(e->sk);
	e->sk = NULL;
	e->tfd = e->epfd = -1;
}

struct rtnl_events_ready rtnl_events_dispatch(struct rtnl_events *e)
{
	struct rtnl_events_ready ready = {};
	struct epoll_event ev[2];
	int n = epoll_wait(e->epfd, ev, 2, 0);

	for (int i = 0; i < n; i++) {
		if (ev[i].data.fd == e->tfd) {
			uint64_t expirations;

			if (read(e->tfd, &expirations, sizeof(expirations)) >= 0 || errno == EAGAIN)
				ready.timer = true;
			continue;
		}
		/* One read of the socket; level-triggered, the caller's poll comes back for more.
		 */
		int r = nl_recvmsgs_default(e->sk);

		if (r < 0 && r != -NLE_AGAIN)
			ready.lost = true;
	}
	return ready;
}

int rtnl_events_arm(struct rtnl_events *e, uint64_t ms)
{
	struct itimerspec its = {
	    .it_value = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000},
	};

	return timerfd_settime(e->tfd, 0, &its, NULL) < 0 ? -errno : 0;
}

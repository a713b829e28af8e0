/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One rtnetlink request over libmnl: open, send, read to the ack, close (core/rtnl-request.h). */
#include <errno.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "core/rtnl-request.h"

int rtnl_request(struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *nlh, void *data),
		 void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned portid, seq;
	ssize_t n;
	int r;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC); /* no child inherits it */
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = (unsigned)time(NULL);
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			r = -errno;
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (r <= MNL_CB_STOP)
			break;
	}
	r = r < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return r;
}

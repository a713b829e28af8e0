/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One rtnetlink request over libmnl, on a socket of its own: for the calls libnl-route-3 does
 * not have (alternative names, rules, a dump of every table). */
#ifndef USBNET_RTNL_REQUEST_H
#define USBNET_RTNL_REQUEST_H

struct nlmsghdr;

/* Send nlh (its sequence number is set here) and read the answers until the ack, the error or
 * the end of the dump, each message through cb (NULL: none wanted; a libmnl mnl_cb_t) with
 * data. 0, or -errno: the kernel's error, or the socket's. */
int rtnl_request(struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *nlh, void *data),
		 void *data);

#endif

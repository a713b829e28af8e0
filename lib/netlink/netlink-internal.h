/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the rtnetlink files share (netlink.c, netlink-bridge.c, sysctl.c): one socket, one error mapping. */
#ifndef USBNET_NETLINK_INTERNAL_H
#define USBNET_NETLINK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

struct nl_handle {
	struct nl_sock *sk;
	int kernel_errno; /* of the last request's NLMSG_ERROR, 0 when none */
};

/* Before a request: forget the last kernel errno. */
void nl_begin(struct nl_handle *h);
/* A libnl result as -errno: the kernel's errno when it sent one. */
int nl_errno(struct nl_handle *h, int nle);
/* The link by index or name; -ENODEV when there is none. */
int link_fetch(struct nl_handle *h, int ifindex, const char *ifname, struct rtnl_link **ret);
/* Room for one more element in *v (n used of *cap, each size bytes): doubles it when full.
 * -ENOMEM leaves *v as it was (the caller frees it). */
int nl_array_grow(void **v, size_t *cap, size_t n, size_t size);
/* Pure: the RTM_NEWLINK request that creates a bridge (netlink-bridge.c); nlmsg_free() it. */
int nl_bridge_build_new(const char *name, const uint8_t mac[6], struct nl_msg **ret);

/* Per-interface sysctls (sysctl.c): the real backend's sysctl_get and sysctl_set. */
int nl_sysctl_get(void *h, const char *ifname, const char *family, const char *key, int *ret);
int nl_sysctl_set(void *h, const char *ifname, const char *family, const char *key, int value);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the rtnetlink files share (netlink.c, netlink-bridge.c, sysctl.c, rtnl-object.c,
 * rtnl-walk.c): one socket, one error mapping, one way to build and send an address or a
 * route, one way to dump them. */
#ifndef USBNET_NETLINK_INTERNAL_H
#define USBNET_NETLINK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

struct usbnet_ip4;

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
/* Pure: the RTM_NEWLINK request that creates a bridge (netlink-bridge.c); nlmsg_free() it. */
int nl_bridge_build_new(const char *name, const uint8_t mac[6], struct nl_msg **ret);

/* Per-interface sysctls (sysctl.c): the real backend's sysctl_get and sysctl_set. */
int nl_sysctl_get(void *h, const char *ifname, const char *family, const char *key, int *ret);
int nl_sysctl_set(void *h, const char *ifname, const char *family, const char *key, int value);

/* Addresses and routes as libnl objects (rtnl-object.c). A builder returns NULL when out of
 * memory; rtnl_addr_put() or rtnl_route_put() what it returns, or send it. */
/* An IPv4 address with its prefix length, as libnl holds one; nl_addr_put() it. */
struct nl_addr *nl_ip4(struct in_addr a, unsigned prefix);
/* An address of the link: its family, local address and prefix length, nothing else. */
struct rtnl_addr *nl_addr_obj_new(int ifindex, int family, const void *local, size_t len,
				  unsigned prefix);
/* Gives the IPv4 address a this broadcast address; -ENOMEM, -EINVAL. */
int nl_addr_obj_set_brd(struct rtnl_addr *a, struct in_addr brd);
/* An IPv4 route to dst with one next hop, the link; the caller sets its table, scope,
 * protocol and type, and more on rtnl_route_nexthop_n(rt, 0). */
struct rtnl_route *nl_route_obj_new(const struct usbnet_ip4 *dst, int ifindex);

enum nl_request { NL_ADDR_ADD, NL_ADDR_DELETE, NL_ROUTE_ADD, NL_ROUTE_DELETE };
/* One request on an address or route object (OBJ_CAST() it): add it (NLM_F_EXCL: -EEXIST
 * when it is there) or delete it; then put it. A NULL object, what a builder returns when out
 * of memory, is -ENOMEM. Deleting a route that is not there is -ESRCH. */
int nl_obj_send(struct nl_handle *h, struct nl_object *o, enum nl_request q);

/* The kernel's addresses and routes (rtnl-walk.c). */
enum nl_walk_what { NL_WALK_ADDRS, NL_WALK_ROUTES4, NL_WALK_NEIGHS };
/* One dump of every address (of every family and link), every IPv4 route (of every table) or
 * every neighbour: visit is given each object, an rtnl_addr, rtnl_route or rtnl_neigh, with arg; a visit's -errno stops
 * the dump and is its answer. */
int nl_walk(struct nl_handle *h, enum nl_walk_what what,
	    int (*visit)(struct nl_object *o, void *arg), void *arg);
/* An array of entries of size bytes that a dump's visits fill: {.size = sizeof(entry)}. */
struct nl_list {
	void *v;
	size_t n, cap, size;
};
/* A zeroed new entry at the end of l, NULL when out of memory. */
void *nl_list_add(struct nl_list *l);
/* The end of a dump that filled l, r its answer: on success *ret and *ret_n get the array (the
 * caller frees it) and its length; on failure it is freed and r returned. */
int nl_list_take(struct nl_list *l, int r, void **ret, size_t *ret_n);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One address or route as a libnl object, for netlink.c and netlink-bridge.c: the part of it
 * that every builder sets, and the request that adds or deletes it (netlink-internal.h).
 */
#include <errno.h>
#include <netinet/in.h>

#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/route.h>

#include "core/backend.h"
#include "netlink/netlink-internal.h"

struct nl_addr *nl_ip4(struct in_addr a, unsigned prefix)
{
	struct nl_addr *addr = nl_addr_build(AF_INET, &a, sizeof(a));

	if (addr)
		nl_addr_set_prefixlen(addr, (int)prefix);
	return addr;
}

struct rtnl_addr *nl_addr_obj_new(int ifindex, int family, const void *local, size_t len,
				  unsigned prefix)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *l = nl_addr_build(family, local, len);

	if (!a || !l)
		goto fail;
	nl_addr_set_prefixlen(l, (int)prefix);
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_family(a, family);
	if (rtnl_addr_set_local(a, l) < 0)
		goto fail;
	rtnl_addr_set_prefixlen(a, prefix);
	nl_addr_put(l);
	return a;
fail:
	nl_addr_put(l);
	rtnl_addr_put(a);
	return NULL;
}

int nl_addr_obj_set_brd(struct rtnl_addr *a, struct in_addr brd)
{
	struct nl_addr *b = nl_ip4(brd, 32);
	int r;

	if (!b)
		return -ENOMEM;
	r = rtnl_addr_set_broadcast(a, b) < 0 ? -EINVAL : 0;
	nl_addr_put(b);
	return r;
}

struct rtnl_route *nl_route_obj_new(const struct usbnet_ip4 *dst, int ifindex)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *d = nl_ip4(dst->addr, dst->prefix);
	int r = -1;

	if (!rt || !nh || !d)
		goto out;
	rtnl_route_set_family(rt, AF_INET);
	if (rtnl_route_set_dst(rt, d) < 0)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh);
	nh = NULL;
	r = 0;
out:
	nl_addr_put(d);
	if (nh)
		rtnl_route_nh_free(nh);
	if (r < 0) {
		rtnl_route_put(rt);
		return NULL;
	}
	return rt;
}

int nl_obj_send(struct nl_handle *h, struct nl_object *o, enum nl_request q)
{
	int r;

	if (!o)
		return -ENOMEM;
	nl_begin(h);
	switch (q) {
	case NL_ADDR_ADD:
		r = rtnl_addr_add(h->sk, (struct rtnl_addr *)o, NLM_F_EXCL);
		break;
	case NL_ADDR_DELETE:
		r = rtnl_addr_delete(h->sk, (struct rtnl_addr *)o, 0);
		break;
	case NL_ROUTE_ADD:
		r = rtnl_route_add(h->sk, (struct rtnl_route *)o, NLM_F_EXCL);
		break;
	default:
		r = rtnl_route_delete(h->sk, (struct rtnl_route *)o, 0);
		break;
	}
	r = nl_errno(h, r);
	nl_object_put(o);
	/* a route that is not there is -ESRCH, the kernel's word, also when libnl says it */
	return q == NL_ROUTE_DELETE && r == -ENOENT ? -ESRCH : r;
}

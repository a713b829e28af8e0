/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rtnetlink backend, through libnl-route-3: links, IPv4 addresses, peer routes.
 *
 * libnl reports -NLE_* codes, not errno, and folds several kernel errors into one (ENOENT and
 * ESRCH both become NLE_OBJ_NOTFOUND). An error callback keeps the kernel's own errno of the
 * last request; nl_errno() turns the outcome of a call into -errno, in this one place.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h> /* before linux/if.h: glibc and the kernel share these names */
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/route.h>

#include "core/backend.h"
#include "netlink/altname.h"
#include "netlink/netlink-internal.h"

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nl_handle *h = arg;

	h->kernel_errno = e->error < 0 ? -e->error : e->error;
	return NL_STOP; /* libnl then returns its own code, which nl_errno() replaces */
}

static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_SUCCESS:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	default:
		return -EIO; /* malformed or unexpected messages */
	}
}

/* The one place libnl's errors become -errno: the kernel's errno when it sent one. */
int nl_errno(struct nl_handle *h, int nle)
{
	if (nle >= 0)
		return 0;
	if (h->kernel_errno > 0)
		return -h->kernel_errno;
	return nle_to_errno(nle);
}

void nl_begin(struct nl_handle *h)
{
	h->kernel_errno = 0;
}

int nl_real_open(void **ret)
{
	struct nl_handle *h;
	int r;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->sk = nl_socket_alloc();
	if (!h->sk) {
		free(h);
		return -ENOMEM;
	}
	nl_socket_modify_err_cb(h->sk, NL_CB_CUSTOM, on_error, h);
	r = nl_connect(h->sk, NETLINK_ROUTE);
	if (r < 0) {
		r = nl_errno(h, r);
		nl_socket_free(h->sk);
		free(h);
		return r;
	}
	*ret = h;
	return 0;
}

void *nl_real_close(void *p)
{
	struct nl_handle *h = p;

	if (!h)
		return NULL;
	nl_socket_free(h->sk);
	free(h);
	return NULL;
}

/* ---- builders: pure, no I/O --------------------------------------------------------------- */

/* An IPv4 address as `ip addr add A/N brd + dev IF` would give it. */
static struct rtnl_addr *build_addr(int ifindex, const struct usbnet_ip4 *ip)
{
	struct rtnl_addr *a =
	    nl_addr_obj_new(ifindex, AF_INET, &ip->addr, sizeof(ip->addr), ip->prefix);

	if (!a)
		return NULL;
	/* IPv4 link-local (169.254.0.0/16, the Fobnail's): valid on this link only (RFC 3927),
	 * and the kernel says so when asked for scope link, as `ip addr add ... scope link`. */
	if ((ntohl(ip->addr.s_addr) & 0xffff0000u) == 0xa9fe0000u)
		rtnl_addr_set_scope(a, RT_SCOPE_LINK);
	if (ip->prefix < 31) {
		uint32_t mask = ip->prefix ? htonl(~0u << (32 - ip->prefix)) : 0;
		struct in_addr b = { .s_addr = ip->addr.s_addr | ~mask };

		if (nl_addr_obj_set_brd(a, b) < 0) {
			rtnl_addr_put(a);
			return NULL;
		}
	}
	return a;
}

/* A route to dst through the link, no gateway: `ip route add DST dev IF scope link proto static`.
 * The protocol lets route_del remove only a route of ours: the kernel matches it on delete. */
static struct rtnl_route *build_route(int ifindex, const struct usbnet_ip4 *dst)
{
	struct rtnl_route *rt = nl_route_obj_new(dst, ifindex);

	if (rt) {
		rtnl_route_set_table(rt, RT_TABLE_MAIN);
		rtnl_route_set_scope(rt, RT_SCOPE_LINK);
		rtnl_route_set_protocol(rt, RTPROT_STATIC);
		rtnl_route_set_type(rt, RTN_UNICAST);
	}
	return rt;
}

/* ---- senders ------------------------------------------------------------------------------ */

int link_fetch(struct nl_handle *h, int ifindex, const char *ifname, struct rtnl_link **ret)
{
	int r;

	nl_begin(h);
	r = rtnl_link_get_kernel(h->sk, ifindex, ifname, ret);
	if (r < 0) {
		r = nl_errno(h, r);
		/* the kernel says ENODEV; libnl alone says "not found" */
		return r == -ENOENT ? -ENODEV : r;
	}
	return 0;
}

static int link_info_fill(struct rtnl_link *link, struct nl_link_info *ret)
{
	struct nl_link_info info = {};
	struct nl_addr *mac = rtnl_link_get_addr(link);
	const char *name = rtnl_link_get_name(link);
	unsigned flags = rtnl_link_get_flags(link);

	info.ifindex = rtnl_link_get_ifindex(link);
	snprintf(info.ifname, sizeof(info.ifname), "%s", name ? name : "");
	info.up = flags & IFF_UP;
	info.carrier = flags & IFF_LOWER_UP;
	if (mac && nl_addr_get_len(mac) == sizeof(info.mac)) {
		memcpy(info.mac, nl_addr_get_binary_addr(mac), sizeof(info.mac));
		info.has_mac = true;
	}
	*ret = info;
	return 0;
}

static int nl_link_get(void *p, const char *ifname, struct nl_link_info *ret)
{
	struct nl_handle *h = p;
	struct rtnl_link *link = NULL;
	int r;

	if (!ifname || !*ifname || strlen(ifname) >= sizeof(ret->ifname))
		return -ENODEV;
	r = link_fetch(h, 0, ifname, &link);
	if (r < 0)
		return r;
	r = link_info_fill(link, ret);
	rtnl_link_put(link);
	return r;
}

static int nl_link_get_index(void *p, int ifindex, struct nl_link_info *ret)
{
	struct nl_handle *h = p;
	struct rtnl_link *link = NULL;
	int r;

	if (ifindex <= 0)
		return -ENODEV;
	r = link_fetch(h, ifindex, NULL, &link);
	if (r < 0)
		return r;
	r = link_info_fill(link, ret);
	rtnl_link_put(link);
	return r;
}

static int nl_link_set_up(void *p, int ifindex, bool up)
{
	struct nl_handle *h = p;
	struct rtnl_link *orig = NULL, *change;
	int r;

	r = link_fetch(h, ifindex, NULL, &orig);
	if (r < 0)
		return r;
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(orig);
		return -ENOMEM;
	}
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	nl_begin(h);
	r = nl_errno(h, rtnl_link_change(h->sk, orig, change, 0));
	rtnl_link_put(change);
	rtnl_link_put(orig);
	return r;
}

struct addr_walk {
	struct nl_list l;
	int ifindex; /* 0: every link's */
};

/* Each IPv4 address of the walk's link. */
static int addr_visit_entry(struct nl_object *o, void *arg)
{
	struct addr_walk *w = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)o;
	struct nl_addr *local = rtnl_addr_get_local(a);
	struct nl_addr_entry *e;

	if (rtnl_addr_get_family(a) != AF_INET || !local ||
	    nl_addr_get_len(local) != sizeof(struct in_addr))
		return 0;
	if (w->ifindex > 0 && rtnl_addr_get_ifindex(a) != w->ifindex)
		return 0;
	e = nl_list_add(&w->l);
	if (!e)
		return -ENOMEM;
	e->ifindex = rtnl_addr_get_ifindex(a);
	memcpy(&e->ip.addr, nl_addr_get_binary_addr(local), sizeof(e->ip.addr));
	e->ip.prefix = (uint8_t)rtnl_addr_get_prefixlen(a);
	if (!if_indextoname((unsigned)e->ifindex, e->ifname))
		e->ifname[0] = '\0';
	return 0;
}

static int nl_addr_list(void *p, int ifindex, struct nl_addr_entry **ret, size_t *ret_n)
{
	struct addr_walk w = {.l.size = sizeof(**ret), .ifindex = ifindex};
	int r = nl_walk(p, NL_WALK_ADDRS, addr_visit_entry, &w);

	return nl_list_take(&w.l, r, (void **)ret, ret_n);
}

static int nl_addr_add(void *p, int ifindex, const struct usbnet_ip4 *ip)
{
	return nl_obj_send(p, OBJ_CAST(build_addr(ifindex, ip)), NL_ADDR_ADD);
}

struct sibling_walk {
	int ifindex;
	const struct usbnet_ip4 *ip;
	uint32_t mask; /* ip's netmask */
	bool found;
};

static int sibling_visit(struct nl_object *o, void *arg)
{
	struct sibling_walk *w = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)o;
	struct nl_addr *local = rtnl_addr_get_local(a);
	struct in_addr v;

	if (rtnl_addr_get_family(a) != AF_INET || rtnl_addr_get_ifindex(a) != w->ifindex ||
	    !local || nl_addr_get_len(local) != sizeof(v) ||
	    rtnl_addr_get_prefixlen(a) != w->ip->prefix)
		return 0;
	memcpy(&v, nl_addr_get_binary_addr(local), sizeof(v));
	if (v.s_addr != w->ip->addr.s_addr &&
	    (v.s_addr & w->mask) == (w->ip->addr.s_addr & w->mask))
		w->found = true;
	return 0;
}

/* Whether another address of ip's subnet on the link would go with ip: the kernel deletes a
 * primary address's secondaries unless promote_secondaries is set. */
static int has_subnet_sibling(struct nl_handle *h, int ifindex, const struct usbnet_ip4 *ip)
{
	struct sibling_walk w = {
	    .ifindex = ifindex,
	    .ip = ip,
	    .mask = ip->prefix ? htonl(~0u << (32 - ip->prefix)) : 0,
	};
	int r = nl_walk(h, NL_WALK_ADDRS, sibling_visit, &w);

	return r < 0 ? r : w.found;
}

static int set_promote_secondaries(struct nl_handle *h, struct rtnl_link *orig, uint32_t v)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (!change)
		return -ENOMEM;
	r = rtnl_link_inet_set_conf(change, IPV4_DEVCONF_PROMOTE_SECONDARIES, v);
	if (r >= 0) {
		nl_begin(h);
		r = rtnl_link_change(h->sk, orig, change, 0);
	}
	r = nl_errno(h, r);
	rtnl_link_put(change);
	return r;
}

/* Delete exactly this address. When the user put another address of the same subnet on the
 * link, it is a secondary of ours and the kernel would delete it too: for that one request
 * the link promotes secondaries, and then gets its setting back. */
static int nl_addr_del(void *p, int ifindex, const struct usbnet_ip4 *ip)
{
	struct nl_handle *h = p;
	struct rtnl_addr *a = build_addr(ifindex, ip);
	struct rtnl_link *link = NULL;
	uint32_t promote = 1;
	int r;

	if (!a)
		return -ENOMEM;
	r = has_subnet_sibling(h, ifindex, ip);
	if (r > 0) {
		r = link_fetch(h, ifindex, NULL, &link);
		if (r >= 0 &&
		    rtnl_link_inet_get_conf(link, IPV4_DEVCONF_PROMOTE_SECONDARIES, &promote) < 0)
			promote = 0;
		if (r >= 0 && !promote)
			r = set_promote_secondaries(h, link, 1);
	}
	if (r >= 0) {
		nl_begin(h);
		r = nl_errno(h, rtnl_addr_delete(h->sk, a, 0));
	}
	if (link && !promote) {
		int k = set_promote_secondaries(h, link, 0);

		if (r >= 0)
			r = k;
	}
	if (link)
		rtnl_link_put(link);
	rtnl_addr_put(a);
	return r;
}

static int nl_route_add(void *p, int ifindex, const struct usbnet_ip4 *dst)
{
	return nl_obj_send(p, OBJ_CAST(build_route(ifindex, dst)), NL_ROUTE_ADD);
}

static int nl_route_del(void *p, int ifindex, const struct usbnet_ip4 *dst)
{
	return nl_obj_send(p, OBJ_CAST(build_route(ifindex, dst)), NL_ROUTE_DELETE);
}

/* One IPv4 route dump into a list of entries of this size: visit adds what the list wants of
 * each route (nothing of the local table's); its -errno stops the dump and is the answer. */
static int route_dump(void *p, int (*visit)(struct nl_object *o, void *l), size_t size, void **ret,
		      size_t *ret_n)
{
	struct nl_list l = {.size = size};

	return nl_list_take(&l, nl_walk(p, NL_WALK_ROUTES4, visit, &l), ret, ret_n);
}

/* Each unicast route's next hops. */
static int route_visit_nexthops(struct nl_object *o, void *l)
{
	struct rtnl_route *rt = (struct rtnl_route *)o;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	int nn = rtnl_route_get_nnexthops(rt);

	if (rtnl_route_get_table(rt) == RT_TABLE_LOCAL || rtnl_route_get_type(rt) != RTN_UNICAST)
		return 0;
	for (int i = 0; i < nn; i++) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, i);
		struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);
		struct nl_route_entry *e = nl_list_add(l);

		if (!e)
			return -ENOMEM;
		if (dst && nl_addr_get_len(dst) == sizeof(struct in_addr))
			memcpy(&e->dst.addr, nl_addr_get_binary_addr(dst), sizeof(e->dst.addr));
		e->dst.prefix = dst ? (uint8_t)nl_addr_get_prefixlen(dst) : 0;
		if (gw && nl_addr_get_len(gw) == sizeof(struct in_addr)) {
			memcpy(&e->gw, nl_addr_get_binary_addr(gw), sizeof(e->gw));
			e->has_gw = true;
		}
		e->ifindex = rtnl_route_nh_get_ifindex(nh);
		if (!if_indextoname((unsigned)e->ifindex, e->ifname))
			e->ifname[0] = '\0';
	}
	return 0;
}

/* Each route's destination but a default route's, with its interface when it has one. */
static int route_visit_dst(struct nl_object *o, void *l)
{
	struct rtnl_route *rt = (struct rtnl_route *)o;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	struct nl_addr_entry *e;

	if (rtnl_route_get_table(rt) == RT_TABLE_LOCAL || !dst ||
	    nl_addr_get_len(dst) != sizeof(struct in_addr) || nl_addr_get_prefixlen(dst) == 0)
		return 0;
	e = nl_list_add(l);
	if (!e)
		return -ENOMEM;
	memcpy(&e->ip.addr, nl_addr_get_binary_addr(dst), sizeof(e->ip.addr));
	e->ip.prefix = (uint8_t)nl_addr_get_prefixlen(dst);
	if (rtnl_route_get_nnexthops(rt) == 1)
		e->ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(rt, 0));
	return 0;
}

static int nl_route_list(void *p, struct nl_route_entry **ret, size_t *ret_n)
{
	return route_dump(p, route_visit_nexthops, sizeof(**ret), (void **)ret, ret_n);
}

static int nl_route_dst_list(void *p, struct nl_addr_entry **ret, size_t *ret_n)
{
	return route_dump(p, route_visit_dst, sizeof(**ret), (void **)ret, ret_n);
}

/* An IPv6 address without duplicate address detection: `ip addr add A/N dev IF nodad`. */
static struct rtnl_addr *build_addr6(int ifindex, const struct in6_addr *addr, unsigned prefix)
{
	struct rtnl_addr *a = nl_addr_obj_new(ifindex, AF_INET6, addr, sizeof(*addr), prefix);

	if (a)
		rtnl_addr_set_flags(a, IFA_F_NODAD);
	return a;
}

static int nl_addr6_add(void *p, int ifindex, const struct in6_addr *addr, unsigned prefix)
{
	return nl_obj_send(p, OBJ_CAST(build_addr6(ifindex, addr, prefix)), NL_ADDR_ADD);
}

static int nl_addr6_del(void *p, int ifindex, const struct in6_addr *addr, unsigned prefix)
{
	return nl_obj_send(p, OBJ_CAST(build_addr6(ifindex, addr, prefix)), NL_ADDR_DELETE);
}

const struct usbnet_netlink_ops nl_real_ops = {
	.link_get = nl_link_get,
	.link_get_index = nl_link_get_index,
	.link_set_up = nl_link_set_up,
	.addr_list = nl_addr_list,
	.addr_add = nl_addr_add,
	.addr_del = nl_addr_del,
	.route_add = nl_route_add,
	.route_del = nl_route_del,
	.sysctl_get = nl_sysctl_get,
	.sysctl_set = nl_sysctl_set,
	.altname_add = altname_add,
	.altname_del = altname_del,
	.altname_find = altname_find,
	.route_list = nl_route_list,
	.route_dst_list = nl_route_dst_list,
	.addr6_add = nl_addr6_add,
	.addr6_del = nl_addr6_del,
};

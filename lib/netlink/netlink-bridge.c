/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rtnetlink side of bridge mode, through libnl-route-3 on netlink.c's socket: what a link
 * is (kind, master, MAC, Wi-Fi), a bridge made the Maemo recipe's way (forward delay 0, STP
 * off), ports, and whole IPv4 addresses and routes (scope, flags, metric, protocol, table) so
 * that moving them to the bridge and back loses nothing; the IPv4 neighbour cache, carried so
 * that the move costs no ARP exchange.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h> /* before linux/if.h */
#include <stdlib.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "core/backend.h"
#include "netlink/netlink-internal.h"
#include "netlink/wireless.h"

/* Flags of an address that the kernel takes from a request; the rest it sets itself
 * (permanent, secondary, tentative...). */
#define ADDR_SETTABLE_FLAGS                                                                        \
	(IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN)

/* ---- links -------------------------------------------------------------------------------- */

static int nlb_link_detail(void *p, const char *ifname, struct nl_link_detail *ret)
{
	struct nl_handle *h = p;
	struct rtnl_link *link = NULL;
	struct nl_link_detail d = {};
	struct nl_addr *mac;
	const char *kind;
	unsigned flags;
	int r;

	if (!ifname || !*ifname || strlen(ifname) >= sizeof(d.ifname))
		return -ENODEV;
	r = link_fetch(h, 0, ifname, &link);
	if (r < 0)
		return r;
	d.ifindex = rtnl_link_get_ifindex(link);
	strcpy(d.ifname, ifname);
	kind = rtnl_link_get_type(link);
	if (kind)
		snprintf(d.kind, sizeof(d.kind), "%s", kind);
	d.master = rtnl_link_get_master(link);
	mac = rtnl_link_get_addr(link);
	if (mac && nl_addr_get_len(mac) == 6) {
		memcpy(d.mac, nl_addr_get_binary_addr(mac), 6);
		d.has_mac = true;
	}
	flags = rtnl_link_get_flags(link);
	d.up = flags & IFF_UP;
	d.loopback = flags & IFF_LOOPBACK;
	d.wireless = wireless_is_wifi("/sys", ifname);
	rtnl_link_put(link);
	*ret = d;
	return 0;
}

/* RTM_NEWLINK for `ip link add NAME address MAC type bridge forward_delay 0 stp_state 0`. */
int nl_bridge_build_new(const char *name, const uint8_t mac[6], struct nl_msg **ret)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data;

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, name) < 0 || nla_put(msg, IFLA_ADDRESS, 6, mac) < 0 ||
	    !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
	    !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
	    nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, 0) < 0 ||
	    nla_put_u32(msg, IFLA_BR_STP_STATE, 0) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	*ret = msg;
	return 0;
}

static int nlb_bridge_add(void *p, const char *name, const uint8_t mac[6], int *ret_ifindex)
{
	struct nl_handle *h = p;
	struct rtnl_link *link = NULL;
	struct nl_msg *msg;
	int r, ifindex;

	r = nl_bridge_build_new(name, mac, &msg);
	if (r < 0)
		return r;
	nl_begin(h);
	r = nl_errno(h, nl_send_sync(h->sk, msg)); /* frees msg */
	if (r < 0)
		return r;
	r = link_fetch(h, 0, name, &link);
	if (r < 0)
		return r;
	ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	r = nl_real_ops.link_set_up(h, ifindex, true);
	if (r < 0)
		return r;
	*ret_ifindex = ifindex;
	return 0;
}

static int nlb_link_del(void *p, int ifindex)
{
	struct nl_handle *h = p;
	struct rtnl_link *link = rtnl_link_alloc();
	int r;

	if (!link)
		return -ENOMEM;
	rtnl_link_set_ifindex(link, ifindex);
	nl_begin(h);
	r = nl_errno(h, rtnl_link_delete(h->sk, link));
	rtnl_link_put(link);
	return r == -ENOENT ? -ENODEV : r;
}

static int nlb_link_set_master(void *p, int ifindex, int master)
{
	struct nl_handle *h = p;
	int r;

	nl_begin(h);
	if (master > 0)
		r = rtnl_link_enslave_ifindex(h->sk, master, ifindex);
	else
		r = rtnl_link_release_ifindex(h->sk, ifindex);
	r = nl_errno(h, r);
	return r == -ENOENT ? -ENODEV : r;
}

/* ---- addresses ------------------------------------------------------------------------------ */

/* A dump that lists what one link has. */
struct link_walk {
	struct nl_list l;
	int ifindex, family;
};

/* Each address of the walk's link and family, all of it. */
static int addr_visit_full(struct nl_object *o, void *arg)
{
	struct link_walk *w = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)o;
	struct nl_addr *local = rtnl_addr_get_local(a), *brd;
	const char *label;
	struct nl_addr_full *e;

	if (rtnl_addr_get_family(a) != w->family || rtnl_addr_get_ifindex(a) != w->ifindex)
		return 0;
	e = nl_list_add(&w->l);
	if (!e)
		return -ENOMEM;
	e->ifindex = w->ifindex;
	if (w->family == AF_INET && local && nl_addr_get_len(local) == sizeof(struct in_addr))
		memcpy(&e->ip.addr, nl_addr_get_binary_addr(local), sizeof(e->ip.addr));
	e->ip.prefix = (uint8_t)rtnl_addr_get_prefixlen(a);
	brd = rtnl_addr_get_broadcast(a);
	if (w->family == AF_INET && brd && nl_addr_get_len(brd) == sizeof(struct in_addr)) {
		memcpy(&e->brd, nl_addr_get_binary_addr(brd), sizeof(e->brd));
		e->has_brd = true;
	}
	e->scope = (uint8_t)rtnl_addr_get_scope(a);
	e->flags = rtnl_addr_get_flags(a);
	e->valid_lft = (e->flags & IFA_F_PERMANENT) ? UINT32_MAX : rtnl_addr_get_valid_lifetime(a);
	label = rtnl_addr_get_label(a);
	if (label)
		snprintf(e->label, sizeof(e->label), "%s", label);
	return 0;
}

static int nlb_addr_list_full(void *p, int ifindex, int family, struct nl_addr_full **ret,
			      size_t *ret_n)
{
	struct link_walk w = {.l.size = sizeof(**ret), .ifindex = ifindex, .family = family};
	int r = nl_walk(p, NL_WALK_ADDRS, addr_visit_full, &w);

	return nl_list_take(&w.l, r, (void **)ret, ret_n);
}

static struct rtnl_addr *build_addr_full(int ifindex, const struct nl_addr_full *f)
{
	struct rtnl_addr *a =
	    nl_addr_obj_new(ifindex, AF_INET, &f->ip.addr, sizeof(f->ip.addr), f->ip.prefix);

	if (!a)
		return NULL;
	rtnl_addr_set_scope(a, f->scope);
	if (f->flags & ADDR_SETTABLE_FLAGS)
		rtnl_addr_set_flags(a, f->flags & ADDR_SETTABLE_FLAGS);
	if (f->has_brd && nl_addr_obj_set_brd(a, f->brd) < 0) {
		rtnl_addr_put(a);
		return NULL;
	}
	return a;
}

static int nlb_addr_add_full(void *p, int ifindex, const struct nl_addr_full *f)
{
	return nl_obj_send(p, OBJ_CAST(build_addr_full(ifindex, f)), NL_ADDR_ADD);
}

static int nlb_addr_del_full(void *p, int ifindex, const struct nl_addr_full *f)
{
	return nl_obj_send(p, OBJ_CAST(build_addr_full(ifindex, f)), NL_ADDR_DELETE);
}

/* ---- routes --------------------------------------------------------------------------------- */

static int route_of(struct rtnl_route *rt, int ifindex, struct nl_route_full *ret)
{
	struct nl_route_full f = {};
	struct rtnl_nexthop *nh;
	struct nl_addr *dst, *gw, *src;
	int nn = rtnl_route_get_nnexthops(rt), mine = 0;

	for (int i = 0; i < nn; i++)
		if (rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(rt, i)) == ifindex)
			mine++;
	if (mine == 0)
		return 0;
	if (nn != 1)
		return -EOPNOTSUPP; /* multipath: its other legs are not the uplink's */
	nh = rtnl_route_nexthop_n(rt, 0);
	dst = rtnl_route_get_dst(rt);
	if (dst && nl_addr_get_len(dst) == sizeof(struct in_addr))
		memcpy(&f.dst.addr, nl_addr_get_binary_addr(dst), sizeof(f.dst.addr));
	f.dst.prefix = dst ? (uint8_t)nl_addr_get_prefixlen(dst) : 0;
	gw = rtnl_route_nh_get_gateway(nh);
	if (gw && nl_addr_get_len(gw) == sizeof(struct in_addr)) {
		memcpy(&f.gw, nl_addr_get_binary_addr(gw), sizeof(f.gw));
		f.has_gw = true;
	}
	src = rtnl_route_get_pref_src(rt);
	if (src && nl_addr_get_len(src) == sizeof(struct in_addr)) {
		memcpy(&f.src, nl_addr_get_binary_addr(src), sizeof(f.src));
		f.has_src = true;
	}
	f.table = rtnl_route_get_table(rt);
	f.protocol = rtnl_route_get_protocol(rt);
	f.scope = rtnl_route_get_scope(rt);
	f.type = rtnl_route_get_type(rt);
	f.tos = rtnl_route_get_tos(rt);
	f.metric = rtnl_route_get_priority(rt);
	f.nh_flags = rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK; /* the rest is the kernel's */
	f.ifindex = ifindex;
	*ret = f;
	return 1;
}

/* Each route through the walk's link, all of it. */
static int route_visit_full(struct nl_object *o, void *arg)
{
	struct link_walk *w = arg;
	struct rtnl_route *rt = (struct rtnl_route *)o;
	struct nl_route_full f, *e;
	int r;

	/* The kernel's own routes come and go with the addresses. */
	if (rtnl_route_get_table(rt) == RT_TABLE_LOCAL ||
	    rtnl_route_get_protocol(rt) == RTPROT_KERNEL)
		return 0;
	r = route_of(rt, w->ifindex, &f);
	if (r <= 0)
		return r;
	e = nl_list_add(&w->l);
	if (!e)
		return -ENOMEM;
	*e = f;
	return 0;
}

static int nlb_route_list_full(void *p, int ifindex, struct nl_route_full **ret, size_t *ret_n)
{
	struct link_walk w = {.l.size = sizeof(**ret), .ifindex = ifindex};
	int r = nl_walk(p, NL_WALK_ROUTES4, route_visit_full, &w);

	return nl_list_take(&w.l, r, (void **)ret, ret_n);
}

static struct rtnl_route *build_route_full(const struct nl_route_full *f)
{
	struct rtnl_route *rt = nl_route_obj_new(&f->dst, f->ifindex);
	struct rtnl_nexthop *nh;
	struct nl_addr *g = NULL, *s = NULL;
	int r = -1;

	if (!rt)
		return NULL;
	rtnl_route_set_table(rt, f->table);
	rtnl_route_set_scope(rt, f->scope);
	rtnl_route_set_protocol(rt, f->protocol);
	rtnl_route_set_type(rt, f->type);
	rtnl_route_set_tos(rt, f->tos);
	rtnl_route_set_priority(rt, f->metric);
	if (f->has_src) {
		s = nl_ip4(f->src, 32);
		if (!s || rtnl_route_set_pref_src(rt, s) < 0)
			goto out;
	}
	nh = rtnl_route_nexthop_n(rt, 0);
	if (f->has_gw) {
		g = nl_ip4(f->gw, 32);
		if (!g)
			goto out;
		rtnl_route_nh_set_gateway(nh, g);
	}
	if (f->nh_flags)
		rtnl_route_nh_set_flags(nh, f->nh_flags);
	r = 0;
out:
	nl_addr_put(g);
	nl_addr_put(s);
	if (r < 0) {
		rtnl_route_put(rt);
		return NULL;
	}
	return rt;
}

static int nlb_route_add_full(void *p, const struct nl_route_full *f)
{
	return nl_obj_send(p, OBJ_CAST(build_route_full(f)), NL_ROUTE_ADD);
}

static int nlb_route_del_full(void *p, const struct nl_route_full *f)
{
	return nl_obj_send(p, OBJ_CAST(build_route_full(f)), NL_ROUTE_DELETE);
}

struct default_walk {
	uint32_t best; /* the lowest metric so far */
	int best_if;   /* its link, 0 before the first */
};

/* The main table's IPv4 default route with the lowest metric. */
static int default_visit(struct nl_object *o, void *arg)
{
	struct default_walk *w = arg;
	struct rtnl_route *rt = (struct rtnl_route *)o;
	struct nl_addr *dst = rtnl_route_get_dst(rt);

	if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_type(rt) != RTN_UNICAST ||
	    (dst && nl_addr_get_prefixlen(dst) != 0) || rtnl_route_get_nnexthops(rt) < 1)
		return 0;
	if (!w->best_if || rtnl_route_get_priority(rt) < w->best) {
		w->best = rtnl_route_get_priority(rt);
		w->best_if = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(rt, 0));
	}
	return 0;
}

static int nlb_default_route_dev(void *p, char ret_ifname[USBNET_IFNAMSIZ])
{
	struct default_walk w = {.best = UINT32_MAX};
	int r = nl_walk(p, NL_WALK_ROUTES4, default_visit, &w);

	if (r < 0)
		return r;
	if (!w.best_if)
		return -ENOENT;
	if (!if_indextoname((unsigned)w.best_if, ret_ifname))
		return -errno;
	return 0;
}

/* ---- neighbours ----------------------------------------------------------------------------- */

#define NEIGH_ANSWERED (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE)

static int neigh_visit(struct nl_object *o, void *arg)
{
	struct link_walk *w = arg;
	struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
	struct nl_addr *dst = rtnl_neigh_get_dst(ne), *ll = rtnl_neigh_get_lladdr(ne);
	int state = rtnl_neigh_get_state(ne);
	struct nl_neigh4 *e;

	if (rtnl_neigh_get_family(ne) != AF_INET || rtnl_neigh_get_ifindex(ne) != w->ifindex ||
	    !(state & (NEIGH_ANSWERED | NUD_PERMANENT)) || !dst ||
	    nl_addr_get_len(dst) != sizeof(struct in_addr) || !ll || nl_addr_get_len(ll) != 6)
		return 0;
	e = nl_list_add(&w->l);
	if (!e)
		return -ENOMEM;
	memcpy(&e->ip, nl_addr_get_binary_addr(dst), sizeof(e->ip));
	memcpy(e->mac, nl_addr_get_binary_addr(ll), sizeof(e->mac));
	e->permanent = state & NUD_PERMANENT;
	return 0;
}

static int nlb_neigh_list(void *p, int ifindex, struct nl_neigh4 **ret, size_t *ret_n)
{
	struct link_walk w = {.l.size = sizeof(**ret), .ifindex = ifindex, .family = AF_INET};
	int r = nl_walk(p, NL_WALK_NEIGHS, neigh_visit, &w);

	return nl_list_take(&w.l, r, (void **)ret, ret_n);
}

/* add: the neighbour with its Ethernet address; delete: only its IP address matters. */
static int neigh_request(struct nl_handle *h, int ifindex, const struct nl_neigh4 *n, bool add)
{
	struct rtnl_neigh *ne = rtnl_neigh_alloc();
	struct nl_addr *dst = nl_addr_build(AF_INET, &n->ip, sizeof(n->ip));
	struct nl_addr *ll = nl_addr_build(AF_LLC, n->mac, sizeof(n->mac));
	int r = -ENOMEM;

	if (ne && dst && ll) {
		rtnl_neigh_set_ifindex(ne, ifindex);
		rtnl_neigh_set_family(ne, AF_INET);
		rtnl_neigh_set_dst(ne, dst);
		nl_begin(h);
		if (add) {
			rtnl_neigh_set_lladdr(ne, ll);
			rtnl_neigh_set_state(ne, n->permanent ? NUD_PERMANENT : NUD_STALE);
			/* Stale: create, neither exclusive nor replacing, so that the kernel keeps
			 * an entry that answered already and fills in one that is still asking. */
			r = rtnl_neigh_add(h->sk, ne,
					   NLM_F_CREATE | (n->permanent ? NLM_F_EXCL : 0));
		} else {
			r = rtnl_neigh_delete(h->sk, ne, 0);
		}
		r = nl_errno(h, r);
	}
	nl_addr_put(dst);
	nl_addr_put(ll);
	rtnl_neigh_put(ne);
	return r;
}

static int nlb_neigh_add(void *p, int ifindex, const struct nl_neigh4 *n)
{
	return neigh_request(p, ifindex, n, true);
}

static int nlb_neigh_del(void *p, int ifindex, const struct nl_neigh4 *n)
{
	return neigh_request(p, ifindex, n, false);
}

const struct usbnet_bridge_ops nl_bridge_real_ops = {
    .link_detail = nlb_link_detail,
    .bridge_add = nlb_bridge_add,
    .link_del = nlb_link_del,
    .link_set_master = nlb_link_set_master,
    .addr_list_full = nlb_addr_list_full,
    .addr_add_full = nlb_addr_add_full,
    .addr_del_full = nlb_addr_del_full,
    .route_list_full = nlb_route_list_full,
    .route_add_full = nlb_route_add_full,
    .route_del_full = nlb_route_del_full,
    .default_route_dev = nlb_default_route_dev,
    .neigh_list = nlb_neigh_list,
    .neigh_add = nlb_neigh_add,
    .neigh_del = nlb_neigh_del,
};

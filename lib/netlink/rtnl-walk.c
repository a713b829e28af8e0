/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One dump of the kernel's addresses, IPv4 routes or neighbours, each object visited, and the list a
 * visit may fill (netlink-internal.h): what every list and lookup of netlink.c and
 * netlink-bridge.c does before it picks what it wants.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "netlink/netlink-internal.h"

int nl_walk(struct nl_handle *h, enum nl_walk_what what,
	    int (*visit)(struct nl_object *o, void *arg), void *arg)
{
	struct nl_cache *cache = NULL;
	int r;

	nl_begin(h);
	if (what == NL_WALK_ADDRS)
		r = rtnl_addr_alloc_cache(h->sk, &cache);
	else if (what == NL_WALK_NEIGHS)
		r = rtnl_neigh_alloc_cache(h->sk, &cache);
	else
		r = rtnl_route_alloc_cache(h->sk, AF_INET, 0, &cache);
	if (r < 0)
		return nl_errno(h, r);
	r = 0;
	for (struct nl_object *o = nl_cache_get_first(cache); o && r >= 0; o = nl_cache_get_next(o))
		r = visit(o, arg);
	nl_cache_free(cache);
	return r < 0 ? r : 0;
}

/* Room for one more entry: doubles the array when full; -ENOMEM leaves it as it was. */
static int list_grow(struct nl_list *l)
{
	size_t c;
	void *nv;

	if (l->n < l->cap)
		return 0;
	c = l->cap ? l->cap * 2 : 8;
	nv = realloc(l->v, c * l->size);
	if (!nv)
		return -ENOMEM;
	l->v = nv;
	l->cap = c;
	return 0;
}

void *nl_list_add(struct nl_list *l)
{
	char *e;

	if (list_grow(l) < 0)
		return NULL;
	e = (char *)l->v + l->n++ * l->size;
	memset(e, 0, l->size);
	return e;
}

int nl_list_take(struct nl_list *l, int r, void **ret, size_t *ret_n)
{
	if (r < 0) {
		free(l->v);
		return r;
	}
	*ret = l->v;
	*ret_n = l->n;
	return 0;
}

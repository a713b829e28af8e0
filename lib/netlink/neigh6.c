/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The IPv6 neighbour table of one link, through libnl-route-3 (neigh6.h). */
#include <errno.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/neighbour.h>

#include "netlink/neigh6.h"

int neigh6_list(int ifindex, struct in6_addr *ret, size_t max, size_t *ret_n)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	size_t n = 0;
	int r;

	*ret_n = 0;
	if (!sk)
		return -ENOMEM;
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r >= 0)
		r = rtnl_neigh_alloc_cache(sk, &cache);
	if (r < 0) {
		nl_socket_free(sk);
		return -EIO;
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o && n < max;
	     o = nl_cache_get_next(o)) {
		struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
		struct nl_addr *dst = rtnl_neigh_get_dst(ne);
		int state = rtnl_neigh_get_state(ne);

		if (rtnl_neigh_get_ifindex(ne) != ifindex || rtnl_neigh_get_family(ne) != AF_INET6 ||
		    !dst || nl_addr_get_len(dst) != sizeof(struct in6_addr) ||
		    (state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP)))
			continue;
		memcpy(&ret[n++], nl_addr_get_binary_addr(dst), sizeof(struct in6_addr));
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	*ret_n = n;
	return 0;
}

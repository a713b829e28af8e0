/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host's uplinks as the kernel sees them: the interface of the IPv4 default route, and of
 * the IPv6 one, in the main table with the lowest metric (the one the kernel uses), each read
 * with one RTM_GETROUTE dump. IPv4 and IPv6 may leave through different interfaces (IPv6
 * through a tunnel or a second ISP): gateway mode shares each through its own.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "core/backend.h"
#include "core/rtnl-request.h"

struct best {
	unsigned char family;
	int prefer; /* on a tie of metrics, this interface's route (0: the first one dumped) */
	int ifindex;
	uint32_t metric;
	bool found;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) > 0)
		tb[type] = a;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = {};
	struct best *b = data;
	uint32_t table, metric = 0;
	int ifindex = 0;

	if (rm->rtm_family != b->family || rm->rtm_dst_len != 0 || rm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rm), attr_cb, tb);
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rm->rtm_table;
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if (tb[RTA_PRIORITY])
		metric = mnl_attr_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_OIF]) {
		ifindex = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	} else if (tb[RTA_MULTIPATH] &&
		   mnl_attr_get_payload_len(tb[RTA_MULTIPATH]) >= sizeof(struct rtnexthop)) {
		/* Several next hops: the first one's interface stands for the uplink. */
		const struct rtnexthop *nh = mnl_attr_get_payload(tb[RTA_MULTIPATH]);

		ifindex = nh->rtnh_ifindex;
	}
	if (ifindex <= 0)
		return MNL_CB_OK;
	if (!b->found || metric < b->metric ||
	    (metric == b->metric && ifindex == b->prefer && b->ifindex != b->prefer)) {
		b->found = true;
		b->ifindex = ifindex;
		b->metric = metric;
	}
	return MNL_CB_OK;
}

static int default_route(unsigned char family, const char *prefer, char ret[16])
{
	char buf[256], name[IF_NAMESIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rm;
	struct best b = {.family = family};
	int r;

	if (prefer && prefer[0])
		b.prefer = (int)if_nametoindex(prefer); /* 0 when it went: no preference */
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rm));
	rm->rtm_family = family;
	r = rtnl_request(nlh, route_cb, &b);
	if (r < 0)
		return r;
	if (!b.found)
		return -ENETUNREACH;
	if (!if_indextoname((unsigned)b.ifindex, name))
		return -errno;
	snprintf(ret, 16, "%s", name);
	return 0;
}

int default_route_ifname(char ret[16])
{
	return default_route(AF_INET, NULL, ret);
}

int default_route6_ifname(const char *prefer, char ret[16])
{
	int r = default_route(AF_INET6, prefer, ret);

	/* A kernel without IPv6 (ipv6.disable=1) has no IPv6 default route */
	return r == -EAFNOSUPPORT || r == -EPROTONOSUPPORT ? -ENETUNREACH : r;
}

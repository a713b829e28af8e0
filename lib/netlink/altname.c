/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Alternative names of a link (IFLA_ALT_IFNAME, Linux 5.5): RTM_NEWLINKPROP and RTM_DELLINKPROP
 * with an IFLA_PROP_LIST, and RTM_GETLINK by IFLA_ALT_IFNAME. libnl-route-3 has no call for
 * them, so they are written with libmnl, on a socket of their own for each request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "core/backend.h"
#include "core/rtnl-request.h"
#include "netlink/altname.h"

#define ALTNAME_MAX 128 /* ALTIFNAMSIZ */

struct reply {
	int ifindex;
};

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct reply *r = data;

	if (nlh->nlmsg_type == RTM_NEWLINK)
		r->ifindex = ifi->ifi_index;
	return MNL_CB_OK;
}

static int prop(int type, int ifindex, const char *name)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *list;

	if (!name || !*name || strlen(name) >= ALTNAME_MAX)
		return -EINVAL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWLINKPROP ? NLM_F_EXCL : 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	list = mnl_attr_nest_start(nlh, IFLA_PROP_LIST);
	mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, name);
	mnl_attr_nest_end(nlh, list);
	return rtnl_request(nlh, NULL, NULL);
}

int altname_add(void *h, int ifindex, const char *name)
{
	(void)h;
	return prop(RTM_NEWLINKPROP, ifindex, name);
}

int altname_del(void *h, int ifindex, const char *name)
{
	(void)h;
	return prop(RTM_DELLINKPROP, ifindex, name);
}

int altname_find(void *h, const char *name, int *ret_ifindex)
{
	char buf[512];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct reply rep = {};
	int r;

	(void)h;
	if (!name || !*name || strlen(name) >= ALTNAME_MAX)
		return -ENODEV;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK; /* the answer, then the ack: the end */
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, name);
	r = rtnl_request(nlh, on_link, &rep);
	if (r == -ENOENT || r == -ENODEV || (r == 0 && rep.ifindex <= 0))
		return -ENODEV;
	if (r < 0)
		return r;
	*ret_ifindex = rep.ifindex;
	return 0;
}

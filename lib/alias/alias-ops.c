/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The real alias ops (core/backend.h): policy routing rules (RTM_NEWRULE, RTM_DELRULE), a dump
 * of every IPv4 route of every table and of the local addresses, and the per-interface IPv4
 * settings in /proc/sys/net/ipv4/conf. Over libmnl, one socket per request.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "core/backend.h"
#include "core/ifname.h"
#include "core/rtnl-request.h"

/* ---- rules ------------------------------------------------------------------------------- */

static int rule_msg(int type, const struct nl_rule *rule)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct fib_rule_hdr *frh;

	if (rule->table == 0 || (!rule->has_dst && rule->fwmark == 0))
		return -EINVAL;
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			   (type == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0);
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET;
	frh->action = FR_ACT_TO_TBL;
	frh->table = rule->table < 256 ? (uint8_t)rule->table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_TABLE, rule->table);
	mnl_attr_put_u32(nlh, FRA_PRIORITY, rule->priority);
	if (rule->has_dst) {
		frh->dst_len = 32;
		mnl_attr_put(nlh, FRA_DST, 4, &rule->dst.s_addr);
	}
	if (rule->fwmark) {
		mnl_attr_put_u32(nlh, FRA_FWMARK, rule->fwmark);
		mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffffu);
	}
	return rtnl_request(nlh, NULL, NULL);
}

static int a_rule_add(void *h, const struct nl_rule *rule)
{
	(void)h;
	return rule_msg(RTM_NEWRULE, rule);
}

static int a_rule_del(void *h, const struct nl_rule *rule)
{
	(void)h;
	return rule_msg(RTM_DELRULE, rule);
}

/* ---- is an address taken? ------------------------------------------------------------ */

struct routed {
	uint32_t addr; /* host order */
	bool found;
};

static bool covers(uint32_t net, unsigned len, uint32_t addr)
{
	uint32_t mask = len ? ~0u << (32 - len) : 0;

	return len > 0 && (net & mask) == (addr & mask);
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct routed *q = data;
	struct nlattr *attr;
	uint32_t table = rtm->rtm_table, dst = 0;

	if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		if (mnl_attr_get_type(attr) == RTA_TABLE)
			table = mnl_attr_get_u32(attr);
		else if (mnl_attr_get_type(attr) == RTA_DST && mnl_attr_get_payload_len(attr) == 4)
			memcpy(&dst, mnl_attr_get_payload(attr), 4);
	}
	if (table != RT_TABLE_LOCAL && covers(ntohl(dst), rtm->rtm_dst_len, q->addr))
		q->found = true;
	return MNL_CB_OK;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct routed *q = data;
	struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		uint32_t a;

		if (mnl_attr_get_type(attr) != IFA_LOCAL || mnl_attr_get_payload_len(attr) != 4)
			continue;
		memcpy(&a, mnl_attr_get_payload(attr), 4);
		if (ntohl(a) == q->addr)
			q->found = true;
	}
	return MNL_CB_OK;
}

static int a_addr_routed(void *h, struct in_addr addr)
{
	char buf[256];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct ifaddrmsg *ifa;
	struct routed q = { .addr = ntohl(addr.s_addr) };
	int r;

	(void)h;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET; /* every table */
	r = rtnl_request(nlh, route_cb, &q);
	if (r < 0 || q.found)
		return r < 0 ? r : 1;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	r = rtnl_request(nlh, addr_cb, &q);
	return r < 0 ? r : q.found;
}

/* ---- /proc/sys/net/ipv4/conf ----------------------------------------------------------- */

static int conf_path(const char *ifname, const char *key, char *buf, size_t len)
{
	if ((strcmp(ifname, "all") != 0 && !ifname_valid(ifname)) || strchr(key, '/') ||
	    strchr(key, '.'))
		return -EINVAL;
	snprintf(buf, len, "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	return 0;
}

static int a_conf_get(void *h, const char *ifname, const char *key, int *ret)
{
	char path[128], text[32];
	ssize_t n;
	int fd, r;

	(void)h;
	r = conf_path(ifname, key, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, sizeof(text) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	text[n] = '\0';
	if (sscanf(text, "%d", ret) != 1)
		return -EIO;
	return 0;
}

static int a_conf_set(void *h, const char *ifname, const char *key, int value)
{
	char path[128], text[16];
	int fd, r, len;

	(void)h;
	r = conf_path(ifname, key, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(text, sizeof(text), "%d\n", value);
	r = write(fd, text, (size_t)len) == len ? 0 : -errno;
	close(fd);
	return r;
}

const struct usbnet_alias_ops alias_real_ops = {
	.addr_routed = a_addr_routed,
	.rule_add = a_rule_add,
	.rule_del = a_rule_del,
	.conf_get = a_conf_get,
	.conf_set = a_conf_set,
};

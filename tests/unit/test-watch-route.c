/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which route events make the watcher refresh (lib/watch/route-watch.c): a default route
 * (dst length 0) of the main table, IPv4 or IPv6, added, replaced or removed; nothing else.
 * The messages are built here as the kernel sends them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <linux/rtnetlink.h>

#include "watch/route-watch.h"

struct msg {
	struct nlmsghdr h;
	struct rtmsg rtm;
	char attrs[64];
};

/* A route message; table >= 256 goes in RTA_TABLE (rtm_table RT_TABLE_UNSPEC), as the kernel
 * sends it; the kernel adds RTA_TABLE to every route, so it is there for the others too. */
static struct nlmsghdr *route(struct msg *m, uint16_t type, uint8_t family, uint8_t dst_len,
			      uint32_t table)
{
	struct rtattr *a;

	memset(m, 0, sizeof(*m));
	m->h.nlmsg_type = type;
	m->rtm.rtm_family = family;
	m->rtm.rtm_dst_len = dst_len;
	m->rtm.rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	m->rtm.rtm_type = RTN_UNICAST;
	a = (struct rtattr *)m->attrs;
	a->rta_type = RTA_TABLE;
	a->rta_len = RTA_LENGTH(sizeof(uint32_t));
	memcpy(RTA_DATA(a), &table, sizeof(table));
	m->h.nlmsg_len = NLMSG_LENGTH(sizeof(m->rtm)) + RTA_ALIGN(a->rta_len);
	return &m->h;
}

static void test_default_routes_of_main_table_count(void **state)
{
	struct msg m;

	(void)state;
	assert_true(route_watch_is_default(route(&m, RTM_NEWROUTE, AF_INET, 0, RT_TABLE_MAIN)));
	assert_true(route_watch_is_default(route(&m, RTM_DELROUTE, AF_INET, 0, RT_TABLE_MAIN)));
	assert_true(route_watch_is_default(route(&m, RTM_NEWROUTE, AF_INET6, 0, RT_TABLE_MAIN)));
	assert_true(route_watch_is_default(route(&m, RTM_DELROUTE, AF_INET6, 0, RT_TABLE_MAIN)));
}

static void test_other_routes_do_not(void **state)
{
	struct msg m;

	(void)state;
	/* a link's prefix route, a host route */
	assert_false(route_watch_is_default(route(&m, RTM_NEWROUTE, AF_INET, 24, RT_TABLE_MAIN)));
	assert_false(route_watch_is_default(route(&m, RTM_NEWROUTE, AF_INET6, 64, RT_TABLE_MAIN)));
	assert_false(route_watch_is_default(route(&m, RTM_DELROUTE, AF_INET6, 128, RT_TABLE_MAIN)));
	/* a default route of another table (the alias peers' own tables, a VPN's policy table) */
	assert_false(route_watch_is_default(route(&m, RTM_NEWROUTE, AF_INET, 0, 100)));
	assert_false(route_watch_is_default(route(&m, RTM_NEWROUTE, AF_INET, 0, 1000)));
	assert_false(route_watch_is_default(route(&m, RTM_NEWROUTE, AF_INET6, 0, RT_TABLE_LOCAL)));
	/* not a route, or cut short */
	route(&m, RTM_NEWROUTE, AF_INET, 0, RT_TABLE_MAIN);
	m.h.nlmsg_type = RTM_NEWLINK;
	assert_false(route_watch_is_default(&m.h));
	route(&m, RTM_NEWROUTE, AF_INET, 0, RT_TABLE_MAIN);
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.rtm)) - 1;
	assert_false(route_watch_is_default(&m.h));
	route(&m, RTM_NEWROUTE, AF_UNIX, 0, RT_TABLE_MAIN);
	assert_false(route_watch_is_default(&m.h));
}

/* RTA_TABLE, when there, is the table (rtm_table says RT_TABLE_UNSPEC for one above 255). */
static void test_table_attribute_wins(void **state)
{
	struct msg m;

	(void)state;
	route(&m, RTM_NEWROUTE, AF_INET, 0, 1000);
	m.rtm.rtm_table = RT_TABLE_MAIN; /* a lie the attribute corrects */
	assert_false(route_watch_is_default(&m.h));
	/* no attribute: rtm_table */
	route(&m, RTM_NEWROUTE, AF_INET, 0, RT_TABLE_MAIN);
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.rtm));
	assert_true(route_watch_is_default(&m.h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_routes_of_main_table_count),
	    cmocka_unit_test(test_other_routes_do_not),
	    cmocka_unit_test(test_table_attribute_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

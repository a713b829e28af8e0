/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bridge mode over fake backends: a fault at each step rolls back to exactly the starting
 * state, down gives everything back, peers share a bridge, a user's bridge is never deleted,
 * and the uplinks that cannot be bridged (Wi-Fi among them: no mac80211_hwsim here, so the
 * backend reports it, and wireless_is_wifi() is checked on a fake sysfs tree) are refused
 * before any change.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bridge/bridge-state.h"
#include "core/ctx.h"
#include "fake-backends.h"
#include "core/state.h"
#include "netlink/wireless.h"

#define PEER "usbnettest0"
#define PEERX 7
#define PEER2 "usbnettest1"
#define PEER2X 8
#define ETHX 2

static char dir[64], run_dir[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* eth0 (up, 10.0.0.5/24 and 10.0.0.6/24, a default route and a static one), two peers. */
static void world(void)
{
	struct usbnet_backends be;

	fake_init(&f);
	fake_add_link(&f, "lo", 1, true);
	f.s.links[0].loopback = true;
	fake_add_link(&f, "eth0", ETHX, true);
	fake_add_link(&f, PEER, PEERX, false);
	fake_add_link(&f, PEER2, PEER2X, false);
	fake_add_addr(&f, ETHX, "10.0.0.5/24");
	fake_add_addr(&f, ETHX, "10.0.0.6/24");
	fake_add_full_route(&f, ETHX, "0.0.0.0/0", "10.0.0.1", 100);
	fake_add_full_route(&f, ETHX, "10.9.0.0/16", "10.0.0.1", 50);
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-bridge-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	assert_int_equal(usbnet_ctx_new("", run_dir, &ctx), 0);
	world();
	return 0;
}

static int teardown(void **state)
{
	ctx = usbnet_ctx_free(ctx);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct usbnet_up_opts bridge_opts(const char *uplink, const char *name)
{
	struct usbnet_up_opts o;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_BRIDGE;
	if (uplink)
		snprintf(o.uplink, sizeof(o.uplink), "%s", uplink);
	if (name)
		snprintf(o.bridge, sizeof(o.bridge), "%s", name);
	return o;
}

static int up(const char *ifname, const struct usbnet_up_opts *o)
{
	enum usbnet_up_result res;

	return usbnet_up(ctx, ifname, o, NULL, &res);
}

static bool no_records(void)
{
	char p[160];
	bool none;

	snprintf(p, sizeof(p), "%s/" PEER ".state", run_dir);
	none = access(p, F_OK) != 0;
	snprintf(p, sizeof(p), "%s/usbnet-br0.bridge", run_dir);
	return none && access(p, F_OK) != 0;
}

static void test_up_makes_the_bridge_moves_the_uplink_and_down_gives_it_back(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, NULL);
	struct fake_link *br, *eth;
	struct bridge_record *rec = calloc(1, sizeof(*rec));

	assert_int_equal(up(PEER, &o), 0);
	br = fake_link(&f, "usbnet-br0");
	eth = fake_link(&f, "eth0");
	assert_non_null(br);
	assert_string_equal(br->kind, "bridge");
	assert_memory_equal(br->mac, eth->mac, 6); /* the LAN keeps seeing the host's MAC */
	assert_int_equal(eth->master, br->ifindex);
	assert_int_equal(fake_link(&f, PEER)->master, br->ifindex);
	assert_true(fake_link_up(&f, PEERX));
	assert_false(fake_has_addr(&f, ETHX, "10.0.0.5/24"));
	assert_true(fake_has_addr(&f, br->ifindex, "10.0.0.5/24"));
	assert_true(fake_has_addr(&f, br->ifindex, "10.0.0.6/24"));
	for (size_t i = 0; i < f.s.n_full_routes; i++)
		assert_int_equal(f.s.full_routes[i].ifindex, br->ifindex);
	assert_int_equal(f.s.n_full_routes, 2);
	/* the peer gets no host address */
	for (size_t i = 0; i < f.s.n_addrs; i++)
		assert_int_not_equal(f.s.addrs[i].ifindex, PEERX);
	assert_int_equal(bridge_state_read(run_dir, "usbnet-br0", rec), 0);
	assert_int_equal(rec->n_users, 1);
	assert_string_equal(rec->uplink, "eth0");
	/* idempotent */
	fake_clear_log(&f);
	assert_int_equal(up(PEER, &o), 0);
	assert_int_equal(f.n_mutating, 0);

	assert_int_equal(usbnet_down(ctx, PEER), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("not as before:\n%s", fake_log_text(&f));
	assert_true(no_records());
	free(rec);
}

/* Fail the nth mutating call of up, for every n up completes with: everything goes back. */
static void test_a_fault_at_each_step_rolls_back_to_the_start(void **state)
{
	struct usbnet_up_opts o = bridge_opts("eth0", NULL);
	unsigned total;

	fake_clear_log(&f);
	assert_int_equal(up(PEER, &o), 0);
	total = f.n_mutating;
	assert_true(total >= 10); /* create, ports, 2 routes and 2 addresses each way, link */
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	for (unsigned n = 1; n <= total; n++) {
		int r;

		world();
		fake_fail(&f, "*", n, -EIO);
		r = up(PEER, &o);
		if (r != -EIO)
			fail_msg("fault at mutating call %u: up returned %d\n%s", n, r,
				 fake_log_text(&f));
		if (!fake_state_equal(&initial, &f.s))
			fail_msg("fault at mutating call %u: not rolled back\n%s", n,
				 fake_log_text(&f));
		if (!no_records())
			fail_msg("fault at mutating call %u: records left", n);
		assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back"));
	}
}

static void test_two_peers_share_the_bridge_until_the_last_leaves(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, NULL);
	int brx;

	assert_int_equal(up(PEER, &o), 0);
	brx = fake_link(&f, "usbnet-br0")->ifindex;
	/* the default route is the bridge's now: the second peer joins it */
	assert_int_equal(up(PEER2, &o), 0);
	assert_int_equal(fake_link(&f, PEER2)->master, brx);
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	assert_non_null(fake_link(&f, "usbnet-br0"));
	assert_int_equal(fake_link(&f, "eth0")->master, brx);
	assert_int_equal(fake_link(&f, PEER)->master, 0);
	assert_int_equal(usbnet_down(ctx, PEER2), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("not as before:\n%s", fake_log_text(&f));
}

static void test_a_vanished_peer_still_leaves_the_bridge(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, NULL);
	struct fake_link *p;

	assert_int_equal(up(PEER, &o), 0);
	/* unplugged: the kernel takes the interface (and its port) away */
	p = fake_link(&f, PEER);
	memmove(p, p + 1, (size_t)(&f.s.links[f.s.n_links] - (p + 1)) * sizeof(*p));
	f.s.n_links--;
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	assert_null(fake_link(&f, "usbnet-br0"));
	assert_int_equal(fake_link(&f, "eth0")->master, 0);
	assert_true(fake_has_addr(&f, ETHX, "10.0.0.5/24"));
	assert_true(no_records());
}

static void test_a_users_bridge_is_joined_and_never_deleted(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, "br-user");
	struct fake_state before;
	int brx;

	fake_add_link(&f, "br-user", 40, true);
	strcpy(fake_link(&f, "br-user")->kind, "bridge");
	brx = 40;
	fake_link(&f, "eth0")->master = brx;
	before = f.s;
	assert_int_equal(up(PEER, &o), 0);
	assert_int_equal(fake_link(&f, PEER)->master, brx);
	assert_int_equal(fake_log_find(&f, "br.bridge_add"), -1);
	assert_true(fake_has_addr(&f, ETHX, "10.0.0.5/24")); /* the user's layout: untouched */
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	assert_true(fake_state_equal(&before, &f.s));
	assert_non_null(fake_link(&f, "br-user"));
}

/* Refused with err, nothing called that changes anything, no record, the message says so. */
static void check_refused(const char *peer, struct usbnet_up_opts o, int err, const char *words)
{
	fake_clear_log(&f);
	assert_int_equal(up(peer, &o), err);
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_true(no_records());
	if (!strstr(usbnet_ctx_error(ctx), words) ||
	    !strstr(usbnet_ctx_error(ctx), "nothing was changed"))
		fail_msg("message: %s", usbnet_ctx_error(ctx));
}

static void test_uplinks_that_cannot_be_bridged_are_refused_before_any_change(void **state)
{
	check_refused(PEER, bridge_opts(PEER, NULL), -EINVAL, "cannot be the peer");
	check_refused(PEER, bridge_opts("nosuch0", NULL), -EINVAL, "no interface nosuch0");
	check_refused(PEER, bridge_opts("lo", NULL), -EINVAL, "loopback");
	check_refused(PEER, bridge_opts("eth0", "eth0"), -EINVAL, "not a bridge");

	fake_link(&f, "eth0")->wireless = true;
	initial = f.s;
	check_refused(PEER, bridge_opts(NULL, NULL), -EOPNOTSUPP, "up --gateway");
	fake_link(&f, "eth0")->wireless = false;

	fake_add_link(&f, "br-other", 41, true);
	strcpy(fake_link(&f, "br-other")->kind, "bridge");
	fake_link(&f, "eth0")->master = 41;
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", NULL), -EINVAL, "port of another bridge");
	fake_link(&f, "eth0")->master = 0;

	fake_link(&f, "eth0")->addr_lifetime = true;
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", NULL), -EOPNOTSUPP, "lifetime");
	fake_link(&f, "eth0")->addr_lifetime = false;

	fake_link(&f, "eth0")->v6_static = true;
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", NULL), -EOPNOTSUPP, "IPv6");
	fake_link(&f, "eth0")->v6_static = false;

	/* NetworkManager manages the uplink: refused, with what to do instead */
	fake_nm_device(&f, "eth0", true);
	initial = f.s;
	check_refused(
	    PEER, bridge_opts("eth0", NULL), -EOPNOTSUPP,
	    "nmcli connection add type ethernet slave-type bridge master usbnet-br0 ifname eth0");

	/* a bridge NetworkManager manages is not joined behind its back either */
	fake_add_link(&f, "br-nm", 42, true);
	strcpy(fake_link(&f, "br-nm")->kind, "bridge");
	f.s.n_nm_devices = 0;
	fake_nm_device(&f, "br-nm", true);
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", "br-nm"), -EOPNOTSUPP,
		      "NetworkManager manages the bridge br-nm");

	/* no default route and no --uplink */
	f.s.n_full_routes = 0;
	f.s.nm_running = false;
	initial = f.s;
	check_refused(PEER, bridge_opts(NULL, NULL), -EINVAL, "--uplink");
}

static void mkdir_p(const char *path)
{
	char p[256];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	assert_int_equal(mkdir(p, 0755), 0);
}

static void test_wifi_is_told_by_sysfs(void **state)
{
	char root[160], p[256];

	snprintf(root, sizeof(root), "%s/sys", dir);
	snprintf(p, sizeof(p), "%s/class/net/wlan0/phy80211", root); /* cfg80211 */
	mkdir_p(p);
	snprintf(p, sizeof(p), "%s/class/net/wext0/wireless", root); /* old wireless extensions */
	mkdir_p(p);
	snprintf(p, sizeof(p), "%s/class/net/eth0/device", root);
	mkdir_p(p);
	assert_true(wireless_is_wifi(root, "wlan0"));
	assert_true(wireless_is_wifi(root, "wext0"));
	assert_false(wireless_is_wifi(root, "eth0"));
	assert_false(wireless_is_wifi(root, "nosuch0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_up_makes_the_bridge_moves_the_uplink_and_down_gives_it_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_fault_at_each_step_rolls_back_to_the_start,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_peers_share_the_bridge_until_the_last_leaves,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_vanished_peer_still_leaves_the_bridge, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_users_bridge_is_joined_and_never_deleted, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_uplinks_that_cannot_be_bridged_are_refused_before_any_change, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wifi_is_told_by_sysfs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

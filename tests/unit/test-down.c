/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* down over fake backends: exact undo of what up recorded, and nothing else. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/ctx.h"
#include "fake-backends.h"
#include "core/journal.h"
#include "dns/dns-up.h"
#include "netlink/steps.h"
#include "nm/steps.h"
#include "bridge/bridge.h"
#include "updown/step-kinds.h"

#define IF "usbnettest0"
#define IFX 7

static char dir[64], run_dir[96], conf[96], record[160];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct usbnet_backends be;
	FILE *c;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-down-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	snprintf(record, sizeof(record), "%s/%s.state", run_dir, IF);
	snprintf(conf, sizeof(conf), "%s/usbnet-host.conf", dir);
	c = fopen(conf, "w");
	assert_non_null(c);
	fclose(c);
	assert_int_equal(usbnet_ctx_new(conf, run_dir, &ctx), 0);

	fake_init(&f);
	fake_add_link(&f, "eth0", 2, true);
	fake_add_link(&f, IF, IFX, false);
	fake_add_addr(&f, 2, "10.0.0.5/24");
	fake_add_addr(&f, IFX, "172.31.0.1/32"); /* the user's own */
	fake_nm_device(&f, "eth0", true);
	fake_nm_device(&f, IF, true);
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
	return 0;
}

static int teardown(void **state)
{
	ctx = usbnet_ctx_free(ctx);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* up with every step: NetworkManager, link, address, route */
static void up_all_steps(void)
{
	struct usbnet_up_opts o;
	struct usbnet_report rep;
	enum usbnet_up_result res;
	struct usbnet_ip4 peer;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.has_host = o.has_peer = true;
	assert_int_equal(usbnet_ip4_parse("169.254.0.8/16", true, &o.host), 0);
	assert_int_equal(usbnet_ip4_parse("192.168.9.1", false, &peer), 0);
	o.peer = peer.addr;
	assert_int_equal(usbnet_up(ctx, IF, &o, &rep, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_true(fake_has_route(&f, IFX, "192.168.9.1/32"));
	fake_clear_log(&f);
}

static void test_down_restores_the_initial_state_exactly(void **state)
{
	int route, addr, link, nm;

	up_all_steps();
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_int_equal(access(record, F_OK), -1);
	/* in reverse */
	route = fake_log_find(&f, "nl.route_del 7 192.168.9.1/32");
	addr = fake_log_find(&f, "nl.addr_del 7 169.254.0.8/16");
	link = fake_log_find(&f, "nl.link_set_up 7 0");
	nm = fake_log_find(&f, "nm.set_managed " IF " 1");
	assert_true(route >= 0 && route < addr && addr < link && link < nm);
	assert_int_equal(f.n_mutating, 4);
}

static void test_address_the_user_added_meanwhile_survives_down(void **state)
{
	up_all_steps();
	fake_add_addr(&f, IFX, "169.254.7.7/16");
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_has_addr(&f, IFX, "169.254.7.7/16"));
	assert_true(fake_has_addr(&f, IFX, "172.31.0.1/32"));
	assert_false(fake_has_addr(&f, IFX, "169.254.0.8/16"));
}

static void test_down_without_a_record_has_nothing_to_undo(void **state)
{
	assert_int_equal(usbnet_down(ctx, IF), 1);
	/* Issue 14: down looks the interface up first (to follow a renamed peer and to tell
	 * the recorded device from another); nothing else, and nothing changed. */
	assert_int_equal(f.n_mutating, 0);
	assert_int_equal(f.n_log, 1);
	assert_int_equal(fake_log_find(&f, "nl.link_get"), 0);
}

static void test_damaged_record_is_ebadmsg_and_nothing_is_undone(void **state)
{
	FILE *c;

	up_all_steps();
	c = fopen(record, "w");
	assert_non_null(c);
	fputs("usbnet-host-state 1\nifname " IF "\nifindex 7\n", c); /* truncated */
	fclose(c);
	assert_int_equal(usbnet_down(ctx, IF), -EBADMSG);
	assert_non_null(strstr(usbnet_ctx_error(ctx), record));
	assert_int_equal(f.n_mutating, 0);
	assert_int_equal(access(record, F_OK), 0); /* kept for the user to look at */
}

static void test_vanished_interface_only_loses_its_record(void **state)
{
	up_all_steps();
	f.s.n_links = 1; /* unplugged */
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_int_equal(f.n_mutating, 0);
	assert_int_equal(access(record, F_OK), -1);
}

static void test_replugged_interface_of_the_same_name_is_left_alone(void **state)
{
	up_all_steps();
	f.s.links[1].ifindex = 9;
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_int_equal(f.n_mutating, 0);
	assert_int_equal(access(record, F_OK), -1);
}

static void test_partial_undo_failure_keeps_the_rest_for_another_down(void **state)
{
	struct state_record rec;

	up_all_steps();
	fake_fail(&f, "nl.addr_del", 1, -EBUSY);
	assert_int_equal(usbnet_down(ctx, IF), -EBUSY);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "could not remove address 169.254.0.8/16"));
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_int_equal(rec.status.state, USBNET_STATE_FAILED);
	assert_int_equal(rec.n_steps, 3); /* the route is undone, the rest is not */
	assert_ptr_equal(rec.steps[2].kind, &step_addr);

	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_int_equal(access(record, F_OK), -1);
}

static void test_what_someone_else_removed_counts_as_undone(void **state)
{
	up_all_steps();
	/* the user removed our address and route by hand, and stopped NetworkManager */
	f.s.n_addrs = 2;
	f.s.n_routes = 0;
	f.s.nm_running = false;
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_false(fake_link_up(&f, IFX));
	assert_int_equal(access(record, F_OK), -1);
}

static void test_link_that_was_up_stays_up(void **state)
{
	f.s.links[1].up = true;
	initial = f.s;
	up_all_steps();
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_int_equal(fake_log_find(&f, "nl.link_set_up"), -1);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_state_list_names_recorded_interfaces(void **state)
{
	char **names = NULL;

	assert_int_equal(usbnet_state_list(ctx, &names), 0);
	assert_null(names[0]);
	usbnet_strv_free(names);
	up_all_steps();
	assert_int_equal(usbnet_state_list(ctx, &names), 0);
	assert_string_equal(names[0], IF);
	assert_null(names[1]);
	usbnet_strv_free(names);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_down_restores_the_initial_state_exactly),
		T(test_address_the_user_added_meanwhile_survives_down),
		T(test_down_without_a_record_has_nothing_to_undo),
		T(test_damaged_record_is_ebadmsg_and_nothing_is_undone),
		T(test_vanished_interface_only_loses_its_record),
		T(test_replugged_interface_of_the_same_name_is_left_alone),
		T(test_partial_undo_failure_keeps_the_rest_for_another_down),
		T(test_what_someone_else_removed_counts_as_undone),
		T(test_link_that_was_up_stays_up),
		T(test_state_list_names_recorded_interfaces),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

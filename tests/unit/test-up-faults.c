/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * up when the world changes under it (test-up.c covers an error from each call): NetworkManager
 * stopping between asking and acting, or during the rollback; the interface unplugged between
 * validation and each step; ENOMEM from netlink at validation and at each step. Each time:
 * rolled back (or carried on, where that is right), a message that names what failed, and no
 * residue: the fake world as before (less what went away by itself) and no state record.
 */
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

static char dir[64], run_dir[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

/* A peer outside the host's subnet: every step (NM, link, address, route) is taken. */
static const char *HOST = "169.254.0.8/16", *PEER = "192.168.9.1";

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct usbnet_backends be;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-faults-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	assert_int_equal(usbnet_ctx_new("", run_dir, &ctx), 0);
	fake_init(&f);
	fake_add_link(&f, "eth0", 2, true);
	fake_add_link(&f, IF, IFX, false);
	fake_add_addr(&f, 2, "10.0.0.5/24");
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

static int up(void)
{
	struct usbnet_up_opts o;
	struct usbnet_report rep;
	struct usbnet_ip4 p;
	enum usbnet_up_result res;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 3;
	assert_int_equal(usbnet_ip4_parse(HOST, true, &o.host), 0);
	o.has_host = true;
	assert_int_equal(usbnet_ip4_parse(PEER, false, &p), 0);
	o.peer = p.addr;
	o.has_peer = true;
	return usbnet_up(ctx, IF, &o, &rep, &res);
}

static bool record_exists(void)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s.state", run_dir, IF);
	return access(path, F_OK) == 0;
}

static void expect_message(const char *what)
{
	if (!strstr(usbnet_ctx_error(ctx), what))
		print_error("message: '%s'\nlacks: '%s'\n", usbnet_ctx_error(ctx), what);
	assert_non_null(strstr(usbnet_ctx_error(ctx), what));
}

static void expect_world(const struct fake_state *want)
{
	if (!fake_state_equal(want, &f.s))
		print_error("calls:\n%s\n", fake_log_text(&f));
	assert_true(fake_state_equal(want, &f.s));
}

/* NetworkManager answers "managed", then stops before it is told to let go: it manages
 * nothing any more, so there is nothing to take from it. up carries on as it does when
 * NetworkManager is not running, and records no NetworkManager step (down has nothing to give
 * back). */
static void test_networkmanager_stopping_before_it_lets_go_is_not_running(void **state)
{
	struct fake_state want = initial;
	struct state_record rec;

	fake_nm_stop_at(&f, "nm.set_managed", 1);
	assert_int_equal(up(), 0);
	assert_true(fake_has_addr(&f, IFX, HOST));
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_int_equal(rec.status.state, USBNET_STATE_CONFIGURED);
	for (size_t i = 0; i < rec.n_steps; i++)
		assert_ptr_not_equal(rec.steps[i].kind, &step_nm_unmanaged);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	fake_state_nm_stop(&want);
	expect_world(&want);
	assert_false(record_exists());
}

/* The D-Bus connection breaks as up tells NetworkManager to let go (an error other than "not
 * running"): rolled back, and the message says NetworkManager did not let go, and why. */
static void test_networkmanager_failing_to_let_go_rolls_back_saying_so(void **state)
{
	fake_fail(&f, "nm.set_managed", 1, -ECONNRESET);
	assert_int_equal(up(), -ECONNRESET);
	expect_message("could not take " IF " from NetworkManager");
	expect_message("rolled back: nothing had been changed");
	expect_world(&initial);
	assert_false(record_exists());
}

/* NetworkManager stops after it let go, and a later step fails: the rollback cannot give the
 * device back to a NetworkManager that is gone (and need not: it forgot its flags), and says
 * what it undid; nothing of ours is left. */
static void test_networkmanager_stopping_mid_up_then_a_failure_leaves_nothing(void **state)
{
	struct fake_state want = initial;

	fake_nm_stop_at(&f, "nl.addr_add", 1);
	fake_fail(&f, "nl.addr_add", 1, -ENOMEM);
	assert_int_equal(up(), -ENOMEM);
	expect_message("could not add address 169.254.0.8/16 to " IF ": Cannot allocate memory");
	expect_message("rolled back: " IF " is down again");
	fake_state_nm_stop(&want);
	expect_world(&want);
	assert_false(record_exists());
}

/* The interface is unplugged after validation, before each step in turn: up fails with
 * -ENODEV (exit status 3), says the interface went away, and leaves nothing: the rest of the
 * world as before, no record (the record's interface is gone). */
static void test_interface_vanishing_before_each_step_leaves_no_residue(void **state)
{
	static const char *const ops[] = { "nm.set_managed", "nl.link_set_up", "nl.addr_add",
					   "nl.route_add", "reach.probe" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct fake_state want;
		int r;

		teardown(state);
		setup(state);
		want = initial;
		fake_state_unplug(&want, IF);
		fake_vanish_at(&f, ops[i], 1, IF);
		r = up();
		if (strcmp(ops[i], "reach.probe") == 0) {
			/* Configured, then gone: what is left is a record for the watcher or
			 * list to prune; nothing of ours is on any interface. */
			expect_world(&want);
			continue;
		}
		if (r != -ENODEV)
			print_error("%s: up returned %d: %s\n", ops[i], r, usbnet_ctx_error(ctx));
		assert_int_equal(r, -ENODEV);
		expect_message(IF " disappeared");
		expect_world(&want);
		assert_false(record_exists());
	}
}

/* ENOMEM from netlink while up still validates (listing addresses, finding the link):
 * nothing changed, no record, and the message names the call that failed. */
static void test_enomem_at_validation_changes_nothing_and_says_what(void **state)
{
	static const struct {
		const char *op, *words;
	} cases[] = {
		{ "nl.link_get", IF },
		{ "nl.addr_list", "Cannot allocate memory" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		teardown(state);
		setup(state);
		fake_fail(&f, cases[i].op, 1, -ENOMEM);
		r = up();
		assert_int_equal(r, -ENOMEM);
		expect_message(cases[i].words);
		assert_int_equal(f.n_mutating, 0);
		expect_world(&initial);
		assert_false(record_exists());
	}
}

/* ENOMEM from each netlink change: the message names the step and the error, and what was
 * rolled back. */
static void test_enomem_at_each_netlink_step_names_it(void **state)
{
	static const struct {
		const char *op, *words;
	} cases[] = {
		{ "nl.link_set_up", "could not set " IF " up: Cannot allocate memory" },
		{ "nl.addr_add", "could not add address 169.254.0.8/16 to " IF
				 ": Cannot allocate memory" },
		{ "nl.route_add", "Cannot allocate memory" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		teardown(state);
		setup(state);
		fake_fail(&f, cases[i].op, 1, -ENOMEM);
		assert_int_equal(up(), -ENOMEM);
		expect_message(cases[i].words);
		expect_message("rolled back: ");
		expect_message("NetworkManager manages " IF " again");
		expect_world(&initial);
		assert_false(record_exists());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_networkmanager_stopping_before_it_lets_go_is_not_running),
		T(test_networkmanager_failing_to_let_go_rolls_back_saying_so),
		T(test_networkmanager_stopping_mid_up_then_a_failure_leaves_nothing),
		T(test_interface_vanishing_before_each_step_leaves_no_residue),
		T(test_enomem_at_validation_changes_nothing_and_says_what),
		T(test_enomem_at_each_netlink_step_names_it),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

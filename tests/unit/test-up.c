/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * up over fake backends: the order of the steps, write-ahead records, idempotence, rollback
 * at every step, validation that changes nothing. The interface is named with --force and
 * explicit addresses, so the tests mean the same whatever discovery finds on the test host.
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

static char dir[64], run_dir[96], conf[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* eth0 (up, 10.0.0.5/24, managed) and the peer's link IF (down, managed by NetworkManager). */
static void world(void)
{
	struct usbnet_backends be;

	fake_init(&f);
	fake_add_link(&f, "eth0", 2, true);
	fake_add_link(&f, IF, IFX, false);
	fake_add_addr(&f, 2, "10.0.0.5/24");
	fake_nm_device(&f, "eth0", true);
	fake_nm_device(&f, IF, true);
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
}

static int setup(void **state)
{
	FILE *c;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-up-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir); /* up creates it */
	snprintf(conf, sizeof(conf), "%s/usbnet-host.conf", dir);
	c = fopen(conf, "w");
	assert_non_null(c);
	fclose(c);
	assert_int_equal(usbnet_ctx_new(conf, run_dir, &ctx), 0);
	world();
	return 0;
}

static int teardown(void **state)
{
	ctx = usbnet_ctx_free(ctx);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct usbnet_up_opts opts(const char *host, const char *peer, int wait)
{
	struct usbnet_up_opts o;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = wait;
	if (host) {
		assert_int_equal(usbnet_ip4_parse(host, true, &o.host), 0);
		o.has_host = true;
	}
	if (peer) {
		struct usbnet_ip4 p;

		assert_int_equal(usbnet_ip4_parse(peer, false, &p), 0);
		o.peer = p.addr;
		o.has_peer = true;
	}
	return o;
}

static bool record_exists(void)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s.state", run_dir, IF);
	return access(path, F_OK) == 0;
}

static int up(const struct usbnet_up_opts *o, enum usbnet_up_result *res)
{
	struct usbnet_report rep;

	return usbnet_up(ctx, IF, o, &rep, res);
}

/* A peer outside the host's subnet needs every step: NM, link, address, route. */
static const char *HOST = "169.254.0.8/16", *PEER = "192.168.9.1";

static void test_up_steps_run_in_order_nm_link_addr_route(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 3);
	enum usbnet_up_result res;
	struct state_record rec;
	int nm, link, addr, route;

	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);

	nm = fake_log_find(&f, "nm.set_managed " IF " 0");
	link = fake_log_find(&f, "nl.link_set_up 7 1");
	addr = fake_log_find(&f, "nl.addr_add 7 169.254.0.8/16");
	route = fake_log_find(&f, "nl.route_add 7 192.168.9.1/32");
	assert_true(nm >= 0 && nm < link && link < addr && addr < route);
	assert_true(fake_log_find(&f, "reach.probe 7 192.168.9.1 3000") > route);

	assert_int_equal(fake_nm_managed(&f, IF), 0);
	assert_true(fake_link_up(&f, IFX));
	assert_true(fake_has_addr(&f, IFX, HOST));
	assert_true(fake_has_route(&f, IFX, "192.168.9.1/32"));

	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_int_equal(rec.ifindex, IFX);
	assert_int_equal(rec.status.state, USBNET_STATE_CONFIGURED);
	assert_int_equal(rec.status.rtt_us, 420);
	assert_int_equal(rec.n_steps, 4);
	assert_ptr_equal(rec.steps[0].kind, &step_nm_unmanaged);
	assert_ptr_equal(rec.steps[1].kind, &step_link_up);
	assert_ptr_equal(rec.steps[2].kind, &step_addr);
	assert_ptr_equal(rec.steps[3].kind, &step_route);
}

/* --ipv6 off: IPv6 disabled before the link goes up (not one IPv6 frame leaves), recorded with
 * the value from before, which down gives back. */
static void test_ipv6_off_comes_before_link_up_and_down_gives_it_back(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 0);
	enum usbnet_up_result res;
	struct state_record rec;
	int v6, link;

	o.ipv6 = 0;
	assert_int_equal(up(&o, &res), 0);
	v6 = fake_log_find(&f, "nl.sysctl_set " IF " ipv6 disable_ipv6 1");
	link = fake_log_find(&f, "nl.link_set_up 7 1");
	assert_true(v6 >= 0 && v6 < link);
	assert_int_equal(fake_link(&f, IF)->disable_ipv6, 1);
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_ptr_equal(rec.steps[1].kind, &step_link_sysctl);
	assert_ptr_equal(rec.steps[2].kind, &step_link_up);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

/* A kernel without IPv6 sends none: nothing to turn off, nothing recorded. */
static void test_ipv6_off_without_ipv6_in_the_kernel_records_nothing(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 0);
	enum usbnet_up_result res;
	struct state_record rec;

	f.no_ipv6 = true;
	o.ipv6 = 0;
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_int_equal(fake_log_find(&f, "nl.sysctl_set"), -1);
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_null(journal_find(&rec, &step_link_sysctl, NULL));
}

/* Every fault on the way rolls back everything, the sysctl included. */
static void test_ipv6_off_fault_at_every_call_rolls_back_everything(void **state)
{
	for (unsigned n = 1; n <= 40; n++) {
		struct usbnet_up_opts o = opts(HOST, PEER, 0);
		enum usbnet_up_result res;
		int r;

		journal_remove(ctx, IF);
		world();
		o.ipv6 = 0;
		fake_fail(&f, "*", n, -EIO);
		r = up(&o, &res);
		if (r == 0) {
			assert_true(n > 4); /* nm, sysctl, link, addr, route: each failed first */
			f.n_faults = 0;
			assert_int_equal(usbnet_down(ctx, IF), 0);
			assert_true(fake_state_equal(&initial, &f.s));
			return;
		}
		if (!fake_state_equal(&initial, &f.s))
			print_error("fault at mutating call %u:\n%s", n, fake_log_text(&f));
		assert_true(fake_state_equal(&initial, &f.s));
	}
	fail();
}

static void test_second_up_is_unchanged_and_changes_nothing(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 3);
	enum usbnet_up_result res;
	struct fake_state after_first;

	assert_int_equal(up(&o, &res), 0);
	after_first = f.s;
	fake_clear_log(&f);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_int_equal(f.n_mutating, 0);
	assert_int_equal(fake_log_find(&f, "reach.probe"), -1);
	assert_true(fake_state_equal(&after_first, &f.s));
}

static void test_up_again_after_networkmanager_took_the_device_back(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 0);
	enum usbnet_up_result res;
	struct state_record rec;

	assert_int_equal(up(&o, &res), 0);
	f.s.nm_devices[1].managed = true; /* NetworkManager restarted */
	fake_clear_log(&f);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_int_equal(fake_nm_managed(&f, IF), 0);
	/* NetworkManager again; the address and the link are in place; the recorded route is
	 * added again in case it went (the kernel says it is there) */
	assert_int_equal(fake_log_find(&f, "nl.addr_add"), -1);
	assert_int_equal(fake_log_find(&f, "nl.link_set_up"), -1);
	assert_true(fake_has_route(&f, IFX, "192.168.9.1/32"));
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_int_equal(rec.n_steps, 4); /* the step is not recorded twice */
}

static void check_rolled_back(int r, int err)
{
	assert_int_equal(r, err);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(record_exists());
	assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back: "));
}

static void test_fault_at_every_mutating_call_rolls_back_everything(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 3);
	enum usbnet_up_result res;

	for (unsigned n = 1; n <= 4; n++) {
		world();
		fake_fail(&f, "*", n, -EPERM);
		check_rolled_back(up(&o, &res), -EPERM);
		/* Nothing is undone that was not done: n - 1 changes, n - 1 undos. */
		assert_int_equal(f.n_mutating, 2 * (n - 1) + 1);
	}
}

static void test_fault_in_each_op_rolls_back_everything(void **state)
{
	static const struct {
		const char *op;
		unsigned nth;
	} faults[] = {
		{ "nm.get_managed", 1 }, { "nm.set_managed", 1 }, { "nl.link_set_up", 1 },
		/* the first is validation's: the addr step's own list fails the step */
		{ "nl.addr_list", 2 },
		{ "nl.addr_add", 1 },	 { "nl.route_add", 1 },
	};
	struct usbnet_up_opts o = opts(HOST, PEER, 3);
	enum usbnet_up_result res;

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		world();
		fake_fail(&f, faults[i].op, faults[i].nth, -ENOMEM);
		check_rolled_back(up(&o, &res), -ENOMEM);
	}
}

static void test_rollback_message_says_what_failed_and_what_was_undone(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 3);
	enum usbnet_up_result res;
	const char *msg;

	fake_fail(&f, "nl.addr_add", 1, -EACCES);
	check_rolled_back(up(&o, &res), -EACCES);
	msg = usbnet_ctx_error(ctx);
	assert_non_null(strstr(msg, "could not add address 169.254.0.8/16 to " IF
				    ": Permission denied; rolled back: "));
	assert_non_null(strstr(msg, IF " is down again"));
	assert_non_null(strstr(msg, "NetworkManager manages " IF " again"));
	/* in reverse: the link before NetworkManager */
	assert_true(strstr(msg, "is down again") < strstr(msg, "NetworkManager manages"));
}

static void test_failed_rollback_keeps_what_is_left_in_the_record(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 3);
	enum usbnet_up_result res;
	struct state_record rec;

	fake_fail(&f, "nl.route_add", 1, -ENOMEM);
	fake_fail(&f, "nl.link_set_up", 2, -EIO); /* setting it down again fails */
	assert_int_equal(up(&o, &res), -ENOMEM);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "could not set " IF " down again"));
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_int_equal(rec.status.state, USBNET_STATE_FAILED);
	assert_int_equal(rec.n_steps, 2);
	assert_ptr_equal(rec.steps[0].kind, &step_nm_unmanaged);
	assert_ptr_equal(rec.steps[1].kind, &step_link_up);
	assert_false(fake_has_addr(&f, IFX, HOST));

	/* down finishes the job */
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(record_exists());
}

static void test_up_without_networkmanager_is_fine(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 3);
	enum usbnet_up_result res;
	struct state_record rec;

	f.s.nm_running = false;
	initial = f.s;
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_int_equal(fake_log_find(&f, "nm.set_managed"), -1);
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_int_equal(rec.n_steps, 3);
	assert_ptr_equal(rec.steps[0].kind, &step_link_up);
}

static void test_up_on_a_device_networkmanager_does_not_manage_records_no_nm_step(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 0);
	enum usbnet_up_result res;

	f.s.nm_devices[1].managed = false;
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(fake_log_find(&f, "nm.set_managed"), -1);
}

static void test_peer_that_does_not_answer_is_degraded_not_rolled_back(void **state)
{
	struct usbnet_up_opts o = opts("192.168.2.14/24", "192.168.2.15", 3);
	struct usbnet_report rep;
	enum usbnet_up_result res;
	struct usbnet_status st;

	f.probe_err = -ETIMEDOUT;
	assert_int_equal(usbnet_up(ctx, IF, &o, &rep, &res), 0);
	assert_int_equal(res, USBNET_UP_DEGRADED);
	assert_string_equal(rep.status.message, "peer 192.168.2.15 did not answer within 3 s");
	assert_true(fake_has_addr(&f, IFX, "192.168.2.14/24"));
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_int_equal(st.state, USBNET_STATE_DEGRADED);
	assert_int_equal(st.rtt_us, -1);
}

/* The watcher's second look (opts.recheck, issue 20): a degraded peer that answers now becomes
 * configured in place, its steps untouched; one that still does not answer stays degraded. */
static void test_recheck_of_a_degraded_peer_checks_it_again_in_place(void **state)
{
	struct usbnet_up_opts o = opts("192.168.2.14/24", "192.168.2.15", 3);
	struct fake_state degraded;
	enum usbnet_up_result res;
	struct usbnet_status st;

	f.probe_err = -ETIMEDOUT;
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_DEGRADED);
	degraded = f.s;

	o.recheck = true;
	fake_clear_log(&f);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_DEGRADED); /* still silent */
	assert_true(fake_log_find(&f, "reach.probe") >= 0);
	assert_int_equal(f.n_mutating, 0);

	f.probe_err = 0;
	fake_clear_log(&f);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&degraded, &f.s));
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_int_equal(st.state, USBNET_STATE_CONFIGURED);
	assert_string_equal(st.message, "");

	/* Configured: a recheck leaves it, without a probe. */
	fake_clear_log(&f);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_int_equal(fake_log_find(&f, "reach.probe"), -1);
}

/* A recheck of an interface with no record of it makes nothing. */
static void test_recheck_without_a_record_does_nothing(void **state)
{
	struct usbnet_up_opts o = opts("192.168.2.14/24", "192.168.2.15", 3);
	enum usbnet_up_result res;

	o.recheck = true;
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_NOTHING);
	assert_int_equal(f.n_mutating, 0);
	assert_false(record_exists());
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_peer_in_the_host_subnet_gets_no_route(void **state)
{
	struct usbnet_up_opts o = opts("192.168.2.14/24", "192.168.2.15", 0);
	enum usbnet_up_result res;

	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(fake_log_find(&f, "nl.route_add"), -1);
	assert_int_equal(fake_log_find(&f, "reach.probe"), -1); /* --wait 0 */
}

static void test_address_already_there_is_not_recorded_as_ours(void **state)
{
	struct usbnet_up_opts o = opts(HOST, NULL, 0);
	enum usbnet_up_result res;
	struct state_record rec;

	fake_add_addr(&f, IFX, HOST);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(fake_log_find(&f, "nl.addr_add"), -1);
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	for (size_t i = 0; i < rec.n_steps; i++)
		assert_ptr_not_equal(rec.steps[i].kind, &step_addr);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_has_addr(&f, IFX, HOST));
}

static void test_address_that_appears_meanwhile_eexist_is_not_recorded(void **state)
{
	struct usbnet_up_opts o = opts(HOST, NULL, 0);
	enum usbnet_up_result res;
	struct state_record rec;

	fake_fail(&f, "nl.addr_add", 1, -EEXIST);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	for (size_t i = 0; i < rec.n_steps; i++)
		assert_ptr_not_equal(rec.steps[i].kind, &step_addr);
}

static void test_record_of_a_replugged_interface_is_stale(void **state)
{
	struct usbnet_up_opts o = opts(HOST, NULL, 0);
	enum usbnet_up_result res;
	struct state_record rec;

	assert_int_equal(up(&o, &res), 0);
	/* unplug and plug: a new index, the old addresses gone with the old interface */
	world();
	f.s.links[1].ifindex = 9;
	fake_clear_log(&f);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_true(fake_has_addr(&f, 9, HOST));
	assert_int_equal(fake_log_find(&f, "nl.addr_del"), -1); /* nothing undone on the new one */
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_int_equal(rec.ifindex, 9);
}

static void test_another_address_replaces_the_recorded_one(void **state)
{
	struct usbnet_up_opts a = opts(HOST, NULL, 0), b = opts("192.168.2.14/24", NULL, 0);
	enum usbnet_up_result res;

	assert_int_equal(up(&a, &res), 0);
	assert_int_equal(up(&b, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_false(fake_has_addr(&f, IFX, HOST));
	assert_true(fake_has_addr(&f, IFX, "192.168.2.14/24"));
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void check_refused(const struct usbnet_up_opts *o, int err, const char *words)
{
	enum usbnet_up_result res;
	int r = up(o, &res);

	if (r != err)
		print_error("up: %d %s\n", r, usbnet_ctx_error(ctx));
	assert_int_equal(r, err);
	if (words && !strstr(usbnet_ctx_error(ctx), words))
		print_error("message: %s\n", usbnet_ctx_error(ctx));
	assert_true(!words || strstr(usbnet_ctx_error(ctx), words));
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(record_exists());
}

static void test_validation_errors_change_nothing(void **state)
{
	struct usbnet_up_opts o;

	o = opts("192.168.2.15/24", "192.168.2.15", 0);
	check_refused(&o, -EINVAL, "cannot both be 192.168.2.15");
	o = opts("192.168.2.0/24", NULL, 0);
	check_refused(&o, -EINVAL, "network address");
	o = opts("192.168.2.255/24", NULL, 0);
	check_refused(&o, -EINVAL, "broadcast address");
	o = opts("192.168.2.14/24", "192.168.2.255", 0);
	check_refused(&o, -EINVAL, "broadcast");
	o = opts("127.0.0.2/8", NULL, 0);
	check_refused(&o, -EINVAL, NULL);
	o = opts("224.0.0.1/24", NULL, 0);
	check_refused(&o, -EINVAL, NULL);
	o = opts("10.0.0.0/0", NULL, 0);
	check_refused(&o, -EINVAL, NULL);
	o = opts("192.168.2.14/24", "0.0.0.0", 0);
	check_refused(&o, -EINVAL, NULL);
	/* static with no address at all */
	o = opts(NULL, NULL, 0);
	o.mode = USBNET_MODE_STATIC;
	check_refused(&o, -EINVAL, "--address");
}

static void test_subnet_of_another_interface_is_eaddrinuse_naming_it(void **state)
{
	struct usbnet_up_opts o = opts("10.0.0.9/24", NULL, 0);

	check_refused(&o, -EADDRINUSE, "clashes with 10.0.0.5/24 on eth0");
	o = opts("10.0.0.9/16", NULL, 0); /* a wider subnet that holds eth0's */
	check_refused(&o, -EADDRINUSE, "eth0");
}

static void test_interface_that_is_not_a_peer_needs_force(void **state)
{
	struct usbnet_up_opts o = opts(HOST, NULL, 0);

	o.force = false;
	check_refused(&o, -EMEDIUMTYPE, "--force");
}

static void test_missing_interface_is_enodev(void **state)
{
	struct usbnet_up_opts o = opts(HOST, NULL, 0);
	struct usbnet_report rep;
	enum usbnet_up_result res;

	assert_int_equal(usbnet_up(ctx, "usbnettest9", &o, &rep, &res), -ENODEV);
	assert_int_equal(f.n_mutating, 0);
}

static void test_no_plan_and_no_address_is_nothing_to_do(void **state)
{
	struct usbnet_up_opts o = opts(NULL, NULL, 0);
	enum usbnet_up_result res;

	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_NOTHING);
	assert_int_equal(f.n_mutating, 0);
	assert_false(record_exists());
}

static void test_unwritable_run_dir_changes_nothing(void **state)
{
	struct usbnet_up_opts o = opts(HOST, PEER, 0);
	enum usbnet_up_result res;
	FILE *c;

	/* A file where the run directory should be: fails even for root. */
	c = fopen(run_dir, "w");
	assert_non_null(c);
	fclose(c);
	assert_true(up(&o, &res) < 0);
	assert_non_null(strstr(usbnet_ctx_error(ctx), run_dir));
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	unlink(run_dir);
}

/* A DHCP-serving peer stays with NetworkManager, under a profile of ours that distrusts it. */
static struct usbnet_up_opts dhcp_opts(void)
{
	struct usbnet_up_opts o = opts(NULL, NULL, 0);

	o.mode = USBNET_MODE_DHCP;
	return o;
}

static void test_dhcp_peer_gets_an_untrusted_networkmanager_profile(void **state)
{
	struct usbnet_up_opts o = dhcp_opts();
	struct fake_state before = f.s;
	enum usbnet_up_result res;

	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_int_equal(f.s.n_nm_profiles, 1);
	assert_non_null(strstr(f.s.nm_profiles[0], " " IF " untrusted"));
	/* nothing else: no address, no managed flag, no route */
	assert_int_equal(f.s.n_addrs, before.n_addrs);
	assert_int_equal(f.s.n_routes, before.n_routes);
	assert_true(record_exists());

	fake_clear_log(&f);
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_int_equal(f.n_mutating, 0);

	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&before, &f.s));
	assert_false(record_exists());
}

static void test_dhcp_peer_without_networkmanager_is_nothing_to_do(void **state)
{
	struct usbnet_up_opts o = dhcp_opts();
	struct fake_state before;
	enum usbnet_up_result res;

	f.s.nm_running = false;
	before = f.s;
	assert_int_equal(up(&o, &res), 0);
	assert_int_equal(res, USBNET_UP_NOTHING);
	assert_true(fake_state_equal(&before, &f.s));
	assert_false(record_exists());
}

static void test_dhcp_profile_refused_leaves_nothing(void **state)
{
	struct usbnet_up_opts o = dhcp_opts();
	struct fake_state before = f.s;
	enum usbnet_up_result res;

	fake_fail(&f, "nm.dhcp_profile_add", 1, -EPERM);
	assert_int_equal(up(&o, &res), -EPERM);
	assert_true(fake_state_equal(&before, &f.s));
	assert_false(record_exists());
	assert_non_null(strstr(usbnet_ctx_error(ctx), "NetworkManager did not take"));
}

static void test_ret_params_untouched_on_failure(void **state)
{
	struct usbnet_up_opts o = opts("10.0.0.9/24", NULL, 0);
	struct usbnet_report rep;
	enum usbnet_up_result res = (enum usbnet_up_result)77;

	memset(&rep, 0x5a, sizeof(rep));
	assert_int_equal(usbnet_up(ctx, IF, &o, &rep, &res), -EADDRINUSE);
	assert_int_equal(res, 77);
	assert_int_equal(((unsigned char *)&rep)[0], 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_up_steps_run_in_order_nm_link_addr_route),
		T(test_ipv6_off_comes_before_link_up_and_down_gives_it_back),
		T(test_ipv6_off_without_ipv6_in_the_kernel_records_nothing),
		T(test_ipv6_off_fault_at_every_call_rolls_back_everything),
		T(test_second_up_is_unchanged_and_changes_nothing),
		T(test_up_again_after_networkmanager_took_the_device_back),
		T(test_fault_at_every_mutating_call_rolls_back_everything),
		T(test_fault_in_each_op_rolls_back_everything),
		T(test_rollback_message_says_what_failed_and_what_was_undone),
		T(test_failed_rollback_keeps_what_is_left_in_the_record),
		T(test_up_without_networkmanager_is_fine),
		T(test_up_on_a_device_networkmanager_does_not_manage_records_no_nm_step),
		T(test_peer_that_does_not_answer_is_degraded_not_rolled_back),
		T(test_recheck_of_a_degraded_peer_checks_it_again_in_place),
		T(test_recheck_without_a_record_does_nothing),
		T(test_peer_in_the_host_subnet_gets_no_route),
		T(test_address_already_there_is_not_recorded_as_ours),
		T(test_address_that_appears_meanwhile_eexist_is_not_recorded),
		T(test_record_of_a_replugged_interface_is_stale),
		T(test_another_address_replaces_the_recorded_one),
		T(test_validation_errors_change_nothing),
		T(test_subnet_of_another_interface_is_eaddrinuse_naming_it),
		T(test_interface_that_is_not_a_peer_needs_force),
		T(test_dhcp_peer_gets_an_untrusted_networkmanager_profile),
		T(test_dhcp_peer_without_networkmanager_is_nothing_to_do),
		T(test_dhcp_profile_refused_leaves_nothing),
		T(test_missing_interface_is_enodev),
		T(test_no_plan_and_no_address_is_nothing_to_do),
		T(test_unwritable_run_dir_changes_nothing),
		T(test_ret_params_untouched_on_failure),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

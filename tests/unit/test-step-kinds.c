/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every step kind of the registry (lib/updown/step-kinds.c), over fake backends:
 * - a record with one step of it reads back to the same bytes, done and pending;
 * - journal_apply() failing at any backend call leaves nothing of the step recorded and the
 *   host as it was; once it succeeds, journal_undo() brings the host back to the start;
 * - the undo of a pending step that was never made is 0;
 * - with link_ours false, the undo walk leaves the link's kinds alone and undoes the host's.
 * A kind missing from the table below fails the test: a new kind cannot come untested.
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
#include "core/journal.h"
#include "fake-backends.h"
#include "bridge/bridge.h"
#include "updown/step-kinds.h"

/* What apply needs beyond the record line: bridge-join's uplink to move into the bridge. */
static void join_eth0(void *data)
{
	snprintf(((struct bridge_join_data *)data)->uplink, USBNET_IFNAMSIZ, "eth0");
}

#define IF "usbnettest0"
#define IFX 7

/* A realistic value of each kind's data, as its record line's arguments (NULL: none). */
static const struct {
	const char *kind;
	const char *args;
	void (*complete)(void *data); /* for apply: what the line does not hold */
} values[] = {
	{ "nm-unmanaged", NULL, NULL },
	{ "nm-profile", "0f0e0d0c-0b0a-4908-8706-050403020100", NULL },
	{ "link-sysctl", "ipv6 disable_ipv6 1 0", NULL },
	{ "link-up", NULL, NULL },
	{ "addr", "192.168.2.14/24", NULL },
	{ "route", "192.168.9.1/32", NULL },
	{ "route-metric", "10.12.194.0/28 7", NULL },
	{ "altname", "n900-snn900b", NULL },
	{ "nft", "eth0 192.168.2.0/24 fixed", NULL },
	{ "forwarding", NULL, NULL },
	{ "nft-dns", "192.168.2.14", NULL },
	{ "dnsmasq", "-", NULL },
	{ "dhcp-server", "4242 987654321 192.168.2.14/24 192.168.2.15 router=yes dns=no", NULL },
	{ "bridge-join", "usbnet-br0", join_eth0 },
	{ "bridge-port", "usbnet-br0", NULL },
	{ "rpfilter", "0", NULL },
	{ "addr-noprefix", "192.168.2.14/24", NULL },
	{ "table-route", "192.168.2.0/24 192.168.2.14 18001", NULL },
	{ "rule", "18000 18001 fwmark 0x75530001", NULL },
	{ "alias-nat", "usbnettest0 10.189.0.1 192.168.2.15 192.168.2.14 0x75530001", NULL },
	{ "addr6", "fd12:3456:789a::1/64", NULL },
	{ "accept-ra", "eth0 2 1", NULL },
	{ "nft6", "eth0 fd12:3456:789a::/64 nat", NULL },
	{ "forwarding6", NULL, NULL },
	{ "ra", "- fd12:3456:789a::/64 fd12:3456:789a::1 192.168.2.14 dns=no", NULL },
	{ "nft6-dns", "fd12:3456:789a::1", NULL },
};

static char dir[64], run_dir[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* eth0 (up, the default route's, 10.0.0.5/24) and the peer's link IF (down), both managed by
 * NetworkManager; IP forwarding off. */
static const struct step_kind *world_kind; /* bridge-port: its bridge is there */

static void world(void)
{
	struct usbnet_backends be;

	fake_init(&f);
	if (world_kind && strcmp(world_kind->name, "bridge-port") == 0) {
		fake_add_link(&f, "usbnet-br0", 20, true);
		snprintf(fake_link(&f, "usbnet-br0")->kind, 16, "bridge");
	}
	fake_add_link(&f, "eth0", 2, true);
	fake_add_link(&f, IF, IFX, false);
	fake_add_addr(&f, 2, "10.0.0.5/24");
	fake_add_full_route(&f, 2, "0.0.0.0/0", "10.0.0.1", 100);
	fake_nm_device(&f, "eth0", true);
	fake_nm_device(&f, IF, true);
	snprintf(f.default_uplink, sizeof(f.default_uplink), "eth0");
	fake_set_conf(&f, "all", "rp_filter", 1); /* strict, as many hosts have it */
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-kinds-XXXXXX");
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

static struct state_record record(void)
{
	struct state_record rec = {};

	snprintf(rec.ifname, sizeof(rec.ifname), "%s", IF);
	rec.ifindex = IFX;
	rec.mode = USBNET_MODE_GATEWAY;
	rec.status.state = USBNET_STATE_CONFIGURED;
	rec.status.has_host = true;
	usbnet_ip4_parse("192.168.2.14/24", true, &rec.status.host);
	rec.status.rtt_us = -1;
	return rec;
}

/* The table's value of kind into data (completed for apply); fails when the table has none. */
static void value_for(const struct step_kind *kind, void *data, bool for_apply)
{
	memset(data, 0, STEP_DATA_MAX);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		if (strcmp(values[i].kind, kind->name) != 0)
			continue;
		if (values[i].args) {
			assert_non_null(kind->parse);
			assert_int_equal(kind->parse(values[i].args, data), 0);
		} else {
			assert_null(kind->parse);
		}
		if (for_apply && values[i].complete)
			values[i].complete(data);
		return;
	}
	print_error("step kind \"%s\" has no value in test-step-kinds.c's table\n", kind->name);
	fail();
}

static void value_of(const struct step_kind *kind, void *data)
{
	value_for(kind, data, false);
}

static void test_every_kind_has_a_value(void **state)
{
	unsigned char data[STEP_DATA_MAX];

	for (size_t k = 0; step_kinds[k]; k++) {
		assert_true(step_kinds[k]->size <= STEP_DATA_MAX);
		value_of(step_kinds[k], data);
	}
}

static void test_every_kind_round_trips_done_and_pending(void **state)
{
	for (size_t k = 0; step_kinds[k]; k++) {
		const struct step_kind *kind = step_kinds[k];

		world_kind = kind;

		for (int done = 0; done <= 1; done++) {
			struct state_record rec = record(), back;
			char *text = NULL, *again = NULL;

			rec.steps[0].kind = kind;
			rec.steps[0].done = done;
			value_of(kind, rec.steps[0].data.bytes);
			rec.n_steps = 1;
			assert_int_equal(journal_serialize(&rec, &text), 0);
			if (journal_parse(step_kinds, text, strlen(text), &back) != 0)
				print_error("%s: not read back:\n%s", kind->name, text);
			assert_int_equal(journal_parse(step_kinds, text, strlen(text), &back), 0);
			assert_int_equal(back.n_steps, 1);
			assert_ptr_equal(back.steps[0].kind, kind);
			assert_int_equal(back.steps[0].done, done);
			assert_memory_equal(back.steps[0].data.bytes, rec.steps[0].data.bytes,
					    STEP_DATA_MAX);
			assert_int_equal(journal_serialize(&back, &again), 0);
			assert_string_equal(again, text);
			free(text);
			free(again);
		}
	}
}

static void check_host(const struct fake_state *want, const char *what, const char *kind,
		       unsigned n)
{
	if (!fake_state_equal(want, &f.s))
		print_error("%s: %s (fault at call %u) changed the host:\n%s", kind, what, n,
			    fake_log_text(&f));
	assert_true(fake_state_equal(want, &f.s));
}

static void test_apply_failing_at_any_call_leaves_nothing_then_undo_restores(void **state)
{
	for (size_t k = 0; step_kinds[k]; k++) {
		const struct step_kind *kind = step_kinds[k];
		unsigned char data[STEP_DATA_MAX];
		bool made = false;

		world_kind = kind;

		value_for(kind, data, true);
		for (unsigned n = 1; n <= 64 && !made; n++) {
			struct state_record rec = record(), on_disk;
			struct step_env env = { .ctx = ctx, .rec = &rec, .link_ours = true };
			int r;

			journal_remove(ctx, IF);
			world();
			env.be = ctx_backends(ctx);
			fake_fail(&f, "**", n, -EIO);
			r = journal_apply(&env, kind, data);
			if (r < 0) {
				/* nothing of it recorded, in memory or on disk; the host as it was */
				assert_int_equal(rec.n_steps, 0);
				if (journal_read(ctx, IF, &on_disk) == 0)
					assert_int_equal(on_disk.n_steps, 0);
				check_host(&initial, "a failed apply", kind->name, n);
				continue;
			}
			/* made: with the fault not reached, the last round; with a failing call
			 * it did without, undone too and on to the next call */
			made = n > f.n_calls;
			if (r == JOURNAL_NOOP) {
				print_error("%s: nothing to make in the test's world\n", kind->name);
				fail();
			}
			assert_int_equal(rec.n_steps, 1);
			assert_true(rec.steps[0].done);
			assert_int_equal(journal_read(ctx, IF, &on_disk), 0);
			assert_int_equal(on_disk.n_steps, 1);
			assert_true(on_disk.steps[0].done);
			f.n_faults = 0;
			assert_int_equal(journal_undo(&env, 0, true, NULL, 0), 0);
			assert_int_equal(rec.n_steps, 0);
			check_host(&initial, "apply then undo", kind->name, n);
		}
		if (!made)
			print_error("%s: apply never made it: %s\n", kind->name, usbnet_ctx_error(ctx));
		assert_true(made);
	}
}

static void test_undo_of_a_pending_step_never_made_is_0(void **state)
{
	for (size_t k = 0; step_kinds[k]; k++) {
		const struct step_kind *kind = step_kinds[k];

		world_kind = kind;
		struct state_record rec = record();
		struct step_env env = { .ctx = ctx, .rec = &rec, .link_ours = true };

		world();
		env.be = ctx_backends(ctx);
		rec.steps[0].kind = kind;
		value_for(kind, rec.steps[0].data.bytes, true);
		rec.n_steps = 1;
		if (journal_undo(&env, 0, false, NULL, 0) != 0)
			print_error("%s: %s\n", kind->name, usbnet_ctx_error(ctx));
		assert_int_equal(rec.n_steps, 0);
		check_host(&initial, "the undo of a step never made", kind->name, 0);
	}
}

static void test_undo_of_another_device_skips_the_link_kinds_only(void **state)
{
	for (size_t k = 0; step_kinds[k]; k++) {
		const struct step_kind *kind = step_kinds[k];

		world_kind = kind;
		struct state_record rec = record();
		struct step_env env = { .ctx = ctx, .rec = &rec, .link_ours = true };
		unsigned char data[STEP_DATA_MAX];
		struct fake_state made;
		int r;

		journal_remove(ctx, IF);
		world();
		env.be = ctx_backends(ctx);
		value_for(kind, data, true);
		r = journal_apply(&env, kind, data);
		if (r != JOURNAL_MADE)
			print_error("%s: %s\n", kind->name, usbnet_ctx_error(ctx));
		assert_int_equal(r, JOURNAL_MADE);
		made = f.s;
		fake_clear_log(&f);
		env.link_ours = false;
		assert_int_equal(journal_undo(&env, 0, true, NULL, 0), 0);
		assert_int_equal(rec.n_steps, 0);
		if (kind->scope == STEP_SCOPE_LINK) {
			assert_int_equal(f.n_mutating, 0);
			check_host(&made, "a link step of another device", kind->name, 0);
		} else {
			check_host(&initial, "a host step of another device", kind->name, 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_has_a_value),
		cmocka_unit_test(test_every_kind_round_trips_done_and_pending),
		cmocka_unit_test_setup_teardown(
			test_apply_failing_at_any_call_leaves_nothing_then_undo_restores, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_undo_of_a_pending_step_never_made_is_0, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_undo_of_another_device_skips_the_link_kinds_only,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

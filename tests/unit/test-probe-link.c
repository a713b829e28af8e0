/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * usbnet_probe over fake backends: the link is set up for the probe and down again when it
 * was down, also when the probe fails; a link that was up is not touched; nothing is sent to
 * an interface that is not a USB peer without --force.
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

#define IF "usbnettest0"
#define IFX 7

static char dir[64];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup_link(bool up)
{
	struct usbnet_backends be;
	char run_dir[96];

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-probe-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	assert_int_equal(usbnet_ctx_new("", run_dir, &ctx), 0);
	fake_init(&f);
	fake_add_link(&f, IF, IFX, up);
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
	return 0;
}

static int setup_down(void **state)
{
	return setup_link(false);
}

static int setup_up(void **state)
{
	return setup_link(true);
}

static int teardown(void **state)
{
	ctx = usbnet_ctx_free(ctx);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static int probe(bool force, struct usbnet_probe_result *res)
{
	struct usbnet_probe_opts o;

	usbnet_probe_opts_init(&o);
	o.force = force;
	o.timeout_ms = 1500;
	return usbnet_probe(ctx, IF, &o, res);
}

static void test_down_link_is_set_up_for_the_probe_and_down_after(void **state)
{
	struct usbnet_probe_result res;

	f.discovery.n_findings = 1;
	f.discovery.findings[0].method = USBNET_FOUND_ARP_ANNOUNCE;
	assert_int_equal(probe(true, &res), 1);
	assert_true(res.link_was_down);
	assert_true(fake_log_find(&f, "nl.link_set_up 7 1") < fake_log_find(&f, "probe.run 7 1500"));
	assert_true(fake_log_find(&f, "probe.run") < fake_log_find(&f, "nl.link_set_up 7 0"));
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_failed_probe_still_sets_the_link_down_again(void **state)
{
	struct usbnet_probe_result res;

	fake_fail(&f, "probe.run", 1, -EPERM);
	assert_int_equal(probe(true, &res), -EPERM);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "CAP_NET_RAW"));
}

static void test_up_link_is_left_alone(void **state)
{
	struct usbnet_probe_result res;

	assert_int_equal(probe(true, &res), 0);
	assert_false(res.link_was_down);
	assert_true(fake_log_find(&f, "nl.link_set_up") < 0);
}

static void test_not_a_usb_peer_without_force_sends_nothing(void **state)
{
	struct usbnet_probe_result res;

	assert_int_equal(probe(false, &res), -EMEDIUMTYPE);
	assert_true(fake_log_find(&f, "probe.run") < 0);
	assert_int_equal(f.n_mutating, 0);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "--force"));
}

static void test_missing_interface_is_enodev(void **state)
{
	struct usbnet_probe_opts o;
	struct usbnet_probe_result res;

	usbnet_probe_opts_init(&o);
	o.force = true;
	assert_int_equal(usbnet_probe(ctx, "nosuch0", &o, &res), -ENODEV);
	o.timeout_ms = USBNET_PROBE_MAX_MS + 1;
	assert_int_equal(usbnet_probe(ctx, IF, &o, &res), -EINVAL);
	assert_int_equal(f.n_mutating, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_down_link_is_set_up_for_the_probe_and_down_after,
						setup_down, teardown),
		cmocka_unit_test_setup_teardown(test_failed_probe_still_sets_the_link_down_again,
						setup_down, teardown),
		cmocka_unit_test_setup_teardown(test_up_link_is_left_alone, setup_up, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_usb_peer_without_force_sends_nothing,
						setup_down, teardown),
		cmocka_unit_test_setup_teardown(test_missing_interface_is_enodev, setup_down,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

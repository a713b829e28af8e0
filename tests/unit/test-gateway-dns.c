/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Gateway mode's DNS forwarder (up --gateway --dns) over fake backends: started last, after
 * the address it binds and the rules; stopped by down, also when the interface vanished;
 * a failed start rolls everything back; turning DNS on or off is another plan; --dns outside
 * gateway mode changes nothing.
 */
#include <arpa/inet.h>
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

#include "ctx.h"
#include "fake-backends.h"
#include "forwarding.h"
#include "state.h"

#define IF "usbgw0"
#define IFX 7
#define IF2 "usbgw1"
#define IFX2 8

static char dir[64], run_dir[96], conf[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* eth0 (the default route's), wlan0, and two peers' links; forwarding off. */
static void world(void)
{
	struct usbnet_backends be;

	fake_init(&f);
	fake_add_link(&f, "eth0", 2, true);
	fake_add_link(&f, "wlan0", 3, true);
	fake_add_link(&f, IF, IFX, false);
	fake_add_link(&f, IF2, IFX2, false);
	fake_add_addr(&f, 2, "10.0.0.5/24");
	fake_add_addr(&f, 3, "10.1.0.5/24");
	strcpy(f.default_uplink, "eth0");
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
}

static int setup(void **state)
{
	FILE *c;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-gwdns-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
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

static struct usbnet_up_opts gw_opts(const char *host, const char *uplink)
{
	struct usbnet_up_opts o;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_GATEWAY;
	assert_int_equal(usbnet_ip4_parse(host, true, &o.host), 0);
	o.has_host = true;
	if (uplink)
		snprintf(o.uplink, sizeof(o.uplink), "%s", uplink);
	return o;
}

static int up(const char *ifname, const struct usbnet_up_opts *o, enum usbnet_up_result *res,
	      struct usbnet_report *rep)
{
	struct usbnet_report tmp;

	return usbnet_up(ctx, ifname, o, rep ? rep : &tmp, res);
}

static bool exists_in_run(const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", run_dir, name);
	return access(path, F_OK) == 0;
}


static struct usbnet_up_opts dns_opts(void)
{
	struct usbnet_up_opts o = gw_opts("192.168.2.14/24", NULL);

	o.dns = true;
	return o;
}

static void test_dns_starts_last_on_the_host_address_and_down_stops_it(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;
	struct usbnet_report rep;
	struct usbnet_status st;
	const struct fake_dns *d;
	int nft, fwd, dns;

	assert_int_equal(up(IF, &o, &res, &rep), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	d = fake_dns_of(&f, IF);
	assert_non_null(d);
	assert_string_equal(inet_ntoa(d->addr), "192.168.2.14");
	nft = fake_log_find(&f, "gw.nft_commit");
	fwd = fake_log_find(&f, "gw.forwarding_set 1");
	dns = fake_log_find(&f, "dns.start");
	assert_true(nft >= 0 && fwd > nft && dns > fwd);
	assert_true(rep.status.dns);
	assert_true(rep.status.dns_running);
	assert_int_equal(rep.status.dns_pid, d->h.pid);
	/* what show reads back: a forwarder is recorded (the real check says not running here) */
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_true(st.dns);
	assert_int_equal(st.dns_pid, d->h.pid);

	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_null(fake_dns_of(&f, IF));
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
}

static void test_dns_start_failing_rolls_everything_back(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	fake_fail(&f, "dns.start", 1, -EBUSY);
	assert_int_equal(up(IF, &o, &res, NULL), -EBUSY);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back: "));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "DNS"));
}

static void test_second_up_keeps_the_forwarder_and_restarts_a_dead_one(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;
	int pid;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	pid = fake_dns_of(&f, IF)->h.pid;
	fake_clear_log(&f);
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_int_equal(f.n_mutating, 0);
	assert_int_equal(fake_dns_of(&f, IF)->h.pid, pid);

	assert_true(fake_dns_kill(&f, IF));
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_non_null(fake_dns_of(&f, IF));
	assert_int_not_equal(fake_dns_of(&f, IF)->h.pid, pid);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_turning_dns_off_stops_the_forwarder(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	o.dns = false;
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_null(fake_dns_of(&f, IF));
	assert_non_null(fake_nft_chain(&f, IF));
	o.dns = true;
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_non_null(fake_dns_of(&f, IF));
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_dns_outside_gateway_mode_is_refused(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	o.mode = USBNET_MODE_STATIC;
	assert_int_equal(up(IF, &o, &res, NULL), -EINVAL);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "--dns is for gateway mode"));
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
}

static void test_vanished_peer_down_stops_its_forwarder(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	/* unplugged: the link and its address go with it, the process does not */
	f.s.n_links = 3;
	f.s.n_addrs = 2;
	assert_non_null(fake_dns_of(&f, IF));
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_null(fake_dns_of(&f, IF));
	assert_null(fake_nft_chain(&f, IF));
	assert_int_equal(f.s.ip_forward, 0);
	assert_false(exists_in_run(IF ".state"));
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_dns_starts_last_on_the_host_address_and_down_stops_it),
	    T(test_dns_start_failing_rolls_everything_back),
	    T(test_second_up_keeps_the_forwarder_and_restarts_a_dead_one),
	    T(test_turning_dns_off_stops_the_forwarder),
	    T(test_dns_outside_gateway_mode_is_refused),
	    T(test_vanished_peer_down_stops_its_forwarder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

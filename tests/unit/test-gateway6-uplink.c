/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IPv6 sharing's own uplink, over fake backends: with the uplink auto, up shares IPv6 through
 * the IPv6 default route's interface, which may be another than IPv4's, and refresh moves each
 * on its own (IPv6 alone when only its route moved; with IPv4 when there is no IPv6 default
 * route); a named uplink names both; down gives everything back, wherever refresh left it.
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

#include "core/ctx.h"
#include "fake-backends.h"
#include "core/journal.h"
#include "gateway/gateway.h"
#include "dns/dns-up.h"
#include "dns/ra-up.h"
#include "netlink/steps.h"
#include "gateway/gateway6.h"

#define IF "usbgw0"
#define IFX 7

static char dir[64], run_dir[96], conf[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* eth0 (IPv4's default route, and IPv6's unless a test moves it), wlan0 and wg0 (a tunnel);
 * the peer's link IF; forwarding off, accept_ra 1 everywhere. */
static void world(void)
{
	struct usbnet_backends be;

	fake_init(&f);
	fake_add_link(&f, "eth0", 2, true);
	fake_add_link(&f, "wlan0", 3, true);
	fake_add_link(&f, "wg0", 4, true);
	fake_add_link(&f, IF, IFX, false);
	fake_add_addr(&f, 2, "10.0.0.5/24");
	fake_add_addr(&f, 3, "10.1.0.5/24");
	strcpy(f.default_uplink, "eth0");
	strcpy(f.uplink6, "eth0");
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
}

static int setup(void **state)
{
	FILE *c;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-gw6-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	snprintf(conf, sizeof(conf), "%s/usbnet-host.conf", dir);
	/* A routed prefix: the fakes' interfaces have no USB identity for a stable ULA */
	c = fopen(conf, "w");
	assert_non_null(c);
	fprintf(c, "[peer lab]\nmac=02:00:00:00:00:%02x\nipv6-prefix=2001:db8:77::/64\n", IFX);
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

static void up_gateway(const char *uplink, struct usbnet_report *rep)
{
	struct usbnet_up_opts o;
	struct usbnet_report tmp;
	enum usbnet_up_result res;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_GATEWAY;
	assert_int_equal(usbnet_ip4_parse("169.254.0.8/16", true, &o.host), 0);
	o.has_host = true;
	if (uplink)
		snprintf(o.uplink, sizeof(o.uplink), "%s", uplink);
	assert_int_equal(usbnet_up(ctx, IF, &o, rep ? rep : &tmp, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
}

/* The uplinks IF's record names: its nft step's, its nft6 step's ("" when none). */
static void recorded(char up4[USBNET_IFNAMSIZ], char up6[USBNET_IFNAMSIZ])
{
	struct state_record rec;
	const struct state_step *s;

	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	s = journal_find(&rec, &step_nft, NULL);
	assert_non_null(s);
	memcpy(up4, ((const struct nft_step *)s->data.bytes)->uplink, USBNET_IFNAMSIZ);
	s = journal_find(&rec, &step_nft6, NULL);
	up6[0] = '\0';
	if (s)
		memcpy(up6, ((const struct nft6_step *)s->data.bytes)->uplink, USBNET_IFNAMSIZ);
}

static const char *nft6_uplink(void)
{
	for (size_t i = 0; i < f.s.n_nft6_chains; i++)
		if (strcmp(f.s.nft6_chains[i].ifname, IF) == 0)
			return f.s.nft6_chains[i].uplink;
	return "";
}

static int accept_ra(const char *ifname)
{
	return fake_link(&f, ifname)->accept_ra;
}

static void down_leaves_the_host_as_before(void)
{
	assert_int_equal(usbnet_down(ctx, IF), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("down left the host changed:\n%s", fake_log_text(&f));
}

static void test_up_shares_ipv6_through_its_own_default_route(void **state)
{
	struct usbnet_report rep;
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	strcpy(f.uplink6, "wg0");
	up_gateway(NULL, &rep);
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	assert_string_equal(up6, "wg0");
	assert_string_equal(fake_nft_chain(&f, IF)->uplink, "eth0");
	assert_string_equal(nft6_uplink(), "wg0");
	assert_int_equal(accept_ra("wg0"), 2);
	assert_int_equal(accept_ra("eth0"), 1);
	/* the tie goes to IPv4's uplink */
	assert_true(fake_log_find(&f, "gw.default_uplink6 eth0") >= 0);
	assert_string_equal(rep.status.uplink, "eth0");
	assert_string_equal(rep.status.uplink6, "wg0");
	assert_string_equal(usbnet_status_uplink6(&rep.status), "wg0");
	down_leaves_the_host_as_before();
}

static void test_up_with_both_routes_on_one_uplink_says_no_uplink6(void **state)
{
	struct usbnet_report rep;
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	up_gateway(NULL, &rep);
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	assert_string_equal(up6, "eth0");
	assert_string_equal(usbnet_status_uplink6(&rep.status), "");
	down_leaves_the_host_as_before();
}

static void test_a_named_uplink_names_both(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	/* IPv6's default route is wg0's, but the user named wlan0: it has none, so no IPv6 */
	strcpy(f.uplink6, "wg0");
	up_gateway("wlan0", NULL);
	recorded(up4, up6);
	assert_string_equal(up4, "wlan0");
	assert_string_equal(up6, "");
	assert_int_equal(f.s.n_nft6_chains, 0);
	down_leaves_the_host_as_before();
	/* named wg0, which has both: both through wg0 */
	up_gateway("wg0", NULL);
	recorded(up4, up6);
	assert_string_equal(up4, "wg0");
	assert_string_equal(up6, "wg0");
	/* and refresh leaves a named uplink alone, whatever the routes do */
	strcpy(f.uplink6, "wlan0");
	assert_int_equal(usbnet_refresh(ctx), 0);
	recorded(up4, up6);
	assert_string_equal(up6, "wg0");
	down_leaves_the_host_as_before();
}

static void test_no_ipv6_when_its_default_route_goes_through_the_peer(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	strcpy(f.uplink6, IF);
	up_gateway(NULL, NULL);
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	assert_string_equal(up6, "");
	down_leaves_the_host_as_before();
}

static void test_refresh_moves_ipv6_alone_when_only_its_route_moved(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	up_gateway(NULL, NULL);
	assert_int_equal(accept_ra("eth0"), 2);
	strcpy(f.uplink6, "wg0");
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 1);
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	assert_string_equal(up6, "wg0");
	assert_string_equal(fake_nft_chain(&f, IF)->uplink, "eth0");
	assert_int_equal(fake_log_find(&f, "gw.nft_commit"), -1); /* IPv4 left as it was */
	assert_string_equal(nft6_uplink(), "wg0");
	assert_int_equal(accept_ra("eth0"), 1); /* given back */
	assert_int_equal(accept_ra("wg0"), 2);
	assert_int_equal(f.s.all_forwarding6, 1);
	/* nothing moved: nothing changed */
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 0);
	assert_int_equal(f.n_mutating, 0);
	/* and back */
	strcpy(f.uplink6, "eth0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	recorded(up4, up6);
	assert_string_equal(up6, "eth0");
	assert_string_equal(nft6_uplink(), "eth0");
	assert_int_equal(accept_ra("eth0"), 2);
	assert_int_equal(accept_ra("wg0"), 1);
	down_leaves_the_host_as_before();
}

static void test_refresh_moves_ipv4_alone_when_ipv6s_route_stayed(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	strcpy(f.uplink6, "wg0");
	up_gateway(NULL, NULL);
	strcpy(f.default_uplink, "wlan0");
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 1);
	recorded(up4, up6);
	assert_string_equal(up4, "wlan0");
	assert_string_equal(up6, "wg0");
	assert_int_equal(fake_log_find(&f, "gw.nft6_commit"), -1);
	assert_int_equal(accept_ra("wg0"), 2);
	assert_int_equal(accept_ra("wlan0"), 1);
	down_leaves_the_host_as_before();
}

static void test_refresh_without_an_ipv6_default_route(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	up_gateway(NULL, NULL);
	/* IPv6's route gone, IPv4's where it was: IPv6 keeps its uplink */
	f.uplink6[0] = '\0';
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 0);
	assert_int_equal(f.n_mutating, 0);
	/* IPv4 moves: IPv6 goes with it (forwarding may have dropped the new uplink's RA route,
	 * which accept_ra=2 there brings back) */
	strcpy(f.default_uplink, "wlan0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	recorded(up4, up6);
	assert_string_equal(up4, "wlan0");
	assert_string_equal(up6, "wlan0");
	assert_int_equal(accept_ra("wlan0"), 2);
	assert_int_equal(accept_ra("eth0"), 1);
	/* no default route at all: everything stays */
	f.default_uplink[0] = '\0';
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 0);
	assert_int_equal(f.n_mutating, 0);
	down_leaves_the_host_as_before();
}

static void test_refresh_with_ipv6_only_still_moves_ipv6(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	up_gateway(NULL, NULL);
	f.default_uplink[0] = '\0';
	strcpy(f.uplink6, "wg0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	assert_string_equal(up6, "wg0");
	down_leaves_the_host_as_before();
}

static void test_a_failed_ipv6_move_is_said_and_down_still_undoes(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	up_gateway(NULL, NULL);
	strcpy(f.uplink6, "wg0");
	fake_clear_log(&f); /* the counts too: the first nft6 batch from here */
	fake_fail(&f, "gw.nft6_commit", 1, -ENOBUFS);
	assert_true(usbnet_refresh(ctx) < 0);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "ip6"));
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	f.n_faults = 0;
	down_leaves_the_host_as_before();
}

/* up with no IPv6 default route on the host shares none; refresh once there is one shares it as
 * up would have: the steps after the record's, the plan's words up's (a second up changes
 * nothing), and down gives everything back. */
static void test_refresh_starts_ipv6_once_the_host_has_an_ipv6_default_route(void **state)
{
	struct usbnet_up_opts o;
	struct usbnet_report rep;
	enum usbnet_up_result res;
	struct state_record rec;
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	f.uplink6[0] = '\0';
	up_gateway(NULL, NULL);
	recorded(up4, up6);
	assert_string_equal(up6, "");
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 0); /* still none */
	assert_int_equal(f.n_mutating, 0);
	strcpy(f.uplink6, "eth0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	assert_string_equal(up6, "eth0");
	assert_string_equal(nft6_uplink(), "eth0");
	assert_int_equal(accept_ra("eth0"), 2);
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_non_null(journal_find(&rec, &step_ra, NULL)); /* the advertisements */
	assert_non_null(journal_find(&rec, &step_addr6, NULL));
	assert_non_null(strstr(rec.plan, " ipv6=2001:db8:77::/64(routed)"));
	/* nothing more to do the second time */
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 0);
	assert_int_equal(f.n_mutating, 0);
	/* up's plan is what refresh made: in place */
	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_GATEWAY;
	assert_int_equal(usbnet_ip4_parse("169.254.0.8/16", true, &o.host), 0);
	o.has_host = true;
	assert_int_equal(usbnet_up(ctx, IF, &o, &rep, &res), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	down_leaves_the_host_as_before();
}

/* A start that fails half-way is said and rolled back: the peer keeps its IPv4 sharing, and
 * down still gives everything back. */
static void test_a_failed_ipv6_start_is_rolled_back(void **state)
{
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];
	struct state_record rec;

	f.uplink6[0] = '\0';
	up_gateway(NULL, NULL);
	strcpy(f.uplink6, "eth0");
	fake_clear_log(&f);
	fake_fail(&f, "gw.nft6_commit", 1, -ENOBUFS);
	assert_true(usbnet_refresh(ctx) < 0);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "IPv6 sharing could not be started"));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back"));
	recorded(up4, up6);
	assert_string_equal(up4, "eth0");
	assert_string_equal(up6, "");
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_null(journal_find(&rec, &step_accept_ra, NULL));
	assert_null(strstr(rec.plan, " ipv6="));
	assert_int_equal(accept_ra("eth0"), 1);
	f.n_faults = 0;
	down_leaves_the_host_as_before();
}

/* ipv6=off at up: refresh leaves it so. */
static void test_refresh_starts_no_ipv6_for_a_peer_told_ipv6_off(void **state)
{
	struct usbnet_up_opts o;
	enum usbnet_up_result res;
	struct usbnet_report rep;
	char up4[USBNET_IFNAMSIZ], up6[USBNET_IFNAMSIZ];

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_GATEWAY;
	o.ipv6 = 0;
	assert_int_equal(usbnet_ip4_parse("169.254.0.8/16", true, &o.host), 0);
	o.has_host = true;
	f.uplink6[0] = '\0';
	assert_int_equal(usbnet_up(ctx, IF, &o, &rep, &res), 0);
	strcpy(f.uplink6, "eth0");
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 0);
	assert_int_equal(f.n_mutating, 0);
	recorded(up4, up6);
	assert_string_equal(up6, "");
	down_leaves_the_host_as_before();
}

/* With --dns: the forwarder listens on PREFIX::1 too, and comes after nft6-dns in the record
 * (down stops it before the chain that keeps its port 53 to the link goes). */
static void test_refresh_starting_ipv6_moves_the_forwarder_after_its_input_chain(void **state)
{
	struct usbnet_up_opts o;
	enum usbnet_up_result res;
	struct usbnet_report rep;
	struct state_record rec;
	size_t i6, id;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_GATEWAY;
	o.dns = true;
	assert_int_equal(usbnet_ip4_parse("169.254.0.8/16", true, &o.host), 0);
	o.has_host = true;
	f.uplink6[0] = '\0';
	assert_int_equal(usbnet_up(ctx, IF, &o, &rep, &res), 0);
	strcpy(f.uplink6, "eth0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_non_null(journal_find(&rec, &step_nft6_dns, &i6));
	assert_non_null(journal_find(&rec, &step_dnsmasq, &id));
	assert_true(id > i6);
	assert_true(((const struct dnsmasq_step *)rec.steps[id].data.bytes)->has_host6);
	assert_true(rec.steps[id].done);
	/* and the plan is up's */
	assert_int_equal(usbnet_up(ctx, IF, &o, &rep, &res), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_true(rep.status.has_dns6);
	down_leaves_the_host_as_before();
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_up_shares_ipv6_through_its_own_default_route),
	    T(test_up_with_both_routes_on_one_uplink_says_no_uplink6),
	    T(test_a_named_uplink_names_both),
	    T(test_no_ipv6_when_its_default_route_goes_through_the_peer),
	    T(test_refresh_moves_ipv6_alone_when_only_its_route_moved),
	    T(test_refresh_moves_ipv4_alone_when_ipv6s_route_stayed),
	    T(test_refresh_without_an_ipv6_default_route),
	    T(test_refresh_with_ipv6_only_still_moves_ipv6),
	    T(test_a_failed_ipv6_move_is_said_and_down_still_undoes),
	    T(test_refresh_starts_ipv6_once_the_host_has_an_ipv6_default_route),
	    T(test_a_failed_ipv6_start_is_rolled_back),
	    T(test_refresh_starts_no_ipv6_for_a_peer_told_ipv6_off),
	    T(test_refresh_starting_ipv6_moves_the_forwarder_after_its_input_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

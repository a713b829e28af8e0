/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * up --auto over fake backends: what discovery finds decides the host's address; the steps
 * are recorded and rolled back as for static; a DHCP-serving peer goes back to NetworkManager.
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

/* eth0 (up, 10.0.0.5/24), the peer's link IF (down, managed by NetworkManager). */
static int setup(void **state)
{
	struct usbnet_backends be;
	FILE *c;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-auto-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	snprintf(conf, sizeof(conf), "%s/usbnet-host.conf", dir);
	c = fopen(conf, "w");
	assert_non_null(c);
	fclose(c);
	assert_int_equal(usbnet_ctx_new(conf, run_dir, &ctx), 0);
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

static void found(enum usbnet_probe_method m, const char *ipv4)
{
	struct usbnet_finding *fi = &f.discovery.findings[f.discovery.n_findings++];

	memset(fi, 0, sizeof(*fi));
	fi->method = m;
	if (ipv4) {
		fi->has_ipv4 = true;
		assert_int_equal(inet_pton(AF_INET, ipv4, &fi->ipv4), 1);
	}
}

static void taken(const char *ipv4)
{
	assert_int_equal(inet_pton(AF_INET, ipv4, &f.taken[f.n_taken++]), 1);
}

static int up_auto(struct usbnet_report *rep, enum usbnet_up_result *res)
{
	struct usbnet_up_opts o;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.mode = USBNET_MODE_AUTO;
	return usbnet_up(ctx, IF, &o, rep, res);
}

static void read_record(struct state_record *rec)
{
	assert_int_equal(journal_read(ctx, IF, rec), 0);
}

static void test_profile_address_found_by_arp_gives_profile_host_address(void **state)
{
	struct usbnet_report rep;
	enum usbnet_up_result res;
	struct state_record rec;

	found(USBNET_FOUND_ARP_PROBE, "192.168.2.15");
	assert_int_equal(up_auto(&rep, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_true(fake_has_addr(&f, IFX, "192.168.2.14/24"));
	assert_int_equal(fake_nm_managed(&f, IF), 0);
	/* discovery runs on a link that is up, NetworkManager off it */
	assert_true(fake_log_find(&f, "nl.link_set_up") < fake_log_find(&f, "probe.run"));
	assert_true(fake_log_find(&f, "probe.run") < fake_log_find(&f, "nl.addr_add"));
	/* and the peer is checked as a profile's is */
	assert_true(fake_log_find(&f, "reach.probe 7 192.168.2.15") >= 0);
	read_record(&rec);
	assert_int_equal(rec.mode, USBNET_MODE_AUTO);
	assert_string_equal(rec.status.discovered, "arp-probe profile");
	assert_string_equal(rep.status.discovered, "arp-probe profile");
}

static void test_unknown_subnet_takes_lowest_free_address(void **state)
{
	struct usbnet_report rep;
	enum usbnet_up_result res;
	struct state_record rec;

	found(USBNET_FOUND_IPV6_ALL_NODES, NULL);
	found(USBNET_FOUND_ARP_SWEEP, "10.77.0.2");
	taken("10.77.0.1");
	assert_int_equal(up_auto(&rep, &res), 0);
	assert_true(fake_has_addr(&f, IFX, "10.77.0.3/24"));
	assert_true(fake_log_find(&f, "probe.addr_in_use 7 10.77.0.1") >= 0);
	assert_true(fake_log_find(&f, "probe.addr_in_use 7 10.77.0.3") >= 0);
	read_record(&rec);
	assert_string_equal(rec.status.discovered, "arp-sweep lowest-free");
}

static void test_no_ipv4_found_takes_link_local(void **state)
{
	struct usbnet_report rep;
	enum usbnet_up_result res;
	struct state_record rec;
	uint32_t h;

	found(USBNET_FOUND_IPV6_ALL_NODES, NULL);
	assert_int_equal(up_auto(&rep, &res), 0);
	read_record(&rec);
	assert_string_equal(rec.status.discovered, "none link-local");
	assert_true(rec.status.has_host);
	assert_false(rec.status.has_peer);
	h = ntohl(rec.status.host.addr.s_addr);
	assert_true(h >= 0xa9fe0100u && h <= 0xa9fefeffu);
	assert_int_equal(rec.status.host.prefix, 16);
	assert_true(fake_log_find(&f, "reach.probe") < 0); /* nobody to check */
	/* The fallback is kept, but nothing answered: degraded, and the message says so. */
	assert_int_equal(res, USBNET_UP_DEGRADED);
	assert_int_equal(rec.status.state, USBNET_STATE_DEGRADED);
	assert_non_null(strstr(rec.status.message, "no peer answered; the host has 169.254."));
}

static void test_probe_failure_rolls_back_link_and_networkmanager(void **state)
{
	enum usbnet_up_result res;
	struct usbnet_report rep;

	fake_fail(&f, "probe.run", 1, -EPERM);
	assert_int_equal(up_auto(&rep, &res), -EPERM);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_int_equal(journal_read(ctx, IF, &(struct state_record){}), -ENOENT);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "could not probe"));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back"));
}

static void test_peer_in_another_interfaces_subnet_is_refused_and_rolled_back(void **state)
{
	enum usbnet_up_result res;
	struct usbnet_report rep;

	found(USBNET_FOUND_ARP_ANNOUNCE, "10.0.0.7");
	assert_int_equal(up_auto(&rep, &res), -EADDRINUSE);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "clashes with 10.0.0.5/24 on eth0"));
}

static void test_dhcp_server_goes_back_to_networkmanager(void **state)
{
	enum usbnet_up_result res;
	struct usbnet_report rep;
	struct state_record rec;

	found(USBNET_FOUND_ARP_PROBE, "172.16.42.1");
	found(USBNET_FOUND_DHCP_OFFER, "172.16.42.1");
	assert_int_equal(up_auto(&rep, &res), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_int_equal(f.s.n_nm_profiles, 1);
	assert_non_null(strstr(f.s.nm_profiles[0], "untrusted"));
	/* managed again, link as it was, no address of ours */
	assert_int_equal(fake_nm_managed(&f, IF), 1);
	assert_false(fake_link_up(&f, IFX));
	read_record(&rec);
	assert_string_equal(rec.status.discovered, "dhcp-offer dhcp");
	assert_int_equal(rec.n_steps, 1);
	assert_ptr_equal(rec.steps[0].kind, &step_nm_profile);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_second_auto_up_keeps_what_is_in_place(void **state)
{
	enum usbnet_up_result res;
	struct usbnet_report rep;

	found(USBNET_FOUND_ARP_SWEEP, "10.77.0.2");
	assert_int_equal(up_auto(&rep, &res), 0);
	fake_clear_log(&f);
	f.discovery.findings[0].ipv4.s_addr = htonl(0x0a4d0063); /* would now find 10.77.0.99 */
	assert_int_equal(up_auto(&rep, &res), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_true(fake_log_find(&f, "probe.run") < 0);
	assert_true(fake_has_addr(&f, IFX, "10.77.0.1/24"));
	assert_string_equal(rep.status.discovered, "arp-sweep lowest-free");
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_profile_address_found_by_arp_gives_profile_host_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_subnet_takes_lowest_free_address, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_ipv4_found_takes_link_local, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_failure_rolls_back_link_and_networkmanager,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_peer_in_another_interfaces_subnet_is_refused_and_rolled_back, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_dhcp_server_goes_back_to_networkmanager, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_auto_up_keeps_what_is_in_place, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

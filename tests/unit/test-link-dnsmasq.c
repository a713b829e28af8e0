/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two dnsmasq a peer's link may have of its own, the DHCP server (dhcp-server.h) and the
 * router advertisements (ra-server.h): their files' names, their command lines whole, and the
 * record lines and descriptions of their step kinds ("dhcp-server", "ra"), done and pending.
 * Pinned to the byte: a dnsmasq left running by an earlier version is found by its
 * --pid-file= argument, and a record an earlier version wrote must read back the same.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dns/dhcp-server.h"
#include "dns/dhcp-up.h"
#include "dns/ra-server.h"
#include "dns/ra-up.h"

/* argv against want, NULL-terminated: the same strings in the same order, nothing more. */
static void assert_argv(const struct dnsmasq_argv *a, const char *const want[])
{
	size_t i;

	for (i = 0; want[i]; i++) {
		if (!a->argv[i])
			fail_msg("argv ends at %zu, before \"%s\"", i, want[i]);
		assert_string_equal(a->argv[i], want[i]);
	}
	if (a->argv[i])
		fail_msg("argv goes on with \"%s\"", a->argv[i]);
}

static struct dhcp_server_spec dhcp_spec(bool router, bool dns)
{
	struct dhcp_server_spec s = {.host.prefix = 24, .router = router, .dns = dns};

	inet_pton(AF_INET, "192.168.2.14", &s.host.addr);
	inet_pton(AF_INET, "192.168.2.15", &s.peer);
	return s;
}

static struct ra_spec ra_spec(bool dns)
{
	struct ra_spec s = {.dns = dns};

	inet_pton(AF_INET6, "fd12:3456:789a::", &s.prefix);
	inet_pton(AF_INET6, "fd12:3456:789a::1", &s.host);
	inet_pton(AF_INET, "192.168.2.14", &s.host4);
	return s;
}

static void test_each_server_has_its_own_files_in_the_run_directory(void **state)
{
	char buf[64], big[256];

	(void)state;
	assert_int_equal(dhcp_server_pid_path("/run/u", "usb0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/u/usb0.dhcp.pid");
	assert_int_equal(dhcp_server_lease_path("/run/u", "usb0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/u/usb0.dhcp.leases");
	assert_int_equal(ra_server_pid_path("/run/u", "usb0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/u/usb0.ra.pid");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dhcp_server_pid_path(big, "usb0", buf, sizeof(buf)), -ENAMETOOLONG);
	assert_int_equal(dhcp_server_lease_path(big, "usb0", buf, sizeof(buf)), -ENAMETOOLONG);
	assert_int_equal(ra_server_pid_path(big, "usb0", buf, sizeof(buf)), -ENAMETOOLONG);
	/* the lease file's name is the longer: it alone may not fit */
	assert_int_equal(dhcp_server_pid_path("/run/u", "usb0", buf, 21), 0);
	assert_int_equal(dhcp_server_lease_path("/run/u", "usb0", buf, 21), -ENAMETOOLONG);
}

static void test_dhcp_server_command_line_whole(void **state)
{
	static const char *const router_no_dns[] = {
	    DNSMASQ_PATH,
	    "--conf-file=/dev/null",
	    "--pid-file=/run/u/usb0.dhcp.pid",
	    "--port=0",
	    "--interface=usb0",
	    "--bind-interfaces",
	    "--except-interface=lo",
	    "--no-hosts",
	    "--dhcp-range=192.168.2.15,192.168.2.15,255.255.255.0,2m",
	    "--dhcp-leasefile=/run/u/usb0.dhcp.leases",
	    "--dhcp-authoritative",
	    "--no-ping",
	    "--dhcp-option=3,192.168.2.14",
	    "--dhcp-option=6",
	    "--dhcp-option=28",
	    NULL,
	};
	const char *want[sizeof(router_no_dns) / sizeof(router_no_dns[0])];
	struct dnsmasq_conf conf = {.dnsmasq = "/opt/dnsmasq"};
	struct dhcp_server_spec s = dhcp_spec(true, false);
	struct dnsmasq_argv a;

	(void)state;
	assert_int_equal(dhcp_server_build_argv(NULL, "/run/u/usb0.dhcp.pid",
						"/run/u/usb0.dhcp.leases", "usb0", &s, &a),
			 0);
	assert_argv(&a, router_no_dns);
	/* the same but for the binary and the options the spec turns */
	memcpy(want, router_no_dns, sizeof(want));
	want[0] = "/opt/dnsmasq";
	want[12] = "--dhcp-option=3";
	want[13] = "--dhcp-option=6,192.168.2.14";
	s = dhcp_spec(false, true);
	assert_int_equal(dhcp_server_build_argv(&conf, "/run/u/usb0.dhcp.pid",
						"/run/u/usb0.dhcp.leases", "usb0", &s, &a),
			 0);
	assert_argv(&a, want);
}

static void test_ra_server_command_line_whole(void **state)
{
	static const char *const no_dns[] = {
	    DNSMASQ_PATH,
	    "--conf-file=/dev/null",
	    "--pid-file=/run/u/usb0.ra.pid",
	    "--port=0",
	    "--interface=usb0",
	    "--bind-interfaces",
	    "--except-interface=lo",
	    "--no-hosts",
	    "--enable-ra",
	    "--dhcp-range=fd12:3456:789a::,ra-only,64",
	    "--leasefile-ro",
	    "--dhcp-option=option6:dns-server",
	    NULL,
	};
	const char *want[sizeof(no_dns) / sizeof(no_dns[0])];
	struct dnsmasq_conf conf = {.dnsmasq = "/opt/dnsmasq"};
	struct ra_spec s = ra_spec(false);
	struct dnsmasq_argv a;

	(void)state;
	assert_int_equal(ra_server_build_argv(NULL, "/run/u/usb0.ra.pid", "usb0", &s, &a), 0);
	assert_argv(&a, no_dns);
	/* the same but for the binary and the name server the spec turns on */
	memcpy(want, no_dns, sizeof(want));
	want[0] = "/opt/dnsmasq";
	want[11] = "--dhcp-option=option6:dns-server,[fd12:3456:789a::1]";
	s = ra_spec(true);
	assert_int_equal(ra_server_build_argv(&conf, "/run/u/usb0.ra.pid", "usb0", &s, &a), 0);
	assert_argv(&a, want);
}

static void test_a_command_line_that_does_not_fit_is_refused(void **state)
{
	struct dhcp_server_spec d = dhcp_spec(true, true);
	struct ra_spec r = ra_spec(true);
	struct dnsmasq_argv a;
	char big[sizeof(a.storage)];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dhcp_server_build_argv(NULL, big, "/r/l", "usb0", &d, &a), -E2BIG);
	assert_int_equal(dhcp_server_build_argv(NULL, "/r/p", big, "usb0", &d, &a), -E2BIG);
	assert_int_equal(ra_server_build_argv(NULL, big, "usb0", &r, &a), -E2BIG);
}

/* format(parse(line)) == line, and the description of what parse gave. */
static void assert_line(const struct step_kind *k, const char *line, const char *described)
{
	unsigned char data[STEP_DATA_MAX];
	char buf[STEP_ARGS_MAX + 1];

	memset(data, 0, sizeof(data));
	if (k->parse(line, data) != 0)
		fail_msg("%s: \"%s\" was refused", k->name, line);
	assert_int_equal(k->format(data, buf, sizeof(buf)), 0);
	assert_string_equal(buf, line);
	k->describe(data, buf, sizeof(buf));
	assert_string_equal(buf, described);
}

static void assert_refused(const struct step_kind *k, const char *const bad[], size_t n)
{
	unsigned char data[STEP_DATA_MAX];

	for (size_t i = 0; i < n; i++)
		if (k->parse(bad[i], data) != -EBADMSG)
			fail_msg("%s: \"%s\" was taken", k->name, bad[i]);
}

static void test_dhcp_server_record_lines(void **state)
{
	static const char *const bad[] = {
	    "",
	    "4242 192.168.2.14/24 192.168.2.15 router=yes dns=no",
	    "0 5 192.168.2.14/24 192.168.2.15 router=yes dns=no",
	    "- 192.168.2.14/24 192.168.2.15/32 router=yes dns=no",
	    "- 192.168.2.14/24 192.168.2.15 router=maybe dns=no",
	    "- 192.168.2.14/24 192.168.2.15 dns=no router=yes",
	    "- 192.168.2.14/24 192.168.2.15 router=yes dns=no x",
	    "-  192.168.2.14/24 192.168.2.15 router=yes dns=no",
	    "- 192.168.2.014/24 192.168.2.15 router=yes dns=no",
	};

	(void)state;
	assert_line(&step_dhcp_server,
		    "4242 987654321 192.168.2.14/24 192.168.2.15 router=yes dns=no",
		    "DHCP server for 192.168.2.15 (dnsmasq, pid 4242)");
	assert_line(&step_dhcp_server, "- 192.168.2.14/24 192.168.2.15 router=no dns=yes",
		    "DHCP server for 192.168.2.15 (dnsmasq, its pid file)");
	assert_refused(&step_dhcp_server, bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_ra_record_lines(void **state)
{
	static const char *const bad[] = {
	    "",
	    "4242 fd12:3456:789a::/64 fd12:3456:789a::1 192.168.2.14 dns=no",
	    "0 5 fd12:3456:789a::/64 fd12:3456:789a::1 192.168.2.14 dns=no",
	    "- fd12:3456:789a::/48 fd12:3456:789a::1 192.168.2.14 dns=no",
	    "- fd12:3456:789a::1/64 fd12:3456:789a::1 192.168.2.14 dns=no",
	    "- fd12:3456:789a::/64 fd12:3456:789b::1 192.168.2.14 dns=no",
	    "- fd12:3456:789a::/64 fd12:3456:789a::1 0.0.0.0 dns=no",
	    "- fd12:3456:789a::/64 fd12:3456:789a::1 192.168.2.14 dns=maybe",
	    "- fd12:3456:789a:0::/64 fd12:3456:789a::1 192.168.2.14 dns=no",
	    "- fd12:3456:789a::/64 fd12:3456:789a::1 192.168.2.14 dns=no x",
	};

	(void)state;
	assert_line(&step_ra,
		    "4242 987654321 fd12:3456:789a::/64 fd12:3456:789a::1 192.168.2.14 dns=yes",
		    "router advertisements of fd12:3456:789a::/64 (dnsmasq, pid 4242)");
	assert_line(&step_ra, "- fd12:3456:789a::/64 fd12:3456:789a::1 192.168.2.14 dns=no",
		    "router advertisements of fd12:3456:789a::/64 (dnsmasq, its pid file)");
	assert_refused(&step_ra, bad, sizeof(bad) / sizeof(bad[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_server_has_its_own_files_in_the_run_directory),
	    cmocka_unit_test(test_dhcp_server_command_line_whole),
	    cmocka_unit_test(test_ra_server_command_line_whole),
	    cmocka_unit_test(test_a_command_line_that_does_not_fit_is_refused),
	    cmocka_unit_test(test_dhcp_server_record_lines),
	    cmocka_unit_test(test_ra_record_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

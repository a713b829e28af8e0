/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ULA /64 of a gateway peer (gateway/ula.c): RFC 4193's layout, stable for one device on
 * one host, different for another device or host. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "gateway/ula.h"

static const char *ntop(const struct in6_addr *a)
{
	static char buf[2][INET6_ADDRSTRLEN];
	static int i;

	i = !i;
	return inet_ntop(AF_INET6, a, buf[i], sizeof(buf[i]));
}

static void test_layout_is_fd_global_id_subnet_0(void **state)
{
	struct in6_addr a;

	assert_int_equal(ula_prefix("0123456789abcdef0123456789abcdef", "mac 02:00:00:00:00:01", &a),
			 0);
	assert_int_equal(a.s6_addr[0], 0xfd);
	assert_int_equal(a.s6_addr[6], 0); /* subnet ID 0 */
	assert_int_equal(a.s6_addr[7], 0);
	for (int i = 8; i < 16; i++) /* a /64: the interface ID is SLAAC's */
		assert_int_equal(a.s6_addr[i], 0);
	/* a global ID of zero bits would say the derivation did nothing */
	assert_true(a.s6_addr[1] | a.s6_addr[2] | a.s6_addr[3] | a.s6_addr[4] | a.s6_addr[5]);
}

static void test_stable_and_distinct(void **state)
{
	const char *m1 = "0123456789abcdef0123456789abcdef", *m2 = "fedcba9876543210fedcba9876543210";
	struct in6_addr a, b, c, d;

	assert_int_equal(ula_prefix(m1, "usb 1234:4321 serial 0123", &a), 0);
	assert_int_equal(ula_prefix(m1, "usb 1234:4321 serial 0123", &b), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(ula_prefix(m1, "usb 1234:4321 serial 0124", &c), 0);
	assert_int_equal(ula_prefix(m2, "usb 1234:4321 serial 0123", &d), 0);
	if (memcmp(&a, &c, sizeof(a)) == 0 || memcmp(&a, &d, sizeof(a)) == 0)
		print_error("%s %s %s\n", ntop(&a), ntop(&c), ntop(&d));
	assert_memory_not_equal(&a, &c, sizeof(a));
	assert_memory_not_equal(&a, &d, sizeof(a));
}

static void test_identity_prefers_the_serial_then_the_mac(void **state)
{
	struct usbnet_peer p = { .vendor_id = 0x1234, .product_id = 0x4321 };
	char buf[128];

	assert_int_equal(ula_identity(&p, buf, sizeof(buf)), -ENODATA);
	snprintf(p.mac, sizeof(p.mac), "02:00:00:00:00:01");
	assert_int_equal(ula_identity(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mac 02:00:00:00:00:01");
	snprintf(p.serial, sizeof(p.serial), "0123456789");
	assert_int_equal(ula_identity(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "usb 1234:4321 serial 0123456789");
}

static void test_empty_inputs_are_refused(void **state)
{
	struct in6_addr a;

	assert_int_equal(ula_prefix("", "mac x", &a), -EINVAL);
	assert_int_equal(ula_prefix("0123", "", &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_is_fd_global_id_subnet_0),
		cmocka_unit_test(test_stable_and_distinct),
		cmocka_unit_test(test_identity_prefers_the_serial_then_the_mac),
		cmocka_unit_test(test_empty_inputs_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

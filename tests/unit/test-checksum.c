/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Internet checksum (core/checksum.c) of reach's ICMP echo and discover's DHCP frame:
 * RFC 1071's figures, a real IPv4 header, an odd length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/checksum.h"

static void test_rfc1071_example_sums_to_ddf2(void **state)
{
	/* RFC 1071 section 3: these words sum to 0xddf2 once the carries are folded in. */
	static const uint8_t words[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	assert_int_equal(inet_checksum(words, sizeof(words)), (uint16_t)~0xddf2);
}

static void test_ipv4_header_checksum_and_its_verification(void **state)
{
	/* 192.168.0.1 -> 192.168.0.199, UDP, TTL 64: checksum field (bytes 10-11) zero. */
	uint8_t ip[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	uint16_t c = inet_checksum(ip, sizeof(ip));

	assert_int_equal(c, 0xb861);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	/* a header with its checksum in place sums to all ones: its checksum is 0 */
	assert_int_equal(inet_checksum(ip, sizeof(ip)), 0);
}

static void test_odd_last_byte_is_padded_with_zero(void **state)
{
	static const uint8_t odd[] = {0x01, 0x02, 0x03};

	assert_int_equal(inet_checksum(odd, sizeof(odd)), 0xfbfd); /* ~(0x0102 + 0x0300) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example_sums_to_ddf2),
		cmocka_unit_test(test_ipv4_header_checksum_and_its_verification),
		cmocka_unit_test(test_odd_last_byte_is_padded_with_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

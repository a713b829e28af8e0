/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * When the watcher looks at a recorded peer again (lib/watch/relook.c, issue 20): a degraded
 * peer whose carrier comes, a static one that did not answer on a timer with a backoff, mode=auto's
 * link-local fallback on carrier only, and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "watch/relook.h"

static struct usbnet_status status(enum usbnet_state state, const char *discovered)
{
	struct usbnet_status st;

	memset(&st, 0, sizeof(st));
	st.state = state;
	st.rtt_us = -1;
	snprintf(st.discovered, sizeof(st.discovered), "%s", discovered);
	return st;
}

static void test_carrier_comes(void **unused)
{
	struct usbnet_status stat = status(USBNET_STATE_DEGRADED, "");
	struct usbnet_status fall = status(USBNET_STATE_DEGRADED, "none link-local");

	(void)unused;
	/* Down (or not known) -> up: look now, static or fallback alike. */
	assert_int_equal(relook_decide(&stat, RELOOK_CARRIER_DOWN, RELOOK_CARRIER_UP), RELOOK_NOW);
	assert_int_equal(relook_decide(&stat, RELOOK_CARRIER_UNKNOWN, RELOOK_CARRIER_UP),
			 RELOOK_NOW);
	assert_int_equal(relook_decide(&fall, RELOOK_CARRIER_DOWN, RELOOK_CARRIER_UP), RELOOK_NOW);
	assert_int_equal(relook_decide(&fall, RELOOK_CARRIER_UNKNOWN, RELOOK_CARRIER_UP),
			 RELOOK_NOW);
}

static void test_no_carrier(void **unused)
{
	struct usbnet_status stat = status(USBNET_STATE_DEGRADED, "");
	struct usbnet_status fall = status(USBNET_STATE_DEGRADED, "none link-local");

	(void)unused;
	/* Without carrier nothing can answer: no look, no timer. */
	for (int b = RELOOK_CARRIER_UNKNOWN; b <= RELOOK_CARRIER_UP; b++) {
		assert_int_equal(relook_decide(&stat, b, RELOOK_CARRIER_DOWN), RELOOK_NONE);
		assert_int_equal(relook_decide(&fall, b, RELOOK_CARRIER_DOWN), RELOOK_NONE);
		assert_int_equal(relook_decide(&stat, b, RELOOK_CARRIER_UNKNOWN), RELOOK_NONE);
	}
}

static void test_steady_carrier(void **unused)
{
	struct usbnet_status stat = status(USBNET_STATE_DEGRADED, "");
	struct usbnet_status found = status(USBNET_STATE_DEGRADED, "arp-probe profile");
	struct usbnet_status fall = status(USBNET_STATE_DEGRADED, "none link-local");

	(void)unused;
	/* A peer that did not answer on a link that has carrier: the timer. Discovery again on
	 * a timer: no (the fallback waits for its carrier to change). */
	assert_int_equal(relook_decide(&stat, RELOOK_CARRIER_UP, RELOOK_CARRIER_UP), RELOOK_TIMER);
	assert_int_equal(relook_decide(&found, RELOOK_CARRIER_UP, RELOOK_CARRIER_UP),
			 RELOOK_TIMER);
	assert_int_equal(relook_decide(&fall, RELOOK_CARRIER_UP, RELOOK_CARRIER_UP), RELOOK_NONE);
	assert_true(relook_is_fallback(&fall));
	assert_false(relook_is_fallback(&found));
	assert_false(relook_is_fallback(&stat));
}

static void test_not_degraded(void **unused)
{
	static const enum usbnet_state others[] = {
		USBNET_STATE_UNCONFIGURED, USBNET_STATE_CONFIGURED, USBNET_STATE_FAILED,
		USBNET_STATE_CONFLICT,	   USBNET_STATE_VANISHED,
	};

	(void)unused;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct usbnet_status st = status(others[i], "none link-local");

		assert_false(relook_follows(&st));
		for (int b = RELOOK_CARRIER_UNKNOWN; b <= RELOOK_CARRIER_UP; b++)
			for (int n = RELOOK_CARRIER_UNKNOWN; n <= RELOOK_CARRIER_UP; n++)
				assert_int_equal(relook_decide(&st, b, n), RELOOK_NONE);
	}
}

static void test_backoff(void **unused)
{
	uint32_t w = 0, seen[16];

	(void)unused;
	for (size_t i = 0; i < 16; i++)
		seen[i] = w = relook_next_ms(w);
	assert_int_equal(seen[0], RELOOK_FIRST_MS);
	for (size_t i = 1; i < 16; i++) {
		assert_true(seen[i] >= seen[i - 1]);
		assert_true(seen[i] <= RELOOK_MAX_MS);
		if (seen[i - 1] * 2 <= RELOOK_MAX_MS)
			assert_int_equal(seen[i], seen[i - 1] * 2);
	}
	assert_int_equal(seen[15], RELOOK_MAX_MS);
	/* A device that answers 8 s after it was found degraded is looked at by then: the
	 * looks' times add up past 8 s within the first few. */
	assert_true(seen[0] + seen[1] + seen[2] >= 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carrier_comes),
		cmocka_unit_test(test_no_carrier),
		cmocka_unit_test(test_steady_carrier),
		cmocka_unit_test(test_not_degraded),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

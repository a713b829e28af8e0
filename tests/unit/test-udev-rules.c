/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The udev rules' generator: what it writes as it is, how it encodes a product as udev does,
 * and which values it leaves to udev's helper. tests/cli/test-udev-rules.sh evaluates the whole
 * rules against udev-probe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "peer/config.h"
#include "peer/udev-rules.h"

#define HELPER "/usr/libexec/usbnet-host/udev-probe"

static char *rules_for(const char *conf)
{
	struct usbnet_config *c = NULL;
	char err[256], *text = NULL;
	size_t len = 0;
	FILE *f;

	if (conf)
		assert_int_equal(config_parse(conf, strlen(conf), "t.conf", &c, err, sizeof(err)),
				 0);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(udev_rules_write(f, c, HELPER, "t.conf"), 0);
	assert_int_equal(fclose(f), 0);
	config_free(c);
	return text;
}

/* The lines after "# [peer NAME]" up to the next comment or blank line. */
static char *group_lines(const char *text, const char *name)
{
	char head[128], *start, *end, *out;

	snprintf(head, sizeof(head), "# [peer %s]", name);
	start = strstr(text, head);
	assert_non_null(start);
	start = strchr(start, '\n') + 1;
	for (end = start; *end && *end != '#' && *end != '\n' && strncmp(end, "LABEL", 5) != 0;)
		end = strchr(end, '\n') + 1;
	out = strndup(start, (size_t)(end - start));
	assert_non_null(out);
	return out;
}

static void test_encode_escapes_what_udev_escapes(void **state)
{
	char buf[128];

	assert_true(udev_rules_encode("N900 (PC-Suite Mode)", buf, sizeof(buf)));
	assert_string_equal(buf, "N900\\x20\\x28PC-Suite\\x20Mode\\x29");
	assert_true(udev_rules_encode("a#+-.:=@_Z9", buf, sizeof(buf)));
	assert_string_equal(buf, "a#+-.:=@_Z9");
	assert_true(udev_rules_encode("*?[|\"\\", buf, sizeof(buf)));
	assert_string_equal(buf, "\\x2a\\x3f\\x5b\\x7c\\x22\\x5c");
	assert_false(udev_rules_encode("a b", buf, 4));
}

static void test_plain_safe_refuses_glob_quote_and_substitution(void **state)
{
	assert_true(udev_rules_plain_safe("Fobnail"));
	assert_true(udev_rules_plain_safe("Linux USB Ethernet/RNDIS Gadget (1)"));
	for (const char *const *s =
		 (const char *const[]){"Glob*", "a?b", "[x", "a|b", "a\"b", "a\\b", "$x", "%k",
				       "Ger\xc3\xa4t", "tab\there", NULL};
	     *s; s++)
		assert_false(udev_rules_plain_safe(*s));
}

static void test_exact_length_ends_where_a_cut_string_could_equal(void **state)
{
	char s[USBNET_STR_MAX];

	memset(s, 'a', sizeof(s));
	s[122] = '\0';
	assert_true(udev_rules_exact_length(s));
	s[122] = 'a';
	s[123] = '\0';
	assert_false(udev_rules_exact_length(s));
}

static void test_product_with_spaces_matches_both_forms(void **state)
{
	char *text = rules_for("[peer n]\nproduct=N900 (PC-Suite Mode)\nmode=bridge\n");
	char *g = group_lines(text, "n");

	assert_non_null(strstr(g, "ENV{ID_MODEL_ENC}==\"N900\\x20\\x28PC-Suite\\x20Mode\\x29|"
				  "N900 (PC-Suite Mode)\", ENV{.USBNET_HOST_MODE}=\"bridge\""));
	/* another encoding of it: the helper */
	assert_non_null(strstr(g, "ENV{ID_MODEL_ENC}==\"N9*\\\\*|\\\\x4[eE]9*|N\\\\x39*|"
				  "\\\\x4[eE]\\\\x39*\", ENV{ID_MODEL_ENC}!=\"N900\\x20"));
	free(g);
	free(text);
}

static void test_glob_and_non_ascii_values_run_the_helper(void **state)
{
	char *text = rules_for("[peer g]\nusb=1209:0002\nproduct=Glob*\nmode=gateway\n\n"
			       "[peer s]\ndriver=cdc_ncm\nserial=G*1\n\n"
			       "[peer u]\nproduct=Ger\xc3\xa4t\n");
	char *g = group_lines(text, "g"), *s = group_lines(text, "s"), *u = group_lines(text, "u");

	assert_string_equal(g, "");
	assert_non_null(strstr(text, "# [peer g] (line 1)\n# (a product string a rule cannot "
				     "match exactly: the helper)\nENV{ID_VENDOR_ID}==\"1209\", "
				     "ENV{ID_MODEL_ID}==\"0002\", GOTO=\"usbnet_host_helper\"\n"));
	assert_non_null(
	    strstr(text, "ENV{ID_USB_DRIVER}==\"cdc_ncm\", GOTO=\"usbnet_host_helper\""));
	assert_null(strstr(text, "Glob*"));
	assert_null(strstr(text, "G*1"));
	assert_null(strstr(text, "Ger"));
	free(g);
	free(s);
	free(u);
	free(text);
}

static void test_mac_matches_either_case(void **state)
{
	char *text = rules_for("[peer m]\nmac=0A:1b:2C:3d:4e:5f\n");

	assert_non_null(
	    strstr(text, "ENV{ID_NET_NAME_MAC}==\"enx0[aA]1[bB]2[cC]3[dD]4[eE]5[fF]\""));
	free(text);
}

static void test_group_without_mode_keeps_the_profile_mode(void **state)
{
	char *text = rules_for("[peer a]\nusb=0525:a4a1\n\n[peer b]\nusb=1209:0001\n"
			       "address=10.1.0.1/24\n");
	char *a = group_lines(text, "a"), *b = group_lines(text, "b");

	assert_non_null(strstr(a, "ENV{.USBNET_HOST_MODE}==\"\", ENV{.USBNET_HOST_MODE}=\"auto\""));
	assert_non_null(
	    strstr(b, "ENV{.USBNET_HOST_MODE}==\"\", ENV{.USBNET_HOST_MODE}=\"static\""));
	free(a);
	free(b);
	free(text);
}

static void test_driver_that_is_no_peer_driver_matches_nothing(void **state)
{
	char *text = rules_for("[peer d]\ndriver=r8152\n");
	char *d = group_lines(text, "d");

	assert_string_equal(d, "");
	assert_null(strstr(text, "r8152"));
	free(d);
	free(text);
}

static void test_auto_none_leaves_profiles_untagged(void **state)
{
	char *none = rules_for("[general]\nauto=none\n");
	char *dflt = rules_for(NULL);
	const char *line = "ENV{.USBNET_HOST_MODE}!=\"ignore\", ENV{USBNET_HOST_AUTO}=\"1\"\n";

	assert_null(strstr(none, line));
	assert_non_null(strstr(dflt, line));
	free(none);
	free(dflt);
}

static void test_one_helper_line_and_no_device_string(void **state)
{
	char *text = rules_for(NULL);
	const char *p = strstr(text, "IMPORT{program}");

	assert_non_null(p);
	assert_null(strstr(p + 1, "IMPORT{program}"));
	assert_non_null(strstr(text, "IMPORT{program}=\"" HELPER "\"\n"));
	/* every profile that can match is there; the tethering IDs end it */
	assert_non_null(strstr(text,
			       "ENV{ID_VENDOR_ID}==\"1234\", ENV{ID_MODEL_ID}==\"4321\", "
			       "ENV{ID_USB_DRIVER}==\"cdc_eem\", ENV{ID_MODEL_ENC}==\"Fobnail\""));
	assert_non_null(strstr(text, "ENV{ID_VENDOR_ID}==\"18d1\", ENV{ID_MODEL_ID}==\"4ee3\", "
				     "GOTO=\"usbnet_host_tag\""));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_escapes_what_udev_escapes),
	    cmocka_unit_test(test_plain_safe_refuses_glob_quote_and_substitution),
	    cmocka_unit_test(test_exact_length_ends_where_a_cut_string_could_equal),
	    cmocka_unit_test(test_product_with_spaces_matches_both_forms),
	    cmocka_unit_test(test_glob_and_non_ascii_values_run_the_helper),
	    cmocka_unit_test(test_mac_matches_either_case),
	    cmocka_unit_test(test_group_without_mode_keeps_the_profile_mode),
	    cmocka_unit_test(test_driver_that_is_no_peer_driver_matches_nothing),
	    cmocka_unit_test(test_auto_none_leaves_profiles_untagged),
	    cmocka_unit_test(test_one_helper_line_and_no_device_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

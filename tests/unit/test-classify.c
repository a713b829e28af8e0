/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Classification: configuration first, then profiles, else ignore; upstream devices left alone. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "peer/config.h"
#include "core/ctx.h"

static struct usbnet_ctx ctx;

static int setup(void **state)
{
	memset(&ctx, 0, sizeof(ctx));
	return 0;
}

static int teardown(void **state)
{
	ctx.config = config_free(ctx.config);
	return 0;
}

static void use_config(const char *text)
{
	char err[512];
	int r;

	ctx.config = config_free(ctx.config);
	r = config_parse(text, strlen(text), "test.conf", &ctx.config, err, sizeof(err));
	if (r < 0)
		print_error("%s\n", err);
	assert_int_equal(r, 0);
}

static struct usbnet_peer fobnail(void)
{
	struct usbnet_peer p = {
		.ifname = "usb0",
		.driver = "cdc_eem",
		.protocol = USBNET_PROTO_EEM,
		.vendor_id = 0x1234,
		.product_id = 0x4321,
		.manufacturer = "3mdeb",
		.product = "Fobnail",
		.serial = "0123456789",
		.mac = "02:00:00:00:00:01",
	};
	return p;
}

static struct usbnet_peer android(void)
{
	struct usbnet_peer p = {
		.ifname = "usb0",
		.driver = "rndis_host",
		.protocol = USBNET_PROTO_RNDIS,
		.vendor_id = 0x18d1,
		.product_id = 0x4ee3,
		.product = "Pixel 7",
		.serial = "28011FDH2000AB",
	};
	return p;
}

static struct usbnet_peer composite_gadget(void)
{
	struct usbnet_peer p = {
		.ifname = "enx020000000002",
		.driver = "cdc_ncm",
		.protocol = USBNET_PROTO_NCM,
		.vendor_id = 0x1d6b,
		.product_id = 0x0104,
		.product = "Multifunction Composite Gadget",
		.serial = "fedcba9876543210",
	};
	return p;
}

static const char *ip(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET, &a, buf[i], sizeof(buf[i]));
}

static const char *cidr(const struct usbnet_ip4 *a)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	return usbnet_ip4_format(a, buf[i], sizeof(buf[i]));
}

static void test_plan_fobnail_gets_static_169_254_0_8(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_STATIC);
	assert_string_equal(plan.profile, "fobnail");
	assert_string_equal(plan.config_peer, "");
	assert_true(plan.has_host);
	assert_string_equal(cidr(&plan.host), "169.254.0.8/16");
	assert_true(plan.has_peer);
	assert_string_equal(ip(plan.peer), "169.254.0.1");
	assert_false(plan.peer_serves_dhcp);
	assert_false(plan.trusted);
	assert_false(plan.dns);
	assert_string_equal(plan.uplink, "");
	assert_string_equal(plan.bridge, "");
	assert_int_equal(plan.wait_s, 3);
	assert_true(usbnet_mode_is_owned(plan.mode));
}

static void test_plan_n900_gets_static_192_168_2_14(void **state)
{
	struct usbnet_peer p = { .driver = "cdc_ether",
				 .protocol = USBNET_PROTO_ECM,
				 .vendor_id = 0x0421,
				 .product_id = 0x01c8 };
	struct usbnet_plan plan;

	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_STATIC);
	assert_string_equal(plan.profile, "n900");
	assert_string_equal(cidr(&plan.host), "192.168.2.14/24");
	assert_string_equal(ip(plan.peer), "192.168.2.15");
}

static void test_fake_fobnail_without_product_is_ignored(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	strcpy(p.product, "Test Gadget");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_IGNORE);
	assert_string_equal(plan.profile, "");
}

static void test_unknown_peer_is_ignored(void **state)
{
	struct usbnet_peer p = composite_gadget();
	struct usbnet_plan plan;

	use_config("[peer other]\nusb=0525:a4a1\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_IGNORE);
	assert_string_equal(plan.profile, "");
	assert_string_equal(plan.config_peer, "");
	assert_false(plan.has_host);
	assert_false(plan.has_peer);
	assert_int_equal(plan.wait_s, 0);
	assert_false(usbnet_mode_is_owned(plan.mode));
}

static void test_classify_without_context_uses_profiles(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	usbnet_classify(NULL, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_STATIC);
	assert_string_equal(plan.profile, "fobnail");
	usbnet_classify(&ctx, &p, &plan); /* ctx->config NULL */
	assert_int_equal(plan.mode, USBNET_MODE_STATIC);
}

static void test_config_group_wins_over_profile(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	use_config("[peer mytoken]\n"
		   "usb=1234:4321\n"
		   "mode=gateway\n"
		   "address=10.9.0.1/24\n"
		   "peer=10.9.0.2\n"
		   "uplink=wlan0\n"
		   "dns=yes\n"
		   "trusted=yes\n"
		   "wait=7\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_GATEWAY);
	assert_string_equal(plan.profile, "fobnail");
	assert_string_equal(plan.config_peer, "mytoken");
	assert_string_equal(cidr(&plan.host), "10.9.0.1/24");
	assert_string_equal(ip(plan.peer), "10.9.0.2");
	assert_string_equal(plan.uplink, "wlan0");
	assert_true(plan.dns);
	assert_true(plan.trusted);
	assert_int_equal(plan.wait_s, 7);
}

static void test_config_mode_only_keeps_profile_addresses(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	use_config("[peer fob]\nproduct=Fobnail\nmode=gateway\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_GATEWAY);
	assert_string_equal(plan.profile, "fobnail");
	assert_string_equal(plan.config_peer, "fob");
	assert_string_equal(cidr(&plan.host), "169.254.0.8/16");
	assert_string_equal(ip(plan.peer), "169.254.0.1");
	assert_int_equal(plan.wait_s, 3);
}

static void test_config_address_alone_does_not_mix_with_profile_peer(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	/* The group owns the addressing: the Fobnail's 169.254.0.1 is not paired with it. */
	use_config("[peer fob]\nserial=0123456789\naddress=10.1.0.1/24\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_STATIC);
	assert_string_equal(cidr(&plan.host), "10.1.0.1/24");
	assert_false(plan.has_peer);
	assert_int_equal(plan.wait_s, 0);
}

static void test_config_can_claim_unknown_gadget(void **state)
{
	struct usbnet_peer p = composite_gadget();
	struct usbnet_plan plan;

	use_config("[peer board]\nserial=fedcba9876543210\naddress=192.168.7.1/30\n"
		   "peer=192.168.7.2\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_STATIC);
	assert_string_equal(plan.profile, "");
	assert_string_equal(plan.config_peer, "board");
	assert_string_equal(cidr(&plan.host), "192.168.7.1/30");
	assert_string_equal(ip(plan.peer), "192.168.7.2");
	assert_int_equal(plan.wait_s, 3);
	assert_true(usbnet_mode_is_owned(plan.mode));
}

static void test_config_claim_without_address_is_auto(void **state)
{
	struct usbnet_peer p = composite_gadget();
	struct usbnet_plan plan;

	use_config("[peer board]\nusb=1d6b:0104\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_AUTO);
	assert_false(plan.has_host);
	assert_int_equal(plan.wait_s, 0);
	assert_true(usbnet_mode_is_owned(plan.mode));
}

static void test_config_can_ignore_a_profile_device(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	use_config("[peer leave-it]\nusb=1234:4321\nmode=ignore\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_IGNORE);
	assert_string_equal(plan.config_peer, "leave-it");
	assert_false(plan.has_host);
	assert_int_equal(plan.wait_s, 0);
	assert_false(usbnet_mode_is_owned(plan.mode));
}

static void test_config_dhcp_mode_plans_no_host_address(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	use_config("[peer fob]\nusb=1234:4321\nmode=dhcp\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_DHCP);
	assert_false(plan.has_host);
	assert_true(plan.peer_serves_dhcp);
	assert_int_equal(plan.wait_s, 0);
}

static void test_config_wait_zero_overrides_default(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	use_config("[peer fob]\nusb=1234:4321\nwait=0\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.wait_s, 0);
}

static void test_trusted_comes_only_from_config(void **state)
{
	struct usbnet_peer p = composite_gadget();
	struct usbnet_plan plan;

	use_config("[peer b]\nusb=1d6b:0104\nmode=dhcp\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_false(plan.trusted);
	ctx.config = config_free(ctx.config);
	use_config("[peer b]\nusb=1d6b:0104\nmode=dhcp\ntrusted=yes\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_true(plan.trusted);
}

static void test_android_tethering_is_ignored_even_with_auto_profiles(void **state)
{
	struct usbnet_peer p = android();
	struct usbnet_plan plan;

	assert_true(usbnet_peer_is_upstream(&p));
	use_config("[general]\nauto=profiles\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_IGNORE);
	assert_false(usbnet_mode_is_owned(plan.mode));
}

static void test_android_tethering_is_ignored_even_with_profile_ids(void **state)
{
	/* A modem driver on a device that claims the Fobnail's IDs and product. */
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	strcpy(p.driver, "qmi_wwan");
	p.protocol = USBNET_PROTO_UNKNOWN;
	assert_true(usbnet_peer_is_upstream(&p));
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_IGNORE);
	assert_string_equal(plan.profile, "");
	assert_false(plan.has_host);
}

static void test_android_tethering_is_ignored_by_a_driver_only_group(void **state)
{
	struct usbnet_peer p = android();
	struct usbnet_plan plan;

	/* Written for RNDIS gadgets: must not capture the user's phone. */
	use_config("[peer gadgets]\ndriver=rndis_host\naddress=192.168.2.14/24\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_IGNORE);
	assert_false(plan.has_host);
}

static void test_android_tethering_named_by_a_group_is_configured(void **state)
{
	struct usbnet_peer p = android();
	struct usbnet_plan plan;

	use_config("[peer phone]\nusb=18d1:4ee3\nserial=28011FDH2000AB\nmode=static\n"
		   "address=192.168.42.10/24\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_STATIC);
	assert_string_equal(plan.config_peer, "phone");
	assert_string_equal(cidr(&plan.host), "192.168.42.10/24");
}

static void test_first_matching_group_wins(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	use_config("[peer first]\nproduct=Fobnail\nmode=bridge\nbridge=br0\n"
		   "[peer second]\nusb=1234:4321\nmode=gateway\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_BRIDGE);
	assert_string_equal(plan.config_peer, "first");
	assert_string_equal(plan.bridge, "br0");
}

static void test_mode_ownership(void **state)
{
	assert_true(usbnet_mode_is_owned(USBNET_MODE_STATIC));
	assert_true(usbnet_mode_is_owned(USBNET_MODE_GATEWAY));
	assert_true(usbnet_mode_is_owned(USBNET_MODE_BRIDGE));
	assert_true(usbnet_mode_is_owned(USBNET_MODE_AUTO));
	assert_false(usbnet_mode_is_owned(USBNET_MODE_IGNORE));
	assert_false(usbnet_mode_is_owned(USBNET_MODE_DHCP));
	assert_false(usbnet_mode_is_owned((enum usbnet_mode)42));
}

static void test_plan_is_fully_written(void **state)
{
	struct usbnet_peer p = composite_gadget();
	struct usbnet_plan plan;

	memset(&plan, 0xa5, sizeof(plan));
	usbnet_classify(&ctx, &p, &plan);
	assert_int_equal(plan.mode, USBNET_MODE_IGNORE);
	assert_string_equal(plan.profile, "");
	assert_string_equal(plan.uplink, "");
	assert_false(plan.trusted);
	assert_int_equal(plan.wait_s, 0);
}

static void test_auto_none_leaves_profile_peers_to_the_user_but_not_groups(void **state)
{
	struct usbnet_peer p = fobnail();
	struct usbnet_plan plan;

	usbnet_classify(&ctx, &p, &plan);
	assert_true(usbnet_plan_is_automatic(&ctx, &plan));

	use_config("[general]\nauto=none\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_string_equal(plan.profile, "fobnail");
	assert_false(usbnet_plan_is_automatic(&ctx, &plan));

	use_config("[general]\nauto=none\n[peer token]\nproduct=Fobnail\n");
	usbnet_classify(&ctx, &p, &plan);
	assert_true(usbnet_plan_is_automatic(&ctx, &plan));

	p = composite_gadget();
	usbnet_classify(&ctx, &p, &plan);
	assert_false(usbnet_plan_is_automatic(&ctx, &plan));
}

/* The peer's name: group, else PROFILE-SERIAL, else VID-PID-SERIAL; a label's characters. */
static void test_peer_names(void **state)
{
	struct usbnet_peer n900 = fobnail(), other = fobnail();
	struct usbnet_plan plan;

	n900.vendor_id = 0x0421;
	n900.product_id = 0x01c8;
	n900.driver[0] = '\0';
	snprintf(n900.driver, sizeof(n900.driver), "cdc_ether");
	n900.protocol = USBNET_PROTO_ECM;
	snprintf(n900.product, sizeof(n900.product), "N900 (PC-Suite Mode)");
	snprintf(n900.serial, sizeof(n900.serial), "SNN900B");
	usbnet_classify(&ctx, &n900, &plan);
	assert_string_equal(plan.profile, "n900");
	assert_string_equal(plan.name, "n900-snn900b");
	assert_true(usbnet_name_valid(plan.name));

	/* no serial: the USB path tells two apart */
	n900.serial[0] = '\0';
	snprintf(n900.usb_path, sizeof(n900.usb_path), "1-1.4");
	usbnet_classify(&ctx, &n900, &plan);
	assert_string_equal(plan.name, "n900-usb1-1-4");

	/* no profile: VID-PID-SERIAL; odd characters become one '-', none first or last */
	other.vendor_id = 0x1d6b;
	other.product_id = 0x0104;
	snprintf(other.product, sizeof(other.product), "Board");
	snprintf(other.serial, sizeof(other.serial), "--AB_c d\x01\xff--");
	usbnet_classify(&ctx, &other, &plan);
	assert_string_equal(plan.name, "1d6b-0104-ab-c-d");
	assert_true(usbnet_name_valid(plan.name));

	/* a [peer] group's name wins, lowered, '_' and '.' as '-' */
	snprintf(other.serial, sizeof(other.serial), "B0001");
	use_config("[peer My_Board.2]\nserial=B0001\naddress=10.77.0.1/24\n");
	usbnet_classify(&ctx, &other, &plan);
	assert_string_equal(plan.name, "my-board-2");

	/* not a USB device (a forced veth): no name of its own */
	memset(&other, 0, sizeof(other));
	snprintf(other.ifname, sizeof(other.ifname), "veth0");
	usbnet_classify(&ctx, &other, &plan);
	assert_string_equal(plan.name, "");

	assert_false(usbnet_name_valid(""));
	assert_false(usbnet_name_valid("-a"));
	assert_false(usbnet_name_valid("A"));
	assert_false(usbnet_name_valid("a.usbnet"));
	assert_true(usbnet_name_valid("a-1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_plan_fobnail_gets_static_169_254_0_8),
		T(test_auto_none_leaves_profile_peers_to_the_user_but_not_groups),
		T(test_plan_n900_gets_static_192_168_2_14),
		T(test_fake_fobnail_without_product_is_ignored),
		T(test_unknown_peer_is_ignored),
		T(test_classify_without_context_uses_profiles),
		T(test_config_group_wins_over_profile),
		T(test_config_mode_only_keeps_profile_addresses),
		T(test_config_address_alone_does_not_mix_with_profile_peer),
		T(test_config_can_claim_unknown_gadget),
		T(test_config_claim_without_address_is_auto),
		T(test_config_can_ignore_a_profile_device),
		T(test_config_dhcp_mode_plans_no_host_address),
		T(test_config_wait_zero_overrides_default),
		T(test_trusted_comes_only_from_config),
		T(test_android_tethering_is_ignored_even_with_auto_profiles),
		T(test_android_tethering_is_ignored_even_with_profile_ids),
		T(test_android_tethering_is_ignored_by_a_driver_only_group),
		T(test_android_tethering_named_by_a_group_is_configured),
		T(test_first_matching_group_wins),
		T(test_mode_ownership),
		T(test_plan_is_fully_written),
		T(test_peer_names),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The built-in profile table: what matches, what never does, what each profile says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "peer/profiles.h"

static struct usbnet_peer usb(uint16_t vid, uint16_t pid, const char *product,
			      enum usbnet_protocol proto)
{
	struct usbnet_peer p = { .vendor_id = vid, .product_id = pid, .protocol = proto };

	if (product)
		strcpy(p.product, product);
	return p;
}

static void assert_profile(const struct usbnet_peer *peer, const char *id)
{
	const struct profile *p = profile_match(peer);

	assert_non_null(p);
	assert_string_equal(p->id, id);
}

static void test_maemo_matches_both_g_ether_ids(void **state)
{
	struct usbnet_peer ecm = usb(0x0525, 0xa4a1, "RNDIS/Ethernet Gadget", USBNET_PROTO_ECM);
	struct usbnet_peer rndis = usb(0x0525, 0xa4a2, NULL, USBNET_PROTO_RNDIS);
	struct usbnet_peer subset = usb(0x0525, 0xa4a2, NULL, USBNET_PROTO_SUBSET);

	assert_profile(&ecm, "maemo");
	assert_profile(&rndis, "maemo");
	assert_profile(&subset, "maemo");
	assert_string_equal(profile_match(&ecm)->host, "192.168.2.14/24");
	assert_string_equal(profile_match(&ecm)->peer, "192.168.2.15");
}

static void test_n900_matches_its_ids(void **state)
{
	struct usbnet_peer p = usb(0x0421, 0x01c8, "N900 (PC-Suite Mode)", USBNET_PROTO_ECM);

	assert_profile(&p, "n900");
	assert_int_equal(profile_match(&p)->mode, USBNET_MODE_STATIC);
}

static void test_fobnail_matches_ids_and_product(void **state)
{
	struct usbnet_peer p = usb(0x1234, 0x4321, "Fobnail", USBNET_PROTO_EEM);
	const struct profile *prof;

	assert_profile(&p, "fobnail");
	prof = profile_match(&p);
	assert_int_equal(prof->mode, USBNET_MODE_STATIC);
	assert_string_equal(prof->host, "169.254.0.8/16");
	assert_string_equal(prof->peer, "169.254.0.1");
	assert_false(prof->serves_dhcp);
}

static void test_fobnail_ids_with_other_product_do_not_match(void **state)
{
	struct usbnet_peer other = usb(0x1234, 0x4321, "Test Gadget", USBNET_PROTO_EEM);
	struct usbnet_peer none = usb(0x1234, 0x4321, NULL, USBNET_PROTO_EEM);
	struct usbnet_peer prefix = usb(0x1234, 0x4321, "Fobnail2", USBNET_PROTO_EEM);

	assert_null(profile_match(&other));
	assert_null(profile_match(&none));
	assert_null(profile_match(&prefix));
}

static void test_fobnail_product_with_other_ids_does_not_match(void **state)
{
	struct usbnet_peer p = usb(0x1d6b, 0x0104, "Fobnail", USBNET_PROTO_EEM);

	assert_null(profile_match(&p));
}

static void test_known_protocol_must_agree(void **state)
{
	struct usbnet_peer ncm = usb(0x1234, 0x4321, "Fobnail", USBNET_PROTO_NCM);
	struct usbnet_peer unknown = usb(0x1234, 0x4321, "Fobnail", USBNET_PROTO_UNKNOWN);

	assert_null(profile_match(&ncm));
	/* Discovery could not tell the protocol: the IDs and product decide. */
	assert_profile(&unknown, "fobnail");
}

static void test_zaurus_matches_both_ids(void **state)
{
	struct usbnet_peer a = usb(0x04dd, 0x8004, NULL, USBNET_PROTO_ZAURUS);
	struct usbnet_peer b = usb(0x04dd, 0x9031, NULL, USBNET_PROTO_ZAURUS);

	assert_profile(&a, "zaurus");
	assert_profile(&b, "zaurus");
	assert_string_equal(profile_match(&a)->host, "192.168.129.1/24");
	assert_string_equal(profile_match(&a)->peer, "192.168.129.201");
}

static void test_unknown_ids_match_nothing(void **state)
{
	struct usbnet_peer p = usb(0xdead, 0xbeef, "Something", USBNET_PROTO_ECM);
	struct usbnet_peer zero = usb(0, 0, NULL, USBNET_PROTO_UNKNOWN);

	assert_null(profile_match(&p));
	assert_null(profile_match(&zero));
	assert_null(profile_match(NULL));
}

static void test_linux_composite_gadget_id_matches_nothing(void **state)
{
	/* 1d6b:0104 is every configfs gadget's ID: claiming it as a BeagleBone would capture
	 * every board, whatever protocol it speaks. */
	for (enum usbnet_protocol proto = USBNET_PROTO_UNKNOWN; proto <= USBNET_PROTO_ZAURUS;
	     proto++) {
		struct usbnet_peer p = usb(0x1d6b, 0x0104, "BeagleBoneBlack", proto);

		assert_null(profile_match(&p));
	}
}

static void test_protocol_alone_matches_nothing(void **state)
{
	/* postmarketOS records NCM, but NCM is every modern gadget's protocol. */
	struct usbnet_peer p = usb(0x18d1, 0xd001, "postmarketOS", USBNET_PROTO_NCM);

	assert_null(profile_match(&p));
}

static void test_profile_by_id_finds_every_profile(void **state)
{
	const char *ids[] = { "maemo",	      "n900",	    "fobnail", "beaglebone",
			      "postmarketos", "remarkable", "kindle",  "zaurus",
			      "openmoko",     "nanonote" };

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		const struct profile *p = profile_by_id(ids[i]);

		assert_non_null(p);
		assert_string_equal(p->id, ids[i]);
	}
	assert_null(profile_by_id("android"));
	assert_null(profile_by_id(NULL));
}

static void test_dhcp_serving_profiles_plan_no_host_address(void **state)
{
	const char *ids[] = { "beaglebone", "postmarketos", "remarkable" };

	for (size_t i = 0; i < 3; i++) {
		const struct profile *p = profile_by_id(ids[i]);

		assert_int_equal(p->mode, USBNET_MODE_DHCP);
		assert_true(p->serves_dhcp);
		assert_null(p->host);
		assert_non_null(p->peer);
	}
	assert_string_equal(profile_by_id("postmarketos")->peer, "172.16.42.1");
	assert_string_equal(profile_by_id("remarkable")->peer, "10.11.99.1");
}

/* The Raspberry Pi gadget (2e8a:0013): host 10.42.0.1 shared, the Pi a DHCP client with the
 * router option it needs to keep its lease. */
static void test_rpi_gadget_is_served_on_a_shared_address(void **state)
{
	struct usbnet_peer peer = {.vendor_id = 0x2e8a, .product_id = 0x0013,
				   .protocol = USBNET_PROTO_ECM};
	const struct profile *p = profile_match(&peer);

	assert_non_null(p);
	assert_string_equal(p->id, "rpi-gadget");
	assert_int_equal(p->mode, USBNET_MODE_STATIC);
	assert_string_equal(p->host, "10.42.0.1/24");
	assert_true(p->dhcp_server && p->dhcp_router && p->shared_host);
	/* it probes 10.42.0.1 from its own shared-mode address */
	assert_string_equal(p->probe_from, "10.12.194.0/28");
	peer.product_id = 0x0012;
	p = profile_match(&peer);
	assert_true(!p || strcmp(p->id, "rpi-gadget") != 0);
}

static void test_every_entry_is_consistent(void **state)
{
	for (size_t i = 0; i < n_profiles; i++) {
		const struct profile *p = &profiles[i];
		struct usbnet_ip4 ip;

		assert_non_null(p->id);
		assert_non_null(p->name);
		assert_true(strlen(p->id) < USBNET_NAME_MAX);
		if (p->host)
			assert_int_equal(usbnet_ip4_parse(p->host, true, &ip), 0);
		if (p->peer)
			assert_int_equal(usbnet_ip4_parse(p->peer, false, &ip), 0);
		if (p->probe_from) {
			assert_int_equal(usbnet_ip4_parse(p->probe_from, true, &ip), 0);
			assert_true(ip.prefix > 0);
		}
		if (p->mode == USBNET_MODE_STATIC) {
			assert_non_null(p->host);
			/* A shared host address: the peer's is chosen when it is planned. */
			if (!p->shared_host)
				assert_non_null(p->peer);
			assert_false(p->serves_dhcp);
		}
		if (p->shared_host) {
			assert_true(p->dhcp_server);
			assert_null(p->peer);
		}
		if (p->serves_dhcp)
			assert_null(p->host);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maemo_matches_both_g_ether_ids),
		cmocka_unit_test(test_n900_matches_its_ids),
		cmocka_unit_test(test_fobnail_matches_ids_and_product),
		cmocka_unit_test(test_fobnail_ids_with_other_product_do_not_match),
		cmocka_unit_test(test_fobnail_product_with_other_ids_does_not_match),
		cmocka_unit_test(test_known_protocol_must_agree),
		cmocka_unit_test(test_zaurus_matches_both_ids),
		cmocka_unit_test(test_unknown_ids_match_nothing),
		cmocka_unit_test(test_linux_composite_gadget_id_matches_nothing),
		cmocka_unit_test(test_protocol_alone_matches_nothing),
		cmocka_unit_test(test_profile_by_id_finds_every_profile),
		cmocka_unit_test(test_dhcp_serving_profiles_plan_no_host_address),
		cmocka_unit_test(test_every_entry_is_consistent),
		cmocka_unit_test(test_rpi_gadget_is_served_on_a_shared_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

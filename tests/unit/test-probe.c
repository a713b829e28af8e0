/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * discover's pure parts: the frames it builds, the parsing of what a device sends (which must
 * refuse, not overread, anything truncated or lying about a length), and the choice of the
 * host's address for up --auto.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe/probe.h"
#include "updown/up-auto.h"
#include "core/journal.h"
#include "dns/dns-up.h"
#include "netlink/steps.h"
#include "nm/steps.h"
#include "bridge/bridge.h"
#include "updown/step-kinds.h"

static const uint8_t HOST_MAC[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t PEER_MAC[6] = { 0x0a, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static struct in_addr a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const char *ntoa(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int k;

	k = (k + 1) % 4;
	return inet_ntop(AF_INET, &a, buf[k], sizeof(buf[k]));
}

/* ---- ARP ------------------------------------------------------------------------------------ */

static void test_arp_probe_is_rfc5227_from_0_0_0_0(void **state)
{
	uint8_t fr[ARP_FRAME_LEN];
	struct frame_info f;

	assert_int_equal(arp_build_probe(fr, HOST_MAC, a4("192.168.2.15")), 60);
	assert_int_equal(frame_parse(fr, sizeof(fr), &f), 0);
	assert_int_equal(f.kind, FRAME_ARP);
	assert_memory_equal(f.dst_mac, "\xff\xff\xff\xff\xff\xff", 6);
	assert_memory_equal(f.src_mac, HOST_MAC, 6);
	assert_int_equal(f.arp_op, 1);
	assert_memory_equal(f.arp_sha, HOST_MAC, 6);
	assert_int_equal(f.arp_spa.s_addr, 0); /* the host claims no address */
	assert_memory_equal(f.arp_tha, "\0\0\0\0\0\0", 6);
	assert_string_equal(ntoa(f.arp_tpa), "192.168.2.15");
}

/* What Linux sends back to a probe from 0.0.0.0: a reply to our MAC, target address 0. */
static size_t arp_reply(uint8_t fr[60], const char *spa, const uint8_t *tha, const char *tpa)
{
	struct in_addr s = a4(spa), t = a4(tpa);

	memset(fr, 0, 60);
	memcpy(fr, tha, 6);
	memcpy(fr + 6, PEER_MAC, 6);
	fr[12] = 8, fr[13] = 6;
	fr[15] = 1, fr[16] = 8, fr[18] = 6, fr[19] = 4, fr[21] = 2;
	memcpy(fr + 22, PEER_MAC, 6);
	memcpy(fr + 28, &s, 4);
	memcpy(fr + 32, tha, 6);
	memcpy(fr + 38, &t, 4);
	return 60;
}

static void test_arp_reply_answers_the_probe_for_its_address_only(void **state)
{
	uint8_t fr[60];
	struct frame_info f;

	arp_reply(fr, "192.168.2.15", HOST_MAC, "0.0.0.0");
	assert_int_equal(frame_parse(fr, sizeof(fr), &f), 0);
	assert_true(arp_answers_probe(&f, HOST_MAC, a4("192.168.2.15")));
	assert_false(arp_answers_probe(&f, HOST_MAC, a4("192.168.2.16")));
	/* our own frame looped back is no answer */
	memcpy(f.arp_sha, HOST_MAC, 6);
	assert_false(arp_answers_probe(&f, HOST_MAC, a4("192.168.2.15")));
}

static void test_arp_frames_that_lie_are_refused(void **state)
{
	uint8_t fr[60];
	struct frame_info f;

	arp_reply(fr, "10.0.0.1", HOST_MAC, "0.0.0.0");
	/* every truncation of the ARP body */
	for (size_t n = 0; n < 14 + 28; n++)
		assert_int_equal(frame_parse(fr, n, &f), -EBADMSG);
	assert_int_equal(frame_parse(fr, 14 + 28, &f), 0);
	fr[18] = 8; /* hardware address length 8 */
	assert_int_equal(frame_parse(fr, sizeof(fr), &f), -EBADMSG);
	fr[18] = 6;
	fr[16] = 0x86, fr[17] = 0xdd; /* protocol IPv6 */
	assert_int_equal(frame_parse(fr, sizeof(fr), &f), -EBADMSG);
	assert_int_equal(frame_parse(NULL, 60, &f), -EBADMSG);
}

/* ---- DHCP ----------------------------------------------------------------------------------- */

static void test_dhcp_discover_is_a_broadcast_bootrequest_from_0_0_0_0(void **state)
{
	uint8_t fr[DHCP_FRAME_MAX];
	struct frame_info f;
	size_t n = dhcp_build_discover(fr, HOST_MAC, 0x12345678, 2);
	const uint8_t *b;

	assert_true(n <= DHCP_FRAME_MAX);
	assert_int_equal(frame_parse(fr, n, &f), 0);
	assert_int_equal(f.kind, FRAME_IPV4);
	assert_int_equal(f.ip_src.s_addr, 0);
	assert_int_equal(f.ip_dst.s_addr, INADDR_BROADCAST);
	assert_true(f.udp);
	assert_int_equal(f.udp_sport, 68);
	assert_int_equal(f.udp_dport, 67);
	b = f.udp_payload;
	assert_int_equal(b[0], 1);		  /* BOOTREQUEST */
	assert_memory_equal(b + 4, "\x12\x34\x56\x78", 4); /* xid */
	assert_int_equal(b[10] & 0x80, 0x80);	  /* broadcast flag */
	assert_memory_equal(b + 28, HOST_MAC, 6);
	assert_memory_equal(b + 236, "\x63\x82\x53\x63", 4);
	assert_memory_equal(b + 240, "\x35\x01\x01", 3); /* DHCPDISCOVER */
	/* and nowhere a DHCPREQUEST (53 = 3) */
	for (size_t i = 240; i + 2 < f.udp_len; i++)
		assert_false(b[i] == 53 && b[i + 1] == 1 && b[i + 2] == 3);
}

/* An offer as dnsmasq sends it: yiaddr, options 53, 54, 1, end. */
static size_t offer(uint8_t *b, uint32_t xid, const uint8_t *mac, uint8_t type)
{
	uint8_t *o;

	memset(b, 0, 300);
	b[0] = 2, b[1] = 1, b[2] = 6;
	b[4] = (uint8_t)(xid >> 24), b[5] = (uint8_t)(xid >> 16), b[6] = (uint8_t)(xid >> 8);
	b[7] = (uint8_t)xid;
	memcpy(b + 16, "\xac\x10\x2a\x02", 4); /* 172.16.42.2 */
	memcpy(b + 28, mac, 6);
	memcpy(b + 236, "\x63\x82\x53\x63", 4);
	o = b + 240;
	*o++ = 53, *o++ = 1, *o++ = type;
	*o++ = 54, *o++ = 4, *o++ = 172, *o++ = 16, *o++ = 42, *o++ = 1;
	*o++ = 1, *o++ = 4, *o++ = 255, *o++ = 255, *o++ = 255, *o++ = 0;
	*o++ = 255;
	return (size_t)(o - b);
}

static void test_dhcp_offer_gives_server_address_and_prefix(void **state)
{
	uint8_t b[300];
	size_t n = offer(b, 77, HOST_MAC, 2);
	struct dhcp_offer o;

	assert_int_equal(dhcp_parse_offer(b, n, 77, HOST_MAC, &o), 0);
	assert_string_equal(ntoa(o.yiaddr), "172.16.42.2");
	assert_string_equal(ntoa(o.server_id), "172.16.42.1");
	assert_int_equal(o.prefix, 24);
}

static void test_dhcp_answers_to_others_are_not_ours(void **state)
{
	uint8_t b[300];
	struct dhcp_offer o;

	assert_int_equal(dhcp_parse_offer(b, offer(b, 77, HOST_MAC, 2), 78, HOST_MAC, &o), -ENOMSG);
	assert_int_equal(dhcp_parse_offer(b, offer(b, 77, PEER_MAC, 2), 77, HOST_MAC, &o), -ENOMSG);
	/* an ACK (5) or NAK (6) is not an offer: we never asked for one */
	assert_int_equal(dhcp_parse_offer(b, offer(b, 77, HOST_MAC, 5), 77, HOST_MAC, &o), -ENOMSG);
	b[0] = 1; /* a BOOTREQUEST (another client on the link) */
	assert_int_equal(dhcp_parse_offer(b, 300, 77, HOST_MAC, &o), -ENOMSG);
}

static void test_dhcp_malformed_options_are_refused(void **state)
{
	uint8_t b[300];
	struct dhcp_offer o;
	size_t n = offer(b, 77, HOST_MAC, 2);

	/* every truncation: refused or (past the message type) parsed, never overread */
	for (size_t k = 0; k < n; k++) {
		uint8_t *copy = malloc(k ? k : 1);
		int r;

		memcpy(copy, b, k);
		r = dhcp_parse_offer(copy, k, 77, HOST_MAC, &o);
		assert_true(r == -EBADMSG || r == 0);
		free(copy);
	}
	b[244] = 200; /* option 54 claims 200 bytes */
	assert_int_equal(dhcp_parse_offer(b, n, 77, HOST_MAC, &o), -EBADMSG);
	n = offer(b, 77, HOST_MAC, 2);
	b[241] = 2; /* message type of length 2 */
	assert_int_equal(dhcp_parse_offer(b, n, 77, HOST_MAC, &o), -EBADMSG);
	n = offer(b, 77, HOST_MAC, 2);
	b[236] = 0; /* no magic cookie */
	assert_int_equal(dhcp_parse_offer(b, n, 77, HOST_MAC, &o), -EBADMSG);
	n = offer(b, 77, HOST_MAC, 2);
	memcpy(b + 251, "\xff\x00\xff\x00", 4); /* a mask with holes: no prefix */
	assert_int_equal(dhcp_parse_offer(b, n, 77, HOST_MAC, &o), 0);
	assert_int_equal(o.prefix, 0);
}

static void test_ipv4_lengths_are_checked(void **state)
{
	uint8_t fr[DHCP_FRAME_MAX];
	struct frame_info f;
	size_t n = dhcp_build_discover(fr, HOST_MAC, 1, 0);

	fr[14 + 3] += 1; /* IP total length one past the frame */
	assert_int_equal(frame_parse(fr, n, &f), -EBADMSG);
	fr[14 + 3] -= 1;
	fr[14] = 0x44; /* header length 16 */
	assert_int_equal(frame_parse(fr, n, &f), -EBADMSG);
	fr[14] = 0x45;
	fr[14 + 20 + 4] = 0xff; /* UDP length past the IP packet */
	assert_int_equal(frame_parse(fr, n, &f), -EBADMSG);
}

/* ---- the host's address --------------------------------------------------------------------- */

static void test_profile_address_gives_the_profile_host_address(void **state)
{
	struct usbnet_ip4 h;
	char s[32];

	assert_non_null(auto_profile_for(a4("192.168.2.15"), &h));
	assert_string_equal(usbnet_ip4_format(&h, s, sizeof(s)), "192.168.2.14/24");
	assert_string_equal(auto_profile_for(a4("169.254.0.1"), &h), "fobnail");
	assert_string_equal(usbnet_ip4_format(&h, s, sizeof(s)), "169.254.0.8/16");
	assert_null(auto_profile_for(a4("10.77.0.2"), &h));
	/* a DHCP server's address is no static plan */
	assert_null(auto_profile_for(a4("172.16.42.1"), &h));
}

static void test_candidates_are_lowest_first_skipping_the_peer(void **state)
{
	struct usbnet_ip4 h;

	assert_int_equal(auto_candidate(a4("10.77.0.2"), 24, 0, &h), 0);
	assert_string_equal(ntoa(h.addr), "10.77.0.1");
	assert_int_equal(auto_candidate(a4("10.77.0.2"), 24, 1, &h), 0);
	assert_string_equal(ntoa(h.addr), "10.77.0.3");
	assert_int_equal(auto_candidate(a4("10.77.0.1"), 24, 0, &h), 0);
	assert_string_equal(ntoa(h.addr), "10.77.0.2");
	assert_int_equal(h.prefix, 24);
	/* the last host before the broadcast address, then nothing */
	assert_int_equal(auto_candidate(a4("10.77.0.2"), 24, 252, &h), 0);
	assert_string_equal(ntoa(h.addr), "10.77.0.254");
	assert_int_equal(auto_candidate(a4("10.77.0.2"), 24, 253, &h), -ERANGE);
	assert_int_equal(auto_candidate(a4("10.77.0.2"), 31, 0, &h), -EINVAL);
	assert_int_equal(auto_prefix_for(a4("169.254.7.7")), 16);
	assert_int_equal(auto_prefix_for(a4("10.77.0.2")), 24);
}

static void test_link_local_is_in_rfc3927_range_and_stable(void **state)
{
	struct usbnet_ip4 a, b;

	for (unsigned i = 0; i < 2000; i++) {
		uint32_t h;

		auto_link_local(HOST_MAC, i, &a);
		h = ntohl(a.addr.s_addr);
		assert_true(h >= 0xa9fe0100u && h <= 0xa9fefeffu);
		assert_int_equal(a.prefix, 16);
	}
	auto_link_local(HOST_MAC, 0, &a);
	auto_link_local(HOST_MAC, 0, &b);
	assert_int_equal(a.addr.s_addr, b.addr.s_addr);
	auto_link_local(PEER_MAC, 0, &b);
	assert_int_not_equal(a.addr.s_addr, b.addr.s_addr);
}

static void test_peer_finding_prefers_the_peers_own_words(void **state)
{
	struct usbnet_probe_result r = {};

	r.findings[0] = (struct usbnet_finding){ .method = USBNET_FOUND_IPV4_TRAFFIC,
						 .has_ipv4 = true, .ipv4 = a4("10.1.1.1") };
	r.findings[1] = (struct usbnet_finding){ .method = USBNET_FOUND_IPV6_ALL_NODES };
	r.findings[2] = (struct usbnet_finding){ .method = USBNET_FOUND_ARP_PROBE,
						 .has_ipv4 = true, .ipv4 = a4("192.168.2.15") };
	r.n_findings = 2;
	assert_string_equal(ntoa(auto_peer_finding(&r)->ipv4), "10.1.1.1");
	r.n_findings = 3;
	assert_string_equal(ntoa(auto_peer_finding(&r)->ipv4), "192.168.2.15");
	assert_null(auto_dhcp_finding(&r));
	r.n_findings = 1;
	r.findings[0].ipv4 = a4("0.0.0.0");
	assert_null(auto_peer_finding(&r));
}

static void test_probe_targets_are_profiles_then_the_sweep(void **state)
{
	struct in_addr t;
	const char *id;
	unsigned i = 0, profiles = 0, sweep = 0;
	bool saw_10_77 = false;

	for (; probe_target(i, &t, &id) == 0; i++) {
		if (id) {
			assert_int_equal(sweep, 0); /* profiles first */
			profiles++;
		} else {
			sweep++;
			saw_10_77 |= strcmp(ntoa(t), "10.77.0.2") == 0;
		}
	}
	assert_true(profiles >= 5);
	assert_int_equal(sweep, 1536);
	assert_true(saw_10_77);
}

/* ---- the record ----------------------------------------------------------------------------- */

static void test_record_keeps_how_the_address_was_discovered(void **state)
{
	struct state_record rec = { .ifname = "usb0", .ifindex = 3, .mode = USBNET_MODE_AUTO };
	struct state_record back;
	char *text;

	rec.status.rtt_us = -1;
	strcpy(rec.status.discovered, "arp-sweep lowest-free");
	assert_int_equal(journal_serialize(&rec, &text), 0);
	assert_non_null(strstr(text, "\ndiscovered arp-sweep lowest-free\n"));
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), &back), 0);
	assert_string_equal(back.status.discovered, "arp-sweep lowest-free");
	free(text);

	strcpy(rec.status.discovered, "arp-sweep");
	assert_int_equal(journal_serialize(&rec, &text), -EINVAL);
	strcpy(rec.status.discovered, "Arp x");
	assert_int_equal(journal_serialize(&rec, &text), -EINVAL);
	rec.status.discovered[0] = '\0';
	assert_int_equal(journal_serialize(&rec, &text), 0);
	assert_null(strstr(text, "discovered"));
	free(text);
}

static void test_record_with_a_bad_discovered_line_is_refused(void **state)
{
	static const char *const bad[] = {
		"discovered arp-probe\n", "discovered arp-probe  profile\n",
		"discovered arp-probe profile extra\n", "discovered ARP profile\n",
		"discovered a b\ndiscovered a b\n", "step link-up\ndiscovered a b\n",
	};
	const char *head = "usbnet-host-state 1\nifname usb0\nifindex 3\nusb_path \nserial \n"
			   "mode auto\ntrusted no\nstate configured\nhost -\npeer -\nrtt_us -1\n"
			   "message \n";
	char text[1024];
	struct state_record rec;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%send\n", head, bad[i]);
		assert_int_equal(journal_parse(step_kinds, text, strlen(text), &rec), -EBADMSG);
	}
	snprintf(text, sizeof(text), "%sdiscovered none link-local\nstep link-up\nend\n", head);
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), &rec), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_probe_is_rfc5227_from_0_0_0_0),
		cmocka_unit_test(test_arp_reply_answers_the_probe_for_its_address_only),
		cmocka_unit_test(test_arp_frames_that_lie_are_refused),
		cmocka_unit_test(test_dhcp_discover_is_a_broadcast_bootrequest_from_0_0_0_0),
		cmocka_unit_test(test_dhcp_offer_gives_server_address_and_prefix),
		cmocka_unit_test(test_dhcp_answers_to_others_are_not_ours),
		cmocka_unit_test(test_dhcp_malformed_options_are_refused),
		cmocka_unit_test(test_ipv4_lengths_are_checked),
		cmocka_unit_test(test_profile_address_gives_the_profile_host_address),
		cmocka_unit_test(test_candidates_are_lowest_first_skipping_the_peer),
		cmocka_unit_test(test_link_local_is_in_rfc3927_range_and_stable),
		cmocka_unit_test(test_peer_finding_prefers_the_peers_own_words),
		cmocka_unit_test(test_probe_targets_are_profiles_then_the_sweep),
		cmocka_unit_test(test_record_keeps_how_the_address_was_discovered),
		cmocka_unit_test(test_record_with_a_bad_discovered_line_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

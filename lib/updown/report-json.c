/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reports as JSON: what `list --json` and `show --json` print. The fields of DESIGN.md, in its
 * order:
 *   ifname, driver, protocol (string or null), vendor_id, product_id (4 lower-case hex digits),
 *   manufacturer, product, serial, usb_path (strings as the device gave them, "" when none),
 *   speed_mbps (null when unknown), mac, carrier, profile (null when none), mode,
 *   nm_managed (null without NetworkManager), host_address and peer_address ("A.B.C.D/N" or
 *   null: what is configured when a state record says so, else what the plan would configure;
 *   the peer carries the host's prefix, /32 without a host address), state.
 * and after them:
 *   config_peer    the [peer NAME] group that matched, or null
 *   serves_dhcp    the peer leases addresses (its plan is dhcp, or its profile says so)
 *   addresses      every IPv4 address on the interface now, as CIDR strings
 *   rtt_ms         the last measured round-trip time to the peer, or null
 *   message        why the state is degraded, failed or conflict, or null
 *   binding_warning  a driver binding that cannot carry traffic, or null
 *   gateway        gateway mode: the address the device takes as its default gateway (the
 *                  host's on the link), or null
 *   uplink         gateway mode: the host's interface shared with the peer, or null
 *   uplink_auto    the uplink follows the host's default route (refresh)
 *   uplink6        gateway mode sharing IPv6 through another interface than uplink (the uplink
 *                  follows the default routes, and IPv6's is elsewhere), or null: the same
 *                  interface, or IPv6 not shared
 *   nameserver     gateway mode with --dns: the address the device takes as its DNS server
 *                  (the host's, where the forwarder listens), or null
 *   nameserver6    gateway mode sharing IPv6 with --dns: the link's IPv6 address the
 *                  forwarder listens on too (P::1, in the router advertisements' RDNSS), or
 *                  null
 *   dns_forwarder  {"pid": N or null, "running": bool} when a forwarder is recorded, or null
 *   name           the peer's name (its interface's altname once up, NAME.usbnet), or null
 *   reach_address  the address the host reaches the peer at: its own address, or for an
 *                  identical peer (its subnet another peer's) its alias from the pool; null
 *                  when there is no peer address
 *   dhcp_server    {"pid": N or null, "running": bool, "lease": L or null} when a DHCP server
 *                  for the peer is recorded (--dhcp-server), or null; L is the lease the
 *                  peer holds now: {"address": "A.B.C.D", "mac": "..", "since": S,
 *                  "expires": E} (seconds since the epoch; since: granted or last renewed)
 *   ipv6           "on", or "off" when IPv6 is off on the host's side of the link: as recorded
 *                  for a configured peer, else as the plan would have it
 *   ipv6_prefix    gateway mode sharing IPv6: the /64 the link got ("P::/64"), or null
 *   ipv6_sharing   "nat" (the ULA, masqueraded) or "routed" (ipv6-prefix=), or null
 *   ipv6_addresses the peer's IPv6 addresses the host's neighbour table holds on the link
 *                  (link-local and in the prefix), an array (empty when none or not shared)
 *   discovered     only for a peer that up --auto configured: how the addresses were found
 *                  and chosen ("arp-probe profile", "arp-sweep lowest-free", "none link-local",
 *                  "dhcp-offer dhcp")
 *   waiting_for_carrier  true while a recorded peer's link has no carrier (what show and
 *                  status say as "waiting for carrier": the device has not brought its side
 *                  up; the watcher looks at it again when it does), else false
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "usbnet-host/usbnet.h"

/* Peer strings are fixed arrays filled by discovery: never trust them to hold a NUL. */
#define FIELD(w, s)                                                                                \
	do {                                                                                       \
		char _b[sizeof(s) + 1];                                                            \
		memcpy(_b, (s), sizeof(s));                                                        \
		_b[sizeof(s)] = '\0';                                                              \
		json_string((w), _b);                                                              \
	} while (0)

static void key_field_or_null(struct json_writer *w, const char *key, const char *s, size_t size)
{
	char b[sizeof(((struct usbnet_status *)0)->message) + 1];

	json_key(w, key);
	if (size > sizeof(b) - 1)
		size = sizeof(b) - 1;
	memcpy(b, s, size);
	b[size] = '\0';
	json_string(w, b[0] ? b : NULL);
}

static void key_cidr(struct json_writer *w, const char *key, const struct usbnet_ip4 *ip)
{
	char buf[32];

	json_key(w, key);
	if (ip)
		json_string(w, usbnet_ip4_format(ip, buf, sizeof(buf)));
	else
		json_null(w);
}

static void key_hex4(struct json_writer *w, const char *key, uint16_t v)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%04x", v);
	json_key(w, key);
	json_string(w, buf);
}

static const char *binding_warning(enum usbnet_binding b)
{
	switch (b) {
	case USBNET_BINDING_RNDIS_AS_SUBSET:
		return "cdc_subset is bound to an RNDIS gadget: no traffic will pass; "
		       "the rndis_host driver must take the device";
	case USBNET_BINDING_OK:
	default:
		return NULL;
	}
}

static void write_report(struct json_writer *w, const struct usbnet_report *rep)
{
	const struct usbnet_peer *peer = &rep->peer;
	const struct usbnet_plan *plan = &rep->plan;
	const struct usbnet_status *st = &rep->status;
	const struct usbnet_ip4 *host = NULL;
	struct usbnet_ip4 peer_ip;
	bool has_peer = false;
	bool recorded = st->state != USBNET_STATE_UNCONFIGURED && (st->has_host || st->has_peer);
	size_t n_addrs = peer->n_addrs < USBNET_MAX_ADDRS ? peer->n_addrs : USBNET_MAX_ADDRS;

	if (recorded) {
		host = st->has_host ? &st->host : NULL;
		has_peer = st->has_peer;
		peer_ip.addr = st->peer;
	} else {
		host = plan->has_host ? &plan->host : NULL;
		has_peer = plan->has_peer;
		peer_ip.addr = plan->peer;
	}
	peer_ip.prefix = host ? host->prefix : 32;

	json_begin_object(w);
	json_key(w, "ifname");
	FIELD(w, peer->ifname);
	json_key(w, "driver");
	FIELD(w, peer->driver);
	json_key(w, "protocol");
	json_string(w, usbnet_protocol_name(peer->protocol));
	key_hex4(w, "vendor_id", peer->vendor_id);
	key_hex4(w, "product_id", peer->product_id);
	json_key(w, "manufacturer");
	FIELD(w, peer->manufacturer);
	json_key(w, "product");
	FIELD(w, peer->product);
	json_key(w, "serial");
	FIELD(w, peer->serial);
	json_key(w, "usb_path");
	FIELD(w, peer->usb_path);
	json_key(w, "speed_mbps");
	if (peer->speed_mbps)
		json_int(w, peer->speed_mbps);
	else
		json_null(w);
	json_key(w, "mac");
	FIELD(w, peer->mac);
	json_key(w, "carrier");
	json_bool(w, peer->carrier);
	key_field_or_null(w, "profile", plan->profile, sizeof(plan->profile));
	json_key(w, "mode");
	json_string(w, usbnet_mode_name(plan->mode));
	json_key(w, "nm_managed");
	if (peer->nm_managed == 0 || peer->nm_managed == 1)
		json_bool(w, peer->nm_managed == 1);
	else
		json_null(w);
	key_cidr(w, "host_address", host);
	key_cidr(w, "peer_address", has_peer ? &peer_ip : NULL);
	json_key(w, "state");
	json_string(w, usbnet_state_name(st->state));

	key_field_or_null(w, "config_peer", plan->config_peer, sizeof(plan->config_peer));
	json_key(w, "serves_dhcp");
	json_bool(w, plan->peer_serves_dhcp || plan->mode == USBNET_MODE_DHCP);
	json_key(w, "addresses");
	json_begin_array(w);
	for (size_t i = 0; i < n_addrs; i++) {
		char buf[32];

		json_string(w, usbnet_ip4_format(&peer->addrs[i], buf, sizeof(buf)));
	}
	json_end_array(w);
	json_key(w, "rtt_ms");
	/* -1 means none; a zeroed status (0) is no measurement either: no USB link answers in
	 * under a microsecond. */
	if (st->rtt_us > 0)
		json_fixed(w, st->rtt_us, 3);
	else
		json_null(w);
	key_field_or_null(w, "message", st->message, sizeof(st->message));
	json_key(w, "binding_warning");
	json_string(w, binding_warning(peer->binding));
	json_key(w, "gateway");
	if (st->uplink[0] && st->has_host) {
		char a[INET_ADDRSTRLEN];

		json_string(w, inet_ntop(AF_INET, &st->host.addr, a, sizeof(a)));
	} else {
		json_null(w);
	}
	key_field_or_null(w, "uplink", st->uplink, sizeof(st->uplink));
	json_key(w, "uplink_auto");
	json_bool(w, st->uplink[0] && st->uplink_auto);
	json_key(w, "uplink6");
	{
		const char *up6 = usbnet_status_uplink6(st);

		json_string(w, up6[0] ? up6 : NULL);
	}
	json_key(w, "nameserver");
	if (st->uplink[0] && st->has_host && st->dns) {
		char a[INET_ADDRSTRLEN];

		json_string(w, inet_ntop(AF_INET, &st->host.addr, a, sizeof(a)));
	} else {
		json_null(w);
	}
	json_key(w, "nameserver6");
	if (st->uplink[0] && st->dns && st->has_dns6) {
		char a6[INET6_ADDRSTRLEN];

		json_string(w, inet_ntop(AF_INET6, &st->dns6, a6, sizeof(a6)));
	} else {
		json_null(w);
	}
	json_key(w, "dns_forwarder");
	if (st->dns) {
		json_begin_object(w);
		json_key(w, "pid");
		if (st->dns_pid > 0)
			json_int(w, st->dns_pid);
		else
			json_null(w);
		json_key(w, "running");
		json_bool(w, st->dns_running);
		json_end_object(w);
	} else {
		json_null(w);
	}
	key_field_or_null(w, "name", st->name[0] ? st->name : plan->name,
			  st->name[0] ? sizeof(st->name) : sizeof(plan->name));
	json_key(w, "reach_address");
	if (st->has_reach || has_peer) {
		char a[INET_ADDRSTRLEN];

		json_string(w, inet_ntop(AF_INET, st->has_reach ? &st->reach : &peer_ip.addr, a,
					 sizeof(a)));
	} else {
		json_null(w);
	}
	json_key(w, "dhcp_server");
	if (st->dhcp_server) {
		json_begin_object(w);
		json_key(w, "pid");
		if (st->dhcp_pid > 0)
			json_int(w, st->dhcp_pid);
		else
			json_null(w);
		json_key(w, "running");
		json_bool(w, st->dhcp_running);
		json_key(w, "lease");
		if (st->has_lease) {
			char a[INET_ADDRSTRLEN];

			json_begin_object(w);
			json_key(w, "address");
			json_string(w, inet_ntop(AF_INET, &st->lease_addr, a, sizeof(a)));
			json_key(w, "mac");
			FIELD(w, st->lease_mac);
			json_key(w, "since");
			json_int(w, st->lease_since);
			json_key(w, "expires");
			json_int(w, st->lease_expires);
			json_end_object(w);
		} else {
			json_null(w);
		}
		json_end_object(w);
	} else {
		json_null(w);
	}
	json_key(w, "ipv6");
	json_string(w, (recorded ? st->ipv6_off : plan->ipv6_off) ? "off" : "on");
	json_key(w, "ipv6_prefix");
	if (recorded && st->has_ipv6_prefix) {
		char p[INET6_ADDRSTRLEN + 3];

		inet_ntop(AF_INET6, &st->ipv6_prefix, p, INET6_ADDRSTRLEN);
		strcat(p, "/64");
		json_string(w, p);
		json_key(w, "ipv6_sharing");
		json_string(w, st->ipv6_nat ? "nat" : "routed");
	} else {
		json_null(w);
		json_key(w, "ipv6_sharing");
		json_null(w);
	}
	json_key(w, "ipv6_addresses");
	json_begin_array(w);
	for (size_t i = 0; recorded && i < st->n_peer6 && i < USBNET_MAX_ADDRS; i++) {
		char a6[INET6_ADDRSTRLEN];

		json_string(w, inet_ntop(AF_INET6, &st->peer6[i], a6, sizeof(a6)));
	}
	json_end_array(w);
	if (st->discovered[0])
		key_field_or_null(w, "discovered", st->discovered, sizeof(st->discovered));
	json_key(w, "waiting_for_carrier");
	json_bool(w, usbnet_report_waiting_for_carrier(rep));
	json_end_object(w);
}

char *usbnet_reports_to_json(const struct usbnet_report *reports, size_t n)
{
	struct json_writer *w = json_new();

	if (!w)
		return NULL;
	json_begin_array(w);
	for (size_t i = 0; reports && i < n; i++)
		write_report(w, &reports[i]);
	json_end_array(w);
	return json_finish(w);
}

char *usbnet_report_to_json(const struct usbnet_report *report)
{
	struct json_writer *w;

	if (!report)
		return NULL;
	w = json_new();
	if (!w)
		return NULL;
	write_report(w, report);
	return json_finish(w);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "format.h"

const char *report_carrier_wait(const struct usbnet_report *rep)
{
	return usbnet_report_waiting_for_carrier(rep) ? "waiting for carrier" : NULL;
}

const char *report_host_address(const struct usbnet_report *rep, char *buf, size_t len)
{
	if (rep->status.state != USBNET_STATE_UNCONFIGURED && rep->status.has_host)
		return usbnet_ip4_format(&rep->status.host, buf, len);
	if (rep->plan.has_host)
		return usbnet_ip4_format(&rep->plan.host, buf, len);
	return NULL;
}

const char *report_peer_address(const struct usbnet_report *rep, char *buf, size_t len)
{
	struct usbnet_ip4 ip = { .prefix = 32 };

	if (rep->status.state != USBNET_STATE_UNCONFIGURED && rep->status.has_peer)
		ip.addr = rep->status.peer;
	else if (rep->plan.has_peer)
		ip.addr = rep->plan.peer;
	else
		return NULL;
	inet_ntop(AF_INET, &ip.addr, buf, (socklen_t)len);
	return buf;
}

const char *report_name(const struct usbnet_report *rep)
{
	if (rep->status.name[0])
		return rep->status.name;
	return rep->plan.name[0] ? rep->plan.name : NULL;
}

static int print_json_text(const struct cli_common *c, char *text)
{
	int r = cli_print_json(c, text);

	free(text);
	return r;
}

int print_reports_json(const struct cli_common *c, const struct usbnet_report *reps, size_t n)
{
	return print_json_text(c, usbnet_reports_to_json(reps, n));
}

int print_report_json(const struct cli_common *c, const struct usbnet_report *rep)
{
	return print_json_text(c, usbnet_report_to_json(rep));
}

static void usb_id(const struct usbnet_peer *p, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%04x", p->vendor_id, p->product_id);
}

enum {
	COL_IFACE,
	COL_DRIVER,
	COL_PROTO,
	COL_USB_ID,
	COL_PRODUCT,
	COL_PROFILE,
	COL_MODE,
	COL_STATE,
	COL_CARRIER,
	COL_HOST,
	COL_PEER,
	COL_SERIAL,
	COL_MAC,
	COL_NAME,
	COL_NOTE,
};

const struct cli_column list_columns[] = {
	[COL_IFACE] = { "IFACE", 15, false, false, false, "the interface" },
	[COL_DRIVER] = { "DRIVER", 0.08, true, false, false, "the host's driver (cdc_ether...)" },
	[COL_PROTO] = { "PROTO", 0.05, false, false, false, "ecm, ncm, eem, rndis..." },
	[COL_USB_ID] = { "USB-ID", 9, false, false, false, "vendor:product" },
	[COL_PRODUCT] = { "PRODUCT", 0.15, true, false, false, "the device's product string" },
	[COL_PROFILE] = { "PROFILE", 0.1, true, false, false,
			  "the built-in profile, or [NAME] of the matching [peer] group" },
	[COL_MODE] = { "MODE", 0.06, true, false, false, "the plan: static, gateway, dhcp..." },
	[COL_STATE] = { "STATE", 0.08, true, false, false, "configured, degraded, unconfigured..." },
	[COL_CARRIER] = { "CARRIER", 3, false, false, false, "the link has carrier: yes or no" },
	[COL_HOST] = { "HOST", 15, false, false, false, "the host's address (A.B.C.D/N)" },
	[COL_PEER] = { "PEER", 12, false, false, false, "the peer's address" },
	[COL_SERIAL] = { "SERIAL", 0.1, true, false, false, "the device's serial number" },
	[COL_MAC] = { "MAC", 17, false, false, false, "the interface's MAC address" },
	[COL_NAME] = { "NAME", 0.1, true, false, false, "the peer's name (NAME.usbnet resolves)" },
	[COL_NOTE] = { "NOTE", 0.2, true, false, false,
		       "a warning (a binding that cannot carry traffic), or why it is degraded" },
};
const size_t n_list_columns = sizeof(list_columns) / sizeof(list_columns[0]);
const char list_default_columns[] = "IFACE,PRODUCT,PROFILE,MODE,STATE,CARRIER,HOST,PEER,NAME,NOTE";

static const char *profile_cell(const struct usbnet_report *r, char *buf, size_t len)
{
	if (r->plan.config_peer[0])
		snprintf(buf, len, "[%.*s]", (int)sizeof(r->plan.config_peer), r->plan.config_peer);
	else
		snprintf(buf, len, "%.*s", (int)sizeof(r->plan.profile), r->plan.profile);
	return buf;
}

int print_reports_table(const struct cli_table_opts *o, const struct usbnet_report *reps, size_t n)
{
	struct cli_table *t;
	int r, status;

	if (n == 0 && !o->noheadings && !o->raw) {
		printf("No USB network peers found.\n");
		return 0;
	}
	t = cli_table_new(list_columns, n_list_columns, list_default_columns, o, "peers", false,
			  &status);
	if (!t)
		return status == EXIT_USAGE ? -EINVAL : -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct usbnet_report *rp = &reps[i];
		char buf[USBNET_NAME_MAX + 3], host[20], peer[INET_ADDRSTRLEN];

		if (cli_table_add_line(t) < 0) {
			cli_table_free(t);
			return -ENOMEM;
		}
		cli_table_set(t, COL_IFACE, rp->peer.ifname);
		cli_table_set(t, COL_DRIVER, rp->peer.driver);
		cli_table_set(t, COL_PROTO, usbnet_protocol_name(rp->peer.protocol));
		usb_id(&rp->peer, buf, sizeof(buf));
		cli_table_set(t, COL_USB_ID, buf);
		cli_table_set(t, COL_PRODUCT, rp->peer.product);
		cli_table_set(t, COL_PROFILE, profile_cell(rp, buf, sizeof(buf)));
		cli_table_set(t, COL_MODE, usbnet_mode_name(rp->plan.mode));
		cli_table_set(t, COL_STATE, usbnet_state_name(rp->status.state));
		cli_table_set(t, COL_CARRIER, rp->peer.carrier ? "yes" : "no");
		cli_table_set(t, COL_HOST, report_host_address(rp, host, sizeof(host)));
		cli_table_set(t, COL_PEER, report_peer_address(rp, peer, sizeof(peer)));
		cli_table_set(t, COL_SERIAL, rp->peer.serial);
		cli_table_set(t, COL_MAC, rp->peer.mac);
		cli_table_set(t, COL_NAME, report_name(rp));
		if (rp->peer.binding == USBNET_BINDING_RNDIS_AS_SUBSET)
			cli_table_set(t, COL_NOTE, "warning: cdc_subset claimed this RNDIS-only "
						   "gadget; it cannot carry traffic (show IF)");
		else if (rp->status.message[0])
			cli_table_set(t, COL_NOTE, rp->status.message);
	}
	r = cli_table_print(t);
	cli_table_free(t);
	/* The NOTE column may be cut or dropped on a narrow terminal: the warnings in full. */
	for (size_t i = 0; r == 0 && i < n && !o->quiet; i++)
		if (reps[i].peer.binding == USBNET_BINDING_RNDIS_AS_SUBSET)
			fprintf(stderr, "%s: warning: %s: cdc_subset claimed this RNDIS-only gadget: "
					"the link cannot carry traffic; give the gadget an ECM or NCM "
					"function\n", program_name, reps[i].peer.ifname);
	return r;
}

static void field(const char *name, const char *value)
{
	printf("  %-14s ", name);
	cli_print_escaped(stdout, value && *value ? value : "-", 0);
	putchar('\n');
}

int print_report_details(const struct usbnet_report *r)
{
	const char *proto = usbnet_protocol_name(r->peer.protocol);
	char buf[160], host[20], peer[INET_ADDRSTRLEN];

	printf("%s\n", r->peer.ifname);
	field("driver", r->peer.driver);
	field("protocol", proto);
	usb_id(&r->peer, buf, sizeof(buf));
	field("usb id", buf);
	field("manufacturer", r->peer.manufacturer);
	field("product", r->peer.product);
	field("serial", r->peer.serial);
	field("usb path", r->peer.usb_path);
	snprintf(buf, sizeof(buf), "%u Mbit/s", r->peer.speed_mbps);
	field("speed", r->peer.speed_mbps ? buf : NULL);
	field("mac", r->peer.mac);
	field("carrier", r->peer.carrier ? "yes" : "no");
	field("networkmanager", r->peer.nm_managed < 0 ? "not running"
				: r->peer.nm_managed ? "managed"
						     : "unmanaged");
	for (size_t i = 0; i < r->peer.n_addrs; i++)
		field(i == 0 ? "addresses" : "", usbnet_ip4_format(&r->peer.addrs[i], buf, sizeof(buf)));
	if (r->peer.binding == USBNET_BINDING_RNDIS_AS_SUBSET)
		field("warning", "cdc_subset claimed this RNDIS-only gadget: the link cannot carry "
				 "traffic; give the gadget an ECM or NCM function");
	field("name", report_name(r));
	printf("plan\n");
	field("profile", r->plan.profile);
	field("config", r->plan.config_peer[0] ? r->plan.config_peer : NULL);
	field("mode", usbnet_mode_name(r->plan.mode));
	field("host address", report_host_address(r, host, sizeof(host)));
	field("peer address", report_peer_address(r, peer, sizeof(peer)));
	if (r->status.has_reach) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &r->status.reach, a, sizeof(a));
		snprintf(buf, sizeof(buf), "%s (alias: another peer has the same subnet)", a);
		field("reach at", buf);
	} else {
		field("reach at", report_peer_address(r, peer, sizeof(peer)));
	}
	field("peer dhcp", r->plan.peer_serves_dhcp ? "serves DHCP" : "no");
	field("ipv6", r->plan.ipv6_off ? "off (the host sends the peer no IPv6)" : "on");
	printf("state\n");
	field("state", usbnet_state_name(r->status.state));
	if (report_carrier_wait(r))
		field("carrier", "waiting for carrier: the device has not brought its side of the "
				 "link up; the watcher looks at the peer again when it does");
	if (r->status.rtt_us >= 0) {
		snprintf(buf, sizeof(buf), "%.3f ms", (double)r->status.rtt_us / 1000.0);
		field("round trip", buf);
	}
	if (r->status.uplink[0] && r->status.has_host) {
		/* What the user sets on the device: its default gateway is the host's address */
		inet_ntop(AF_INET, &r->status.host.addr, buf, sizeof(buf));
		field("gateway", buf);
		snprintf(buf, sizeof(buf), "%s%s", r->status.uplink,
			 r->status.uplink_auto ? " (follows the default route)" : "");
		field("uplink", buf);
		/* and its nameserver: the forwarder on the same address (and on the link's IPv6
		 * one when IPv6 is shared), when there is one */
		if (r->status.dns) {
			char a[INET_ADDRSTRLEN + INET6_ADDRSTRLEN + 8];

			inet_ntop(AF_INET, &r->status.host.addr, a, sizeof(a));
			if (r->status.has_dns6) {
				size_t n = strlen(a);

				memcpy(a + n, " and ", 6);
				inet_ntop(AF_INET6, &r->status.dns6, a + n + 5, sizeof(a) - n - 5);
			}
			if (r->status.dns_running)
				snprintf(buf, sizeof(buf), "%s (DNS forwarder, dnsmasq pid %d)", a,
					 r->status.dns_pid);
			else
				snprintf(buf, sizeof(buf),
					 "%s (DNS forwarder stopped: the watcher restarts it, or "
					 "run up again)", a);
			field("nameserver", buf);
		} else {
			field("nameserver", "none of usbnet-host's: give the device a resolver, or "
					    "up --dns");
		}
	}
	if (r->status.dhcp_server) {
		if (r->status.dhcp_running)
			snprintf(buf, sizeof(buf), "dnsmasq pid %d", r->status.dhcp_pid);
		else
			snprintf(buf, sizeof(buf),
				 "stopped: the watcher restarts it, or run up again");
		field("dhcp server", buf);
		if (r->status.has_lease) {
			char a[INET_ADDRSTRLEN], when[32];
			time_t since = (time_t)r->status.lease_since;
			struct tm tm;

			inet_ntop(AF_INET, &r->status.lease_addr, a, sizeof(a));
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&since, &tm));
			snprintf(buf, sizeof(buf), "%s to %.17s since %s", a, r->status.lease_mac,
				 when);
			field("lease", buf);
		} else {
			field("lease", "none held now (the peer has not asked yet)");
		}
	}
	if (r->status.ipv6_off)
		field("ipv6", "off on the link (disable_ipv6, given back by down)");
	if (r->status.has_ipv6_prefix) {
		/* Gateway mode sharing IPv6: the link's /64, announced to the device for SLAAC */
		char p[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &r->status.ipv6_prefix, p, sizeof(p));
		snprintf(buf, sizeof(buf), "%s/64 (router advertisements on the link)", p);
		field("ipv6 prefix", buf);
		field("ipv6 sharing", r->status.ipv6_nat ? "nat (a unique local /64, masqueraded "
							  "out of the uplink)"
							: "routed (ipv6-prefix=, forwarded as it is)");
		/* IPv6 leaving through another interface than IPv4 (the uplink line above) */
		if (usbnet_status_uplink6(&r->status)[0]) {
			snprintf(buf, sizeof(buf), "%s%s", usbnet_status_uplink6(&r->status),
				 r->status.uplink_auto ? " (follows the IPv6 default route)" : "");
			field("ipv6 uplink", buf);
		}
	}
	for (size_t i = 0; i < r->status.n_peer6 && i < USBNET_MAX_ADDRS; i++) {
		char a6[INET6_ADDRSTRLEN];

		field(i == 0 ? "ipv6 addresses" : "",
		      inet_ntop(AF_INET6, &r->status.peer6[i], a6, sizeof(a6)));
	}
	field("message", r->status.message[0] ? r->status.message : NULL);
	if (r->status.discovered[0])
		field("discovered", r->status.discovered);
	return fflush(stdout) == 0 ? 0 : -errno;
}

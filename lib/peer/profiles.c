/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The built-in profiles, from ../shared/GADGETS.md. What nobody confirmed stays empty (NULL, 0):
 * a guessed address would be configured on a real host. A device with two USB ID pairs has one
 * entry per pair, under the same id.
 *
 * Only entries with a USB ID or a product string match a device. The others (BeagleBone,
 * postmarketOS, reMarkable, Kindle, OpenMoko, NanoNote) have no confirmed ID that is theirs
 * alone; they record the addresses such devices use, for `show` and for the user's [peer]
 * group to refer to.
 */
#include <string.h>

#include "peer/profiles.h"

const struct profile profiles[] = {
	/* Nokia 770/N800/N810 under Maemo: g_ether's CDC ECM ID, static 192.168.2.15 on the
	 * tablet and .14 expected on the host, no DHCP (GADGETS.md "Known peers"; the n810
	 * reference peer). 0525:a4a1 is also plain Linux g_ether's default ID, whose addresses
	 * nobody confirmed: such a gadget gets the Maemo plan, which the user can override. */
	{
		.id = "maemo",
		.name = "Nokia 770/N800/N810 (Maemo)",
		.vendor_id = 0x0525,
		.product_id = 0xa4a1,
		.protocol = USBNET_PROTO_ECM,
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.2.14/24",
		.peer = "192.168.2.15",
	},
	/* The same tablets with g_ether's RNDIS+ECM ID (GADGETS.md "Known peers"); the host may
	 * bind rndis_host, cdc_ether or cdc_subset to it, so any protocol. */
	{
		.id = "maemo",
		.name = "Nokia 770/N800/N810 (Maemo)",
		.vendor_id = 0x0525,
		.product_id = 0xa4a2,
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.2.14/24",
		.peer = "192.168.2.15",
	},
	/* Nokia N900 in PC-Suite mode: ECM (with phonet and acm), same addresses as Maemo
	 * (GADGETS.md "Known peers"; the n900 reference peer). */
	{
		.id = "n900",
		.name = "Nokia N900 (PC-Suite mode)",
		.vendor_id = 0x0421,
		.product_id = 0x01c8,
		.protocol = USBNET_PROTO_ECM,
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.2.14/24",
		.peer = "192.168.2.15",
	},
	/* Fobnail token: CDC EEM, smoltcp at 169.254.0.1/16, host 169.254.0.8, no DHCP, no
	 * gateway, no DNS (GADGETS.md "Known peers"). 1234:4321 is a test ID pair that other
	 * gadgets use too, so the product string must match as well. Its smoltcp has IPv6 off
	 * and logs "unrecognized packet" for every IPv6 frame (MLD, router and neighbour
	 * solicitations): the host sends it none. */
	{
		.id = "fobnail",
		.name = "Fobnail token",
		.vendor_id = 0x1234,
		.product_id = 0x4321,
		.product = "Fobnail",
		.protocol = USBNET_PROTO_EEM,
		.mode = USBNET_MODE_STATIC,
		.host = "169.254.0.8/16",
		.peer = "169.254.0.1",
		.ipv6_off = true,
	},
	/* Raspberry Pi gadget (rpi-usb-gadget, 2025): ECM on Linux hosts. Its ics-watch ARP-asks
	 * for 192.168.137.1, 192.168.2.1 and 10.42.0.1; when one answers it becomes a DHCP client
	 * for 15 s and keeps the lease only with a gateway (the router option) that answers ARP;
	 * else it serves DHCP and NAT itself on 10.12.194.1/28. So: the host is 10.42.0.1 on every
	 * Pi's link (a /32: several Pis at once), the Pi gets the next free 10.42.0.N by DHCP with
	 * a /24 mask and the router option, and a /32 route leads to each. */
	{
		.id = "rpi-gadget",
		.name = "Raspberry Pi (USB gadget)",
		.vendor_id = 0x2e8a,
		.product_id = 0x0013,
		.mode = USBNET_MODE_STATIC,
		.host = "10.42.0.1/24",
		.dhcp_server = true,
		.dhcp_router = true,
		.shared_host = true,
		.probe_from = "10.12.194.0/28",
	},
	/* Sharp Zaurus: zaurus pseudo-MDLM, device 192.168.129.201, host .1/24, no DHCP
	 * (GADGETS.md "Known peers"). Two models' IDs. */
	{
		.id = "zaurus",
		.name = "Sharp Zaurus",
		.vendor_id = 0x04dd,
		.product_id = 0x8004,
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.129.1/24",
		.peer = "192.168.129.201",
	},
	{
		.id = "zaurus",
		.name = "Sharp Zaurus",
		.vendor_id = 0x04dd,
		.product_id = 0x9031,
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.129.1/24",
		.peer = "192.168.129.201",
	},
	/* BeagleBone (Debian images): 1d6b:0104 is the ID of every configfs composite gadget, so
	 * it identifies nothing; the product string is unconfirmed. The board serves DHCP:
	 * 192.168.7.2 on its RNDIS interface (192.168.6.2 on the ECM/NCM one), /30 leases
	 * (GADGETS.md "Known peers"). */
	{
		.id = "beaglebone",
		.name = "BeagleBone (Debian image)",
		.mode = USBNET_MODE_DHCP,
		.peer = "192.168.7.2",
		.serves_dhcp = true,
	},
	/* postmarketOS phones: NCM (RNDIS fallback), device 172.16.42.1, serves DHCP; no
	 * confirmed IDs (GADGETS.md "Known peers"). The protocol is recorded, never matched on
	 * alone. */
	{
		.id = "postmarketos",
		.name = "postmarketOS phone",
		.protocol = USBNET_PROTO_NCM,
		.mode = USBNET_MODE_DHCP,
		.peer = "172.16.42.1",
		.serves_dhcp = true,
	},
	/* reMarkable tablet: 10.11.99.1, serves DHCP; IDs, protocol and prefix unconfirmed
	 * (GADGETS.md "Known peers"). */
	{
		.id = "remarkable",
		.name = "reMarkable tablet",
		.mode = USBNET_MODE_DHCP,
		.peer = "10.11.99.1",
		.serves_dhcp = true,
	},
	/* Kindle, stock usbnet: device 192.168.15.244, host 192.168.15.201/24, no DHCP; IDs and
	 * protocol unconfirmed (GADGETS.md "Known peers"). */
	{
		.id = "kindle",
		.name = "Amazon Kindle (usbnet)",
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.15.201/24",
		.peer = "192.168.15.244",
	},
	/* OpenMoko FreeRunner: ECM, device 192.168.0.202, host .200/24, no DHCP; IDs unconfirmed
	 * (GADGETS.md "Known peers"). */
	{
		.id = "openmoko",
		.name = "OpenMoko FreeRunner",
		.protocol = USBNET_PROTO_ECM,
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.0.200/24",
		.peer = "192.168.0.202",
	},
	/* Ben NanoNote: ECM, device 192.168.254.101, host .100/24, no DHCP; IDs unconfirmed
	 * (GADGETS.md "Known peers"). */
	{
		.id = "nanonote",
		.name = "Ben NanoNote",
		.protocol = USBNET_PROTO_ECM,
		.mode = USBNET_MODE_STATIC,
		.host = "192.168.254.100/24",
		.peer = "192.168.254.101",
	},
};

const size_t n_profiles = sizeof(profiles) / sizeof(profiles[0]);

static bool profile_matchable(const struct profile *p)
{
	return p->vendor_id != 0 || p->product_id != 0 || p->product != NULL;
}

static bool profile_matches(const struct profile *p, const struct usbnet_peer *peer)
{
	if (!profile_matchable(p))
		return false;
	if (p->vendor_id != 0 && p->vendor_id != peer->vendor_id)
		return false;
	if (p->product_id != 0 && p->product_id != peer->product_id)
		return false;
	if (p->product && strncmp(p->product, peer->product, sizeof(peer->product)) != 0)
		return false;
	/* A peer whose protocol discovery could not tell is not excluded on that ground. */
	if (p->protocol != USBNET_PROTO_UNKNOWN && peer->protocol != USBNET_PROTO_UNKNOWN &&
	    p->protocol != peer->protocol)
		return false;
	return true;
}

const struct profile *profile_match(const struct usbnet_peer *peer)
{
	if (!peer)
		return NULL;
	for (size_t i = 0; i < n_profiles; i++)
		if (profile_matches(&profiles[i], peer))
			return &profiles[i];
	return NULL;
}

const struct profile *profile_by_id(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < n_profiles; i++)
		if (strcmp(profiles[i].id, id) == 0)
			return &profiles[i];
	return NULL;
}

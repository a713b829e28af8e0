/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Upstream devices: USB network interfaces that bring the host its internet (a phone doing USB
 * tethering, a cellular modem) instead of waiting for the host to configure them. For those,
 * NetworkManager's DHCP is exactly right, so usbnet-host must not touch them by default:
 * discovery hides them and udev-probe leaves them to NetworkManager, unless a [peer] group
 * claims one (a rooted phone in a lab, used as a peer).
 */
#include <stdint.h>
#include <string.h>

#include "core/ctx.h"
#include "peer/config.h"
#include "peer/upstream.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Phones switch to these IDs when the user turns USB tethering on. Each is named a tethering
 * mode in the USB ID database (usb.ids, which udev ships as its hwdb). Most Android phones,
 * whatever their maker, tether as 18d1:4ee3 (4ee4 with adb): those are the IDs of AOSP's
 * generic rndis function. We list no ID that is not documented as tethering: a false entry
 * would hide a real peer.
 */
static const struct {
	uint16_t vid, pid;
} tethering_ids[] = {
	{ 0x18d1, 0x4ee3 }, /* Google: Nexus/Pixel and AOSP-based phones (tether) */
	{ 0x18d1, 0x4ee4 }, /* Google: the same with adb (tether + debug) */
	{ 0x18d1, 0x4e13 }, /* Google: Nexus One (tether) */
	{ 0x18d1, 0x4e24 }, /* Google: Nexus S (tether) */
	{ 0x04e8, 0x6863 }, /* Samsung: Galaxy series (tethering mode) */
	{ 0x04e8, 0x6864 }, /* Samsung: GT-I9070 (network tethering, USB debugging) */
	{ 0x0502, 0x33c7 }, /* Acer: Liquid Gallant Duo E350 (USB tethering) */
	{ 0x0502, 0x33c8 }, /* Acer: the same in debug mode */
	{ 0x0bb4, 0x0ff8 }, /* HTC: Desire HD (tethering mode) */
	{ 0x0fce, 0x715a }, /* Sony Ericsson: Xperia Pro (tethering) */
	{ 0x0fce, 0x7166 }, /* Sony Ericsson: Xperia Mini Pro (tethering mode) */
	{ 0x0fce, 0x7177 }, /* Sony: Xperia Ion (tethering) */
	{ 0x0fce, 0x71f4 }, /* Sony: Xperia XZ1 Compact (tethering) */
	{ 0x0fce, 0x81f4 }, /* Sony: Xperia XZ1 Compact (tethering) */
	{ 0x0fce, 0x71f9 }, /* Sony: Xperia XZ2 Compact (tethering) */
	{ 0x1004, 0x61da }, /* LG: G2 (tethering mode) */
	{ 0x1004, 0x61fe }, /* LG: Optimus (USB tethering mode) */
	{ 0x1004, 0x6344 }, /* LG: LM-X420xxx/G2 (USB tethering mode) */
	{ 0x1004, 0x91c8 }, /* LG: P880 (USB tethering) */
	{ 0x12d1, 0x1039 }, /* Huawei: Ideos (tethering mode) */
	{ 0x17ef, 0x7704 }, /* Lenovo: Yoga Tablet 10 (USB tether) */
	{ 0x17ef, 0x7705 }, /* Lenovo: the same with debug */
	{ 0x2ae5, 0xf005 }, /* Fairphone 2 (tethering) */
	{ 0x2b0e, 0x171e }, /* LeEco Le2 (USB tethering mode) */
};

/*
 * Drivers that never serve a peer: iPhone tethering (ipheth) and cellular modems (cdc_mbim,
 * qmi_wwan, huawei_cdc_ncm). Discovery never lists them anyway, since none is a peer driver,
 * but a record can also come from udev's environment or from a caller: say it here too.
 */
static const char *const upstream_drivers[] = {
	"ipheth",
	"cdc_mbim",
	"qmi_wwan",
	"huawei_cdc_ncm",
};

bool usbnet_peer_is_upstream(const struct usbnet_peer *peer)
{
	if (!peer)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(upstream_drivers); i++)
		if (strcmp(peer->driver, upstream_drivers[i]) == 0)
			return true;
	for (size_t i = 0; i < ELEMENTSOF(tethering_ids); i++)
		if (peer->vendor_id == tethering_ids[i].vid &&
		    peer->product_id == tethering_ids[i].pid)
			return true;
	return false;
}

bool upstream_tethering_id(size_t i, uint16_t *ret_vid, uint16_t *ret_pid)
{
	if (i >= ELEMENTSOF(tethering_ids))
		return false;
	*ret_vid = tethering_ids[i].vid;
	*ret_pid = tethering_ids[i].pid;
	return true;
}

bool upstream_group_claims(const struct config_peer *cp)
{
	return cp && (cp->has_usb || cp->serial || cp->mac);
}

bool upstream_claimed(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer)
{
	return ctx && ctx->config && upstream_group_claims(config_match(ctx->config, peer));
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For tests/cli/test-udev-helper.sh: writes, for every built-in profile (lib/peer/profiles.c),
 * the environment udev would give the udev-probe for a device that matches it, and for near
 * misses (another product string, product ID, driver), one file per device in DIR, one
 * KEY=VALUE a line. Prints how many profiles could be matched.
 */
#include <stdio.h>
#include <string.h>

#include "peer/profiles.h"

static const char *driver_of(enum usbnet_protocol p, bool other)
{
	static const char *const drivers[] = {
		[USBNET_PROTO_UNKNOWN] = "cdc_ether", [USBNET_PROTO_ECM] = "cdc_ether",
		[USBNET_PROTO_EEM] = "cdc_eem",	      [USBNET_PROTO_NCM] = "cdc_ncm",
		[USBNET_PROTO_RNDIS] = "rndis_host",  [USBNET_PROTO_SUBSET] = "cdc_subset",
		[USBNET_PROTO_ZAURUS] = "zaurus",
	};

	if (other)
		return p == USBNET_PROTO_NCM ? "cdc_eem" : "cdc_ncm";
	return (size_t)p < sizeof(drivers) / sizeof(drivers[0]) && drivers[p] ? drivers[p]
									       : "cdc_ether";
}

/* variant: 0 the match, 1 another product string, 2 another product ID, 3 another driver,
 * 4 the match under the ID_USB_* names with a serial */
static int write_env(const char *dir, size_t i, int variant)
{
	const struct profile *p = &profiles[i];
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%02zu-%s-%d.env", dir, i, p->id, variant);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "ACTION=add\nSUBSYSTEM=net\nINTERFACE=usb%zu\nIFINDEX=%zu\nID_BUS=usb\n", i,
		20 + i);
	fprintf(f, "DEVPATH=/devices/platform/dummy_hcd.0/usb1/1-%zu/1-%zu:1.0/net/usb%zu\n",
		i + 1, i + 1, i);
	fprintf(f, "ID_USB_DRIVER=%s\nID_NET_DRIVER=%s\n", driver_of(p->protocol, variant == 3),
		driver_of(p->protocol, variant == 3));
	const char *pre = variant == 4 ? "ID_USB_" : "ID_";
	fprintf(f, "%sVENDOR_ID=%04x\n", pre, p->vendor_id ? p->vendor_id : 0x1d6b);
	fprintf(f, "%sMODEL_ID=%04x\n", pre,
		(p->product_id ? p->product_id : 0x0104) ^ (variant == 2 ? 0x0001 : 0));
	if (p->product || variant == 1)
		fprintf(f, "%sMODEL_ENC=%s\n", pre, variant == 1 ? "Other\\x20board" : p->product);
	if (variant == 4)
		fprintf(f, "ID_USB_SERIAL_SHORT=P%zu\n", i);
	return fclose(f);
}

int main(int argc, char *argv[])
{
	unsigned n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: profile-envs DIR\n");
		return 2;
	}
	for (size_t i = 0; i < n_profiles; i++) {
		const struct profile *p = &profiles[i];

		if (!p->vendor_id && !p->product_id && !p->product)
			continue; /* matches no device by itself (profiles.c) */
		for (int v = 0; v <= 4; v++)
			if (write_env(argv[1], i, v) < 0) {
				perror(argv[1]);
				return 1;
			}
		n++;
	}
	printf("%u\n", n);
	return 0;
}

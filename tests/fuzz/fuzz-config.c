/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: the configuration parser on arbitrary bytes. It must return 0 or -EINVAL (with a
 * message that names the file and the line), never crash, leak or read out of bounds; what it
 * accepts must survive config_match. A message without a line means the parser's own scan let
 * through something GKeyFile rejects: the scan must learn GKeyFile's rule. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peer/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct usbnet_config *c = NULL;
	struct usbnet_peer peer = {
		.driver = "cdc_eem",
		.vendor_id = 0x1234,
		.product_id = 0x4321,
		.product = "Fobnail",
		.serial = "0123456789",
		.mac = "02:00:00:00:00:01",
	};
	char err[256];
	int r;

	r = config_parse((const char *)data, size, "fuzz.conf", &c, err, sizeof(err));
	if (r < 0) {
		if (r != -EINVAL || c || strncmp(err, "fuzz.conf:", 10) != 0)
			abort();
		if (!isdigit((unsigned char)err[10]))
			abort();
		return 0;
	}
	if (!c)
		abort();
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct config_peer *cp = &c->peers[i];

		if (!cp->has_usb && !cp->serial && !cp->mac && !cp->driver && !cp->product)
			abort();
		if (strlen(cp->uplink) >= sizeof(cp->uplink) || strlen(cp->name) == 0)
			abort();
	}
	(void)config_match(c, &peer);
	config_free(c);
	return 0;
}

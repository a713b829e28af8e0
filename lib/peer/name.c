/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A peer's name: what the user calls it by (an altname of its interface, NAME.usbnet). Its
 * [peer] group's name, else PROFILE-SERIAL ("n900-snn900b"), else VID-PID-SERIAL
 * ("1d6b-0104-0123456789"). Made of what a DNS label and an altname may both hold: lower-case
 * letters, digits and '-' inside, at most 63 characters. Pure.
 */
#include <stdio.h>
#include <string.h>

#include "usbnet-host/usbnet.h"

#define LABEL_MAX 63

/* Appends s to buf as label characters: letters lowered, anything else one '-'. */
static void append_label(char *buf, size_t len, const char *s, size_t s_max)
{
	size_t n = strlen(buf);

	for (size_t i = 0; i < s_max && s[i] && n + 1 < len && n < LABEL_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
			if (n == 0 || buf[n - 1] == '-')
				continue;
			c = '-';
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
}

static void trim_dashes(char *buf)
{
	size_t n = strlen(buf);

	while (n > 0 && buf[n - 1] == '-')
		buf[--n] = '\0';
}

bool usbnet_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > LABEL_MAX || name[0] == '-' || name[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-'))
			return false;
	return true;
}

void usbnet_peer_name(const struct usbnet_peer *peer, const struct usbnet_plan *plan, char *buf,
		      size_t len)
{
	char id[16];

	if (len == 0)
		return;
	buf[0] = '\0';
	if (plan && plan->config_peer[0]) {
		append_label(buf, len, plan->config_peer, sizeof(plan->config_peer));
	} else if (peer->vendor_id == 0 && peer->product_id == 0) {
		return; /* not a USB device: no name of its own */
	} else {
		if (plan && plan->profile[0]) {
			append_label(buf, len, plan->profile, sizeof(plan->profile));
		} else {
			snprintf(id, sizeof(id), "%04x-%04x", peer->vendor_id, peer->product_id);
			append_label(buf, len, id, sizeof(id));
		}
		append_label(buf, len, "-", 1);
		/* No serial: the USB port tells two of them apart ("n900-usb1-1-4"). */
		if (peer->serial[0]) {
			append_label(buf, len, peer->serial, sizeof(peer->serial));
		} else {
			append_label(buf, len, "usb", 3);
			append_label(buf, len, peer->usb_path, sizeof(peer->usb_path));
		}
	}
	trim_dashes(buf);
}

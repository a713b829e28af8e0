/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * udev rules generated from the built-in profiles and a configuration (udev-rules.c): udev
 * matches the device's properties itself and gives it what udev-probe would print, with no
 * process per interface. What a rule cannot match exactly runs udev's helper instead.
 */
#ifndef USBNET_UDEV_RULES_H
#define USBNET_UDEV_RULES_H

#include <stdio.h>
#include "usbnet-host/usbnet.h"

struct usbnet_config;

/* Writes the rules for config (NULL: the built-in profiles alone) to f. helper is the
 * IMPORT{program} value of the branches that run udev's helper ("/usr/libexec/.../udev-probe
 * --config=FILE"), source a line for the header comment (NULL: none). -EIO when f failed. */
int udev_rules_write(FILE *f, const struct usbnet_config *config, const char *helper,
		     const char *source);

/* What a rule can match exactly (udev-rules.c says why): for tests. */
/* A string written as it is between a rule's quotes, in a plain (not glob) match. */
bool udev_rules_plain_safe(const char *s);
/* A device string (product, serial) that the library never truncates to this value. */
bool udev_rules_exact_length(const char *s);
/* udev's *_ENC form of s (what usb_id writes): into buf; false when it does not fit. */
bool udev_rules_encode(const char *s, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The unique local /64 (RFC 4193) a gateway peer gets when the user gives no ipv6-prefix=:
 * stable for one device on one host, different for another device or another host.
 *
 *	fd | global ID (40 bits) | subnet ID 0 (16 bits) | ::/64
 *
 * The global ID is the low 40 bits of the SHA-1 of the host's machine id and the peer's
 * identity (RFC 4193 3.2.2 takes the low 40 bits of a SHA-1 of a time and an EUI-64: here
 * the inputs are ones that stay, so that the device keeps its prefix, and its SLAAC
 * addresses, across replugs and reboots).
 */
#ifndef USBNET_ULA_H
#define USBNET_ULA_H

#include <netinet/in.h>
#include <stddef.h>
#include "usbnet-host/usbnet.h"

/* Pure: the /64 for these two strings (machine_id non-empty). */
int ula_prefix(const char *machine_id, const char *identity, struct in6_addr *ret);
/* The peer's identity, for ula_prefix: "usb VVVV:PPPP serial S" when it has a serial, else
 * "mac M"; -ENODATA when it has neither (no stable prefix can be derived). */
int ula_identity(const struct usbnet_peer *peer, char *buf, size_t len);
/* /etc/machine-id's 32 hex digits; -ENOENT, -EBADMSG. */
int ula_machine_id(char ret[33]);

#endif

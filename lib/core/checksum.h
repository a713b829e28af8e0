/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Internet checksum (RFC 1071) of the frames usbnet-host writes itself: the ICMP echo of
 * netlink/'s reachability probe, the IPv4 header of probe/'s DHCPDISCOVER. */
#ifndef USBNET_CHECKSUM_H
#define USBNET_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* The ones' complement of the ones' complement sum of data's 16-bit big-endian words (an odd
 * last byte padded with zero), in host order: store it big-endian. */
uint16_t inet_checksum(const void *data, size_t len);

#endif

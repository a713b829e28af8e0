/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Discovery internals: turning udev's view of a net device into a struct usbnet_peer. */
#ifndef USBNET_DISCOVER_H
#define USBNET_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include "usbnet-host/usbnet.h"

struct udev_device;
struct usbnet_ctx;

/* The protocol a USB networking driver speaks; USBNET_PROTO_UNKNOWN when the driver is not
 * one of the peer drivers (cdc_ether, cdc_eem, cdc_ncm, rndis_host, cdc_subset, zaurus). */
enum usbnet_protocol discover_protocol_of_driver(const char *driver);
/* The i-th of those drivers and its protocol; NULL past the last (udev-rules.c names them). */
const char *discover_peer_driver(size_t i, enum usbnet_protocol *ret_protocol);

/* Whether the binding can work. usb_interfaces is udev's ID_USB_INTERFACES (":0202ff:0a0000:")
 * and intf_class the bound interface's class/subclass/protocol as six hex digits; either may
 * be NULL. */
enum usbnet_binding discover_binding(const char *driver, const char *usb_interfaces,
				     const char *intf_class);

/* Copies src into dst (len bytes), always NUL-terminated; a cut never splits a UTF-8
 * sequence. Any other byte is copied as it is. */
void discover_copy_str(char *dst, size_t len, const char *src);

/* Decodes udev's *_ENC form ("N900\x20\x28PC-Suite\x20Mode\x29") into dst (len bytes,
 * NUL-terminated, cut like discover_copy_str). A \x00 ends the string. */
void discover_decode_enc(char *dst, size_t len, const char *enc);

/* Fills ret from a net device (and its USB parents), without addresses and NetworkManager
 * state. -EMEDIUMTYPE when it is not a USB network peer; ret then still holds ifname, ifindex
 * and driver. */
int discover_peer_from_udev(struct udev_device *dev, struct usbnet_peer *ret);

/* Fills addrs/n_addrs and nm_managed from the backends; leaves them empty (nm_managed -1)
 * when there are none or they fail: discovery works without netlink rights. */
void discover_peer_add_state(struct usbnet_ctx *ctx, struct usbnet_peer *peer);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the steps whose data is one IPv4 address on the peer's link share (netlink/ "addr",
 * alias/ "addr-noprefix"): the record line "A.B.C.D/N", never a /0 (down would remove a whole
 * address space), and whether the address is on the link.
 */
#ifndef USBNET_STEP_IP_H
#define USBNET_STEP_IP_H

#include <stddef.h>

struct step_env;
struct usbnet_ip4;

/* step_kind.format and .parse for a kind whose data is a struct usbnet_ip4 (or a struct that
 * starts with one): only the canonical form the writer produces is read back. */
int step_ip_format(const void *data, char *buf, size_t len);
int step_ip_parse(const char *args, void *data);

/* 1 when ip, with its prefix, is on the record's link, 0 when not, -errno when the kernel
 * cannot say. */
int step_ip_on_link(struct step_env *env, const struct usbnet_ip4 *ip);

#endif

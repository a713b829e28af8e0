/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the steps whose data is one IPv4 address on the peer's link share (netlink/ "addr",
 * alias/ "addr-noprefix"): the record line "A.B.C.D/N", never a /0 (down would remove a whole
 * address space), whether the address is on the link, and what apply and undo say of it.
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
/* step_kind.check for such a kind: whether its address is on the record's link. */
int step_ip_check(struct step_env *env, const void *data);

/* An address step's apply, before it adds ip: 1 when the link has it already (someone else's:
 * not ours to remove), 0 when not, or the failure when the kernel cannot say. */
int step_ip_present(struct step_env *env, const struct usbnet_ip4 *ip);
/* Its apply, after: r the add's result. 0 and ip logged as added (note after it, or ""),
 * STEP_NOOP when ip appeared meanwhile (-EEXIST: not ours), or the failure naming ip. */
int step_ip_added(struct step_env *env, const struct usbnet_ip4 *ip, int r, const char *note);
/* Its undo, after the delete: r its result, what the kind takes as "already gone" made 0. The
 * phrase said on success, or the failure naming ip. */
int step_ip_removed(struct step_env *env, const struct usbnet_ip4 *ip, int r, char *phrase,
		    size_t len);

#endif

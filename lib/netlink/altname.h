/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Alternative names of a link (altname.c): the real netlink ops' altname_* calls. */
#ifndef USBNET_ALTNAME_H
#define USBNET_ALTNAME_H

/* -EEXIST when a link (this one or another) has the name already. */
int altname_add(void *h, int ifindex, const char *name);
/* -ENOENT when the link has no such name, -ENODEV when there is no such link. */
int altname_del(void *h, int ifindex, const char *name);
/* The link with this name (its own or an alternative one); -ENODEV when none. */
int altname_find(void *h, const char *name, int *ret_ifindex);

#endif

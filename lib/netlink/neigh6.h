/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The peer's IPv6 addresses as the host's neighbour table knows them (show, list). */
#ifndef USBNET_NEIGH6_H
#define USBNET_NEIGH6_H

#include <netinet/in.h>
#include <stddef.h>

/* The IPv6 neighbours of ifindex that answered (not INCOMPLETE or FAILED), link-local and
 * global, at most max of them, in the kernel's order; -errno when the table cannot be read. */
int neigh6_list(int ifindex, struct in6_addr *ret, size_t max, size_t *ret_n);

#endif

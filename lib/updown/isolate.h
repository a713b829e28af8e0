/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Identical peers side by side: a routing domain and an alias of their own (isolate.c). */
#ifndef USBNET_ISOLATE_H
#define USBNET_ISOLATE_H

#include <stdint.h>
#include "updown/modes.h"

enum clash_kind {
	CLASH_OTHER = 0, /* an interface that is no configured peer of ours: refused */
	CLASH_PEER,	 /* a peer configured at its plain address: this one is isolated */
	CLASH_ISOLATED,	 /* an isolated peer: in its own domain, no clash at all */
};

/* What the interface holding a clashing address is (its record says). */
int isolate_clash_kind(struct usbnet_ctx *ctx, const char *other_ifname);
/* A free alias of the pool (the one u's record holds, on a second up); bad input (-EADDRINUSE)
 * when the pool is full. */
int isolate_pick(struct up_run *u, struct in_addr *ret_alias, uint32_t *ret_slot);
/* The isolated peer's steps, after NetworkManager and the link: alias chains, rp_filter, the
 * address without prefix route, the table's routes, the rules. */
int isolate_steps(struct up_run *u);

#endif

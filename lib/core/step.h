/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A step kind: one family of side effects (an address, a route, nftables chains, a DNS
 * forwarder...), with everything the journal and the undo walk need to know of it. Each kind is
 * one file in its subsystem's folder (netlink/step-addr.c, gateway/step-nft.c...) and one line
 * of the registry (updown/step-kinds.c); nothing else switches on kinds.
 *
 * A step's data is the kind's own struct, at most STEP_DATA_MAX bytes, zeroed before it is
 * filled (two steps are the same change when their bytes are, unless the kind says otherwise).
 */
#ifndef USBNET_STEP_H
#define USBNET_STEP_H

#include <stdbool.h>
#include <stddef.h>

struct usbnet_ctx;
struct usbnet_backends;
struct usbnet_status;
struct state_record;

#define STEP_DATA_MAX 128
#define STEP_ARGS_MAX 128 /* a record line's arguments */

/* What a step's apply, undo and check work with. */
struct step_env {
	struct usbnet_ctx *ctx;
	const struct usbnet_backends *be;
	struct state_record *rec; /* the peer's record: its interface, index, run directory */
	/* The interface is still the device the record was made for. When it is not (unplugged,
	 * its index taken by another device, another boot), the undo walk skips the link's own
	 * steps (the kernel took them, or they are someone else's now) and undoes only the
	 * host-wide ones. */
	bool link_ours;
};

enum step_scope {
	STEP_SCOPE_LINK, /* lives on the peer's interface and dies with it (address, route...) */
	STEP_SCOPE_HOST, /* outlives the interface (nftables, forwarding, a process, a bridge) */
};

/* apply's answer when there was nothing to make (found in place, and not ours). */
#define STEP_NOOP 1

struct step_kind {
	const char *name; /* the record's word for it: "addr", "nft"... */
	enum step_scope scope;
	size_t size; /* of its data */
	/* Make the change. data may be completed with what was made (a pid). 0 made, STEP_NOOP
	 * nothing to make, -errno failed with ctx_fail() saying why and nothing of it left. */
	int (*apply)(struct step_env *env, void *data);
	/* Undo it: 0 when undone or already gone; phrase gets what was done ("address ...
	 * removed"). -errno with ctx_fail() when it could not be undone. */
	int (*undo)(struct step_env *env, const void *data, char *phrase, size_t len);
	/* Optional: 1 when what an earlier up made is still in place, 0 when it must be made
	 * again (a port detached, a forwarder that died). NULL: always in place. */
	int (*check)(struct step_env *env, const void *data);
	/* The record line's arguments, written and parsed back strictly (-EBADMSG for anything
	 * but what format writes). NULL for a kind without arguments. */
	int (*format)(const void *data, char *buf, size_t len);
	int (*parse)(const char *args, void *data);
	/* Optional: two steps are the same change. NULL: their data bytes are equal. */
	bool (*same)(const void *a, const void *b);
	/* Optional: what show and list report of it (the uplink, the forwarder's pid...). */
	void (*report)(const void *data, struct usbnet_status *status);
	/* What it holds on the host, for the user ("nftables chains forward-usb0 via eth0"). */
	void (*describe)(const void *data, char *buf, size_t len);
};

/* The kind of this name in a NULL-terminated registry, or NULL. */
const struct step_kind *step_kind_find(const struct step_kind *const *kinds, const char *name);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Gateway mode: share the host's uplink with a peer. up.c calls gateway_resolve() while it
 * validates (nothing changed yet) and gateway_apply() after the address; updown_undo() hands
 * the gateway steps to gateway_undo_step(). The steps, in this order:
 *
 *   nft         the peer's chains in table ip usbnet_host (and the guard, see nft.h), one batch
 *   forwarding  IPv4 forwarding on; its value from before the first gateway peer is kept in
 *               RUN_DIR/:gateway.record (forwarding.h) and given back by the last one down
 *   (dns)       the DNS forwarder, to come (lib/dns/dnsmasq.c): recorded after forwarding
 *
 * The order matters both ways: the guard is in place before forwarding is turned on, and
 * forwarding is given back before the guard goes. State shared between gateway peers (the
 * guard's rules, the forwarding record) changes under RUN_DIR/:gateway.lock, taken after an
 * interface's lock, never before.
 */
#ifndef USBNET_GATEWAY_H
#define USBNET_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include "core/backend.h"
#include "core/ctx.h"
#include "gateway/nft.h"
#include "core/state.h"

struct gateway_plan {
	char uplink[USBNET_IFNAMSIZ];
	bool
	    uplink_auto; /* no uplink named (or "auto"): the default route's, followed by refresh */
	struct usbnet_ip4 subnet;
};

/* Validation before any change: the uplink exists and is not the peer; with none named, the
 * default route's interface. -EINVAL (with the words in ctx) when it cannot be. */
int gateway_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *ifname,
		    const struct usbnet_plan *plan, struct gateway_plan *ret);
/* rec's gateway steps are those of gp (same uplink, subnet, auto). */
bool gateway_in_place(const struct state_record *rec, const struct gateway_plan *gp);
/* Make the gateway steps, each recorded in rec (and written) before it is made. On failure the
 * steps made stay recorded for the caller's roll back, and ctx says what failed. warning gets
 * what would drop the peer's forwarded packets (firewall.h), "" when nothing. */
int gateway_apply(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		  struct state_record *rec, const struct gateway_plan *gp, char *warning,
		  size_t warning_len);
/* Undo one gateway step of rec (STEP_NFT or STEP_FORWARDING); phrase: what was done. */
int gateway_undo_step(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		      const struct state_record *rec, const struct state_step *s, char *phrase,
		      size_t phrase_len);
/* The uplink of rec's gateway (status->uplink, uplink_auto), if it has one. */
void gateway_status_fill(const struct state_record *rec, struct usbnet_status *status);

/* For refresh.c: the gateway peers recorded in the run directory (but exclude), as nft peers,
 * and how many of them hold forwarding. */
int gateway_scan(struct usbnet_ctx *ctx, const char *exclude, struct nft_peer *peers, size_t *ret_n,
		 size_t *ret_holders);
int gateway_lock(struct usbnet_ctx *ctx, int *ret_fd);
/* Whether the guard is wanted now: usbnet-host turned forwarding on (the record says 0). */
bool gateway_guard_wanted(struct usbnet_ctx *ctx);
/* -errno of an nftables batch, for the CLI: never one that reads as bad input. */
int gateway_nft_errno(int r);

#endif

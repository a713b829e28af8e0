/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Gateway mode: share the host's uplink with a peer. up calls gateway_resolve() while it
 * validates (nothing changed yet) and gateway_apply() after the address; the undo walk undoes
 * the steps with their kinds' undo. The steps (core/step.h), in this order:
 *
 *   nft         the peer's chains in table ip usbnet_host (and the guard, see nft.h), one batch
 *               (gateway/step-nft.c): "step nft UPLINK SUBNET auto|fixed"
 *   forwarding  IPv4 forwarding on; its value from before the first gateway peer is kept in
 *               RUN_DIR/:gateway.record (forwarding-record.h) and given back by the last one down
 *               (gateway/step-forwarding.c): "step forwarding"
 *   nft-dns     with --dns: the input chain that keeps port 53 on the peer-side address to the
 *               peer's link (gateway/step-nft-dns.c): "step nft-dns A.B.C.D"
 *   (dnsmasq)   the DNS forwarder (lib/dns/): recorded after nft-dns
 *
 * The order matters both ways: the guard is in place before forwarding is turned on, and
 * forwarding is given back before the guard goes (the undo walk goes backwards). State shared
 * between gateway peers (the guard's rules, the forwarding record) changes under
 * RUN_DIR/:gateway.lock, taken after an interface's lock, never before; gateway_apply() holds it
 * across both steps, so that no other peer's down comes between the guard and forwarding.
 */
#ifndef USBNET_GATEWAY_H
#define USBNET_GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include "core/backend.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "core/step.h"
#include "gateway/nft.h"

struct gateway_plan {
	char uplink[USBNET_IFNAMSIZ];
	bool
	    uplink_auto; /* no uplink named (or "auto"): the default route's, followed by refresh */
	struct usbnet_ip4 subnet;
};

/* The step kinds (host-wide: they outlive the interface). */
extern const struct step_kind step_nft, step_forwarding, step_nft_dns, step_alias_nat;

/* step_nft_dns's data: the peer-side address the DNS forwarder listens on. */
struct nft_dns_step {
	struct in_addr host;
};

/* step_nft's data: zeroed, then filled (two steps are the same when their bytes are). */
struct nft_step {
	char uplink[USBNET_IFNAMSIZ];
	struct usbnet_ip4 subnet;
	bool uplink_auto;
};

/* Validation before any change: the uplink exists and is not the peer; with none named, the
 * default route's interface. -EINVAL with ctx_fail_input() when the input cannot be. */
int gateway_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *ifname,
		    const struct usbnet_plan *plan, struct gateway_plan *ret);
/* Make the gateway steps, nft then forwarding, each through journal_apply() (recorded ahead,
 * written). On failure the steps made stay recorded for the caller's undo walk, and ctx says
 * what failed. warning gets what would drop the peer's forwarded packets (firewall.h), "" when
 * nothing. */
int gateway_apply(struct step_env *env, const struct gateway_plan *gp, char *warning,
		  size_t warning_len);

/* The host's firewall for a gateway peer on uplink (firewall-note.c; up and refresh both):
 * warning gets what would drop its forwarded packets (firewall.h), or that it could not be
 * checked, "" when nothing. */
void gateway_firewall_warning(const struct usbnet_backends *be, const char *ifname,
			      const char *uplink, char *warning, size_t len);
/* The peer's status says warning (gateway_firewall_warning()'s) in place of the finding it
 * recorded before, if any: appended to the message, the state degraded; with "" the old finding
 * goes, and the state is configured again when the finding was all that degraded it. Whether
 * warning was said. */
bool gateway_firewall_note(struct usbnet_status *st, const char *warning);

/* refresh's moves (refresh.c): the gateway peers whose uplink is auto moved to the current
 * default routes' interfaces (IPv4's in one batch, then each one's IPv6 sharing). How many
 * peers moved; -errno with ctx_fail(). usbnet_refresh() (updown/refresh.c) calls it. */
int gateway_refresh(struct usbnet_ctx *ctx);
/* How many recorded gateway peers follow the default route (uplink auto): refresh has nothing
 * to do for none (the watcher asks before it starts a worker). One directory read and a record
 * read per peer; -errno when the run directory cannot be read. */
int gateway_refresh_followers(struct usbnet_ctx *ctx);

/* For the kinds and refresh.c: the gateway peers recorded in the run directory (but exclude),
 * as nft peers (their first nft step). Who holds forwarding: forwarding_holders(). */
int gateway_scan(struct usbnet_ctx *ctx, const char *exclude, struct nft_peer *peers,
		 size_t *ret_n);
/* fn for each record of the run directory but exclude's (peer-records.c); one that cannot be
 * read is passed over. -errno when the run directory cannot be listed. */
int gateway_each_record(struct usbnet_ctx *ctx, const char *exclude,
			void (*fn)(const struct state_record *rec, void *user), void *user);
/* RUN_DIR/:gateway.lock. Taken again by the process that holds it, it is the same lock (a
 * count): gateway_apply() holds it around the kinds' apply, which take it themselves. Release
 * with gateway_unlock(). */
int gateway_lock(struct usbnet_ctx *ctx, int *ret_fd);
void gateway_unlock(int fd);
/* fn(env, change, data) under the gateway lock, change a zeroed buffer of size bytes (an
 * nft_change, an nft6_change: too large for the stack): the nft kinds' apply and undo, which
 * read the other peers and commit one batch. fn's result; -errno with ctx_fail() when the
 * buffer or the lock could not be had. */
int gateway_nft_locked(struct step_env *env, size_t size,
		       int (*fn)(struct step_env *env, void *change, const void *data),
		       const void *data);
/* IPv4 forwarding from before the first gateway peer: the record's, or (no record) as it is
 * now; *ret_have_record says which. -errno with ctx_fail() when neither can be read. */
int gateway_forwarding_before(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			      int *ret_before, bool *ret_have_record);
/* Whether the guard is wanted now: usbnet-host turned forwarding on (the record says 0). */
bool gateway_guard_wanted(struct usbnet_ctx *ctx);
/* -errno of an nftables batch, for the CLI: never one that reads as bad input. */
int gateway_nft_errno(int r);

#endif

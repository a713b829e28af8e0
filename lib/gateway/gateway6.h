/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Gateway mode sharing IPv6 (issue 17): when the uplink has an IPv6 default route and the plan
 * does not say ipv6=off, the peer's link gets one /64 in router advertisements: the user's
 * ipv6-prefix= (routed to the host by the network: forwarded as it is) or else the peer's
 * stable ULA (ula.h), masqueraded out of the uplink (NAT66). The host-wide steps, made after
 * the IPv4 ones and in this order under the gateway lock:
 *
 *   accept-ra    the uplink's net.ipv6.conf.UPLINK.accept_ra 1 -> 2, so that the host keeps
 *                its own SLAAC default route once it forwards (the kernel drops the
 *                RA-learnt default routes of every interface without accept_ra=2 the moment
 *                forwarding goes on): "step accept-ra UPLINK 2 BEFORE"
 *   nft6         the peer's chains in table ip6 usbnet_host and the guard (nft6.h):
 *                "step nft6 UPLINK PREFIX/64 nat|routed"
 *   forwarding6  net.ipv6.conf.all.forwarding on; its value from before the first IPv6
 *                gateway peer is kept in RUN_DIR/:gateway6.record (forwarding-record.h) and
 *                given back by the last one down: "step forwarding6"
 *
 * then, composed by updown/mode-gateway.c, the link's address PREFIX::1/64 (netlink step
 * addr6) and the router advertisements (dns step ra). Undo goes backwards: forwarding off
 * before the guard goes, accept_ra back last.
 */
#ifndef USBNET_GATEWAY6_H
#define USBNET_GATEWAY6_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include "core/backend.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "core/step.h"
#include "gateway/nft6.h"

extern const struct step_kind step_accept_ra, step_forwarding6, step_nft6, step_nft6_dns;

/* step_nft6_dns's data: the link's IPv6 address the DNS forwarder listens on (PREFIX::1). */
struct nft6_dns_step {
	struct in6_addr host;
};

struct accept_ra_step {
	char uplink[USBNET_IFNAMSIZ];
	int value;
	int before;
};

struct nft6_step {
	char uplink[USBNET_IFNAMSIZ];
	struct in6_addr prefix;
	bool masquerade;
};

/* What resolve decided: share or not (why_not says why, for the log), and the /64. */
struct gateway6_plan {
	bool share;
	bool routed; /* the user's prefix: no NAT66 */
	struct in6_addr prefix;
	struct in6_addr host; /* PREFIX::1 */
	char why_not[128];
};

/* Validation, nothing changed: whether IPv6 is shared over this uplink, and the /64. */
int gateway6_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct usbnet_peer *peer, const struct usbnet_plan *plan,
		     const char *uplink, struct gateway6_plan *ret);
/* accept-ra, nft6 and forwarding6, each through journal_apply(), under the gateway lock. */
int gateway6_apply(struct step_env *env, const char *uplink, const struct gateway6_plan *g6);

/* refresh (refresh6.c): rec's IPv6 uplink steps moved to uplink, rec under its interface's
 * lock and the gateway lock: accept-ra given back on the old uplink (unless another peer holds
 * it) and made on the new one as up would, the nft6 chains remade for it; the record written
 * ahead of each change. 0 also when rec shares no IPv6; -errno with ctx_fail() otherwise. */
int gateway6_move(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		  struct state_record *rec, const char *uplink);

/* The accept-ra step to make on uplink, with BEFORE read now (before the record): 1 to make,
 * 0 nothing to make (0 there: no RAs wanted; 2 and no other holder: so it is already). */
int accept_ra_plan(struct step_env *env, const char *uplink, struct accept_ra_step *ret);

/* The IPv6 gateway peers of the run directory but exclude (their nft6 step; peers may be
 * NULL), and (uplink non-NULL) whether another holds accept-ra on that uplink: its BEFORE in
 * *ret_ra_before, -1 when none. Who holds forwarding6: forwarding_holders(). */
int gateway6_scan(struct usbnet_ctx *ctx, const char *exclude, struct nft6_peer *peers,
		  size_t *ret_n, const char *uplink, int *ret_ra_before);

#endif

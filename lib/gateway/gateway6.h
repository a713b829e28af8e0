/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Gateway mode sharing IPv6 (issue 17): when the IPv6 uplink has an IPv6 default route and the
 * plan does not say ipv6=off, the peer's link gets one /64 in router advertisements: the user's
 * ipv6-prefix= (routed to the host by the network: forwarded as it is) or else the peer's
 * stable ULA (ula.h), masqueraded out of the uplink (NAT66). The IPv6 uplink is the IPv4 one
 * when the user named it (uplink=, --uplink); when the uplink follows the default route it is
 * the interface of the IPv6 default route, which may be another than IPv4's (IPv6 through a
 * tunnel, or a second ISP), and refresh follows each on its own (refresh6.c). The host-wide
 * steps, made after the IPv4 ones and in this order under the gateway lock:
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

/* What resolve decided: share or not (why_not says why, for the log), the uplink and the /64. */
struct gateway6_plan {
	bool share;
	char uplink[USBNET_IFNAMSIZ]; /* the IPv4 uplink named, or the IPv6 default route's */
	bool routed;		      /* the user's prefix: no NAT66 */
	struct in6_addr prefix;
	struct in6_addr host; /* PREFIX::1 */
	char why_not[128];
};

struct gateway_plan;

/* The IPv6 uplink that follows the default route: the interface of the main table's IPv6
 * default route with the lowest metric, on a tie the IPv4 uplink's (prefer, may be NULL).
 * -ENETUNREACH when there is none (or no IPv6 here). */
int gateway6_default_uplink(const struct usbnet_backends *be, const char *prefer,
			    char ret[USBNET_IFNAMSIZ]);
/* Validation, nothing changed: whether IPv6 is shared, over which uplink (gp's when named,
 * else the IPv6 default route's), and the /64. */
int gateway6_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct usbnet_peer *peer, const struct usbnet_plan *plan,
		     const struct gateway_plan *gp, struct gateway6_plan *ret);
/* accept-ra, nft6 and forwarding6 on g6->uplink, each through journal_apply(), under the
 * gateway lock. */
int gateway6_apply(struct step_env *env, const struct gateway6_plan *g6);

/* refresh (refresh6.c): where rec's IPv6 sharing goes now, NULL when it stays (rec shares no
 * IPv6, or its chains name that uplink already). uplink6 is the IPv6 default route's interface
 * ("" when there is none); moved4 the IPv4 uplink rec moves to in this refresh, NULL when it
 * stays. IPv6 follows its own default route; with none, or one through rec's own interface
 * (turning forwarding on drops the RA-learnt default routes of the interfaces without
 * accept_ra=2), it moves with IPv4. Never to rec's own interface. Pure. */
const char *gateway6_refresh_uplink(const struct state_record *rec, const char *uplink6,
				    const char *moved4);
/* refresh (refresh6.c): rec's IPv6 uplink steps moved to uplink, rec under its interface's
 * lock and the gateway lock: accept-ra given back on the old uplink (unless another peer holds
 * it) and made on the new one as up would, the nft6 chains remade for it; the record written
 * ahead of each change. 1 when moved, 0 when rec shares no IPv6 or it is there already;
 * -errno with ctx_fail() otherwise. */
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

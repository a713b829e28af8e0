/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mode table: each mode (static, gateway, bridge, dhcp, auto, ignore) is one entry, in a file
 * of its own (updown/mode-*.c). usbnet_up() finds the peer and its plan, asks the plan's entry
 * to resolve it (validation: nothing changes), takes the lock and the record, and has the entry
 * make its steps through the journal; it never compares modes itself.
 */
#ifndef USBNET_MODES_H
#define USBNET_MODES_H

#include <stdbool.h>
#include <stddef.h>
#include "bridge/bridge.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "updown/up-auto.h"

/* One up, as the mode entries see it. */
struct up_run {
	struct usbnet_ctx *ctx;
	const struct usbnet_backends *be;
	const char *ifname;
	struct nl_link_info link;
	struct usbnet_peer peer;
	struct usbnet_plan plan;
	unsigned wait_s;
	struct state_record rec;
	struct step_env env; /* for journal_apply: ctx, be, &rec */
	size_t base;	     /* steps before this index were recorded by an earlier up */
	struct gateway_plan gw;	   /* gateway mode: the uplink, resolved while validating */
	struct gateway6_plan gw6;  /* gateway mode: IPv6 shared or not, the link's /64 */
	struct bridge_plan bridge; /* bridge mode */
	enum auto_choice auto_choice; /* mode auto: what discovery chose */
	char warning[512];	      /* configured, but (a firewall drops what is forwarded) */
	bool isolate;		      /* an identical peer: its own routing domain, an alias */
	bool link_local_route;	      /* a /32 to the link-local peer (check_peer_new) */
	bool link_local_beside;	      /* link-local beside another link's: the address alone */
	struct in_addr alias;	      /* the alias isolate_steps() took */
	char probe_note[256];	      /* probe_from_steps(): why the probe route was left out */
	enum usbnet_up_result result;
};

struct mode_entry {
	enum usbnet_mode mode;
	/* Validation, before the lock and before any change: bad input is ctx_fail_input().
	 * 0: go on; 1: nothing to do (u->result and the record's status say why). The entry may
	 * hand the plan to another mode (auto with an address is static): u->plan.mode. */
	int (*resolve)(struct up_run *u, const struct usbnet_up_opts *opts);
	/* The plan in words, kept in the record: an up with the same words carries on from the
	 * record; with other words, the record is undone first. */
	void (*words)(const struct up_run *u, char *buf, size_t len);
	/* More than every recorded step's own check for "already configured" (optional). */
	bool (*in_place)(struct up_run *u);
	/* A plan that is not in place is made again from a clean link (auto: discovery). */
	bool fresh;
	/* Make the steps, each through journal_apply(&u->env, ...). 1: nothing was made after
	 * all (u->result, the status say why), what this call recorded is rolled back. */
	int (*apply)(struct up_run *u);
	/* After the steps: the status (configured, degraded and why). Optional: configured. */
	void (*finish)(struct up_run *u);
};

const struct mode_entry *mode_entry(enum usbnet_mode mode);

/* up's first two moves (up.c), for refresh too: u->peer and u->link of u->ifname (a recheck:
 * an interface that is no USB peer is taken as up --force takes it), then u->plan from the
 * configuration and opts. */
int up_find_peer(struct up_run *u, const struct usbnet_up_opts *opts);
void up_make_plan(struct up_run *u, const struct usbnet_up_opts *opts);
/* refresh (refresh.c): IPv6 sharing started on a gateway peer that up made without it (u->rec
 * its record, u->gw its IPv4 uplink, u->gw6 resolved now and sharing): up's IPv6 steps, after
 * the record's (with --dns the forwarder's step, which must come after nft6-dns, taken out
 * first by the caller), and the plan's words made what up's are now. */
int mode_gateway_start_ipv6(struct up_run *u);

/* For the entries (updown/mode-static.c): the host address and the peer route, checked; the
 * peer's reachability check; the message kept in the record. */
int mode_static_check(struct up_run *u);
int mode_static_steps(struct up_run *u);
/* NetworkManager off the device, the link up, the address and the route: static's steps. */
int mode_static_apply(struct up_run *u);
/* The status of a peer whose lease NetworkManager takes (dhcp, and auto that found a server). */
void mode_dhcp_finish(struct up_run *u);
bool mode_static_in_place(struct up_run *u);
/* --dhcp-server (plan.dhcp_server): the peer's address checked for it (bad input); the
 * server's step, the router option when router. Both do nothing without it. */
int mode_dhcp_server_check(struct up_run *u);
/* plan.probe_from (probe-from.c): the link's rp_filter loose when it would be strict, and a
 * link route to the peer's probe source unless the host's own network is there (probe_note
 * says so); nothing without it. */
int probe_from_steps(struct up_run *u);
int mode_dhcp_server_step(struct up_run *u, bool router);
void mode_probe_peer(struct up_run *u);
void mode_set_message(struct usbnet_status *st, const char *s);
/* The link set up (recorded), with IPv6 turned off on it first when the plan says ipv6=off:
 * the order keeps every IPv6 frame off the link. */
int mode_link_up(struct up_run *u);
/* " ipv6=off" for the plan's words when it says so, "" otherwise. */
const char *mode_ipv6_words(const struct up_run *u);
/* The DHCP profile step (mode-dhcp.c), for auto too: 1 when NetworkManager is not there. */
int mode_dhcp_profile(struct up_run *u);

extern const struct mode_entry mode_ignore, mode_static, mode_gateway, mode_bridge, mode_dhcp,
	mode_auto;

#endif

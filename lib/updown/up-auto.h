/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* up --auto: discovery, then the host's address (up-auto.c). */
#ifndef USBNET_UP_AUTO_H
#define USBNET_UP_AUTO_H

#include <stdbool.h>
#include "core/ctx.h"
#include "probe/probe.h"

/* ---- the choice (auto-choice.c) ---- */

enum auto_choice {
	AUTO_NONE = 0,
	AUTO_PROFILE,	 /* the peer's address is a profile's device address: its host address */
	AUTO_LOWEST_FREE, /* the lowest free address in the peer's subnet */
	AUTO_LINK_LOCAL, /* no IPv4 found: RFC 3927 */
	AUTO_DHCP,	 /* the peer serves DHCP */
};

const char *auto_choice_name(enum auto_choice c); /* "profile", "lowest-free"... */
int auto_choice_from_name(const char *s, enum auto_choice *ret);

/* The finding that gives the peer's IPv4 address, best first: the peer's own words (an ARP
 * answer or announcement) before traffic; NULL when none has one. */
const struct usbnet_finding *auto_peer_finding(const struct usbnet_probe_result *r);
/* The DHCP offer, or NULL. */
const struct usbnet_finding *auto_dhcp_finding(const struct usbnet_probe_result *r);
/* The profile whose device address is peer (host address in ret_host); NULL when none. */
const char *auto_profile_for(struct in_addr peer, struct usbnet_ip4 *ret_host);
/* The prefix to assume for a peer address found without one: /16 in 169.254/16, else /24. */
uint8_t auto_prefix_for(struct in_addr peer);
/* The i-th candidate host address (0-based) in peer's subnet, lowest first, skipping the
 * network and broadcast addresses and the peer: -ERANGE past the last. */
int auto_candidate(struct in_addr peer, uint8_t prefix, unsigned i, struct usbnet_ip4 *ret);
/* RFC 3927 2.1: an address in 169.254.1.0-169.254.254.255, pseudo-random but the same for
 * the same MAC and attempt, so that a host keeps its address across runs. */
void auto_link_local(const uint8_t mac[PROBE_ETH_ALEN], unsigned attempt, struct usbnet_ip4 *ret);

/* Common device addresses the ARP probes ask for: the profiles', then a short sweep of the
 * addresses gadget images commonly pick. i-th entry; -ERANGE past the last. profile_id is
 * the profile's id for a profile's address, NULL for a sweep address. */
int probe_target(unsigned i, struct in_addr *ret, const char **ret_profile);


#define UP_AUTO_DEFAULT_WAIT_S 3 /* as classify.c's for a planned peer */

struct up_auto_outcome {
	enum auto_choice choice;
	enum usbnet_probe_method method; /* of the finding the choice rests on; 0: none */
	char discovered[48];		 /* "METHOD CHOICE", for the state record */
	size_t n_findings;
	int64_t elapsed_ms;
};

/* How long up --auto waits for the link's carrier before discovery's timeout starts: an ECM
 * device's comes when it brings its own side up, seconds after it enumerated when it boots. */
#define UP_AUTO_CARRIER_WAIT_MS 30000

/* Probe the link (up), choose: fills plan's host and peer (or, for a DHCP-serving peer, no
 * host and peer_serves_dhcp). Sends on the link; changes nothing on the host. timeout_ms
 * counts from the carrier, waited for up to carrier_wait_ms (0: timeout_ms includes it). */
int up_auto_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be, int ifindex,
		    const char *ifname, unsigned timeout_ms, unsigned carrier_wait_ms,
		    struct usbnet_plan *plan, struct up_auto_outcome *ret);
/* An earlier up --auto's record: its addresses into plan. false when it has none. */
bool up_auto_adopt(const char *discovered, const struct usbnet_status *st,
		   struct usbnet_plan *plan, enum auto_choice *ret_choice);

#endif

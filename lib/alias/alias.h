/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Identical peers side by side (issue 18): a peer whose subnet another configured peer has
 * already is put in a routing domain of its own, and reached at an alias address.
 *
 * The domain is a routing table of its own, TABLE = ALIAS_TABLE_BASE + slot (slot: the alias's
 * place in the pool), holding the peer's subnet and the alias (both through its interface,
 * from the host's address there); the host's address on the link has no prefix route in the
 * main table (IFA_F_NOPREFIXROUTE), so the first peer keeps the plain address. Two rules, at
 * priority ALIAS_RULE_PRIORITY, select the table: "to ALIAS" (a program's first look-up) and
 * "fwmark MARK" (MARK = ALIAS_MARK_BASE + slot, which the alias chains put on every packet to
 * the alias before its destination becomes the peer's address; see gateway/nft.h). Strict
 * reverse-path filtering would drop the peer's answers (the main table sends its address
 * elsewhere): the interface's rp_filter is made loose (2) when it would be strict.
 *
 * Each is a step kind of this folder: rpfilter, addr-noprefix, table-route, rule.
 */
#ifndef USBNET_ALIAS_H
#define USBNET_ALIAS_H

#include <stdint.h>
#include "core/backend.h"
#include "core/step.h"

#define ALIAS_TABLE_BASE 18000u
#define ALIAS_MARK_BASE 0x75530000u
#define ALIAS_RULE_PRIORITY 18000u
#define ALIAS_DEFAULT_POOL "10.189.0.0/24"

struct step_rpfilter {
	int before; /* the interface's own value before (the effective one is the higher of it
		     * and all's) */
};

struct step_addr_alone {
	struct usbnet_ip4 ip;
};

struct step_table_route {
	struct usbnet_ip4 dst;
	struct in_addr src;
	uint32_t table;
};

struct step_rule {
	struct nl_rule rule;
};

extern const struct step_kind step_rpfilter;	 /* LINK: rp_filter of the interface loosened */
extern const struct step_kind step_addr_alone;	 /* LINK: the host's address, no prefix route */
extern const struct step_kind step_table_route; /* LINK: a route in the peer's own table */
extern const struct step_kind step_rule;	 /* HOST: a rule selecting that table */

#endif

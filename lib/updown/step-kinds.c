/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>

#include "alias/alias.h"
#include "bridge/bridge.h"
#include "dns/dhcp-up.h"
#include "dns/dns-up.h"
#include "dns/ra-up.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "netlink/steps.h"
#include "nm/steps.h"
#include "updown/step-kinds.h"

/* A new kind: its file in its subsystem's folder, and one line here. */
const struct step_kind *const step_kinds[] = {
	&step_nm_unmanaged,
	&step_nm_profile,
	&step_link_sysctl,
	&step_link_up,
	&step_addr,
	&step_route,
	&step_route_metric,
	&step_altname,
	&step_nft,
	&step_forwarding,
	&step_nft_dns,
	&step_dnsmasq,
	&step_dhcp_server,
	&step_bridge_join,
	&step_bridge_port,
	&step_rpfilter,
	&step_addr_alone,
	&step_table_route,
	&step_rule,
	&step_alias_nat,
	&step_addr6,
	&step_accept_ra,
	&step_nft6,
	&step_forwarding6,
	&step_ra,
	&step_nft6_dns,
	NULL,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Classification: a peer record, the configuration and the built-in profiles make a plan.
 * Pure: no I/O, so udev-probe can call it on every hotplug.
 *
 * The rules:
 * - A matching [peer] group wins. What it leaves unset comes from the profile the device
 *   matches, if any: a group saying only "mode=gateway" for a Fobnail keeps the Fobnail's
 *   addresses. Addresses go as a pair: a group that sets address= or peer= owns the
 *   addressing, and the profile's addresses are not mixed in.
 * - A group without mode= takes the profile's mode; without a profile, static when it gives
 *   an address, else auto (find the peer's address).
 * - Upstream devices (tethering phones, modems) are ignored unless a group names them by
 *   usb=, serial= or mac=: a group that matches only on driver= or product= was written for
 *   gadgets, and must not capture the user's phone.
 * - Nothing matches: mode ignore, the device is left to whoever manages it.
 */
#include <stdio.h>
#include <string.h>

#include "peer/config.h"
#include "core/ctx.h"
#include "peer/profiles.h"
#include "peer/upstream.h"

/* How long `up` waits for a peer whose address is known to answer, unless configured. */
#define CLASSIFY_DEFAULT_WAIT_S 3

static void plan_from_profile(const struct profile *p, struct usbnet_plan *plan)
{
	struct usbnet_ip4 ip;

	plan->mode = p->mode;
	snprintf(plan->profile, sizeof(plan->profile), "%s", p->id);
	plan->peer_serves_dhcp = p->serves_dhcp;
	plan->dhcp_server = p->dhcp_server;
	plan->dhcp_router = p->dhcp_router;
	plan->shared_host = p->shared_host;
	plan->ipv6_off = p->ipv6_off;
	if (p->host && usbnet_ip4_parse(p->host, true, &ip) == 0) {
		plan->has_host = true;
		plan->host = ip;
	}
	if (p->peer && usbnet_ip4_parse(p->peer, false, &ip) == 0) {
		plan->has_peer = true;
		plan->peer = ip.addr;
	}
	if (p->probe_from && usbnet_ip4_parse(p->probe_from, true, &ip) == 0) {
		plan->has_probe_from = true;
		plan->probe_from = ip;
	}
}

static void plan_apply_group(const struct config_peer *cp, struct usbnet_plan *plan)
{
	snprintf(plan->config_peer, sizeof(plan->config_peer), "%s", cp->name);
	if (cp->has_host || cp->has_peer) {
		/* The group's own subnet: nothing shared with other links. */
		plan->shared_host = false;
		plan->has_host = cp->has_host;
		plan->host = cp->host;
		plan->has_peer = cp->has_peer;
		plan->peer = cp->peer;
	}
	if (cp->has_mode)
		plan->mode = cp->mode;
	else if (!plan->profile[0])
		plan->mode = cp->has_host ? USBNET_MODE_STATIC : USBNET_MODE_AUTO;
	if (cp->uplink[0])
		snprintf(plan->uplink, sizeof(plan->uplink), "%s", cp->uplink);
	if (cp->bridge[0])
		snprintf(plan->bridge, sizeof(plan->bridge), "%s", cp->bridge);
	if (cp->dns >= 0)
		plan->dns = cp->dns;
	if (cp->dhcp_server >= 0)
		plan->dhcp_server = cp->dhcp_server;
	if (cp->trusted >= 0)
		plan->trusted = cp->trusted;
	if (cp->ipv6 >= 0)
		plan->ipv6_off = cp->ipv6 == 0;
	if (cp->has_ipv6_prefix) {
		plan->has_ipv6_prefix = true;
		plan->ipv6_prefix = cp->ipv6_prefix;
	}
	if (cp->probe_from >= 0) {
		plan->has_probe_from = cp->probe_from == 1;
		plan->probe_from = cp->probe_from_ip;
	}
}

void usbnet_classify(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer,
		     struct usbnet_plan *ret)
{
	const struct config_peer *cp = NULL;
	const struct profile *p;
	struct usbnet_plan plan = { .mode = USBNET_MODE_IGNORE };

	if (ctx && ctx->config)
		cp = config_match(ctx->config, peer);
	if (usbnet_peer_is_upstream(peer) && !upstream_group_claims(cp)) {
		usbnet_peer_name(peer, &plan, plan.name, sizeof(plan.name));
		*ret = plan;
		return;
	}
	p = profile_match(peer);
	if (p)
		plan_from_profile(p, &plan);
	if (cp)
		plan_apply_group(cp, &plan);

	/* A DHCP server is for the modes that give the peer an address of the host's subnet. */
	if (plan.mode != USBNET_MODE_STATIC && plan.mode != USBNET_MODE_GATEWAY &&
	    plan.mode != USBNET_MODE_AUTO) {
		plan.dhcp_server = false;
		plan.dhcp_router = false;
		plan.shared_host = false;
		plan.has_probe_from = false;
	}
	/* ipv6=off is for the modes that set the link up themselves (static, gateway, auto). */
	if (plan.mode == USBNET_MODE_IGNORE || plan.mode == USBNET_MODE_DHCP ||
	    plan.mode == USBNET_MODE_BRIDGE)
		plan.ipv6_off = false;
	switch (plan.mode) {
	case USBNET_MODE_IGNORE:
		/* No plan: keep who matched, drop what would be configured. */
		plan.has_host = false;
		memset(&plan.host, 0, sizeof(plan.host));
		break;
	case USBNET_MODE_DHCP:
		/* The peer leases the host its address: there is none to plan. */
		plan.has_host = false;
		memset(&plan.host, 0, sizeof(plan.host));
		plan.peer_serves_dhcp = true;
		break;
	case USBNET_MODE_BRIDGE:
		/* The peer is put on the LAN and takes its address there: no subnet of ours. */
		plan.has_host = false;
		memset(&plan.host, 0, sizeof(plan.host));
		plan.has_peer = false;
		memset(&plan.peer, 0, sizeof(plan.peer));
		break;
	default:
		break;
	}

	if (cp && cp->wait_s >= 0)
		plan.wait_s = (unsigned)cp->wait_s;
	else if (usbnet_mode_is_owned(plan.mode) && plan.has_peer)
		plan.wait_s = CLASSIFY_DEFAULT_WAIT_S;
	usbnet_peer_name(peer, &plan, plan.name, sizeof(plan.name));
	*ret = plan;
}

bool usbnet_mode_is_owned(enum usbnet_mode mode)
{
	switch (mode) {
	case USBNET_MODE_STATIC:
	case USBNET_MODE_GATEWAY:
	case USBNET_MODE_BRIDGE:
	case USBNET_MODE_AUTO:
		return true;
	case USBNET_MODE_IGNORE:
	case USBNET_MODE_DHCP:
	default:
		return false;
	}
}

bool usbnet_plan_is_automatic(const struct usbnet_ctx *ctx, const struct usbnet_plan *plan)
{
	if (plan->mode == USBNET_MODE_IGNORE)
		return false;
	if (plan->config_peer[0])
		return true;
	return !(ctx && ctx->config && ctx->config->auto_mode == CONFIG_AUTO_NONE);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bridge mode's checks, before anything changes: which uplink and which bridge, and whether
 * they can be bridged at all (Wi-Fi, loopback, the peer itself, a port of another bridge,
 * NetworkManager, addresses and routes that could not be given back exactly). Each refusal
 * says what to do instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "bridge/bridge.h"
#include "core/ifname.h"

static const char *nm_words(const struct usbnet_backends *be, int err)
{
	const char *s = be->nm->last_error ? be->nm->last_error(be->nm_h) : NULL;

	return s && *s ? s : strerror(-err);
}

/* -EOPNOTSUPP when NetworkManager manages it: we do not take a device from NetworkManager to
 * rebuild it behind its back (it would re-apply its profile to the uplink, or drop a port it
 * did not add), nor rewrite the user's own profiles. The message says how to do it there. */
static int check_nm(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *ifname,
		    const char *what, const char *bridge, const char *uplink, const char *peer)
{
	int managed = 0, r;

	/* Asked even by the watcher, which otherwise keeps libnm off its path. */
	r = (be->nm->get_owned ?: be->nm->get_managed)(be->nm_h, ifname, &managed);
	if (r == -ENOTCONN || r == -ENODEV || (r >= 0 && !managed))
		return 0;
	if (r < 0)
		return ctx_fail(ctx, r, "could not ask NetworkManager about %s: %s", ifname,
				nm_words(be, r));
	return ctx_fail_input(ctx, -EOPNOTSUPP,
			"NetworkManager manages the %s %s; nothing was changed: usbnet-host does "
			"not bridge devices NetworkManager manages. Either share the uplink with "
			"up --gateway, or make the bridge in NetworkManager with both ports: "
			"nmcli connection add type bridge ifname %s con-name %s bridge.stp no; "
			"nmcli connection add type ethernet slave-type bridge master %s ifname %s; "
			"nmcli connection add type ethernet slave-type bridge master %s ifname %s "
			"(and mode=ignore in a [peer] group for %s, so that usbnet-host leaves it "
			"to NetworkManager)",
			what, ifname, bridge, bridge, bridge, uplink[0] ? uplink : "UPLINK", bridge,
			peer, peer);
}

/* The uplink's IPv4 addresses and routes can be moved and given back exactly. */
static int check_movable(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			 const struct nl_link_detail *u)
{
	struct nl_addr_full *a = NULL;
	struct nl_route_full *rt = NULL;
	size_t n = 0;
	char s[32];
	int r;

	r = be->br->addr_list_full(be->br_h, u->ifindex, AF_INET, &a, &n);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot list the addresses of %s: %s", u->ifname,
				strerror(-r));
	for (size_t i = 0; i < n; i++) {
		usbnet_ip4_format(&a[i].ip, s, sizeof(s));
		if (!(a[i].flags & IFA_F_PERMANENT)) {
			r = ctx_fail_input(
			    ctx, -EOPNOTSUPP,
			    "%s on the uplink %s has a lifetime (%u s): a DHCP client owns "
			    "it and would keep renewing it on %s, not on a bridge; nothing "
			    "was changed: let that client configure a bridge instead, or "
			    "use up --gateway",
			    s, u->ifname, a[i].valid_lft, u->ifname);
			goto out;
		}
		if (a[i].label[0] && strcmp(a[i].label, u->ifname) != 0) {
			r = ctx_fail_input(ctx, -EOPNOTSUPP,
				     "%s on the uplink %s has the label %s, which a bridge cannot "
				     "carry; nothing was changed",
				     s, u->ifname, a[i].label);
			goto out;
		}
	}
	free(a);
	a = NULL;
	r = be->br->addr_list_full(be->br_h, u->ifindex, AF_INET6, &a, &n);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot list the IPv6 addresses of %s: %s", u->ifname,
				strerror(-r));
	for (size_t i = 0; i < n; i++)
		if (a[i].scope == RT_SCOPE_UNIVERSE && (a[i].flags & IFA_F_PERMANENT)) {
			r = ctx_fail_input(
			    ctx, -EOPNOTSUPP,
			    "the uplink %s has a static IPv6 address, and bridge mode moves "
			    "IPv4 only; nothing was changed: move it to a bridge by hand, or "
			    "use up --gateway",
			    u->ifname);
			goto out;
		}
	r = be->br->route_list_full(be->br_h, u->ifindex, &rt, &n);
	if (r == -EOPNOTSUPP)
		r = ctx_fail_input(ctx, r,
			     "a multipath route goes through the uplink %s; it cannot be moved to "
			     "a bridge leg by leg; nothing was changed",
			     u->ifname);
	else if (r < 0)
		r = ctx_fail(ctx, r, "cannot list the routes of %s: %s", u->ifname, strerror(-r));
out:
	free(a);
	free(rt);
	return r < 0 ? r : 0;
}

int bridge_plan_make(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *peer,
		     int peer_ifindex, const char *want_uplink, const char *want_bridge,
		     struct bridge_plan *ret)
{
	struct bridge_plan p = {.peer_ifindex = peer_ifindex};
	struct nl_link_detail u = {}, b = {}, pd = {};
	bool have_uplink = false, bridge_exists = false;
	char uplink[USBNET_IFNAMSIZ] = "";
	int r;

	if (!be->br)
		return ctx_fail(ctx, -EOPNOTSUPP, "bridge mode is not available in this build");
	snprintf(p.peer, sizeof(p.peer), "%s", peer);
	if (want_uplink && *want_uplink && strcmp(want_uplink, "auto") != 0) {
		snprintf(uplink, sizeof(uplink), "%s", want_uplink);
	} else {
		r = be->br->default_route_dev(be->br_h, uplink);
		if (r < 0 && r != -ENOENT)
			return ctx_fail(ctx, r, "cannot find the default route's interface: %s",
					strerror(-r));
	}
	if (uplink[0]) {
		r = be->br->link_detail(be->br_h, uplink, &u);
		if (r == -ENODEV)
			return ctx_fail_input(
			    ctx, -EINVAL,
			    "there is no interface %s to use as the uplink; nothing was "
			    "changed: name the LAN interface with --uplink IF",
			    uplink);
		if (r < 0)
			return ctx_fail(ctx, r, "cannot look up %s: %s", uplink, strerror(-r));
		if (u.ifindex == peer_ifindex)
			return ctx_fail_input(
			    ctx, -EINVAL,
			    "the uplink cannot be the peer %s itself; nothing was changed: "
			    "name the LAN interface with --uplink IF",
			    peer);
		if (u.loopback)
			return ctx_fail_input(
			    ctx, -EINVAL,
			    "the loopback %s cannot be an uplink; nothing was changed: name "
			    "the LAN interface with --uplink IF",
			    uplink);
		if (u.wireless)
			return ctx_fail_input(
			    ctx, -EOPNOTSUPP,
			    "the uplink %s is Wi-Fi: a Wi-Fi station cannot be a bridge "
			    "port (the access point accepts only its own MAC address from "
			    "it); nothing was changed: share it with the peer with "
			    "up --gateway --uplink %s instead",
			    uplink, uplink);
		have_uplink = true;
		snprintf(p.shown_uplink, sizeof(p.shown_uplink), "%s", uplink);
		if (strcmp(u.kind, "bridge") == 0) {
			/* The host's LAN is a bridge already: the peer joins it. */
			if (want_bridge && *want_bridge && strcmp(want_bridge, uplink) != 0)
				return ctx_fail_input(
				    ctx, -EINVAL,
				    "the uplink %s is itself a bridge; nothing was changed: "
				    "join it with --bridge-name %s, or name the LAN "
				    "interface with --uplink IF",
				    uplink, uplink);
			want_bridge = uplink;
			have_uplink = false;
		}
	}
	snprintf(p.name, sizeof(p.name), "%s",
		 want_bridge && *want_bridge ? want_bridge : BRIDGE_DEFAULT_NAME);
	if (!ifname_valid(p.name) || (want_bridge && strlen(want_bridge) >= USBNET_IFNAMSIZ))
		return ctx_fail_input(ctx, -EINVAL,
				"\"%s\" cannot be a bridge's name; nothing was changed",
				want_bridge ? want_bridge : "");
	if (strcmp(p.name, peer) == 0)
		return ctx_fail_input(ctx, -EINVAL, "the bridge cannot be the peer %s itself", peer);
	r = be->br->link_detail(be->br_h, p.name, &b);
	if (r >= 0) {
		bridge_exists = true;
		if (strcmp(b.kind, "bridge") != 0)
			return ctx_fail_input(ctx, -EINVAL,
					"%s exists and is not a bridge; nothing was changed: name "
					"another with --bridge-name NAME",
					p.name);
		r = check_nm(ctx, be, p.name, "bridge", p.name, p.shown_uplink, peer);
		if (r < 0)
			return r;
	} else if (r != -ENODEV) {
		return ctx_fail(ctx, r, "cannot look up %s: %s", p.name, strerror(-r));
	}
	if (have_uplink && u.master) {
		if (!bridge_exists || u.master != b.ifindex)
			return ctx_fail_input(
			    ctx, -EINVAL,
			    "the uplink %s is a port of another bridge already; nothing "
			    "was changed: join that bridge with --bridge-name, or name "
			    "another uplink with --uplink IF",
			    uplink);
		have_uplink = false; /* a port of this bridge already: nothing to move */
	}
	if (have_uplink) {
		r = check_nm(ctx, be, uplink, "uplink", p.name, uplink, peer);
		if (r < 0)
			return r;
		if (!u.has_mac)
			return ctx_fail_input(
			    ctx, -EOPNOTSUPP,
			    "the uplink %s has no Ethernet address; nothing was changed", uplink);
		r = check_movable(ctx, be, &u);
		if (r < 0)
			return r;
		snprintf(p.uplink, sizeof(p.uplink), "%s", uplink);
	}
	if (!bridge_exists && !have_uplink)
		return ctx_fail_input(ctx, -EINVAL,
				"no uplink for the bridge %s (the host has no default route); "
				"nothing was changed: name the LAN interface with --uplink IF",
				p.name);
	r = be->br->link_detail(be->br_h, peer, &pd);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot look up %s: %s", peer, strerror(-r));
	if (pd.master && (!bridge_exists || pd.master != b.ifindex))
		return ctx_fail_input(ctx, -EINVAL,
				"%s is a port of another bridge already; nothing was changed",
				peer);
	*ret = p;
	return 0;
}

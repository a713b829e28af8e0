/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bridge mode, in the Maemo recipe's way (a bridge, forward delay 0, STP off, with the host's
 * Ethernet and the USB link as ports), without its two traps: the host's address is moved
 * from the uplink to the bridge (addresses and routes as they were, metric, protocol and
 * scope included) so that the host stays on the LAN, and everything is recorded so that the
 * last peer to leave gives the uplink back exactly.
 *
 * The bridge takes the uplink's MAC address: the LAN's DHCP server and ARP caches keep seeing
 * the host under the MAC they know, so its lease and its neighbours' entries stay valid.
 *
 * IPv4 is moved; IPv6 is not: the bridge, with the uplink's MAC, gets the same EUI-64
 * link-local address and SLAAC addresses from the LAN's router advertisements by itself. An
 * uplink with static (permanent, global) IPv6 addresses, or IPv4 addresses with a lifetime (a
 * DHCP client's lease, which that client would keep renewing on the uplink), is refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "bridge-state.h"
#include "bridge.h"
#include "lock.h"
#include "updown.h"

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
	return ctx_fail(ctx, -EOPNOTSUPP,
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
			r = ctx_fail(ctx, -EOPNOTSUPP,
				     "%s on the uplink %s has a lifetime (%u s): a DHCP client owns "
				     "it and would keep renewing it on %s, not on a bridge; nothing "
				     "was changed: let that client configure a bridge instead, or "
				     "use up --gateway",
				     s, u->ifname, a[i].valid_lft, u->ifname);
			goto out;
		}
		if (a[i].label[0] && strcmp(a[i].label, u->ifname) != 0) {
			r = ctx_fail(ctx, -EOPNOTSUPP,
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
			r = ctx_fail(ctx, -EOPNOTSUPP,
				     "the uplink %s has a static IPv6 address, and bridge mode moves "
				     "IPv4 only; nothing was changed: move it to a bridge by hand, or "
				     "use up --gateway",
				     u->ifname);
			goto out;
		}
	r = be->br->route_list_full(be->br_h, u->ifindex, &rt, &n);
	if (r == -EOPNOTSUPP)
		r = ctx_fail(ctx, r,
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
	struct bridge_plan p = { .peer_ifindex = peer_ifindex };
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
			return ctx_fail(ctx, -EINVAL,
					"there is no interface %s to use as the uplink; nothing was "
					"changed: name the LAN interface with --uplink IF",
					uplink);
		if (r < 0)
			return ctx_fail(ctx, r, "cannot look up %s: %s", uplink, strerror(-r));
		if (u.ifindex == peer_ifindex)
			return ctx_fail(ctx, -EINVAL,
					"the uplink cannot be the peer %s itself; nothing was changed: "
					"name the LAN interface with --uplink IF",
					peer);
		if (u.loopback)
			return ctx_fail(ctx, -EINVAL,
					"the loopback %s cannot be an uplink; nothing was changed: name "
					"the LAN interface with --uplink IF",
					uplink);
		if (u.wireless)
			return ctx_fail(ctx, -EOPNOTSUPP,
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
				return ctx_fail(ctx, -EINVAL,
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
	if (!updown_ifname_valid(p.name) || (want_bridge && strlen(want_bridge) >= USBNET_IFNAMSIZ))
		return ctx_fail(ctx, -EINVAL, "\"%s\" cannot be a bridge's name; nothing was changed",
				want_bridge ? want_bridge : "");
	if (strcmp(p.name, peer) == 0)
		return ctx_fail(ctx, -EINVAL, "the bridge cannot be the peer %s itself", peer);
	r = be->br->link_detail(be->br_h, p.name, &b);
	if (r >= 0) {
		bridge_exists = true;
		if (strcmp(b.kind, "bridge") != 0)
			return ctx_fail(ctx, -EINVAL,
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
			return ctx_fail(ctx, -EINVAL,
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
			return ctx_fail(ctx, -EOPNOTSUPP,
					"the uplink %s has no Ethernet address; nothing was changed",
					uplink);
		r = check_movable(ctx, be, &u);
		if (r < 0)
			return r;
		snprintf(p.uplink, sizeof(p.uplink), "%s", uplink);
	}
	if (!bridge_exists && !have_uplink)
		return ctx_fail(ctx, -EINVAL,
				"no uplink for the bridge %s (the host has no default route); "
				"nothing was changed: name the LAN interface with --uplink IF",
				p.name);
	r = be->br->link_detail(be->br_h, peer, &pd);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot look up %s: %s", peer, strerror(-r));
	if (pd.master && (!bridge_exists || pd.master != b.ifindex))
		return ctx_fail(ctx, -EINVAL,
				"%s is a port of another bridge already; nothing was changed", peer);
	*ret = p;
	return 0;
}

/* ---- the shared part, under the bridge's lock ---------------------------------------------- */

static int bridge_lock(struct usbnet_ctx *ctx, const char *name, int *ret_fd)
{
	char lockname[USBNET_IFNAMSIZ + 8];
	int r;

	/* ':' is in no interface name: this lock is never an interface's (nor pruned as one). */
	snprintf(lockname, sizeof(lockname), "bridge:%s", name);
	r = lock_acquire(ctx->run_dir, lockname, LOCK_TIMEOUT_MS, ret_fd);
	if (r == -EWOULDBLOCK)
		return ctx_fail(ctx, r, "another usbnet-host is busy with the bridge %s (%s/%s.lock); "
					"try again",
				name, ctx->run_dir, lockname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot lock the bridge %s in %s: %s", name, ctx->run_dir,
				strerror(-r));
	return 0;
}

static int shared_write(struct usbnet_ctx *ctx, const struct bridge_record *br)
{
	int r = bridge_state_write(ctx->run_dir, br);

	if (r < 0)
		return ctx_fail(ctx, r, "cannot write the bridge record %s/%s.bridge: %s",
				ctx->run_dir, br->name, strerror(-r));
	return 0;
}

static int shared_read(struct usbnet_ctx *ctx, const char *name, struct bridge_record *br)
{
	int r = bridge_state_read(ctx->run_dir, name, br);

	if (r == -EBADMSG)
		return ctx_fail(ctx, r,
				"the bridge record %s/%s.bridge is damaged (edited or truncated); "
				"check the bridge %s and its uplink by hand, then remove the file",
				ctx->run_dir, name, name);
	if (r < 0 && r != -ENOENT)
		return ctx_fail(ctx, r, "cannot read the bridge record %s/%s.bridge: %s",
				ctx->run_dir, name, strerror(-r));
	return r;
}

static int push(struct usbnet_ctx *ctx, struct bridge_record *br, struct bstep s)
{
	if (br->n_steps >= BRIDGE_MAX_STEPS)
		return ctx_fail(ctx, -E2BIG, "too many steps for the bridge %s", br->name);
	br->steps[br->n_steps++] = s;
	return 0;
}

static void drop_bstep(struct bridge_record *br, size_t i)
{
	memmove(&br->steps[i], &br->steps[i + 1], (br->n_steps - i - 1) * sizeof(br->steps[0]));
	br->n_steps--;
}

/* Make the uplink a port and move its addresses and routes. The steps are all recorded in one
 * write before the first change (the gap in the host's connectivity is the time the changes
 * take, not the time of several fsyncs); their undo accepts a step that was never made. */
static int move_uplink(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		       struct bridge_record *br, const struct nl_link_detail *u)
{
	struct nl_addr_full *a = NULL;
	struct nl_route_full *rt = NULL;
	size_t na = 0, nr = 0, first;
	char what[260], spec[200];
	int r;

	r = be->br->addr_list_full(be->br_h, u->ifindex, AF_INET, &a, &na);
	if (r < 0) {
		ctx_fail(ctx, r, "cannot list the addresses of %s: %s", u->ifname, strerror(-r));
		goto out;
	}
	r = be->br->route_list_full(be->br_h, u->ifindex, &rt, &nr);
	if (r < 0) {
		ctx_fail(ctx, r, "cannot list the routes of %s: %s", u->ifname, strerror(-r));
		goto out;
	}
	first = br->n_steps;
	r = push(ctx, br, (struct bstep){ .kind = BSTEP_UPLINK_PORT });
	for (size_t i = 0; r >= 0 && i < nr; i++)
		r = push(ctx, br, (struct bstep){ .kind = BSTEP_UPLINK_ROUTE, .route = rt[i] });
	/* Secondaries go first: deleting a primary takes its secondaries with it. The undo,
	 * in reverse, gives the primaries back first, in their order. */
	for (size_t i = na; r >= 0 && i-- > 0;) {
		a[i].flags &= IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;
		r = push(ctx, br, (struct bstep){ .kind = BSTEP_UPLINK_ADDR, .addr = a[i] });
	}
	for (size_t i = 0; r >= 0 && i < na; i++) {
		struct bstep s = { .kind = BSTEP_BRIDGE_ADDR, .addr = a[i] };

		s.addr.ifindex = br->ifindex;
		r = push(ctx, br, s);
	}
	for (size_t i = 0; r >= 0 && i < nr; i++) {
		struct bstep s = { .kind = BSTEP_BRIDGE_ROUTE, .route = rt[i] };

		s.route.ifindex = br->ifindex;
		r = push(ctx, br, s);
	}
	if (r >= 0)
		r = shared_write(ctx, br);
	if (r < 0)
		goto out;

	for (size_t i = first; i < br->n_steps;) {
		struct bstep *s = &br->steps[i];
		bool made = true;

		switch (s->kind) {
		case BSTEP_UPLINK_PORT:
			r = be->br->link_set_master(be->br_h, u->ifindex, br->ifindex);
			snprintf(what, sizeof(what), "make %s a port of %s", u->ifname, br->name);
			break;
		case BSTEP_UPLINK_ROUTE:
			r = be->br->route_del_full(be->br_h, &s->route);
			made = r != -ESRCH;
			bridge_route_format(&s->route, spec, sizeof(spec));
			snprintf(what, sizeof(what), "remove the route %s from %s", spec, u->ifname);
			break;
		case BSTEP_UPLINK_ADDR:
			r = be->br->addr_del_full(be->br_h, u->ifindex, &s->addr);
			made = r != -EADDRNOTAVAIL;
			usbnet_ip4_format(&s->addr.ip, spec, sizeof(spec));
			snprintf(what, sizeof(what), "remove %s from %s", spec, u->ifname);
			break;
		case BSTEP_BRIDGE_ADDR:
			r = be->br->addr_add_full(be->br_h, br->ifindex, &s->addr);
			made = r != -EEXIST; /* the bridge's own already: not ours to remove */
			usbnet_ip4_format(&s->addr.ip, spec, sizeof(spec));
			snprintf(what, sizeof(what), "add %s to %s", spec, br->name);
			break;
		case BSTEP_BRIDGE_ROUTE:
			r = be->br->route_add_full(be->br_h, &s->route);
			made = r != -EEXIST;
			bridge_route_format(&s->route, spec, sizeof(spec));
			snprintf(what, sizeof(what), "add the route %s to %s", spec, br->name);
			break;
		default:
			r = -EINVAL;
			break;
		}
		if (!made) {
			drop_bstep(br, i);
			continue;
		}
		if (r < 0) {
			ctx_fail(ctx, r, "could not %s: %s", what, strerror(-r));
			/* What was not made yet stays recorded: its undo finds nothing to do. */
			goto out;
		}
		i++;
	}
	r = shared_write(ctx, br);
out:
	free(a);
	free(rt);
	return r < 0 ? r : 0;
}

static int join(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		const struct bridge_plan *plan, int *ret_bridge_ifindex)
{
	struct bridge_record *br;
	struct nl_link_detail b = {}, u = {};
	bool listed = false;
	int lock = -1, r;

	br = calloc(1, sizeof(*br));
	if (!br)
		return -ENOMEM;
	r = bridge_lock(ctx, plan->name, &lock);
	if (r < 0)
		goto out;
	r = shared_read(ctx, plan->name, br);
	if (r == -ENOENT) {
		memset(br, 0, sizeof(*br));
		strcpy(br->name, plan->name);
	} else if (r < 0) {
		goto out;
	}
	r = be->br->link_detail(be->br_h, plan->name, &b);
	if (r < 0 && r != -ENODEV) {
		ctx_fail(ctx, r, "cannot look up %s: %s", plan->name, strerror(-r));
		goto out;
	}
	if (br->ifindex > 0 && (r == -ENODEV || b.ifindex != br->ifindex)) {
		r = ctx_fail(ctx, -EBADMSG,
			     "the bridge record %s/%s.bridge describes a bridge that is gone; check "
			     "%s by hand (its addresses and routes), then remove the file",
			     ctx->run_dir, plan->name, br->uplink[0] ? br->uplink : "the uplink");
		goto out;
	}
	for (size_t i = 0; i < br->n_users; i++)
		if (strcmp(br->users[i].ifname, plan->peer) == 0)
			listed = true;
	if (!listed) {
		if (br->n_users >= BRIDGE_MAX_USERS) {
			r = ctx_fail(ctx, -E2BIG, "the bridge %s has %d peers already", plan->name,
				     BRIDGE_MAX_USERS);
			goto out;
		}
		strcpy(br->users[br->n_users].ifname, plan->peer);
		br->users[br->n_users++].ifindex = plan->peer_ifindex;
		r = shared_write(ctx, br);
		if (r < 0)
			goto out;
	}
	if (plan->uplink[0]) {
		/* Another peer may have moved it while this one waited for the lock. */
		r = be->br->link_detail(be->br_h, plan->uplink, &u);
		if (r < 0) {
			ctx_fail(ctx, r, "cannot look up the uplink %s: %s", plan->uplink, strerror(-r));
			goto out;
		}
	}
	if (b.ifindex == 0) {
		if (!plan->uplink[0] || !u.has_mac) {
			r = ctx_fail(ctx, -EINVAL, "no uplink to make the bridge %s with", plan->name);
			goto out;
		}
		r = push(ctx, br, (struct bstep){ .kind = BSTEP_CREATE });
		if (r >= 0)
			r = shared_write(ctx, br);
		if (r < 0)
			goto out;
		r = be->br->bridge_add(be->br_h, plan->name, u.mac, &b.ifindex);
		if (r < 0) {
			ctx_fail(ctx, r, "could not create the bridge %s: %s", plan->name,
				 strerror(-r));
			goto out;
		}
		br->ifindex = b.ifindex;
		r = shared_write(ctx, br);
		if (r < 0)
			goto out;
		ctx_log(ctx, USBNET_LOG_INFO, "%s: bridge created (forward delay 0, STP off, MAC of %s)",
			plan->name, plan->uplink);
	} else if (br->ifindex == 0) {
		/* The user's bridge (joined, never deleted: no create step), or ours from a run
		 * that stopped before it could write where the bridge it made is. */
		br->ifindex = b.ifindex;
		r = shared_write(ctx, br);
		if (r < 0)
			goto out;
	}
	if (plan->uplink[0] && u.master != b.ifindex) {
		if (u.master) {
			r = ctx_fail(ctx, -EINVAL, "the uplink %s became a port of another bridge",
				     plan->uplink);
			goto out;
		}
		if (br->uplink[0] && strcmp(br->uplink, plan->uplink) != 0) {
			r = ctx_fail(ctx, -EINVAL,
				     "the bridge %s has the uplink %s already; nothing was changed "
				     "for %s",
				     plan->name, br->uplink, plan->uplink);
			goto out;
		}
		strcpy(br->uplink, plan->uplink);
		br->uplink_ifindex = u.ifindex;
		r = move_uplink(ctx, be, br, &u);
		if (r < 0)
			goto out;
		ctx_log(ctx, USBNET_LOG_INFO, "%s: the uplink %s is a port, its addresses and routes "
					      "are on the bridge",
			plan->name, plan->uplink);
	}
	*ret_bridge_ifindex = b.ifindex;
	r = 0;
out:
	lock_release(lock);
	free(br);
	return r;
}

static int record(struct usbnet_ctx *ctx, struct state_record *rec, enum state_step_kind kind,
		  const char *name)
{
	struct state_step s = { .kind = kind };
	int r;

	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind == kind && strcmp(rec->steps[i].name, name) == 0)
			return 1;
	if (rec->n_steps >= STATE_MAX_STEPS)
		return ctx_fail(ctx, -E2BIG, "too many steps recorded for %s", rec->ifname);
	snprintf(s.name, sizeof(s.name), "%s", name);
	rec->steps[rec->n_steps++] = s;
	r = state_write(ctx->run_dir, rec);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s",
				ctx->run_dir, rec->ifname, strerror(-r));
	return 0;
}

int bridge_apply(struct usbnet_ctx *ctx, const struct usbnet_backends *be, struct state_record *rec,
		 const struct bridge_plan *plan)
{
	struct nl_link_detail pd;
	int r, bridge_ifindex = 0;

	r = record(ctx, rec, STEP_BRIDGE_JOIN, plan->name);
	if (r < 0)
		return r;
	r = join(ctx, be, plan, &bridge_ifindex);
	if (r < 0)
		return r;
	r = be->br->link_detail(be->br_h, plan->peer, &pd);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot look up %s: %s", plan->peer, strerror(-r));
	if (pd.master == bridge_ifindex)
		return 0;
	r = record(ctx, rec, STEP_BRIDGE_PORT, plan->name);
	if (r < 0)
		return r;
	r = be->br->link_set_master(be->br_h, plan->peer_ifindex, bridge_ifindex);
	if (r < 0)
		return ctx_fail(ctx, r, "could not make %s a port of %s: %s", plan->peer, plan->name,
				strerror(-r));
	ctx_log(ctx, USBNET_LOG_INFO, "%s: a port of %s", plan->peer, plan->name);
	return 0;
}

bool bridge_in_place(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct state_record *rec, const char *name)
{
	struct nl_link_detail b, pd;
	bool port = false;

	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind == STEP_BRIDGE_PORT && strcmp(rec->steps[i].name, name) == 0)
			port = true;
	if (!port || !be->br)
		return false;
	if (be->br->link_detail(be->br_h, name, &b) < 0 ||
	    be->br->link_detail(be->br_h, rec->ifname, &pd) < 0)
		return false;
	return pd.ifindex == rec->ifindex && pd.master == b.ifindex && pd.up;
}

/* ---- leaving ----------------------------------------------------------------------------- */

static int undo_shared(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		       struct bridge_record *br)
{
	while (br->n_steps > 0) {
		struct bstep s = br->steps[br->n_steps - 1];
		char spec[200];
		int r;

		switch (s.kind) {
		case BSTEP_BRIDGE_ROUTE:
			s.route.ifindex = br->ifindex;
			r = be->br->route_del_full(be->br_h, &s.route);
			if (r == -ESRCH || r == -ENODEV)
				r = 0;
			bridge_route_format(&s.route, spec, sizeof(spec));
			if (r < 0)
				return ctx_fail(ctx, r, "could not remove the route %s from %s: %s",
						spec, br->name, strerror(-r));
			break;
		case BSTEP_BRIDGE_ADDR:
			r = be->br->addr_del_full(be->br_h, br->ifindex, &s.addr);
			if (r == -EADDRNOTAVAIL || r == -ENODEV)
				r = 0;
			usbnet_ip4_format(&s.addr.ip, spec, sizeof(spec));
			if (r < 0)
				return ctx_fail(ctx, r, "could not remove %s from %s: %s", spec,
						br->name, strerror(-r));
			break;
		case BSTEP_UPLINK_ADDR:
			r = be->br->addr_add_full(be->br_h, br->uplink_ifindex, &s.addr);
			if (r == -EEXIST || r == -ENODEV)
				r = 0;
			usbnet_ip4_format(&s.addr.ip, spec, sizeof(spec));
			if (r < 0)
				return ctx_fail(ctx, r, "could not give %s back to %s: %s", spec,
						br->uplink, strerror(-r));
			break;
		case BSTEP_UPLINK_ROUTE:
			s.route.ifindex = br->uplink_ifindex;
			r = be->br->route_add_full(be->br_h, &s.route);
			if (r == -EEXIST || r == -ENODEV)
				r = 0;
			bridge_route_format(&s.route, spec, sizeof(spec));
			if (r < 0)
				return ctx_fail(ctx, r, "could not give the route %s back to %s: %s",
						spec, br->uplink, strerror(-r));
			break;
		case BSTEP_UPLINK_PORT:
			r = be->br->link_set_master(be->br_h, br->uplink_ifindex, 0);
			if (r == -ENODEV)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r, "could not take %s out of %s: %s", br->uplink,
						br->name, strerror(-r));
			break;
		case BSTEP_CREATE:
			if (br->ifindex > 0) {
				r = be->br->link_del(be->br_h, br->ifindex);
			} else {
				/* Recorded, and perhaps made before the record said where. */
				struct nl_link_detail b;

				r = be->br->link_detail(be->br_h, br->name, &b);
				if (r >= 0 && strcmp(b.kind, "bridge") == 0)
					r = be->br->link_del(be->br_h, b.ifindex);
			}
			if (r == -ENODEV)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r, "could not delete the bridge %s: %s", br->name,
						strerror(-r));
			break;
		default:
			return ctx_fail(ctx, -EBADMSG, "unknown step in the record of bridge %s",
					br->name);
		}
		br->n_steps--;
	}
	return 0;
}

/* 1: the bridge's shared part was undone too (this was the last peer). */
static int leave(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *name,
		 const char *peer)
{
	struct bridge_record *br;
	int lock = -1, r;

	br = calloc(1, sizeof(*br));
	if (!br)
		return -ENOMEM;
	r = bridge_lock(ctx, name, &lock);
	if (r < 0)
		goto out;
	r = shared_read(ctx, name, br);
	if (r == -ENOENT) {
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < br->n_users; i++)
		if (strcmp(br->users[i].ifname, peer) == 0) {
			memmove(&br->users[i], &br->users[i + 1],
				(br->n_users - i - 1) * sizeof(br->users[0]));
			br->n_users--;
			break;
		}
	if (br->n_users > 0) {
		r = shared_write(ctx, br);
		goto out;
	}
	r = undo_shared(ctx, be, br);
	if (r < 0) {
		int w = shared_write(ctx, br);

		ctx_fail_append(ctx, w < 0 ? "and the bridge record could not be updated"
					   : "what is left is kept in %s/%s.bridge",
				ctx->run_dir, name);
		goto out;
	}
	r = bridge_state_remove(ctx->run_dir, name);
	if (r < 0) {
		ctx_fail(ctx, r, "cannot remove the bridge record %s/%s.bridge: %s", ctx->run_dir,
			 name, strerror(-r));
		goto out;
	}
	ctx_log(ctx, USBNET_LOG_INFO, "%s: the last peer left; %s", name,
		br->uplink[0] ? "the uplink has its addresses and routes back" : "left as it was");
	r = 1;
out:
	lock_release(lock);
	free(br);
	return r;
}

int bridge_undo_step(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct state_record *rec, const struct state_step *s, char *phrase,
		     size_t len)
{
	struct nl_link_detail b, pd;
	int r;

	if (!be->br)
		return ctx_fail(ctx, -EOPNOTSUPP, "bridge mode is not available in this build");
	if (s->kind == STEP_BRIDGE_PORT) {
		r = be->br->link_detail(be->br_h, rec->ifname, &pd);
		if (r == -ENODEV || (r >= 0 && pd.ifindex != rec->ifindex)) {
			snprintf(phrase, len, "%s is gone from %s", rec->ifname, s->name);
			return 0;
		}
		if (r < 0)
			return ctx_fail(ctx, r, "cannot look up %s: %s", rec->ifname, strerror(-r));
		/* Only out of the bridge we put it in. */
		if (pd.master && be->br->link_detail(be->br_h, s->name, &b) >= 0 &&
		    b.ifindex == pd.master) {
			r = be->br->link_set_master(be->br_h, rec->ifindex, 0);
			if (r < 0 && r != -ENODEV)
				return ctx_fail(ctx, r, "could not take %s out of %s: %s",
						rec->ifname, s->name, strerror(-r));
		}
		snprintf(phrase, len, "%s taken out of %s", rec->ifname, s->name);
		return 0;
	}
	r = leave(ctx, be, s->name, rec->ifname);
	if (r < 0)
		return r;
	if (r == 1)
		snprintf(phrase, len, "the bridge %s undone (the last peer left)", s->name);
	else
		snprintf(phrase, len, "%s left the bridge %s to its other peers", rec->ifname,
			 s->name);
	return 0;
}

int bridge_leave_all(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct state_record *rec)
{
	for (size_t i = rec->n_steps; i-- > 0;)
		if (rec->steps[i].kind == STEP_BRIDGE_JOIN) {
			int r = leave(ctx, be, rec->steps[i].name, rec->ifname);

			if (r < 0)
				return r;
		}
	return 0;
}

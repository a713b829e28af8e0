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

#include "bridge/bridge-state.h"
#include "bridge/bridge-shared.h"
#include "bridge/bridge.h"
#include "core/lock.h"

/* ---- the shared part, under the bridge's lock ---------------------------------------------- */

static int bridge_lock(struct usbnet_ctx *ctx, const char *name, int *ret_fd)
{
	char lockname[USBNET_IFNAMSIZ + 8];
	int r;

	/* ':' is in no interface name: this lock is never an interface's (nor pruned as one). */
	snprintf(lockname, sizeof(lockname), "bridge:%s", name);
	r = lock_acquire(ctx->run_dir, lockname, LOCK_TIMEOUT_MS, ret_fd);
	if (r == -EWOULDBLOCK)
		return ctx_fail(ctx, r,
				"another usbnet-host is busy with the bridge %s (%s/%s.lock); "
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

static bool neigh_ops(const struct usbnet_backends *be)
{
	return be->br->neigh_list && be->br->neigh_add && be->br->neigh_del;
}

/* The IPv4 neighbours that answered (n, as neigh_list gave them), told to the link `to` before
 * the host's addresses and routes move there: the host's next packets go out at once instead of
 * after an ARP exchange (whose loss in that moment costs a second's retransmission). A cache,
 * not a change of the host's: not recorded, and a failure only costs that exchange. The
 * user's permanent neighbours are steps of their own (move_uplink). */
static void seed_answered(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			  const struct nl_neigh4 *n, size_t nn, int to)
{
	size_t seeded = 0, answered = 0;

	if (!neigh_ops(be) || to <= 0)
		return;
	for (size_t i = 0; i < nn; i++)
		if (!n[i].permanent) {
			answered++;
			if (be->br->neigh_add(be->br_h, to, &n[i]) >= 0)
				seeded++;
		}
	if (answered)
		ctx_log(ctx, USBNET_LOG_DEBUG, "%zu of %zu IPv4 neighbours carried over", seeded,
			answered);
}

/* The same from the link `from`'s own list (down: the bridge's, back to the uplink). */
static void carry_neighbours(struct usbnet_ctx *ctx, const struct usbnet_backends *be, int from,
			     int to)
{
	struct nl_neigh4 *n = NULL;
	size_t nn = 0;

	if (!neigh_ops(be) || from <= 0 || be->br->neigh_list(be->br_h, from, &n, &nn) < 0)
		return;
	seed_answered(ctx, be, n, nn, to);
	free(n);
}

/* Make the uplink a port and move its addresses and routes. The steps are all recorded in one
 * write before the first change (the gap in the host's connectivity is the time the changes
 * take, not the time of several fsyncs); their undo accepts a step that was never made. */
static int move_uplink(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		       struct bridge_record *br, const struct nl_link_detail *u)
{
	struct nl_addr_full *a = NULL;
	struct nl_route_full *rt = NULL;
	struct nl_neigh4 *nb = NULL;
	size_t na = 0, nr = 0, nn = 0, first;
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
	/* The kernel flushes a link's neighbours, permanent ones too, with its last address. */
	if (neigh_ops(be)) {
		r = be->br->neigh_list(be->br_h, u->ifindex, &nb, &nn);
		if (r < 0) {
			ctx_fail(ctx, r, "cannot list the neighbours of %s: %s", u->ifname,
				 strerror(-r));
			goto out;
		}
	}
	first = br->n_steps;
	r = push(ctx, br, (struct bstep){.kind = BSTEP_UPLINK_PORT});
	for (size_t i = 0; r >= 0 && i < nr; i++)
		r = push(ctx, br, (struct bstep){.kind = BSTEP_UPLINK_ROUTE, .route = rt[i]});
	for (size_t i = 0; r >= 0 && i < nn; i++)
		if (nb[i].permanent)
			r = push(ctx, br,
				 (struct bstep){.kind = BSTEP_UPLINK_NEIGH, .neigh = nb[i]});
	/* Secondaries go first: deleting a primary takes its secondaries with it. The undo,
	 * in reverse, gives the primaries back first, in their order. */
	for (size_t i = na; r >= 0 && i-- > 0;) {
		a[i].flags &=
		    IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;
		r = push(ctx, br, (struct bstep){.kind = BSTEP_UPLINK_ADDR, .addr = a[i]});
	}
	for (size_t i = 0; r >= 0 && i < na; i++) {
		struct bstep s = {.kind = BSTEP_BRIDGE_ADDR, .addr = a[i]};

		s.addr.ifindex = br->ifindex;
		r = push(ctx, br, s);
	}
	for (size_t i = 0; r >= 0 && i < nn; i++)
		if (nb[i].permanent)
			r = push(ctx, br,
				 (struct bstep){.kind = BSTEP_BRIDGE_NEIGH, .neigh = nb[i]});
	for (size_t i = 0; r >= 0 && i < nr; i++) {
		struct bstep s = {.kind = BSTEP_BRIDGE_ROUTE, .route = rt[i]};

		s.route.ifindex = br->ifindex;
		r = push(ctx, br, s);
	}
	if (r >= 0)
		r = shared_write(ctx, br);
	if (r < 0)
		goto out;

	seed_answered(ctx, be, nb, nn, br->ifindex); /* the list the permanent steps came from */
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
			snprintf(what, sizeof(what), "remove the route %s from %s", spec,
				 u->ifname);
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
		case BSTEP_UPLINK_NEIGH:
			r = be->br->neigh_del(be->br_h, u->ifindex, &s->neigh);
			made = r != -ENOENT;
			bridge_neigh_format(&s->neigh, spec, sizeof(spec));
			snprintf(what, sizeof(what), "remove the neighbour %s from %s", spec,
				 u->ifname);
			break;
		case BSTEP_BRIDGE_NEIGH:
			r = be->br->neigh_add(be->br_h, br->ifindex, &s->neigh);
			made = r != -EEXIST; /* the bridge's own already: not ours to remove */
			bridge_neigh_format(&s->neigh, spec, sizeof(spec));
			snprintf(what, sizeof(what), "add the neighbour %s to %s", spec, br->name);
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
	free(nb);
	return r < 0 ? r : 0;
}

/* A join that failed halfway: leave again (the last one out undoes what was made), keeping
 * the failure's explanation. */
static void unjoin(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *name,
		   const char *peer)
{
	char why[sizeof(ctx->error)];
	enum usbnet_outcome o = ctx->outcome;
	int r;

	snprintf(why, sizeof(why), "%s", ctx->error);
	r = bridge_leave(ctx, be, name, peer);
	if (r < 0) {
		char undo_why[sizeof(ctx->error)];

		snprintf(undo_why, sizeof(undo_why), "%s", ctx->error);
		snprintf(ctx->error, sizeof(ctx->error), "%s", why);
		ctx_fail_append(ctx, "and the bridge %s could not be given back: %s", name,
				undo_why);
	} else {
		snprintf(ctx->error, sizeof(ctx->error), "%s", why);
	}
	ctx->outcome = o;
}

int bridge_join(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *name,
		const char *uplink, const char *peer, int peer_ifindex, int *ret_bridge_ifindex)
{
	struct bridge_record *br;
	struct nl_link_detail b = {}, u = {};
	bool listed = false, listed_now = false;
	int lock = -1, r;

	br = calloc(1, sizeof(*br));
	if (!br)
		return -ENOMEM;
	r = bridge_lock(ctx, name, &lock);
	if (r < 0)
		goto out;
	r = shared_read(ctx, name, br);
	if (r == -ENOENT) {
		memset(br, 0, sizeof(*br));
		strcpy(br->name, name);
	} else if (r < 0) {
		goto out;
	}
	r = be->br->link_detail(be->br_h, name, &b);
	if (r < 0 && r != -ENODEV) {
		ctx_fail(ctx, r, "cannot look up %s: %s", name, strerror(-r));
		goto out;
	}
	if (br->ifindex > 0 && (r == -ENODEV || b.ifindex != br->ifindex)) {
		r = ctx_fail(
		    ctx, -EBADMSG,
		    "the bridge record %s/%s.bridge describes a bridge that is gone; check "
		    "%s by hand (its addresses and routes), then remove the file",
		    ctx->run_dir, name, br->uplink[0] ? br->uplink : "the uplink");
		goto out;
	}
	for (size_t i = 0; i < br->n_users; i++)
		if (strcmp(br->users[i].ifname, peer) == 0)
			listed = true;
	if (!listed) {
		if (br->n_users >= BRIDGE_MAX_USERS) {
			r = ctx_fail(ctx, -E2BIG, "the bridge %s has %d peers already", name,
				     BRIDGE_MAX_USERS);
			goto out;
		}
		strcpy(br->users[br->n_users].ifname, peer);
		br->users[br->n_users++].ifindex = peer_ifindex;
		listed_now = true;
		r = shared_write(ctx, br);
		if (r < 0)
			goto out;
	}
	if (uplink[0]) {
		/* Another peer may have moved it while this one waited for the lock. */
		r = be->br->link_detail(be->br_h, uplink, &u);
		if (r < 0) {
			ctx_fail(ctx, r, "cannot look up the uplink %s: %s", uplink, strerror(-r));
			goto out;
		}
	}
	if (b.ifindex == 0) {
		if (!uplink[0] || !u.has_mac) {
			r = ctx_fail(ctx, -EINVAL, "no uplink to make the bridge %s with", name);
			goto out;
		}
		r = push(ctx, br, (struct bstep){.kind = BSTEP_CREATE});
		if (r >= 0)
			r = shared_write(ctx, br);
		if (r < 0)
			goto out;
		r = be->br->bridge_add(be->br_h, name, u.mac, &b.ifindex);
		if (r < 0) {
			ctx_fail(ctx, r, "could not create the bridge %s: %s", name, strerror(-r));
			goto out;
		}
		br->ifindex = b.ifindex;
		r = shared_write(ctx, br);
		if (r < 0)
			goto out;
		ctx_log(ctx, USBNET_LOG_INFO,
			"%s: bridge created (forward delay 0, STP off, MAC of %s)", name, uplink);
	} else if (br->ifindex == 0) {
		/* The user's bridge (joined, never deleted: no create step), or ours from a run
		 * that stopped before it could write where the bridge it made is. */
		br->ifindex = b.ifindex;
		r = shared_write(ctx, br);
		if (r < 0)
			goto out;
	}
	if (uplink[0] && u.master != b.ifindex) {
		if (u.master) {
			r = ctx_fail(ctx, -EINVAL, "the uplink %s became a port of another bridge",
				     uplink);
			goto out;
		}
		if (br->uplink[0] && strcmp(br->uplink, uplink) != 0) {
			r = ctx_fail(ctx, -EINVAL,
				     "the bridge %s has the uplink %s already; nothing was changed "
				     "for %s",
				     name, br->uplink, uplink);
			goto out;
		}
		strcpy(br->uplink, uplink);
		br->uplink_ifindex = u.ifindex;
		r = move_uplink(ctx, be, br, &u);
		if (r < 0)
			goto out;
		ctx_log(ctx, USBNET_LOG_INFO,
			"%s: the uplink %s is a port, its addresses and routes "
			"are on the bridge",
			name, uplink);
	}
	*ret_bridge_ifindex = b.ifindex;
	r = 0;
out:
	lock_release(lock);
	free(br);
	if (r < 0 && listed_now)
		unjoin(ctx, be, name, peer);
	return r;
}

/* ---- leaving ----------------------------------------------------------------------------- */

static int undo_shared(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		       struct bridge_record *br)
{
	for (size_t i = 0; i < br->n_steps; i++)
		if (br->steps[i].kind == BSTEP_UPLINK_ADDR) {
			carry_neighbours(ctx, be, br->ifindex, br->uplink_ifindex);
			break;
		}
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
				return ctx_fail(ctx, r,
						"could not give the route %s back to %s: %s", spec,
						br->uplink, strerror(-r));
			break;
		case BSTEP_BRIDGE_NEIGH:
		case BSTEP_UPLINK_NEIGH: {
			bool back = s.kind == BSTEP_UPLINK_NEIGH;
			int link = back ? br->uplink_ifindex : br->ifindex;

			if (!neigh_ops(be))
				r = -EOPNOTSUPP;
			else if (back)
				r = be->br->neigh_add(be->br_h, link, &s.neigh);
			else
				r = be->br->neigh_del(be->br_h, link, &s.neigh);
			if (r == (back ? -EEXIST : -ENOENT) || r == -ENODEV)
				r = 0;
			bridge_neigh_format(&s.neigh, spec, sizeof(spec));
			if (r < 0)
				return ctx_fail(ctx, r, "could not %s the neighbour %s %s %s: %s",
						back ? "give" : "remove", spec,
						back ? "back to" : "from",
						back ? br->uplink : br->name, strerror(-r));
			break;
		}
		case BSTEP_UPLINK_PORT:
			r = be->br->link_set_master(be->br_h, br->uplink_ifindex, 0);
			if (r == -ENODEV)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r, "could not take %s out of %s: %s",
						br->uplink, br->name, strerror(-r));
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
				return ctx_fail(ctx, r, "could not delete the bridge %s: %s",
						br->name, strerror(-r));
			break;
		default:
			return ctx_fail(ctx, -EBADMSG, "unknown step in the record of bridge %s",
					br->name);
		}
		br->n_steps--;
	}
	return 0;
}

int bridge_leave(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *name,
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

		ctx_fail_append(ctx,
				w < 0 ? "and the bridge record could not be updated"
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

/* ---- the entry point ------------------------------------------------------------------- */

int bridge_apply(struct step_env *env, const struct bridge_plan *plan)
{
	struct bridge_join_data j = {};
	struct bridge_port_data p = {};
	int r;

	snprintf(j.name, sizeof(j.name), "%s", plan->name);
	snprintf(j.uplink, sizeof(j.uplink), "%s", plan->uplink);
	r = journal_apply(env, &step_bridge_join, &j);
	if (r < 0)
		return r;
	snprintf(p.name, sizeof(p.name), "%s", plan->name);
	r = journal_apply(env, &step_bridge_port, &p);
	return r < 0 ? r : 0;
}

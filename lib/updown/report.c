/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What list and show report: discovery + classification + recorded state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "updown/updown.h"

/* A peer that up put on a bridge is reported as such, whatever its profile would plan now:
 * it has no host address of ours, and its own address comes from the LAN. */
static void report_recorded_bridge(struct usbnet_ctx *ctx, struct usbnet_report *rep)
{
	struct state_record rec;

	if (rep->status.state == USBNET_STATE_UNCONFIGURED ||
	    journal_read(ctx, rep->peer.ifname, &rec) < 0 || rec.mode != USBNET_MODE_BRIDGE)
		return;
	rep->plan.mode = USBNET_MODE_BRIDGE;
	rep->plan.has_host = false;
	rep->plan.has_peer = false;
	memset(&rep->plan.host, 0, sizeof(rep->plan.host));
	memset(&rep->plan.peer, 0, sizeof(rep->plan.peer));
}

static int report_fill(struct usbnet_ctx *ctx, const struct usbnet_peer *peer,
		       struct usbnet_report *ret)
{
	struct usbnet_report rep = { .peer = *peer };
	int r;

	usbnet_classify(ctx, peer, &rep.plan);
	r = usbnet_status_read(ctx, peer->ifname, &rep.status);
	if (r < 0) {
		/* An unreadable record must not hide the peer: report it as failed. */
		memset(&rep.status, 0, sizeof(rep.status));
		rep.status.state = USBNET_STATE_FAILED;
		rep.status.rtt_us = -1;
		snprintf(rep.status.message, sizeof(rep.status.message), "%s", usbnet_ctx_error(ctx));
	} else {
		report_recorded_bridge(ctx, &rep);
	}
	/* Configured as a gateway (by --gateway, say): that is its mode now, whatever the plan */
	if (rep.status.uplink[0])
		rep.plan.mode = USBNET_MODE_GATEWAY;
	*ret = rep;
	return 0;
}

/* The record name's interface was renamed: its name now (unchanged when it was not). */
static void renamed_to(struct usbnet_ctx *ctx, const char *name, char ifname[USBNET_IFNAMSIZ])
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct state_record *rec = malloc(sizeof(*rec));
	struct nl_link_info link;

	if (rec && be && be->nl->link_get(be->nl_h, name, &link) == -ENODEV &&
	    journal_read(ctx, name, rec) >= 0 && rec->has_mac && be->nl->link_get_index &&
	    be->nl->link_get_index(be->nl_h, rec->ifindex, &link) >= 0 &&
	    journal_same_device(rec, link.ifindex, link.mac, link.has_mac))
		snprintf(ifname, USBNET_IFNAMSIZ, "%s", link.ifname);
	free(rec);
}

/* A recorded interface that is not a USB peer (--force): its link as netlink has it, so that
 * its carrier is reported ("waiting for carrier"). */
static void link_of(struct usbnet_ctx *ctx, struct usbnet_peer *peer)
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct nl_link_info link;

	if (be && be->nl->link_get(be->nl_h, peer->ifname, &link) >= 0) {
		peer->ifindex = link.ifindex;
		peer->carrier = link.carrier;
		peer->up = link.up;
	}
}

int usbnet_report_all(struct usbnet_ctx *ctx, struct usbnet_report **ret, size_t *ret_n)
{
	struct usbnet_peer *peers = NULL;
	struct usbnet_report *reps;
	size_t n = 0;
	int r;

	char **names = NULL;
	size_t n_names = 0, k;

	r = usbnet_discover(ctx, &peers, &n);
	if (r < 0)
		return r;
	/* Records of interfaces that are not peers now: reported (vanished, or configured
	 * with --force), never cleaned here: reading changes nothing. */
	if (journal_list(ctx, &names) >= 0)
		for (char **p = names; *p; p++)
			n_names++;
	reps = calloc(n + n_names + 1, sizeof(*reps));
	if (!reps) {
		free(peers);
		usbnet_strv_free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		report_fill(ctx, &peers[i], &reps[i]);
	k = n;
	for (size_t j = 0; j < n_names; j++) {
		struct usbnet_peer peer = {};
		bool listed = false;

		for (size_t i = 0; i < n; i++)
			listed = listed || strcmp(peers[i].ifname, names[j]) == 0;
		if (listed)
			continue;
		snprintf(peer.ifname, sizeof(peer.ifname), "%s", names[j]);
		renamed_to(ctx, names[j], peer.ifname);
		for (size_t i = 0; i < n; i++)
			listed = listed || strcmp(peers[i].ifname, peer.ifname) == 0;
		if (listed)
			continue;
		peer.nm_managed = -1;
		link_of(ctx, &peer);
		report_fill(ctx, &peer, &reps[k]);
		if (reps[k].status.state == USBNET_STATE_UNCONFIGURED)
			continue;
		/* A record in its own name: its mode is what it did */
		if (reps[k].status.state == USBNET_STATE_VANISHED)
			reps[k].plan.mode = USBNET_MODE_IGNORE;
		k++;
	}
	free(peers);
	usbnet_strv_free(names);
	*ret = reps;
	*ret_n = k;
	return 0;
}

int usbnet_report_one(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_report *ret)
{
	struct usbnet_peer peer;
	int r;

	if (!ifname_valid(ifname))
		return ctx_fail_input(ctx, -EINVAL, "not an interface name: \"%s\"",
				      ifname ? ifname : "");
	r = usbnet_find_peer(ctx, ifname, &peer);
	if (r == -ENODEV) {
		struct usbnet_status st;

		/* Gone, but recorded: reported as vanished. */
		memset(&peer, 0, sizeof(peer));
		snprintf(peer.ifname, sizeof(peer.ifname), "%s", ifname);
		peer.nm_managed = -1;
		if (usbnet_status_read(ctx, ifname, &st) >= 0 && st.state != USBNET_STATE_UNCONFIGURED) {
			ctx_clear_error(ctx);
			return report_fill(ctx, &peer, ret);
		}
		return ctx_fail_no_peer(ctx, -ENODEV, "%s: no such interface", ifname);
	}
	if (r == -EMEDIUMTYPE) {
		struct usbnet_status st;
		char why[sizeof(ctx->error)];

		/* Not a peer, but configured with --force: what was done is still shown, and so
		 * is a record that cannot be read (as failed, naming it). Else the refusal is the
		 * lookup's, which says why (the driver, or an upstream device). */
		snprintf(why, sizeof(why), "%s", ctx->error);
		r = usbnet_status_read(ctx, ifname, &st);
		if (r < 0 || st.state != USBNET_STATE_UNCONFIGURED) {
			ctx_clear_error(ctx);
			link_of(ctx, &peer);
			return report_fill(ctx, &peer, ret);
		}
		return ctx_fail_input(ctx, -EMEDIUMTYPE, "%s",
				      why[0] ? why : "not a USB network peer");
	}
	if (r < 0)
		return ctx_fail(ctx, r, "%s: cannot read the device: %s", ifname, strerror(-r));
	return report_fill(ctx, &peer, ret);
}

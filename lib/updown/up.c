/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * up: check everything first, then change the host one recorded step at a time.
 *
 * Validation (the peer, the plan, the addresses, a clashing subnet: the plan's mode entry,
 * updown/modes.h) happens before the lock and before any change: its errors leave the host
 * untouched. Each change goes through the journal (core/journal.h), which records it before it
 * is made. A failure undoes, in reverse, what this call did: the same undo walk as down's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lock.h"
#include "dns/dhcp-up.h"
#include "dns/dns-up.h"
#include "netlink/steps.h"
#include "updown/modes.h"
#include "updown/up-auto.h"
#include "updown/updown.h"

void usbnet_up_opts_init(struct usbnet_up_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->wait_s = -1;
	opts->ipv6 = -1;
}

/* ---- the peer and its plan ------------------------------------------------------------------ */

int up_find_peer(struct up_run *u, const struct usbnet_up_opts *opts)
{
	const struct usbnet_backends *be = u->be;
	int r, rl;

	r = usbnet_find_peer(u->ctx, u->ifname, &u->peer);
	/* Netlink has the last word on whether the interface exists, and its index. */
	rl = be->nl->link_get(be->nl_h, u->ifname, &u->link);
	if (rl == -ENODEV)
		return ctx_fail_no_peer(u->ctx, -ENODEV, "there is no interface %s", u->ifname);
	if (rl < 0)
		return ctx_fail(u->ctx, rl, "cannot look up %s: %s", u->ifname, strerror(-rl));
	if (r == -ENODEV) {
		/* It exists, but discovery does not know it as a peer. */
		ctx_clear_error(u->ctx);
		memset(&u->peer, 0, sizeof(u->peer));
		strcpy(u->peer.ifname, u->ifname);
		u->peer.nm_managed = -1;
		r = -EMEDIUMTYPE;
	}
	/* A recheck is of a recorded interface: up took it over already (forced or not). */
	if (r == -EMEDIUMTYPE && !opts->force && !opts->recheck) {
		/* Discovery's words say why (an upstream phone, a PCI card...), when it has some. */
		if (!usbnet_ctx_error(u->ctx)[0])
			ctx_fail(u->ctx, r, "%s is not a USB network peer", u->ifname);
		ctx_set_outcome(u->ctx, USBNET_OUTCOME_BAD_INPUT);
		ctx_fail_append(u->ctx, "nothing was changed (name it with --force to configure "
					"it anyway)");
		return r;
	}
	if (r == -EMEDIUMTYPE) {
		/* Forced: what discovery knows (the name, perhaps the driver) and netlink. */
		ctx_clear_error(u->ctx);
	} else if (r < 0) {
		return ctx_fail(u->ctx, r, "cannot look at %s: %s", u->ifname, strerror(-r));
	}
	u->peer.ifindex = u->link.ifindex;
	/* A forced interface is known by its MAC too (a [peer] group's mac= names it). */
	if (!u->peer.mac[0] && u->link.has_mac)
		snprintf(u->peer.mac, sizeof(u->peer.mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 u->link.mac[0], u->link.mac[1], u->link.mac[2], u->link.mac[3],
			 u->link.mac[4], u->link.mac[5]);
	u->peer.up = u->link.up;
	u->peer.carrier = u->link.carrier;
	return 0;
}

void up_make_plan(struct up_run *u, const struct usbnet_up_opts *opts)
{
	struct usbnet_plan *p = &u->plan;

	usbnet_classify(u->ctx, &u->peer, p);
	if (opts->mode != USBNET_MODE_IGNORE)
		p->mode = opts->mode;
	if (opts->has_host) {
		p->has_host = true;
		p->host = opts->host;
		/* An address given on the command line means: configure it. */
		if (opts->mode == USBNET_MODE_IGNORE &&
		    (p->mode == USBNET_MODE_IGNORE || p->mode == USBNET_MODE_DHCP))
			p->mode = USBNET_MODE_STATIC;
	}
	if (opts->has_peer) {
		/* A peer named on the command line is checked as a planned one is (the documented
		 * 3 s), unless --wait says otherwise or its group set wait=. */
		if (!p->has_peer && p->wait_s == 0)
			p->wait_s = UP_AUTO_DEFAULT_WAIT_S;
		p->has_peer = true;
		p->peer = opts->peer;
	}
	if (opts->uplink[0])
		memcpy(p->uplink, opts->uplink, sizeof(p->uplink));
	if (opts->bridge[0])
		memcpy(p->bridge, opts->bridge, sizeof(p->bridge));
	if (opts->dns)
		p->dns = true;
	if (opts->dhcp_server)
		p->dhcp_server = true;
	if (opts->ipv6 >= 0)
		p->ipv6_off = opts->ipv6 == 0;
	u->wait_s = opts->wait_s >= 0 ? (unsigned)opts->wait_s : p->wait_s;
	/* Auto: the peer is known only after discovery; then it is checked as a profile's is. */
	if (p->mode == USBNET_MODE_AUTO && opts->wait_s < 0 && !p->has_peer)
		u->wait_s = UP_AUTO_DEFAULT_WAIT_S;
}

/* ---- the record ----------------------------------------------------------------------------- */

/* A step failed with -ENODEV: when the interface is gone (unplugged between validation and
 * this step), say so before the step's own words. */
static void explain_vanished(struct up_run *u, int err)
{
	struct nl_link_info link;
	char why[sizeof(u->ctx->error)];

	if (err != -ENODEV || u->be->nl->link_get(u->be->nl_h, u->ifname, &link) != -ENODEV)
		return;
	snprintf(why, sizeof(why), "%s", usbnet_ctx_error(u->ctx));
	ctx_fail(u->ctx, err, "%s disappeared while it was being configured (unplugged?): %s",
		 u->ifname, why);
}

/* Undo what this call recorded (steps from u->base on), and say so after the failure. */
static int roll_back(struct up_run *u, int err)
{
	char done[512] = "", failure[sizeof(u->ctx->error)];
	int r;

	snprintf(failure, sizeof(failure), "%s", usbnet_ctx_error(u->ctx));
	r = journal_undo(&u->env, u->base, true, done, sizeof(done));
	if (r < 0) {
		char why[sizeof(u->ctx->error)];

		snprintf(why, sizeof(why), "%s", usbnet_ctx_error(u->ctx));
		ctx_fail(u->ctx, err, "%s", failure);
		if (done[0])
			ctx_fail_append(u->ctx, "rolled back: %s", done);
		ctx_fail_append(u->ctx, "but %s", why);
		/* What is left to undo stays recorded, for down. */
		u->rec.status.state = USBNET_STATE_FAILED;
		mode_set_message(&u->rec.status, failure);
		r = journal_write(u->ctx, &u->rec);
		if (r < 0)
			ctx_fail_append(u->ctx, "and the state record could not be written: %s",
					strerror(-r));
		else
			ctx_fail_append(u->ctx, "what is left is recorded; run down %s to retry",
					u->ifname);
		ctx_set_outcome(u->ctx, USBNET_OUTCOME_LEFT);
		return err;
	}
	ctx_fail(u->ctx, err, "%s", failure);
	ctx_fail_append(u->ctx, "rolled back: %s", done[0] ? done : "nothing had been changed");
	if (u->base == 0) {
		r = journal_remove(u->ctx, u->ifname);
		if (r < 0)
			ctx_fail_append(u->ctx, "the state record %s/%s.state could not be removed: %s",
					u->ctx->run_dir, u->ifname, strerror(-r));
	} else {
		/* An earlier up's steps stay: down undoes them. */
		u->rec.status.state = USBNET_STATE_FAILED;
		mode_set_message(&u->rec.status, failure);
		journal_write(u->ctx, &u->rec);
	}
	ctx_set_outcome(u->ctx, USBNET_OUTCOME_ROLLED_BACK);
	return err;
}

/* The record says up did this plan, and every step of it is still in place. */
static bool in_place(struct up_run *u, const struct mode_entry *m, const char *words)
{
	const struct usbnet_status *st = &u->rec.status;

	if (st->state != USBNET_STATE_CONFIGURED && st->state != USBNET_STATE_DEGRADED)
		return false;
	if (strcmp(u->rec.plan, words) != 0)
		return false;
	for (size_t i = 0; i < u->rec.n_steps; i++) {
		const struct state_step *s = &u->rec.steps[i];

		if (!s->done || (s->kind->check && s->kind->check(&u->env, s->data.bytes) <= 0))
			return false;
	}
	return !m->in_place || m->in_place(u);
}

/* The watcher's second look (usbnet_up_opts.recheck) at a peer whose record is in place. 1:
 * done here (u->result says how); 0: make the plan again from a clean link (auto that fell back
 * to link-local: discovery runs again). */
static int recheck_in_place(struct up_run *u, const struct mode_entry *m,
			    const struct usbnet_plan *planned)
{
	struct usbnet_ctx *ctx = u->ctx;
	int r;

	if (u->rec.status.state != USBNET_STATE_DEGRADED) {
		u->result = USBNET_UP_UNCHANGED;
		return 1;
	}
	if (m->mode == USBNET_MODE_AUTO && u->auto_choice == AUTO_LINK_LOCAL) {
		ctx_log(ctx, USBNET_LOG_INFO,
			"%s: discovery found nothing before; discovering again", u->ifname);
		u->plan = *planned;
		u->auto_choice = AUTO_NONE;
		return 0;
	}
	/* The steps are in place: only whether the peer answers is looked at again. */
	if (m->finish)
		m->finish(u);
	else
		u->rec.status.state = USBNET_STATE_CONFIGURED;
	r = journal_write(ctx, &u->rec);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s",
				ctx->run_dir, u->ifname, strerror(-r));
	u->result = u->rec.status.state == USBNET_STATE_DEGRADED ? USBNET_UP_DEGRADED
								 : USBNET_UP_CONFIGURED;
	return 1;
}

/* Under the lock: what the run directory says about this interface. 1: nothing to do. */
static int take_over_record(struct up_run *u, const struct mode_entry *m, const char *words,
			    const struct usbnet_up_opts *opts)
{
	struct usbnet_ctx *ctx = u->ctx;
	struct usbnet_plan planned = u->plan;
	enum record_match match;
	int r;

	r = updown_record_find(ctx, u->ifname, &u->link, &u->rec, &match);
	if (r < 0)
		return r;
	if (opts->recheck && match != RECORD_OURS) {
		/* Nothing of this device to look at again (unplugged, replugged: the watcher's
		 * own events deal with that). */
		memset(&u->rec, 0, sizeof(u->rec));
		u->result = USBNET_UP_NOTHING;
		return 1;
	}
	if (match == RECORD_NONE) {
		memset(&u->rec, 0, sizeof(u->rec));
		return 0;
	}
	if (match == RECORD_STALE) {
		/* Replugged, or the index is another device's: the old interface took its
		 * addresses and routes with it; what it held on the host is released. */
		ctx_log(ctx, USBNET_LOG_INFO,
			"%s: the record is of a previous interface of that name; releasing what it "
			"holds on the host",
			u->ifname);
		r = updown_undo_all(ctx, u->be, &u->rec, false, NULL, 0);
		if (r < 0) {
			ctx_fail_append(ctx, "while releasing the stale record of %s; nothing new was "
					     "changed",
					u->ifname);
			return r;
		}
		memset(&u->rec, 0, sizeof(u->rec));
		return 0;
	}
	if (in_place(u, m, words)) {
		if (opts->recheck) {
			r = recheck_in_place(u, m, &planned);
			if (r != 0)
				return r;
		} else {
			ctx_log(ctx, USBNET_LOG_NOTICE, "%s: already configured", u->ifname);
			return 1;
		}
	}
	if (strcmp(u->rec.plan, words) == 0 && !m->fresh) {
		/* Same plan: carry on from the record; what is still in place is kept. */
		u->base = u->rec.n_steps;
		return 0;
	}
	/* Another plan: what the old one did goes first. */
	r = updown_undo_all(ctx, u->be, &u->rec, true, NULL, 0);
	if (r < 0) {
		ctx_fail_append(ctx, "while undoing the earlier configuration of %s; nothing new was "
				     "changed",
				u->ifname);
		return r;
	}
	memset(&u->rec, 0, sizeof(u->rec));
	return 0;
}

static void fill_report(const struct up_run *u, struct usbnet_report *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->peer = u->peer;
	ret->plan = u->plan;
	ret->status = u->rec.status;
	journal_report(&u->rec, &ret->status);
	dns_status_fill(u->be, &u->rec, &ret->status);
	dhcp_status_fill(u->ctx, u->be, &u->rec, &ret->status);
}

static void record_identity(struct up_run *u)
{
	struct state_record *rec = &u->rec;

	snprintf(rec->ifname, sizeof(rec->ifname), "%s", u->ifname);
	rec->ifindex = u->link.ifindex;
	rec->has_mac = u->link.has_mac;
	memcpy(rec->mac, u->link.mac, sizeof(rec->mac));
	snprintf(rec->boot_id, sizeof(rec->boot_id), "%s", journal_boot_id());
	snprintf(rec->usb_path, sizeof(rec->usb_path), "%s", u->peer.usb_path);
	snprintf(rec->serial, sizeof(rec->serial), "%s", u->peer.serial);
}

int usbnet_up(struct usbnet_ctx *ctx, const char *ifname, const struct usbnet_up_opts *opts,
	      struct usbnet_report *ret_report, enum usbnet_up_result *ret_result)
{
	const struct mode_entry *m;
	struct up_run *u;
	char words[JOURNAL_PLAN_MAX];
	int lock = -1, r;

	ctx_clear_error(ctx);
	if (!ifname_valid(ifname))
		return ctx_fail_input(ctx, -EINVAL, "not an interface name: \"%s\"",
				      ifname ? ifname : "");
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->ctx = ctx;
	u->ifname = ifname;
	u->be = ctx_backends(ctx);
	u->env = (struct step_env){ .ctx = ctx, .be = u->be, .rec = &u->rec, .link_ours = true };
	u->result = USBNET_UP_CONFIGURED;
	if (!u->be) {
		r = ctx_fail(ctx, -EIO, "cannot open the netlink or NetworkManager backend");
		goto out;
	}

	/* 1. Validate: nothing changes before this is done. */
	r = up_find_peer(u, opts);
	if (r < 0)
		goto out;
	up_make_plan(u, opts);
	if (opts->dns && u->plan.mode != USBNET_MODE_GATEWAY) {
		r = ctx_fail_input(ctx, -EINVAL,
				   "--dns is for gateway mode (--gateway, or mode=gateway in the "
				   "peer's group): %s's plan is %s; nothing was changed",
				   ifname, usbnet_mode_name(u->plan.mode));
		goto out;
	}
	if (opts->dhcp_server && u->plan.mode != USBNET_MODE_STATIC &&
	    u->plan.mode != USBNET_MODE_GATEWAY && u->plan.mode != USBNET_MODE_AUTO) {
		r = ctx_fail_input(ctx, -EINVAL,
				   "--dhcp-server is for static, gateway and auto mode: %s's plan "
				   "is %s; nothing was changed",
				   ifname, usbnet_mode_name(u->plan.mode));
		goto out;
	}
	r = mode_entry(u->plan.mode)->resolve(u, opts);
	if (r < 0)
		goto out;
	if (r == 1)
		goto done;
	/* The entry may have handed the plan on (auto with an address is static). */
	m = mode_entry(u->plan.mode);
	m->words(u, words, sizeof(words));

	/* 2. One up or down per interface at a time. */
	r = lock_acquire(ctx->run_dir, ifname, LOCK_TIMEOUT_MS, &lock);
	if (r == -EWOULDBLOCK) {
		r = ctx_fail(ctx, r, "another usbnet-host is busy with %s (%s/%s.lock); try again",
			     ifname, ctx->run_dir, ifname);
		goto out;
	}
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot lock %s in %s: %s; nothing was changed%s", ifname,
			     ctx->run_dir, strerror(-r), RUN_DIR_HINT);
		goto out;
	}

	/* The others' leftovers (this interface's record is ours under the lock). */
	usbnet_prune(ctx);
	ctx_clear_error(ctx);

	/* 3. Already done? A stale or different record? */
	r = take_over_record(u, m, words, opts);
	if (r < 0)
		goto out;
	if (r == 1) {
		if (!opts->recheck)
			u->result = USBNET_UP_UNCHANGED;
		goto done;
	}

	/* 4. Write ahead, then change. The first write also proves the run directory works. */
	record_identity(u);
	u->rec.mode = u->plan.mode;
	u->rec.trusted = u->plan.trusted;
	snprintf(u->rec.plan, sizeof(u->rec.plan), "%s", words);
	u->rec.status.state = USBNET_STATE_UNCONFIGURED; /* until the steps are done */
	u->rec.status.has_host = u->plan.has_host && m->mode != USBNET_MODE_AUTO;
	u->rec.status.host = u->plan.host;
	u->rec.status.has_peer = u->plan.has_peer;
	u->rec.status.peer = u->plan.peer;
	u->rec.status.rtt_us = -1;
	u->rec.status.message[0] = '\0';
	r = journal_write(ctx, &u->rec);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s; nothing was "
				     "changed%s",
			     ctx->run_dir, ifname, strerror(-r), RUN_DIR_HINT);
		goto out;
	}
	r = m->apply(u);
	if (r == 1) {
		/* Nothing to make after all: what this call recorded goes. */
		struct usbnet_status st = u->rec.status;

		journal_undo(&u->env, u->base, true, NULL, 0);
		if (u->base == 0)
			journal_remove(ctx, ifname);
		u->rec.status = st;
		goto done;
	}
	if (r >= 0 && u->plan.name[0]) {
		/* The peer's name, as an altname of its interface. */
		struct step_altname a = {};

		snprintf(a.name, sizeof(a.name), "%s", u->plan.name);
		r = journal_apply(&u->env, &step_altname, &a);
		if (r > 0)
			r = 0;
	}
	if (r < 0) {
		explain_vanished(u, r);
		r = roll_back(u, r);
		goto out;
	}

	/* 5. Does the peer answer? Not answering is degraded, not a failure. */
	if (m->finish)
		m->finish(u);
	else
		u->rec.status.state = USBNET_STATE_CONFIGURED;
	r = journal_write(ctx, &u->rec);
	if (r < 0) {
		ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s", ctx->run_dir,
			 ifname, strerror(-r));
		r = roll_back(u, r);
		goto out;
	}
	u->result = u->rec.status.state == USBNET_STATE_DEGRADED ? USBNET_UP_DEGRADED
								 : USBNET_UP_CONFIGURED;
done:
	if (ret_report)
		fill_report(u, ret_report);
	if (ret_result)
		*ret_result = u->result;
	r = 0;
out:
	lock_release(lock);
	free(u);
	return r;
}

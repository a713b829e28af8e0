/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * up: check everything first, then change the host one recorded step at a time.
 *
 * Validation (the peer, the plan, the addresses, a clashing subnet) happens before the lock
 * and before any change: its errors leave the host untouched. Each change is appended to the
 * state record and the record written before the change is made, so that a crash leaves a
 * record that down can undo. A failure undoes, in reverse, what this call did.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns-up.h"
#include "gateway/gateway.h"
#include "bridge/bridge.h"
#include "core/lock.h"
#include "updown/up-auto.h"
#include "updown/updown.h"

struct up_run {
	struct usbnet_ctx *ctx;
	const struct usbnet_backends *be;
	const char *ifname;
	struct nl_link_info link;
	struct usbnet_peer peer;
	struct usbnet_plan plan;
	unsigned wait_s;
	struct state_record rec;
	size_t base; /* steps before this index were recorded by an earlier up */
	struct gateway_plan gw; /* mode gateway: the uplink, resolved while validating */
	struct bridge_plan bridge; /* bridge mode */
	enum auto_choice auto_choice; /* mode auto: what discovery chose (up-auto.c) */
};

void usbnet_up_opts_init(struct usbnet_up_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->wait_s = -1;
}

/* ---- addresses ---------------------------------------------------------------------------- */

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

static bool same_subnet(struct in_addr a, struct in_addr b, unsigned prefix)
{
	uint32_t m = mask_of(prefix);

	return (a.s_addr & m) == (b.s_addr & m);
}

/* Neither "this network" (0/8), loopback, multicast, reserved nor broadcast. */
static bool unicast_ok(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && h < 0xe0000000u;
}

static const char *ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static bool ip4_equal(const struct usbnet_ip4 *a, const struct usbnet_ip4 *b)
{
	return a->addr.s_addr == b->addr.s_addr && a->prefix == b->prefix;
}

static int validate_addresses(struct usbnet_ctx *ctx, const struct usbnet_plan *plan)
{
	const struct usbnet_ip4 *h = &plan->host;
	char hs[32], ps[INET_ADDRSTRLEN];
	uint32_t m = mask_of(h->prefix);

	usbnet_ip4_format(h, hs, sizeof(hs));
	if (!unicast_ok(h->addr))
		return ctx_fail(ctx, -EINVAL, "%s cannot be the host's address", hs);
	if (h->prefix == 0)
		return ctx_fail(ctx, -EINVAL, "%s: a /0 subnet would hold every address", hs);
	/* /31 and /32 have no network or broadcast address (RFC 3021). */
	if (h->prefix < 31 && (h->addr.s_addr & ~m) == 0)
		return ctx_fail(ctx, -EINVAL, "%s is the network address of its subnet", hs);
	if (h->prefix < 31 && (h->addr.s_addr & ~m) == ~m)
		return ctx_fail(ctx, -EINVAL, "%s is the broadcast address of its subnet", hs);
	if (!plan->has_peer)
		return 0;
	ntoa(plan->peer, ps);
	if (!unicast_ok(plan->peer))
		return ctx_fail(ctx, -EINVAL, "%s cannot be the peer's address", ps);
	if (plan->peer.s_addr == h->addr.s_addr)
		return ctx_fail(ctx, -EINVAL, "the host and the peer cannot both be %s", ps);
	if (h->prefix < 31 && same_subnet(plan->peer, h->addr, h->prefix) &&
	    ((plan->peer.s_addr & ~m) == 0 || (plan->peer.s_addr & ~m) == ~m))
		return ctx_fail(ctx, -EINVAL, "the peer's %s is the network or broadcast address of %s",
				ps, hs);
	return 0;
}

/* Two interfaces in one subnet: the kernel would send the peer's traffic through whichever
 * route comes first. Overlap is judged on the shorter of the two prefixes. */
static int check_clash(struct up_run *u, const struct nl_addr_entry *addrs, size_t n)
{
	const struct usbnet_ip4 *h = &u->plan.host;

	for (size_t i = 0; i < n; i++) {
		const struct nl_addr_entry *e = &addrs[i];
		unsigned p = e->ip.prefix < h->prefix ? e->ip.prefix : h->prefix;
		char hs[32], es[32];

		if (e->ifindex == u->link.ifindex || !same_subnet(e->ip.addr, h->addr, p))
			continue;
		usbnet_ip4_format(h, hs, sizeof(hs));
		usbnet_ip4_format(&e->ip, es, sizeof(es));
		return ctx_fail(u->ctx, -EADDRINUSE,
				"%s for %s clashes with %s on %s; nothing was changed: give this "
				"peer another subnet (--address, or a [peer] group in the "
				"configuration)",
				hs, u->ifname, es, e->ifname[0] ? e->ifname : "another interface");
	}
	return 0;
}

static bool has_addr(const struct nl_addr_entry *addrs, size_t n, int ifindex,
		     const struct usbnet_ip4 *ip)
{
	for (size_t i = 0; i < n; i++)
		if (addrs[i].ifindex == ifindex && ip4_equal(&addrs[i].ip, ip))
			return true;
	return false;
}

/* ---- the peer and its plan ------------------------------------------------------------------ */

static int find_peer(struct up_run *u, const struct usbnet_up_opts *opts)
{
	const struct usbnet_backends *be = u->be;
	int r, rl;

	r = usbnet_find_peer(u->ctx, u->ifname, &u->peer);
	/* Netlink has the last word on whether the interface exists, and its index. */
	rl = be->nl->link_get(be->nl_h, u->ifname, &u->link);
	if (rl == -ENODEV)
		return ctx_fail(u->ctx, -ENODEV, "there is no interface %s", u->ifname);
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
	if (r == -EMEDIUMTYPE && !opts->force) {
		/* Discovery's words say why (an upstream phone, a PCI card...), when it has some. */
		if (!usbnet_ctx_error(u->ctx)[0])
			ctx_fail(u->ctx, r, "%s is not a USB network peer", u->ifname);
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
	u->peer.up = u->link.up;
	u->peer.carrier = u->link.carrier;
	return 0;
}

static void make_plan(struct up_run *u, const struct usbnet_up_opts *opts)
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
		p->has_peer = true;
		p->peer = opts->peer;
	}
	if (opts->uplink[0])
		memcpy(p->uplink, opts->uplink, sizeof(p->uplink));
	if (opts->bridge[0])
		memcpy(p->bridge, opts->bridge, sizeof(p->bridge));
	if (opts->dns)
		p->dns = true;
	u->wait_s = opts->wait_s >= 0 ? (unsigned)opts->wait_s : p->wait_s;
	/* Auto: the peer is known only after discovery; then it is checked as a profile's is. */
	if (p->mode == USBNET_MODE_AUTO && opts->wait_s < 0 && !p->has_peer)
		u->wait_s = UP_AUTO_DEFAULT_WAIT_S;
}

/* ---- recorded steps ------------------------------------------------------------------------- */

static const char *nm_words(const struct usbnet_backends *be, int err)
{
	const char *s = be->nm->last_error ? be->nm->last_error(be->nm_h) : NULL;

	return s && *s ? s : strerror(-err);
}

static int write_record(struct up_run *u)
{
	int r = state_write(u->ctx->run_dir, &u->rec);

	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot write the state record %s/%s.state: %s",
				u->ctx->run_dir, u->ifname, strerror(-r));
	return 0;
}

/* Record a step before making it. 1: an earlier up recorded the same step, it is ours already. */
static int record_step(struct up_run *u, enum state_step_kind kind, const struct usbnet_ip4 *ip)
{
	struct state_step s = { .kind = kind };

	if (ip)
		s.ip = *ip;
	for (size_t i = 0; i < u->rec.n_steps; i++)
		if (u->rec.steps[i].kind == kind && ip4_equal(&u->rec.steps[i].ip, &s.ip))
			return 1;
	if (u->rec.n_steps >= STATE_MAX_STEPS)
		return ctx_fail(u->ctx, -E2BIG, "too many steps recorded for %s", u->ifname);
	u->rec.steps[u->rec.n_steps++] = s;
	return write_record(u);
}

/* The step just recorded was not made (it failed, or the thing was there already). */
static int drop_step(struct up_run *u, int recorded)
{
	if (recorded == 1)
		return 0;
	u->rec.n_steps--;
	return write_record(u);
}

static int apply_nm(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	int managed = 0, r, rec;

	r = be->nm->get_managed(be->nm_h, u->ifname, &managed);
	if (r == -ENOTCONN || r == -ENODEV) {
		ctx_log(u->ctx, USBNET_LOG_DEBUG, "%s: NetworkManager %s", u->ifname,
			r == -ENOTCONN ? "is not running" : "does not know it");
		return 0;
	}
	if (r < 0)
		return ctx_fail(u->ctx, r, "could not ask NetworkManager about %s: %s", u->ifname,
				nm_words(be, r));
	if (!managed)
		return 0;
	rec = record_step(u, STEP_NM_UNMANAGED, NULL);
	if (rec < 0)
		return rec;
	r = be->nm->set_managed(be->nm_h, u->ifname, false);
	if (r == -ENOTCONN || r == -ENODEV) {
		/* It stopped, or forgot the device, since it answered: it manages nothing to
		 * take. A vanished interface is seen by the next step. */
		ctx_log(u->ctx, USBNET_LOG_INFO, "%s: NetworkManager %s meanwhile", u->ifname,
			r == -ENOTCONN ? "stopped" : "forgot it");
		return drop_step(u, rec);
	}
	if (r < 0) {
		ctx_fail(u->ctx, r, "could not take %s from NetworkManager: %s", u->ifname,
			 nm_words(be, r));
		drop_step(u, rec);
		return r;
	}
	ctx_log(u->ctx, USBNET_LOG_INFO, "%s: NetworkManager no longer manages it", u->ifname);
	return 0;
}

/* A version 4 UUID for the profile, made here so that it is recorded before the change. */
static int uuid_new(char buf[37])
{
	uint8_t b[16];
	ssize_t n = getrandom(b, sizeof(b), 0);

	if (n != (ssize_t)sizeof(b))
		return n < 0 ? -errno : -EIO;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
	return 0;
}

/* A DHCP-serving peer stays with NetworkManager, under a profile of ours that takes the lease
 * but, unless the configuration trusts the peer, no default route, routes or DNS from it. */
static int apply_dhcp_profile(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	struct state_step s = { .kind = STEP_NM_PROFILE };
	int r;

	for (size_t i = 0; i < u->rec.n_steps; i++)
		if (u->rec.steps[i].kind == STEP_NM_PROFILE)
			return 0; /* an earlier up gave it */
	if (!be->nm->dhcp_profile_add)
		return -ENOTCONN;
	if (u->rec.n_steps >= STATE_MAX_STEPS)
		return ctx_fail(u->ctx, -E2BIG, "too many steps recorded for %s", u->ifname);
	r = uuid_new(s.uuid);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot make a UUID: %s", strerror(-r));
	u->rec.steps[u->rec.n_steps++] = s;
	r = write_record(u);
	if (r < 0) {
		u->rec.n_steps--;
		return r;
	}
	r = be->nm->dhcp_profile_add(be->nm_h, u->ifname, u->plan.trusted, s.uuid);
	if (r < 0) {
		if (r != -ENOTCONN)
			ctx_fail(u->ctx, r, "NetworkManager did not take %s: %s", u->ifname,
				 nm_words(be, r));
		drop_step(u, 0);
		return r;
	}
	ctx_log(u->ctx, USBNET_LOG_INFO, "%s: NetworkManager takes the lease under profile %s",
		u->ifname, s.uuid);
	return 0;
}

static int apply_link(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	int r, rec;

	if (u->link.up)
		return 0;
	rec = record_step(u, STEP_LINK_UP, NULL);
	if (rec < 0)
		return rec;
	r = be->nl->link_set_up(be->nl_h, u->link.ifindex, true);
	if (r < 0) {
		ctx_fail(u->ctx, r, "could not set %s up: %s", u->ifname, strerror(-r));
		drop_step(u, rec);
		return r;
	}
	ctx_log(u->ctx, USBNET_LOG_INFO, "%s: link up", u->ifname);
	return 0;
}

static int apply_addr(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	struct nl_addr_entry *addrs = NULL;
	char hs[32];
	size_t n = 0;
	bool present;
	int r, rec;

	usbnet_ip4_format(&u->plan.host, hs, sizeof(hs));
	r = be->nl->addr_list(be->nl_h, u->link.ifindex, &addrs, &n);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot list the addresses of %s: %s", u->ifname,
				strerror(-r));
	present = has_addr(addrs, n, u->link.ifindex, &u->plan.host);
	free(addrs);
	if (present) {
		/* Someone else's (or ours from a recorded earlier up): either way, not touched. */
		ctx_log(u->ctx, USBNET_LOG_INFO, "%s: %s is there already", u->ifname, hs);
		return 0;
	}
	rec = record_step(u, STEP_ADDR, &u->plan.host);
	if (rec < 0)
		return rec;
	r = be->nl->addr_add(be->nl_h, u->link.ifindex, &u->plan.host);
	if (r == -EEXIST) /* it appeared meanwhile: not ours */
		return drop_step(u, rec);
	if (r < 0) {
		ctx_fail(u->ctx, r, "could not add address %s to %s: %s", hs, u->ifname,
			 strerror(-r));
		drop_step(u, rec);
		return r;
	}
	ctx_log(u->ctx, USBNET_LOG_INFO, "%s: address %s added", u->ifname, hs);
	return 0;
}

static int apply_route(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	struct usbnet_ip4 dst = { .addr = u->plan.peer, .prefix = 32 };
	char ps[INET_ADDRSTRLEN];
	int r, rec;

	if (!u->plan.has_peer || same_subnet(u->plan.peer, u->plan.host.addr, u->plan.host.prefix))
		return 0;
	ntoa(u->plan.peer, ps);
	rec = record_step(u, STEP_ROUTE, &dst);
	if (rec < 0)
		return rec;
	r = be->nl->route_add(be->nl_h, u->link.ifindex, &dst);
	if (r == -EEXIST)
		return drop_step(u, rec);
	if (r < 0) {
		ctx_fail(u->ctx, r, "could not add a route to %s through %s: %s", ps, u->ifname,
			 strerror(-r));
		drop_step(u, rec);
		return r;
	}
	ctx_log(u->ctx, USBNET_LOG_INFO, "%s: route to %s added", u->ifname, ps);
	return 0;
}

/* Cut to what the record keeps. */
static void set_message(struct usbnet_status *st, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof(st->message))
		n = sizeof(st->message) - 1;
	memcpy(st->message, s, n);
	st->message[n] = '\0';
}

/* Undo what this call recorded (steps from u->base on), and say so after the failure. */
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

static int roll_back(struct up_run *u, int err)
{
	struct state_record mine = u->rec;
	char done[512] = "", failure[sizeof(u->ctx->error)];
	int r;

	snprintf(failure, sizeof(failure), "%s", usbnet_ctx_error(u->ctx));
	memmove(mine.steps, mine.steps + u->base, (mine.n_steps - u->base) * sizeof(mine.steps[0]));
	mine.n_steps -= u->base;
	r = updown_undo(u->ctx, u->be, &mine, done, sizeof(done));
	if (r < 0) {
		char why[sizeof(u->ctx->error)];

		snprintf(why, sizeof(why), "%s", usbnet_ctx_error(u->ctx));
		ctx_fail(u->ctx, err, "%s", failure);
		if (done[0])
			ctx_fail_append(u->ctx, "rolled back: %s", done);
		ctx_fail_append(u->ctx, "but %s", why);
		/* What is left to undo stays recorded, for down. */
		u->rec.n_steps = u->base + mine.n_steps;
		u->rec.status.state = USBNET_STATE_FAILED;
		set_message(&u->rec.status, failure);
		r = state_write(u->ctx->run_dir, &u->rec);
		if (r < 0)
			ctx_fail_append(u->ctx, "and the state record could not be written: %s",
					strerror(-r));
		else
			ctx_fail_append(u->ctx, "what is left is recorded; run down %s to retry",
					u->ifname);
		return err;
	}
	ctx_fail(u->ctx, err, "%s", failure);
	ctx_fail_append(u->ctx, "rolled back: %s", done[0] ? done : "nothing had been changed");
	u->rec.n_steps = u->base;
	if (u->base == 0) {
		r = state_remove(u->ctx->run_dir, u->ifname);
		if (r < 0)
			ctx_fail_append(u->ctx, "the state record %s/%s.state could not be removed: %s",
					u->ctx->run_dir, u->ifname, strerror(-r));
	} else {
		/* An earlier up's steps stay: down undoes them. */
		u->rec.status.state = USBNET_STATE_FAILED;
		set_message(&u->rec.status, failure);
		state_write(u->ctx->run_dir, &u->rec);
	}
	return err;
}

static void probe_peer(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	struct usbnet_status *st = &u->rec.status;
	char ps[INET_ADDRSTRLEN];
	int64_t rtt = -1;
	int r;

	st->state = USBNET_STATE_CONFIGURED;
	st->rtt_us = -1;
	st->message[0] = '\0';
	if (!u->plan.has_peer || u->wait_s == 0)
		return;
	ntoa(u->plan.peer, ps);
	r = be->reach->probe(be->reach_h, u->link.ifindex, u->plan.peer, u->wait_s * 1000, &rtt);
	if (r >= 0) {
		st->rtt_us = rtt;
		ctx_log(u->ctx, USBNET_LOG_INFO, "%s: peer %s answered in %lld us", u->ifname, ps,
			(long long)rtt);
		return;
	}
	/* Configured all the same: a peer may boot later, or drop pings. */
	st->state = USBNET_STATE_DEGRADED;
	if (r == -ETIMEDOUT)
		snprintf(st->message, sizeof(st->message), "peer %s did not answer within %u s", ps,
			 u->wait_s);
	else
		snprintf(st->message, sizeof(st->message), "could not check whether peer %s answers: %s",
			 ps, strerror(-r));
	ctx_log(u->ctx, USBNET_LOG_WARNING, "%s: %s", u->ifname, st->message);
}

/* Gateway mode with --dns or dns=yes: a DNS forwarder for the peer on the host's address. */
static bool want_dns(const struct up_run *u)
{
	return u->plan.mode == USBNET_MODE_GATEWAY && u->plan.dns;
}

static const struct state_step *recorded_dns(const struct state_record *rec)
{
	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind == STEP_DNSMASQ)
			return &rec->steps[i];
	return NULL;
}

/* The record's addresses are on the link, and NetworkManager stays off it. */
static bool addresses_in_place(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	const struct usbnet_status *st = &u->rec.status;
	struct nl_addr_entry *addrs = NULL;
	size_t n = 0;
	bool ok;
	int managed;

	if (!st->has_host || !ip4_equal(&st->host, &u->plan.host) ||
	    st->has_peer != u->plan.has_peer ||
	    (st->has_peer && st->peer.s_addr != u->plan.peer.s_addr))
		return false;
	if (!u->link.up)
		return false;
	/* NetworkManager took it back (it restarted, and forgets run-time flags). */
	if (be->nm->get_managed(be->nm_h, u->ifname, &managed) >= 0 && managed)
		return false;
	if (be->nl->addr_list(be->nl_h, u->link.ifindex, &addrs, &n) < 0)
		return false;
	ok = has_addr(addrs, n, u->link.ifindex, &u->plan.host);
	free(addrs);
	return ok;
}

/* The record says up did this, and it is all still there. */
static bool in_place(struct up_run *u)
{
	const struct usbnet_backends *be = u->be;
	const struct usbnet_status *st = &u->rec.status;
	const struct state_step *dns = recorded_dns(&u->rec);

	if (st->state != USBNET_STATE_CONFIGURED && st->state != USBNET_STATE_DEGRADED)
		return false;
	if (u->plan.mode == USBNET_MODE_BRIDGE || u->rec.mode == USBNET_MODE_BRIDGE)
		return u->plan.mode == u->rec.mode &&
		       bridge_in_place(u->ctx, be, &u->rec, u->bridge.name);
	if (u->plan.mode == USBNET_MODE_AUTO || u->rec.mode == USBNET_MODE_AUTO) {
		/* What an earlier up --auto chose stands while it is in place. */
		struct usbnet_plan saved = u->plan;

		if (u->plan.mode != u->rec.mode ||
		    !up_auto_adopt(st->discovered, st, &u->plan, &u->auto_choice))
			return false;
		if (u->auto_choice == AUTO_DHCP || addresses_in_place(u))
			return true;
		u->plan = saved;
		u->auto_choice = AUTO_NONE;
		return false;
	}
	if (u->plan.mode == USBNET_MODE_DHCP || u->rec.mode == USBNET_MODE_DHCP)
		return u->plan.mode == u->rec.mode && u->plan.trusted == u->rec.trusted;
	if (u->plan.mode != u->rec.mode ||
	    (u->plan.mode == USBNET_MODE_GATEWAY && !gateway_in_place(&u->rec, &u->gw)))
		return false;
	if ((dns != NULL) != want_dns(u))
		return false;
	/* A forwarder that died: up starts it again (dns_apply keeps the rest). */
	if (dns && be->dns->alive(be->dns_h, &dns->dns) <= 0)
		return false;
	return addresses_in_place(u);
}

/* Same plan as the record: carry on from it. Another plan: undo the record first. */
static bool same_plan(const struct up_run *u)
{
	const struct usbnet_status *st = &u->rec.status;

	/* Discovery runs again from a clean link: the old choice is undone first. */
	if (u->plan.mode == USBNET_MODE_AUTO || u->rec.mode == USBNET_MODE_AUTO)
		return false;
	if (u->plan.mode == USBNET_MODE_DHCP || u->rec.mode == USBNET_MODE_DHCP)
		return u->plan.mode == u->rec.mode && u->plan.trusted == u->rec.trusted;
	/* Another mode or another uplink: the old gateway steps go first */
	if ((u->plan.mode == USBNET_MODE_GATEWAY || u->rec.mode == USBNET_MODE_GATEWAY) &&
	    (u->plan.mode != u->rec.mode || !gateway_in_place(&u->rec, &u->gw)))
		return false;
	/* DNS turned on or off: another plan, undone and done again */
	if ((recorded_dns(&u->rec) != NULL) != want_dns(u))
		return false;
	if (u->plan.mode == USBNET_MODE_BRIDGE || u->rec.mode == USBNET_MODE_BRIDGE)
		return false; /* undone, then done again */
	return st->has_host && ip4_equal(&st->host, &u->plan.host) &&
	       st->has_peer == u->plan.has_peer &&
	       (!st->has_peer || st->peer.s_addr == u->plan.peer.s_addr);
}

/* Under the lock: what the run directory says about this interface. 1: nothing to do. */
static int take_over_record(struct up_run *u)
{
	struct usbnet_ctx *ctx = u->ctx;
	int r;

	r = state_read(ctx->run_dir, u->ifname, &u->rec);
	if (r == -ENOENT)
		return 0;
	if (r == -EBADMSG)
		return ctx_fail(ctx, r,
				"the state record %s/%s.state is damaged (edited or truncated); "
				"nothing was changed: check %s by hand, then remove the file",
				ctx->run_dir, u->ifname, u->ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the state record %s/%s.state: %s",
				ctx->run_dir, u->ifname, strerror(-r));

	if (u->rec.ifindex != u->link.ifindex) {
		/* Replugged: the old interface took our addresses and routes with it. */
		ctx_log(ctx, USBNET_LOG_INFO, "%s: dropping the stale record of a previous interface",
			u->ifname);
		r = state_remove(ctx->run_dir, u->ifname);
		if (r < 0)
			return ctx_fail(ctx, r, "cannot remove the stale state record %s/%s.state: %s",
					ctx->run_dir, u->ifname, strerror(-r));
		memset(&u->rec, 0, sizeof(u->rec));
		return 0;
	}
	if (in_place(u)) {
		ctx_log(ctx, USBNET_LOG_NOTICE, "%s: already configured", u->ifname);
		return 1;
	}
	if (same_plan(u)) {
		u->base = u->rec.n_steps;
		return 0;
	}
	/* Another plan: what the old one did goes first. */
	r = updown_undo(ctx, u->be, &u->rec, NULL, 0);
	if (r < 0) {
		ctx_fail_append(ctx, "while undoing the earlier configuration of %s; nothing new was "
				     "changed", u->ifname);
		u->rec.status.state = USBNET_STATE_FAILED;
		state_write(ctx->run_dir, &u->rec);
		return r;
	}
	r = state_remove(ctx->run_dir, u->ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot remove the state record %s/%s.state: %s",
				ctx->run_dir, u->ifname, strerror(-r));
	memset(&u->rec, 0, sizeof(u->rec));
	return 0;
}

/*
 * Mode auto: NetworkManager off the device and the link up (both recorded, as for static),
 * then discovery chooses the addresses (up-auto.c). They are checked as an --address would be
 * (a clash with another interface's subnet is -EADDRINUSE, rolled back), and recorded with how
 * they were found. A DHCP-serving peer goes back to NetworkManager, under our profile.
 */
static int up_auto(struct up_run *u)
{
	struct up_auto_outcome out;
	struct nl_addr_entry *addrs = NULL;
	size_t n = 0;
	int r;

	r = apply_nm(u);
	if (r >= 0)
		r = apply_link(u);
	if (r < 0)
		return r;
	r = up_auto_resolve(u->ctx, u->be, u->link.ifindex, u->ifname, USBNET_PROBE_DEFAULT_MS,
			    &u->plan, &out);
	if (r < 0)
		return r;
	u->auto_choice = out.choice;
	snprintf(u->rec.status.discovered, sizeof(u->rec.status.discovered), "%s", out.discovered);
	ctx_log(u->ctx, USBNET_LOG_INFO, "%s: discovered in %lld ms: %s", u->ifname,
		(long long)out.elapsed_ms, out.discovered);
	if (out.choice == AUTO_DHCP) {
		struct state_record mine = u->rec;

		/* NetworkManager must manage the device to take the lease: what this call did
		 * for the static case is undone first. */
		memmove(mine.steps, mine.steps + u->base,
			(mine.n_steps - u->base) * sizeof(mine.steps[0]));
		mine.n_steps -= u->base;
		r = updown_undo(u->ctx, u->be, &mine, NULL, 0);
		if (r < 0)
			return r;
		u->rec.n_steps = u->base;
		u->rec.status.has_peer = u->plan.has_peer;
		u->rec.status.peer = u->plan.peer;
		return write_record(u);
	}
	r = validate_addresses(u->ctx, &u->plan);
	if (r < 0)
		return r;
	r = u->be->nl->addr_list(u->be->nl_h, 0, &addrs, &n);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot list the host's addresses: %s", strerror(-r));
	r = check_clash(u, addrs, n);
	free(addrs);
	if (r < 0)
		return r;
	u->rec.status.has_host = true;
	u->rec.status.host = u->plan.host;
	u->rec.status.has_peer = u->plan.has_peer;
	u->rec.status.peer = u->plan.peer;
	return write_record(u);
}

static void fill_report(const struct up_run *u, struct usbnet_report *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->peer = u->peer;
	ret->plan = u->plan;
	ret->status = u->rec.status;
	gateway_status_fill(&u->rec, &ret->status);
	dns_status_fill(u->be, &u->rec, &ret->status);
}

int usbnet_up(struct usbnet_ctx *ctx, const char *ifname, const struct usbnet_up_opts *opts,
	      struct usbnet_report *ret_report, enum usbnet_up_result *ret_result)
{
	struct up_run *u;
	struct nl_addr_entry *addrs = NULL;
	size_t n_addrs = 0;
	enum usbnet_up_result result;
	char warning[512] = "";
	int lock = -1, r;

	ctx_clear_error(ctx);
	if (!ifname_valid(ifname))
		return ctx_fail(ctx, -EINVAL, "not an interface name: \"%s\"", ifname ? ifname : "");
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->ctx = ctx;
	u->ifname = ifname;
	u->be = ctx_backends(ctx);
	if (!u->be) {
		r = ctx_fail(ctx, -EIO, "cannot open the netlink or NetworkManager backend");
		goto out;
	}

	/* 1. Validate: nothing changes before this is done. */
	r = find_peer(u, opts);
	if (r < 0)
		goto out;
	make_plan(u, opts);
	if (u->plan.mode == USBNET_MODE_IGNORE) {
		u->rec.status.rtt_us = -1;
		result = USBNET_UP_NOTHING;
		goto done;
	}
	if (opts->dns && u->plan.mode != USBNET_MODE_GATEWAY) {
		r = ctx_fail(ctx, -EINVAL,
			     "--dns is for gateway mode (--gateway, or mode=gateway in the peer's "
			     "group): %s's plan is %s; nothing was changed",
			     ifname, usbnet_mode_name(u->plan.mode));
		goto out;
	}
	if (u->plan.mode == USBNET_MODE_DHCP)
		goto lock; /* no address of ours to check */
	if (u->plan.mode == USBNET_MODE_BRIDGE) {
		/* No host address: the peer takes its own from the LAN. */
		r = bridge_plan_make(ctx, u->be, ifname, u->link.ifindex, u->plan.uplink,
				     u->plan.bridge, &u->bridge);
		if (r < 0)
			goto out;
		goto lock;
	}
	if (u->plan.mode == USBNET_MODE_AUTO && !opts->has_host)
		goto lock; /* discovery decides, once the link is up (up_auto below) */
	if (u->plan.mode == USBNET_MODE_AUTO)
		u->plan.mode = USBNET_MODE_STATIC; /* --address: nothing left to discover */
	if (!u->plan.has_host) {
		r = ctx_fail(ctx, -EINVAL,
			     "no address for %s: pass --address A.B.C.D/N, or add a [peer] group "
			     "for it to %s",
			     ifname, ctx->config_path);
		goto out;
	}
	r = validate_addresses(ctx, &u->plan);
	if (r < 0)
		goto out;
	r = u->be->nl->addr_list(u->be->nl_h, 0, &addrs, &n_addrs);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot list the host's addresses: %s", strerror(-r));
		goto out;
	}
	r = check_clash(u, addrs, n_addrs);
	if (r < 0)
		goto out;
	if (u->plan.mode == USBNET_MODE_GATEWAY) {
		r = gateway_resolve(ctx, u->be, ifname, &u->plan, &u->gw);
		if (r < 0)
			goto out;
	}
	u->peer.n_addrs = 0;
	for (size_t i = 0; i < n_addrs && u->peer.n_addrs < USBNET_MAX_ADDRS; i++)
		if (addrs[i].ifindex == u->link.ifindex)
			u->peer.addrs[u->peer.n_addrs++] = addrs[i].ip;

	/* 2. One up or down per interface at a time. */
lock:
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

	/* 3. Already done? A stale or different record? */
	r = take_over_record(u);
	if (r < 0)
		goto out;
	if (r == 1) {
		result = USBNET_UP_UNCHANGED;
		goto done;
	}

	/* 4. Write ahead, then change. The first write also proves the run directory works. */
	if (u->base == 0) {
		memset(&u->rec, 0, sizeof(u->rec));
		strcpy(u->rec.ifname, ifname);
		u->rec.ifindex = u->link.ifindex;
		snprintf(u->rec.usb_path, sizeof(u->rec.usb_path), "%s", u->peer.usb_path);
		snprintf(u->rec.serial, sizeof(u->rec.serial), "%s", u->peer.serial);
	}
	u->rec.mode = u->plan.mode;
	u->rec.trusted = u->plan.trusted;
	u->rec.status.state = USBNET_STATE_UNCONFIGURED; /* until the steps are done */
	u->rec.status.has_host = u->plan.mode != USBNET_MODE_DHCP &&
				 u->plan.mode != USBNET_MODE_BRIDGE && u->plan.mode != USBNET_MODE_AUTO;
	u->rec.status.host = u->plan.host;
	u->rec.status.has_peer = u->plan.has_peer && u->plan.mode != USBNET_MODE_BRIDGE;
	u->rec.status.peer = u->plan.peer;
	u->rec.status.rtt_us = -1;
	u->rec.status.message[0] = '\0';
	r = write_record(u);
	if (r < 0) {
		ctx_fail_append(ctx, "nothing was changed");
		goto out;
	}
	if (u->plan.mode == USBNET_MODE_AUTO) {
		r = up_auto(u);
		if (r < 0) {
			r = roll_back(u, r);
			goto out;
		}
	}
	if (u->plan.mode == USBNET_MODE_DHCP || u->auto_choice == AUTO_DHCP) {
		r = apply_dhcp_profile(u);
		if (r == -ENOTCONN) {
			/* Nobody to hand it to: nothing was changed. */
			roll_back(u, r);
			ctx_clear_error(ctx);
			u->rec.status.state = USBNET_STATE_UNCONFIGURED;
			set_message(&u->rec.status, "the peer serves DHCP, and NetworkManager is not "
						    "running to take the lease");
			result = USBNET_UP_NOTHING;
			goto done;
		}
		if (r < 0) {
			r = roll_back(u, r);
			goto out;
		}
		u->rec.status.state = USBNET_STATE_CONFIGURED;
		set_message(&u->rec.status,
			    u->plan.trusted ? "NetworkManager takes the lease (trusted peer)"
					    : "NetworkManager takes the lease, without default "
					      "route, routes or DNS from the peer (not trusted)");
		r = write_record(u);
		if (r < 0) {
			r = roll_back(u, r);
			goto out;
		}
		result = USBNET_UP_CONFIGURED;
		goto done;
	}
	if (u->plan.mode == USBNET_MODE_BRIDGE) {
		r = apply_nm(u);
		if (r >= 0)
			r = bridge_apply(ctx, u->be, &u->rec, &u->bridge);
		if (r >= 0)
			r = apply_link(u);
		if (r >= 0) {
			u->rec.status.state = USBNET_STATE_CONFIGURED;
			snprintf(u->rec.status.message, sizeof(u->rec.status.message),
				 "a port of %s%s%s", u->bridge.name,
				 u->bridge.shown_uplink[0] ? ", uplink " : "", u->bridge.shown_uplink);
			r = write_record(u);
		}
		if (r < 0) {
			r = roll_back(u, r);
			goto out;
		}
		result = USBNET_UP_CONFIGURED;
		goto done;
	}
	if (u->plan.mode != USBNET_MODE_AUTO)
		r = apply_nm(u);
	if (r >= 0 && u->plan.mode != USBNET_MODE_AUTO)
		r = apply_link(u);
	if (r >= 0)
		r = apply_addr(u);
	if (r >= 0)
		r = apply_route(u);
	if (r >= 0 && u->plan.mode == USBNET_MODE_GATEWAY)
		r = gateway_apply(ctx, u->be, &u->rec, &u->gw, warning, sizeof(warning));
	if (r >= 0 && want_dns(u))
		r = dns_apply(ctx, u->be, &u->rec, u->plan.host.addr);
	if (r < 0) {
		explain_vanished(u, r);
		r = roll_back(u, r);
		goto out;
	}

	/* 5. Does the peer answer? Not answering is degraded, not a failure. */
	probe_peer(u);
	if (warning[0]) {
		/* Configured, but a firewall will drop what is forwarded: said, and kept */
		char msg[2 * sizeof(u->rec.status.message)];

		snprintf(msg, sizeof(msg), "%s%s%s", u->rec.status.message,
			 u->rec.status.message[0] ? "; " : "", warning);
		set_message(&u->rec.status, msg);
		u->rec.status.state = USBNET_STATE_DEGRADED;
		ctx_log(ctx, USBNET_LOG_INFO, "%s: %s", ifname, warning);
	}
	r = write_record(u);
	if (r < 0) {
		r = roll_back(u, r);
		goto out;
	}
	result = u->rec.status.state == USBNET_STATE_DEGRADED ? USBNET_UP_DEGRADED
							      : USBNET_UP_CONFIGURED;
done:
	if (ret_report)
		fill_report(u, ret_report);
	if (ret_result)
		*ret_result = result;
	r = 0;
out:
	lock_release(lock);
	free(addrs);
	free(u);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bridge mode over fake backends: a fault at each step rolls back to exactly the starting
 * state, down gives everything back, peers share a bridge, a user's bridge is never deleted,
 * and the uplinks that cannot be bridged (Wi-Fi among them: no mac80211_hwsim here, so the
 * backend reports it, and wireless_is_wifi() is checked on a fake sysfs tree) are refused
 * before any change. Each step kind (bridge-join, bridge-port) on its own: its record line
 * reads back, an apply that fails at any backend call leaves nothing recorded and the host as
 * it was, and the undo of a step recorded ahead but never made changes nothing.
 */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bridge/bridge-state.h"
#include "bridge/bridge.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "fake-backends.h"
#include "netlink/wireless.h"
#include "updown/step-kinds.h"

#define PEER "usbnettest0"
#define PEERX 7
#define PEER2 "usbnettest1"
#define PEER2X 8
#define ETHX 2

static char dir[64], run_dir[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* eth0 (up, 10.0.0.5/24 and 10.0.0.6/24, a default route and a static one), two peers. */
static void world(void)
{
	struct usbnet_backends be;

	fake_init(&f);
	fake_add_link(&f, "lo", 1, true);
	f.s.links[0].loopback = true;
	fake_add_link(&f, "eth0", ETHX, true);
	fake_add_link(&f, PEER, PEERX, false);
	fake_add_link(&f, PEER2, PEER2X, false);
	fake_add_addr(&f, ETHX, "10.0.0.5/24");
	fake_add_addr(&f, ETHX, "10.0.0.6/24");
	fake_add_full_route(&f, ETHX, "0.0.0.0/0", "10.0.0.1", 100);
	fake_add_full_route(&f, ETHX, "10.9.0.0/16", "10.0.0.1", 50);
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-bridge-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	assert_int_equal(usbnet_ctx_new("", run_dir, &ctx), 0);
	world();
	return 0;
}

static int teardown(void **state)
{
	ctx = usbnet_ctx_free(ctx);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct usbnet_up_opts bridge_opts(const char *uplink, const char *name)
{
	struct usbnet_up_opts o;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_BRIDGE;
	if (uplink)
		snprintf(o.uplink, sizeof(o.uplink), "%s", uplink);
	if (name)
		snprintf(o.bridge, sizeof(o.bridge), "%s", name);
	return o;
}

static int up(const char *ifname, const struct usbnet_up_opts *o)
{
	enum usbnet_up_result res;

	return usbnet_up(ctx, ifname, o, NULL, &res);
}

static bool no_records(void)
{
	char p[160];
	bool none;

	snprintf(p, sizeof(p), "%s/" PEER ".state", run_dir);
	none = access(p, F_OK) != 0;
	snprintf(p, sizeof(p), "%s/usbnet-br0.bridge", run_dir);
	return none && access(p, F_OK) != 0;
}

static void test_up_makes_the_bridge_moves_the_uplink_and_down_gives_it_back(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, NULL);
	struct fake_link *br, *eth;
	struct bridge_record *rec = calloc(1, sizeof(*rec));

	assert_int_equal(up(PEER, &o), 0);
	br = fake_link(&f, "usbnet-br0");
	eth = fake_link(&f, "eth0");
	assert_non_null(br);
	assert_string_equal(br->kind, "bridge");
	assert_memory_equal(br->mac, eth->mac, 6); /* the LAN keeps seeing the host's MAC */
	assert_int_equal(eth->master, br->ifindex);
	assert_int_equal(fake_link(&f, PEER)->master, br->ifindex);
	assert_true(fake_link_up(&f, PEERX));
	assert_false(fake_has_addr(&f, ETHX, "10.0.0.5/24"));
	assert_true(fake_has_addr(&f, br->ifindex, "10.0.0.5/24"));
	assert_true(fake_has_addr(&f, br->ifindex, "10.0.0.6/24"));
	for (size_t i = 0; i < f.s.n_full_routes; i++)
		assert_int_equal(f.s.full_routes[i].ifindex, br->ifindex);
	assert_int_equal(f.s.n_full_routes, 2);
	/* the peer gets no host address */
	for (size_t i = 0; i < f.s.n_addrs; i++)
		assert_int_not_equal(f.s.addrs[i].ifindex, PEERX);
	assert_int_equal(bridge_state_read(run_dir, "usbnet-br0", rec), 0);
	assert_int_equal(rec->n_users, 1);
	assert_string_equal(rec->uplink, "eth0");
	/* idempotent */
	fake_clear_log(&f);
	assert_int_equal(up(PEER, &o), 0);
	assert_int_equal(f.n_mutating, 0);

	assert_int_equal(usbnet_down(ctx, PEER), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("not as before:\n%s", fake_log_text(&f));
	assert_true(no_records());
	free(rec);
}

/* Fail the nth mutating call of up, for every n up completes with: everything goes back. */
static void test_a_fault_at_each_step_rolls_back_to_the_start(void **state)
{
	struct usbnet_up_opts o = bridge_opts("eth0", NULL);
	unsigned total;

	fake_clear_log(&f);
	assert_int_equal(up(PEER, &o), 0);
	total = f.n_mutating;
	assert_true(total >= 10); /* create, ports, 2 routes and 2 addresses each way, link */
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	for (unsigned n = 1; n <= total; n++) {
		int r;

		world();
		fake_fail(&f, "*", n, -EIO);
		r = up(PEER, &o);
		if (r != -EIO)
			fail_msg("fault at mutating call %u: up returned %d\n%s", n, r,
				 fake_log_text(&f));
		if (!fake_state_equal(&initial, &f.s))
			fail_msg("fault at mutating call %u: not rolled back\n%s", n,
				 fake_log_text(&f));
		if (!no_records())
			fail_msg("fault at mutating call %u: records left", n);
		assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back"));
	}
}

static void test_two_peers_share_the_bridge_until_the_last_leaves(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, NULL);
	int brx;

	assert_int_equal(up(PEER, &o), 0);
	brx = fake_link(&f, "usbnet-br0")->ifindex;
	/* the default route is the bridge's now: the second peer joins it */
	assert_int_equal(up(PEER2, &o), 0);
	assert_int_equal(fake_link(&f, PEER2)->master, brx);
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	assert_non_null(fake_link(&f, "usbnet-br0"));
	assert_int_equal(fake_link(&f, "eth0")->master, brx);
	assert_int_equal(fake_link(&f, PEER)->master, 0);
	assert_int_equal(usbnet_down(ctx, PEER2), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("not as before:\n%s", fake_log_text(&f));
}

static void test_a_vanished_peer_still_leaves_the_bridge(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, NULL);
	struct fake_link *p;

	assert_int_equal(up(PEER, &o), 0);
	/* unplugged: the kernel takes the interface (and its port) away */
	p = fake_link(&f, PEER);
	memmove(p, p + 1, (size_t)(&f.s.links[f.s.n_links] - (p + 1)) * sizeof(*p));
	f.s.n_links--;
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	assert_null(fake_link(&f, "usbnet-br0"));
	assert_int_equal(fake_link(&f, "eth0")->master, 0);
	assert_true(fake_has_addr(&f, ETHX, "10.0.0.5/24"));
	assert_true(no_records());
}

static void test_a_users_bridge_is_joined_and_never_deleted(void **state)
{
	struct usbnet_up_opts o = bridge_opts(NULL, "br-user");
	struct fake_state before;
	int brx;

	fake_add_link(&f, "br-user", 40, true);
	strcpy(fake_link(&f, "br-user")->kind, "bridge");
	brx = 40;
	fake_link(&f, "eth0")->master = brx;
	before = f.s;
	assert_int_equal(up(PEER, &o), 0);
	assert_int_equal(fake_link(&f, PEER)->master, brx);
	assert_int_equal(fake_log_find(&f, "br.bridge_add"), -1);
	assert_true(fake_has_addr(&f, ETHX, "10.0.0.5/24")); /* the user's layout: untouched */
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	assert_true(fake_state_equal(&before, &f.s));
	assert_non_null(fake_link(&f, "br-user"));
}

/* Issue 14: a port detached by hand is made a port again by the same up, which succeeds. */
static void test_up_again_makes_a_detached_port_a_port_again(void **state)
{
	struct usbnet_up_opts o = bridge_opts("eth0", NULL);
	int brx;

	assert_int_equal(up(PEER, &o), 0);
	brx = fake_link(&f, "usbnet-br0")->ifindex;
	fake_link(&f, PEER)->master = 0; /* ip link set PEER nomaster */
	/* the uplink is a port of the bridge already: not refused, not moved twice */
	fake_clear_log(&f);
	assert_int_equal(up(PEER, &o), 0);
	assert_int_equal(fake_link(&f, PEER)->master, brx);
	assert_int_equal(fake_link(&f, "eth0")->master, brx);
	assert_int_equal(fake_log_find(&f, "br.bridge_add"), -1);
	assert_int_equal(fake_log_find(&f, "br.addr_del_full"), -1);
	assert_int_equal(usbnet_down(ctx, PEER), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("not as before:\n%s", fake_log_text(&f));
	assert_true(no_records());
}

/* ---- the step kinds on their own ----------------------------------------------------------- */

static struct state_record *peer_record(void)
{
	struct state_record *rec = calloc(1, sizeof(*rec));

	assert_non_null(rec);
	snprintf(rec->ifname, sizeof(rec->ifname), "%s", PEER);
	rec->ifindex = PEERX;
	rec->mode = USBNET_MODE_BRIDGE;
	rec->status.rtt_us = -1;
	return rec;
}

static void add_step(struct state_record *rec, const struct step_kind *kind, const void *data,
		     bool done)
{
	struct state_step *s = &rec->steps[rec->n_steps++];

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->done = done;
	memcpy(s->data.bytes, data, kind->size);
}

static void test_the_record_lines_read_back(void **state)
{
	struct state_record *rec = peer_record(), *back = calloc(1, sizeof(*back));
	struct bridge_join_data j = {.name = "usbnet-br0", .uplink = "eth0"};
	struct bridge_port_data p = {.name = "usbnet-br0"};
	const struct bridge_join_data *bj;
	char *text = NULL;

	add_step(rec, &step_bridge_join, &j, true);
	add_step(rec, &step_bridge_port, &p, false);
	assert_int_equal(journal_serialize(rec, &text), 0);
	if (!strstr(text, "\nstep bridge-join usbnet-br0\npending bridge-port usbnet-br0\nend\n"))
		fail_msg("record:\n%s", text);
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), back), 0);
	assert_int_equal(back->n_steps, 2);
	assert_ptr_equal(back->steps[0].kind, &step_bridge_join);
	assert_true(back->steps[0].done);
	bj = (const void *)back->steps[0].data.bytes;
	assert_string_equal(bj->name, "usbnet-br0");
	assert_string_equal(bj->uplink, ""); /* not in the line: the undo needs the name only */
	assert_ptr_equal(back->steps[1].kind, &step_bridge_port);
	assert_false(back->steps[1].done);
	assert_string_equal(((const struct bridge_port_data *)back->steps[1].data.bytes)->name,
			    "usbnet-br0");
	/* the same join, whatever uplink the plan had */
	assert_true(step_bridge_join.same(&j, bj));
	free(text);

	/* a record of the old format (version 1) */
	{
		static const char v1[] = "usbnet-host-state 1\n"
					 "ifname usb0\n"
					 "ifindex 7\n"
					 "usb_path 1-1\n"
					 "serial 0123\n"
					 "mode bridge\n"
					 "trusted no\n"
					 "state configured\n"
					 "host -\n"
					 "peer -\n"
					 "rtt_us -1\n"
					 "message a port of usbnet-br0, uplink eth0\n"
					 "step nm-unmanaged\n"
					 "step bridge-join usbnet-br0\n"
					 "step bridge-port usbnet-br0\n"
					 "step link-up\n"
					 "end\n";

		assert_int_equal(journal_parse(step_kinds, v1, strlen(v1), back), 0);
		assert_int_equal(back->n_steps, 4);
		assert_ptr_equal(back->steps[1].kind, &step_bridge_join);
		assert_ptr_equal(back->steps[2].kind, &step_bridge_port);
		assert_string_equal(((const struct bridge_join_data *)back->steps[1].data.bytes)->name,
				    "usbnet-br0");
	}

	/* anything but a name is refused */
	{
		static const char *const bad[] = {
		    "step bridge-join",		  "step bridge-join ",
		    "step bridge-join a b",	  "step bridge-join a/b",
		    "step bridge-port a:b",	  "step bridge-port 0123456789abcdef",
		    "pending bridge-port ..",	  "step bridge-port a\x01",
		};
		char buf[512];

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(buf, sizeof(buf),
				 "usbnet-host-state 1\nifname usb0\nifindex 7\nusb_path \nserial \n"
				 "mode bridge\ntrusted no\nstate configured\nhost -\npeer -\n"
				 "rtt_us -1\nmessage \n%s\nend\n",
				 bad[i]);
			if (strncmp(bad[i], "pending", 7) == 0)
				/* version 2 has pending lines: the name is what is refused */
				snprintf(buf, sizeof(buf),
					 "usbnet-host-state 2\nifname usb0\nifindex 7\nmac -\n"
					 "boot_id -\nusb_path \nserial \nmode bridge\ntrusted no\n"
					 "plan \nstate configured\nhost -\npeer -\nrtt_us -1\n"
					 "message \n%s\nend\n",
					 bad[i]);
			if (journal_parse(step_kinds, buf, strlen(buf), back) != -EBADMSG)
				fail_msg("accepted: %s", bad[i]);
		}
	}
	/* and the writer refuses a name it could not read back */
	rec->n_steps = 0;
	snprintf(j.name, sizeof(j.name), "a b");
	add_step(rec, &step_bridge_join, &j, true);
	assert_int_equal(journal_serialize(rec, &text), -EINVAL);
	free(rec);
	free(back);
}

static bool bridge_record_exists(void)
{
	char p[160];

	snprintf(p, sizeof(p), "%s/usbnet-br0.bridge", run_dir);
	return access(p, F_OK) == 0;
}

/* Fail each backend call apply makes, in turn (lookups too): nothing is left recorded, in the
 * peer's record or the bridge's, and the host is as before. */
static void check_apply_faults(const struct step_kind *kind, const void *data,
			       const struct state_record *start)
{
	struct fake_state before = f.s;
	struct state_record *rec = calloc(1, sizeof(*rec)), *disk = calloc(1, sizeof(*disk));
	char calls[FAKE_LOG_MAX][96];
	size_t n_log;
	bool had_bridge = bridge_record_exists();
	struct step_env env = {.ctx = ctx, .be = ctx_backends(ctx), .rec = rec, .link_ours = true};

	*rec = *start;
	fake_clear_log(&f);
	assert_int_equal(journal_apply(&env, kind, data), JOURNAL_MADE);
	n_log = f.n_log;
	memcpy(calls, f.log, sizeof(calls));
	assert_true(n_log > 0);
	/* undone again: back to the start */
	assert_int_equal(journal_undo(&env, start->n_steps, true, NULL, 0), 0);
	if (!fake_state_equal(&before, &f.s))
		fail_msg("%s: the undo did not give the host back:\n%s", kind->name,
			 fake_log_text(&f));

	for (size_t n = 0; n < n_log; n++) {
		char op[48];
		unsigned nth = 0;
		int r;

		sscanf(calls[n], "%47s", op);
		for (size_t i = 0; i <= n; i++)
			if (strncmp(calls[i], op, strlen(op)) == 0 && calls[i][strlen(op)] == ' ')
				nth++;
		f.s = before;
		f.n_faults = 0;
		fake_clear_log(&f);
		fake_fail(&f, op, nth, -EIO);
		*rec = *start;
		r = journal_apply(&env, kind, data);
		if (r >= 0) {
			/* a lookup whose failure apply takes as "nothing there" cannot fail it */
			assert_int_equal(journal_undo(&env, start->n_steps, true, NULL, 0), 0);
			continue;
		}
		if (rec->n_steps != start->n_steps)
			fail_msg("%s: fault at %s: recorded", kind->name, calls[n]);
		assert_int_equal(journal_read(ctx, PEER, disk), 0);
		if (disk->n_steps != start->n_steps)
			fail_msg("%s: fault at %s: recorded on disk", kind->name, calls[n]);
		if (!fake_state_equal(&before, &f.s))
			fail_msg("%s: fault at %s: not as before\n%s", kind->name, calls[n],
				 fake_log_text(&f));
		if (bridge_record_exists() != had_bridge)
			fail_msg("%s: fault at %s: the bridge record left", kind->name, calls[n]);
	}
	f.n_faults = 0;
	free(rec);
	free(disk);
}

static void test_an_apply_that_fails_leaves_nothing(void **state)
{
	struct state_record *rec = peer_record();
	struct bridge_join_data j = {.name = "usbnet-br0", .uplink = "eth0"};
	struct bridge_port_data p = {.name = "usbnet-br0"};
	struct step_env env = {.ctx = ctx, .be = ctx_backends(ctx), .rec = rec, .link_ours = true};

	/* the join: the bridge made, the uplink moved */
	assert_int_equal(journal_write(ctx, rec), 0);
	check_apply_faults(&step_bridge_join, &j, rec);

	/* the port, on the bridge joined */
	assert_int_equal(journal_apply(&env, &step_bridge_join, &j), JOURNAL_MADE);
	assert_non_null(fake_link(&f, "usbnet-br0"));
	check_apply_faults(&step_bridge_port, &p, rec);

	assert_int_equal(journal_undo(&env, 0, true, NULL, 0), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("not as before:\n%s", fake_log_text(&f));
	assert_false(bridge_record_exists());
	free(rec);
}

/* Recorded ahead, never made (a crash before the change): the undo changes nothing. */
static void test_the_undo_of_a_pending_step_changes_nothing(void **state)
{
	struct state_record *rec = peer_record();
	struct bridge_join_data j = {.name = "usbnet-br0", .uplink = "eth0"};
	struct bridge_port_data p = {.name = "usbnet-br0"};
	struct step_env env = {.ctx = ctx, .be = ctx_backends(ctx), .rec = rec, .link_ours = true};

	add_step(rec, &step_bridge_join, &j, false);
	add_step(rec, &step_bridge_port, &p, false);
	assert_int_equal(journal_write(ctx, rec), 0);
	fake_clear_log(&f);
	assert_int_equal(journal_undo(&env, 0, true, NULL, 0), 0);
	assert_int_equal(rec->n_steps, 0);
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));

	/* and a peer detached by hand is not taken out of anything */
	assert_int_equal(journal_apply(&env, &step_bridge_join, &j), JOURNAL_MADE);
	assert_int_equal(journal_apply(&env, &step_bridge_port, &p), JOURNAL_MADE);
	fake_link(&f, PEER)->master = 0;
	assert_int_equal(step_bridge_port.check(&env, &p), 0);
	fake_clear_log(&f);
	assert_int_equal(journal_apply(&env, &step_bridge_port, &p), JOURNAL_MADE);
	assert_int_equal(fake_link(&f, PEER)->master, fake_link(&f, "usbnet-br0")->ifindex);
	assert_int_equal(journal_apply(&env, &step_bridge_port, &p), JOURNAL_OURS);
	assert_int_equal(journal_apply(&env, &step_bridge_join, &j), JOURNAL_OURS);
	assert_int_equal(journal_undo(&env, 0, true, NULL, 0), 0);
	if (!fake_state_equal(&initial, &f.s))
		fail_msg("not as before:\n%s", fake_log_text(&f));
	free(rec);
}

/* Refused with err, nothing called that changes anything, no record, the message says so. */
static void check_refused(const char *peer, struct usbnet_up_opts o, int err, const char *words)
{
	fake_clear_log(&f);
	assert_int_equal(up(peer, &o), err);
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_true(no_records());
	if (!strstr(usbnet_ctx_error(ctx), words) ||
	    !strstr(usbnet_ctx_error(ctx), "nothing was changed"))
		fail_msg("message: %s", usbnet_ctx_error(ctx));
}

static void test_uplinks_that_cannot_be_bridged_are_refused_before_any_change(void **state)
{
	check_refused(PEER, bridge_opts(PEER, NULL), -EINVAL, "cannot be the peer");
	check_refused(PEER, bridge_opts("nosuch0", NULL), -EINVAL, "no interface nosuch0");
	check_refused(PEER, bridge_opts("lo", NULL), -EINVAL, "loopback");
	check_refused(PEER, bridge_opts("eth0", "eth0"), -EINVAL, "not a bridge");

	fake_link(&f, "eth0")->wireless = true;
	initial = f.s;
	check_refused(PEER, bridge_opts(NULL, NULL), -EOPNOTSUPP, "up --gateway");
	fake_link(&f, "eth0")->wireless = false;

	fake_add_link(&f, "br-other", 41, true);
	strcpy(fake_link(&f, "br-other")->kind, "bridge");
	fake_link(&f, "eth0")->master = 41;
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", NULL), -EINVAL, "port of another bridge");
	fake_link(&f, "eth0")->master = 0;

	fake_link(&f, "eth0")->addr_lifetime = true;
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", NULL), -EOPNOTSUPP, "lifetime");
	fake_link(&f, "eth0")->addr_lifetime = false;

	fake_link(&f, "eth0")->v6_static = true;
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", NULL), -EOPNOTSUPP, "IPv6");
	fake_link(&f, "eth0")->v6_static = false;

	/* NetworkManager manages the uplink: refused, with what to do instead */
	fake_nm_device(&f, "eth0", true);
	initial = f.s;
	check_refused(
	    PEER, bridge_opts("eth0", NULL), -EOPNOTSUPP,
	    "nmcli connection add type ethernet slave-type bridge master usbnet-br0 ifname eth0");

	/* a bridge NetworkManager manages is not joined behind its back either */
	fake_add_link(&f, "br-nm", 42, true);
	strcpy(fake_link(&f, "br-nm")->kind, "bridge");
	f.s.n_nm_devices = 0;
	fake_nm_device(&f, "br-nm", true);
	initial = f.s;
	check_refused(PEER, bridge_opts("eth0", "br-nm"), -EOPNOTSUPP,
		      "NetworkManager manages the bridge br-nm");

	/* no default route and no --uplink */
	f.s.n_full_routes = 0;
	f.s.nm_running = false;
	initial = f.s;
	check_refused(PEER, bridge_opts(NULL, NULL), -EINVAL, "--uplink");
}

static void mkdir_p(const char *path)
{
	char p[256];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	assert_int_equal(mkdir(p, 0755), 0);
}

static void test_wifi_is_told_by_sysfs(void **state)
{
	char root[160], p[256];

	snprintf(root, sizeof(root), "%s/sys", dir);
	snprintf(p, sizeof(p), "%s/class/net/wlan0/phy80211", root); /* cfg80211 */
	mkdir_p(p);
	snprintf(p, sizeof(p), "%s/class/net/wext0/wireless", root); /* old wireless extensions */
	mkdir_p(p);
	snprintf(p, sizeof(p), "%s/class/net/eth0/device", root);
	mkdir_p(p);
	assert_true(wireless_is_wifi(root, "wlan0"));
	assert_true(wireless_is_wifi(root, "wext0"));
	assert_false(wireless_is_wifi(root, "eth0"));
	assert_false(wireless_is_wifi(root, "nosuch0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
		test_up_makes_the_bridge_moves_the_uplink_and_down_gives_it_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_fault_at_each_step_rolls_back_to_the_start,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_peers_share_the_bridge_until_the_last_leaves,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_vanished_peer_still_leaves_the_bridge, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_users_bridge_is_joined_and_never_deleted, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_uplinks_that_cannot_be_bridged_are_refused_before_any_change, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wifi_is_told_by_sysfs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_up_again_makes_a_detached_port_a_port_again, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_the_record_lines_read_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_an_apply_that_fails_leaves_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_the_undo_of_a_pending_step_changes_nothing, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

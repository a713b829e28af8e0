/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Gateway mode over fake backends: the steps and their order (nftables, then forwarding),
 * the shared forwarding record, rollback at every step, validation that changes nothing,
 * firewall findings as a degraded state, refresh; the DNS forwarder (--dns): started last,
 * stopped by down also when the interface vanished, a failed start rolls everything back,
 * turning DNS on or off is another plan, --dns outside gateway mode changes nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/ctx.h"
#include "fake-backends.h"
#include "core/journal.h"
#include "gateway/forwarding-record.h"
#include "gateway/gateway.h"
#include "updown/step-kinds.h"

#define IF "usbgw0"
#define IFX 7
#define IF2 "usbgw1"
#define IFX2 8

static char dir[64], run_dir[96], conf[96];
static struct fake f;
static struct fake_state initial;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* eth0 (the default route's), wlan0, and two peers' links; forwarding off. */
static void world(void)
{
	struct usbnet_backends be;

	fake_init(&f);
	fake_add_link(&f, "eth0", 2, true);
	fake_add_link(&f, "wlan0", 3, true);
	fake_add_link(&f, IF, IFX, false);
	fake_add_link(&f, IF2, IFX2, false);
	fake_add_addr(&f, 2, "10.0.0.5/24");
	fake_add_addr(&f, 3, "10.1.0.5/24");
	strcpy(f.default_uplink, "eth0");
	initial = f.s;
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
}

static int setup(void **state)
{
	FILE *c;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-gw-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	snprintf(conf, sizeof(conf), "%s/usbnet-host.conf", dir);
	c = fopen(conf, "w");
	assert_non_null(c);
	fclose(c);
	assert_int_equal(usbnet_ctx_new(conf, run_dir, &ctx), 0);
	world();
	return 0;
}

static int teardown(void **state)
{
	ctx = usbnet_ctx_free(ctx);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct usbnet_up_opts gw_opts(const char *host, const char *uplink)
{
	struct usbnet_up_opts o;

	usbnet_up_opts_init(&o);
	o.force = true;
	o.wait_s = 0;
	o.mode = USBNET_MODE_GATEWAY;
	assert_int_equal(usbnet_ip4_parse(host, true, &o.host), 0);
	o.has_host = true;
	if (uplink)
		snprintf(o.uplink, sizeof(o.uplink), "%s", uplink);
	return o;
}

static int up(const char *ifname, const struct usbnet_up_opts *o, enum usbnet_up_result *res,
	      struct usbnet_report *rep)
{
	struct usbnet_report tmp;

	return usbnet_up(ctx, ifname, o, rep ? rep : &tmp, res);
}

static const struct nft_step *nft_of(const struct state_step *s)
{
	return (const struct nft_step *)s->data.bytes;
}

static bool exists_in_run(const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", run_dir, name);
	return access(path, F_OK) == 0;
}

static void test_gateway_up_adds_chains_then_forwarding_with_a_guard(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;
	struct usbnet_report rep;
	struct state_record rec;
	const struct nft_peer *p;
	int nft, fwd, before;

	assert_int_equal(up(IF, &o, &res, &rep), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	p = fake_nft_chain(&f, IF);
	assert_non_null(p);
	assert_string_equal(p->uplink, "eth0");
	assert_int_equal(p->subnet.prefix, 16);
	assert_true(f.s.nft_guard); /* forwarding was off: nothing else may pass */
	assert_int_equal(f.s.nft_guard_peers, 1);
	assert_int_equal(f.s.ip_forward, 1);
	/* the guard is there before forwarding is turned on */
	nft = fake_log_find(&f, "gw.nft_commit");
	fwd = fake_log_find(&f, "gw.forwarding_set 1");
	assert_true(nft >= 0 && nft < fwd);
	assert_string_equal(rep.status.uplink, "eth0");
	assert_true(rep.status.uplink_auto);

	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_ptr_equal(rec.steps[rec.n_steps - 2].kind, &step_nft);
	assert_string_equal(nft_of(&rec.steps[rec.n_steps - 2])->uplink, "eth0");
	assert_ptr_equal(rec.steps[rec.n_steps - 1].kind, &step_forwarding);
	assert_int_equal(forwarding_record_read(run_dir, &forwarding_ipv4, &before), 0);
	assert_int_equal(before, 0);

	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
	assert_false(exists_in_run(GATEWAY_RECORD_NAME));
	/* forwarding back to 0 before the guard goes */
	fwd = fake_log_find(&f, "gw.forwarding_set 0");
	nft = fake_log_find(&f, "gw.nft_commit +0 -1 guard 0");
	assert_true(fwd >= 0 && fwd < nft);
}

static void test_forwarding_on_before_means_no_guard_and_stays_on(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", "wlan0");
	enum usbnet_up_result res;

	f.s.ip_forward = 1;
	initial = f.s;
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_false(f.s.nft_guard);
	assert_string_equal(fake_nft_chain(&f, IF)->uplink, "wlan0");
	assert_int_equal(fake_log_find(&f, "gw.forwarding_set"), -1);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_int_equal(fake_log_find(&f, "gw.forwarding_set"), -1);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_last_gateway_peer_down_restores_forwarding(void **state)
{
	struct usbnet_up_opts o1 = gw_opts("169.254.0.8/16", NULL);
	struct usbnet_up_opts o2 = gw_opts("192.168.2.14/24", NULL);
	enum usbnet_up_result res;

	assert_int_equal(up(IF, &o1, &res, NULL), 0);
	assert_int_equal(up(IF2, &o2, &res, NULL), 0);
	assert_int_equal(f.s.nft_guard_peers, 2);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_int_equal(f.s.ip_forward, 1); /* IF2 still holds it */
	assert_true(f.s.nft_guard);
	assert_int_equal(f.s.nft_guard_peers, 1);
	assert_null(fake_nft_chain(&f, IF));
	assert_non_null(fake_nft_chain(&f, IF2));
	assert_int_equal(usbnet_down(ctx, IF2), 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(GATEWAY_RECORD_NAME));
}

static void test_fault_at_every_mutating_call_rolls_back_everything(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;
	unsigned total;

	/* link up, address, nft batch, forwarding: fail each in turn */
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	total = f.n_mutating;
	assert_int_equal(total, 4);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	for (unsigned n = 1; n <= total; n++) {
		world();
		fake_fail(&f, "*", n, -EPERM);
		assert_int_equal(up(IF, &o, &res, NULL), -EPERM);
		assert_true(fake_state_equal(&initial, &f.s));
		assert_false(exists_in_run(IF ".state"));
		assert_false(exists_in_run(GATEWAY_RECORD_NAME));
		assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back: "));
	}
}

static void test_nft_batch_rejected_says_so_and_rolls_back(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;

	fake_fail(&f, "gw.nft_commit", 1, -EINVAL);
	/* a refused batch is not the user's bad input: not EINVAL (exit 2) */
	assert_int_equal(up(IF, &o, &res, NULL), -EIO);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "nftables"));
	assert_true(fake_state_equal(&initial, &f.s));
	assert_int_equal(fake_log_find(&f, "gw.forwarding_set"), -1);
	assert_false(exists_in_run(IF ".state"));
}

static void test_sysctl_write_fails_rolls_back_the_chains(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;

	fake_fail(&f, "gw.forwarding_set", 1, -EACCES);
	assert_int_equal(up(IF, &o, &res, NULL), -EACCES);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "ip_forward"));
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
	assert_false(exists_in_run(GATEWAY_RECORD_NAME));
}

static void check_refused(int r)
{
	assert_int_equal(r, -EINVAL);
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
}

static void test_bad_uplinks_are_refused_before_any_change(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", "nosuch0");
	enum usbnet_up_result res;

	check_refused(up(IF, &o, &res, NULL));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "nosuch0"));
	o = gw_opts("169.254.0.8/16", IF);
	check_refused(up(IF, &o, &res, NULL));
	f.default_uplink[0] = '\0';
	o = gw_opts("169.254.0.8/16", NULL);
	check_refused(up(IF, &o, &res, NULL));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "default route"));
	/* the default route through the peer itself */
	strcpy(f.default_uplink, IF);
	check_refused(up(IF, &o, &res, NULL));
}

static void test_firewall_finding_is_degraded_and_kept(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;
	struct usbnet_report rep;
	struct usbnet_status st;

	strcpy(f.firewall_msg, "nftables chain ip filter FORWARD (hook forward, policy drop)");
	assert_int_equal(up(IF, &o, &res, &rep), 0);
	assert_int_equal(res, USBNET_UP_DEGRADED);
	assert_non_null(strstr(rep.status.message, "ip filter FORWARD"));
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_int_equal(st.state, USBNET_STATE_DEGRADED);
	assert_non_null(strstr(st.message, "ip filter FORWARD"));
	assert_string_equal(st.uplink, "eth0");
}

static void test_second_up_changes_nothing_and_another_uplink_moves_it(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	fake_clear_log(&f);
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_int_equal(f.n_mutating, 0);
	o = gw_opts("169.254.0.8/16", "wlan0");
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_string_equal(fake_nft_chain(&f, IF)->uplink, "wlan0");
	assert_int_equal(f.s.ip_forward, 1);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_refresh_moves_auto_peers_only(void **state)
{
	struct usbnet_up_opts o1 = gw_opts("169.254.0.8/16", NULL);
	struct usbnet_up_opts o2 = gw_opts("192.168.2.14/24", "eth0");
	enum usbnet_up_result res;
	struct state_record rec;

	assert_int_equal(usbnet_refresh(ctx), 0); /* no gateway peer: nothing asked */
	assert_int_equal(f.n_log, 0);
	assert_int_equal(up(IF, &o1, &res, NULL), 0);
	assert_int_equal(up(IF2, &o2, &res, NULL), 0);
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 0); /* the default route did not move */
	assert_int_equal(f.n_mutating, 0);
	strcpy(f.default_uplink, "wlan0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	assert_string_equal(fake_nft_chain(&f, IF)->uplink, "wlan0");
	assert_string_equal(fake_nft_chain(&f, IF2)->uplink, "eth0"); /* fixed */
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_string_equal(nft_of(journal_find(&rec, &step_nft, NULL))->uplink, "wlan0");
	/* a refused batch leaves rules and records as they were */
	strcpy(f.default_uplink, "eth0");
	fake_fail(&f, "gw.nft_commit", 1, -ENOBUFS);
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), -ENOBUFS);
	assert_string_equal(fake_nft_chain(&f, IF)->uplink, "wlan0");
	assert_int_equal(journal_read(ctx, IF, &rec), 0);
	assert_string_equal(nft_of(journal_find(&rec, &step_nft, NULL))->uplink, "wlan0");
}

static void test_refresh_checks_the_firewall_again_for_the_new_uplink(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;
	struct usbnet_status st;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	/* another firewall came after up, and the default route moved */
	strcpy(f.firewall_msg, "nftables chain ip fw block (hook forward, policy drop)");
	strcpy(f.default_uplink, "wlan0");
	fake_clear_log(&f);
	assert_int_equal(usbnet_refresh(ctx), 1);
	assert_true(fake_log_find(&f, "gw.firewall_check " IF " wlan0") >= 0);
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_int_equal(st.state, USBNET_STATE_DEGRADED);
	assert_non_null(strstr(st.message, "ip fw block"));
	assert_string_equal(st.uplink, "wlan0");
	/* moved again with the firewall gone: the old finding goes, not said twice */
	f.firewall_msg[0] = '\0';
	strcpy(f.default_uplink, "eth0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_int_equal(st.state, USBNET_STATE_CONFIGURED);
	assert_null(strstr(st.message, "ip fw block"));
	/* a check that fails is said as such */
	fake_clear_log(&f);
	fake_fail(&f, "gw.firewall_check", 1, -EPERM);
	strcpy(f.default_uplink, "wlan0");
	assert_int_equal(usbnet_refresh(ctx), 1);
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_int_equal(st.state, USBNET_STATE_DEGRADED);
	assert_non_null(strstr(st.message, "could not check the host's firewall"));
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_down_of_a_vanished_peer_still_undoes_the_host_steps(void **state)
{
	struct usbnet_up_opts o = gw_opts("169.254.0.8/16", NULL);
	enum usbnet_up_result res;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	/* unplugged: the link and its address go with it */
	f.s.n_links = 3;
	f.s.n_addrs = 2;
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_null(fake_nft_chain(&f, IF));
	assert_false(f.s.nft_guard);
	assert_int_equal(f.s.ip_forward, 0);
	assert_false(exists_in_run(GATEWAY_RECORD_NAME));
}

static int parse_record(const char *text, int *before)
{
	return forwarding_record_parse(&forwarding_ipv4, text, strlen(text), before);
}

static void test_gateway_record_is_read_strictly(void **state)
{
	int before = -1;

	assert_int_equal(parse_record("usbnet-host-gateway 1\nforwarding-before 1\nend\n", &before),
			 0);
	assert_int_equal(before, 1);
	assert_int_equal(parse_record("usbnet-host-gateway 1\nforwarding-before 2\nend\n", &before),
			 -EBADMSG);
	assert_int_equal(parse_record("usbnet-host-gateway 1\nforwarding-before 0\n", &before),
			 -EBADMSG);
}

static void test_nft_step_round_trips_and_rejects_junk(void **state)
{
	struct state_record rec = {}, back;
	struct nft_step *d = (struct nft_step *)rec.steps[0].data.bytes;
	char *text = NULL;

	strcpy(rec.ifname, IF);
	rec.ifindex = IFX;
	rec.mode = USBNET_MODE_GATEWAY;
	rec.status.rtt_us = -1;
	rec.steps[0].kind = &step_nft;
	rec.steps[0].done = true;
	strcpy(d->uplink, "wlan0");
	usbnet_ip4_parse("169.254.0.0/16", true, &d->subnet);
	d->uplink_auto = true;
	rec.steps[1].kind = &step_forwarding;
	rec.steps[1].done = true;
	rec.n_steps = 2;
	assert_int_equal(journal_serialize(&rec, &text), 0);
	assert_non_null(strstr(text, "step nft wlan0 169.254.0.0/16 auto\nstep forwarding\n"));
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), &back), 0);
	assert_int_equal(back.n_steps, 2);
	assert_ptr_equal(back.steps[0].kind, &step_nft);
	assert_true(back.steps[0].done);
	assert_string_equal(nft_of(&back.steps[0])->uplink, "wlan0");
	assert_true(nft_of(&back.steps[0])->uplink_auto);
	assert_int_equal(nft_of(&back.steps[0])->subnet.prefix, 16);
	/* the same bytes as up makes of that plan: the journal finds it the same step */
	assert_memory_equal(back.steps[0].data.bytes, rec.steps[0].data.bytes,
			    sizeof(struct nft_step));
	assert_ptr_equal(back.steps[1].kind, &step_forwarding);
	free(text);
	/* pending, and fixed */
	rec.steps[0].done = false;
	d->uplink_auto = false;
	rec.steps[1].done = false;
	assert_int_equal(journal_serialize(&rec, &text), 0);
	assert_non_null(
	    strstr(text, "pending nft wlan0 169.254.0.0/16 fixed\npending forwarding\n"));
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), &back), 0);
	assert_false(back.steps[0].done);
	assert_false(nft_of(&back.steps[0])->uplink_auto);
	assert_false(back.steps[1].done);
	free(text);
	/* A record of the old version (1) reads as it did */
	text = strdup("usbnet-host-state 1\nifname usbgw0\nifindex 7\nusb_path \nserial \n"
		      "mode gateway\ntrusted no\nstate configured\nhost -\npeer -\nrtt_us -1\n"
		      "message \nstep nft wlan0 169.254.0.0/16 auto\nstep forwarding\nend\n");
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), &back), 0);
	assert_int_equal(back.n_steps, 2);
	assert_true(back.steps[0].done);
	assert_string_equal(nft_of(&back.steps[0])->uplink, "wlan0");
	free(text);
	static const char *const junk[] = {
	    "step nft wlan0  169.254.0.0/16 auto",	 "step nft wlan0 169.254.0.0/16 sometimes",
	    "step nft wlan0 169.254.0.0/16",		 "step nft wlan0 169.254.0.0/16 auto x",
	    "step nft wlan0 169.254.000.0/16 auto",	 "step nft wlan0 169.254.0.0 auto",
	    "step nft wl/an0 169.254.0.0/16 auto",	 "step nft wlan0 169.254.0.0/16 auto ",
	    "step forwarding x",			 "step forwarding ",
	};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		char buf[512];

		snprintf(buf, sizeof(buf),
			 "usbnet-host-state 1\nifname usbgw0\nifindex 7\nusb_path \nserial \n"
			 "mode gateway\ntrusted no\nstate configured\nhost -\npeer -\nrtt_us -1\n"
			 "message \n%s\nend\n",
			 junk[i]);
		if (journal_parse(step_kinds, buf, strlen(buf), &back) != -EBADMSG)
			fail_msg("read: %s", junk[i]);
	}
}

/* A record of IF on disk, with no steps, and the env its steps are applied in. */
static void kind_env(struct state_record *rec, struct step_env *env, struct usbnet_backends *be)
{
	memset(rec, 0, sizeof(*rec));
	strcpy(rec->ifname, IF);
	rec->ifindex = IFX;
	rec->mode = USBNET_MODE_GATEWAY;
	rec->status.rtt_us = -1;
	*be = fake_backends(&f);
	*env = (struct step_env){.ctx = ctx, .be = be, .rec = rec, .link_ours = true};
	assert_int_equal(journal_write(ctx, rec), 0);
}

static struct nft_step nft_data(const char *uplink, const char *subnet)
{
	struct nft_step d;

	memset(&d, 0, sizeof(d));
	strcpy(d.uplink, uplink);
	assert_int_equal(usbnet_ip4_parse(subnet, true, &d.subnet), 0);
	return d;
}

/* Nothing of a failed apply stays: not in the record (in memory or on disk), not on the host. */
static void assert_nothing_recorded(const struct state_record *rec)
{
	struct state_record back;

	assert_int_equal(rec->n_steps, 0);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(back.n_steps, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(GATEWAY_RECORD_NAME));
}

static void test_nft_apply_failing_at_each_call_leaves_nothing(void **state)
{
	static const char *const ops[] = {"gw.forwarding_get", "gw.nft_commit"};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct state_record rec;
		struct step_env env;
		struct usbnet_backends be;
		struct nft_step d = nft_data("eth0", "169.254.0.0/16");

		world();
		kind_env(&rec, &env, &be);
		fake_fail(&f, ops[i], 1, -EIO);
		if (journal_apply(&env, &step_nft, &d) >= 0)
			fail_msg("apply went through a failing %s", ops[i]);
		assert_nothing_recorded(&rec);
	}
}

static void test_forwarding_apply_failing_at_each_call_leaves_nothing(void **state)
{
	static const char *const ops[] = {"gw.forwarding_get", "gw.forwarding_set"};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct state_record rec;
		struct step_env env;
		struct usbnet_backends be;

		world();
		kind_env(&rec, &env, &be);
		fake_fail(&f, ops[i], 1, -EIO);
		if (journal_apply(&env, &step_forwarding, &rec) >= 0)
			fail_msg("apply went through a failing %s", ops[i]);
		assert_nothing_recorded(&rec);
	}
	/* the second forwarding_get (is it on already?) failing: it is turned on, and kept */
	{
		struct state_record rec;
		struct step_env env;
		struct usbnet_backends be;

		world();
		kind_env(&rec, &env, &be);
		fake_fail(&f, "gw.forwarding_get", 2, -EIO);
		assert_int_equal(journal_apply(&env, &step_forwarding, &rec), JOURNAL_MADE);
		assert_int_equal(f.s.ip_forward, 1);
		assert_int_equal(journal_undo(&env, 0, true, NULL, 0), 0);
		assert_true(fake_state_equal(&initial, &f.s));
		assert_false(exists_in_run(GATEWAY_RECORD_NAME));
	}
}

/* Recorded ahead, never made (a crash before the change): the undo walk changes nothing. */
static void test_undo_of_pending_gateway_steps_is_safe(void **state)
{
	struct state_record rec, back;
	struct step_env env;
	struct usbnet_backends be;
	struct nft_step d = nft_data("eth0", "169.254.0.0/16");
	char done[256] = "";

	kind_env(&rec, &env, &be);
	rec.steps[0].kind = &step_nft;
	memcpy(rec.steps[0].data.bytes, &d, sizeof(d));
	rec.steps[1].kind = &step_forwarding;
	rec.n_steps = 2;
	assert_int_equal(journal_write(ctx, &rec), 0);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_false(back.steps[0].done);
	env.rec = &back;
	assert_int_equal(journal_undo(&env, 0, true, done, sizeof(done)), 0);
	assert_int_equal(back.n_steps, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(GATEWAY_RECORD_NAME));
	assert_non_null(strstr(done, "IPv4 forwarding left as it was"));
	assert_int_equal(fake_log_find(&f, "gw.forwarding_set"), -1);

	/* pending forwarding while another gateway peer holds it: it stays on */
	world();
	{
		struct usbnet_up_opts o = gw_opts("192.168.2.14/24", "eth0");
		enum usbnet_up_result res;

		assert_int_equal(up(IF2, &o, &res, NULL), 0);
	}
	kind_env(&rec, &env, &be);
	rec.steps[0].kind = &step_forwarding;
	rec.n_steps = 1;
	assert_int_equal(journal_write(ctx, &rec), 0);
	fake_clear_log(&f);
	assert_int_equal(journal_undo(&env, 0, true, NULL, 0), 0);
	assert_int_equal(f.s.ip_forward, 1);
	assert_int_equal(fake_log_find(&f, "gw.forwarding_set"), -1);
	assert_true(exists_in_run(GATEWAY_RECORD_NAME));
	assert_int_equal(usbnet_down(ctx, IF2), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

/* ---- the DNS forwarder (--dns) ---------------------------------------------------------- */

static struct usbnet_up_opts dns_opts(void)
{
	struct usbnet_up_opts o = gw_opts("192.168.2.14/24", NULL);

	o.dns = true;
	return o;
}

static void test_dns_starts_last_on_the_host_address_and_down_stops_it(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;
	struct usbnet_report rep;
	struct usbnet_status st;
	const struct fake_dns *d;
	int nft, fwd, dns;

	assert_int_equal(up(IF, &o, &res, &rep), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	d = fake_dns_of(&f, IF);
	assert_non_null(d);
	assert_string_equal(inet_ntoa(d->addr), "192.168.2.14");
	nft = fake_log_find(&f, "gw.nft_commit");
	fwd = fake_log_find(&f, "gw.forwarding_set 1");
	dns = fake_log_find(&f, "dns.start");
	assert_true(nft >= 0 && fwd > nft && dns > fwd);
	assert_true(rep.status.dns);
	assert_true(rep.status.dns_running);
	assert_int_equal(rep.status.dns_pid, d->h.pid);
	/* what show reads back: a forwarder is recorded (the real check says not running here) */
	assert_int_equal(usbnet_status_read(ctx, IF, &st), 0);
	assert_true(st.dns);
	assert_int_equal(st.dns_pid, d->h.pid);

	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_null(fake_dns_of(&f, IF));
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
}

static void test_dns_start_failing_rolls_everything_back(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	fake_fail(&f, "dns.start", 1, -EBUSY);
	assert_int_equal(up(IF, &o, &res, NULL), -EBUSY);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "rolled back: "));
	assert_non_null(strstr(usbnet_ctx_error(ctx), "DNS"));
}

static void test_second_up_keeps_the_forwarder_and_restarts_a_dead_one(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;
	int pid;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	pid = fake_dns_of(&f, IF)->h.pid;
	fake_clear_log(&f);
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_UNCHANGED);
	assert_int_equal(f.n_mutating, 0);
	assert_int_equal(fake_dns_of(&f, IF)->h.pid, pid);

	assert_true(fake_dns_kill(&f, IF));
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_non_null(fake_dns_of(&f, IF));
	assert_int_not_equal(fake_dns_of(&f, IF)->h.pid, pid);
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_turning_dns_off_stops_the_forwarder(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	o.dns = false;
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_int_equal(res, USBNET_UP_CONFIGURED);
	assert_null(fake_dns_of(&f, IF));
	assert_non_null(fake_nft_chain(&f, IF));
	o.dns = true;
	assert_int_equal(up(IF, &o, &res, NULL), 0);
	assert_non_null(fake_dns_of(&f, IF));
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_true(fake_state_equal(&initial, &f.s));
}

static void test_dns_outside_gateway_mode_is_refused(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	o.mode = USBNET_MODE_STATIC;
	assert_int_equal(up(IF, &o, &res, NULL), -EINVAL);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "--dns is for gateway mode"));
	assert_int_equal(f.n_mutating, 0);
	assert_true(fake_state_equal(&initial, &f.s));
	assert_false(exists_in_run(IF ".state"));
}

static void test_vanished_peer_down_stops_its_forwarder(void **state)
{
	struct usbnet_up_opts o = dns_opts();
	enum usbnet_up_result res;

	assert_int_equal(up(IF, &o, &res, NULL), 0);
	/* unplugged: the link and its address go with it, the process does not */
	f.s.n_links = 3;
	f.s.n_addrs = 2;
	assert_non_null(fake_dns_of(&f, IF));
	assert_int_equal(usbnet_down(ctx, IF), 0);
	assert_null(fake_dns_of(&f, IF));
	assert_null(fake_nft_chain(&f, IF));
	assert_int_equal(f.s.ip_forward, 0);
	assert_false(exists_in_run(IF ".state"));
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_gateway_up_adds_chains_then_forwarding_with_a_guard),
	    T(test_forwarding_on_before_means_no_guard_and_stays_on),
	    T(test_last_gateway_peer_down_restores_forwarding),
	    T(test_fault_at_every_mutating_call_rolls_back_everything),
	    T(test_nft_batch_rejected_says_so_and_rolls_back),
	    T(test_sysctl_write_fails_rolls_back_the_chains),
	    T(test_bad_uplinks_are_refused_before_any_change),
	    T(test_firewall_finding_is_degraded_and_kept),
	    T(test_second_up_changes_nothing_and_another_uplink_moves_it),
	    T(test_refresh_moves_auto_peers_only),
	    T(test_refresh_checks_the_firewall_again_for_the_new_uplink),
	    T(test_down_of_a_vanished_peer_still_undoes_the_host_steps),
	    T(test_dns_starts_last_on_the_host_address_and_down_stops_it),
	    T(test_dns_start_failing_rolls_everything_back),
	    T(test_second_up_keeps_the_forwarder_and_restarts_a_dead_one),
	    T(test_turning_dns_off_stops_the_forwarder),
	    T(test_dns_outside_gateway_mode_is_refused),
	    T(test_vanished_peer_down_stops_its_forwarder),
	    cmocka_unit_test(test_gateway_record_is_read_strictly),
	    T(test_nft_apply_failing_at_each_call_leaves_nothing),
	    T(test_forwarding_apply_failing_at_each_call_leaves_nothing),
	    T(test_undo_of_pending_gateway_steps_is_safe),
	    cmocka_unit_test(test_nft_step_round_trips_and_rejects_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

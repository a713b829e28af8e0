/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The DNS forwarder's pure parts (handles, dnsmasq's arguments, /proc/PID/stat), its step kind
 * (the record line, apply, check, undo in the undo walk), and the supervisor's restart of a
 * recorded forwarder, over fake backends.
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
#include "dns/dhcp-up.h"
#include "dns/dns-supervise.h"
#include "dns/dns-up.h"
#include "dns/dnsmasq.h"
#include "fake-backends.h"
#include "core/journal.h"
#include "core/lock.h"
#include "gateway/gateway.h"
#include "updown/step-kinds.h"

#define IF "usbnettest0"
#define IFX 7

/* ---- handles ------------------------------------------------------------------------------ */

static void test_handles_round_trip_and_malformed_ones_are_rejected(void **state)
{
	static const char *const bad[] = {
	    "",
	    " ",
	    "0 5",
	    "-1 5",
	    "012 5",
	    "12",
	    "12 ",
	    "12  5",
	    "12 5 6",
	    "12 -5",
	    "12 5x",
	    "+12 5",
	    "- ",
	    "--",
	    "-\n",
	    "2147483648 5",
	    "12 05",
	    "12 0x10",
	    "12\t5",
	    " 12 5",
	    "12 18446744073709551616",
	};
	struct dns_handle h;
	char buf[48];

	assert_int_equal(dns_handle_parse("4242 987654321", &h), 0);
	assert_int_equal(h.pid, 4242);
	assert_int_equal(h.start_time, 987654321);
	assert_int_equal(dns_handle_format(&h, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "4242 987654321");
	assert_int_equal(dns_handle_parse("2147483647 18446744073709551615", &h), 0);
	assert_int_equal(h.start_time, UINT64_MAX);
	assert_int_equal(dns_handle_parse("1 0", &h), 0); /* a start time of 0 ticks is possible */
	assert_int_equal(dns_handle_parse("-", &h), 0);
	assert_int_equal(h.pid, 0);
	assert_int_equal(dns_handle_format(&h, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dns_handle_parse(bad[i], &h) != -EBADMSG)
			print_error("accepted: \"%s\"\n", bad[i]);
		assert_int_equal(dns_handle_parse(bad[i], &h), -EBADMSG);
	}
	/* a pid 0 with a start time, or a negative pid, is not written */
	h = (struct dns_handle){.pid = 0, .start_time = 5};
	assert_int_equal(dns_handle_format(&h, buf, sizeof(buf)), -EINVAL);
	h = (struct dns_handle){.pid = -3, .start_time = 5};
	assert_int_equal(dns_handle_format(&h, buf, sizeof(buf)), -EINVAL);
}

/* ---- dnsmasq's arguments ------------------------------------------------------------------ */

static int argv_has(const struct dnsmasq_argv *a, const char *arg)
{
	int n = 0;

	for (size_t i = 0; a->argv[i]; i++)
		n += strcmp(a->argv[i], arg) == 0;
	return n;
}

static bool argv_has_prefix(const struct dnsmasq_argv *a, const char *prefix)
{
	for (size_t i = 0; a->argv[i]; i++)
		if (strncmp(a->argv[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* The record line: the IPv6 address after the handle when there is one; lines without it (as
 * earlier versions wrote them) read back as IPv4 only; no other form is taken. */
static void test_dnsmasq_record_line_with_and_without_ipv6(void **state)
{
	static const char *const good[] = {"-", "4242 987654321", "- fd12:3456:789a::1",
					   "4242 987654321 fd12:3456:789a::1"};
	static const char *const bad[] = {"4242 987654321 fd12:3456:789a:0::1",
					  "4242 987654321 ::",
					  "4242 fd12:3456:789a::1",
					  "fd12:3456:789a::1",
					  "- fd12::1 fd12::2",
					  "4242 987654321 fd12::zz"};
	struct dnsmasq_step d;
	char buf[128];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(step_dnsmasq.parse(good[i], &d), 0);
		assert_int_equal(d.has_host6, i >= 2);
		assert_int_equal(step_dnsmasq.format(&d, buf, sizeof(buf)), 0);
		assert_string_equal(buf, good[i]);
	}
	assert_int_equal(step_dnsmasq.parse("4242 987654321 fd12:3456:789a::1", &d), 0);
	assert_int_equal(d.h.pid, 4242);
	assert_true(d.h.start_time == 987654321);
	inet_ntop(AF_INET6, &d.host6, buf, sizeof(buf));
	assert_string_equal(buf, "fd12:3456:789a::1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(step_dnsmasq.parse(bad[i], &d), -EBADMSG);
}

/* IPv6 shared on the link: the forwarder listens on PREFIX::1 as well, on nothing else. */
static void test_dnsmasq_listens_on_the_links_ipv6_address_too(void **state)
{
	struct dnsmasq_argv a;
	struct in_addr host;
	struct in6_addr host6;
	int n = 0;

	inet_pton(AF_INET, "192.168.2.14", &host);
	inet_pton(AF_INET6, "fd12:3456:789a::1", &host6);
	assert_int_equal(dnsmasq_build_argv(NULL, "/r/x.pid", host, &host6, &a), 0);
	assert_int_equal(argv_has(&a, "--listen-address=192.168.2.14"), 1);
	assert_int_equal(argv_has(&a, "--listen-address=fd12:3456:789a::1"), 1);
	assert_int_equal(argv_has(&a, "--bind-interfaces"), 1);
	assert_false(argv_has_prefix(&a, "--interface"));
	for (size_t i = 0; a.argv[i]; i++)
		n += strncmp(a.argv[i], "--listen-address=", 17) == 0;
	assert_int_equal(n, 2);
}

static void test_dnsmasq_listens_on_the_peer_side_address_only(void **state)
{
	struct dnsmasq_conf conf = {0};
	struct dnsmasq_argv a;
	struct in_addr host;

	inet_pton(AF_INET, "192.168.2.14", &host);
	assert_int_equal(dnsmasq_build_argv(NULL, "/run/usbnet-host/usb0.dnsmasq.pid", host, NULL, &a),
			 0);
	assert_string_equal(a.argv[0], DNSMASQ_PATH);
	assert_int_equal(argv_has(&a, "--conf-file=/dev/null"), 1);
	assert_int_equal(argv_has(&a, "--pid-file=/run/usbnet-host/usb0.dnsmasq.pid"), 1);
	assert_int_equal(argv_has(&a, "--listen-address=192.168.2.14"), 1);
	assert_int_equal(argv_has(&a, "--bind-interfaces"), 1);
	assert_int_equal(argv_has(&a, "--except-interface=lo"), 1);
	assert_int_equal(argv_has(&a, "--port=53"), 1);
	assert_int_equal(argv_has(&a, "--no-hosts"), 1);
	assert_int_equal(argv_has(&a, "--resolv-file=/etc/resolv.conf"), 1);
	/* one listening address, no interface-wide or wildcard listening, no DHCP, no TFTP */
	assert_false(argv_has_prefix(&a, "--interface"));
	assert_false(argv_has_prefix(&a, "--bind-dynamic"));
	assert_false(argv_has_prefix(&a, "--dhcp"));
	assert_false(argv_has_prefix(&a, "--enable-tftp"));
	assert_false(argv_has_prefix(&a, "--server"));
	for (size_t i = 0; a.argv[i]; i++)
		if (strncmp(a.argv[i], "--listen-address=", 17) == 0)
			assert_string_equal(a.argv[i], "--listen-address=192.168.2.14");

	/* explicit upstream servers: those, and no resolv file */
	conf.dnsmasq = "/opt/dnsmasq";
	inet_pton(AF_INET, "10.77.0.2", &conf.servers[0]);
	inet_pton(AF_INET, "10.77.0.3", &conf.servers[1]);
	conf.n_servers = 2;
	assert_int_equal(dnsmasq_build_argv(&conf, "/r/x.pid", host, NULL, &a), 0);
	assert_string_equal(a.argv[0], "/opt/dnsmasq");
	assert_int_equal(argv_has(&a, "--no-resolv"), 1);
	assert_int_equal(argv_has(&a, "--server=10.77.0.2"), 1);
	assert_int_equal(argv_has(&a, "--server=10.77.0.3"), 1);
	assert_false(argv_has_prefix(&a, "--resolv-file"));

	/* a resolv file of its own (a test's) */
	conf = (struct dnsmasq_conf){.resolv_file = "/tmp/resolv.conf"};
	assert_int_equal(dnsmasq_build_argv(&conf, "/r/x.pid", host, NULL, &a), 0);
	assert_int_equal(argv_has(&a, "--resolv-file=/tmp/resolv.conf"), 1);
}

static void test_a_pid_file_path_that_does_not_fit_is_refused(void **state)
{
	char big[4096], buf[64];
	struct dnsmasq_argv a;
	struct in_addr host = {.s_addr = htonl(0xc0a8020e)};

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dnsmasq_build_argv(NULL, big, host, NULL, &a), -E2BIG);
	assert_int_equal(dnsmasq_pid_path("/run/usbnet-host", "usb0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/run/usbnet-host/usb0.dnsmasq.pid");
	assert_int_equal(dnsmasq_pid_path(big, "usb0", buf, sizeof(buf)), -ENAMETOOLONG);
}

/* ---- /proc/PID/stat ----------------------------------------------------------------------- */

static void test_stat_lines_give_name_state_and_start_time(void **state)
{
	/* field 22 is 98765 */
	static const char line[] = "4242 (dnsmasq) S 1 4241 4241 0 -1 4194624 200 0 0 0 1 2 0 0 "
				   "20 0 1 0 98765 5689344 190 18446744073709551615 1 1 0 0 0 0\n";
	static const char odd[] = "77 (a) b) (c) R 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0\n";
	char comm[32], st;
	uint64_t start;

	assert_int_equal(dnsmasq_parse_stat(line, comm, sizeof(comm), &st, &start), 0);
	assert_string_equal(comm, "dnsmasq");
	assert_int_equal(st, 'S');
	assert_int_equal(start, 98765);
	/* a name with spaces and parentheses ends at the last ")" */
	assert_int_equal(dnsmasq_parse_stat(odd, comm, sizeof(comm), &st, &start), 0);
	assert_string_equal(comm, "a) b) (c");
	assert_int_equal(st, 'R');
	assert_int_equal(start, 12);
	/* cut short, or no name */
	assert_int_equal(
	    dnsmasq_parse_stat("4242 (dnsmasq) S 1 2 3\n", comm, sizeof(comm), &st, &start),
	    -EBADMSG);
	assert_int_equal(dnsmasq_parse_stat("4242 dnsmasq S 1\n", comm, sizeof(comm), &st, &start),
			 -EBADMSG);
	assert_int_equal(dnsmasq_parse_stat("", comm, sizeof(comm), &st, &start), -EBADMSG);
}

static void test_a_handle_of_no_running_dnsmasq_is_not_alive(void **state)
{
	/* this very process: alive, but not a dnsmasq */
	struct dns_handle me = {.pid = getpid(), .start_time = 1};
	struct dns_handle none = {0};
	char dir[] = "/tmp/usbnet-test-dns-XXXXXX";

	assert_false(dnsmasq_alive(&me));
	assert_false(dnsmasq_alive(&none));
	assert_int_equal(dnsmasq_pidfd(&me), -ESRCH);
	/* stop kills nothing that is not the recorded dnsmasq, and says 0 */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(dnsmasq_stop(dir, "usb0", &me), 0);
	assert_int_equal(dnsmasq_stop(dir, "usb0", &none), 0);
	rmdir(dir);
}

/* ---- undo and restart over fakes ---------------------------------------------------------- */

static char dir[64], run_dir[96];
static struct fake f;
static struct usbnet_ctx *ctx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct usbnet_backends be;

	snprintf(dir, sizeof(dir), "/tmp/usbnet-test-dns-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
	assert_int_equal(usbnet_ctx_new("", run_dir, &ctx), 0);
	fake_init(&f);
	fake_add_link(&f, IF, IFX, true);
	fake_add_addr(&f, IFX, "192.168.2.14/24");
	be = fake_backends(&f);
	ctx_set_backends(ctx, &be);
	return 0;
}

static int teardown(void **state)
{
	ctx = usbnet_ctx_free(ctx);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* A step of the link (the address the forwarder listens on, say): its undo says when it ran.
 * Only in memory: the registry does not know it. */
static int marker_undone; /* order of the undo among the calls, 0: not undone */
static int marker_apply(struct step_env *env, void *data)
{
	return 0;
}
static int marker_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	marker_undone = (int)f.n_log + 1;
	return 0;
}
static const struct step_kind step_marker = {
    .name = "marker",
    .scope = STEP_SCOPE_LINK,
    .size = 0,
    .apply = marker_apply,
    .undo = marker_undo,
};

static struct dnsmasq_step *dns_of(const struct state_step *s)
{
	return (struct dnsmasq_step *)s->data.bytes;
}

static struct step_env env_of(struct state_record *rec, const struct usbnet_backends *be)
{
	return (struct step_env){.ctx = ctx, .be = be, .rec = rec, .link_ours = true};
}

/* A configured gateway record: forwarding, then a forwarder the fake started (step 1). */
static struct state_record gateway_record(void)
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct state_record rec = {};
	char err[200];

	strcpy(rec.ifname, IF);
	rec.ifindex = IFX;
	rec.mode = USBNET_MODE_GATEWAY;
	rec.status.state = USBNET_STATE_CONFIGURED;
	rec.status.has_host = true;
	assert_int_equal(usbnet_ip4_parse("192.168.2.14/24", true, &rec.status.host), 0);
	rec.status.rtt_us = -1;
	rec.steps[0].kind = &step_forwarding;
	rec.steps[0].done = true;
	rec.steps[1].kind = &step_dnsmasq;
	rec.steps[1].done = true;
	assert_int_equal(be->dns->start(be->dns_h, run_dir, IF, rec.status.host.addr, NULL,
					&dns_of(&rec.steps[1])->h, err, sizeof(err)),
			 0);
	rec.n_steps = 2;
	return rec;
}

static void test_undo_stops_the_recorded_forwarder_first(void **state)
{
	struct state_record rec = gateway_record();
	struct step_env env = env_of(&rec, ctx_backends(ctx));
	char done[256] = "";
	int stop;

	rec.steps[0].kind = &step_marker;
	fake_clear_log(&f);
	marker_undone = 0;
	assert_int_equal(journal_undo(&env, 0, false, done, sizeof(done)), 0);
	assert_null(fake_dns_of(&f, IF));
	assert_int_equal(rec.n_steps, 0);
	/* in reverse: the forwarder (recorded last) before the address it listens on */
	stop = fake_log_find(&f, "dns.stop " IF " 4000");
	assert_true(stop >= 0);
	assert_true(marker_undone > stop);
	assert_non_null(strstr(done, "DNS forwarder of " IF " stopped"));
}

static void test_a_failed_stop_keeps_the_step_for_another_down(void **state)
{
	struct state_record rec = gateway_record();
	struct step_env env = env_of(&rec, ctx_backends(ctx));

	rec.steps[0].kind = &step_marker;
	marker_undone = 0;
	fake_fail(&f, "dns.stop", 1, -EPERM);
	assert_int_equal(journal_undo(&env, 0, false, NULL, 0), -EPERM);
	assert_int_equal(rec.n_steps, 2);
	assert_ptr_equal(rec.steps[1].kind, &step_dnsmasq);
	assert_non_null(fake_dns_of(&f, IF));
	assert_int_equal(marker_undone, 0);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "could not stop the DNS forwarder of " IF));
}

static void test_a_forwarder_that_died_is_started_again_and_recorded(void **state)
{
	struct state_record rec = gateway_record(), back;
	struct dns_handle running;
	const struct fake_dns *d;

	assert_int_equal(journal_write(ctx, &rec), 0);
	/* running: nothing to do */
	fake_clear_log(&f);
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), 0);
	assert_int_equal(running.pid, 4000);
	assert_int_equal(fake_log_find(&f, "dns.start"), -1);

	/* it dies: a new one on the same address, and the record names it */
	assert_true(fake_dns_kill(&f, IF));
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), 1);
	d = fake_dns_of(&f, IF);
	assert_non_null(d);
	assert_int_equal(d->h.pid, 4001);
	assert_int_equal(running.pid, 4001);
	assert_true(fake_log_find(&f, "dns.start " IF " 192.168.2.14") >
		    fake_log_find(&f, "dns.alive 4000"));
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(back.n_steps, 2);
	assert_true(back.steps[1].done);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 4001);
	assert_int_equal(dns_of(&back.steps[1])->h.start_time, 40010);

	/* it dies and cannot start again: the step stays "-", dnsmasq's words are kept */
	assert_true(fake_dns_kill(&f, IF));
	fake_fail(&f, "dns.start", 2, -EBUSY); /* counted since fake_clear_log */
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), -EBUSY);
	assert_int_equal(running.pid, 0);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "Address already in use"));
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 0);
	assert_false(back.steps[1].done);
	/* and the next try starts it */
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), 1);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, running.pid);
	assert_true(back.steps[1].done);
}

/* A gateway record with a DHCP server too (step 2): the forwarder and the server are kept
 * apart, each restarted with its own step's words. */
static struct dhcp_server_step *dhcp_of(const struct state_step *s)
{
	return (struct dhcp_server_step *)s->data.bytes;
}

static void test_a_dhcp_server_that_died_is_started_again_with_its_spec(void **state)
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct state_record rec = gateway_record(), back;
	struct dhcp_server_step *d;
	struct dns_handle running;
	const struct fake_dns *fd;
	char err[200];
	int first;

	d = dhcp_of(&rec.steps[2]);
	memset(&rec.steps[2], 0, sizeof(rec.steps[2]));
	rec.steps[2].kind = &step_dhcp_server;
	rec.steps[2].done = true;
	d->spec.host = rec.status.host;
	assert_int_equal(inet_pton(AF_INET, "192.168.2.15", &d->spec.peer), 1);
	d->spec.router = true;
	assert_int_equal(be->dns->dhcp_start(be->dns_h, run_dir, IF, &d->spec, &d->h, err,
					     sizeof(err)),
			 0);
	first = d->h.pid;
	rec.n_steps = 3;
	assert_int_equal(journal_write(ctx, &rec), 0);

	/* running: nothing to do */
	fake_clear_log(&f);
	assert_int_equal(dhcp_restart_recorded(ctx, IF, &running), 0);
	assert_int_equal(running.pid, first);
	assert_int_equal(fake_log_find(&f, "dns.dhcp_start"), -1);

	/* it dies: the forwarder is left alone, a new server serves the same peer */
	assert_true(fake_dhcp_kill(&f, IF));
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), 0);
	assert_int_equal(fake_log_find(&f, "dns.start"), -1);
	assert_int_equal(dhcp_restart_recorded(ctx, IF, &running), 1);
	fd = fake_dhcp_of(&f, IF);
	assert_non_null(fd);
	assert_int_not_equal(fd->h.pid, first);
	assert_int_equal(running.pid, fd->h.pid);
	assert_true(fake_log_find(&f, "dns.dhcp_start " IF " 192.168.2.15 router=1 dns=0") >= 0);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(back.n_steps, 3);
	assert_true(back.steps[2].done);
	assert_int_equal(dhcp_of(&back.steps[2])->h.pid, fd->h.pid);
	assert_true(dhcp_of(&back.steps[2])->spec.router);
	assert_int_equal(dhcp_of(&back.steps[2])->spec.peer.s_addr, d->spec.peer.s_addr);
	/* the forwarder still the first one */
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 4000);

	/* it dies and cannot start again: the step stays "-", a later try starts it */
	assert_true(fake_dhcp_kill(&f, IF));
	fake_clear_log(&f);
	fake_fail(&f, "dns.dhcp_start", 1, -EBUSY);
	assert_int_equal(dhcp_restart_recorded(ctx, IF, &running), -EBUSY);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "the DHCP server of " IF));
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(dhcp_of(&back.steps[2])->h.pid, 0);
	assert_false(back.steps[2].done);
	assert_int_equal(dhcp_restart_recorded(ctx, IF, &running), 1);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(dhcp_of(&back.steps[2])->h.pid, running.pid);
	assert_true(back.steps[2].done);
}

static void test_no_restart_for_a_failed_record_or_a_replugged_interface(void **state)
{
	struct state_record rec = gateway_record();
	struct dns_handle running;
	char lock[160];

	assert_true(fake_dns_kill(&f, IF));
	rec.status.state = USBNET_STATE_FAILED;
	assert_int_equal(journal_write(ctx, &rec), 0);
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), 0);
	assert_null(fake_dns_of(&f, IF));

	/* the interface of that name is another one now: prune's to clean, not ours to serve */
	rec.status.state = USBNET_STATE_CONFIGURED;
	rec.ifindex = IFX + 1;
	assert_int_equal(journal_write(ctx, &rec), 0);
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), 0);
	assert_null(fake_dns_of(&f, IF));

	/* no record at all (a down or an unplug removed it and its lock file): nothing started,
	 * and no lock file made again and left behind (VM 25 saw one after an unplug) */
	assert_int_equal(journal_remove(ctx, IF), 0);
	lock_remove(run_dir, IF);
	snprintf(lock, sizeof(lock), "%s/%s.lock", run_dir, IF);
	assert_int_equal(dns_restart_recorded(ctx, IF, &running), 0);
	assert_null(fake_dns_of(&f, IF));
	assert_int_equal(access(lock, F_OK), -1);
	assert_int_equal(dhcp_restart_recorded(ctx, IF, &running), 0);
	assert_null(fake_dhcp_of(&f, IF));
	assert_int_equal(access(lock, F_OK), -1);
}

/* A start that checks the record on disk says "pending dnsmasq -" before it starts anything. */
static bool saw_ahead;
static int start_checking_ahead(void *h, const char *rd, const char *ifname, struct in_addr host,
				const struct in6_addr *host6, struct dns_handle *ret, char *errbuf,
				size_t errlen)
{
	struct state_record on_disk;
	const struct state_step *last;

	assert_int_equal(journal_read(ctx, ifname, &on_disk), 0);
	last = &on_disk.steps[on_disk.n_steps - 1];
	saw_ahead = last->kind == &step_dnsmasq && !last->done && dns_of(last)->h.pid == 0;
	return fake_backends(&f).dns->start(h, rd, ifname, host, host6, ret, errbuf, errlen);
}

static void test_up_records_the_forwarder_ahead_then_its_handle(void **state)
{
	struct usbnet_backends be = fake_backends(&f);
	struct usbnet_dns_ops checking = *be.dns;
	struct state_record rec = gateway_record(), back;
	struct step_env env = env_of(&rec, &be);

	/* the record as up has it before the DNS step: forwarding */
	fake_dns_kill(&f, IF);
	rec.n_steps = 1;
	assert_int_equal(journal_write(ctx, &rec), 0);
	checking.start = start_checking_ahead;
	be.dns = &checking;
	fake_clear_log(&f);
	assert_int_equal(dns_apply(&env, rec.status.host.addr, NULL), JOURNAL_MADE);
	assert_true(saw_ahead);
	assert_int_equal(rec.n_steps, 2);
	assert_ptr_equal(rec.steps[1].kind, &step_dnsmasq);
	assert_true(rec.steps[1].done);
	assert_int_equal(dns_of(&rec.steps[1])->h.pid, 4001);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_true(back.steps[1].done);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 4001);
	assert_int_equal(dns_of(&back.steps[1])->h.start_time, 40010);
	assert_non_null(fake_dns_of(&f, IF));

	/* again: it runs, nothing is started */
	fake_clear_log(&f);
	assert_int_equal(dns_apply(&env, rec.status.host.addr, NULL), JOURNAL_OURS);
	assert_int_equal(fake_log_find(&f, "dns.start"), -1);
	assert_int_equal(rec.n_steps, 2);

	/* it died: replaced in the same step, on the address (a record read back has none) */
	fake_dns_kill(&f, IF);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	env.rec = &back;
	assert_int_equal(dns_apply(&env, rec.status.host.addr, NULL), JOURNAL_MADE);
	assert_int_equal(back.n_steps, 2);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 4002);
	assert_true(fake_log_find(&f, "dns.start " IF " 192.168.2.14") >= 0);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 4002);
}

static void test_up_drops_the_step_when_dnsmasq_cannot_start(void **state)
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct state_record rec = gateway_record(), back;
	struct step_env env = env_of(&rec, be);

	fake_dns_kill(&f, IF);
	rec.n_steps = 1;
	assert_int_equal(journal_write(ctx, &rec), 0);
	fake_clear_log(&f);
	fake_fail(&f, "dns.start", 1, -EBUSY);
	assert_int_equal(dns_apply(&env, rec.status.host.addr, NULL), -EBUSY);
	assert_int_equal(rec.n_steps, 1);
	assert_int_equal(journal_read(ctx, IF, &back), 0);
	assert_int_equal(back.n_steps, 1);
	assert_ptr_equal(back.steps[0].kind, &step_forwarding);
	assert_null(fake_dns_of(&f, IF));
	assert_non_null(strstr(usbnet_ctx_error(ctx),
			       "could not start the DNS forwarder for " IF " on 192.168.2.14: "
			       "dnsmasq: failed to create listening socket for 192.168.2.14: "
			       "Address already in use; another DNS server holds port 53"));

	/* not installed: the package is named */
	snprintf(
	    f.dns_error, sizeof(f.dns_error),
	    "dnsmasq is not installed (no /usr/sbin/dnsmasq): install the package dnsmasq-base");
	fake_fail(&f, "dns.start", 2, -ENOENT);
	assert_int_equal(dns_apply(&env, rec.status.host.addr, NULL), -ENOENT);
	assert_int_equal(rec.n_steps, 1);
	assert_non_null(strstr(usbnet_ctx_error(ctx), "install the package dnsmasq-base; or run up "
						      "without --dns"));
}

/* The interface is gone (or another device's now): the walk skips the link's steps but still
 * stops the forwarder, a process of the host. */
static void test_a_vanished_interface_still_gets_its_forwarder_stopped(void **state)
{
	struct state_record rec = gateway_record();
	struct step_env env = env_of(&rec, ctx_backends(ctx));

	rec.steps[2] = rec.steps[0];
	rec.steps[0].kind = &step_marker;
	rec.steps[2].kind = &step_marker;
	rec.n_steps = 3;
	env.link_ours = false;
	marker_undone = 0;
	fake_clear_log(&f);
	assert_int_equal(journal_undo(&env, 0, false, NULL, 0), 0);
	assert_null(fake_dns_of(&f, IF));
	assert_int_equal(rec.n_steps, 0);
	assert_int_equal(marker_undone, 0);
	/* nothing else was touched */
	assert_int_equal(fake_log_find(&f, "nl."), -1);
}

static void test_dnsmasq_step_round_trips_and_rejects_junk(void **state)
{
	struct state_record rec = gateway_record(), back;
	char *text = NULL;

	assert_int_equal(journal_serialize(&rec, &text), 0);
	assert_non_null(strstr(text, "step forwarding\nstep dnsmasq 4000 40000\n"));
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), &back), 0);
	assert_int_equal(back.n_steps, 2);
	assert_ptr_equal(back.steps[1].kind, &step_dnsmasq);
	assert_true(back.steps[1].done);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 4000);
	assert_int_equal(dns_of(&back.steps[1])->h.start_time, 40000);
	assert_int_equal(dns_of(&back.steps[1])->host.s_addr, 0); /* not in the line */
	free(text);
	/* recorded ahead */
	rec.steps[1].done = false;
	dns_of(&rec.steps[1])->h = (struct dns_handle){0};
	assert_int_equal(journal_serialize(&rec, &text), 0);
	assert_non_null(strstr(text, "\npending dnsmasq -\n"));
	assert_int_equal(journal_parse(step_kinds, text, strlen(text), &back), 0);
	assert_false(back.steps[1].done);
	assert_int_equal(dns_of(&back.steps[1])->h.pid, 0);
	free(text);
	/* the old version's lines read as they did */
	static const char *const good[] = {"step dnsmasq 4000 40000", "step dnsmasq -"};
	static const char *const junk[] = {
	    "step dnsmasq",	     "step dnsmasq ",	       "step dnsmasq 4000",
	    "step dnsmasq 04000 40000", "step dnsmasq 4000  40000", "step dnsmasq - 1",
	    "step dnsmasq -1 5",	     "step dnsmasq 4000 40000 ",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]) + sizeof(junk) / sizeof(junk[0]);
	     i++) {
		bool ok = i < sizeof(good) / sizeof(good[0]);
		const char *line = ok ? good[i] : junk[i - sizeof(good) / sizeof(good[0])];
		char buf[512];

		snprintf(buf, sizeof(buf),
			 "usbnet-host-state 1\nifname " IF "\nifindex 7\nusb_path \nserial \n"
			 "mode gateway\ntrusted no\nstate configured\nhost -\npeer -\nrtt_us -1\n"
			 "message \n%s\nend\n",
			 line);
		if ((journal_parse(step_kinds, buf, strlen(buf), &back) == 0) != ok)
			fail_msg("%s: %s", ok ? "not read" : "read", line);
	}
}

/* Recorded ahead, never started (or started and not recorded): undo stops what the pid file
 * names, and nothing when nothing runs. */
static void test_undo_of_a_pending_dnsmasq_step_is_safe(void **state)
{
	struct state_record rec = gateway_record();
	struct step_env env = env_of(&rec, ctx_backends(ctx));
	struct fake_state before;

	fake_dns_kill(&f, IF);
	before = f.s;
	rec.steps[1].done = false;
	dns_of(&rec.steps[1])->h = (struct dns_handle){0};
	rec.steps[0].kind = &step_marker;
	assert_int_equal(journal_undo(&env, 0, false, NULL, 0), 0);
	assert_int_equal(rec.n_steps, 0);
	assert_true(fake_state_equal(&before, &f.s));
}

static void test_dnsmasq_apply_failing_leaves_nothing(void **state)
{
	static const char *const ops[] = {"dns.start"};
	struct state_record rec = gateway_record(), back;
	struct step_env env = env_of(&rec, ctx_backends(ctx));
	struct fake_state before;

	fake_dns_kill(&f, IF);
	rec.n_steps = 1;
	assert_int_equal(journal_write(ctx, &rec), 0);
	before = f.s;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		fake_clear_log(&f);
		fake_fail(&f, ops[i], 1, -EIO);
		if (dns_apply(&env, rec.status.host.addr, NULL) >= 0)
			fail_msg("apply went through a failing %s", ops[i]);
		assert_int_equal(rec.n_steps, 1);
		assert_int_equal(journal_read(ctx, IF, &back), 0);
		assert_int_equal(back.n_steps, 1);
		assert_true(fake_state_equal(&before, &f.s));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_handles_round_trip_and_malformed_ones_are_rejected),
	    cmocka_unit_test(test_dnsmasq_listens_on_the_peer_side_address_only),
	    cmocka_unit_test(test_dnsmasq_listens_on_the_links_ipv6_address_too),
	    cmocka_unit_test(test_dnsmasq_record_line_with_and_without_ipv6),
	    cmocka_unit_test(test_a_pid_file_path_that_does_not_fit_is_refused),
	    cmocka_unit_test(test_stat_lines_give_name_state_and_start_time),
	    cmocka_unit_test(test_a_handle_of_no_running_dnsmasq_is_not_alive),
	    cmocka_unit_test_setup_teardown(test_undo_stops_the_recorded_forwarder_first, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_a_failed_stop_keeps_the_step_for_another_down,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_a_forwarder_that_died_is_started_again_and_recorded, setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_no_restart_for_a_failed_record_or_a_replugged_interface, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_dhcp_server_that_died_is_started_again_with_its_spec,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_up_records_the_forwarder_ahead_then_its_handle,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_up_drops_the_step_when_dnsmasq_cannot_start, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		test_a_vanished_interface_still_gets_its_forwarder_stopped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dnsmasq_step_round_trips_and_rejects_junk, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_undo_of_a_pending_dnsmasq_step_is_safe, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_dnsmasq_apply_failing_leaves_nothing, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

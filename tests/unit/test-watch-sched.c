/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The watcher's scheduling (lib/watch/sched.c) with fake peers whose up blocks: the jobs run in
 * real forked workers, which write what they do to a shared log (one line per write, O_APPEND)
 * and block until the test creates a "release" file for them. A fake up leaves a file for the
 * peer (its "configuration"), a fake down removes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "watch/sched.h"

static char dir[64];

static void __attribute__((format(printf, 3, 4)))
path(char *buf, size_t len, const char *fmt, ...)
{
	char f[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f, sizeof(f), fmt, ap);
	va_end(ap);
	snprintf(buf, len, "%s/%s", dir, f);
}

static void __attribute__((format(printf, 1, 2))) touch(const char *fmt, ...)
{
	char p[128], f[64];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(f, sizeof(f), fmt, ap);
	va_end(ap);
	path(p, sizeof(p), "%s", f);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static bool __attribute__((format(printf, 1, 2))) exists(const char *fmt, ...)
{
	char p[128], f[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f, sizeof(f), fmt, ap);
	va_end(ap);
	path(p, sizeof(p), "%s", f);
	return access(p, F_OK) == 0;
}

static void log_line(const char *what, const struct sched_job *job)
{
	char p[128], line[96];
	int fd, n;

	path(p, sizeof(p), "%s", "log");
	fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		_exit(90);
	n = snprintf(line, sizeof(line), "%s %s %s\n", what,
		     job->kind == SCHED_UP	  ? "up"
		     : job->kind == SCHED_DOWN	  ? "down"
		     : job->kind == SCHED_REFRESH ? "refresh"
						  : "prune",
		     sched_kind_has_iface(job->kind) ? job->ifname : "-");
	if (write(fd, line, (size_t)n) != n)
		_exit(91);
	close(fd);
}

/* The fake peer, in the worker: a peer named "slow*" (or any, for the prune, when "release-all"
 * is asked for by the test) blocks until released; up "configures" it, down removes that. */
static int fake_run(void *data, const struct sched_job *job)
{
	const char *name = job->kind == SCHED_PRUNE	? "prune"
			   : job->kind == SCHED_REFRESH ? "refresh"
							: job->ifname;
	bool *block_all = data;

	log_line("start", job);
	if (*block_all || strncmp(name, "slow", 4) == 0) {
		for (int i = 0; !exists("release-%s", name) && !exists("%s", "release-all"); i++) {
			if (i > 2000)
				return 99; /* 10 s: the test is broken, say so by the status */
			usleep(5000);
		}
	}
	if (job->kind == SCHED_UP)
		touch("%s.configured", name);
	else if (job->kind == SCHED_DOWN) {
		char p[128];

		path(p, sizeof(p), "%s.configured", name);
		unlink(p);
	}
	log_line("end", job);
	return 0;
}

static int exited_bad;

static void fake_done(void *data, const struct sched_job *job, int wstatus)
{
	(void)data;
	(void)job;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		exited_bad++;
}

/* The log as one string. */
static char *read_log(void)
{
	static char buf[8192];
	char p[128];
	ssize_t n;
	int fd;

	path(p, sizeof(p), "%s", "log");
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf[0] = '\0';
		return buf;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static bool logged(const char *line)
{
	char l[96];

	snprintf(l, sizeof(l), "%s\n", line);
	return strstr(read_log(), l) != NULL;
}

/* Position of a line in the log, -1 when absent. */
static long log_pos(const char *line)
{
	char l[96];
	const char *log = read_log(), *p;

	snprintf(l, sizeof(l), "%s\n", line);
	p = strstr(log, l);
	return p ? p - log : -1;
}

/* The log's lines about one interface, in order, each followed by ';'. */
static const char *iface_seq(const char *name)
{
	static char out[1024];
	char *log = read_log(), *line, *save = NULL, tail[32];
	size_t tl;

	out[0] = '\0';
	tl = (size_t)snprintf(tail, sizeof(tail), " %s", name);
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t l = strlen(line);

		if (l >= tl && strcmp(line + l - tl, tail) == 0) {
			strncat(out, line, sizeof(out) - strlen(out) - 2);
			strcat(out, ";");
		}
	}
	return out;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run the scheduler's loop until cond() or for at most max_s (the bound of a hang, not a
 * measure). Returns cond()'s last value. */
static bool run_until(struct sched *s, bool (*cond)(struct sched *, const void *), const void *arg,
		      double max_s)
{
	double end = now_s() + max_s;

	while (!cond(s, arg)) {
		if (now_s() > end)
			return false;
		poll(&(struct pollfd){ .fd = sched_get_fd(s), .events = POLLIN }, 1, 10);
		sched_dispatch(s);
	}
	return true;
}

static bool cond_logged(struct sched *s, const void *line)
{
	(void)s;
	return logged(line);
}

static bool cond_idle(struct sched *s, const void *arg)
{
	(void)arg;
	return sched_running(s) == 0 && sched_waiting(s) == 0;
}

static bool cond_one_running(struct sched *s, const void *arg)
{
	(void)arg;
	return sched_running(s) == 1;
}

static bool cond_never(struct sched *s, const void *arg)
{
	(void)s;
	(void)arg;
	return false;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/usbnet-sched-XXXXXX");
	assert_non_null(mkdtemp(dir));
	exited_bad = 0;
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A second peer's up starts, and ends, while the first peer's up is blocked. */
static void test_second_up_while_first_blocked(void **state)
{
	bool block_all = false;
	struct sched *s;

	(void)state;
	assert_int_equal(sched_new(4, fake_run, fake_done, &block_all, &s), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "slow0", "plugged"), 1);
	assert_true(run_until(s, cond_logged, "start up slow0", 10));
	assert_int_equal(sched_submit(s, SCHED_UP, "fast0", "plugged"), 1);
	assert_true(run_until(s, cond_logged, "end up fast0", 10));
	assert_true(run_until(s, cond_one_running, NULL, 10)); /* fast0's worker reaped */
	/* fast0 is done, slow0 is still inside its up */
	assert_false(logged("end up slow0"));
	assert_true(exists("%s.configured", "fast0"));
	assert_false(exists("%s.configured", "slow0"));
	assert_int_equal(sched_running(s), 1);
	assert_true(sched_busy(s, "slow0"));
	assert_false(sched_busy(s, "fast0"));

	touch("release-%s", "slow0");
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_true(exists("%s.configured", "slow0"));
	assert_int_equal(exited_bad, 0);
	sched_free(s);
}

/* An unplug of a peer whose up runs waits for that up, then undoes it: nothing is left. */
static void test_unplug_during_up(void **state)
{
	bool block_all = false;
	struct sched *s;

	(void)state;
	assert_int_equal(sched_new(4, fake_run, fake_done, &block_all, &s), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "slow1", "plugged"), 1);
	assert_true(run_until(s, cond_logged, "start up slow1", 10));
	assert_int_equal(sched_submit(s, SCHED_DOWN, "slow1", "unplugged"), 1);
	/* The down waits while the up is blocked (a down run now would be followed by the up's
	 * end: the peer configured after its unplug). */
	run_until(s, cond_never, NULL, 0.3);
	assert_false(logged("start down slow1"));
	assert_int_equal(sched_running(s), 1);
	assert_int_equal(sched_waiting(s), 1);

	touch("release-%s", "slow1");
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_true(log_pos("start up slow1") < log_pos("end up slow1"));
	assert_true(log_pos("end up slow1") < log_pos("start down slow1"));
	assert_true(log_pos("start down slow1") < log_pos("end down slow1"));
	assert_false(exists("%s.configured", "slow1"));
	assert_int_equal(exited_bad, 0);
	sched_free(s);
}

/* Replugged while its up still runs: up, down, up, in that order; an up that had not started
 * when its unplug came never runs. */
static void test_one_interface_in_order(void **state)
{
	bool block_all = true;
	struct sched *s;

	(void)state;
	assert_int_equal(sched_new(1, fake_run, fake_done, &block_all, &s), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "a", "plugged"), 1);
	assert_true(run_until(s, cond_logged, "start up a", 10));
	/* b waits for the bound (1); its unplug drops it */
	assert_int_equal(sched_submit(s, SCHED_UP, "b", "plugged"), 1);
	assert_int_equal(sched_submit(s, SCHED_UP, "b", "plugged"), 0);
	assert_int_equal(sched_submit(s, SCHED_DOWN, "b", "unplugged"), 1);
	assert_int_equal(sched_submit(s, SCHED_DOWN, "a", "unplugged"), 1);
	assert_int_equal(sched_submit(s, SCHED_UP, "a", "plugged"), 1);
	assert_int_equal(sched_waiting(s), 3); /* down b, down a, up a */
	touch("%s", "release-all");
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_false(logged("start up b"));
	assert_string_equal(iface_seq("a"),
			    "start up a;end up a;start down a;end down a;start up a;end up a;");
	/* the last job for a was its replug's up: it is configured */
	assert_true(exists("%s.configured", "a"));
	assert_false(exists("%s.configured", "b"));
	assert_int_equal(exited_bad, 0);
	sched_free(s);
}

/* Replay the log: the most jobs that ran at once. */
static int max_concurrent(int *ret_started)
{
	const char *p = read_log();
	int cur = 0, max = 0, started = 0;

	for (; *p; p = strchr(p, '\n') + 1) {
		if (strncmp(p, "start ", 6) == 0) {
			started++;
			if (++cur > max)
				max = cur;
		} else if (strncmp(p, "end ", 4) == 0) {
			cur--;
		}
	}
	*ret_started = started;
	return max;
}

static bool cond_two_started(struct sched *s, const void *arg)
{
	int started;

	(void)s;
	(void)arg;
	max_concurrent(&started);
	return started >= 2;
}

/* At most max_workers at once, however many are plugged; all of them are done in the end. */
static void test_bound(void **state)
{
	bool block_all = true;
	char name[8];
	struct sched *s;
	int started;

	(void)state;
	assert_int_equal(sched_new(2, fake_run, fake_done, &block_all, &s), 0);
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		assert_int_equal(sched_submit(s, SCHED_UP, name, "plugged"), 1);
	}
	assert_true(run_until(s, cond_two_started, NULL, 10));
	run_until(s, cond_never, NULL, 0.3);
	max_concurrent(&started);
	assert_int_equal(started, 2);
	assert_int_equal(sched_running(s), 2);
	assert_int_equal(sched_waiting(s), 4);

	touch("%s", "release-all");
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_int_equal(max_concurrent(&started), 2);
	assert_int_equal(started, 6);
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		assert_true(exists("%s.configured", name));
	}
	assert_int_equal(exited_bad, 0);
	sched_free(s);
}

/* The prune runs alone: after what was submitted before it, before what came after it. */
static void test_prune_alone(void **state)
{
	bool block_all = false;
	struct sched *s;
	int started;

	(void)state;
	assert_int_equal(sched_new(4, fake_run, fake_done, &block_all, &s), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "slow2", "plugged"), 1);
	assert_int_equal(sched_submit(s, SCHED_PRUNE, NULL, "start"), 1);
	assert_int_equal(sched_submit(s, SCHED_PRUNE, NULL, "start"), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "fast2", "plugged"), 1);
	run_until(s, cond_never, NULL, 0.3);
	assert_false(logged("start prune -"));
	assert_false(logged("start up fast2"));
	touch("release-%s", "slow2");
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_true(log_pos("end up slow2") < log_pos("start prune -"));
	assert_true(log_pos("end prune -") < log_pos("start up fast2"));
	assert_int_equal(max_concurrent(&started), 1);
	assert_int_equal(exited_bad, 0);
	sched_free(s);
}

/* How many times a line is in the log. */
static int log_count(const char *line)
{
	char l[96];
	const char *p = read_log();
	int n = 0;

	snprintf(l, sizeof(l), "%s\n", line);
	while ((p = strstr(p, l))) {
		n++;
		p += strlen(l);
	}
	return n;
}

/* A burst of route changes makes one refresh: while one waits, more are not queued, even with
 * other jobs queued after it; it runs alone, after what came before it. */
static void test_refresh_coalesced(void **state)
{
	bool block_all = false;
	struct sched *s;
	int started;

	(void)state;
	assert_int_equal(sched_new(4, fake_run, fake_done, &block_all, &s), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "slow3", "plugged"), 1);
	assert_int_equal(sched_submit(s, SCHED_REFRESH, NULL, "default route"), 1);
	assert_int_equal(sched_submit(s, SCHED_REFRESH, NULL, "default route"), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "fast3", "plugged"), 1);
	assert_int_equal(sched_submit(s, SCHED_REFRESH, NULL, "default route"), 0);
	assert_int_equal(sched_waiting(s), 2);
	run_until(s, cond_never, NULL, 0.3);
	assert_false(logged("start refresh -"));
	touch("release-%s", "slow3");
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_int_equal(log_count("start refresh -"), 1);
	assert_true(log_pos("end up slow3") < log_pos("start refresh -"));
	assert_true(log_pos("end refresh -") < log_pos("start up fast3"));
	/* Idle again: the next change makes the next refresh. */
	assert_int_equal(sched_submit(s, SCHED_REFRESH, NULL, "default route"), 1);
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_int_equal(log_count("end refresh -"), 2);
	assert_int_equal(max_concurrent(&started), 1);
	assert_int_equal(exited_bad, 0);
	sched_free(s);
}

/* A change while a refresh runs (it may have read the routes already) makes one more, after it;
 * the two never run at once. */
static void test_refresh_while_one_runs(void **state)
{
	bool block_all = true;
	struct sched *s;
	int started;

	(void)state;
	assert_int_equal(sched_new(4, fake_run, fake_done, &block_all, &s), 0);
	assert_int_equal(sched_submit(s, SCHED_REFRESH, NULL, "default route"), 1);
	assert_true(run_until(s, cond_logged, "start refresh -", 10));
	assert_int_equal(sched_submit(s, SCHED_REFRESH, NULL, "default route"), 1);
	assert_int_equal(sched_submit(s, SCHED_REFRESH, NULL, "default route"), 0);
	assert_int_equal(sched_running(s), 1);
	assert_int_equal(sched_waiting(s), 1);
	touch("%s", "release-all");
	assert_true(run_until(s, cond_idle, NULL, 10));
	assert_int_equal(log_count("start refresh -"), 2);
	assert_int_equal(max_concurrent(&started), 1);
	assert_int_equal(exited_bad, 0);
	sched_free(s);
}

/* sched_finish drops what waits and waits for what runs. */
static void test_finish(void **state)
{
	bool block_all = true;
	struct sched *s;
	int started;

	(void)state;
	assert_int_equal(sched_new(1, fake_run, fake_done, &block_all, &s), 0);
	assert_int_equal(sched_submit(s, SCHED_UP, "x", "plugged"), 1);
	assert_int_equal(sched_submit(s, SCHED_UP, "y", "plugged"), 1);
	assert_true(run_until(s, cond_logged, "start up x", 10));
	touch("%s", "release-all");
	sched_finish(s);
	assert_true(logged("end up x"));
	assert_false(logged("start up y"));
	assert_int_equal(sched_running(s), 0);
	assert_int_equal(sched_waiting(s), 0);
	max_concurrent(&started);
	assert_int_equal(started, 1);
	sched_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_up_while_first_blocked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unplug_during_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_interface_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_coalesced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refresh_while_one_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS forwarder module (lib/dns/dnsmasq.c, lib/dns/dns-supervise.c) driven from a shell test, with
 * no user-facing command-line surface: test-dnsmasq.sh runs it in its namespaces.
 *
 *   usbnet-dns-tool start RUN_DIR IFNAME ADDR [SERVER...]    prints the handle "PID START"
 *   usbnet-dns-tool alive PID START                          exit 0 alive, 1 not
 *   usbnet-dns-tool stop RUN_DIR IFNAME PID START | -        exit 0 stopped or gone
 *   usbnet-dns-tool record RUN_DIR IFNAME ADDR/N PID START   a configured record with that step
 *   usbnet-dns-tool supervise RUN_DIR SECONDS [SERVER...]    the watcher's supervision loop
 *
 * On failure: the errno name on stdout ("EBUSY"), the explanation on stderr, exit 1.
 * USBNET_DNS_TOOL_DNSMASQ names another dnsmasq binary for start (the "not installed" case).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ctx.h"
#include "dns/dns-supervise.h"
#include "dns/dnsmasq.h"
#include "core/journal.h"
#include "dns/dns-up.h"

static const char *errno_name(int e)
{
	switch (e) {
	case ENOENT:
		return "ENOENT";
	case EBUSY:
		return "EBUSY";
	case EADDRNOTAVAIL:
		return "EADDRNOTAVAIL";
	case EPERM:
		return "EPERM";
	case EINVAL:
		return "EINVAL";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return "EOTHER";
	}
}

static int fail(int r, const char *what)
{
	printf("%s\n", errno_name(-r));
	fprintf(stderr, "dns-tool: %s\n", what);
	return 1;
}

static void servers_from(struct dnsmasq_conf *conf, int argc, char **argv)
{
	for (int i = 0; i < argc && conf->n_servers < DNSMASQ_MAX_SERVERS; i++)
		if (inet_pton(AF_INET, argv[i], &conf->servers[conf->n_servers]) == 1)
			conf->n_servers++;
}

static int handle_from(const char *pid, const char *start, struct dns_handle *h)
{
	char s[64];

	if (strcmp(pid, "-") == 0)
		return dns_handle_parse("-", h);
	snprintf(s, sizeof(s), "%s %s", pid, start);
	return dns_handle_parse(s, h);
}

static void log_stderr(void *data, enum usbnet_log_level level, const char *msg)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "[%ld.%03ld] %s\n", (long)ts.tv_sec, ts.tv_nsec / 1000000, msg);
}

static int supervise(const char *run_dir, int seconds, int argc, char **argv)
{
	static struct dnsmasq_conf conf;
	struct dns_supervisor *s = NULL;
	struct usbnet_ctx *ctx = NULL;
	struct timespec t0, t;
	int r;

	servers_from(&conf, argc, argv);
	r = usbnet_ctx_new("", run_dir, &ctx);
	if (r < 0 || !ctx_backends(ctx))
		return fail(r < 0 ? r : -EIO, "cannot open a context");
	ctx->be.dns_h = &conf;
	usbnet_ctx_set_log(ctx, log_stderr, NULL);
	r = dns_supervisor_new(ctx, &s);
	if (r < 0)
		return fail(r, usbnet_ctx_error(ctx));
	fprintf(stderr, "supervising, %d restarted at start\n", dns_supervisor_reconcile(s));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {.fd = dns_supervisor_get_fd(s), .events = POLLIN};
		long left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = seconds * 1000L -
		       ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) > 0)
			dns_supervisor_dispatch(s);
	}
	dns_supervisor_free(s);
	usbnet_ctx_free(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	struct dnsmasq_conf conf = {0};
	struct dns_handle h;
	struct in_addr a;
	char err[600];
	int r;

	if (argc >= 5 && strcmp(argv[1], "start") == 0) {
		if (inet_pton(AF_INET, argv[4], &a) != 1)
			return fail(-EINVAL, "not an address");
		servers_from(&conf, argc - 5, argv + 5);
		conf.dnsmasq = getenv("USBNET_DNS_TOOL_DNSMASQ");
		r = dnsmasq_start(&conf, argv[2], argv[3], a, NULL, &h, err, sizeof(err));
		if (r < 0)
			return fail(r, err);
		printf("%d %" PRIu64 "\n", h.pid, h.start_time);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "alive") == 0) {
		if (handle_from(argv[2], argv[3], &h) < 0)
			return fail(-EINVAL, "not a handle");
		return dnsmasq_alive(&h) ? 0 : 1;
	}
	if (argc >= 5 && strcmp(argv[1], "stop") == 0) {
		if (handle_from(argv[4], argc > 5 ? argv[5] : "", &h) < 0)
			return fail(-EINVAL, "not a handle");
		r = dnsmasq_stop(argv[2], argv[3], &h);
		return r < 0 ? fail(r, strerror(-r)) : 0;
	}
	if (argc == 7 && strcmp(argv[1], "record") == 0) {
		struct state_record rec = {0};
		struct usbnet_ctx *ctx = NULL;
		struct dnsmasq_step *ds = (struct dnsmasq_step *)rec.steps[0].data.bytes;

		snprintf(rec.ifname, sizeof(rec.ifname), "%s", argv[3]);
		rec.ifindex = (int)if_nametoindex(argv[3]);
		rec.mode = USBNET_MODE_GATEWAY;
		rec.status.state = USBNET_STATE_CONFIGURED;
		rec.status.has_host = usbnet_ip4_parse(argv[4], true, &rec.status.host) == 0;
		rec.status.rtt_us = -1;
		snprintf(rec.boot_id, sizeof(rec.boot_id), "%s", journal_boot_id());
		rec.steps[0].kind = &step_dnsmasq;
		rec.steps[0].done = true;
		if (handle_from(argv[5], argv[6], &ds->h) < 0 || !rec.status.has_host)
			return fail(-EINVAL, "bad record arguments");
		rec.n_steps = 1;
		r = usbnet_ctx_new("", argv[2], &ctx);
		if (r >= 0)
			r = journal_write(ctx, &rec);
		usbnet_ctx_free(ctx);
		return r < 0 ? fail(r, strerror(-r)) : 0;
	}
	if (argc >= 4 && strcmp(argv[1], "supervise") == 0)
		return supervise(argv[2], atoi(argv[3]), argc - 4, argv + 4);
	fprintf(stderr, "usage: see the comment at the top of tests/netns/dns-tool.c\n");
	return 2;
}

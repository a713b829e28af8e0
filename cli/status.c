/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `usbnet-host status` (and `usbnet-host` alone): one screen of what matters now. The peers
 * (the USB peers present, and every interface with a state record, --force ones too), then what
 * usbnet-host holds on the host, in the words of the step kinds (usbnet_holdings()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "format.h"
#include "table.h"

static const char usage[] =
	"Usage: usbnet-host [status] [-j|--json[=pretty|short]] [--config FILE] [--run-dir DIR]\n"
	"What matters now: each peer (interface, name, state, mode, host and peer address,\n"
	"uplink or bridge, how long since it was configured), then what usbnet-host holds on the\n"
	"host: nftables chains, IPv4 forwarding and who holds it, DNS forwarders, bridges,\n"
	"interfaces set unmanaged in NetworkManager, records of vanished interfaces.\n";

enum { SCOL_IFACE, SCOL_NAME, SCOL_STATE, SCOL_MODE, SCOL_HOST, SCOL_PEER, SCOL_UPLINK, SCOL_UP };

static const struct cli_column status_columns[] = {
	[SCOL_IFACE] = { "IFACE", 15, false, false, false, "the interface" },
	[SCOL_NAME] = { "NAME", 0.2, true, false, false, "the product, profile or [peer] group" },
	[SCOL_STATE] = { "STATE", 0.1, true, false, false, "configured, degraded..." },
	[SCOL_MODE] = { "MODE", 0.08, true, false, false, "static, gateway, bridge..." },
	[SCOL_HOST] = { "HOST", 15, false, false, false, "the host's address" },
	[SCOL_PEER] = { "PEER", 12, false, false, false, "the peer's address" },
	[SCOL_UPLINK] = { "UPLINK", 0.08, true, false, false, "gateway: the shared interface" },
	[SCOL_UP] = { "UP", 0.06, false, true, false, "since the last change of its record" },
};

static void format_age(int64_t since, char *buf, size_t len)
{
	int64_t s = (int64_t)time(NULL) - since;

	if (since <= 0 || s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldmin", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh %02lldmin", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(buf, len, "%lldd %lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

static const struct usbnet_record_info *record_of(const struct usbnet_holdings *h, const char *ifname)
{
	for (size_t i = 0; i < h->n_records; i++)
		if (strcmp(h->records[i].ifname, ifname) == 0)
			return &h->records[i];
	return NULL;
}

static void peer_line(struct cli_table *t, const char *ifname, const char *name,
		      const struct usbnet_status *st, enum usbnet_mode mode, const char *host,
		      const char *peer, const struct usbnet_record_info *ri, const char *wait)
{
	char age[32], state[64];

	cli_table_add_line(t);
	cli_table_set(t, SCOL_IFACE, ifname);
	cli_table_set(t, SCOL_NAME, name);
	if (wait)
		snprintf(state, sizeof(state), "%s, %s", usbnet_state_name(st->state), wait);
	else
		snprintf(state, sizeof(state), "%s", usbnet_state_name(st->state));
	cli_table_set(t, SCOL_STATE, state);
	cli_table_set(t, SCOL_MODE, usbnet_mode_name(mode));
	cli_table_set(t, SCOL_HOST, host);
	cli_table_set(t, SCOL_PEER, peer);
	cli_table_set(t, SCOL_UPLINK, st->uplink);
	if (ri) {
		format_age(ri->since, age, sizeof(age));
		cli_table_set(t, SCOL_UP, age);
	}
}

static int print_peers(const struct usbnet_report *reps, size_t n, const struct usbnet_holdings *h)
{
	struct cli_table_opts to = {};
	struct cli_table *t;
	size_t lines = 0;
	int status;

	t = cli_table_new(status_columns, sizeof(status_columns) / sizeof(status_columns[0]),
			  "IFACE,NAME,STATE,MODE,HOST,PEER,UPLINK,UP", &to, "peers", false, &status);
	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct usbnet_report *r = &reps[i];
		char host[20], peer[INET_ADDRSTRLEN], name[USBNET_STR_MAX + USBNET_NAME_MAX + 4];

		if (r->plan.config_peer[0])
			snprintf(name, sizeof(name), "[%s]", r->plan.config_peer);
		else
			snprintf(name, sizeof(name), "%s", r->peer.product[0] ? r->peer.product
									 : r->plan.profile);
		/* What is configured now: the plan's addresses are list's and show's. */
		bool now = r->status.state != USBNET_STATE_UNCONFIGURED;

		peer_line(t, r->peer.ifname, name, &r->status, r->plan.mode,
			  now ? report_host_address(r, host, sizeof(host)) : NULL,
			  now ? report_peer_address(r, peer, sizeof(peer)) : NULL,
			  record_of(h, r->peer.ifname), report_carrier_wait(r));
		lines++;
	}
	/* Records of interfaces that are not USB peers found now: --force, or vanished. */
	for (size_t i = 0; i < h->n_records; i++) {
		const struct usbnet_record_info *ri = &h->records[i];
		char host[20] = "", peer[INET_ADDRSTRLEN] = "";
		bool listed = false;

		for (size_t k = 0; k < n && !listed; k++)
			listed = strcmp(reps[k].peer.ifname, ri->ifname) == 0;
		if (listed)
			continue;
		if (ri->status.has_host)
			usbnet_ip4_format(&ri->status.host, host, sizeof(host));
		if (ri->status.has_peer)
			inet_ntop(AF_INET, &ri->status.peer, peer, sizeof(peer));
		peer_line(t, ri->ifname, NULL, &ri->status, ri->mode, host, peer, ri, NULL);
		lines++;
	}
	if (lines == 0) {
		cli_table_free(t);
		printf("No USB network peers found, and no state records.\n");
		return 0;
	}
	status = cli_table_print(t);
	cli_table_free(t);
	return status;
}

static void print_held(const struct usbnet_holdings *h)
{
	bool any = false, vanished = false;
	char holders[256] = "";

	for (size_t i = 0; i < h->n_records; i++)
		for (size_t k = 0; k < h->records[i].n_holdings; k++)
			if (strcmp(h->records[i].holdings[k].kind, "forwarding") == 0) {
				size_t o = strlen(holders);

				snprintf(holders + o, sizeof(holders) - o, "%s%s", o ? ", " : "",
					 h->records[i].ifname);
			}
	printf("\nOn the host:\n");
	if (h->ip_forward >= 0) {
		printf("  %-16s %s", "IPv4 forwarding", h->ip_forward ? "on" : "off");
		if (holders[0])
			printf(" (held by %s; %s before the first gateway peer)", holders,
			       h->ip_forward_before == 0   ? "off"
			       : h->ip_forward_before == 1 ? "on"
							   : "unknown");
		else
			printf(" (not usbnet-host's)");
		putchar('\n');
	}
	for (size_t i = 0; i < h->n_records; i++) {
		const struct usbnet_record_info *ri = &h->records[i];

		if (ri->status.state == USBNET_STATE_VANISHED)
			vanished = true;
		for (size_t k = 0; k < ri->n_holdings; k++) {
			const struct usbnet_holding *x = &ri->holdings[k];

			/* The address and routes are the peer table's; the rest is the host's. */
			if (strcmp(x->kind, "forwarding") == 0 ||
			    (!x->host_wide && strncmp(x->kind, "nm-", 3) != 0))
				continue;
			printf("  %-16s ", ri->ifname);
			cli_print_escaped(stdout, x->what, 0);
			if (strcmp(x->kind, "dnsmasq") == 0 && ri->status.has_host) {
				char a[INET_ADDRSTRLEN];

				printf(" on %s%s", inet_ntop(AF_INET, &ri->status.host.addr, a, sizeof(a)),
				       ri->status.dns_running ? "" : ", not running");
			}
			if (strcmp(x->kind, "dhcp-server") == 0 && !ri->status.dhcp_running)
				printf(", not running");
			printf("%s\n", x->pending ? " (pending: recorded, maybe not made)" : "");
			any = true;
		}
	}
	if (vanished) {
		printf("  %-16s", "vanished");
		for (size_t i = 0; i < h->n_records; i++)
			if (h->records[i].status.state == USBNET_STATE_VANISHED)
				printf(" %s", h->records[i].ifname);
		printf(" (the interface is gone: 'usbnet-host down IF' or the watcher releases what "
		       "it holds)\n");
		any = true;
	}
	if (!any)
		printf("  %-16s nothing else (no nftables chains, DNS forwarders, bridges or "
		       "NetworkManager changes)\n", "");
}

static int print_json(const struct cli_common *c, const struct usbnet_report *reps, size_t n,
		      const struct usbnet_holdings *h)
{
	char *a = usbnet_reports_to_json(reps, n), *b = usbnet_holdings_to_json(h), *all = NULL;
	int r = -ENOMEM;

	if (a && b && asprintf(&all, "{\"peers\":%s,\"host\":%s}", a, b) >= 0)
		r = cli_print_json(c, all);
	free(a);
	free(b);
	free(all);
	return r;
}

int status_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		CLI_JSON_LONGOPT,
		{},
	};
	struct cli_common c = {};
	struct usbnet_report *reps = NULL;
	struct usbnet_holdings h = {};
	struct usbnet_ctx *ctx;
	size_t n = 0;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS_JSON, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(usage, "status takes no argument ('%s')", argv[optind]);

	ctx = cli_open(&c, &status);
	if (!ctx)
		return status;
	r = usbnet_report_all(ctx, &reps, &n);
	if (r < 0) {
		status = cli_fail(ctx, r, "cannot list the peers");
		goto out;
	}
	r = usbnet_holdings(ctx, &h);
	if (r < 0) {
		status = cli_fail(ctx, r, "cannot read the state records");
		goto out;
	}
	if (c.json) {
		r = print_json(&c, reps, n, &h);
	} else {
		r = print_peers(reps, n, &h);
		if (r >= 0)
			print_held(&h);
		if (fflush(stdout) != 0)
			r = -errno;
	}
	status = r < 0 ? EXIT_FAILED : EXIT_DONE;
out:
	usbnet_holdings_free(&h);
	free(reps);
	usbnet_ctx_free(ctx);
	return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "table.h"

static const char usage[] =
	"Usage: usbnet-host discover IFACE [--timeout S] [--json] [--force]\n"
	"Find out what the peer on IFACE is: its addresses, and how each was found. The link is\n"
	"brought up without an IPv4 address for the probe (and down again after, when it was\n"
	"down); on the link go, for at most S seconds: ARP probes from 0.0.0.0 for the profiles'\n"
	"device addresses and, while no address is known, a sweep of the first two hosts of\n"
	"192.168.N.0/24, 10.N.0.0/24 and 172.16.N.0/24 (RFC 5227 style: the host claims no\n"
	"address), one DHCPDISCOVER (an offer is reported, never taken: no REQUEST is sent),\n"
	"ICMPv6 echoes to ff02::1. It stops early once the peer's IPv4 address is known and the\n"
	"DHCP question is settled.\n\n"
	"  --timeout S    how long to probe at most, in seconds (default 5, at most 60)\n"
	"  -j, --json[=pretty|short]  print the findings as JSON\n"
	"  -o, --output COLS  the columns: METHOD,ADDRESS,DETAIL,MAC,AT (the default)\n"
	"  -n, --noheadings, -r, --raw  the table without header, or unaligned\n"
	"  --force        probe an interface that is not a USB network peer\n"
	"  --config FILE, --run-dir DIR, -v/--verbose, -q/--quiet, -h/--help\n\n"
	"Exit status: 0 something was found; 1 nothing answered within the time (or the probe\n"
	"failed); 2 bad usage or not a USB network peer; 3 no such interface.\n";

enum {
	OPT_TIMEOUT = OPT_COMMON_END,
	OPT_FORCE,
};

static int parse_timeout(const char *s, unsigned *ret_ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.1 && v <= USBNET_PROBE_MAX_MS / 1000))
		return -EINVAL;
	*ret_ms = (unsigned)(v * 1000.0 + 0.5);
	return 0;
}

enum { DCOL_METHOD, DCOL_ADDRESS, DCOL_DETAIL, DCOL_MAC, DCOL_AT };

static const struct cli_column discover_columns[] = {
	[DCOL_METHOD] = { "METHOD", 0.15, false, false, false, "how it was found" },
	[DCOL_ADDRESS] = { "ADDRESS", 0.25, false, false, false, "the peer's address" },
	[DCOL_DETAIL] = { "DETAIL", 0.3, true, false, false, "the DHCP offer, the profile" },
	[DCOL_MAC] = { "MAC", 17, false, false, false, "the MAC address it answered from" },
	[DCOL_AT] = { "AT", 0.08, false, true, false, "when, after the start" },
};

static int print_table(const struct cli_table_opts *o, const struct usbnet_probe_result *r)
{
	int status;
	struct cli_table *t = cli_table_new(discover_columns, 5, "METHOD,ADDRESS,DETAIL,MAC,AT", o,
					    "findings", false, &status);

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct usbnet_finding *f = &r->findings[i];
		char a[INET6_ADDRSTRLEN], b[INET_ADDRSTRLEN];

		if (cli_table_add_line(t) < 0)
			break;
		cli_table_set(t, DCOL_METHOD, usbnet_probe_method_name(f->method));
		if (f->has_ipv6)
			cli_table_set(t, DCOL_ADDRESS, inet_ntop(AF_INET6, &f->ipv6, a, sizeof(a)));
		else if (f->has_ipv4)
			cli_table_set(t, DCOL_ADDRESS, inet_ntop(AF_INET, &f->ipv4, a, sizeof(a)));
		if (f->method == USBNET_FOUND_DHCP_OFFER && f->has_offered) {
			inet_ntop(AF_INET, &f->offered, b, sizeof(b));
			if (f->offered_prefix)
				cli_table_setf(t, DCOL_DETAIL, "serves DHCP, offers %s/%u", b,
					       f->offered_prefix);
			else
				cli_table_setf(t, DCOL_DETAIL, "serves DHCP, offers %s", b);
		} else if (f->profile[0]) {
			cli_table_setf(t, DCOL_DETAIL, "profile %.40s", f->profile);
		}
		cli_table_set(t, DCOL_MAC, f->mac);
		cli_table_setf(t, DCOL_AT, "%lld ms", (long long)f->at_ms);
	}
	status = cli_table_print(t);
	cli_table_free(t);
	if (!o->noheadings && !o->raw)
		printf("%s: %zu finding%s in %lld ms%s\n", r->ifname, r->n_findings,
		       r->n_findings == 1 ? "" : "s", (long long)r->elapsed_ms,
		       r->certain ? " (stopped early: the answer was certain)" : "");
	return status;
}

int discover_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		CLI_JSON_LONGOPT,
		CLI_TABLE_LONGOPTS,
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{},
	};
	struct cli_common c = {};
	struct cli_table_opts to = {};
	struct usbnet_probe_opts o;
	struct usbnet_probe_result res;
	struct usbnet_ctx *ctx;
	char ifname[USBNET_IFNAMSIZ];
	int opt, r, status;

	usbnet_probe_opts_init(&o);
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS_JSON CLI_TABLE_SHORTOPTS, longopts,
				  NULL)) != -1) {
		if (cli_table_option(&to, opt, optarg))
			continue;
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
		if (r == -2)
			continue;
		switch (opt) {
		case OPT_TIMEOUT:
			if (parse_timeout(optarg, &o.timeout_ms) < 0)
				return cli_usage_error(usage,
						       "--timeout: '%s' is not a number of seconds "
						       "(0.1 to 60)",
						       optarg);
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		default:
			return cli_usage_error(usage, "unexpected option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(usage, "discover takes one interface name");

	if (!c.json) {
		struct cli_table *t = cli_table_new(discover_columns, 5, "METHOD,ADDRESS,DETAIL,MAC,AT",
						    &to, "findings", false, &status);

		if (!t)
			return status;
		cli_table_free(t);
	}
	ctx = cli_open(&c, &status);
	if (!ctx)
		return status;
	status = cli_resolve(ctx, argv[optind], ifname);
	if (status >= 0) {
		usbnet_ctx_free(ctx);
		return status;
	}
	cli_progress_start(ctx, &c);
	r = usbnet_probe(ctx, ifname, &o, &res);
	cli_progress_end();
	if (r < 0) {
		status = cli_fail(ctx, r, argv[optind]);
	} else {
		if (c.json) {
			char *s = usbnet_probe_to_json(&res);

			r = cli_print_json(&c, s);
			free(s);
			if (r < 0) {
				usbnet_ctx_free(ctx);
				return EXIT_FAILED;
			}
		} else {
			print_table(&to, &res);
		}
		status = EXIT_DONE;
		if (res.n_findings == 0) {
			if (res.no_carrier)
				fprintf(stderr, "%s: No carrier on %s: is the device's interface up?\n",
					program_name, res.ifname);
			fprintf(stderr, "%s: %s: nothing answered within %.1f s\n", program_name,
				res.ifname, (double)res.timeout_ms / 1000.0);
			status = EXIT_FAILED;
		}
	}
	usbnet_ctx_free(ctx);
	return status;
}

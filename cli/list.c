/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "format.h"

static const char usage[] =
	"Usage: usbnet-host list [-j|--json[=pretty|short]] [-o|--output COLS] [-n|--noheadings]\n"
	"                        [-r|--raw] [--config FILE] [--run-dir DIR]\n"
	"List the USB network peers found now, their plan and state. The table fits the\n"
	"terminal (cut cells end with a mark); --json prints every field (list --json's keys).\n\n"
	"  -o, --output COLS  the columns, comma-separated (+COLS: the default ones and these)\n"
	"  -n, --noheadings   no header line\n"
	"  -r, --raw          columns separated by one space, nothing cut\n\n"
	"Columns: IFACE DRIVER PROTO USB-ID PRODUCT PROFILE MODE STATE CARRIER HOST PEER SERIAL\n"
	"MAC NAME NOTE (default: IFACE,PRODUCT,PROFILE,MODE,STATE,CARRIER,HOST,PEER,NAME,NOTE).\n"
	"PROFILE is the built-in profile, or [NAME] of the matching [peer NAME] group; NOTE a\n"
	"warning (an RNDIS-only gadget that cdc_subset claimed) or why the state is degraded.\n";

int list_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		CLI_JSON_LONGOPT,
		CLI_TABLE_LONGOPTS,
		{},
	};
	struct cli_common c = {};
	struct cli_table_opts to = {};
	struct usbnet_report *reps = NULL;
	struct usbnet_ctx *ctx;
	size_t n = 0;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS_JSON CLI_TABLE_SHORTOPTS, longopts,
				  NULL)) != -1) {
		if (cli_table_option(&to, opt, optarg))
			continue;
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(usage, "list takes no argument ('%s')", argv[optind]);

	if (!c.json) {
		/* A bad --output is bad usage, peers or not. */
		struct cli_table *t = cli_table_new(list_columns, n_list_columns,
						    list_default_columns, &to, "peers", false, &status);

		if (!t)
			return status;
		cli_table_free(t);
	}
	ctx = cli_open(&c, &status);
	if (!ctx)
		return status;
	r = usbnet_report_all(ctx, &reps, &n);
	if (r < 0) {
		status = cli_fail(ctx, r, "cannot list the peers");
		goto out;
	}
	if (c.json)
		r = print_reports_json(&c, reps, n);
	else {
		to.quiet = c.quiet;
		r = print_reports_table(&to, reps, n);
	}
	status = r == -EINVAL ? EXIT_USAGE : r < 0 ? EXIT_FAILED : EXIT_DONE;
out:
	free(reps);
	usbnet_ctx_free(ctx);
	return status;
}

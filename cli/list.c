/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"
#include "format.h"

static const char usage[] = "Usage: usbnet-host list [-j|--json[=pretty|short]] [--config FILE] [--run-dir DIR]\n"
			    "List the USB network peers found now, their plan and state.\n";

int list_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		CLI_JSON_LONGOPT,
		{},
	};
	struct cli_common c = {};
	struct usbnet_report *reps = NULL;
	struct usbnet_ctx *ctx;
	size_t n = 0;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS_JSON, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
	}
	if (optind < argc)
		return cli_usage_error(usage, "list takes no argument ('%s')", argv[optind]);

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
	else
		r = print_reports_table(reps, n);
	status = r < 0 ? EXIT_FAILED : EXIT_DONE;
out:
	free(reps);
	usbnet_ctx_free(ctx);
	return status;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>

#include "cli.h"
#include "format.h"

static const char usage[] = "Usage: usbnet-host show IFACE [-j|--json[=pretty|short]] [--config FILE] [--run-dir DIR]\n"
			    "Show one peer: the device, its plan and its state.\n";

int show_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		CLI_JSON_LONGOPT,
		{},
	};
	struct cli_common c = {};
	struct usbnet_report rep;
	char ifname[USBNET_IFNAMSIZ];
	struct usbnet_ctx *ctx;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS_JSON, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
	}
	if (optind + 1 != argc)
		return cli_usage_error(usage, "show takes one interface name");

	ctx = cli_open(&c, &status);
	if (!ctx)
		return status;
	status = cli_resolve(ctx, argv[optind], ifname);
	if (status >= 0) {
		usbnet_ctx_free(ctx);
		return status;
	}
	r = usbnet_report_one(ctx, ifname, &rep);
	if (r < 0)
		status = cli_fail(ctx, r, argv[optind]);
	else
		status = (c.json ? print_report_json(&c, &rep) : print_report_details(&rep)) < 0
				 ? EXIT_FAILED
				 : EXIT_DONE;
	usbnet_ctx_free(ctx);
	return status;
}

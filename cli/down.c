/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char usage[] = "Usage: usbnet-host down [IFACE|--all] [--config FILE] [--run-dir DIR]\n"
			    "Undo exactly what up did, in reverse; what the user added stays.\n";

enum { OPT_ALL = OPT_COMMON_END };

static int down_one(struct usbnet_ctx *ctx, const char *ifname, FILE *out)
{
	int r = usbnet_down(ctx, ifname);

	if (r < 0)
		return cli_fail(ctx, r, ifname);
	if (r == 1)
		fprintf(out, "%s: nothing recorded, nothing to undo\n", ifname);
	else
		fprintf(out, "%s: undone\n", ifname);
	return EXIT_DONE;
}

int down_all(struct usbnet_ctx *ctx, FILE *out)
{
	char **names = NULL;
	int r, status = EXIT_DONE;

	r = usbnet_state_list(ctx, &names);
	if (r < 0)
		return cli_fail(ctx, r, "cannot read the run directory");
	for (char **p = names; *p; p++) {
		int s = down_one(ctx, *p, out);

		if (s != EXIT_DONE && status == EXIT_DONE)
			status = s;
	}
	usbnet_strv_free(names);
	return status;
}

int down_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "all", no_argument, NULL, OPT_ALL },
		{},
	};
	struct cli_common c = {};
	struct usbnet_ctx *ctx;
	char ifname[USBNET_IFNAMSIZ];
	bool all = false;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
		if (r == -2)
			continue;
		if (opt == OPT_ALL)
			all = true;
	}
	if (all == (optind < argc) || optind + 1 < argc)
		return cli_usage_error(usage, "down takes one interface name, or --all");

	ctx = cli_open(&c, &status);
	if (!ctx)
		return status;
	if (all)
		status = down_all(ctx, stdout);
	else if ((status = cli_resolve(ctx, argv[optind], ifname)) < 0)
		status = down_one(ctx, ifname, stdout);
	usbnet_ctx_free(ctx);
	return status;
}

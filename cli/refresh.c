/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>

#include "cli.h"

static const char usage[] =
    "Usage: usbnet-host refresh [--config FILE] [--run-dir DIR] [--verbose]\n"
    "Move gateway peers whose uplink is auto to the interface of the host's current default\n"
    "route, and their IPv6 sharing to the interface of the IPv6 default route, which may be\n"
    "another (the watcher runs it when a default route changes, NetworkManager's dispatcher\n"
    "script when an uplink changes). A peer that shares no IPv6 because the host had no IPv6\n"
    "default route at its up gets its IPv6 sharing once there is one. Says what it changed;\n"
    "nothing to do is not an error.\n";

int refresh_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {},
	};
	struct cli_common c = {};
	struct usbnet_ctx *ctx;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
		if (r != -2)
			return cli_usage_error(usage, "unexpected option");
	}
	if (optind != argc)
		return cli_usage_error(usage, "refresh takes no arguments");
	/* What it changed, peer by peer, is the library's notices */
	cli_log_notices();
	ctx = cli_open(&c, &status);
	if (!ctx)
		return status;
	r = usbnet_refresh(ctx);
	status = r < 0 ? cli_fail(ctx, r, "refresh") : EXIT_DONE;
	if (r > 0)
		printf("%d gateway peer%s changed with the host's default routes\n", r,
		       r == 1 ? "" : "s");
	usbnet_ctx_free(ctx);
	return status;
}

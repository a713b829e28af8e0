/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run by the udev rule through IMPORT{program} for every USB network interface. It reads
 * udev's environment only (no sysfs, no network, no NetworkManager), classifies, and prints
 * KEY=VALUE lines that udev adds to the device. Values are ids the library chose, never a
 * string the device gave.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

extern char **environ;

static const char usage[] = "Usage: usbnet-host udev-probe [--config FILE]\n"
			    "For the udev rule: classify the device udev describes in the\n"
			    "environment and print USBNET_HOST_MODE=..., NM_UNMANAGED=1 when\n"
			    "usbnet-host owns it. No network I/O.\n";

int udev_probe_main(int argc, char *argv[])
{
	struct cli_common c = {};
	struct usbnet_peer peer;
	struct usbnet_plan plan;
	struct usbnet_ctx *ctx = NULL;
	bool automatic;
	int r;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			return cli_usage_error(usage, "udev-probe takes no argument");
		if (i + 1 < argc && (strcmp(argv[i], "--config") == 0)) {
			c.config = argv[++i];
			continue;
		}
		if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return EXIT_DONE;
		}
		return cli_usage_error(usage, "unknown option '%s'", argv[i]);
	}

	r = usbnet_peer_from_env(environ, &peer);
	if (r < 0)
		return EXIT_DONE; /* not a USB network peer: nothing to say */

	r = usbnet_ctx_new(c.config, NULL, &ctx);
	if (r < 0) {
		/* A broken configuration must not take the built-in profiles away: udev ignores
		 * all output of a program that fails, so say it on stderr (udev logs it) and go on
		 * with the profiles alone. */
		fprintf(stderr, "%s: %s; using the built-in profiles only\n", program_name,
			usbnet_ctx_error(ctx));
		ctx = usbnet_ctx_free(ctx);
		r = usbnet_ctx_new("", NULL, &ctx);
		if (r < 0) {
			usbnet_ctx_free(ctx);
			return EXIT_FAILED;
		}
	}
	usbnet_classify(ctx, &peer, &plan);
	automatic = usbnet_plan_is_automatic(ctx, &plan);
	printf("USBNET_HOST_MODE=%s\n", usbnet_mode_name(plan.mode));
	if (plan.profile[0])
		printf("USBNET_HOST_PROFILE=%s\n", plan.profile);
	/* The watcher acts on it (the rule tags it): usbnet-host owns it from the first event. */
	printf("USBNET_HOST_AUTO=%d\n", automatic ? 1 : 0);
	if (automatic && usbnet_mode_is_owned(plan.mode))
		printf("NM_UNMANAGED=1\n");
	usbnet_ctx_free(ctx);
	return EXIT_DONE;
}

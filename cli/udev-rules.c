/* SPDX-License-Identifier: GPL-2.0-or-later */
/* udev-rules: the udev rules made from the built-in profiles and the configuration (the library
 * makes them), printed or written to a file. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: usbnet-host udev-rules [--config FILE] [--output FILE]\n"
    "Print the udev rules made from the built-in profiles and the configuration: udev sets\n"
    "what udev-probe would print by itself, without running a program; what a rule cannot\n"
    "match exactly runs udev's helper. --output writes FILE whole or not at all (mode 0644).\n"
    "The watcher writes " USBNET_UDEV_RULES_RUNTIME " itself.\n";

enum { OPT_OUTPUT = OPT_COMMON_END };

int udev_rules_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    {},
	};
	struct cli_common c = {};
	struct usbnet_ctx *ctx = NULL;
	const char *output = NULL;
	char *text = NULL;
	int opt, r, status;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
		if (r == -2)
			continue;
		if (opt == OPT_OUTPUT)
			output = optarg;
	}
	if (optind < argc)
		return cli_usage_error(usage, "udev-rules takes no argument");
	if (output && !*output)
		return cli_usage_error(usage, "--output: the file name is empty");

	r = usbnet_ctx_new(c.config, c.run_dir, &ctx);
	if (r < 0 && r != -ENOMEM && usbnet_ctx_config_broken(ctx)) {
		/* As udev-probe: a broken file must not take the built-in profiles away. */
		fprintf(stderr, "%s: configuration error: ", program_name);
		cli_print_escaped(stderr, usbnet_ctx_error(ctx), 0);
		fputs("; the rules hold the built-in profiles alone\n", stderr);
		r = 0;
	}
	if (r < 0) {
		status = cli_fail(ctx, r, "cannot load the configuration");
		usbnet_ctx_free(ctx);
		return status;
	}
	if (output)
		r = usbnet_udev_rules_install(ctx, output);
	else if ((r = usbnet_udev_rules(ctx, &text)) >= 0 && fputs(text, stdout) == EOF)
		r = -EIO;
	status = EXIT_DONE;
	if (r < 0) {
		/* Said as it is: writing a file wants no CAP_NET_ADMIN (cli_fail's advice). */
		fprintf(stderr, "%s: ", program_name);
		if (*usbnet_ctx_error(ctx))
			cli_print_escaped(stderr, usbnet_ctx_error(ctx), 0);
		else
			fprintf(stderr, "cannot print the udev rules: %s", strerror(-r));
		fputc('\n', stderr);
		status =
		    usbnet_ctx_outcome(ctx) == USBNET_OUTCOME_BAD_INPUT ? EXIT_USAGE : EXIT_FAILED;
	}
	free(text);
	usbnet_ctx_free(ctx);
	return status;
}

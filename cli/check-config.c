/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check-config: the configuration file's syntax and meaning, before it is installed. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
    "Usage: usbnet-host check-config [FILE] [--config FILE] [-q]\n"
    "Check a configuration file (default: the one the other commands read): its syntax, then\n"
    "what parses but cannot work (a static or gateway group with no address=, address= or\n"
    "uplink= in a dhcp group, a group an earlier one always wins over, overlapping addresses,\n"
    "an uplink this host does not have). One line per problem, FILE:LINE: [group] key:\n"
    "problem. Exit 2 on any problem; 0 when there is none or only warnings (an uplink not\n"
    "here now; -q leaves them out). Changes nothing.\n";

struct seen {
	bool quiet;
};

static void print_problem(void *userdata, bool warning, const char *line)
{
	const struct seen *s = userdata;

	if (warning && s->quiet)
		return;
	cli_print_escaped(stdout, line, 0);
	fputc('\n', stdout);
}

int check_config_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
	    CLI_COMMON_LONGOPTS,
	    {},
	};
	struct cli_common c = {};
	struct seen s;
	const char *path;
	int opt, r;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
		if (r != -2)
			return cli_usage_error(usage, "unexpected option");
	}
	if (argc - optind > 1)
		return cli_usage_error(usage, "check-config takes one FILE at most");
	/* FILE, else the file the other commands read (--config, $USBNET_HOST_CONFIG, the
	 * default), as usbnet_config_check() resolves it. */
	path = optind < argc ? argv[optind] : c.config;
	if (path && !*path)
		return cli_usage_error(usage, "the file name is empty");
	s.quiet = c.quiet;
	fflush(stdout);
	r = usbnet_config_check(path, print_problem, &s);
	if (r < 0) {
		fprintf(stderr, "%s: check-config: out of memory\n", program_name);
		return EXIT_FAILED;
	}
	return r > 0 ? EXIT_USAGE : EXIT_DONE;
}

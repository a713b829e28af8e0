/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *program_name = "usbnet-host";

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
} subcommands[] = {
	{ "status", status_main, "What matters now: the peers, what usbnet-host holds (the default)" },
	{ "list", list_main, "List the USB network peers found now" },
	{ "show", show_main, "Show one peer, its plan and its state" },
	{ "up", up_main, "Configure a peer (idempotent)" },
	{ "down", down_main, "Undo what up did" },
	{ "refresh", refresh_main, "Move gateway peers to the current default route (uplink auto)" },
	{ "discover", discover_main, "Find out a peer's addresses on the link" },
	{ "check-config", check_config_main, "Check a configuration file's syntax and meaning" },
	{ "watch", watch_main, "The hotplug watcher (foreground; systemd runs it)" },
	{ "udev-probe", udev_probe_main, "For the udev rule: classify, print KEY=VALUE" },
	{ "udev-rules", udev_rules_main, "Print the udev rules made from the profiles and configuration" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS] [COMMAND] [OPTIONS]   (no command: status)\n", program_name);
	fprintf(f, "       %s help COMMAND\n\n", program_name);
	fprintf(f, "Configure the host side of USB network peers (Ethernet over USB gadgets).\n\n");
	fprintf(f, "Commands:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(f, "\nCommon options (before or after the command):\n"
		   "  -h, --help              this help, or the command's\n"
		   "  -v, --verbose           say more (twice: debug)\n"
		   "  -q, --quiet             no progress lines, no warnings\n"
		   "  -j, --json[=pretty|short]  JSON, where a command prints it\n"
		   "  --config FILE, --run-dir DIR, --version\n");
	fprintf(f, "Run '%s help COMMAND' for a command's options.\n", program_name);
}

static int find_subcommand(const char *name)
{
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		if (strcmp(name, subcommands[i].name) == 0)
			return (int)i;
	return -1;
}

static int run(int i, int argc, char *argv[])
{
	cli_command = subcommands[i].name;
	cli_argv = argv;
	return subcommands[i].fn(argc, argv);
}

/* The options before the command take an argument as a separate word? */
static bool takes_argument(const char *opt)
{
	return strcmp(opt, "--config") == 0 || strcmp(opt, "--run-dir") == 0;
}

int main(int argc, char *argv[])
{
	char **args;
	int n_pre = 0, cmd, i;

	/* Messages about options are ours (cli_common_option): one line that names the option. */
	opterr = 0;

	/* Global options before the command: moved after it, where the command parses them. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("usbnet-host %s\n", usbnet_version());
			return EXIT_DONE;
		}
		if (takes_argument(argv[i]) && i + 1 < argc)
			i++;
	}
	n_pre = i - 1;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		for (int k = 1; k < argc; k++)
			if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
				show_usage(stdout);
				return EXIT_DONE;
			}
		/* No command: the state, as nmcli, networkctl and wg show it (with the options). */
		args = calloc((size_t)argc + 1, sizeof(*args));
		if (!args)
			return EXIT_FAILED;
		args[0] = "status";
		memcpy(args + 1, argv + 1, (size_t)n_pre * sizeof(*args));
		return run(find_subcommand("status"), 1 + n_pre, args);
	}
	if (strcmp(argv[i], "help") == 0) {
		char *help_argv[] = { NULL, "--help", NULL };

		if (i + 1 >= argc) {
			show_usage(stdout);
			return EXIT_DONE;
		}
		cmd = find_subcommand(argv[i + 1]);
		if (cmd < 0) {
			fprintf(stderr, "%s: help: unknown command '%s'\nTry '%s --help'.\n",
				program_name, argv[i + 1], program_name);
			return EXIT_USAGE;
		}
		help_argv[0] = argv[i + 1];
		return run(cmd, 2, help_argv);
	}
	cmd = find_subcommand(argv[i]);
	if (cmd < 0) {
		fprintf(stderr, "%s: unknown command '%s'\nTry '%s --help'.\n", program_name, argv[i],
			program_name);
		return EXIT_USAGE;
	}
	/* argv for the command: its name, the options given before it, then the rest. */
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return EXIT_FAILED;
	args[0] = argv[i];
	memcpy(args + 1, argv + 1, (size_t)n_pre * sizeof(*args));
	memcpy(args + 1 + n_pre, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*args));
	return run(cmd, 1 + n_pre + (argc - i - 1), args);
}

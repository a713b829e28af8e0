/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *program_name = "usbnet-host";

static const struct {
	const char *name;
	int (*fn)(int argc, char *argv[]);
	const char *help;
} subcommands[] = {
	{ "list", list_main, "List the USB network peers found now" },
	{ "show", show_main, "Show one peer, its plan and its state" },
	{ "up", up_main, "Configure a peer (idempotent)" },
	{ "down", down_main, "Undo what up did" },
	{ "refresh", refresh_main, "Move gateway peers to the current default route (uplink auto)" },
	{ "discover", discover_main, "Find out a peer's addresses on the link" },
	{ "watch", watch_main, "The hotplug watcher (foreground; systemd runs it)" },
	{ "udev-probe", udev_probe_main, "For the udev rule: classify, print KEY=VALUE" },
};

static void show_usage(FILE *f)
{
	fprintf(f, "Usage: %s COMMAND [OPTIONS]\n\n", program_name);
	fprintf(f, "Configure the host side of USB network peers (Ethernet over USB gadgets).\n\n");
	fprintf(f, "Commands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-12s %s\n", subcommands[i].name, subcommands[i].help);
	fprintf(f, "\nCommon options: --config FILE, --run-dir DIR, --verbose, --help, --version\n");
	fprintf(f, "Run '%s COMMAND --help' for a command's options.\n", program_name);
}

int main(int argc, char *argv[])
{
	if (argc < 2) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		show_usage(stdout);
		return EXIT_DONE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("usbnet-host %s\n", usbnet_version());
		return EXIT_DONE;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", program_name, argv[1]);
	show_usage(stderr);
	return EXIT_USAGE;
}

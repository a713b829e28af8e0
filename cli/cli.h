/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The usbnet-host command: a table of subcommands over libusbnet-host. */
#ifndef USBNET_CLI_H
#define USBNET_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "usbnet-host/usbnet.h"

/* Exit statuses (a contract: see DESIGN.md). */
enum {
	EXIT_DONE = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2, /* bad usage or bad input: nothing was changed */
	EXIT_NO_PEER = 3,
};

/* How JSON is printed: --json (short, one line), --json=pretty, -j (pretty on a terminal). */
enum cli_json {
	CLI_JSON_OFF = 0,
	CLI_JSON_SHORT,
	CLI_JSON_PRETTY,
};

/* Options every subcommand takes (given before or after the command: main moves the ones
 * before it after it). */
struct cli_common {
	const char *config;
	const char *run_dir;
	int verbose;
	bool quiet; /* -q: no progress, no warnings; results and errors only */
	enum cli_json json;
};

extern const char *program_name;
/* The command being run ("list", ...), and its argv: for messages about its options. */
extern const char *cli_command;
extern char **cli_argv;

/* getopt_long values of the common options; subcommands pass unknown ones here. */
enum {
	OPT_CONFIG = 0x100,
	OPT_RUN_DIR,
	OPT_VERBOSE,
	OPT_HELP,
	OPT_VERSION,
	OPT_JSON,
	OPT_QUIET,
	OPT_COMMON_END,
};

/* getopt_long's short options: -h -v -q everywhere, -j where there is JSON. The leading ':'
 * lets cli_common_option tell a missing argument from an unknown option. */
#define CLI_SHORTOPTS ":hvq"
#define CLI_SHORTOPTS_JSON ":hvqj"
#define CLI_JSON_LONGOPT { "json", optional_argument, NULL, OPT_JSON }

#define CLI_COMMON_LONGOPTS                                                                        \
	{ "config", required_argument, NULL, OPT_CONFIG },                                         \
		{ "run-dir", required_argument, NULL, OPT_RUN_DIR },                               \
		{ "verbose", no_argument, NULL, OPT_VERBOSE },                                     \
		{ "quiet", no_argument, NULL, OPT_QUIET },                                         \
		{ "help", no_argument, NULL, OPT_HELP },                                           \
		{ "version", no_argument, NULL, OPT_VERSION }

/* Handles a common option (and -h -v -q -j); returns -1 when opt is not one, or an exit status
 * to return now (--help, --version, an unknown option or a missing argument: named alone, with
 * a pointer to --help) as >= 0, or -2 when it was handled and parsing goes on. */
int cli_common_option(struct cli_common *c, int opt, const char *arg, const char *usage);

/* Opens the library context with the common options; prints the error and returns NULL (with
 * *ret_status set) on failure. */
struct usbnet_ctx *cli_open(const struct cli_common *c, int *ret_status);
/* The same for the watcher: a broken configuration file is said (file, line, problem) and the
 * context goes on with the built-in profiles; anything else fails as cli_open. */
struct usbnet_ctx *cli_open_lenient(const struct cli_common *c, int *ret_status);
/* The library's notices go to stderr without --verbose (the watcher's one line per action). */
void cli_log_notices(void);
/* Prints "usbnet-host: MESSAGE" for a library failure and returns the exit status for err. */
/* The watcher: when systemd connected stderr to the journal ($JOURNAL_STREAM), the library's
 * lines go there with their priority and USBNET_IFNAME=, USBNET_SERIAL= of the device. */
void cli_log_to_journal(struct usbnet_ctx *ctx);
bool cli_logs_to_journal(void);
/* A line of the command's own, as the library's go (stderr, or the journal). */
void cli_log(enum usbnet_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail(struct usbnet_ctx *ctx, int err, const char *what);
/* IFACE as the user gave it, an interface or a peer's name (usbnet_resolve()): the interface's
 * name into ifname; else the failure is said and its exit status returned (>= 0). -1: done. */
int cli_resolve(struct usbnet_ctx *ctx, const char *arg, char ifname[USBNET_IFNAMSIZ]);
int cli_status_for(int err);
/* Complains about usage and returns EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* At most n bytes of s with every byte that is not printable ASCII as \xNN, into buf. */
const char *cli_escape(const char *s, size_t n, char *buf, size_t len);
/* "usbnet-host CMD: " FMT (with WHAT), then "Try 'usbnet-host CMD --help'."; EXIT_USAGE. */
int cli_bad_option(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when fd is a terminal and progress lines may be drawn on it (not with -q). */
bool cli_progress_wanted(const struct cli_common *c);
/* The progress line of a probe (discover, up --auto); the end clears it. Whether the link had
 * carrier at some point of the probe (false: "No carrier on IF"). */
void cli_progress_start(struct usbnet_ctx *ctx, const struct cli_common *c);
void cli_progress_end(void);
bool cli_progress_saw_carrier(void);
/* Prints JSON text (valid, from the library) as c->json says: one line, or indented. */
int cli_print_json(const struct cli_common *c, const char *text);

/* Writes s with every byte that is not printable ASCII as \xNN (device strings may hold
 * anything: newlines, escape sequences, invalid UTF-8), at most width columns (0: all). */
void cli_print_escaped(FILE *f, const char *s, int width);

/* Undo every recorded interface, one line each to out; the exit status of the first failure. */
int down_all(struct usbnet_ctx *ctx, FILE *out);

int status_main(int argc, char *argv[]);
int list_main(int argc, char *argv[]);
int show_main(int argc, char *argv[]);
int up_main(int argc, char *argv[]);
int down_main(int argc, char *argv[]);
int discover_main(int argc, char *argv[]);
int udev_probe_main(int argc, char *argv[]);
int udev_rules_main(int argc, char *argv[]);
int watch_main(int argc, char *argv[]);
int refresh_main(int argc, char *argv[]);
int check_config_main(int argc, char *argv[]);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hotplug watcher's loop (systemd runs it): poll the library's udev monitor and a signalfd.
 * SIGTERM leaves configured peers as they are, so that a restart does not drop links;
 * --down-on-exit undoes them instead.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"
#include "watch-rules.h"

static const char usage[] =
	"Usage: usbnet-host watch [--down-on-exit] [--config FILE] [--run-dir DIR]\n"
	"                         [--udev-rules FILE] [--verbose]\n"
	"The hotplug watcher: configure tagged peers as they are plugged, clean their state when\n"
	"they go. Runs in the foreground; logs one line per action to stderr, or to the journal\n"
	"when systemd connected stderr to it (with priorities and the fields USBNET_IFNAME=,\n"
	"USBNET_SERIAL=). Writes the udev rules of its configuration (udev-rules) to FILE, by\n"
	"default " USBNET_UDEV_RULES_RUNTIME " (then udev rereads its rules) unless\n"
	"--run-dir or $USBNET_HOST_RUN_DIR is given; --udev-rules= writes none.\n";

enum { OPT_DOWN_ON_EXIT = OPT_COMMON_END, OPT_UDEV_RULES };

/* SIGHUP (systemctl reload usbnet-host): read the configuration file again. Peers plugged from
 * now on get the new plans; the configured ones keep theirs until they are plugged again. */
static void reload(struct usbnet_ctx *ctx, const char *rules)
{
	char changes[1024], *text = NULL;
	size_t len = 0;
	int r = usbnet_ctx_reload_config(ctx, changes, sizeof(changes));
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	/* cli_log escapes the line, as every line of ours (the file's words are the user's): once. */
	if (r < 0) {
		fputs("reload: configuration error: ", f);
		fputs(usbnet_ctx_error(ctx), f);
		fputs("; going on with the built-in profiles", f);
		if (changes[0])
			fprintf(f, " (%s)", changes);
	} else {
		fputs("reload: configuration read, ", f);
		fputs(changes[0] ? changes : "nothing changed", f);
	}
	if (fclose(f) == 0)
		cli_log(r < 0 ? USBNET_LOG_ERR : USBNET_LOG_NOTICE, "%s", text);
	free(text);
	if (r >= 0)
		usbnet_ctx_check_config(ctx);
	/* A broken file: the built-in profiles alone, in the rules too (as udev-probe). */
	watch_rules_install(ctx, rules);
}

/* The system's watcher (its default run directory) writes udev's rules; another one (a test,
 * a second instance with its own run directory) only where it is told. */
static const char *rules_path(const struct cli_common *c, const char *given)
{
	if (given)
		return *given ? given : NULL;
	if (c->run_dir || (getenv("USBNET_HOST_RUN_DIR") && *getenv("USBNET_HOST_RUN_DIR")))
		return NULL;
	return USBNET_UDEV_RULES_RUNTIME;
}

int watch_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "down-on-exit", no_argument, NULL, OPT_DOWN_ON_EXIT },
		{ "udev-rules", required_argument, NULL, OPT_UDEV_RULES },
		{},
	};
	struct cli_common c = {};
	struct usbnet_watch *w = NULL;
	struct usbnet_ctx *ctx;
	bool down_on_exit = false;
	const char *rules_given = NULL, *rules = NULL;
	sigset_t mask;
	int opt, r, status, sfd = -1;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
		if (r == -2)
			continue;
		if (opt == OPT_DOWN_ON_EXIT)
			down_on_exit = true;
		if (opt == OPT_UDEV_RULES)
			rules_given = optarg;
	}
	if (optind < argc)
		return cli_usage_error(usage, "watch takes no argument");

	cli_log_notices();
	/* Before the configuration is read: its errors are journal lines with priorities too. */
	cli_log_to_journal(NULL);
	ctx = cli_open_lenient(&c, &status);
	if (!ctx)
		return status;
	cli_log_to_journal(ctx);
	/* What parses but cannot work is said at warning priority; the watcher goes on. */
	usbnet_ctx_check_config(ctx);
	/* The rule's NM_UNMANAGED=1 keeps NetworkManager off the peers the watcher acts on. */
	usbnet_ctx_set_networkmanager(ctx, false);
	/* Before the monitor: the devices plugged from now on get this configuration's rules. */
	rules = rules_path(&c, rules_given);
	watch_rules_install(ctx, rules);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		cli_log(USBNET_LOG_ERR, "signalfd: %s", strerror(errno));
		status = EXIT_FAILED;
		goto out;
	}

	r = usbnet_watch_new(ctx, &w);
	if (r < 0) {
		status = cli_fail(ctx, r, "cannot watch udev");
		goto out;
	}
	cli_log(USBNET_LOG_NOTICE, "watching for USB network peers");
	usbnet_watch_reconcile(w);

	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = usbnet_watch_get_fd(w), .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			cli_log(USBNET_LOG_ERR, "poll: %s", strerror(errno));
			status = EXIT_FAILED;
			break;
		}
		if (fds[1].revents) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				reload(ctx, rules);
				continue;
			}
			cli_log(USBNET_LOG_NOTICE, "%s, stopping%s", strsignal((int)si.ssi_signo),
				down_on_exit ? " and undoing" : " (peers stay configured)");
			/* What runs finishes (the workers block SIGTERM too), what waits is
			 * dropped: no up may end after down_all. */
			usbnet_watch_finish(w);
			if (down_on_exit)
				down_all(ctx, stderr);
			status = EXIT_DONE;
			break;
		}
		if (fds[0].revents)
			usbnet_watch_dispatch(w);
	}
out:
	if (sfd >= 0)
		close(sfd);
	usbnet_watch_free(w);
	/* udev's packaged rule (its helper) answers again, with the file's configuration. */
	watch_rules_remove(ctx, rules);
	usbnet_ctx_free(ctx);
	return status;
}

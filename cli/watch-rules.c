/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The watcher keeps udev's generated rules (issue 20) in step with its configuration: written
 * at start and on every reload, removed when it stops. In /run/udev/rules.d they override the
 * packaged rule of the same name, which runs udev's helper for every USB network interface;
 * the generated ones let udev match the properties itself. A failure is a warning only: the
 * packaged rule still gives every device the same properties, a process each.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "watch-rules.h"

extern char **environ;

/* `udevadm control --reload`: udev reads the rules on its next event, not only when its rules
 * directories' times change (which some versions do not look at). */
static void udev_reload(void)
{
	char *argv[] = {"udevadm", "control", "--reload", NULL};
	posix_spawnattr_t attr;
	sigset_t none;
	int r, wstatus;
	pid_t pid;

	/* The watcher blocks SIGTERM, SIGINT and SIGHUP for its signalfd: not udevadm. */
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	r = posix_spawnp(&pid, "udevadm", NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (r != 0) {
		cli_log(USBNET_LOG_WARNING, "udev rules: cannot run udevadm control --reload: %s",
			strerror(r));
		return;
	}
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return;
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		cli_log(USBNET_LOG_WARNING,
			"udev rules: udevadm control --reload failed: udev reads the rules later");
}

static bool is_udevs(const char *path)
{
	return strcmp(path, USBNET_UDEV_RULES_RUNTIME) == 0;
}

void watch_rules_install(struct usbnet_ctx *ctx, const char *path)
{
	if (!path)
		return;
	if (usbnet_udev_rules_install(ctx, path) < 0) {
		cli_log(
		    USBNET_LOG_WARNING,
		    "udev rules: %s; the packaged rule answers instead (a process per interface)",
		    usbnet_ctx_error(ctx));
		return;
	}
	cli_log(USBNET_LOG_NOTICE, "udev rules written to %s", path);
	if (is_udevs(path))
		udev_reload();
}

void watch_rules_remove(struct usbnet_ctx *ctx, const char *path)
{
	if (!path)
		return;
	if (usbnet_udev_rules_remove(ctx, path) < 0) {
		cli_log(USBNET_LOG_WARNING, "udev rules: %s", usbnet_ctx_error(ctx));
		return;
	}
	if (is_udevs(path))
		udev_reload();
}

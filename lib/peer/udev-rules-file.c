/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The generated udev rules in a file (udev-rules.c makes the text): written whole or not at all,
 * since udev may read the directory at any moment (a temporary file beside it, then rename), and
 * removed when the watcher stops.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/journal.h"

int usbnet_udev_rules_install(struct usbnet_ctx *ctx, const char *path)
{
	char dir[PATH_MAX];
	const char *slash, *base;
	char *text = NULL;
	int r;

	if (!path || !*path || strlen(path) >= sizeof(dir))
		return ctx_fail_input(ctx, -EINVAL, "no file to write the udev rules to");
	slash = strrchr(path, '/');
	base = slash ? slash + 1 : path;
	if (!*base)
		return ctx_fail_input(ctx, -EINVAL, "%s: a directory, not a file", path);
	if (slash == path) {
		strcpy(dir, "/");
	} else if (slash) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	} else {
		strcpy(dir, ".");
	}
	r = usbnet_udev_rules(ctx, &text);
	if (r < 0)
		return r;

	/* /run/udev/rules.d is udev's, and need not exist yet: its last component alone is made
	 * (a missing /run/udev means no udev to read it). The records' atomic write: a temporary
	 * file "NAME.PID.XXXXXX" beside it, which udev does not read (no ".rules" at the end),
	 * then rename. */
	r = journal_file_write(dir, path, text);
	if (r < 0)
		r = ctx_fail(ctx, r, "cannot write %s: %s", path, strerror(-r));
	free(text);
	return r;
}

int usbnet_udev_rules_remove(struct usbnet_ctx *ctx, const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return ctx_fail(ctx, -errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

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

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int usbnet_udev_rules_install(struct usbnet_ctx *ctx, const char *path)
{
	char dir[PATH_MAX], tmp[2 * PATH_MAX + 16];
	const char *slash, *base;
	char *text = NULL;
	int fd, r;

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
	 * (a missing /run/udev means no udev to read it). A name without ".rules" at the end is
	 * one udev does not read while it is being written. */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		r = ctx_fail(ctx, -errno, "cannot make %s: %s", dir, strerror(errno));
		goto out;
	}
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base) >= (int)sizeof(tmp)) {
		r = ctx_fail_input(ctx, -ENAMETOOLONG, "%s: the name is too long", path);
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = ctx_fail(ctx, -errno, "cannot write in %s: %s", dir, strerror(errno));
		goto out;
	}
	r = fchmod(fd, 0644) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, text, strlen(text));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		r = ctx_fail(ctx, r, "cannot write %s: %s", path, strerror(-r));
	}
out:
	free(text);
	return r;
}

int usbnet_udev_rules_remove(struct usbnet_ctx *ctx, const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return ctx_fail(ctx, -errno, "cannot remove %s: %s", path, strerror(errno));
	return 0;
}

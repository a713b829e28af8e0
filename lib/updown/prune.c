/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/ctx.h"
#include "updown/prune.h"
#include "core/state.h"

/* The lock files of interfaces that are gone and have no record. One is removed only while
 * this process holds it (flock, non-blocking), so no run that is using it loses it. */
static void prune_locks(struct usbnet_ctx *ctx)
{
	DIR *d = opendir(ctx->run_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char name[USBNET_IFNAMSIZ], path[PATH_MAX];
		size_t len = strlen(de->d_name);
		struct state_record rec;
		int fd;

		if (len <= 5 || len - 5 >= sizeof(name) || strcmp(de->d_name + len - 5, ".lock") != 0)
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (if_nametoindex(name) > 0 || state_read(ctx->run_dir, name, &rec) != -ENOENT)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", ctx->run_dir, de->d_name) >= (int)sizeof(path))
			continue;
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			unlink(path);
		close(fd);
	}
	closedir(d);
}

int prune_vanished(struct usbnet_ctx *ctx)
{
	char **names = NULL;
	int n = 0;

	if (usbnet_state_list(ctx, &names) < 0)
		return 0;
	for (char **p = names; *p; p++) {
		struct state_record rec;

		if (state_read(ctx->run_dir, *p, &rec) < 0)
			continue;
		if (rec.ifindex > 0 && (int)if_nametoindex(*p) == rec.ifindex)
			continue;
		/* down drops the record of an interface that is gone: the kernel took its
		 * addresses and routes with it. */
		if (usbnet_down(ctx, *p) == 0) {
			ctx_log(ctx, USBNET_LOG_NOTICE, "%s: gone, its state was cleaned", *p);
			n++;
		}
	}
	usbnet_strv_free(names);
	prune_locks(ctx);
	ctx_clear_error(ctx);
	return n;
}

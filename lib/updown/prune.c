/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* usbnet_prune: the records of vanished peers released, and the run directory's leftovers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/lock.h"
#include "updown/updown.h"

/* The lock files of interfaces that have no record. One is removed only while this process
 * holds it (flock, non-blocking), so no run that is using it loses it. */
static void prune_locks(struct usbnet_ctx *ctx)
{
	DIR *d = opendir(ctx->run_dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char name[USBNET_IFNAMSIZ], path[PATH_MAX];
		size_t len = strlen(de->d_name);
		int fd;

		if (len <= 5 || len - 5 >= sizeof(name) || strcmp(de->d_name + len - 5, ".lock") != 0)
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		/* Only interfaces' locks: the gateway's and the bridges' are not ours here. */
		if (!ifname_valid(name))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s.state", ctx->run_dir, name) >= (int)sizeof(path) ||
		    access(path, F_OK) == 0)
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

int usbnet_prune(struct usbnet_ctx *ctx)
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	char **names = NULL;
	int n = 0;

	journal_clean_temporaries(ctx);
	if (!be || journal_list(ctx, &names) < 0)
		return 0;
	for (char **p = names; *p; p++) {
		struct state_record rec;
		struct nl_link_info link;
		enum record_match match;
		int lock = -1;

		if (lock_acquire(ctx->run_dir, *p, 0, &lock) < 0)
			continue; /* someone is busy with it: theirs to finish */
		if (be->nl->link_get(be->nl_h, *p, &link) >= 0) {
			if (updown_record_find(ctx, *p, &link, &rec, &match) >= 0 &&
			    match == RECORD_OURS) {
				lock_release(lock);
				continue;
			}
		} else if (updown_record_find(ctx, *p, NULL, &rec, &match) < 0) {
			lock_release(lock);
			continue;
		}
		/* Renamed? Its record follows it at the next up or down, not here. */
		if (match == RECORD_STALE && rec.has_mac && be->nl->link_get_index &&
		    be->nl->link_get_index(be->nl_h, rec.ifindex, &link) >= 0 &&
		    journal_same_device(&rec, link.ifindex, link.mac, link.has_mac)) {
			lock_release(lock);
			continue;
		}
		if (match == RECORD_STALE && updown_undo_all(ctx, be, &rec, false, NULL, 0) >= 0) {
			ctx_log(ctx, USBNET_LOG_NOTICE, "%s: gone, what it held is released", *p);
			n++;
		}
		lock_release(lock);
	}
	usbnet_strv_free(names);
	prune_locks(ctx);
	ctx_clear_error(ctx);
	return n;
}

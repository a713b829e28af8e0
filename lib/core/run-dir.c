/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/run-dir.h"

int run_dir_check(struct usbnet_ctx *ctx, bool named)
{
	struct stat st;

	if (stat(ctx->run_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return ctx_fail_input(ctx, -EPERM,
				      "the run directory %s is writable by %s (mode %04o): others "
				      "could plant the records that down acts on; nothing was done "
				      "(chmod go-w it, or name another)",
				      ctx->run_dir,
				      (st.st_mode & S_IWOTH) ? "others" : "its group",
				      (unsigned)(st.st_mode & 07777));
	if (st.st_uid == 0 || (named && st.st_uid == geteuid()))
		return 0;
	return ctx_fail_input(ctx, -EPERM,
			      "the run directory %s is owned by uid %u, not by root%s; nothing "
			      "was done",
			      ctx->run_dir, (unsigned)st.st_uid,
			      named ? " nor by the caller" : " (the default must be root's)");
}

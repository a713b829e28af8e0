/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/small-file.h"
#include "gateway/forwarding-record.h"

static int record_path(const char *run_dir, const struct forwarding_family *fam, char *buf,
		       size_t len)
{
	int n = snprintf(buf, len, "%s/%s", run_dir, fam->record_name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The record's whole text for before (0 or 1). */
static void record_text(const struct forwarding_family *fam, int before, char *buf, size_t len)
{
	snprintf(buf, len, "%sforwarding-before %d\nend\n", fam->record_magic, before);
}

int forwarding_record_parse(const struct forwarding_family *fam, const char *text, size_t len,
			    int *ret_before)
{
	for (int i = 0; i < 2; i++) {
		char good[64];

		record_text(fam, i, good, sizeof(good));
		if (len == strlen(good) && memcmp(text, good, len) == 0) {
			*ret_before = i;
			return 0;
		}
	}
	return -EBADMSG;
}

int forwarding_record_read(const char *run_dir, const struct forwarding_family *fam,
			   int *ret_before)
{
	char path[PATH_MAX], buf[129]; /* 128 bytes read: a longer file is not a record */
	ssize_t n;
	int r;

	r = record_path(run_dir, fam, path, sizeof(path));
	if (r < 0)
		return r;
	n = small_file_read(path, O_NOFOLLOW, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return forwarding_record_parse(fam, buf, (size_t)n, ret_before);
}

int forwarding_record_write(const char *run_dir, const struct forwarding_family *fam, int before)
{
	char path[PATH_MAX], text[64];
	int r;

	r = record_path(run_dir, fam, path, sizeof(path));
	if (r < 0)
		return r;
	record_text(fam, !!before, text, sizeof(text));
	return journal_file_write(run_dir, path, text);
}

int forwarding_record_remove(const char *run_dir, const struct forwarding_family *fam)
{
	char path[PATH_MAX];
	int r = record_path(run_dir, fam, path, sizeof(path));

	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

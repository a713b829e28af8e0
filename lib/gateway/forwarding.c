/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/forwarding.h"
#include "core/journal.h"

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"
#define RECORD_MAGIC "usbnet-host-gateway 1\n"

int forwarding_sysctl_get(int *ret)
{
	char buf[8] = "";
	ssize_t n;
	int fd = open(IP_FORWARD, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	if (strcmp(buf, "0\n") == 0)
		*ret = 0;
	else if (strcmp(buf, "1\n") == 0)
		*ret = 1;
	else
		return -EBADMSG;
	return 0;
}

int forwarding_sysctl_set(int value)
{
	const char *v = value ? "1\n" : "0\n";
	int fd = open(IP_FORWARD, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, 2) != 2)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int record_path(const char *run_dir, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", run_dir, GATEWAY_RECORD_NAME);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int gateway_record_parse(const char *text, size_t len, int *ret_before)
{
	static const char *const good[] = {
	    RECORD_MAGIC "forwarding-before 0\nend\n",
	    RECORD_MAGIC "forwarding-before 1\nend\n",
	};

	for (int i = 0; i < 2; i++)
		if (len == strlen(good[i]) && memcmp(text, good[i], len) == 0) {
			*ret_before = i;
			return 0;
		}
	return -EBADMSG;
}

int gateway_record_read(const char *run_dir, int *ret_before)
{
	char path[PATH_MAX], buf[128];
	ssize_t n;
	int fd, r;

	r = record_path(run_dir, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	return gateway_record_parse(buf, (size_t)n, ret_before);
}

int gateway_record_write(const char *run_dir, int before)
{
	char path[PATH_MAX], text[64];
	int r;

	r = record_path(run_dir, path, sizeof(path));
	if (r < 0)
		return r;
	snprintf(text, sizeof(text), RECORD_MAGIC "forwarding-before %d\nend\n", !!before);
	return journal_file_write(run_dir, path, text);
}

int gateway_record_remove(const char *run_dir)
{
	char path[PATH_MAX];
	int r = record_path(run_dir, path, sizeof(path));

	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-interface sysctls of this network namespace: /proc/sys/net/FAMILY/conf/IFNAME/KEY, for
 * the real netlink backend's sysctl_get and sysctl_set (core/backend.h). The interface name and
 * the key are checked before they become a path: no '/', no "." or "..", nothing long.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ifname.h"
#include "netlink/netlink-internal.h"

static bool key_valid(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > 32)
		return false;
	for (const char *c = key; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return false;
	return true;
}

static int sysctl_path(const char *ifname, const char *family, const char *key, char *buf,
		       size_t len)
{
	char dir[64];
	struct stat st;
	int n;

	if ((strcmp(family, "ipv4") != 0 && strcmp(family, "ipv6") != 0) || !key_valid(key) ||
	    !ifname_valid(ifname))
		return -EINVAL;
	snprintf(dir, sizeof(dir), "/proc/sys/net/%s/conf", family);
	if (stat(dir, &st) < 0)
		return errno == ENOENT ? -EAFNOSUPPORT : -errno;
	n = snprintf(buf, len, "%s/%s", dir, ifname);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (stat(buf, &st) < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	n = snprintf(buf, len, "%s/%s/%s", dir, ifname, key);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int nl_sysctl_get(void *h, const char *ifname, const char *family, const char *key, int *ret)
{
	char path[PATH_MAX], buf[32] = "", *end;
	ssize_t n;
	long v;
	int fd, r;

	(void)h;
	r = sysctl_path(ifname, family, key, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0') || v < INT_MIN || v > INT_MAX)
		return -EBADMSG;
	*ret = (int)v;
	return 0;
}

int nl_sysctl_set(void *h, const char *ifname, const char *family, const char *key, int value)
{
	char path[PATH_MAX], buf[16];
	int fd, n, r;

	(void)h;
	r = sysctl_path(ifname, family, key, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", value);
	r = write(fd, buf, (size_t)n) == n ? 0 : (errno ? -errno : -EIO);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	/* The interface went between the check and the write. */
	return r == -ENOENT ? -ENODEV : r;
}

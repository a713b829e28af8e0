/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/lock.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lock_acquire(const char *run_dir, const char *ifname, unsigned timeout_ms, int *ret_fd)
{
	char path[PATH_MAX];
	long long deadline = now_ms() + timeout_ms;
	int fd, n;

	if (strchr(ifname, '/') || strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0)
		return -EINVAL;
	n = snprintf(path, sizeof(path), "%s/%s.lock", run_dir, ifname);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (mkdir(run_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
again:
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	/* flock has no timeout of its own: poll, a few times a second. */
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			struct stat a, b;

			/* The holder before us may have removed the file (lock_remove): a lock on
			 * an unlinked file guards nothing. Take the one at the path now. */
			if (fstat(fd, &a) == 0 && (stat(path, &b) < 0 || a.st_ino != b.st_ino ||
						   a.st_dev != b.st_dev)) {
				close(fd);
				goto again;
			}
			break;
		}
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int r = -errno;

			close(fd);
			return r;
		}
		if (now_ms() >= deadline) {
			close(fd);
			return -EWOULDBLOCK;
		}
		usleep(20 * 1000);
	}
	*ret_fd = fd;
	return 0;
}

int lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
	return -1;
}

void lock_remove(const char *run_dir, const char *name)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s.lock", run_dir, name);
	if (n > 0 && (size_t)n < sizeof(path))
		unlink(path);
}

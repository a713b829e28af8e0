/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether NetworkManager runs, for the one case where the library cannot ask it: its module
 * (libnm) is not installed. Then the only question is whether that matters, and it matters
 * when the daemon runs: a process whose name (comm) is "NetworkManager", as pidof finds it.
 * The system bus being there says nothing (every desktop has one, NetworkManager or not), and
 * its pid file is written or not depending on how it was started. A daemon in another PID
 * namespace (the host of a container) is not seen, and does not manage this one's links.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nm/nm-running.h"

static bool comm_is(int proc_fd, const char *pid, const char *name)
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/comm", pid) >= (int)sizeof(path))
		return false;
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false; /* gone meanwhile */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, name) == 0;
}

bool nm_daemon_running(void)
{
	struct dirent *de;
	bool found = false;
	DIR *d = opendir("/proc");

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
		    de->d_name[strspn(de->d_name, "0123456789")] != '\0')
			continue;
		found = comm_is(dirfd(d), de->d_name, "NetworkManager");
	}
	closedir(d);
	return found;
}

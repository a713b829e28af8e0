/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The DNS forwarder of a gateway peer: dnsmasq, spawned with an argument vector (never a
 * shell), daemonising itself. Its first process stays until the daemon has bound its socket
 * and dropped its privileges, and exits with dnsmasq's status (0, or 1 configuration, 2
 * network, 3 file system, 4 memory, 5 other) after saying why on stderr: that status and those
 * words are what start reports. The daemon is reparented to init (or the service manager),
 * never left a zombie of ours.
 *
 * A process is the recorded forwarder only when its pid, its start time and its name
 * ("dnsmasq") all match; it is signalled through a pidfd taken after that check, so a pid
 * reused in between is never signalled.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/backend.h"
#include "core/journal.h"
#include "dns/dhcp-server.h"
#include "dns/dnsmasq.h"
#include "dns/ra-server.h"

#define START_TIMEOUT_MS 10000
#define TERM_TIMEOUT_MS 3000
#define KILL_TIMEOUT_MS 2000

/* ---- handles ------------------------------------------------------------------------------ */

int dns_handle_format(const struct dns_handle *h, char *buf, size_t len)
{
	int n;

	if (h->pid < 0 || (h->pid == 0 && h->start_time != 0))
		return -EINVAL;
	if (h->pid == 0)
		n = snprintf(buf, len, "-");
	else
		n = snprintf(buf, len, "%d %" PRIu64, h->pid, h->start_time);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* A decimal without sign or leading zero, at most max. */
static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (n == 0 || (s[0] == '0' && n > 1))
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -EBADMSG;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

int dns_handle_parse(const char *s, struct dns_handle *ret)
{
	const char *sp;
	uint64_t pid, start;

	if (strcmp(s, "-") == 0) {
		*ret = (struct dns_handle){0};
		return 0;
	}
	sp = strchr(s, ' ');
	if (!sp || parse_u64(s, (size_t)(sp - s), INT_MAX, &pid) < 0 || pid == 0 ||
	    parse_u64(sp + 1, strlen(sp + 1), UINT64_MAX, &start) < 0)
		return -EBADMSG;
	*ret = (struct dns_handle){.pid = (int)pid, .start_time = start};
	return 0;
}

int dnsmasq_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s.dnsmasq.pid", run_dir, ifname);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* ---- the argument vector ------------------------------------------------------------------ */

struct argv_builder {
	struct dnsmasq_argv *a;
	size_t n, used;
	bool full;
};

static void arg_add(struct argv_builder *b, const char *prefix, const char *val)
{
	size_t room = sizeof(b->a->storage) - b->used;
	int n;

	if (b->full || b->n + 1 >= DNSMASQ_ARGV_MAX) {
		b->full = true;
		return;
	}
	n = snprintf(b->a->storage + b->used, room, "%s%s", prefix, val);
	if (n < 0 || (size_t)n >= room) {
		b->full = true;
		return;
	}
	b->a->argv[b->n++] = b->a->storage + b->used;
	b->used += (size_t)n + 1;
}

int dnsmasq_build_argv(const struct dnsmasq_conf *conf, const char *pid_path, struct in_addr host,
		       const struct in6_addr *host6, struct dnsmasq_argv *ret)
{
	struct argv_builder b = {.a = ret};
	char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];

	memset(ret, 0, sizeof(*ret));
	inet_ntop(AF_INET, &host, a, sizeof(a));
	arg_add(&b, "", conf && conf->dnsmasq ? conf->dnsmasq : DNSMASQ_PATH);
	/* Not /etc/dnsmasq.conf (nor the /etc/dnsmasq.d it may name): another dnsmasq's
	 * configuration (DHCP ranges, interfaces) is not this forwarder's. */
	arg_add(&b, "", "--conf-file=/dev/null");
	arg_add(&b, "--pid-file=", pid_path);
	/* The peer-side address only: bound to that address (no wildcard socket, no loopback),
	 * so several peers' forwarders and the host's own resolver live side by side. */
	arg_add(&b, "--listen-address=", a);
	/* IPv6 shared on the link: its address PREFIX::1 as well, what the router advertisements
	 * name as the peer's name server (RDNSS). */
	if (host6)
		arg_add(&b, "--listen-address=", inet_ntop(AF_INET6, host6, a6, sizeof(a6)));
	arg_add(&b, "", "--bind-interfaces");
	arg_add(&b, "", "--except-interface=lo");
	arg_add(&b, "", "--port=53");
	/* No DHCP and no TFTP: without --dhcp-range or --enable-tftp dnsmasq serves neither. */
	/* The host's /etc/hosts names the host's own loopback addresses: not for the peer. */
	arg_add(&b, "", "--no-hosts");
	/* Plain names and private reverse lookups stay local rather than leaking upstream. */
	arg_add(&b, "", "--domain-needed");
	arg_add(&b, "", "--bogus-priv");
	if (conf && conf->n_servers > 0) {
		arg_add(&b, "", "--no-resolv");
		for (size_t i = 0; i < conf->n_servers && i < DNSMASQ_MAX_SERVERS; i++) {
			char s[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &conf->servers[i], s, sizeof(s));
			arg_add(&b, "--server=", s);
		}
	} else {
		arg_add(&b, "--resolv-file=",
			conf && conf->resolv_file ? conf->resolv_file : "/etc/resolv.conf");
	}
	if (b.full)
		return -E2BIG;
	ret->argv[b.n] = NULL;
	return 0;
}

/* ---- processes ---------------------------------------------------------------------------- */

int dnsmasq_parse_stat(const char *line, char *comm, size_t comm_len, char *ret_state,
		       uint64_t *ret_start)
{
	/* "PID (COMM) S f4 ... f22 ...": COMM may hold spaces and parentheses; it ends at the
	 * last ")". */
	const char *open = strchr(line, '('), *close = strrchr(line, ')'), *p;
	size_t n;

	if (!open || !close || close < open || close[1] != ' ' || !close[2])
		return -EBADMSG;
	n = (size_t)(close - open - 1);
	if (n >= comm_len)
		n = comm_len - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	*ret_state = close[2];
	/* field 3 is the state; the start time is field 22, 19 spaces further on */
	p = close + 2;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EBADMSG;
		p++;
	}
	n = strcspn(p, " \n");
	return parse_u64(p, n, UINT64_MAX, ret_start);
}

struct proc_info {
	char comm[32];
	char state;
	uint64_t start;
};

static int proc_read(int pid, struct proc_info *ret)
{
	char path[64], line[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n < 0)
		return -ESRCH; /* a process that went as we read */
	line[n] = '\0';
	return dnsmasq_parse_stat(line, ret->comm, sizeof(ret->comm), &ret->state, &ret->start);
}

/* 1 when pid is a live dnsmasq; with start != 0 it must also have started then. */
static int is_dnsmasq(int pid, uint64_t start)
{
	struct proc_info pi;

	if (pid <= 0 || proc_read(pid, &pi) < 0)
		return 0;
	if (strcmp(pi.comm, "dnsmasq") != 0 || pi.state == 'Z' || pi.state == 'X')
		return 0;
	return start == 0 || pi.start == start;
}

int dnsmasq_alive(const struct dns_handle *h)
{
	return h->pid > 0 && is_dnsmasq(h->pid, h->start_time);
}

static int pidfd_open_(int pid)
{
#ifdef SYS_pidfd_open
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : fd;
#else
	return -ENOSYS;
#endif
}

static int pidfd_kill(int pidfd, int pid, int sig)
{
#ifdef SYS_pidfd_send_signal
	if (pidfd >= 0)
		return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
#endif
	return kill(pid, sig) < 0 ? -errno : 0;
}

int dnsmasq_pidfd(const struct dns_handle *h)
{
	int fd;

	if (!dnsmasq_alive(h))
		return -ESRCH;
	fd = pidfd_open_(h->pid);
	if (fd < 0)
		return fd;
	/* The pidfd names whatever had the pid when it was opened: check again that it was ours. */
	if (!dnsmasq_alive(h)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until the process is gone: the pidfd becomes readable when it exits; without one,
 * look at /proc. 1 when gone, 0 on timeout. */
static int wait_gone(int pidfd, const struct dns_handle *h, unsigned timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;

	for (;;) {
		int64_t left = end - now_ms();

		if (pidfd >= 0) {
			struct pollfd p = {.fd = pidfd, .events = POLLIN};

			if (left < 0)
				left = 0;
			if (poll(&p, 1, (int)left) > 0)
				return 1;
		} else if (!dnsmasq_alive(h)) {
			return 1;
		} else {
			usleep(20000);
		}
		if (now_ms() >= end)
			return pidfd >= 0 ? 0 : !dnsmasq_alive(h);
	}
}

/* The pid a pid file names, when it is a dnsmasq that runs with exactly this pid file. dnsmasq
 * writes it as root and then gives it to the user it drops to (nobody): only the file it has
 * just written (fresh, at the start) is read so; dnsmasq_start() puts a copy of our own in its
 * place at once, and any other is trusted only when it is ours (owned by this process's user). */
static int pid_from_file(const char *pid_path, bool fresh, struct dns_handle *ret)
{
	char buf[32], want[PATH_MAX + 16], cmd[8192], path[64];
	struct proc_info pi;
	struct stat st;
	uint64_t pid;
	ssize_t n;
	size_t len = 0;
	int fd;

	fd = open(pid_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (!fresh && st.st_uid != geteuid())) {
		close(fd);
		return -EPERM;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	if (parse_u64(buf, strcspn(buf, "\n"), INT_MAX, &pid) < 0 || pid == 0)
		return -ESRCH;
	if (!is_dnsmasq((int)pid, 0) || proc_read((int)pid, &pi) < 0)
		return -ESRCH;
	/* Its command line names this pid file: it is the forwarder of this interface. */
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	snprintf(want, sizeof(want), "--pid-file=%s", pid_path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	while (len < sizeof(cmd) - 1 && (n = read(fd, cmd + len, sizeof(cmd) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	cmd[len] = '\0';
	for (size_t i = 0; i < len; i += strlen(cmd + i) + 1)
		if (strcmp(cmd + i, want) == 0) {
			*ret = (struct dns_handle){.pid = (int)pid, .start_time = pi.start};
			return 0;
		}
	return -ESRCH;
}

static void remove_pid_file(const char *pid_path, int pid)
{
	char buf[32];
	uint64_t v;
	ssize_t n;
	int fd = open(pid_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* Not when it names another live forwarder (one started since, for the same peer). */
	if (n > 0 && parse_u64(buf, strcspn(buf, "\n"), INT_MAX, &v) == 0 && (int)v != pid &&
	    is_dnsmasq((int)v, 0))
		return;
	unlink(pid_path);
}

int dnsmasq_stop(const char *run_dir, const char *ifname, const struct dns_handle *h)
{
	char pid_path[PATH_MAX];
	int r;

	r = dnsmasq_pid_path(run_dir, ifname, pid_path, sizeof(pid_path));
	if (r < 0)
		return r;
	return dnsmasq_stop_pid_file(pid_path, h);
}

int dnsmasq_stop_pid_file(const char *pid_path, const struct dns_handle *h)
{
	struct dns_handle target = *h;
	int pidfd, r;

	if (target.pid == 0 && pid_from_file(pid_path, false, &target) < 0) {
		remove_pid_file(pid_path, 0);
		return 0; /* recorded ahead of a start that did not happen, or gone */
	}
	pidfd = dnsmasq_pidfd(&target);
	if (pidfd == -ESRCH) {
		remove_pid_file(pid_path, target.pid);
		return 0; /* gone, or the pid is another process's now */
	}
	if (pidfd < 0 && pidfd != -ENOSYS)
		return pidfd;
	if (pidfd < 0 && !dnsmasq_alive(&target))
		return 0;
	r = pidfd_kill(pidfd, target.pid, SIGTERM);
	if (r == 0 && !wait_gone(pidfd, &target, TERM_TIMEOUT_MS)) {
		r = pidfd_kill(pidfd, target.pid, SIGKILL);
		if (r == 0 && !wait_gone(pidfd, &target, KILL_TIMEOUT_MS))
			r = -ETIMEDOUT;
	}
	if (r == -ESRCH)
		r = 0;
	if (pidfd >= 0)
		close(pidfd);
	if (r == 0)
		remove_pid_file(pid_path, target.pid);
	return r;
}

/* ---- start -------------------------------------------------------------------------------- */

/* Where the address is: 0 on ifname, -EADDRNOTAVAIL elsewhere or nowhere (errbuf says). */
int dnsmasq_check_address(const char *ifname, struct in_addr host, char *errbuf, size_t errlen)
{
	struct ifaddrs *ifa, *i;
	char a[INET_ADDRSTRLEN], on[USBNET_IFNAMSIZ] = "";
	int r = -EADDRNOTAVAIL;

	if (getifaddrs(&ifa) < 0) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot list the host's addresses: %s", strerror(-r));
		return r;
	}
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)i->ifa_addr;

		if (!sin || sin->sin_family != AF_INET || sin->sin_addr.s_addr != host.s_addr)
			continue;
		if (strcmp(i->ifa_name, ifname) == 0) {
			r = 0;
			break;
		}
		snprintf(on, sizeof(on), "%s", i->ifa_name);
	}
	freeifaddrs(ifa);
	inet_ntop(AF_INET, &host, a, sizeof(a));
	if (r < 0 && on[0])
		snprintf(errbuf, errlen,
			 "%s is on %s, not on %s: the forwarder listens on the "
			 "peer's side only",
			 a, on, ifname);
	else if (r < 0)
		snprintf(errbuf, errlen, "%s is on no interface of this host (not on %s)", a,
			 ifname);
	return r;
}

/* dnsmasq's words: its last non-empty line, without the trailing newline. */
static void last_words(char *out, size_t len, char *text)
{
	char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	start = strrchr(text, '\n');
	start = start ? start + 1 : text;
	snprintf(out, len, "%s", *start ? start : "dnsmasq said nothing");
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

static int status_to_errno(int status, const char *words)
{
	if (strstr(words, "Address already in use"))
		return -EBUSY; /* not -EADDRINUSE: up uses that for a clashing subnet */
	if (strstr(words, "Cannot assign requested address"))
		return -EADDRNOTAVAIL;
	if (strstr(words, "Permission denied") || strstr(words, "Operation not permitted"))
		return -EPERM;
	switch (status) {
	case 1:
		return -EINVAL;
	case 4:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

/* Spawn dnsmasq with its output on a pipe; wait for its first process (bounded) and keep what
 * it said. */
static int spawn_and_wait(char *const argv[], int *ret_status, char *out, size_t outlen)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, deflt;
	int pfd[2], status = 0, r;
	size_t used = 0;
	bool exited = false;
	int64_t end, exited_at = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	posix_spawnattr_init(&attr);
	/* The watcher blocks SIGTERM for its signalfd: the forwarder must not inherit that. */
	sigemptyset(&none);
	sigfillset(&deflt);
	sigdelset(&deflt, SIGKILL);
	sigdelset(&deflt, SIGSTOP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &deflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	r = posix_spawn(&pid, argv[0], &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		return -r;
	}

	out[0] = '\0';
	end = now_ms() + START_TIMEOUT_MS;
	for (;;) {
		struct pollfd p = {.fd = pfd[0], .events = POLLIN};
		char chunk[512];
		ssize_t n;

		if (!exited) {
			pid_t w = waitpid(pid, &status, WNOHANG);

			if (w == pid) {
				exited = true;
				exited_at = now_ms();
			}
		}
		n = read(pfd[0], chunk, sizeof(chunk));
		if (n > 0) {
			size_t k = (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;

			memcpy(out + used, chunk, k);
			used += k;
			out[used] = '\0';
			continue;
		}
		/* EOF: every writer is gone (the daemon holds /dev/null, not our pipe). A daemon
		 * that kept our pipe would not be waited for long: its first process said all. */
		if (exited && (n == 0 || now_ms() >= exited_at + 500))
			break;
		if (now_ms() >= end) {
			if (!exited) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
			}
			close(pfd[0]);
			return -ETIMEDOUT;
		}
		poll(&p, 1, exited ? 20 : 50);
	}
	close(pfd[0]);
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}

int dnsmasq_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		  struct in_addr host, const struct in6_addr *host6, struct dns_handle *ret,
		  char *errbuf, size_t errlen)
{
	char pid_path[PATH_MAX];
	struct dnsmasq_argv av;
	int r;

	errbuf[0] = '\0';
	r = dnsmasq_pid_path(run_dir, ifname, pid_path, sizeof(pid_path));
	if (r < 0) {
		snprintf(errbuf, errlen, "the run directory's name is too long");
		return r;
	}
	r = dnsmasq_build_argv(conf, pid_path, host, host6, &av);
	if (r < 0) {
		snprintf(errbuf, errlen, "dnsmasq's arguments are too long");
		return r;
	}
	return dnsmasq_spawn(av.argv, run_dir, pid_path, ifname, host, ret, errbuf, errlen);
}

int dnsmasq_spawn(char *const argv[], const char *run_dir, const char *pid_path,
		  const char *ifname, struct in_addr host, struct dns_handle *ret, char *errbuf,
		  size_t errlen)
{
	char out[2048], words[512];
	const char *bin = argv[0];
	struct dns_handle h = {0};
	int status = 0, r;

	errbuf[0] = '\0';
	if (access(bin, X_OK) < 0) {
		r = -errno;
		if (r == -ENOENT)
			snprintf(errbuf, errlen,
				 "dnsmasq is not installed (no %s): install the "
				 "package %s",
				 bin, DNSMASQ_PACKAGE);
		else
			snprintf(errbuf, errlen, "cannot run %s: %s", bin, strerror(-r));
		return r;
	}
	r = dnsmasq_check_address(ifname, host, errbuf, errlen);
	if (r < 0)
		return r;
	if (mkdir(run_dir, 0755) < 0 && errno != EEXIST) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot create %s: %s", run_dir, strerror(-r));
		return r;
	}
	/* A dnsmasq of this pid file left by a run that died before recording it. */
	dnsmasq_stop_pid_file(pid_path, &h);

	r = spawn_and_wait(argv, &status, out, sizeof(out));
	if (r == -ETIMEDOUT) {
		dnsmasq_stop_pid_file(pid_path, &h);
		snprintf(errbuf, errlen, "dnsmasq did not start within %d s",
			 START_TIMEOUT_MS / 1000);
		return r;
	}
	if (r < 0) {
		snprintf(errbuf, errlen, "cannot run %s: %s", bin, strerror(-r));
		return r;
	}
	last_words(words, sizeof(words), out);
	if (status != 0) {
		snprintf(errbuf, errlen, "%s (exit status %d)", words, status);
		dnsmasq_stop_pid_file(pid_path, &h);
		return status_to_errno(status, words);
	}
	/* The daemon wrote its pid file before its first process exited. */
	r = pid_from_file(pid_path, true, &h);
	if (r < 0) {
		snprintf(errbuf, errlen, "dnsmasq started but %s does not name a running dnsmasq",
			 pid_path);
		return -EIO;
	}
	/* dnsmasq gave the file to nobody: ours replaces it (root's, 0644), so that nothing in
	 * the run directory is the forwarder's to write. */
	snprintf(words, sizeof(words), "%d\n", h.pid);
	r = journal_file_write(run_dir, pid_path, words);
	if (r < 0) {
		dnsmasq_stop_pid_file(pid_path, &h);
		snprintf(errbuf, errlen, "cannot write %s: %s", pid_path, strerror(-r));
		return r;
	}
	*ret = h;
	return 0;
}

/* ---- the real ops (backend.h) ------------------------------------------------------------- */

static int real_start(void *h, const char *run_dir, const char *ifname, struct in_addr host,
		      const struct in6_addr *host6, struct dns_handle *ret, char *errbuf,
		      size_t errlen)
{
	return dnsmasq_start(h, run_dir, ifname, host, host6, ret, errbuf, errlen);
}

static int real_alive(void *h, const struct dns_handle *dh)
{
	return dnsmasq_alive(dh);
}

static int real_stop(void *h, const char *run_dir, const char *ifname, const struct dns_handle *dh)
{
	return dnsmasq_stop(run_dir, ifname, dh);
}

static int real_dhcp_start(void *h, const char *run_dir, const char *ifname,
			   const struct dhcp_server_spec *spec, struct dns_handle *ret,
			   char *errbuf, size_t errlen)
{
	return dhcp_server_start(h, run_dir, ifname, spec, ret, errbuf, errlen);
}

static int real_dhcp_stop(void *h, const char *run_dir, const char *ifname,
			  const struct dns_handle *dh)
{
	return dhcp_server_stop(run_dir, ifname, dh);
}

static int real_ra_start(void *h, const char *run_dir, const char *ifname,
			 const struct ra_spec *spec, struct dns_handle *ret, char *errbuf,
			 size_t errlen)
{
	return ra_server_start(h, run_dir, ifname, spec, ret, errbuf, errlen);
}

static int real_ra_stop(void *h, const char *run_dir, const char *ifname,
			const struct dns_handle *dh)
{
	return ra_server_stop(run_dir, ifname, dh);
}

const struct usbnet_dns_ops dns_real_ops = {
    .start = real_start,
    .alive = real_alive,
    .stop = real_stop,
    .dhcp_start = real_dhcp_start,
    .dhcp_stop = real_dhcp_stop,
    .ra_start = real_ra_start,
    .ra_stop = real_ra_stop,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A DNS forwarder for one gateway peer: dnsmasq, run as its own daemon (it outlives the `up`
 * that started it), bound to the host's peer-side address alone, forwarding to the host's
 * resolvers. A forwarder is known by a handle, its pid and the start time of that process
 * (/proc/PID/stat field 22), so that a pid the kernel gave to another process since is never
 * signalled.
 */
#ifndef USBNET_DNSMASQ_H
#define USBNET_DNSMASQ_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/backend.h"

#define DNSMASQ_PATH "/usr/sbin/dnsmasq"
#define DNSMASQ_PACKAGE "dnsmasq-base"
#define DNSMASQ_MAX_SERVERS 3

/* struct dns_handle is in core/backend.h (the dns ops take it). */

/*
 * How the real forwarder is run (the handle of dns_real_ops; NULL means all defaults).
 * Tests name the upstream servers; otherwise dnsmasq reads resolv_file and follows its
 * changes (systemd-resolved's 127.0.0.53 works: dnsmasq runs on the host, loopback is its).
 */
struct dnsmasq_conf {
	const char *dnsmasq;	 /* NULL: DNSMASQ_PATH */
	const char *resolv_file; /* NULL: /etc/resolv.conf */
	struct in_addr servers[DNSMASQ_MAX_SERVERS];
	size_t n_servers; /* > 0: these and no resolv file */
};

/* "PID START" in a state record line, or "-" for pid 0. Strict: canonical decimals only. */
int dns_handle_format(const struct dns_handle *h, char *buf, size_t len);
int dns_handle_parse(const char *s, struct dns_handle *ret);

/* RUN_DIR/IFNAME.dnsmasq.pid */
int dnsmasq_pid_path(const char *run_dir, const char *ifname, char *buf, size_t len);

/*
 * The argument vector dnsmasq runs with (NULL-terminated, strings in storage): pure, for the
 * tests. Only the peer-side address (and host6, the link's IPv6 one, unless NULL), port 53, no DHCP
 * or TFTP, no /etc/dnsmasq.conf, no /etc/hosts.
 */
#define DNSMASQ_ARGV_MAX 24
struct dnsmasq_argv {
	char *argv[DNSMASQ_ARGV_MAX];
	char storage[2048];
};
int dnsmasq_build_argv(const struct dnsmasq_conf *conf, const char *pid_path, struct in_addr host,
		       const struct in6_addr *host6, struct dnsmasq_argv *ret);

/* From one /proc/PID/stat line: comm, the state letter and the start time (field 22). */
int dnsmasq_parse_stat(const char *line, char *comm, size_t comm_len, char *ret_state,
		       uint64_t *ret_start);

/*
 * The real forwarder. start: -ENOENT (dnsmasq not installed), -EADDRNOTAVAIL (the address is
 * not on ifname), -EBUSY (port 53 taken on it), -EINVAL, -EIO...; errbuf says why in words
 * (dnsmasq's own, when it said something). alive: 1 when the handle's process is still that
 * dnsmasq, 0 otherwise. stop: SIGTERM, a bounded wait, SIGKILL; 0 when stopped or gone; a
 * process that is not the recorded dnsmasq is never signalled. A handle with pid 0 stands for
 * whatever dnsmasq runs with this interface's pid file. start first stops a dnsmasq that runs
 * with this interface's pid file (left by a run that died before recording it): callers check
 * alive() on a recorded forwarder before starting another.
 */
int dnsmasq_start(const struct dnsmasq_conf *conf, const char *run_dir, const char *ifname,
		  struct in_addr host, const struct in6_addr *host6, struct dns_handle *ret,
		  char *errbuf, size_t errlen);
int dnsmasq_alive(const struct dns_handle *h);
int dnsmasq_stop(const char *run_dir, const char *ifname, const struct dns_handle *h);

/* What start and stop do, for any dnsmasq of ours (those on a link too, link-dnsmasq.c): run
 * argv (argv[0] the binary) once host is on ifname, after stopping a dnsmasq left with the same
 * pid file; stop the one of a handle (pid 0: of the pid file). */
int dnsmasq_spawn(char *const argv[], const char *run_dir, const char *pid_path, const char *ifname,
		  struct in_addr host, struct dns_handle *ret, char *errbuf, size_t errlen);
int dnsmasq_stop_pid_file(const char *pid_path, const struct dns_handle *h);
/* 0 when host is on ifname; -EADDRNOTAVAIL (errbuf says where it is) otherwise. */
int dnsmasq_check_address(const char *ifname, struct in_addr host, char *errbuf, size_t errlen);
/* A pidfd (CLOEXEC) of the handle's process, readable when it exits: for the supervisor's
 * poll set. -ESRCH when it is not running, -ENOSYS before Linux 5.3. */
int dnsmasq_pidfd(const struct dns_handle *h);

#endif

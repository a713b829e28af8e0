/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A dnsmasq of its own on a peer's link: what the DHCP server and the RA server share
 * (link-dnsmasq.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dns/link-dnsmasq.h"

struct link_dnsmasq_args {
	struct dnsmasq_argv *a;
	size_t n, used;
	bool full;
};

int link_dnsmasq_path(const char *run_dir, const char *ifname, const char *suffix, char *buf,
		      size_t len)
{
	int n = snprintf(buf, len, "%s/%s.%s", run_dir, ifname, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void link_dnsmasq_add(struct link_dnsmasq_args *b, const char *fmt, ...)
{
	size_t room = sizeof(b->a->storage) - b->used;
	va_list ap;
	int n;

	if (b->full || b->n + 1 >= DNSMASQ_ARGV_MAX) {
		b->full = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->a->storage + b->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		b->full = true;
		return;
	}
	b->a->argv[b->n++] = b->a->storage + b->used;
	b->used += (size_t)n + 1;
}

/* What every dnsmasq on a link runs with, ahead of its own options. */
static void common_options(struct link_dnsmasq_args *b, const struct dnsmasq_conf *conf,
			   const char *pid_path, const char *ifname)
{
	link_dnsmasq_add(b, "%s", conf && conf->dnsmasq ? conf->dnsmasq : DNSMASQ_PATH);
	/* Not /etc/dnsmasq.conf: another dnsmasq's ranges and options are not this one's. */
	link_dnsmasq_add(b, "--conf-file=/dev/null");
	link_dnsmasq_add(b, "--pid-file=%s", pid_path);
	/* No DNS here (the forwarder, when there is one, is the dnsmasq step's). */
	link_dnsmasq_add(b, "--port=0");
	/* This link alone: with one --interface and --bind-interfaces, dnsmasq binds its sockets
	 * to the device (SO_BINDTODEVICE): nothing is announced on another link, nothing asked on
	 * one (a DHCP DISCOVER) is ever seen. */
	link_dnsmasq_add(b, "--interface=%s", ifname);
	link_dnsmasq_add(b, "--bind-interfaces");
	link_dnsmasq_add(b, "--except-interface=lo");
	link_dnsmasq_add(b, "--no-hosts");
}

int link_dnsmasq_build_argv(const struct link_dnsmasq *ld, const struct dnsmasq_conf *conf,
			    const char *pid_path, const char *lease_path, const char *ifname,
			    const void *spec, struct dnsmasq_argv *ret)
{
	struct link_dnsmasq_args b = {.a = ret};

	memset(ret, 0, sizeof(*ret));
	common_options(&b, conf, pid_path, ifname);
	ld->options(&b, lease_path, spec);
	if (b.full)
		return -E2BIG;
	ret->argv[b.n] = NULL;
	return 0;
}

/* Its pid file's path, and its lease file's (lease_path "" when it keeps none). */
static int paths(const struct link_dnsmasq *ld, const char *run_dir, const char *ifname,
		 char pid_path[PATH_MAX], char lease_path[PATH_MAX])
{
	lease_path[0] = '\0';
	if (link_dnsmasq_path(run_dir, ifname, ld->pid_suffix, pid_path, PATH_MAX) < 0 ||
	    (ld->lease_suffix &&
	     link_dnsmasq_path(run_dir, ifname, ld->lease_suffix, lease_path, PATH_MAX) < 0))
		return -ENAMETOOLONG;
	return 0;
}

int link_dnsmasq_start(const struct link_dnsmasq *ld, const struct dnsmasq_conf *conf,
		       const char *run_dir, const char *ifname, const void *spec,
		       struct in_addr host, struct dns_handle *ret, char *errbuf, size_t errlen)
{
	char pid_path[PATH_MAX], lease_path[PATH_MAX];
	struct dnsmasq_argv av;
	int r;

	errbuf[0] = '\0';
	if (paths(ld, run_dir, ifname, pid_path, lease_path) < 0) {
		snprintf(errbuf, errlen, "the run directory's name is too long");
		return -ENAMETOOLONG;
	}
	r = link_dnsmasq_build_argv(ld, conf, pid_path, ld->lease_suffix ? lease_path : NULL,
				    ifname, spec, &av);
	if (r < 0) {
		snprintf(errbuf, errlen, "dnsmasq's arguments are too long");
		return r;
	}
	return dnsmasq_spawn(av.argv, run_dir, pid_path, ifname, host, ret, errbuf, errlen);
}

int link_dnsmasq_stop(const struct link_dnsmasq *ld, const char *run_dir, const char *ifname,
		      const struct dns_handle *h)
{
	char pid_path[PATH_MAX], lease_path[PATH_MAX];
	int r;

	if (paths(ld, run_dir, ifname, pid_path, lease_path) < 0)
		return -ENAMETOOLONG;
	r = dnsmasq_stop_pid_file(pid_path, h);
	if (r < 0)
		return r;
	if (lease_path[0] && unlink(lease_path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watcher's supervision of DNS forwarders and DHCP servers (see dns-supervise.h). A pidfd
 * (Linux >= 5.3) tells the moment one exits, with no timer and no polling of /proc; an inotify watch
 * on the run directory tells when a record appeared, changed or went, so that a forwarder that
 * `up` started by hand is supervised as well. Without pidfds (older kernels), forwarders are
 * restarted at each reconcile only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "dns/dns-supervise.h"
#include "core/lock.h"
#include "core/journal.h"
#include "dns/dhcp-up.h"
#include "dns/dns-up.h"
#include "core/ifname.h"

/* ---- what is supervised: a step kind whose process the watcher keeps running --------------- */

struct supervised {
	const struct step_kind *kind;
	const char *what; /* in the log: "the DNS forwarder of IF on ADDR" */
	struct dns_handle *(*handle)(void *data);
	/* start it again as the step says; errbuf says why not */
	int (*start)(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *ifname,
		     const struct state_record *rec, void *data, char *errbuf, size_t errlen);
};

static struct dns_handle *forwarder_handle(void *data)
{
	return &((struct dnsmasq_step *)data)->h;
}

static int forwarder_start(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			   const char *ifname, const struct state_record *rec, void *data,
			   char *errbuf, size_t errlen)
{
	const struct dnsmasq_step *d = data;

	return be->dns->start(be->dns_h, ctx->run_dir, ifname, rec->status.host.addr,
			      d->has_host6 ? &d->host6 : NULL, forwarder_handle(data), errbuf,
			      errlen);
}

static struct dns_handle *dhcp_handle(void *data)
{
	return &((struct dhcp_server_step *)data)->h;
}

/* The same spec, the same lease file: the peer's lease is read back by the new server. */
static int dhcp_start(struct usbnet_ctx *ctx, const struct usbnet_backends *be, const char *ifname,
		      const struct state_record *rec, void *data, char *errbuf, size_t errlen)
{
	struct dhcp_server_step *d = data;

	(void)rec;
	if (!be->dns->dhcp_start) {
		snprintf(errbuf, errlen, "no DHCP server backend here");
		return -EOPNOTSUPP;
	}
	return be->dns->dhcp_start(be->dns_h, ctx->run_dir, ifname, &d->spec, &d->h, errbuf,
				   errlen);
}

static const struct supervised supervised[] = {
	{&step_dnsmasq, "DNS forwarder", forwarder_handle, forwarder_start},
	{&step_dhcp_server, "DHCP server", dhcp_handle, dhcp_start},
};
#define N_SUPERVISED (sizeof(supervised) / sizeof(supervised[0]))

/* The recorded process of ifname, when the record has one (no lock: a quick look). */
static bool recorded_running(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			     const struct supervised *sv, const char *ifname,
			     struct dns_handle *ret)
{
	struct state_record rec;
	struct state_step *s;
	const struct dns_handle *h;

	if (journal_read(ctx, ifname, &rec) < 0 || !(s = journal_find(&rec, sv->kind, NULL)))
		return false;
	h = sv->handle(s->data.bytes);
	if (h->pid <= 0 || be->dns->alive(be->dns_h, h) <= 0)
		return false;
	*ret = *h;
	return true;
}

/*
 * may_start false: only say (2) that a restart is due. lock_ms 0: when another run holds the
 * interface's lock, leave it (-EWOULDBLOCK, nothing said): the supervisor looks again soon
 * (that run's record change may bring it back sooner), and the watcher never waits behind an
 * up that probes its peer.
 */
static int restart_recorded(struct usbnet_ctx *ctx, const struct supervised *sv,
			    const char *ifname, bool may_start, unsigned lock_ms,
			    struct dns_handle *ret_running)
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct state_record rec;
	struct state_step *step;
	struct dns_handle *dh;
	struct nl_link_info link;
	struct dns_handle h, none = {0};
	char err[600], addr[32];
	int lock = -1, r;

	if (ret_running)
		*ret_running = none;
	if (!be)
		return ctx_fail(ctx, -EIO, "cannot open the netlink backend");
	/* The common case, running: no lock taken. */
	if (recorded_running(ctx, be, sv, ifname, &h)) {
		if (ret_running)
			*ret_running = h;
		return 0;
	}
	r = lock_acquire(ctx->run_dir, ifname, lock_ms, &lock);
	if (r == -EWOULDBLOCK && lock_ms == 0)
		return -EWOULDBLOCK;
	if (r < 0)
		return ctx_fail(ctx, r, "cannot lock %s in %s: %s", ifname, ctx->run_dir,
				strerror(-r));
	r = journal_read(ctx, ifname, &rec);
	if (r == -ENOENT) {
		/* Gone (a down or an unplug's cleanup removed the record, and the lock file with
		 * it, while we waited): the lock file lock_acquire made again goes too, as down's
		 * does, or it stays in the run directory of an interface that has nothing. */
		lock_remove(ctx->run_dir, ifname);
		r = 0;
		goto out;
	}
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read the state record of %s", ifname);
		goto out;
	}
	step = journal_find(&rec, sv->kind, NULL);
	r = 0;
	if (!step || !rec.status.has_host ||
	    (rec.status.state != USBNET_STATE_CONFIGURED &&
	     rec.status.state != USBNET_STATE_DEGRADED))
		goto out;
	dh = sv->handle(step->data.bytes);
	if (dh->pid > 0 && be->dns->alive(be->dns_h, dh) > 0) {
		if (ret_running)
			*ret_running = *dh;
		goto out;
	}
	/* An interface that is gone (or replugged under the same name) is prune's to clean. */
	if (be->nl->link_get(be->nl_h, ifname, &link) < 0 || link.ifindex != rec.ifindex)
		goto out;
	if (!may_start) {
		r = 2;
		goto out;
	}

	h = *dh;
	/* written ahead: it is being started ("pending dnsmasq -", "pending dhcp-server - ...") */
	*dh = none;
	step->done = false;
	r = journal_write(ctx, &rec);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s", ctx->run_dir,
			     ifname, strerror(-r));
		goto out;
	}
	inet_ntop(AF_INET, &rec.status.host.addr, addr, sizeof(addr));
	err[0] = '\0';
	r = sv->start(ctx, be, ifname, &rec, step->data.bytes, err, sizeof(err));
	if (r < 0) {
		r = ctx_fail(ctx, r,
			     "the %s of %s on %s (pid %d) stopped and could not be started "
			     "again: %s",
			     sv->what, ifname, addr, h.pid, err);
		goto out;
	}
	step->done = true;
	r = journal_write(ctx, &rec);
	if (r < 0) {
		/* Not recorded: stop it rather than leave a forwarder that down would not find
		 * by its handle (the "-" step still finds it by its pid file). */
		ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s", ctx->run_dir,
			 ifname, strerror(-r));
		goto out;
	}
	ctx_log(ctx, USBNET_LOG_NOTICE, "%s: the %s on %s (pid %d) had stopped; started again (pid %d)",
		ifname, sv->what, addr, h.pid, dh->pid);
	if (ret_running)
		*ret_running = *dh;
	r = 1;
out:
	lock_release(lock);
	return r;
}

int dns_restart_recorded(struct usbnet_ctx *ctx, const char *ifname, struct dns_handle *ret_running)
{
	return restart_recorded(ctx, &supervised[0], ifname, true, LOCK_TIMEOUT_MS, ret_running);
}

int dhcp_restart_recorded(struct usbnet_ctx *ctx, const char *ifname,
			  struct dns_handle *ret_running)
{
	return restart_recorded(ctx, &supervised[1], ifname, true, LOCK_TIMEOUT_MS, ret_running);
}

/* ---- the supervisor ----------------------------------------------------------------------- */

struct dns_watch {
	char ifname[USBNET_IFNAMSIZ];
	const struct supervised *sv;
	struct dns_handle h;
	int pidfd;
	bool seen;
	time_t restarts[DNS_RESTART_BURST]; /* when it was last restarted, a ring */
	unsigned n_restarts;
	bool gave_up; /* said so once */
};

struct dns_supervisor {
	struct usbnet_ctx *ctx;
	int epfd, inofd, tfd;
	struct dns_watch **w;
	size_t n;
	int64_t retry_at; /* CLOCK_MONOTONIC ms when tfd fires, 0: not armed */
};

/* A look that could not settle (the lock was busy, the process went while it was being
 * watched) is taken again soon; a start that failed, later. */
#define RETRY_SOON_MS 500
#define RETRY_FAILED_MS 30000

int dns_supervisor_new(struct usbnet_ctx *ctx, struct dns_supervisor **ret)
{
	struct dns_supervisor *s = calloc(1, sizeof(*s));
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	int r;

	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->inofd = -1;
	s->tfd = -1;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		r = ctx_fail(ctx, -errno, "epoll: %s", strerror(errno));
		goto fail;
	}
	s->inofd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (s->inofd < 0) {
		r = ctx_fail(ctx, -errno, "inotify: %s", strerror(errno));
		goto fail;
	}
	if (mkdir(ctx->run_dir, 0755) < 0 && errno != EEXIST) {
		r = ctx_fail(ctx, -errno, "cannot create %s: %s", ctx->run_dir, strerror(errno));
		goto fail;
	}
	/* Records are replaced by rename and removed by unlink. */
	if (inotify_add_watch(s->inofd, ctx->run_dir, IN_MOVED_TO | IN_DELETE) < 0 ||
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->inofd, &ev) < 0) {
		r = ctx_fail(ctx, -errno, "cannot watch %s: %s", ctx->run_dir, strerror(errno));
		goto fail;
	}
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	ev.data.ptr = &s->tfd;
	if (s->tfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->tfd, &ev) < 0) {
		r = ctx_fail(ctx, -errno, "timerfd: %s", strerror(errno));
		goto fail;
	}
	*ret = s;
	return 0;
fail:
	dns_supervisor_free(s);
	return r;
}

static void watch_close(struct dns_supervisor *s, struct dns_watch *w)
{
	if (w->pidfd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, w->pidfd, NULL);
		close(w->pidfd);
		w->pidfd = -1;
	}
}

struct dns_supervisor *dns_supervisor_free(struct dns_supervisor *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		watch_close(s, s->w[i]);
		free(s->w[i]);
	}
	free(s->w);
	if (s->inofd >= 0)
		close(s->inofd);
	if (s->tfd >= 0)
		close(s->tfd);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s);
	return NULL;
}

int dns_supervisor_get_fd(const struct dns_supervisor *s)
{
	return s->epfd;
}

static struct dns_watch *watch_find(struct dns_supervisor *s, const struct supervised *sv,
				    const char *ifname)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->w[i]->sv == sv && strcmp(s->w[i]->ifname, ifname) == 0)
			return s->w[i];
	return NULL;
}

static struct dns_watch *watch_get(struct dns_supervisor *s, const struct supervised *sv,
				   const char *ifname)
{
	struct dns_watch *w = watch_find(s, sv, ifname), **nv;

	if (w)
		return w;
	w = calloc(1, sizeof(*w));
	nv = realloc(s->w, (s->n + 1) * sizeof(*nv));
	if (!w || !nv) {
		free(w);
		if (nv)
			s->w = nv;
		return NULL;
	}
	s->w = nv;
	snprintf(w->ifname, sizeof(w->ifname), "%s", ifname);
	w->sv = sv;
	w->pidfd = -1;
	s->w[s->n++] = w;
	return w;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Look at every record again in ms, or sooner when that is already due. */
static void retry_in(struct dns_supervisor *s, int64_t ms)
{
	int64_t at = now_ms() + ms;
	struct itimerspec its = {.it_value = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000}};

	if (s->retry_at && s->retry_at <= at)
		return;
	if (timerfd_settime(s->tfd, 0, &its, NULL) == 0)
		s->retry_at = at;
}

/*
 * Watch this process (pid 0: nothing runs). False when it went between the look that found it
 * running and its pidfd: no pidfd will ever tell, so the caller looks again.
 */
static bool watch_set(struct dns_supervisor *s, struct dns_watch *w, const struct dns_handle *h)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = w};
	int fd;

	if (w->pidfd >= 0 && w->h.pid == h->pid && w->h.start_time == h->start_time)
		return true;
	watch_close(s, w);
	w->h = *h;
	if (h->pid == 0)
		return true;
	fd = dnsmasq_pidfd(h);
	if (fd == -ESRCH)
		return false;
	if (fd < 0)
		return true; /* no pidfds here: each reconcile looks */
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return false;
	}
	w->pidfd = fd;
	return true;
}

/* Restarted DNS_RESTART_BURST times within the window already. */
static bool burst_exceeded(const struct dns_watch *w)
{
	return w->n_restarts >= DNS_RESTART_BURST &&
	       time(NULL) - w->restarts[w->n_restarts % DNS_RESTART_BURST] < DNS_RESTART_WINDOW_S;
}

static int supervise_one(struct dns_supervisor *s, struct dns_watch *w)
{
	struct dns_handle running;
	int r;

	r = restart_recorded(s->ctx, w->sv, w->ifname, !burst_exceeded(w), 0, &running);
	if (r == -EWOULDBLOCK) {
		retry_in(s, RETRY_SOON_MS); /* another run holds the lock */
	} else if (r < 0) {
		ctx_log(s->ctx, USBNET_LOG_ERR, "%s", usbnet_ctx_error(s->ctx));
		retry_in(s, RETRY_FAILED_MS);
	}
	if (r == 2 && !w->gave_up)
		ctx_log(s->ctx, USBNET_LOG_ERR,
			"%s: the %s stopped %d times within %d s; it is left stopped "
			"until its record changes (up again) or the watcher restarts",
			w->ifname, w->sv->what, DNS_RESTART_BURST, DNS_RESTART_WINDOW_S);
	w->gave_up = r == 2;
	if (r == 1) {
		w->restarts[w->n_restarts % DNS_RESTART_BURST] = time(NULL);
		w->n_restarts++;
	}
	if (!watch_set(s, w, &running))
		retry_in(s, RETRY_SOON_MS);
	return r == 1;
}

static void forget_unseen(struct dns_supervisor *s)
{
	size_t j = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->w[i]->seen) {
			s->w[j++] = s->w[i];
		} else {
			watch_close(s, s->w[i]);
			free(s->w[i]);
		}
	}
	s->n = j;
}

int dns_supervisor_reconcile(struct dns_supervisor *s)
{
	char **names = NULL;
	int n = 0;

	if (journal_list(s->ctx, &names) < 0)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		s->w[i]->seen = false;
	for (char **p = names; *p; p++) {
		struct state_record rec;

		if (journal_read(s->ctx, *p, &rec) < 0)
			continue;
		for (size_t k = 0; k < N_SUPERVISED; k++) {
			struct dns_watch *w;

			if (!journal_find(&rec, supervised[k].kind, NULL))
				continue;
			w = watch_get(s, &supervised[k], *p);
			if (!w)
				goto out;
			w->seen = true;
			n += supervise_one(s, w);
		}
	}
out:
	usbnet_strv_free(names);
	forget_unseen(s);
	return n;
}

int dns_supervisor_dispatch(struct dns_supervisor *s)
{
	struct epoll_event ev[16];
	bool records_changed = false;
	int n, restarted = 0;

	n = epoll_wait(s->epfd, ev, 16, 0);
	for (int i = 0; i < n; i++) {
		struct dns_watch *w = ev[i].data.ptr;

		if (ev[i].data.ptr == &s->tfd) {
			uint64_t ticks;

			/* EAGAIN: re-armed since; the look now does no harm */
			(void)!read(s->tfd, &ticks, sizeof(ticks));
			s->retry_at = 0;
			records_changed = true;
			continue;
		}
		if (!w) {
			char buf[4096];

			while (read(s->inofd, buf, sizeof(buf)) > 0)
				;
			records_changed = true;
			continue;
		}
		/* The process exited: its pidfd stays readable, so it leaves the set now. */
		watch_close(s, w);
		restarted += supervise_one(s, w);
	}
	if (records_changed)
		restarted += dns_supervisor_reconcile(s);
	return restarted;
}

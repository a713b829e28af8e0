/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watcher's scheduler (see sched.h): one list of jobs in the order they were submitted,
 * running ones included, and a worker process per running job. Each worker holds the write end
 * of a pipe (close-on-exec, so that a program it spawns does not keep it); the read end is in
 * the scheduler's epoll set and hangs up when the worker exits, which then is reaped by its pid
 * alone (never waitpid(-1): the watcher has other children, the DNS forwarders it restarts).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "watch/sched.h"

struct job {
	struct sched_job j;
	bool running;
	pid_t pid;
	int fd; /* the pipe's read end while it runs */
	struct job *next;
};

struct sched {
	unsigned max_workers;
	sched_run_fn run;
	sched_done_fn done;
	void *data;
	int epfd;
	struct job *head, **tail;
	unsigned n_running, n_waiting;
};

int sched_new(unsigned max_workers, sched_run_fn run, sched_done_fn done, void *data,
	      struct sched **ret)
{
	struct sched *s;

	if (max_workers < 1 || !run)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		int r = -errno;

		free(s);
		return r;
	}
	s->max_workers = max_workers;
	s->run = run;
	s->done = done;
	s->data = data;
	s->tail = &s->head;
	*ret = s;
	return 0;
}

int sched_get_fd(const struct sched *s)
{
	return s->epfd;
}

void sched_set_max_workers(struct sched *s, unsigned max_workers)
{
	if (max_workers >= 1)
		s->max_workers = max_workers;
}

unsigned sched_running(const struct sched *s)
{
	return s->n_running;
}

unsigned sched_waiting(const struct sched *s)
{
	return s->n_waiting;
}

static bool same_iface(const struct job *a, const struct job *b)
{
	return sched_kind_has_iface(a->j.kind) && sched_kind_has_iface(b->j.kind) &&
	       strcmp(a->j.ifname, b->j.ifname) == 0;
}

bool sched_busy(const struct sched *s, const char *ifname)
{
	for (const struct job *j = s->head; j; j = j->next)
		if (sched_kind_has_iface(j->j.kind) && strcmp(j->j.ifname, ifname) == 0)
			return true;
	return false;
}

static void unlink_job(struct sched *s, struct job *job)
{
	struct job **pp;

	for (pp = &s->head; *pp; pp = &(*pp)->next) {
		if (*pp == job) {
			*pp = job->next;
			if (s->tail == &job->next)
				s->tail = pp;
			return;
		}
	}
}

/* In the new worker: die with the watcher, leave the watcher's descriptors, do the job. */
static void __attribute__((noreturn)) worker_main(struct sched *s, struct job *job, pid_t parent,
						  int wfd)
{
	int status;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(125);
	close(s->epfd);
	for (struct job *j = s->head; j; j = j->next)
		if (j->running && j->fd >= 0)
			close(j->fd);
	status = s->run(s->data, &job->j);
	fflush(NULL);
	(void)wfd; /* closed by _exit: that hang-up tells the watcher */
	_exit(status & 0xff);
}

static int start(struct sched *s, struct job *job)
{
	pid_t parent = getpid(), pid;
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	/* Nothing buffered may be written twice (the worker flushes its own output). */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0) {
		close(p[0]);
		worker_main(s, job, parent, p[1]);
	}
	close(p[1]);
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, p[0],
		      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = job }) < 0) {
		/* Not watched: dispatch would never reap it. Wait for it here. */
		int r = -errno;

		close(p[0]);
		waitpid(pid, NULL, 0);
		return r;
	}
	job->running = true;
	job->pid = pid;
	job->fd = p[0];
	s->n_running++;
	s->n_waiting--;
	return 0;
}

/* Start every waiting job that the rules (sched.h) let start. */
static void start_ready(struct sched *s)
{
	for (struct job *job = s->head; job; job = job->next) {
		bool blocked = false;

		if (!sched_kind_has_iface(job->j.kind)) {
			/* Alone: only at the head (nothing before it runs or waits), and
			 * nothing after it starts. */
			if (job == s->head && !job->running)
				start(s, job);
			return;
		}
		if (job->running)
			continue;
		if (s->n_running >= s->max_workers)
			return;
		for (struct job *e = s->head; e != job; e = e->next)
			if (same_iface(e, job)) {
				blocked = true;
				break;
			}
		if (!blocked && start(s, job) < 0)
			return; /* cannot fork now: the next dispatch tries again */
	}
}

int sched_submit(struct sched *s, enum sched_kind kind, const char *ifname, const char *why)
{
	struct job *job, *last = NULL, **pp;

	if (sched_kind_has_iface(kind) &&
	    (!ifname || !*ifname || strlen(ifname) >= USBNET_IFNAMSIZ))
		return -EINVAL;
	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->j.kind = kind;
	if (sched_kind_has_iface(kind))
		strcpy(job->j.ifname, ifname);
	snprintf(job->j.why, sizeof(job->j.why), "%s", why ? why : "");
	job->fd = -1;

	/* A down: the interface's ups that have not started would be undone at once. */
	for (pp = &s->head; *pp;) {
		struct job *e = *pp;

		if (kind == SCHED_DOWN && !e->running &&
		    (e->j.kind == SCHED_UP || e->j.kind == SCHED_RECHECK) &&
		    same_iface(e, job)) {
			*pp = e->next;
			if (s->tail == &e->next)
				s->tail = pp;
			s->n_waiting--;
			free(e);
			continue;
		}
		if (kind == SCHED_PRUNE || same_iface(e, job))
			last = e;
		if (kind == SCHED_REFRESH && e->j.kind == SCHED_REFRESH && !e->running)
			last = e; /* one waiting covers this one (sched.h), whatever follows it */
		pp = &e->next;
	}
	/* The same job already waits, with nothing for the interface after it (for a prune:
	 * nothing at all after it). */
	if (last && !last->running && last->j.kind == kind) {
		free(job);
		start_ready(s);
		return 0;
	}
	*s->tail = job;
	s->tail = &job->next;
	s->n_waiting++;
	start_ready(s);
	return 1;
}

/* The worker has exited (its pipe hung up) or is about to: wait for exactly its pid. */
static void reap(struct sched *s, struct job *job)
{
	int wstatus = 0;

	while (waitpid(job->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, job->fd, NULL);
	close(job->fd);
	job->fd = -1;
	job->running = false;
	s->n_running--;
	unlink_job(s, job);
	if (s->done)
		s->done(s->data, &job->j, wstatus);
	free(job);
}

int sched_dispatch(struct sched *s)
{
	struct epoll_event ev[16];
	int n, total = 0;

	while ((n = epoll_wait(s->epfd, ev, 16, 0)) > 0) {
		for (int i = 0; i < n; i++) {
			reap(s, ev[i].data.ptr);
			total++;
		}
	}
	start_ready(s);
	return total;
}

void sched_finish(struct sched *s)
{
	struct job **pp;

	for (pp = &s->head; *pp;) {
		struct job *e = *pp;

		if (!e->running) {
			*pp = e->next;
			if (s->tail == &e->next)
				s->tail = pp;
			s->n_waiting--;
			free(e);
			continue;
		}
		pp = &e->next;
	}
	while (s->head)
		reap(s, s->head);
}

struct sched *sched_free(struct sched *s)
{
	if (!s)
		return NULL;
	sched_finish(s);
	close(s->epfd);
	free(s);
	return NULL;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watcher's scheduler: every job (a peer's up, its down, the prune of what vanished) runs
 * in a worker process of its own, forked from the watcher, so that a peer whose up waits (for
 * discovery, a silent device, a slow firewall) delays no other peer.
 *
 * The rules, in the order jobs were submitted:
 * - a job for an interface starts only when every earlier job for that interface has finished
 *   (events for one interface stay in order: an unplug during its up waits for the up, then
 *   undoes it);
 * - at most max_workers jobs run at once (the rest wait, in order);
 * - a job without an interface (the prune, the refresh) runs alone: it starts when nothing runs,
 *   and nothing starts while it runs;
 * - a down makes the same interface's ups and rechecks that have not started yet pointless: they
 *   are dropped;
 *   a job equal to the last one still waiting for the same interface is not queued twice;
 * - a refresh is not queued while one waits, wherever it waits: it reads the host's routes when
 *   it starts, so the one waiting covers every route change until then (a running one may have
 *   read them already: one more is queued after it).
 *
 * Workers are processes, not threads: the library's context holds per-context state and libnl
 * sockets are not thread-safe, so a worker starts from a copy of the watcher (fork) and does the
 * job with sockets of its own (the run callback drops the inherited ones). A worker dies with the
 * watcher (PR_SET_PDEATHSIG, SIGKILL): a killed watcher leaves half-done records, as it always
 * did, which the next start's reconcile carries on. Workers inherit the caller's signal mask (the
 * CLI blocks SIGTERM and SIGINT for its signalfd): a stop lets running jobs finish.
 *
 * The caller polls sched_get_fd() (readable when a worker exited) and calls sched_dispatch().
 */
#ifndef USBNET_WATCH_SCHED_H
#define USBNET_WATCH_SCHED_H

#include <stdbool.h>
#include "usbnet-host/usbnet.h"

enum sched_kind {
	SCHED_UP,
	SCHED_DOWN,
	SCHED_PRUNE,   /* no interface: runs alone */
	SCHED_RECHECK, /* a second look at a recorded peer (carrier.h): an up, as the others */
	SCHED_REFRESH, /* no interface: runs alone; the default routes changed (route-watch.h) */
};

/* Whether jobs of this kind are an interface's (the others have none and run alone). */
static inline bool sched_kind_has_iface(enum sched_kind kind)
{
	return kind != SCHED_PRUNE && kind != SCHED_REFRESH;
}

struct sched_job {
	enum sched_kind kind;
	char ifname[USBNET_IFNAMSIZ]; /* "" for SCHED_PRUNE, SCHED_REFRESH */
	char why[48];		      /* for the log: "plugged", "present at start"... */
};

/* In the worker process: do the job. The return is the worker's exit status (0-255). */
typedef int (*sched_run_fn)(void *data, const struct sched_job *job);
/* Optional, in the watcher: a worker has exited (status as waitpid gives it). */
typedef void (*sched_done_fn)(void *data, const struct sched_job *job, int wstatus);

struct sched;

/* max_workers >= 1. -errno on failure. */
int sched_new(unsigned max_workers, sched_run_fn run, sched_done_fn done, void *data,
	      struct sched **ret);
/* Drops what waits, waits for what runs (sched_finish), frees. Takes NULL. */
struct sched *sched_free(struct sched *s);
/* Readable when a worker has exited: then call sched_dispatch(). */
int sched_get_fd(const struct sched *s);
void sched_set_max_workers(struct sched *s, unsigned max_workers);
/* Queue a job (ifname ignored for the kinds without one) and start what may start. Returns 1
 * queued, 0 not needed (coalesced), -errno on failure. A job whose worker cannot be forked stays
 * queued and is tried again at the next dispatch. */
int sched_submit(struct sched *s, enum sched_kind kind, const char *ifname, const char *why);
/* Reap the workers that exited, start what may start. Never blocks. Returns how many exited. */
int sched_dispatch(struct sched *s);
/* Jobs running now, jobs waiting. */
unsigned sched_running(const struct sched *s);
unsigned sched_waiting(const struct sched *s);
/* Whether a job for ifname runs or waits. */
bool sched_busy(const struct sched *s, const char *ifname);
/* Drop what waits; block until every running worker has exited. */
void sched_finish(struct sched *s);

#endif

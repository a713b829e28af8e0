/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watcher's carrier listener (carrier.h). The peers followed are few (the degraded ones), a
 * short list. Carrier is the interface's IFF_RUNNING (RFC 2863 operstate up, which follows the
 * carrier): in the link events' flags, and read with SIOCGIFFLAGS for a peer first followed.
 * A lost event (the socket's buffer overran) costs nothing worse than a look: every followed
 * peer's carrier is read again then.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>

#include "watch/carrier.h"
#include "watch/relook.h"
#include "watch/rtnl-events.h"

struct followed {
	char ifname[USBNET_IFNAMSIZ];
	enum relook_carrier carrier;
	int64_t changes;  /* the link's carrier changes (IFLA_CARRIER_CHANGES), -1: not known */
	bool fallback;	  /* mode=auto found nothing: looked at on carrier only */
	uint32_t wait_ms; /* the timer's last wait (backoff) */
	uint64_t due_ms;  /* the next timed look (CLOCK_MONOTONIC), 0: none */
	struct followed *next;
};

struct carrier {
	struct usbnet_ctx *ctx;
	struct sched *sched;
	struct rtnl_events ev;
	struct followed *list;
	int queued; /* looks queued by the current dispatch */
	const char *quiet; /* carrier_note's drain: this interface's events are its job's own */
};

static void drain(struct carrier *c, const char *ifname);

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static enum relook_carrier read_carrier(const char *ifname)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return RELOOK_CARRIER_UNKNOWN;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	if (r < 0)
		return RELOOK_CARRIER_UNKNOWN;
	return (ifr.ifr_flags & IFF_RUNNING) ? RELOOK_CARRIER_UP : RELOOK_CARRIER_DOWN;
}

/* The kernel's count of the link's carrier changes: a change the link events coalesced (the
 * device took its side down and up again quickly) still counts. -1 when not known. */
static int64_t read_changes(const char *ifname)
{
	char path[80];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier_changes", ifname);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static struct followed *find(struct carrier *c, const char *ifname)
{
	for (struct followed *f = c->list; f; f = f->next)
		if (strcmp(f->ifname, ifname) == 0)
			return f;
	return NULL;
}

void carrier_forget(struct carrier *c, const char *ifname)
{
	for (struct followed **pp = &c->list; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->ifname, ifname) == 0) {
			struct followed *f = *pp;

			*pp = f->next;
			free(f);
			return;
		}
	}
}

/* Arm the timer for the earliest timed look (or disarm it). */
static void arm(struct carrier *c)
{
	uint64_t first = 0, now = now_ms();

	for (const struct followed *f = c->list; f; f = f->next)
		if (f->due_ms && (!first || f->due_ms < first))
			first = f->due_ms;
	rtnl_events_arm(&c->ev, !first ? 0 : first > now ? first - now : 1);
}

/* Queue a look. None while a job of the interface runs or waits: that job looks at the peer
 * itself (an up waits for the carrier, checks the peer), and carrier_note() follows it when it
 * ends. */
static void look(struct carrier *c, struct followed *f, const char *why)
{
	int r;

	if (sched_busy(c->sched, f->ifname))
		return;
	f->due_ms = 0;
	r = sched_submit(c->sched, SCHED_RECHECK, f->ifname, why);
	if (r < 0) {
		ctx_log(c->ctx, USBNET_LOG_ERR, "%s: %s: cannot start a worker: %s", f->ifname, why,
			strerror(-r));
		return;
	}
	ctx_log(c->ctx, USBNET_LOG_NOTICE, "%s: %s: looking at it again", f->ifname, why);
	c->queued++;
}

static void schedule_timed(struct carrier *c, struct followed *f)
{
	f->wait_ms = relook_next_ms(f->wait_ms);
	f->due_ms = now_ms() + f->wait_ms;
	arm(c);
}

static void note(struct carrier *c, const char *ifname, bool after_job)
{
	struct usbnet_status st;
	struct followed *f;

	/* The job's own link changes (a rediscovery takes the link down and up) are not the
	 * device's: what is queued of them is read now, quietly, before the record. */
	if (after_job)
		drain(c, ifname);
	if (usbnet_status_read(c->ctx, ifname, &st) < 0) {
		ctx_clear_error(c->ctx);
		return;
	}
	f = find(c, ifname);
	if (!relook_follows(&st)) {
		if (f) {
			carrier_forget(c, ifname);
			arm(c);
		}
		return;
	}
	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return;
		snprintf(f->ifname, sizeof(f->ifname), "%s", ifname);
		f->next = c->list;
		c->list = f;
	}
	f->fallback = relook_is_fallback(&st);
	f->carrier = read_carrier(ifname);
	f->changes = read_changes(ifname);
	f->due_ms = 0;
	if (!f->fallback && relook_decide(&st, RELOOK_CARRIER_UP, f->carrier) == RELOOK_TIMER)
		schedule_timed(c, f);
	else
		arm(c);
}

void carrier_note(struct carrier *c, const char *ifname)
{
	note(c, ifname, true);
}

void carrier_reconcile(struct carrier *c)
{
	char **names = NULL;

	if (usbnet_state_list(c->ctx, &names) < 0) {
		ctx_clear_error(c->ctx);
		return;
	}
	for (char **n = names; n && *n; n++)
		note(c, *n, false); /* what the socket holds is the device's doing: not drained */
	usbnet_strv_free(names);
}

/* A link's carrier is now `now`, after `changes` carrier changes (-1: not known). */
static void link_changed(struct carrier *c, const char *ifname, enum relook_carrier now,
			 int64_t changes)
{
	struct followed *f = find(c, ifname);
	enum relook_carrier before = f ? f->carrier : RELOOK_CARRIER_UNKNOWN;
	struct usbnet_status st;

	/* Up before and now, but it changed in between: it went down and came back. */
	if (f && before == RELOOK_CARRIER_UP && changes >= 0 && f->changes >= 0 &&
	    changes != f->changes)
		before = RELOOK_CARRIER_DOWN;
	if (f) {
		f->carrier = now;
		if (changes >= 0)
			f->changes = changes;
	}
	if (now != RELOOK_CARRIER_UP || before == RELOOK_CARRIER_UP)
		return; /* lost, or no change: the timer (if any) goes on */
	if ((c->quiet && strcmp(c->quiet, ifname) == 0) || sched_busy(c->sched, ifname))
		return; /* a job of the interface runs: the change may be its own */
	/* Not followed yet: a record the watcher has not read (written by an up of the CLI). */
	if (usbnet_status_read(c->ctx, ifname, &st) < 0) {
		ctx_clear_error(c->ctx);
		return;
	}
	if (relook_decide(&st, before, now) != RELOOK_NOW)
		return;
	if (!f) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return;
		snprintf(f->ifname, sizeof(f->ifname), "%s", ifname);
		f->carrier = now;
		f->changes = changes;
		f->next = c->list;
		c->list = f;
	}
	f->fallback = relook_is_fallback(&st);
	f->wait_ms = 0; /* a new carrier: the backoff starts again */
	look(c, f, "carrier came");
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct carrier *c = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct ifinfomsg *ifi;
	struct nlattr *a;
	char name[USBNET_IFNAMSIZ];

	if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK)
		return NL_OK;
	if (!nlmsg_valid_hdr(h, sizeof(*ifi)))
		return NL_OK;
	ifi = nlmsg_data(h);
	a = nlmsg_find_attr(h, sizeof(*ifi), IFLA_IFNAME);
	if (!a || nla_len(a) < 2)
		return NL_OK;
	snprintf(name, sizeof(name), "%.*s", nla_len(a) - 1, (const char *)nla_data(a));
	if (h->nlmsg_type == RTM_DELLINK) {
		/* Gone: its unplug (a udev event) undoes it. */
		if (find(c, name)) {
			carrier_forget(c, name);
			arm(c);
		}
		return NL_OK;
	}
	a = nlmsg_find_attr(h, sizeof(*ifi), IFLA_CARRIER_CHANGES);
	link_changed(c, name,
		     (ifi->ifi_flags & IFF_RUNNING) ? RELOOK_CARRIER_UP : RELOOK_CARRIER_DOWN,
		     a && nla_len(a) >= 4 ? (int64_t)nla_get_u32(a) : -1);
	return NL_OK;
}

static void resync(struct carrier *c);

/* Read what the socket holds now; ifname's events only update its carrier. */
static void drain(struct carrier *c, const char *ifname)
{
	struct pollfd p = { .fd = nl_socket_get_fd(c->ev.sk), .events = POLLIN };

	c->quiet = ifname;
	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
		int r = nl_recvmsgs_default(c->ev.sk);

		if (r < 0) {
			if (r != -NLE_AGAIN)
				resync(c);
			break;
		}
	}
	c->quiet = NULL;
}

/* Events were lost: read every followed peer's carrier again. */
static void resync(struct carrier *c)
{
	struct followed *f, *next;

	ctx_log(c->ctx, USBNET_LOG_INFO, "link events were lost; reading the peers' carrier again");
	for (f = c->list; f; f = next) {
		next = f->next; /* link_changed keeps f, but may add in front */
		link_changed(c, f->ifname, read_carrier(f->ifname), read_changes(f->ifname));
	}
}

static void timer_fired(struct carrier *c)
{
	uint64_t now = now_ms();

	for (struct followed *f = c->list; f; f = f->next) {
		if (!f->due_ms || f->due_ms > now)
			continue;
		f->due_ms = 0;
		if (f->carrier == RELOOK_CARRIER_UP && !f->fallback)
			look(c, f, "no answer yet");
	}
	arm(c);
}

int carrier_dispatch(struct carrier *c)
{
	struct rtnl_events_ready ready;

	c->queued = 0;
	ready = rtnl_events_dispatch(&c->ev);
	if (ready.timer)
		timer_fired(c);
	if (ready.lost)
		resync(c);
	return c->queued;
}

int carrier_get_fd(const struct carrier *c)
{
	return c->ev.epfd;
}

int carrier_new(struct usbnet_ctx *ctx, struct sched *sched, struct carrier **ret)
{
	static const int groups[] = { RTNLGRP_LINK, 0 };
	struct carrier *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->ctx = ctx;
	c->sched = sched;
	r = rtnl_events_open(&c->ev, ctx, "link events", on_msg, c, groups);
	if (r < 0) {
		free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct carrier *carrier_free(struct carrier *c)
{
	if (!c)
		return NULL;
	while (c->list)
		carrier_forget(c, c->list->ifname);
	rtnl_events_close(&c->ev);
	free(c);
	return NULL;
}

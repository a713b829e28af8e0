/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hotplug watcher: a udev monitor for the net devices the udev rule tagged "usbnet-host".
 * The event itself carries what classification needs (the rule's USBNET_HOST_MODE), so an add
 * costs one up and no enumeration, whatever the number of peers present. Each up and down runs
 * in a worker process of its own (sched.h: a slow peer delays no other; one interface's events
 * stay in order; [general] workers= bounds how many run at once). The caller owns the loop
 * (usbnet_watch_get_fd + usbnet_watch_dispatch): the fd is an epoll set of the udev monitor, the
 * workers (sched.c), the DNS forwarders' supervisor (dns-supervise.c), which restarts a
 * gateway peer's forwarder that died, the carrier listener (carrier.c), which has a
 * degraded peer looked at again when its carrier comes or, for one that did not answer, on a
 * timer, and the default-route listener (route-watch.c), which has the gateway peers whose
 * uplink is auto follow the host's default routes (usbnet_refresh, in a worker).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <libudev.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/ctx.h"
#include "dns/dns-supervise.h"
#include "core/journal.h"
#include "peer/config.h"
#include "watch/carrier.h"
#include "watch/route-watch.h"
#include "watch/sched.h"
#include "watch/worker.h"

#define WATCH_TAG "usbnet-host"

struct usbnet_watch {
	struct usbnet_ctx *ctx;
	struct udev *udev;
	struct udev_monitor *mon;
	struct dns_supervisor *dns; /* NULL when it could not be set up (logged) */
	struct sched *sched;	    /* the workers: every up and down runs in one */
	struct carrier *carrier;    /* NULL when it could not be set up (logged) */
	struct route_watch *routes; /* NULL when it could not be set up (logged) */
	int epfd;
};

static int watch_run_job(void *data, const struct sched_job *job);
static void watch_job_done(void *data, const struct sched_job *job, int wstatus);

static unsigned watch_workers(const struct usbnet_ctx *ctx)
{
	return ctx->config && ctx->config->workers ? ctx->config->workers : CONFIG_WORKERS_DEFAULT;
}

int usbnet_watch_new(struct usbnet_ctx *ctx, struct usbnet_watch **ret)
{
	struct usbnet_watch *w;
	int r;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ctx = ctx;
	w->epfd = -1;
	w->udev = udev_new();
	if (!w->udev) {
		r = ctx_fail(ctx, -ENOMEM, "cannot create a udev context");
		goto fail;
	}
	/* "udev" events come after the rules ran: the interface has its final name and the
	 * rule's properties. */
	w->mon = udev_monitor_new_from_netlink(w->udev, "udev");
	if (!w->mon) {
		r = ctx_fail(ctx, -EPERM, "cannot listen to udev events (netlink): %s",
			     strerror(errno));
		goto fail;
	}
	r = udev_monitor_filter_add_match_subsystem_devtype(w->mon, "net", NULL);
	if (r >= 0)
		r = udev_monitor_filter_add_match_tag(w->mon, WATCH_TAG);
	if (r >= 0)
		r = udev_monitor_enable_receiving(w->mon);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot listen to udev events: %s", strerror(-r));
		goto fail;
	}
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, udev_monitor_get_fd(w->mon),
		      &(struct epoll_event){ .events = EPOLLIN }) < 0) {
		r = ctx_fail(ctx, -errno, "epoll: %s", strerror(errno));
		goto fail;
	}
	r = sched_new(watch_workers(ctx), watch_run_job, watch_job_done, w, &w->sched);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot set up the workers: %s", strerror(-r));
		goto fail;
	}
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, sched_get_fd(w->sched),
		      &(struct epoll_event){ .events = EPOLLIN }) < 0) {
		r = ctx_fail(ctx, -errno, "epoll: %s", strerror(errno));
		goto fail;
	}
	/* Hotplug works without it: a degraded peer is then looked at again only when plugged. */
	if (carrier_new(ctx, w->sched, &w->carrier) < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, carrier_get_fd(w->carrier),
		      &(struct epoll_event){ .events = EPOLLIN }) < 0) {
		ctx_log(ctx, USBNET_LOG_WARNING, "the peers' carrier is not followed: %s",
			usbnet_ctx_error(ctx)[0] ? usbnet_ctx_error(ctx) : strerror(errno));
		w->carrier = carrier_free(w->carrier);
		ctx_clear_error(ctx);
	}
	/* Hotplug works without it: the gateway peers then follow the default route only when
	 * refresh is run (NetworkManager's dispatcher script, the user's hook). */
	if (route_watch_new(ctx, w->sched, &w->routes) < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, route_watch_get_fd(w->routes),
		      &(struct epoll_event){ .events = EPOLLIN }) < 0) {
		ctx_log(ctx, USBNET_LOG_WARNING, "the default routes are not followed: %s",
			usbnet_ctx_error(ctx)[0] ? usbnet_ctx_error(ctx) : strerror(errno));
		w->routes = route_watch_free(w->routes);
		ctx_clear_error(ctx);
	}
	/* Hotplug works without it: a forwarder that dies is then not restarted. */
	if (dns_supervisor_new(ctx, &w->dns) < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, dns_supervisor_get_fd(w->dns),
		      &(struct epoll_event){ .events = EPOLLIN }) < 0) {
		ctx_log(ctx, USBNET_LOG_WARNING, "DNS forwarders are not supervised: %s",
			usbnet_ctx_error(ctx));
		w->dns = dns_supervisor_free(w->dns);
		ctx_clear_error(ctx);
	}
	*ret = w;
	return 0;
fail:
	usbnet_watch_free(w);
	return r;
}

struct usbnet_watch *usbnet_watch_free(struct usbnet_watch *w)
{
	if (!w)
		return NULL;
	sched_free(w->sched); /* waits for the running workers */
	carrier_free(w->carrier);
	route_watch_free(w->routes);
	dns_supervisor_free(w->dns);
	if (w->epfd >= 0)
		close(w->epfd);
	udev_monitor_unref(w->mon);
	udev_unref(w->udev);
	free(w);
	return NULL;
}

int usbnet_watch_get_fd(const struct usbnet_watch *w)
{
	return w->epfd;
}

/* The setting that would separate a second peer from the first: a [peer] group that matches
 * this device alone and gives it a subnet of its own. */
static void conflict_advice(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer,
			    const struct usbnet_plan *plan, char *buf, size_t len)
{
	uint32_t host = ntohl(plan->host.addr.s_addr), step, mask;
	struct in_addr h, p;
	char hs[INET_ADDRSTRLEN] = "A.B.C.D", ps[INET_ADDRSTRLEN] = "A.B.C.E";
	const char *key = peer->serial[0] ? "serial" : "mac";
	const char *val = peer->serial[0] ? peer->serial : peer->mac;
	unsigned prefix = plan->has_host ? plan->host.prefix : 24;

	/* The next subnet of the same size, when that is still a private one. */
	if (plan->has_host && prefix >= 16 && prefix <= 30 && (host >> 16) != 0xa9fe) {
		step = 1u << (32 - prefix);
		mask = ~(step - 1);
		h.s_addr = htonl(host + step);
		inet_ntop(AF_INET, &h, hs, sizeof(hs));
		if (plan->has_peer) {
			p.s_addr = htonl((ntohl(plan->peer.s_addr) & ~mask) | ((host + step) & mask));
			inet_ntop(AF_INET, &p, ps, sizeof(ps));
		}
	}
	/* A long configuration path may cut the advice short; the group comes first. */
	if (snprintf(buf, len,
		 "another peer already uses this subnet; to use both, give this one its own: "
		 "[peer %s-2] %s=%s address=%s/%u peer=%s in %s, and set the device to %s",
		 plan->profile[0] ? plan->profile : "device", key, val, hs, prefix, ps,
		 ctx->config_path, ps) >= (int)len)
		buf[len - 1] = '\0';
}

/* up refused the peer because another interface holds its subnet (two identical gadgets):
 * say so in its state, so list shows "conflict" and why. Nothing was changed on the host. */
static void record_conflict(struct usbnet_watch *w, const char *ifname)
{
	struct state_record rec = {};
	struct usbnet_peer peer;
	struct usbnet_plan plan;

	if (usbnet_find_peer(w->ctx, ifname, &peer) < 0)
		return;
	usbnet_classify(w->ctx, &peer, &plan);
	snprintf(rec.ifname, sizeof(rec.ifname), "%s", ifname);
	rec.ifindex = peer.ifindex;
	snprintf(rec.boot_id, sizeof(rec.boot_id), "%s", journal_boot_id());
	snprintf(rec.usb_path, sizeof(rec.usb_path), "%s", peer.usb_path);
	snprintf(rec.serial, sizeof(rec.serial), "%s", peer.serial);
	rec.mode = plan.mode;
	rec.status.state = USBNET_STATE_CONFLICT;
	rec.status.has_host = plan.has_host;
	rec.status.host = plan.host;
	rec.status.has_peer = plan.has_peer;
	rec.status.peer = plan.peer;
	rec.status.rtt_us = -1;
	conflict_advice(w->ctx, &peer, &plan, rec.status.message, sizeof(rec.status.message));
	if (journal_write(w->ctx, &rec) >= 0)
		ctx_log(w->ctx, USBNET_LOG_WARNING, "%s: conflict: %s", ifname, rec.status.message);
}

static int watch_up(struct usbnet_watch *w, const char *ifname, const char *why, bool recheck)
{
	struct usbnet_up_opts opts;
	struct usbnet_report rep;
	enum usbnet_up_result result;
	char host[20];
	int r;

	usbnet_up_opts_init(&opts);
	opts.recheck = recheck;
	r = usbnet_up(w->ctx, ifname, &opts, &rep, &result);
	if (r < 0) {
		ctx_log(w->ctx, USBNET_LOG_ERR, "%s: %s: %s", ifname, why, usbnet_ctx_error(w->ctx));
		if (r == -EADDRINUSE)
			record_conflict(w, ifname);
		return r;
	}
	/* Which device it was, in its own words: bytes as the device gave them, which the
	 * program escapes (the CLI prints every message through \xNN escapes). */
	switch (result) {
	case USBNET_UP_CONFIGURED:
		if (rep.status.rtt_us >= 0)
			ctx_log(w->ctx, USBNET_LOG_NOTICE,
				"%s: %s: configured %s (%s), peer answered in %.3f ms; product \"%s\" "
				"serial \"%s\"",
				ifname, why, usbnet_ip4_format(&rep.status.host, host, sizeof(host)),
				rep.plan.profile[0] ? rep.plan.profile : rep.plan.config_peer,
				(double)rep.status.rtt_us / 1000.0, rep.peer.product, rep.peer.serial);
		else
			ctx_log(w->ctx, USBNET_LOG_NOTICE,
				"%s: %s: configured %s (%s); product \"%s\" serial \"%s\"", ifname, why,
				usbnet_ip4_format(&rep.status.host, host, sizeof(host)),
				rep.plan.profile[0] ? rep.plan.profile : rep.plan.config_peer,
				rep.peer.product, rep.peer.serial);
		if (rep.status.discovered[0]) /* mode=auto: how discovery chose */
			ctx_log(w->ctx, USBNET_LOG_NOTICE, "%s: %s: addresses discovered: %s", ifname,
				why, rep.status.discovered);
		break;
	case USBNET_UP_DEGRADED:
		ctx_log(w->ctx, USBNET_LOG_WARNING,
			"%s: %s: configured %s, degraded: %s; product \"%s\" serial \"%s\"", ifname,
			why, usbnet_ip4_format(&rep.status.host, host, sizeof(host)),
			rep.status.message, rep.peer.product, rep.peer.serial);
		break;
	case USBNET_UP_UNCHANGED:
		ctx_log(w->ctx, USBNET_LOG_INFO, "%s: %s: already configured", ifname, why);
		break;
	case USBNET_UP_NOTHING:
		if (recheck)
			ctx_log(w->ctx, USBNET_LOG_INFO, "%s: %s: no record of it to look at", ifname,
				why);
		else
			ctx_log(w->ctx, USBNET_LOG_INFO, "%s: %s: nothing to do (mode %s)", ifname,
				why, usbnet_mode_name(rep.plan.mode));
		break;
	}
	return 0;
}

/* The default routes changed (route-watch.h): the gateway peers that follow them, moved. What
 * moved is said by the library's notices, peer by peer. */
static int watch_refresh(struct usbnet_watch *w, const char *why)
{
	int r = usbnet_refresh(w->ctx);

	if (r < 0)
		ctx_log(w->ctx, USBNET_LOG_ERR, "%s: refresh: %s", why, usbnet_ctx_error(w->ctx));
	else if (r > 0)
		ctx_log(w->ctx, USBNET_LOG_NOTICE, "%s: %d gateway peer%s changed with it", why, r,
			r == 1 ? "" : "s");
	else
		ctx_log(w->ctx, USBNET_LOG_INFO, "%s: the gateway peers are where it is", why);
	return r;
}

static int watch_down(struct usbnet_watch *w, const char *ifname)
{
	int r = usbnet_down(w->ctx, ifname);

	if (r == 0)
		ctx_log(w->ctx, USBNET_LOG_NOTICE, "%s: unplugged, its state was cleaned", ifname);
	else if (r < 0)
		ctx_log(w->ctx, USBNET_LOG_ERR, "%s: unplugged: %s", ifname,
			usbnet_ctx_error(w->ctx));
	return r;
}

/* The journal's USBNET_SERIAL= of a device's lines: its serial as list and show give it (the
 * USB device's own string, udev's ID_SERIAL_SHORT when it has none), so that
 * `journalctl USBNET_SERIAL=...` finds what `usbnet-host list` names. */
static const char *dev_serial(struct udev_device *dev)
{
	struct udev_device *usb =
		udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
	const char *v = usb ? udev_device_get_sysattr_value(usb, "serial") : NULL;

	return v ? v : udev_device_get_property_value(dev, "ID_SERIAL_SHORT");
}

/* In a worker process (sched.h): one job, with sockets of the worker's own. */
static int watch_run_job(void *data, const struct sched_job *job)
{
	struct usbnet_watch *w = data;

	worker_detach_ctx(w->ctx);
	/* The journal's fields of this job's lines: the interface, and its serial while udev
	 * still has the device; an unplugged one's, as its record keeps it. */
	if (job->ifname[0]) {
		struct udev_device *dev =
			udev_device_new_from_subsystem_sysname(w->udev, "net", job->ifname);
		struct state_record rec;

		if (dev)
			ctx_set_subject(w->ctx, job->ifname, dev_serial(dev));
		else
			ctx_set_subject(w->ctx, job->ifname,
					journal_read(w->ctx, job->ifname, &rec) >= 0 ? rec.serial
										     : NULL);
		udev_device_unref(dev);
	}
	switch (job->kind) {
	case SCHED_UP:
		return watch_up(w, job->ifname, job->why, false) < 0;
	case SCHED_RECHECK:
		return watch_up(w, job->ifname, job->why, true) < 0;
	case SCHED_DOWN:
		return watch_down(w, job->ifname) < 0;
	case SCHED_PRUNE:
		return usbnet_prune(w->ctx) < 0;
	case SCHED_REFRESH:
		return watch_refresh(w, job->why) < 0;
	}
	return 1;
}

/* In the watcher: a worker that did not exit by itself is worth a line (its job's own failure
 * was logged by the worker). */
static void watch_job_done(void *data, const struct sched_job *job, int wstatus)
{
	struct usbnet_watch *w = data;

	if (WIFSIGNALED(wstatus))
		ctx_log(w->ctx, USBNET_LOG_ERR, "%s: %s: its worker was killed by signal %d",
			job->kind == SCHED_PRUNE     ? "prune"
			: job->kind == SCHED_REFRESH ? "refresh"
						     : job->ifname,
			job->why, WTERMSIG(wstatus));
	/* Degraded or not now: the carrier listener follows the record (carrier.h). */
	if (w->carrier && sched_kind_has_iface(job->kind) && !sched_busy(w->sched, job->ifname)) {
		if (job->kind == SCHED_DOWN)
			carrier_forget(w->carrier, job->ifname);
		else
			carrier_note(w->carrier, job->ifname);
	}
}

/* Queue a job; a failure to queue it is logged (the next event or restart tries again). */
static void watch_submit(struct usbnet_watch *w, enum sched_kind kind, const char *ifname,
			 const char *why)
{
	int r = sched_submit(w->sched, kind, ifname, why);

	if (r < 0)
		ctx_log(w->ctx, USBNET_LOG_ERR, "%s: %s: cannot start a worker: %s",
			ifname ? ifname : "prune", why, strerror(-r));
}

/* Whether the rule's classification asks for up: the modes usbnet-host owns, and dhcp (the
 * peer stays with NetworkManager, under a profile that distrusts it). */
static bool device_wants_up(struct udev_device *dev)
{
	const char *mode = udev_device_get_property_value(dev, "USBNET_HOST_MODE");
	enum usbnet_mode m;

	return mode && usbnet_mode_from_name(mode, &m) >= 0 &&
	       (usbnet_mode_is_owned(m) || m == USBNET_MODE_DHCP);
}

int usbnet_watch_reconcile(struct usbnet_watch *w)
{
	struct udev_enumerate *e;
	struct udev_list_entry *entry;
	int n = 0, r;

	/* In a worker of its own, alone: before the ups queued here, after any earlier job. */
	watch_submit(w, SCHED_PRUNE, NULL, "present at start");

	e = udev_enumerate_new(w->udev);
	if (!e)
		return -ENOMEM;
	r = udev_enumerate_add_match_subsystem(e, "net");
	if (r >= 0)
		r = udev_enumerate_add_match_tag(e, WATCH_TAG);
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0) {
		udev_enumerate_unref(e);
		return ctx_fail(w->ctx, r, "cannot enumerate the tagged peers: %s", strerror(-r));
	}
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e))
	{
		struct udev_device *dev = udev_device_new_from_syspath(
			w->udev, udev_list_entry_get_name(entry));
		struct usbnet_status st;

		if (!dev)
			continue;
		ctx_set_subject(w->ctx, udev_device_get_sysname(dev), dev_serial(dev));
		if (device_wants_up(dev) &&
		    usbnet_status_read(w->ctx, udev_device_get_sysname(dev), &st) >= 0 &&
		    st.state != USBNET_STATE_CONFIGURED && st.state != USBNET_STATE_DEGRADED) {
			watch_submit(w, SCHED_UP, udev_device_get_sysname(dev), "present at start");
			n++;
		}
		ctx_set_subject(w->ctx, NULL, NULL);
		udev_device_unref(dev);
	}
	udev_enumerate_unref(e);
	if (w->dns)
		dns_supervisor_reconcile(w->dns);
	/* The degraded records, whether a udev event or the CLI's up made them. */
	if (w->carrier)
		carrier_reconcile(w->carrier);
	/* The default routes may have moved while no watcher ran: after the ups queued here. */
	if (w->routes)
		route_watch_kick(w->routes);
	return n;
}

static void watch_handle(struct usbnet_watch *w, struct udev_device *dev)
{
	const char *action = udev_device_get_action(dev);
	const char *ifname = udev_device_get_sysname(dev);

	if (!action || !ifname)
		return;
	/* The journal's USBNET_IFNAME= and USBNET_SERIAL= of the lines this event gives. */
	ctx_set_subject(w->ctx, ifname, dev_serial(dev));
	if (strcmp(action, "add") == 0) {
		if (device_wants_up(dev))
			watch_submit(w, SCHED_UP, ifname, "plugged");
	} else if (strcmp(action, "remove") == 0) {
		/* After any job of this interface that runs or waits (sched.h). */
		watch_submit(w, SCHED_DOWN, ifname, "unplugged");
	}
	ctx_set_subject(w->ctx, NULL, NULL);
}

int usbnet_watch_dispatch(struct usbnet_watch *w)
{
	struct udev_device *dev;
	int n = 0;

	/* A reloaded configuration may change the bound. */
	sched_set_max_workers(w->sched, watch_workers(w->ctx));
	/* Workers that finished first: a remove queued now then follows what is known done. */
	n += sched_dispatch(w->sched);
	/* The monitor's socket is non-blocking: drain what is there. */
	while ((dev = udev_monitor_receive_device(w->mon))) {
		watch_handle(w, dev);
		udev_device_unref(dev);
		n++;
	}
	if (w->dns)
		n += dns_supervisor_dispatch(w->dns);
	if (w->carrier)
		n += carrier_dispatch(w->carrier);
	if (w->routes)
		n += route_watch_dispatch(w->routes);
	return n;
}

int usbnet_watch_finish(struct usbnet_watch *w)
{
	unsigned n = sched_running(w->sched);

	sched_finish(w->sched);
	return (int)n;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Supervision of the recorded DNS forwarders and DHCP servers (the watcher's job): one that
 * died is started again as its step says and its record updated (a DHCP server with the same
 * lease file: the peer's lease is the new server's, and the peer keeps its address). The
 * supervisor holds a pidfd per process and an inotify watch on the run directory in one epoll
 * fd, which the caller adds to its poll set: it becomes readable when one exits, a state
 * record changes (an `up --dns` or a `down` run by hand while the watcher runs), or a look
 * that could not settle is due again (a timerfd: the lock was held by another run, the
 * process went between the look and its pidfd, a start failed).
 */
#ifndef USBNET_DNS_SUPERVISE_H
#define USBNET_DNS_SUPERVISE_H

#include "core/ctx.h"
#include "dns/dnsmasq.h"

/*
 * One interface, under its lock: when its record (configured or degraded, the interface still
 * the recorded one) has a dnsmasq step whose forwarder is not running, start a new one (the
 * step is rewritten as "-" ahead of the start, then with the new handle). Returns 1 restarted,
 * 0 running or nothing to supervise (*ret_running, when not NULL, gets the running handle, pid
 * 0 when none), -errno when the restart failed (usbnet_ctx_error() says why; the step stays
 * "-"; the watcher's supervisor tries again 30 s later).
 */
int dns_restart_recorded(struct usbnet_ctx *ctx, const char *ifname,
			 struct dns_handle *ret_running);
/* The same for the interface's dhcp-server step. */
int dhcp_restart_recorded(struct usbnet_ctx *ctx, const char *ifname,
			  struct dns_handle *ret_running);

struct dns_supervisor;

int dns_supervisor_new(struct usbnet_ctx *ctx, struct dns_supervisor **ret);
struct dns_supervisor *dns_supervisor_free(struct dns_supervisor *s);
/* Readable when there is something to dispatch. */
int dns_supervisor_get_fd(const struct dns_supervisor *s);
/* Every record: restart what died, watch what runs, forget what is no longer recorded.
 * Returns the number of processes restarted. */
int dns_supervisor_reconcile(struct dns_supervisor *s);
/* Never blocks: processes that exited are restarted, record changes reconciled. Returns the
 * number restarted. One restarted DNS_RESTART_BURST times within DNS_RESTART_WINDOW_S
 * is left stopped (logged once): the next reconcile after the window starts it again. */
#define DNS_RESTART_BURST 5
#define DNS_RESTART_WINDOW_S 60
int dns_supervisor_dispatch(struct dns_supervisor *s);

#endif

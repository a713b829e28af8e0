/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS forwarder of a gateway peer with DNS (--dns / dns=yes): its step kind and up's call. */
#ifndef USBNET_DNS_UP_H
#define USBNET_DNS_UP_H

#include <netinet/in.h>
#include "core/backend.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "core/step.h"

/*
 * The step kind "dnsmasq" (host-wide: the process outlives the interface), recorded as
 * "step dnsmasq PID START", and "pending dnsmasq -" ahead of the start; with IPv6 shared on the
 * link, the link's address it listens on too follows: "step dnsmasq PID START PREFIX::1"
 * ("pending dnsmasq - PREFIX::1"; a line without it, as earlier versions wrote, is IPv4 only). One per peer: any two
 * are the same step (an up finds the earlier up's, whatever its pid). check: the forwarder
 * still runs (one that died is started again by journal_apply); undo: stop it (with pid 0, the
 * one the interface's pid file names), 0 when already gone.
 */
extern const struct step_kind step_dnsmasq;

/* step_dnsmasq's data. host is not in the record line: a step read back has 0, and its apply
 * then takes the record's host address (env->rec->status.host). */
struct dnsmasq_step {
	struct dns_handle h;
	struct in_addr host;
	bool has_host6; /* in the record line */
	struct in6_addr host6;
};

/*
 * up's step for a gateway peer with DNS: start the forwarder of env->rec's interface on host
 * (and host6, the link's IPv6 address, unless NULL) through journal_apply() (recorded ahead, then with its handle). A forwarder an earlier up
 * recorded that still runs is kept; one that died is started again in its step. On failure
 * ctx_fail() carries dnsmasq's own words: -ENOENT not installed, -EADDRNOTAVAIL the address is
 * not on the interface, -EBUSY port 53 taken there. Returns journal_apply()'s answer.
 */
int dns_apply(struct step_env *env, struct in_addr host, const struct in6_addr *host6);

/* status->dns, dns_pid and dns_running from rec; be NULL: the real dnsmasq check. */
void dns_status_fill(const struct usbnet_backends *be, const struct state_record *rec,
		     struct usbnet_status *status);

#endif

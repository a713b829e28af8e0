/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS forwarder's steps in up and down (gateway peers with --dns / dns=yes). */
#ifndef USBNET_DNS_UP_H
#define USBNET_DNS_UP_H

#include "core/ctx.h"
#include "core/state.h"

/*
 * up's step for a gateway peer with DNS (for lib/updown/up.c): start the forwarder of rec's interface
 * on host, recorded ahead of the start ("step dnsmasq -", written) and then with its handle
 * (written again). A forwarder an earlier up recorded that still runs is kept (0); one that
 * died is replaced in its step. On failure the step this call added is dropped from rec (an
 * earlier up's stays, as "-") and the record rewritten, and ctx_fail() carries dnsmasq's own words: -ENOENT not installed,
 * -EADDRNOTAVAIL the address is not on the interface, -EBUSY port 53 taken there.
 */
int dns_apply(struct usbnet_ctx *ctx, const struct usbnet_backends *be, struct state_record *rec,
	      struct in_addr host);

/*
 * Stop the forwarders rec records and drop their steps, leaving every other step (for down
 * when the interface is gone: the kernel took the addresses and routes with it, but not the
 * processes). 0, or the first failure (ctx_fail), the failed step kept.
 */
int dns_stop_recorded(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		      struct state_record *rec);

/* status->dns, dns_pid and dns_running from rec; be NULL: the real dnsmasq check. */
void dns_status_fill(const struct usbnet_backends *be, const struct state_record *rec,
		     struct usbnet_status *status);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The forwarding switches a gateway peer holds on, one per address family: IPv4's
 * net.ipv4.ip_forward (through the gateway backend) and IPv6's net.ipv6.conf.all.forwarding
 * (through the netlink backend's sysctl ops). Several gateway peers share a family's switch:
 * the first keeps its value from before in the family's record (forwarding-record.h), the last
 * one down gives it back (forwarding-hold.h). A family names the pieces; the code is one.
 */
#ifndef USBNET_FORWARDING_H
#define USBNET_FORWARDING_H

#include "core/backend.h"
#include "core/step.h"

#define GATEWAY_LOCK_NAME ":gateway" /* RUN_DIR/:gateway.lock; ':' is never in an ifname */
#define GATEWAY_RECORD_NAME ":gateway.record"
#define GATEWAY6_RECORD_NAME ":gateway6.record"

struct forwarding_family {
	const char *label;	      /* "IPv4", for messages */
	const char *sysctl;	      /* "net.ipv4.ip_forward", for messages */
	const char *record_name;      /* in the run directory: GATEWAY_RECORD_NAME */
	const char *record_magic;     /* the record's first line, "\n" included */
	const struct step_kind *kind; /* the step that holds the switch on */
	int (*get)(const struct usbnet_backends *be, int *ret);
	int (*set)(const struct usbnet_backends *be, int value);
};

extern const struct forwarding_family forwarding_ipv4, forwarding_ipv6;

/* /proc/sys/net/ipv4/ip_forward itself (the real gateway backend's forwarding ops). */
int forwarding_sysctl_get(int *ret);
int forwarding_sysctl_set(int value);

#endif

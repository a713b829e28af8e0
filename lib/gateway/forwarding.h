/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IPv4 forwarding (net.ipv4.ip_forward of this network namespace), and the run directory's
 * shared gateway record that keeps its value from before the first gateway peer: several
 * gateway peers share one switch, and the last one down gives the old value back.
 *
 *	usbnet-host-gateway 1
 *	forwarding-before 0
 *	end
 */
#ifndef USBNET_FORWARDING_H
#define USBNET_FORWARDING_H

#include <stddef.h>

#define GATEWAY_LOCK_NAME ":gateway" /* RUN_DIR/:gateway.lock; ':' is never in an ifname */
#define GATEWAY_RECORD_NAME ":gateway.record"

int forwarding_sysctl_get(int *ret);
int forwarding_sysctl_set(int value);

/* -ENOENT when there is no record, -EBADMSG when it is not one. */
int gateway_record_read(const char *run_dir, int *ret_before);
int gateway_record_parse(const char *text, size_t len, int *ret_before);
int gateway_record_write(const char *run_dir, int before);
int gateway_record_remove(const char *run_dir);

#endif

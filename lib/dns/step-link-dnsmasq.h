/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the step kinds of a dnsmasq on the peer's link share (not a kind itself): "dhcp-server"
 * (step-dhcp-server.c) and "ra" (step-ra.c), whose process is a link dnsmasq (link-dnsmasq.h).
 * Their data starts with the process's struct dns_handle; their record line is that handle
 * ("PID START", or "-" ahead of the start) and then the kind's own fields; there is one per
 * peer; apply starts the process through the backend, check says it still runs, undo stops it
 * (pid 0: the one its pid file names, 0 when already gone). The kind's own words, fields and
 * backend calls stay in its file.
 */
#ifndef USBNET_STEP_LINK_DNSMASQ_H
#define USBNET_STEP_LINK_DNSMASQ_H

#include <stdbool.h>
#include <stddef.h>
#include "core/backend.h"
#include "core/step.h"

/* What a kind's messages call its process. */
struct step_link_dnsmasq {
	const char *backend;	   /* "usb0: no DHCP server backend here" */
	const char *start_article; /* "could not start the DHCP server for ..." ("the ", or "") */
	const char *the;	   /* "could not stop the DHCP server of usb0 (pid 42): ..." */
	const char *stopped;	   /* undo's phrase, ahead of " usb0 stopped": "DHCP server of" */
	/* What it does, from the step's data: "DHCP server for 192.168.2.15". */
	void (*name)(const void *data, char *buf, size_t len);
	/* What to do, after dnsmasq's words, when a start failed with err. */
	const char *(*advice)(int err);
};

/* The backend's start and stop of a kind's process, with the step's data. */
typedef int (*step_link_dnsmasq_start_fn)(const struct usbnet_backends *be, const char *run_dir,
					  const char *ifname, const void *data,
					  struct dns_handle *ret, char *errbuf, size_t errlen);
typedef int (*step_link_dnsmasq_stop_fn)(const struct usbnet_backends *be, const char *run_dir,
					 const char *ifname, const struct dns_handle *h);

/* step_kind.apply and .undo with the kind's words; start or stop NULL when the backend has
 * none (-EOPNOTSUPP, said). apply writes the new handle into data. */
int step_link_dnsmasq_apply(struct step_env *env, const struct step_link_dnsmasq *k,
			    step_link_dnsmasq_start_fn start, void *data);
int step_link_dnsmasq_undo(struct step_env *env, const struct step_link_dnsmasq *k,
			   step_link_dnsmasq_stop_fn stop, const void *data, char *phrase,
			   size_t len);

/* step_kind.check: the recorded process still runs (pid 0: not known to). */
int step_link_dnsmasq_check(struct step_env *env, const void *data);
/* step_kind.same: one per peer, an up finds the earlier up's step whatever its pid. */
bool step_link_dnsmasq_same(const void *a, const void *b);
/* step_kind.describe with the kind's name: "DHCP server for ... (dnsmasq, pid 42)". */
void step_link_dnsmasq_describe(const struct step_link_dnsmasq *k, const void *data, char *buf,
				size_t len);

/*
 * A record line's words: the handle into *ret (a "-" for pid 0, else "PID START", never pid
 * 0), then exactly n_fields words of the kind's own into fields[] (pointing into copy).
 * -EBADMSG for anything else. The kind checks its fields and that they format back the same.
 */
int step_link_dnsmasq_split(const char *args, char copy[STEP_ARGS_MAX + 1], struct dns_handle *ret,
			    char *fields[], size_t n_fields);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DHCP server of a peer that is a DHCP client (--dhcp-server / dhcp-server=yes): its step
 * kind and up's call. */
#ifndef USBNET_DHCP_UP_H
#define USBNET_DHCP_UP_H

#include "core/backend.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "core/step.h"

/*
 * The step kind "dhcp-server" (host-wide: the process outlives the interface, and a vanished
 * peer's is stopped by the undo walk), recorded as
 * "step dhcp-server PID START HOST/N PEER router=yes|no dns=yes|no", and with "-" for the
 * handle ahead of the start. One per peer. check: it still runs; undo: stop it (pid 0: the one
 * its pid file names) and remove its lease file, 0 when already gone.
 */
extern const struct step_kind step_dhcp_server;

struct dhcp_server_step {
	struct dns_handle h;
	struct dhcp_server_spec spec;
};

/* up's step: serve spec on env->rec's interface, through journal_apply(). */
int dhcp_server_apply(struct step_env *env, const struct dhcp_server_spec *spec);

/* status's DHCP server fields from rec (its step) and the lease file. be NULL: the real
 * dnsmasq check. */
void dhcp_status_fill(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		      const struct state_record *rec, struct usbnet_status *status);

#endif

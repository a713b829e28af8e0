/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* up's call for a peer's DHCP server, and what show says of it (the kind is
 * step-dhcp-server.c). */
#include <string.h>
#include <time.h>

#include "dns/dhcp-server.h"
#include "dns/dhcp-up.h"

int dhcp_server_apply(struct step_env *env, const struct dhcp_server_spec *spec)
{
	struct dhcp_server_step d;

	memset(&d, 0, sizeof(d));
	d.spec = *spec;
	return journal_apply(env, &step_dhcp_server, &d);
}

void dhcp_status_fill(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		      const struct state_record *rec, struct usbnet_status *status)
{
	const struct state_step *s = journal_find(rec, &step_dhcp_server, NULL);
	const struct dhcp_server_step *d;
	struct dhcp_lease l;

	status->dhcp_server = false;
	status->dhcp_pid = 0;
	status->dhcp_running = false;
	status->has_lease = false;
	if (!s)
		return;
	d = (const struct dhcp_server_step *)s->data.bytes;
	status->dhcp_server = true;
	status->dhcp_pid = d->h.pid;
	status->dhcp_running =
	    d->h.pid > 0 && (be ? be->dns->alive(be->dns_h, &d->h) : dnsmasq_alive(&d->h)) > 0;
	/* The lease the peer holds now: one that expired is no longer its. */
	if (dhcp_lease_read(ctx->run_dir, rec->ifname, &l) > 0 && l.expires > (int64_t)time(NULL)) {
		status->has_lease = true;
		status->lease_addr = l.addr;
		memcpy(status->lease_mac, l.mac, sizeof(status->lease_mac));
		status->lease_since = l.since;
		status->lease_expires = l.expires;
	}
}

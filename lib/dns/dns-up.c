/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* up's call for the DNS forwarder, and what show says of it (the kind is step-dnsmasq.c). */
#include <stdbool.h>
#include <string.h>

#include "dns/dns-up.h"
#include "dns/dnsmasq.h"

int dns_apply(struct step_env *env, struct in_addr host, const struct in6_addr *host6)
{
	struct state_step *s = journal_find(env->rec, &step_dnsmasq, NULL);
	struct dnsmasq_step d;

	memset(&d, 0, sizeof(d));
	d.host = host;
	if (host6) {
		d.has_host6 = true;
		d.host6 = *host6;
	}
	/* An earlier up's step (read back: no host) is started again on this one */
	if (s) {
		struct dnsmasq_step *old = (struct dnsmasq_step *)s->data.bytes;

		old->host = host;
		/* Another IPv6 address (or none now, or one now): another forwarder. */
		if (old->has_host6 != d.has_host6 ||
		    (d.has_host6 && memcmp(&old->host6, &d.host6, sizeof(d.host6)) != 0)) {
			char phrase[128];
			int r = step_dnsmasq.undo(env, old, phrase, sizeof(phrase));

			if (r < 0)
				return r;
			/* Stopped: the step is started again (below) with the new addresses. */
			*old = d;
			s->done = false;
		}
	}
	return journal_apply(env, &step_dnsmasq, &d);
}

void dns_status_fill(const struct usbnet_backends *be, const struct state_record *rec,
		     struct usbnet_status *status)
{
	const struct state_step *s = journal_find(rec, &step_dnsmasq, NULL);
	const struct dns_handle *h;

	status->dns = false;
	status->dns_pid = 0;
	status->dns_running = false;
	if (!s)
		return;
	h = &((const struct dnsmasq_step *)s->data.bytes)->h;
	status->dns = true;
	status->dns_pid = h->pid;
	status->dns_running =
	    h->pid > 0 && (be ? be->dns->alive(be->dns_h, h) : dnsmasq_alive(h)) > 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the host's firewall would drop of a gateway peer's forwarded traffic, as that peer's
 * status says it: one path for up (mode-gateway.c) and for refresh (refresh.c), which checks
 * again for the uplink it moved the peer to. The finding is the last part of the status
 * message, after FIREWALL_NOTE, so that refresh replaces the old uplink's finding and keeps
 * what up said before it (the peer's probe).
 */
#include <stdio.h>
#include <string.h>

#include "gateway/gateway.h"

#define FIREWALL_NOTE "firewall: "

void gateway_firewall_warning(const struct usbnet_backends *be, const char *ifname,
			      const char *uplink, char *warning, size_t len)
{
	char found[sizeof(((struct usbnet_status *)0)->message)];
	int r;

	warning[0] = '\0';
	r = be->gw->firewall_check(be->gw_h, ifname, uplink, found, sizeof(found));
	if (r < 0)
		snprintf(warning, len,
			 FIREWALL_NOTE "could not check the host's firewall for rules that drop "
				       "forwarding: %s",
			 strerror(-r));
	else if (found[0])
		snprintf(warning, len, FIREWALL_NOTE "%s", found);
}

/* Where the recorded finding starts in message (the whole message, or after "; "), NULL when
 * there is none. */
static char *note_start(char *message)
{
	char *p;

	if (strncmp(message, FIREWALL_NOTE, strlen(FIREWALL_NOTE)) == 0)
		return message;
	p = strstr(message, "; " FIREWALL_NOTE);
	return p;
}

bool gateway_firewall_note(struct usbnet_status *st, const char *warning)
{
	char msg[sizeof(st->message)];
	char *old = note_start(st->message);
	bool had = old != NULL;

	if (old)
		*old = '\0'; /* the old uplink's finding */
	if (warning[0]) {
		int n = snprintf(msg, sizeof(msg), "%s%s%s", st->message,
				 st->message[0] ? "; " : "", warning);

		if (n < 0)
			return false;
		/* (a message longer than the status holds is cut, as every status message is) */
		memcpy(st->message, msg, sizeof(st->message));
		st->state = USBNET_STATE_DEGRADED;
		return true;
	}
	/* Degraded by the finding alone (the peer answered, or nothing else was said): no more */
	if (had && st->state == USBNET_STATE_DEGRADED && (!st->message[0] || st->rtt_us >= 0))
		st->state = USBNET_STATE_CONFIGURED;
	return false;
}

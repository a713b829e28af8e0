/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* When to look at a recorded peer again (relook.h). */
#include <string.h>

#include "watch/relook.h"

bool relook_follows(const struct usbnet_status *st)
{
	return st->state == USBNET_STATE_DEGRADED;
}

bool relook_is_fallback(const struct usbnet_status *st)
{
	/* up --auto records how it chose: "none link-local" when it found nothing. */
	const char *sp = strchr(st->discovered, ' ');

	return sp && strcmp(sp + 1, "link-local") == 0;
}

enum relook_action relook_decide(const struct usbnet_status *st, enum relook_carrier before,
				 enum relook_carrier now)
{
	if (!relook_follows(st) || now != RELOOK_CARRIER_UP)
		return RELOOK_NONE;
	if (before != RELOOK_CARRIER_UP)
		return RELOOK_NOW;
	return relook_is_fallback(st) ? RELOOK_NONE : RELOOK_TIMER;
}

uint32_t relook_next_ms(uint32_t prev_ms)
{
	if (prev_ms < RELOOK_FIRST_MS)
		return RELOOK_FIRST_MS;
	return prev_ms >= RELOOK_MAX_MS / 2 ? RELOOK_MAX_MS : prev_ms * 2;
}

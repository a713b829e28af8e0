/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * When the watcher looks at a recorded peer again (issue 20), decided from what its record says
 * and what its carrier does: pure functions, no I/O (carrier.c does the listening).
 *
 * - A peer that is not degraded (configured, failed, a conflict...) is never looked at again
 *   here: its own events (plug, unplug) deal with it.
 * - A degraded peer is looked at again when its carrier comes (was down or unknown, is up now):
 *   a device that brought its side up late.
 * - A degraded peer whose discovery found nothing (mode=auto's link-local fallback) is looked at
 *   again only then: discovery sends probes for seconds, not something to repeat on a timer.
 * - Any other degraded peer (a static one that did not answer) is checked again on a timer while
 *   it has carrier, with a backoff: RELOOK_FIRST_MS, doubled each time up to RELOOK_MAX_MS.
 */
#ifndef USBNET_WATCH_RELOOK_H
#define USBNET_WATCH_RELOOK_H

#include <stdbool.h>
#include <stdint.h>
#include "usbnet-host/usbnet.h"

#define RELOOK_FIRST_MS 2000
#define RELOOK_MAX_MS 60000

enum relook_carrier {
	RELOOK_CARRIER_UNKNOWN = 0,
	RELOOK_CARRIER_DOWN,
	RELOOK_CARRIER_UP,
};

enum relook_action {
	RELOOK_NONE = 0, /* leave it */
	RELOOK_NOW,	 /* look again now (its carrier came) */
	RELOOK_TIMER,	 /* look again when its timer says so */
};

/* Whether the record is one the watcher follows at all: degraded. */
bool relook_follows(const struct usbnet_status *st);
/* Whether it is mode=auto's fallback (discovery found nothing): looked at on carrier only. */
bool relook_is_fallback(const struct usbnet_status *st);
/* What to do with a recorded peer whose carrier was `before` and is `now`. */
enum relook_action relook_decide(const struct usbnet_status *st, enum relook_carrier before,
				 enum relook_carrier now);
/* The wait before the next timed look, after one that waited prev_ms (0: the first). */
uint32_t relook_next_ms(uint32_t prev_ms);

#endif

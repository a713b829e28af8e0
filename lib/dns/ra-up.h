/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A gateway peer's router advertisements (ra-server.h): its step kind and up's call. */
#ifndef USBNET_RA_UP_H
#define USBNET_RA_UP_H

#include "core/backend.h"
#include "core/ctx.h"
#include "core/journal.h"
#include "core/step.h"

/*
 * The step kind "ra" (host-wide: the process outlives the interface), recorded as
 * "step ra PID START PREFIX/64 HOST6 HOST4 dns=yes|no", with "-" for the handle ahead of the
 * start. One per peer. check: it still runs; undo: stop it (pid 0: the one its pid file
 * names), 0 when already gone.
 */
extern const struct step_kind step_ra;

struct ra_step {
	struct dns_handle h;
	struct ra_spec spec;
};

/* up's step: announce spec on env->rec's interface, through journal_apply(). */
int ra_apply(struct step_env *env, const struct ra_spec *spec);

#endif

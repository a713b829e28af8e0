/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Holding a forwarding family's switch on (forwarding.h), for the step kinds "forwarding" and
 * "forwarding6": what they share, under the gateway lock. The first holder writes the record of
 * the value from before, the last one down gives that value back.
 */
#ifndef USBNET_FORWARDING_HOLD_H
#define USBNET_FORWARDING_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include "core/step.h"
#include "gateway/forwarding.h"

/* How many records of the run directory but exclude's hold fam's switch (pending steps count:
 * what they may have made is still to undo). */
int forwarding_holders(struct usbnet_ctx *ctx, const struct forwarding_family *fam,
		       const char *exclude, size_t *ret);
/* The record written with before (-errno with ctx_fail() when it cannot be). */
int forwarding_record_keep(struct usbnet_ctx *ctx, const struct forwarding_family *fam, int before);
/* The switch turned on unless now is 1 already (now -1: not known). On failure the record goes
 * again when this apply wrote it (!have_record): nothing of the step stays. */
int forwarding_turn_on(struct step_env *env, const struct forwarding_family *fam, int before,
		       bool have_record, int now);
/* The undo of a holding step: with other holders the switch stays on; the last one sets the
 * record's value back and removes the record; no record, nothing was changed. */
int forwarding_give_back(struct step_env *env, const struct forwarding_family *fam, char *phrase,
			 size_t len);

#endif

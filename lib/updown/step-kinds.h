/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry of step kinds (core/step.h): every kind a record may hold, one line each in
 * step-kinds.c. usbnet_ctx_new() gives it to the context, so that core/ reads records with it. */
#ifndef USBNET_STEP_KINDS_H
#define USBNET_STEP_KINDS_H

#include "core/step.h"

/* NULL-terminated. */
extern const struct step_kind *const step_kinds[];

#endif

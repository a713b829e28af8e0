/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NetworkManager's steps (core/step.h): the device taken from it, and our DHCP profile. */
#ifndef USBNET_NM_STEPS_H
#define USBNET_NM_STEPS_H

#include <stdbool.h>
#include "core/backend.h"
#include "core/step.h"

/* No data: NetworkManager managed the device; we set it unmanaged (run time only). */
extern const struct step_kind step_nm_unmanaged;

/* A DHCP-serving peer stays with NetworkManager under a volatile profile of ours that takes
 * the lease but, unless trusted, no default route, routes or DNS from it. */
struct step_nm_profile_data {
	char uuid[37]; /* made before the change, so that it is recorded first */
	bool trusted;  /* not in the record line: only apply needs it */
};
extern const struct step_kind step_nm_profile;
/* A fresh version 4 UUID into data->uuid. */
int step_nm_profile_prepare(struct step_nm_profile_data *data, bool trusted);

/* NetworkManager's own words for its last failure, else err's. */
const char *nm_step_words(const struct usbnet_backends *be, int err);

#endif

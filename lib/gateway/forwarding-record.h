/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A forwarding family's record in the run directory (forwarding.h): the switch's value from
 * before the family's first gateway peer, given back by the last one down.
 *
 *	usbnet-host-gateway 1		(IPv6's: usbnet-host-gateway6 1)
 *	forwarding-before 0
 *	end
 */
#ifndef USBNET_FORWARDING_RECORD_H
#define USBNET_FORWARDING_RECORD_H

#include <stddef.h>
#include "gateway/forwarding.h"

/* -ENOENT when there is no record, -EBADMSG when it is not one. */
int forwarding_record_read(const char *run_dir, const struct forwarding_family *fam,
			   int *ret_before);
int forwarding_record_parse(const struct forwarding_family *fam, const char *text, size_t len,
			    int *ret_before);
int forwarding_record_write(const char *run_dir, const struct forwarding_family *fam, int before);
/* 0 also when there is none. */
int forwarding_record_remove(const char *run_dir, const struct forwarding_family *fam);

#endif

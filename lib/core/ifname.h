/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one check of an interface name, with the kernel's rules (net/core/dev.c,
 * dev_valid_name): it is also a file name in the run directory, so nothing else may differ. */
#ifndef USBNET_IFNAME_H
#define USBNET_IFNAME_H

#include <stdbool.h>

/* Not empty, shorter than IFNAMSIZ, not "." or "..", no '/', ':' or white space. */
bool ifname_valid(const char *name);

#endif

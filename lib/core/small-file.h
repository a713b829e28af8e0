/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small file read in one read(2): a sysctl under /proc/sys, /etc/machine-id, a record of a
 * few lines. What does not fit in the buffer is not read.
 */
#ifndef USBNET_SMALL_FILE_H
#define USBNET_SMALL_FILE_H

#include <sys/types.h>

/* Up to size - 1 bytes of path (opened with O_RDONLY | O_CLOEXEC | flags) into buf, then a NUL:
 * the count read, or -errno. */
ssize_t small_file_read(const char *path, int flags, char *buf, size_t size);

#endif

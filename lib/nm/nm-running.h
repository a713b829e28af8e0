/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether NetworkManager runs on this host, asked without libnm (nm-running.c). */
#ifndef USBNET_NM_RUNNING_H
#define USBNET_NM_RUNNING_H

#include <stdbool.h>

/* A process named NetworkManager is in this PID namespace's /proc. */
bool nm_daemon_running(void);

#endif

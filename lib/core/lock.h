/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One lock per interface, RUN_DIR/IFNAME.lock (flock): two up/down runs on one interface never
 * interleave. Only the flock matters, and it dies with the process; the file is removed with
 * the record (lock_remove), and a waiter that then gets the lock of a removed file takes the
 * new one.
 */
#ifndef USBNET_LOCK_H
#define USBNET_LOCK_H

#define LOCK_TIMEOUT_MS 10000

/* Waits up to timeout_ms; -EWOULDBLOCK when another run still holds the lock. *ret_fd is the
 * lock, released by lock_release(). The run directory is created (0755) when missing. */
int lock_acquire(const char *run_dir, const char *ifname, unsigned timeout_ms, int *ret_fd);
/* Takes -1; returns -1. */
int lock_release(int fd);
/* Removes RUN_DIR/NAME.lock: by the holder, before it releases the lock. */
void lock_remove(const char *run_dir, const char *name);

#endif

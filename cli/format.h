/* SPDX-License-Identifier: GPL-2.0-or-later */
/* How list and show print reports: a table, details, or JSON. */
#ifndef USBNET_CLI_FORMAT_H
#define USBNET_CLI_FORMAT_H

#include <stddef.h>
#include "cli.h"
#include "table.h"

int print_reports_table(const struct cli_table_opts *o, const struct usbnet_report *reps, size_t n);
extern const struct cli_column list_columns[];
extern const size_t n_list_columns;
extern const char list_default_columns[];
int print_reports_json(const struct cli_common *c, const struct usbnet_report *reps, size_t n);
int print_report_details(const struct usbnet_report *rep);
int print_report_json(const struct cli_common *c, const struct usbnet_report *rep);
/* "A.B.C.D/N" of the address a report shows for the host, or NULL. */
const char *report_host_address(const struct usbnet_report *rep, char *buf, size_t len);
/* "waiting for carrier" while a recorded peer's link has none (the device has not brought its
 * side up, or took it down): the watcher looks at it again when it comes. NULL otherwise. */
const char *report_carrier_wait(const struct usbnet_report *rep);
/* The peer's name: the one it was given (its altname), else its plan's; NULL when none. */
const char *report_name(const struct usbnet_report *rep);
const char *report_peer_address(const struct usbnet_report *rep, char *buf, size_t len);

#endif

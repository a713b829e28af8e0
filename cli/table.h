/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tables through libsmartcols (as lsblk prints them): columns that fit the terminal, cells cut
 * with a mark ("…", or "~" outside UTF-8), --output COLUMNS, --noheadings, --raw, and JSON with
 * the columns as keys. Cells are set by the column's id (its index in the command's column
 * list); --output picks and orders the ones shown.
 */
#ifndef USBNET_CLI_TABLE_H
#define USBNET_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>

struct cli_common;

struct cli_column {
	const char *name; /* "IFACE"; its lower case is the JSON key */
	double whint;	  /* libsmartcols' width hint: < 1 a share of the terminal, else columns */
	bool trunc;	  /* may be cut (with a mark) to fit */
	bool right;
	bool number; /* JSON number */
	const char *help;
};

/* The options of a command with a table. */
struct cli_table_opts {
	const char *output; /* --output COL,COL...; NULL: the command's default */
	bool noheadings;
	bool raw;
	bool quiet; /* -q: no warnings below the table */
};

#define CLI_TABLE_OPT_OUTPUT 0x180
#define CLI_TABLE_OPT_NOHEADINGS 0x181
#define CLI_TABLE_OPT_RAW 0x182
#define CLI_TABLE_LONGOPTS                                                                         \
	{ "output", required_argument, NULL, CLI_TABLE_OPT_OUTPUT },                               \
		{ "noheadings", no_argument, NULL, CLI_TABLE_OPT_NOHEADINGS },                     \
		{ "raw", no_argument, NULL, CLI_TABLE_OPT_RAW }
/* -o COLS, -n, -r as lsblk has them. */
#define CLI_TABLE_SHORTOPTS "o:nr"

/* Handles --output, --noheadings, --raw (and -o -n -r): true when opt was one. */
bool cli_table_option(struct cli_table_opts *o, int opt, const char *arg);

struct cli_table;

/* NULL on a bad --output (said on stderr: *ret_status is EXIT_USAGE) or no memory. */
struct cli_table *cli_table_new(const struct cli_column *cols, size_t n_cols,
				const char *default_output, const struct cli_table_opts *o,
				const char *json_name, bool json, int *ret_status);
/* A new line; then cells by column id (NULL or "": "-"). The value is copied, escaped (any
 * byte that is not printable ASCII as \xNN). */
int cli_table_add_line(struct cli_table *t);
void cli_table_set(struct cli_table *t, size_t col, const char *value);
void cli_table_setf(struct cli_table *t, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cli_table_print(struct cli_table *t);
void cli_table_free(struct cli_table *t);
/* The columns and their meaning, for --help. */
void cli_table_columns_help(const struct cli_column *cols, size_t n_cols, const char *def);

#endif

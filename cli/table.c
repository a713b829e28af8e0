/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <langinfo.h>
#include <libsmartcols.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "table.h"

#define MAX_SHOWN 32

struct cli_table {
	const struct cli_column *cols;
	size_t n_cols;
	size_t shown[MAX_SHOWN]; /* column ids, in --output's order */
	size_t n_shown;
	bool json, noheadings, raw;
	const char *json_name;
	char **cells; /* n_lines * n_cols */
	size_t n_lines, alloc_lines;
};

bool cli_table_option(struct cli_table_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case 'o':
	case CLI_TABLE_OPT_OUTPUT:
		o->output = arg;
		return true;
	case 'n':
	case CLI_TABLE_OPT_NOHEADINGS:
		o->noheadings = true;
		return true;
	case 'r':
	case CLI_TABLE_OPT_RAW:
		o->raw = true;
		return true;
	default:
		return false;
	}
}

static int parse_output(struct cli_table *t, const char *list)
{
	const char *p = list;

	/* "+COLS": the default ones and these (as lsblk has it). */
	while (*p) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < t->n_cols; i++)
			if (strlen(t->cols[i].name) == len && strncasecmp(p, t->cols[i].name, len) == 0)
				break;
		if (i == t->n_cols || len == 0) {
			char buf[64];

			return cli_bad_option("--output: unknown column '%s'",
					      cli_escape(p, len, buf, sizeof(buf)));
		}
		if (t->n_shown == MAX_SHOWN)
			return cli_bad_option("--output: %s", "too many columns");
		t->shown[t->n_shown++] = i;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

struct cli_table *cli_table_new(const struct cli_column *cols, size_t n_cols,
				const char *default_output, const struct cli_table_opts *o,
				const char *json_name, bool json, int *ret_status)
{
	struct cli_table *t = calloc(1, sizeof(*t));
	const char *out = o->output ? o->output : default_output;

	*ret_status = EXIT_FAILED;
	if (!t)
		return NULL;
	t->cols = cols;
	t->n_cols = n_cols;
	t->json = json;
	t->json_name = json_name;
	t->noheadings = o->noheadings;
	t->raw = o->raw;
	if ((out[0] == '+' && (parse_output(t, default_output) != 0 || parse_output(t, out + 1) != 0)) ||
	    (out[0] != '+' && parse_output(t, out) != 0)) {
		*ret_status = EXIT_USAGE;
		free(t);
		return NULL;
	}
	return t;
}

int cli_table_add_line(struct cli_table *t)
{
	if (t->n_lines == t->alloc_lines) {
		size_t n = t->alloc_lines ? t->alloc_lines * 2 : 8;
		char **c = realloc(t->cells, n * t->n_cols * sizeof(*c));

		if (!c)
			return -ENOMEM;
		memset(c + t->alloc_lines * t->n_cols, 0, (n - t->alloc_lines) * t->n_cols * sizeof(*c));
		t->cells = c;
		t->alloc_lines = n;
	}
	t->n_lines++;
	return 0;
}

void cli_table_set(struct cli_table *t, size_t col, const char *value)
{
	char **cell;
	size_t n;

	if (t->n_lines == 0 || col >= t->n_cols)
		return;
	cell = &t->cells[(t->n_lines - 1) * t->n_cols + col];
	free(*cell);
	*cell = NULL;
	if (!value || !*value)
		return;
	n = strlen(value) * 4 + 1;
	*cell = malloc(n);
	if (*cell)
		cli_escape(value, strlen(value), *cell, n);
}

void cli_table_setf(struct cli_table *t, size_t col, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	cli_table_set(t, col, buf);
}

/* The width to fit: $COLUMNS (as a user or a test sets it), else the terminal's; 0 when the
 * output is neither (a pipe to a program: nothing is cut). */
static size_t term_width(void)
{
	const char *s = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long v;

	if (s && *s) {
		v = strtol(s, &end, 10);
		if (!*end && v > 0 && v < 10000)
			return (size_t)v;
	}
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

static struct libscols_table *build(struct cli_table *t, size_t width, char **const *cells)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		return NULL;
	scols_table_enable_json(tb, t->json);
	scols_table_set_name(tb, t->json_name);
	scols_table_enable_noheadings(tb, t->noheadings);
	scols_table_enable_raw(tb, t->raw);
	if (width) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, width);
		/* Never a line longer than the width: cut, not continued on the next line. */
		scols_table_enable_nowrap(tb, 1);
	} else {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	}
	for (size_t i = 0; i < t->n_shown; i++) {
		const struct cli_column *c = &t->cols[t->shown[i]];
		struct libscols_column *cl = scols_table_new_column(
			tb, c->name, c->whint,
			(c->trunc ? SCOLS_FL_TRUNC : 0) | (c->right ? SCOLS_FL_RIGHT : 0));

		if (!cl) {
			scols_unref_table(tb);
			return NULL;
		}
		if (c->number)
			scols_column_set_json_type(cl, SCOLS_JSON_NUMBER);
	}
	for (size_t l = 0; l < t->n_lines; l++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln) {
			scols_unref_table(tb);
			return NULL;
		}
		for (size_t i = 0; i < t->n_shown; i++) {
			const char *v = (*cells)[l * t->n_cols + t->shown[i]];

			/* JSON: null for nothing; the text: "-". */
			if (v || !t->json)
				scols_line_set_data(ln, i, v ? v : "-");
		}
	}
	return tb;
}

/* Cells wider than their column get the mark: libsmartcols cuts silently. */
static int mark_cut_cells(struct cli_table *t, struct libscols_table *tb)
{
	const char *mark = "~";
	size_t mark_w = 1;

	setlocale(LC_CTYPE, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		mark = "\u2026";
	for (size_t i = 0; i < t->n_shown; i++) {
		size_t w = scols_column_get_width(scols_table_get_column(tb, i));

		if (!t->cols[t->shown[i]].trunc || w <= mark_w)
			continue;
		for (size_t l = 0; l < t->n_lines; l++) {
			char **cell = &t->cells[l * t->n_cols + t->shown[i]];

			/* Cells are printable ASCII (escaped): a byte is a column. */
			if (*cell && strlen(*cell) > w) {
				char *s = malloc(w - mark_w + strlen(mark) + 1);

				if (!s)
					return -ENOMEM;
				memcpy(s, *cell, w - mark_w);
				strcpy(s + w - mark_w, mark);
				free(*cell);
				*cell = s;
			}
		}
	}
	return 0;
}

int cli_table_print(struct cli_table *t)
{
	size_t width = t->json || t->raw ? 0 : term_width();
	struct libscols_table *tb = build(t, width, &t->cells);
	int r;

	if (!tb)
		return -ENOMEM;
	if (width) {
		char *s = NULL;

		/* A first layout, to learn the widths it gave; then the cut cells marked. */
		r = scols_print_table_to_string(tb, &s);
		free(s);
		if (r == 0)
			r = mark_cut_cells(t, tb);
		scols_unref_table(tb);
		if (r < 0)
			return r;
		tb = build(t, width, &t->cells);
		if (!tb)
			return -ENOMEM;
	}
	r = scols_print_table(tb);
	scols_unref_table(tb);
	if (r < 0)
		return r;
	return fflush(stdout) == 0 ? 0 : -errno;
}

void cli_table_free(struct cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_lines * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void cli_table_columns_help(const struct cli_column *cols, size_t n_cols, const char *def)
{
	printf("\nColumns (--output COL,...; +COL,... adds to the default %s):\n", def);
	for (size_t i = 0; i < n_cols; i++)
		printf("  %-10s %s\n", cols[i].name, cols[i].help);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON as --json=short (the library's one line) or --json=pretty (indented by two). */
#include <errno.h>
#include <stdio.h>

#include "cli.h"

static void newline(FILE *f, int depth)
{
	fputc('\n', f);
	for (int i = 0; i < depth; i++)
		fputs("  ", f);
}

/* The text is the library's: valid JSON, strings escaped, no insignificant white space. */
static void print_pretty(FILE *f, const char *s)
{
	int depth = 0;
	bool in_string = false;

	for (const char *p = s; *p; p++) {
		char ch = *p;

		if (in_string) {
			fputc(ch, f);
			if (ch == '\\' && p[1])
				fputc(*++p, f);
			else if (ch == '"')
				in_string = false;
			continue;
		}
		switch (ch) {
		case '"':
			in_string = true;
			fputc(ch, f);
			break;
		case '{':
		case '[':
			fputc(ch, f);
			/* An empty object or array stays on its line. */
			if (p[1] == '}' || p[1] == ']') {
				fputc(*++p, f);
				break;
			}
			newline(f, ++depth);
			break;
		case '}':
		case ']':
			newline(f, --depth);
			fputc(ch, f);
			break;
		case ',':
			fputc(ch, f);
			newline(f, depth);
			break;
		case ':':
			fputs(": ", f);
			break;
		case ' ':
		case '\n':
		case '\t':
		case '\r':
			break;
		default:
			fputc(ch, f);
		}
	}
	fputc('\n', f);
}

int cli_print_json(const struct cli_common *c, const char *text)
{
	if (!text)
		return -ENOMEM;
	if (c->json == CLI_JSON_PRETTY)
		print_pretty(stdout, text);
	else
		puts(text);
	return fflush(stdout) == 0 ? 0 : -errno;
}

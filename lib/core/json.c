/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small JSON writer. Strings come from devices (USB descriptors) and may hold any byte, so
 * the writer escapes per RFC 8259 and replaces invalid UTF-8 with U+FFFD: the output is valid
 * UTF-8 JSON whatever the input. An allocation failure or unbalanced nesting latches an error,
 * later calls do nothing, and json_finish() returns NULL.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* Deep enough for any report; deeper nesting is a bug in the caller. */
#define JSON_MAX_DEPTH 32

struct json_writer {
	char *buf;
	size_t len, cap;
	bool failed;
	bool need_comma; /* a value was written at this level: the next one needs a ',' */
	bool after_key;	 /* a key was written: a value must follow */
	unsigned depth;
	char stack[JSON_MAX_DEPTH]; /* '{' or '[' per open level */
};

struct json_writer *json_new(void)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->cap = 256;
	w->buf = malloc(w->cap);
	if (!w->buf) {
		free(w);
		return NULL;
	}
	w->buf[0] = '\0';
	return w;
}

char *json_finish(struct json_writer *w)
{
	char *text;

	if (!w)
		return NULL;
	if (w->failed || w->depth != 0 || w->after_key || w->len == 0) {
		free(w->buf);
		free(w);
		return NULL;
	}
	text = w->buf;
	free(w);
	return text;
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (w->failed)
		return;
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap;
		char *grown;

		while (w->len + n + 1 > cap) {
			if (cap > SIZE_MAX / 2) {
				w->failed = true;
				return;
			}
			cap *= 2;
		}
		grown = realloc(w->buf, cap);
		if (!grown) {
			w->failed = true;
			return;
		}
		w->buf = grown;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void puts_(struct json_writer *w, const char *s)
{
	put(w, s, strlen(s));
}

/* Before any value: the ',' that separates it from the previous one. A value directly inside
 * an object must follow a key; a second top-level value is not JSON. */
static bool begin_value(struct json_writer *w)
{
	if (!w || w->failed)
		return false;
	if (w->after_key) {
		w->after_key = false;
		return true;
	}
	if (w->depth == 0 ? w->len > 0 : w->stack[w->depth - 1] == '{') {
		w->failed = true;
		return false;
	}
	if (w->need_comma)
		put(w, ",", 1);
	return true;
}

static void end_value(struct json_writer *w)
{
	w->need_comma = true;
}

static void open_level(struct json_writer *w, char c)
{
	if (!begin_value(w))
		return;
	if (w->depth == JSON_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	w->stack[w->depth++] = c;
	put(w, &c, 1);
	w->need_comma = false;
}

static void close_level(struct json_writer *w, char open, char c)
{
	if (!w || w->failed)
		return;
	if (w->depth == 0 || w->stack[w->depth - 1] != open || w->after_key) {
		w->failed = true;
		return;
	}
	w->depth--;
	put(w, &c, 1);
	end_value(w);
}

void json_begin_object(struct json_writer *w)
{
	open_level(w, '{');
}

void json_end_object(struct json_writer *w)
{
	close_level(w, '{', '}');
}

void json_begin_array(struct json_writer *w)
{
	open_level(w, '[');
}

void json_end_array(struct json_writer *w)
{
	close_level(w, '[', ']');
}

/* The length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one; *ret_bad then
 * says how many bytes the replacement stands for (the maximal subpart, as Unicode advises).
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
static size_t utf8_seq(const unsigned char *s, size_t *ret_bad)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		*ret_bad = 1; /* a continuation byte, C0, C1, F5..FF */
		return 0;
	}
	/* The string is NUL-terminated and NUL is no continuation byte: no read past its end. */
	if (s[1] < lo || s[1] > hi) {
		*ret_bad = 1;
		return 0;
	}
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf) {
			*ret_bad = i;
			return 0;
		}
	return n;
}

static void put_escaped(struct json_writer *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char esc[8];

	put(w, "\"", 1);
	while (*s && !w->failed) {
		const unsigned char *run = s;
		size_t n, bad = 1;

		/* Copy the longest stretch that needs no escaping in one go. */
		while (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			s++;
		put(w, (const char *)run, (size_t)(s - run));
		if (!*s)
			break;
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*s;
			put(w, esc, 2);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			/* DEL too: valid raw in JSON, but a terminal showing it acts on it. */
			snprintf(esc, sizeof(esc), "\\u%04x", *s);
			put(w, esc, 6);
			s++;
		} else if ((n = utf8_seq(s, &bad)) > 0) {
			put(w, (const char *)s, n);
			s += n;
		} else {
			put(w, "\\ufffd", 6);
			s += bad;
		}
	}
	put(w, "\"", 1);
}

void json_key(struct json_writer *w, const char *key)
{
	if (!w || w->failed)
		return;
	if (w->depth == 0 || w->stack[w->depth - 1] != '{' || w->after_key || !key) {
		w->failed = true;
		return;
	}
	if (w->need_comma)
		put(w, ",", 1);
	put_escaped(w, key);
	put(w, ":", 1);
	w->after_key = true;
	w->need_comma = false;
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	if (!begin_value(w))
		return;
	put_escaped(w, s);
	end_value(w);
}

void json_int(struct json_writer *w, int64_t v)
{
	char buf[24];

	if (!begin_value(w))
		return;
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	puts_(w, buf);
	end_value(w);
}

void json_fixed(struct json_writer *w, int64_t v, unsigned decimals)
{
	char buf[48];
	uint64_t scale = 1, mag;
	int n;

	if (decimals > 9) {
		if (w)
			w->failed = true;
		return;
	}
	if (!begin_value(w))
		return;
	for (unsigned i = 0; i < decimals; i++)
		scale *= 10;
	/* Integer arithmetic: printf's %f would follow the locale's decimal point. */
	mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (decimals == 0)
		n = snprintf(buf, sizeof(buf), "%s%" PRIu64, v < 0 ? "-" : "", mag);
	else
		n = snprintf(buf, sizeof(buf), "%s%" PRIu64 ".%0*" PRIu64, v < 0 ? "-" : "",
			     mag / scale, (int)decimals, mag % scale);
	put(w, buf, (size_t)n);
	end_value(w);
}

void json_bool(struct json_writer *w, bool v)
{
	if (!begin_value(w))
		return;
	puts_(w, v ? "true" : "false");
	end_value(w);
}

void json_null(struct json_writer *w)
{
	if (!begin_value(w))
		return;
	puts_(w, "null");
	end_value(w);
}

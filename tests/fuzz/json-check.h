/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A strict RFC 8259 checker for the tests and fuzzers: the text must be exactly one JSON value,
 * all of it valid UTF-8, no raw control characters in strings, only the escapes JSON has, and
 * \u escapes that pair their surrogates. Independent of lib/core/json.c on purpose.
 */
#ifndef USBNET_TESTS_JSON_CHECK_H
#define USBNET_TESTS_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct jc {
	const unsigned char *s, *end;
	unsigned depth;
	/* When set, the first string's decoded bytes go here (UTF-8). */
	char *out;
	size_t out_len, out_cap;
	bool captured;
};

static void jc_ws(struct jc *j)
{
	while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
		j->s++;
}

static int jc_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool jc_u4(struct jc *j, uint32_t *ret)
{
	uint32_t v = 0;

	if (j->end - j->s < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		int h = jc_hex(j->s[i]);

		if (h < 0)
			return false;
		v = v * 16 + (uint32_t)h;
	}
	j->s += 4;
	*ret = v;
	return true;
}

static void jc_emit(struct jc *j, bool capture, const void *p, size_t n)
{
	if (!capture || !j->out || j->out_len + n > j->out_cap)
		return;
	memcpy(j->out + j->out_len, p, n);
	j->out_len += n;
}

static void jc_emit_cp(struct jc *j, bool capture, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	jc_emit(j, capture, b, n);
}

/* One UTF-8 sequence, strictly: no overlongs, no surrogates, nothing above U+10FFFF. */
static bool jc_utf8(struct jc *j, bool capture)
{
	const unsigned char *s = j->s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return false;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if ((size_t)(j->end - s) < n || s[1] < lo || s[1] > hi)
		return false;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return false;
	jc_emit(j, capture, s, n);
	j->s += n;
	return true;
}

static bool jc_string(struct jc *j)
{
	bool capture = !j->captured;

	j->captured = true;
	if (j->s >= j->end || *j->s != '"')
		return false;
	j->s++;
	while (j->s < j->end) {
		unsigned char c = *j->s;
		uint32_t cp, lo;

		if (c == '"') {
			j->s++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c >= 0x80) {
			if (!jc_utf8(j, capture))
				return false;
			continue;
		}
		j->s++;
		if (c != '\\') {
			jc_emit(j, capture, &c, 1);
			continue;
		}
		if (j->s >= j->end)
			return false;
		c = *j->s++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			jc_emit(j, capture, &c, 1);
			break;
		case 'b':
			jc_emit(j, capture, "\b", 1);
			break;
		case 'f':
			jc_emit(j, capture, "\f", 1);
			break;
		case 'n':
			jc_emit(j, capture, "\n", 1);
			break;
		case 'r':
			jc_emit(j, capture, "\r", 1);
			break;
		case 't':
			jc_emit(j, capture, "\t", 1);
			break;
		case 'u':
			if (!jc_u4(j, &cp))
				return false;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return false; /* a lone low surrogate */
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (j->end - j->s < 6 || j->s[0] != '\\' || j->s[1] != 'u')
					return false;
				j->s += 2;
				if (!jc_u4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return false;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			jc_emit_cp(j, capture, cp);
			break;
		default:
			return false;
		}
	}
	return false;
}

static bool jc_digits(struct jc *j)
{
	const unsigned char *start = j->s;

	while (j->s < j->end && *j->s >= '0' && *j->s <= '9')
		j->s++;
	return j->s > start;
}

static bool jc_number(struct jc *j)
{
	if (j->s < j->end && *j->s == '-')
		j->s++;
	if (j->s < j->end && *j->s == '0')
		j->s++;
	else if (!jc_digits(j))
		return false;
	if (j->s < j->end && *j->s == '.') {
		j->s++;
		if (!jc_digits(j))
			return false;
	}
	if (j->s < j->end && (*j->s == 'e' || *j->s == 'E')) {
		j->s++;
		if (j->s < j->end && (*j->s == '+' || *j->s == '-'))
			j->s++;
		if (!jc_digits(j))
			return false;
	}
	return true;
}

static bool jc_word(struct jc *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->s) < n || memcmp(j->s, w, n) != 0)
		return false;
	j->s += n;
	return true;
}

static bool jc_value(struct jc *j);

static bool jc_container(struct jc *j, char close, bool object)
{
	j->s++;
	if (++j->depth > 64)
		return false;
	jc_ws(j);
	if (j->s < j->end && *j->s == close) {
		j->s++;
		j->depth--;
		return true;
	}
	for (;;) {
		jc_ws(j);
		if (object) {
			if (!jc_string(j))
				return false;
			jc_ws(j);
			if (j->s >= j->end || *j->s != ':')
				return false;
			j->s++;
		}
		if (!jc_value(j))
			return false;
		jc_ws(j);
		if (j->s >= j->end)
			return false;
		if (*j->s == close) {
			j->s++;
			j->depth--;
			return true;
		}
		if (*j->s != ',')
			return false;
		j->s++;
	}
}

static bool jc_value(struct jc *j)
{
	jc_ws(j);
	if (j->s >= j->end)
		return false;
	switch (*j->s) {
	case '{':
		return jc_container(j, '}', true);
	case '[':
		return jc_container(j, ']', false);
	case '"':
		return jc_string(j);
	case 't':
		return jc_word(j, "true");
	case 'f':
		return jc_word(j, "false");
	case 'n':
		return jc_word(j, "null");
	default:
		return jc_number(j);
	}
}

/* Whether text[0..len) is exactly one valid JSON value. When out is given, the first string in
 * the text is decoded into it (up to cap bytes) and *ret_len says how long it is. */
static bool json_check(const char *text, size_t len, char *out, size_t cap, size_t *ret_len)
{
	struct jc j = { .s = (const unsigned char *)text,
			.end = (const unsigned char *)text + len,
			.out = out,
			.out_cap = cap };

	if (!jc_value(&j))
		return false;
	jc_ws(&j);
	if (j.s != j.end)
		return false;
	if (ret_len)
		*ret_len = j.out_len;
	return true;
}

#endif

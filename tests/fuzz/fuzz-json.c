/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: the JSON writer's escaping. Whatever the bytes, the output must be one valid
 * UTF-8 JSON string (checked by an independent strict parser), and valid UTF-8 input must come
 * back byte for byte. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "json-check.h"

static bool utf8_valid(const unsigned char *s, size_t n)
{
	struct jc j = { .s = s, .end = s + n };

	while (j.s < j.end) {
		if (*j.s < 0x80)
			j.s++;
		else if (!jc_utf8(&j, false))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_writer *w;
	char *in, *out, *decoded;
	size_t n, len, decoded_len = 0;

	/* json_string takes a C string: the input up to its first NUL. */
	in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	n = strlen(in);

	w = json_new();
	if (!w) {
		free(in);
		return 0;
	}
	json_string(w, in);
	out = json_finish(w);
	if (!out)
		abort();
	len = strlen(out);
	/* Every input byte becomes at most 6 output bytes (\u00XX, \ufffd). */
	decoded = malloc(n * 6 + 1);
	if (!decoded)
		abort();
	if (!json_check(out, len, decoded, n * 6 + 1, &decoded_len))
		abort();
	if (utf8_valid((const unsigned char *)in, n) &&
	    (decoded_len != n || memcmp(decoded, in, n) != 0))
		abort();
	free(decoded);
	free(out);
	free(in);
	return 0;
}

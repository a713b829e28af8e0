/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small JSON writer into a growing buffer: always valid UTF-8 JSON, whatever the bytes. */
#ifndef USBNET_JSON_H
#define USBNET_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_writer;

struct json_writer *json_new(void);
/* Returns the text (caller frees) and frees the writer; NULL on allocation failure. */
char *json_finish(struct json_writer *w);
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
/* Bytes are escaped; invalid UTF-8 becomes U+FFFD. NULL writes null. */
void json_string(struct json_writer *w, const char *s);
void json_int(struct json_writer *w, int64_t v);
/* v / 10^decimals as a decimal number (decimals <= 9): json_fixed(w, 412, 3) writes 0.412.
 * Integer arithmetic, so the locale's decimal point never leaks into the text. */
void json_fixed(struct json_writer *w, int64_t v, unsigned decimals);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

#endif

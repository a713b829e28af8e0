/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer: the state record's reader and writer (lib/core/state.c). down acts on a record as root,
 * so the reader must never guess:
 * - any bytes: state_parse returns 0 or -EBADMSG, never crashes, leaks or reads out of bounds;
 *   what it accepts is exactly what the writer would write for it (one canonical text per
 *   record: state_serialize(state_parse(text)) == text);
 * - the same bytes read as a record (every field filled from them): whatever the writer
 *   accepts to write, the reader reads back to the same record (nothing the library can record
 *   becomes a file that down then refuses).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/state.h"

struct src {
	const uint8_t *p;
	size_t n;
};

static uint8_t take8(struct src *s)
{
	uint8_t v = 0;

	if (s->n) {
		v = *s->p++;
		s->n--;
	}
	return v;
}

static uint32_t take32(struct src *s)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | take8(s);
	return v;
}

/* A string field: a length byte, then that many bytes (NULs end it early). */
static void take_str(struct src *s, char *dst, size_t size)
{
	size_t len = take8(s), i;

	if (len >= size)
		len = size - 1;
	for (i = 0; i < len && s->n; i++)
		dst[i] = (char)take8(s);
	dst[i] = '\0';
}

static void record_from_bytes(const uint8_t *data, size_t size, struct state_record *rec)
{
	struct src s = { data, size };

	memset(rec, 0, sizeof(*rec));
	take_str(&s, rec->ifname, sizeof(rec->ifname));
	rec->ifindex = (int)(take32(&s) & 0x7fffffff);
	take_str(&s, rec->usb_path, sizeof(rec->usb_path));
	take_str(&s, rec->serial, sizeof(rec->serial));
	rec->mode = (enum usbnet_mode)(take8(&s) % (USBNET_MODE_AUTO + 1));
	rec->trusted = take8(&s) & 1;
	rec->status.state = (enum usbnet_state)(take8(&s) % (USBNET_STATE_CONFLICT + 1));
	rec->status.has_host = take8(&s) & 1;
	rec->status.host.addr.s_addr = take32(&s);
	rec->status.host.prefix = take8(&s) % 33;
	rec->status.has_peer = take8(&s) & 1;
	rec->status.peer.s_addr = take32(&s);
	rec->status.rtt_us = (int64_t)take32(&s) - 1;
	/* The message: a length byte times two, to reach its 511 bytes. */
	{
		size_t len = (size_t)take8(&s) * 2, i;

		if (len >= sizeof(rec->status.message))
			len = sizeof(rec->status.message) - 1;
		for (i = 0; i < len && s.n; i++)
			rec->status.message[i] = (char)(take8(&s) | 1); /* no NUL inside */
		rec->status.message[i] = '\0';
	}
	rec->n_steps = take8(&s) % (STATE_MAX_STEPS + 1);
	for (size_t i = 0; i < rec->n_steps; i++) {
		struct state_step *st = &rec->steps[i];

		st->kind = (enum state_step_kind)(take8(&s) % 5 + 1);
		st->ip.addr.s_addr = take32(&s);
		st->ip.prefix = take8(&s) % 33;
		if (st->kind == STEP_NM_PROFILE)
			memcpy(st->uuid, "0f0e0d0c-0b0a-4908-8706-050403020100", 37);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state_record rec, back;
	char *text = NULL, *again = NULL;
	int r;

	/* 1. The bytes as a record's text. */
	r = state_parse((const char *)data, size, &rec);
	if (r != 0 && r != -EBADMSG)
		abort();
	if (r == 0) {
		if (state_serialize(&rec, &text) < 0)
			abort(); /* the reader accepted what the writer cannot write */
		if (strlen(text) != size || memcmp(text, data, size) != 0)
			abort(); /* the reader accepted a text that is not the canonical one */
		free(text);
		text = NULL;
	}

	/* 2. The bytes as a record's fields. */
	record_from_bytes(data, size, &rec);
	r = state_serialize(&rec, &text);
	if (r == -EINVAL)
		return 0; /* a record the writer refuses (a bad name, a bad step) */
	if (r < 0)
		abort();
	if (state_parse(text, strlen(text), &back) != 0)
		abort(); /* the writer wrote what the reader refuses */
	if (state_serialize(&back, &again) != 0 || strcmp(text, again) != 0)
		abort();
	free(text);
	free(again);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer: the state record's reader and writer (lib/core/journal.c) with every step kind of
 * the registry (lib/updown/step-kinds.c: each kind's format and parse). down acts on a record as
 * root, so the reader must never guess:
 * - any bytes: journal_parse returns 0 or -EBADMSG, never crashes, leaks or reads out of bounds;
 *   what it accepts in the current version is exactly what the writer would write for it (one
 *   canonical text per record: journal_serialize(journal_parse(text)) == text); a version-1
 *   record it accepts is written as version 2 and reads back the same;
 * - the same bytes read as a record (every field filled from them): whatever the writer
 *   accepts to write, the reader reads back to the same record (nothing the library can record
 *   becomes a file that down then refuses).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"
#include "dns/dns-up.h"
#include "updown/step-kinds.h"

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

/* Kinds whose data any bytes may fill (no bool in it: any other value would be undefined;
 * dnsmasq's one bool is set from a byte after the fill, record_from_bytes). */
static bool bytes_ok(const struct step_kind *kind)
{
	static const char *const names[] = {"addr", "route", "dnsmasq", "bridge-join",
					    "bridge-port"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(kind->name, names[i]) == 0)
			return true;
	return false;
}

static void record_from_bytes(const uint8_t *data, size_t size, struct state_record *rec)
{
	struct src s = {data, size};

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
	rec->has_mac = take8(&s) & 1;
	for (int i = 0; i < 6; i++)
		rec->mac[i] = take8(&s);
	/* the boot id: a valid one or anything */
	if (take8(&s) & 1)
		strcpy(rec->boot_id, "0b3c1a2e-1111-4222-8333-444455556666");
	else
		take_str(&s, rec->boot_id, sizeof(rec->boot_id));
	take_str(&s, rec->plan, sizeof(rec->plan));
	rec->n_steps = take8(&s) % (STATE_MAX_STEPS + 1);
	for (size_t i = 0; i < rec->n_steps; i++) {
		struct state_step *st = &rec->steps[i];
		size_t n_kinds = 0;

		while (step_kinds[n_kinds])
			n_kinds++;
		st->kind = step_kinds[take8(&s) % n_kinds];
		st->done = take8(&s) & 1;
		if (take8(&s) & 1 || !bytes_ok(st->kind)) {
			/* data as the kind reads it from a line */
			char args[STEP_ARGS_MAX];

			take_str(&s, args, sizeof(args));
			if (st->kind->parse && st->kind->parse(args, st->data.bytes) < 0)
				memset(st->data.bytes, 0, sizeof(st->data.bytes));
		} else {
			/* any bytes, the kind's strings (at most 16 bytes apart) terminated */
			for (size_t j = 0; j < st->kind->size; j++)
				st->data.bytes[j] = j % 16 == 15 ? 0 : take8(&s);
			if (strcmp(st->kind->name, "dnsmasq") == 0) {
				struct dnsmasq_step *d = (struct dnsmasq_step *)st->data.bytes;

				d->has_host6 = take8(&s) & 1;
			}
		}
	}
}

/* Say which property broke, with the text, before the crash libFuzzer records. */
static void broken(const char *why, const char *text)
{
	fprintf(stderr, "fuzz-state: %s\n--- text:\n%s\n---\n", why, text ? text : "");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state_record rec, back;
	char *text = NULL, *again = NULL;
	int r;

	/* 1. The bytes as a record's text. */
	r = journal_parse(step_kinds, (const char *)data, size, &rec);
	if (r != 0 && r != -EBADMSG)
		abort();
	if (r == 0) {
		bool v1 = size >= 20 && memcmp(data, "usbnet-host-state 1\n", 20) == 0;

		if (journal_serialize(&rec, &text) < 0)
			broken("the reader accepted what the writer cannot write", NULL);
		if (!v1 && (strlen(text) != size || memcmp(text, data, size) != 0))
			broken("the reader accepted a text that is not the canonical one", text);
		if (v1) {
			/* version 1 is written as version 2, and reads back the same */
			if (journal_parse(step_kinds, text, strlen(text), &back) != 0 ||
			    journal_serialize(&back, &again) != 0 || strcmp(text, again) != 0)
				broken("a version-1 record written as version 2 does not read back",
				       text);
			free(again);
			again = NULL;
		}
		free(text);
		text = NULL;
	}

	/* 2. The bytes as a record's fields. */
	record_from_bytes(data, size, &rec);
	r = journal_serialize(&rec, &text);
	if (r == -EINVAL)
		return 0; /* a record the writer refuses (a bad name, a bad step) */
	if (r < 0)
		abort();
	if (journal_parse(step_kinds, text, strlen(text), &back) != 0)
		broken("the writer wrote what the reader refuses", text);
	if (journal_serialize(&back, &again) != 0 || strcmp(text, again) != 0)
		broken("what the writer wrote reads back as another record", text);
	free(text);
	free(again);
	return 0;
}

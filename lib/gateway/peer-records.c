/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The run directory's records, walked by the gateway's host-wide steps (gateway.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gateway.h"

int gateway_each_record(struct usbnet_ctx *ctx, const char *exclude,
			void (*fn)(const struct state_record *rec, void *user), void *user)
{
	struct state_record *rec;
	char **names = NULL;
	int r;

	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	r = journal_list(ctx, &names);
	if (r < 0) {
		free(rec);
		return r;
	}
	for (char **p = names; *p; p++) {
		if (exclude && strcmp(*p, exclude) == 0)
			continue;
		if (journal_read(ctx, *p, rec) < 0)
			continue;
		fn(rec, user);
	}
	usbnet_strv_free(names);
	free(rec);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: the shared bridge record's strict reader on arbitrary bytes. It must return 0 or
 * -EBADMSG, never crash or read out of bounds; what it accepts must be exactly the text the
 * writer gives for it (one spelling per record: down acts on it as root). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge-state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bridge_record rec;
	char *text = NULL;
	int r;

	r = bridge_state_parse((const char *)data, size, &rec);
	if (r < 0) {
		if (r != -EBADMSG)
			abort();
		return 0;
	}
	if (bridge_state_serialize(&rec, &text) < 0)
		abort();
	if (strlen(text) != size || memcmp(text, data, size) != 0)
		abort();
	free(text);
	return 0;
}

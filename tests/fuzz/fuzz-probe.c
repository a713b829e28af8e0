/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: what discover reads from the link. Any bytes as an Ethernet frame, and any bytes
 * as a BOOTP payload: never a read outside the buffer (ASan sees every byte: the input is
 * copied to a buffer of exactly its size), and what is parsed stays inside it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

static const uint8_t MAC[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	struct frame_info f;
	struct dhcp_offer o;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (frame_parse(buf, size, &f) == 0 && f.kind == FRAME_IPV4 && f.udp) {
		if (f.udp_payload < buf || f.udp_payload + f.udp_len > buf + size)
			abort();
		(void)arp_answers_probe(&f, MAC, f.ip_src);
		dhcp_parse_offer(f.udp_payload, f.udp_len, 0, MAC, &o);
	}
	/* The same bytes as a BOOTP payload, with the xid and MAC they carry, so that the
	 * fuzzer reaches the options. */
	if (size >= 34) {
		uint32_t xid = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
			       (uint32_t)buf[6] << 8 | buf[7];

		dhcp_parse_offer(buf, size, xid, buf + 28, &o);
	}
	free(buf);
	return 0;
}

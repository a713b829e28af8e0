/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "core/small-file.h"
#include "gateway/ula.h"

int ula_prefix(const char *machine_id, const char *identity, struct in6_addr *ret)
{
	GChecksum *c;
	guint8 digest[20];
	gsize n = sizeof(digest);

	if (!machine_id || !machine_id[0] || !identity || !identity[0])
		return -EINVAL;
	c = g_checksum_new(G_CHECKSUM_SHA1);
	if (!c)
		return -ENOMEM;
	/* The two inputs, each with its length: no two pairs hash the same text. */
	g_checksum_update(c, (const guchar *)"usbnet-host ula 1\n", 18);
	g_checksum_update(c, (const guchar *)machine_id, (gssize)strlen(machine_id));
	g_checksum_update(c, (const guchar *)"\n", 1);
	g_checksum_update(c, (const guchar *)identity, (gssize)strlen(identity));
	g_checksum_get_digest(c, digest, &n);
	g_checksum_free(c);
	memset(ret, 0, sizeof(*ret));
	ret->s6_addr[0] = 0xfd;
	memcpy(&ret->s6_addr[1], &digest[15], 5); /* the low 40 bits */
	/* s6_addr[6..7]: subnet ID 0; the interface ID is SLAAC's */
	return 0;
}

int ula_identity(const struct usbnet_peer *peer, char *buf, size_t len)
{
	int n;

	if (peer->serial[0])
		n = snprintf(buf, len, "usb %04x:%04x serial %.*s", peer->vendor_id,
			     peer->product_id, (int)sizeof(peer->serial), peer->serial);
	else if (peer->mac[0])
		n = snprintf(buf, len, "mac %.*s", (int)sizeof(peer->mac), peer->mac);
	else
		return -ENODATA;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int ula_machine_id(char ret[33])
{
	char buf[64];
	ssize_t n = small_file_read("/etc/machine-id", 0, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (n < 32 || (n > 32 && buf[32] != '\n'))
		return -EBADMSG;
	for (int i = 0; i < 32; i++)
		if (!isxdigit((unsigned char)buf[i]))
			return -EBADMSG;
	memcpy(ret, buf, 32);
	ret[32] = '\0';
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names of protocols, modes and states; IPv4 address parsing and formatting. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usbnet-host/usbnet.h"

static const char *const protocol_names[] = {
	[USBNET_PROTO_ECM] = "ecm",	  [USBNET_PROTO_EEM] = "eem",
	[USBNET_PROTO_NCM] = "ncm",	  [USBNET_PROTO_RNDIS] = "rndis",
	[USBNET_PROTO_SUBSET] = "subset", [USBNET_PROTO_ZAURUS] = "zaurus",
};

static const char *const mode_names[] = {
	[USBNET_MODE_IGNORE] = "ignore", [USBNET_MODE_STATIC] = "static",
	[USBNET_MODE_GATEWAY] = "gateway", [USBNET_MODE_BRIDGE] = "bridge",
	[USBNET_MODE_DHCP] = "dhcp",	 [USBNET_MODE_AUTO] = "auto",
};

static const char *const state_names[] = {
	[USBNET_STATE_UNCONFIGURED] = "unconfigured", [USBNET_STATE_CONFIGURED] = "configured",
	[USBNET_STATE_DEGRADED] = "degraded",	      [USBNET_STATE_FAILED] = "failed",
	[USBNET_STATE_CONFLICT] = "conflict",
	[USBNET_STATE_VANISHED] = "vanished",
};

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

const char *usbnet_protocol_name(enum usbnet_protocol p)
{
	return (size_t)p < ELEMENTSOF(protocol_names) ? protocol_names[p] : NULL;
}

const char *usbnet_mode_name(enum usbnet_mode m)
{
	return (size_t)m < ELEMENTSOF(mode_names) ? mode_names[m] : "ignore";
}

int usbnet_mode_from_name(const char *s, enum usbnet_mode *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(mode_names); i++)
		if (mode_names[i] && strcmp(s, mode_names[i]) == 0) {
			*ret = (enum usbnet_mode)i;
			return 0;
		}
	return -EINVAL;
}

const char *usbnet_state_name(enum usbnet_state s)
{
	return (size_t)s < ELEMENTSOF(state_names) ? state_names[s] : "unconfigured";
}

int usbnet_ip4_parse(const char *s, bool prefix_required, struct usbnet_ip4 *ret)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash;
	struct usbnet_ip4 ip = { .prefix = 32 };
	size_t n;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* inet_pton accepts only the dotted quad: no "10.1", no octal, no spaces. */
	if (inet_pton(AF_INET, buf, &ip.addr) != 1)
		return -EINVAL;
	if (slash) {
		const char *p = slash + 1;
		unsigned v = 0;

		if (*p == '\0' || strlen(p) > 2)
			return -EINVAL;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v > 32)
			return -EINVAL;
		ip.prefix = (uint8_t)v;
	} else if (prefix_required) {
		return -EINVAL;
	}
	*ret = ip;
	return 0;
}

const char *usbnet_ip4_format(const struct usbnet_ip4 *ip, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ip->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, ip->prefix);
	return buf;
}

const char *usbnet_version(void)
{
	return USBNET_VERSION;
}

char **usbnet_strv_free(char **strv)
{
	if (!strv)
		return NULL;
	for (char **p = strv; *p; p++)
		free(*p);
	free(strv);
	return NULL;
}

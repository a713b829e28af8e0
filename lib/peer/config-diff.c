/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What changed between two configurations, for the watcher's reload (config.h). */
#include <stdio.h>
#include <string.h>

#include "peer/config.h"

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool peer_eq(const struct config_peer *a, const struct config_peer *b)
{
	return a->has_usb == b->has_usb && a->vendor_id == b->vendor_id &&
	       a->product_id == b->product_id && str_eq(a->serial, b->serial) &&
	       str_eq(a->mac, b->mac) && str_eq(a->driver, b->driver) &&
	       str_eq(a->product, b->product) && a->has_mode == b->has_mode &&
	       (!a->has_mode || a->mode == b->mode) && a->has_host == b->has_host &&
	       (!a->has_host || (a->host.addr.s_addr == b->host.addr.s_addr &&
				 a->host.prefix == b->host.prefix)) &&
	       a->has_peer == b->has_peer && (!a->has_peer || a->peer.s_addr == b->peer.s_addr) &&
	       strcmp(a->uplink, b->uplink) == 0 && strcmp(a->bridge, b->bridge) == 0 &&
	       a->wait_s == b->wait_s && a->dns == b->dns && a->trusted == b->trusted;
}

static const struct config_peer *find(const struct usbnet_config *c, const char *name)
{
	for (size_t i = 0; c && i < c->n_peers; i++)
		if (strcmp(c->peers[i].name, name) == 0)
			return &c->peers[i];
	return NULL;
}

static void add(char *buf, size_t len, const char *what, const char *name)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s[peer %s] %s", used ? ", " : "", name, what);
}

void config_diff(const struct usbnet_config *old, const struct usbnet_config *new, char *buf,
		 size_t len)
{
	enum config_auto a = old ? old->auto_mode : CONFIG_AUTO_PROFILES;
	enum config_auto b = new ? new->auto_mode : CONFIG_AUTO_PROFILES;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (a != b)
		snprintf(buf, len, "[general] auto=%s", b == CONFIG_AUTO_NONE ? "none" : "profiles");
	for (size_t i = 0; old && i < old->n_peers; i++) {
		const struct config_peer *n = find(new, old->peers[i].name);

		if (!n)
			add(buf, len, "removed", old->peers[i].name);
		else if (!peer_eq(&old->peers[i], n))
			add(buf, len, "changed", old->peers[i].name);
	}
	for (size_t i = 0; new && i < new->n_peers; i++)
		if (!find(old, new->peers[i].name))
			add(buf, len, "added", new->peers[i].name);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The meaning of a configuration that parses: a group whose mode needs a key it lacks, keys that
 * do nothing in its mode, a group that never applies because an earlier one matches every
 * device it does, addresses that overlap each other or the host's own networks, an uplink that
 * is not on this host. The parser (config.c) refuses broken syntax; these are said, not refused:
 * the watcher goes on with such a file, check-config exits 2 on it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "peer/config.h"
#include "peer/profiles.h"

struct checker {
	const char *file;
	config_problem_fn fn;
	void *data;
	unsigned errors;
};

static void problem(struct checker *ch, bool warning, unsigned line, const struct config_peer *cp,
		    const char *key, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void problem(struct checker *ch, bool warning, unsigned line, const struct config_peer *cp,
		    const char *key, const char *fmt, ...)
{
	char buf[768];
	size_t used;
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "%s:%u: [peer %s]%s%s: ", ch->file, line, cp->name,
		     key ? " " : "", key ? key : "");
	used = n > 0 && (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	va_start(ap, fmt);
	vsnprintf(buf + used, sizeof(buf) - used, fmt, ap);
	va_end(ap);
	if (!warning)
		ch->errors++;
	if (ch->fn)
		ch->fn(ch->data, warning, buf);
}

static bool str_same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Every device b matches, a matches too: each key a matches on, b matches on with the same
 * value (b may have more). */
static bool covers(const struct config_peer *a, const struct config_peer *b)
{
	if (a->has_usb &&
	    (!b->has_usb || a->vendor_id != b->vendor_id || a->product_id != b->product_id))
		return false;
	if (a->serial && !str_same(a->serial, b->serial))
		return false;
	if (a->product && !str_same(a->product, b->product))
		return false;
	if (a->driver && !str_same(a->driver, b->driver))
		return false;
	if (a->mac && !(b->mac && strcasecmp(a->mac, b->mac) == 0))
		return false;
	return true;
}

static bool nets_overlap(const struct usbnet_ip4 *a, const struct usbnet_ip4 *b)
{
	unsigned prefix = a->prefix < b->prefix ? a->prefix : b->prefix;
	uint32_t mask = prefix == 0 ? 0 : htonl(~0u << (32 - prefix));

	return (a->addr.s_addr & mask) == (b->addr.s_addr & mask);
}

static const char *cidr(const struct usbnet_ip4 *ip, char *buf, size_t len)
{
	return usbnet_ip4_format(ip, buf, len);
}

/* A group for devices whose built-in profile (by usb=) plans the host's address: up gives the
 * link that one (the Raspberry Pi's group that only says mode=gateway). */
static bool profile_gives_host(const struct config_peer *cp)
{
	struct usbnet_peer peer = {0};
	const struct profile *p;

	if (!cp->has_usb)
		return false;
	peer.vendor_id = cp->vendor_id;
	peer.product_id = cp->product_id;
	p = profile_match(&peer);
	return p && p->host;
}

static void check_mode(struct checker *ch, const struct config_peer *cp)
{
	if (!cp->has_mode)
		return;
	if ((cp->mode == USBNET_MODE_STATIC || cp->mode == USBNET_MODE_GATEWAY) && !cp->has_host &&
	    !profile_gives_host(cp))
		problem(ch, false, cp->mode_line, cp, "mode",
			"%s with no address=: up has no address to give the link unless one is "
			"passed with --address (add address=A.B.C.D/N)",
			usbnet_mode_name(cp->mode));
	if (cp->mode == USBNET_MODE_DHCP) {
		if (cp->has_host)
			problem(ch, false, cp->address_line, cp, "address",
				"does nothing with mode=dhcp (the peer's DHCP server gives the "
				"address): remove it or change the mode");
		if (cp->uplink[0])
			problem(ch, false, cp->uplink_line, cp, "uplink",
				"does nothing with mode=dhcp (only gateway peers have an uplink): "
				"remove it or change the mode");
	}
}

unsigned config_check(const struct usbnet_config *config, const char *file,
		      const struct config_host_addr *addrs, size_t n_addrs,
		      bool (*link_exists)(const char *ifname), config_problem_fn fn, void *data)
{
	struct checker ch = {.file = file ? file : "(config)", .fn = fn, .data = data};
	char b1[32], b2[32];

	if (!config)
		return 0;
	for (size_t j = 0; j < config->n_peers; j++) {
		const struct config_peer *cp = &config->peers[j];

		check_mode(&ch, cp);
		for (size_t i = 0; i < j; i++) {
			const struct config_peer *first = &config->peers[i];

			if (covers(first, cp)) {
				problem(
				    &ch, false, cp->line, cp, NULL,
				    "never applies: every device it matches is matched first by "
				    "[peer %s] (line %u), which wins",
				    first->name, first->line);
				break;
			}
		}
		if (cp->has_host) {
			for (size_t i = 0; i < j; i++) {
				const struct config_peer *o = &config->peers[i];

				if (o->has_host && nets_overlap(&cp->host, &o->host))
					problem(&ch, false, cp->address_line, cp, "address",
						"%s overlaps %s of [peer %s] (line %u)",
						cidr(&cp->host, b1, sizeof(b1)),
						cidr(&o->host, b2, sizeof(b2)), o->name,
						o->address_line);
			}
			for (size_t i = 0; i < n_addrs; i++) {
				const struct usbnet_ip4 *h = &addrs[i].addr;

				/* The group's own address, on its peer's link since up: not another
				 * network. */
				if (h->addr.s_addr == cp->host.addr.s_addr &&
				    h->prefix == cp->host.prefix)
					continue;
				if (nets_overlap(&cp->host, h))
					problem(&ch, false, cp->address_line, cp, "address",
						"%s overlaps %s on %s, a network of this host",
						cidr(&cp->host, b1, sizeof(b1)),
						cidr(h, b2, sizeof(b2)), addrs[i].ifname);
			}
		}
		if (cp->uplink[0] && strcmp(cp->uplink, "auto") != 0 && link_exists &&
		    !link_exists(cp->uplink))
			problem(
			    &ch, true, cp->uplink_line, cp, "uplink",
			    "warning: no interface %s on this host now (up of its gateway peers "
			    "fails until there is one)",
			    cp->uplink);
	}
	return ch.errors;
}

int config_host_addrs(struct config_host_addr **ret, size_t *ret_n)
{
	struct config_host_addr *list = NULL;
	struct ifaddrs *ifa_list, *ifa;
	size_t n = 0, cap = 0;

	*ret = NULL;
	*ret_n = 0;
	if (getifaddrs(&ifa_list) < 0)
		return -errno;
	for (ifa = ifa_list; ifa; ifa = ifa->ifa_next) {
		const struct sockaddr_in *a = (const struct sockaddr_in *)ifa->ifa_addr;
		const struct sockaddr_in *m = (const struct sockaddr_in *)ifa->ifa_netmask;
		struct config_host_addr *e;

		if (!a || a->sin_family != AF_INET || !m)
			continue;
		if (n == cap) {
			struct config_host_addr *grown;

			cap = cap ? cap * 2 : 16;
			grown = realloc(list, cap * sizeof(*grown));
			if (!grown) {
				free(list);
				freeifaddrs(ifa_list);
				return -ENOMEM;
			}
			list = grown;
		}
		e = &list[n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->ifname, sizeof(e->ifname), "%s", ifa->ifa_name);
		e->addr.addr = a->sin_addr;
		e->addr.prefix = (uint8_t)__builtin_popcount(m->sin_addr.s_addr);
	}
	freeifaddrs(ifa_list);
	*ret = list;
	*ret_n = n;
	return 0;
}

bool config_link_exists(const char *ifname)
{
	return if_nametoindex(ifname) != 0;
}

int usbnet_config_check(const char *path, usbnet_config_problem_fn fn, void *userdata)
{
	struct usbnet_config *config = NULL;
	struct config_host_addr *addrs = NULL;
	size_t n_addrs = 0;
	char err[1024];
	unsigned errors;
	int r;

	if (!path || !*path)
		path = getenv("USBNET_HOST_CONFIG");
	if (!path || !*path)
		path = USBNET_DEFAULT_CONFIG;
	r = config_load(path, &config, err, sizeof(err));
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		if (fn)
			fn(userdata, false, err);
		return 1;
	}
	/* Without the host's addresses the other checks still run. */
	(void)config_host_addrs(&addrs, &n_addrs);
	errors = config_check(config, path, addrs, n_addrs, config_link_exists, fn, userdata);
	free(addrs);
	config_free(config);
	return (int)errors;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration file: [general] and [peer NAME] groups (GKeyFile). */
#ifndef USBNET_CONFIG_H
#define USBNET_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "usbnet-host/usbnet.h"

enum config_auto {
	CONFIG_AUTO_PROFILES = 0, /* the watcher acts on built-in profiles and [peer] groups */
	CONFIG_AUTO_NONE,	  /* only on [peer] groups */
};

struct config_peer {
	char name[USBNET_NAME_MAX];
	unsigned line; /* where the group starts, for messages */
	unsigned mode_line, address_line, uplink_line; /* where those keys are, 0: not given */
	/* match: every key given must match */
	bool has_usb;
	uint16_t vendor_id, product_id;
	char *serial, *mac, *driver, *product; /* NULL: not matched on */
	/* settings: has_* false = not set */
	bool has_mode;
	enum usbnet_mode mode;
	bool has_host;
	struct usbnet_ip4 host;
	bool has_peer;
	struct in_addr peer;
	char uplink[USBNET_IFNAMSIZ];
	char bridge[USBNET_IFNAMSIZ];
	int wait_s;  /* -1: not set */
	int dns;     /* -1 not set, 0, 1 */
	int dhcp_server; /* -1 not set, 0, 1 */
	int trusted; /* -1 not set, 0, 1 */
	int ipv6;    /* -1 not set, 0 off, 1 on */
	bool has_ipv6_prefix; /* ipv6-prefix=: a /64 (config_ipv6_prefix_parse) */
	struct in6_addr ipv6_prefix;
	int probe_from; /* probe-from=: -1 not set, 0 no, 1 probe_from_ip */
	struct usbnet_ip4 probe_from_ip;
};

/* [general] workers=: how many peers the watcher works on at once. */
#define CONFIG_WORKERS_DEFAULT 16
#define CONFIG_WORKERS_MAX 256

struct usbnet_config {
	enum config_auto auto_mode;
	unsigned workers; /* 1..CONFIG_WORKERS_MAX; CONFIG_WORKERS_DEFAULT when not set */
	bool has_alias_pool; /* [general] alias-pool= */
	struct usbnet_ip4 alias_pool;
	struct config_peer *peers;
	size_t n_peers;
};

/* Parse a configuration text; name is the file name used in messages. On error, errbuf holds
 * "FILE:LINE: [group] key: problem" and the return is -EINVAL. */
int config_parse(const char *data, size_t len, const char *name, struct usbnet_config **ret,
		 char *errbuf, size_t errlen);
/* Load a file: -ENOENT when it does not exist (errbuf says so), other -errno otherwise. */
int config_load(const char *path, struct usbnet_config **ret, char *errbuf, size_t errlen);
/* "X:X::/64": a /64 the host can route, its host bits zero (not link-local, multicast,
 * loopback or unspecified). -EINVAL with why in errbuf. */
int config_ipv6_prefix_parse(const char *s, struct in6_addr *ret, char *why, size_t len);
struct usbnet_config *config_free(struct usbnet_config *config);
/* What changed from old to new (either may be NULL: no groups), in words: "[peer a] added,
 * [peer b] changed"; "" when nothing did (config-diff.c). */
void config_diff(const struct usbnet_config *old, const struct usbnet_config *new, char *buf,
		 size_t len);
/* The first [peer] group that matches, or NULL. */
const struct config_peer *config_match(const struct usbnet_config *config,
				       const struct usbnet_peer *peer);

/* The meaning of a parsed configuration (config-check.c): what parses but cannot work. The
 * host's own IPv4 addresses and whether an interface exists are the caller's to give (a test
 * gives its own). Each problem is one line "FILE:LINE: [group] key: problem", passed to fn;
 * warning true for what may be right on another host or later (an uplink not present now).
 * Returns the number of problems that are not warnings. */
struct config_host_addr {
	char ifname[USBNET_IFNAMSIZ];
	struct usbnet_ip4 addr;
};
typedef usbnet_config_problem_fn config_problem_fn;
unsigned config_check(const struct usbnet_config *config, const char *file,
		      const struct config_host_addr *addrs, size_t n_addrs,
		      bool (*link_exists)(const char *ifname), config_problem_fn fn, void *data);
/* This host's IPv4 addresses (getifaddrs: a netlink dump, read only); *ret to free(). */
int config_host_addrs(struct config_host_addr **ret, size_t *ret_n);
/* An interface of that name exists on this host now. */
bool config_link_exists(const char *ifname);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The side effects of up/down, behind small ops structs: rtnetlink (libnl-route-3),
 * NetworkManager (libnm), reachability (ICMP/ARP). Unit tests pass fakes that record calls;
 * the real backends are tested in network namespaces and in the VM testbed.
 */
#ifndef USBNET_BACKEND_H
#define USBNET_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "usbnet-host/usbnet.h"

struct nl_link_info {
	int ifindex;
	char ifname[USBNET_IFNAMSIZ];
	bool up;      /* IFF_UP */
	bool carrier; /* IFF_LOWER_UP */
};

struct nl_addr_entry {
	int ifindex;
	struct usbnet_ip4 ip;
	char ifname[USBNET_IFNAMSIZ]; /* for messages ("" when unknown) */
};

struct usbnet_netlink_ops {
	/* -ENODEV when there is no such interface. */
	int (*link_get)(void *h, const char *ifname, struct nl_link_info *ret);
	int (*link_set_up)(void *h, int ifindex, bool up);
	/* IPv4 addresses of one interface (ifindex > 0) or of all (0); free() the array. */
	int (*addr_list)(void *h, int ifindex, struct nl_addr_entry **ret, size_t *ret_n);
	/* -EEXIST when the address is already there. */
	int (*addr_add)(void *h, int ifindex, const struct usbnet_ip4 *ip);
	/* -EADDRNOTAVAIL when it is not there. */
	int (*addr_del)(void *h, int ifindex, const struct usbnet_ip4 *ip);
	/* A link-scoped route in the main table; -EEXIST / -ESRCH as the kernel says. */
	int (*route_add)(void *h, int ifindex, const struct usbnet_ip4 *dst);
	int (*route_del)(void *h, int ifindex, const struct usbnet_ip4 *dst);
};

struct usbnet_nm_ops {
	/* *ret: 1 managed, 0 not; -ENOTCONN when NetworkManager is not running, -ENODEV when it
	 * does not know the device. */
	int (*get_managed)(void *h, const char *ifname, int *ret);
	int (*set_managed)(void *h, const char *ifname, bool managed);
	/* Optional (may be NULL): NetworkManager's own words for the last failure (a GError
	 * message), "" when none. */
	const char *(*last_error)(void *h);
	/* Optional (NULL: -ENOTCONN): hand a DHCP-serving peer to NetworkManager with a volatile
	 * profile of ours, with this UUID (see nm-dhcp.h), and delete it again (0 when gone). */
	int (*dhcp_profile_add)(void *h, const char *ifname, bool trusted, const char *uuid);
	int (*dhcp_profile_del)(void *h, const char *uuid);
};

struct usbnet_reach_ops {
	/* Wait up to timeout_ms for the peer to answer (ICMP echo, or ARP); *ret_rtt_us on
	 * success; -ETIMEDOUT when it did not answer. */
	int (*probe)(void *h, int ifindex, struct in_addr peer, unsigned timeout_ms,
		     int64_t *ret_rtt_us);
};

/* What discover asks of the link (probe.c). */
struct probe_request {
	int ifindex;
	char ifname[USBNET_IFNAMSIZ];
	unsigned timeout_ms;
};

struct usbnet_probe_ops {
	/* Probe the link (it is up) for up to req->timeout_ms; fills ret's findings. */
	int (*run)(void *h, const struct probe_request *req, struct usbnet_probe_result *ret);
	/* RFC 5227 probe from 0.0.0.0 for a candidate address: 1 when someone has it, 0 free. */
	int (*addr_in_use)(void *h, int ifindex, const char *ifname, struct in_addr candidate,
			   unsigned wait_ms);
};

struct usbnet_backends {
	const struct usbnet_netlink_ops *nl;
	void *nl_h;
	const struct usbnet_nm_ops *nm;
	void *nm_h;
	const struct usbnet_reach_ops *reach;
	void *reach_h;
	const struct usbnet_probe_ops *probe; /* NULL: up --auto and discover refuse */
	void *probe_h;
};

/* The real backends (netlink.c, reach.c). open returns -errno; close takes NULL. */
extern const struct usbnet_netlink_ops nl_real_ops;
int nl_real_open(void **ret);
void *nl_real_close(void *h);
extern const struct usbnet_reach_ops reach_real_ops;
extern const struct usbnet_probe_ops probe_real_ops;

/*
 * The NetworkManager backend (lib/nm/) is a module, loaded on first use (nm-module.c): libnm
 * brings GIO, GnuTLS and some 25 shared objects, which udev-probe and the watcher's hot path
 * must not pay for. The module exports this one symbol.
 */
struct nm_module_entry {
	const struct usbnet_nm_ops *ops;
	int (*open)(void **ret); /* succeeds without NetworkManager: get_managed says -ENOTCONN */
	void *(*close)(void *h);
};
#define NM_MODULE_SYMBOL "usbnet_nm_module"

/* The loaded module, or -ENOENT (its message in errbuf) when it cannot be loaded. */
int nm_module_get(const struct nm_module_entry **ret, char *errbuf, size_t errlen);

#endif

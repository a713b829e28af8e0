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
	uint8_t mac[6];
	bool has_mac;
};

struct nl_addr_entry {
	int ifindex;
	struct usbnet_ip4 ip;
	char ifname[USBNET_IFNAMSIZ]; /* for messages ("" when unknown) */
};

/* One next hop of an IPv4 unicast route (any table but local, any protocol). */
struct nl_route_entry {
	struct usbnet_ip4 dst;
	bool has_gw;
	struct in_addr gw;
	int ifindex;
	char ifname[USBNET_IFNAMSIZ]; /* for messages ("" when unknown) */
};

struct usbnet_netlink_ops {
	/* -ENODEV when there is no such interface. */
	int (*link_get)(void *h, const char *ifname, struct nl_link_info *ret);
	/* Optional (NULL: -ENODEV): the same by index, to follow a renamed interface. */
	int (*link_get_index)(void *h, int ifindex, struct nl_link_info *ret);
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
	/* Optional (NULL: -EOPNOTSUPP): a per-interface sysctl of this network namespace,
	 * /proc/sys/net/FAMILY/conf/IFNAME/KEY (family "ipv4" or "ipv6"), a small integer.
	 * -ENODEV when there is no such interface, -EAFNOSUPPORT when the kernel has no such
	 * family (no IPv6), -ENOENT when it has no such key. */
	int (*sysctl_get)(void *h, const char *ifname, const char *family, const char *key,
			  int *ret);
	int (*sysctl_set)(void *h, const char *ifname, const char *family, const char *key,
			  int value);
	/* Optional (NULL: -EOPNOTSUPP): the link's alternative names (IFLA_ALT_IFNAME). add:
	 * -EEXIST when a link has the name already; del: -ENOENT when the link has no such
	 * name; find: the index of the link with that name (its own or an alternative one),
	 * -ENODEV when none. */
	int (*altname_add)(void *h, int ifindex, const char *name);
	int (*altname_del)(void *h, int ifindex, const char *name);
	int (*altname_find)(void *h, const char *name, int *ret_ifindex);
	/* Optional (NULL: none known): every IPv4 unicast route's next hops, of every table
	 * but local, whoever made them (the kernel's own too); free() the array. */
	int (*route_list)(void *h, struct nl_route_entry **ret, size_t *ret_n);
	/* Optional (NULL: none known): the destination of every IPv4 route of every table but
	 * local, default routes left out, with its interface (0: none, a blackhole...); free()
	 * the array. For choosing a free subnet. */
	int (*route_dst_list)(void *h, struct nl_addr_entry **ret, size_t *ret_n);
	/* Optional (NULL: -EOPNOTSUPP): an IPv6 address ADDR/prefix on the interface, without
	 * duplicate address detection (usable at once: the link is the peer's alone). add:
	 * -EEXIST when it is there; del: -EADDRNOTAVAIL when it is not. */
	int (*addr6_add)(void *h, int ifindex, const struct in6_addr *addr, unsigned prefix);
	int (*addr6_del)(void *h, int ifindex, const struct in6_addr *addr, unsigned prefix);
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
	/* Optional (NULL: get_managed): *ret 1 when NetworkManager manages the device with a
	 * profile of its own, 0 when it does not or only represents what others configured
	 * ("connected (externally)", as for a bridge usbnet-host made). Asked even when the
	 * context keeps off NetworkManager (the watcher): bridge mode must know. */
	int (*get_owned)(void *h, const char *ifname, int *ret);
};

/* Bridge mode (netlink-bridge.c): what a link is, whole IPv4 addresses and routes to move. */
struct nl_link_detail {
	int ifindex;
	char ifname[USBNET_IFNAMSIZ];
	char kind[16];	      /* IFLA_INFO_KIND: "bridge", "veth"...; "" for a plain device */
	int master;	      /* ifindex of the bridge it is a port of, 0 when none */
	uint8_t mac[6];
	bool has_mac;
	bool up;
	bool loopback;
	bool wireless;	      /* a Wi-Fi interface (sysfs: wireless/ or phy80211) */
};

struct nl_addr_full {
	int ifindex;
	struct usbnet_ip4 ip;
	bool has_brd;
	struct in_addr brd;
	uint8_t scope;
	uint32_t flags;		/* IFA_F_* */
	uint32_t valid_lft;	/* seconds; 0xffffffff: forever */
	char label[USBNET_IFNAMSIZ]; /* "" when it is the interface's name */
};

struct nl_route_full {
	struct usbnet_ip4 dst;
	bool has_gw;
	struct in_addr gw;
	bool has_src;
	struct in_addr src; /* RTA_PREFSRC */
	uint32_t table;
	uint8_t protocol, scope, type, tos;
	uint32_t metric;
	uint32_t nh_flags; /* RTNH_F_ONLINK... */
	int ifindex;
};

/* An IPv4 neighbour with an Ethernet address: one that answered, or the user's own
 * (permanent). Bridge mode carries them from one link to the other. */
struct nl_neigh4 {
	struct in_addr ip;
	uint8_t mac[6];
	bool permanent;
};

struct usbnet_bridge_ops {
	/* -ENODEV when there is no such interface. */
	int (*link_detail)(void *h, const char *ifname, struct nl_link_detail *ret);
	/* A bridge with this MAC, forward delay 0 and STP off, set up; -EEXIST when the name
	 * is taken. */
	int (*bridge_add)(void *h, const char *name, const uint8_t mac[6], int *ret_ifindex);
	int (*link_del)(void *h, int ifindex);
	/* master 0: out of its bridge. */
	int (*link_set_master)(void *h, int ifindex, int master);
	/* Every address of the interface (family AF_INET or AF_INET6: ip holds the first bytes
	 * only for IPv6, see scope and flags); free() the array. */
	int (*addr_list_full)(void *h, int ifindex, int family, struct nl_addr_full **ret,
			      size_t *ret_n);
	int (*addr_add_full)(void *h, int ifindex, const struct nl_addr_full *a);
	int (*addr_del_full)(void *h, int ifindex, const struct nl_addr_full *a);
	/* IPv4 routes of every table but local whose next hop is the interface, not the
	 * kernel's own (proto kernel); -EOPNOTSUPP for one that cannot be moved (multipath, a
	 * nexthop object). */
	int (*route_list_full)(void *h, int ifindex, struct nl_route_full **ret, size_t *ret_n);
	int (*route_add_full)(void *h, const struct nl_route_full *rt);
	int (*route_del_full)(void *h, const struct nl_route_full *rt);
	/* The interface of the main table's IPv4 default route with the lowest metric;
	 * -ENOENT when there is none. */
	int (*default_route_dev)(void *h, char ret_ifname[USBNET_IFNAMSIZ]);
	/* Optional, the three or none (NULL: neighbours are not carried). The IPv4 neighbours
	 * of the link with an Ethernet address that answered (reachable, stale, delay, probe)
	 * or are permanent; free() the array. */
	int (*neigh_list)(void *h, int ifindex, struct nl_neigh4 **ret, size_t *ret_n);
	/* Add a neighbour: a permanent one as it is (-EEXIST when the link has that address
	 * already); one that answered as stale (used at once, confirmed later by the kernel),
	 * leaving an entry the link has already as it is. */
	int (*neigh_add)(void *h, int ifindex, const struct nl_neigh4 *n);
	/* -ENOENT when the link has no entry for n's address. */
	int (*neigh_del)(void *h, int ifindex, const struct nl_neigh4 *n);
};

struct usbnet_reach_ops {
	/* Wait up to timeout_ms for the peer to answer (ICMP echo, or ARP); *ret_rtt_us on
	 * success; -ETIMEDOUT when it did not answer. */
	int (*probe)(void *h, int ifindex, struct in_addr peer, unsigned timeout_ms,
		     int64_t *ret_rtt_us);
};

struct nft_change;
struct nft6_change;

/* Gateway mode: the default route, IPv4 forwarding, nftables, and what else filters forwarding
 * (gateway-ops.c has the real ones). */
struct usbnet_gateway_ops {
	/* The interface of the main table's IPv4 default route (the lowest metric);
	 * -ENETUNREACH when there is none. */
	int (*default_uplink)(void *h, char ret[USBNET_IFNAMSIZ]);
	/* /proc/sys/net/ipv4/ip_forward of this network namespace: 0 or 1 */
	int (*forwarding_get)(void *h, int *ret);
	int (*forwarding_set)(void *h, int value);
	/* One nftables batch on our table (nft.h); errbuf gets the kernel's words */
	int (*nft_commit)(void *h, const struct nft_change *c, char *errbuf, size_t errlen);
	/* What would drop the peer's forwarded traffic (firewall.c): one message naming each
	 * table and chain and what to do, "" when nothing was found. */
	int (*firewall_check)(void *h, const char *ifname, const char *uplink, char *msg,
			      size_t len);
	/* Optional (NULL: IPv6 is never shared): 1 when the main table has an IPv6 default route
	 * through uplink, 0 when not. */
	int (*uplink_has_ipv6)(void *h, const char *uplink);
	/* Optional (NULL: -EOPNOTSUPP): one nftables batch on table ip6 usbnet_host (nft6.h). */
	int (*nft6_commit)(void *h, const struct nft6_change *c, char *errbuf, size_t errlen);
	/* Optional (NULL: as -ENETUNREACH): the interface of the main table's IPv6 default route
	 * (the lowest metric; on a tie, prefer's when it is one of them, prefer NULL or "" for
	 * none); -ENETUNREACH when there is none, or no IPv6. */
	int (*default_uplink6)(void *h, const char *prefer, char ret[USBNET_IFNAMSIZ]);
};

/* A process the library started (the DNS forwarder): its pid and that process's start time. */
struct dns_handle {
	int pid;	     /* 0: not known yet (recorded ahead of the start); see the pid file */
	uint64_t start_time; /* clock ticks after boot, /proc/PID/stat field 22 */
};

/* What a peer's DHCP server hands out: exactly peer, in host's subnet; the router option (the
 * host's address) only when router, the DNS option (the same) only when dns. */
struct dhcp_server_spec {
	struct usbnet_ip4 host;
	struct in_addr peer;
	bool router;
	bool dns;
};

/* What a peer's router advertisements say (dns/ra-server.h): the link's /64 (the host holds
 * host on it, in the prefix), and with dns the host's address as RDNSS. */
struct ra_spec {
	struct in6_addr prefix;
	struct in6_addr host;
	struct in_addr host4; /* the host's IPv4 address on the link (dnsmasq starts once it is) */
	bool dns;
};

/* The DNS forwarder of a gateway peer (dnsmasq.h); the real one's h is a struct dnsmasq_conf
 * (NULL: defaults). start: errbuf says why it failed (dnsmasq's own words when it said some);
 * alive: 1 or 0; stop: 0 when stopped or already gone, never signals another process. */
struct usbnet_dns_ops {
	/* host6 (NULL: none): the link's IPv6 address it listens on too (gateway IPv6, RDNSS) */
	int (*start)(void *h, const char *run_dir, const char *ifname, struct in_addr host,
		     const struct in6_addr *host6, struct dns_handle *ret, char *errbuf,
		     size_t errlen);
	int (*alive)(void *h, const struct dns_handle *dh);
	int (*stop)(void *h, const char *run_dir, const char *ifname, const struct dns_handle *dh);
	/* The DHCP server of a peer that is a DHCP client (dns/dhcp-server.h): another dnsmasq,
	 * DHCP only, on ifname alone. alive() above tells of it too. dhcp_stop also removes its
	 * lease file; 0 when stopped or already gone. */
	int (*dhcp_start)(void *h, const char *run_dir, const char *ifname,
			  const struct dhcp_server_spec *spec, struct dns_handle *ret, char *errbuf,
			  size_t errlen);
	int (*dhcp_stop)(void *h, const char *run_dir, const char *ifname,
			 const struct dns_handle *dh);
	/* Optional (NULL: -EOPNOTSUPP): router advertisements on ifname alone (dns/ra-server.h):
	 * another dnsmasq, RA only. ra_stop: 0 when stopped or already gone. */
	int (*ra_start)(void *h, const char *run_dir, const char *ifname,
			const struct ra_spec *spec, struct dns_handle *ret, char *errbuf,
			size_t errlen);
	int (*ra_stop)(void *h, const char *run_dir, const char *ifname,
		       const struct dns_handle *dh);
};

/* What discover asks of the link (probe.c). */
/* The i-th address ARP probes ask for: the profiles' device addresses first (*ret_profile
 * names the profile), then a bounded sweep (*ret_profile NULL); -ERANGE past the last. */
typedef int (*probe_target_fn)(unsigned i, struct in_addr *ret, const char **ret_profile);

struct probe_request {
	int ifindex;
	char ifname[USBNET_IFNAMSIZ];
	unsigned timeout_ms;
	/* 0: timeout_ms includes the wait for the carrier (discover). Otherwise up to this long
	 * for the carrier, and timeout_ms counts from when it came (up --auto: a device brings
	 * its side up when it has booted). */
	unsigned carrier_wait_ms;
	probe_target_fn target; /* updown/auto-choice.c's probe_target */
	usbnet_progress_fn progress; /* the context's, or NULL */
	void *progress_data;
};

struct usbnet_probe_ops {
	/* Probe the link (it is up) for up to req->timeout_ms; fills ret's findings. */
	int (*run)(void *h, const struct probe_request *req, struct usbnet_probe_result *ret);
	/* RFC 5227 probe from 0.0.0.0 for a candidate address: 1 when someone has it, 0 free. */
	int (*addr_in_use)(void *h, int ifindex, const char *ifname, struct in_addr candidate,
			   unsigned wait_ms);
};

/* An IPv4 policy routing rule of ours: "to DST/32 lookup TABLE" or "fwmark MARK lookup TABLE"
 * (mask 0xffffffff), at this priority. */
struct nl_rule {
	uint32_t priority;
	uint32_t table;
	bool has_dst;
	struct in_addr dst;
	uint32_t fwmark; /* 0: none */
};

/* Identical peers side by side (lib/alias/): policy routing, the routes of every table, and
 * the per-interface IPv4 settings (alias-ops.c has the real ones). */
struct usbnet_alias_ops {
	/* 1 when a route of some table (not the local table; a default route does not count)
	 * holds addr, or a local address is addr; 0 when none. */
	int (*addr_routed)(void *h, struct in_addr addr);
	/* add: -EEXIST when the same rule is there; del: -ENOENT when it is not. */
	int (*rule_add)(void *h, const struct nl_rule *rule);
	int (*rule_del)(void *h, const struct nl_rule *rule);
	/* /proc/sys/net/ipv4/conf/IFNAME/KEY ("all" too); -ENOENT when there is no such
	 * interface. */
	int (*conf_get)(void *h, const char *ifname, const char *key, int *ret);
	int (*conf_set)(void *h, const char *ifname, const char *key, int value);
};

struct usbnet_backends {
	const struct usbnet_alias_ops *alias; /* NULL: identical peers are refused (conflict) */
	void *alias_h;
	const struct usbnet_netlink_ops *nl;
	void *nl_h;
	const struct usbnet_nm_ops *nm;
	void *nm_h;
	const struct usbnet_reach_ops *reach;
	void *reach_h;
	const struct usbnet_gateway_ops *gw;
	void *gw_h;
	const struct usbnet_dns_ops *dns;
	void *dns_h;
	const struct usbnet_bridge_ops *br; /* bridge mode */
	void *br_h;
	const struct usbnet_probe_ops *probe; /* NULL: up --auto and discover refuse */
	void *probe_h;
};

/* The real backends (netlink.c, reach.c). open returns -errno; close takes NULL. */
extern const struct usbnet_netlink_ops nl_real_ops;
int nl_real_open(void **ret);
void *nl_real_close(void *h);
extern const struct usbnet_reach_ops reach_real_ops;
extern const struct usbnet_gateway_ops gw_real_ops;
extern const struct usbnet_dns_ops dns_real_ops; /* dnsmasq.c */
extern const struct usbnet_bridge_ops nl_bridge_real_ops; /* its handle is nl_real_open's */
extern const struct usbnet_probe_ops probe_real_ops;
extern const struct usbnet_alias_ops alias_real_ops; /* lib/alias/alias-ops.c */
/* The interface of the main table's IPv4 default route with the lowest metric; -ENETUNREACH
 * when there is none (netlink/default-route.c, for the real gateway and bridge ops). */
int default_route_ifname(char ret[16]);
/* The same for IPv6 (on a tie of metrics, prefer's route; prefer NULL or "": the first);
 * -ENETUNREACH also when the kernel has no IPv6. */
int default_route6_ifname(const char *prefer, char ret[16]);

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

/* The loaded module; -ENOENT when it is not installed, another -errno when it is there but
 * cannot be loaded (either way its message in errbuf). */
int nm_module_get(const struct nm_module_entry **ret, char *errbuf, size_t errlen);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recording fakes of the three backends (lib/core/backend.h): a small model of the kernel's links,
 * addresses and routes, of NetworkManager's managed flags and of the peer's answers, a log of
 * every call, and per-call fault injection ("fail the Nth call of op X with -E").
 */
#ifndef USBNET_FAKE_BACKENDS_H
#define USBNET_FAKE_BACKENDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/backend.h"
#include "gateway/nft.h"
#include "gateway/nft6.h"

#define FAKE_MAX 32
#define FAKE_LOG_MAX 256

struct fake_link {
	char ifname[USBNET_IFNAMSIZ];
	int ifindex;
	bool up;
	/* bridge mode (usbnet_bridge_ops) */
	char kind[16];
	int master;
	uint8_t mac[6];
	bool loopback, wireless;
	bool v6_static;	     /* has a permanent global IPv6 address */
	bool addr_lifetime;  /* its IPv4 addresses are leases (not permanent) */
	/* the per-link sysctls the steps touch (nl.sysctl_get/set): net.ipv6.conf.IF.* */
	int disable_ipv6; /* 0 */
	int accept_ra;	  /* 1 */
	int forwarding6;  /* 0 */
	char altname[USBNET_NAME_MAX]; /* its one alternative name, "" when none */
};

struct fake_route {
	int ifindex;
	struct usbnet_ip4 dst;
};

struct fake_nm_device {
	char ifname[USBNET_IFNAMSIZ];
	bool managed;
};

/* A DNS forwarder the fake started (dns.start), until dns.stop or fake_dns_kill; or a DHCP
 * server (dhcp true: dns.dhcp_start, until dns.dhcp_stop). */
struct fake_dns {
	char ifname[USBNET_IFNAMSIZ];
	struct in_addr addr;
	struct dns_handle h;
	bool dhcp;
	struct dhcp_server_spec spec;
	bool ra; /* router advertisements (dns.ra_start, until dns.ra_stop) */
};

/* An IPv6 address the fake holds (nl.addr6_add, until nl.addr6_del). */
struct fake_addr6 {
	int ifindex;
	struct in6_addr addr;
	unsigned prefix;
};

/* What the fakes model; compared whole with fake_state_equal(). */
struct fake_state {
	struct fake_link links[FAKE_MAX];
	size_t n_links;
	struct nl_addr_entry addrs[FAKE_MAX];
	size_t n_addrs;
	struct fake_route routes[FAKE_MAX];
	size_t n_routes;
	bool nm_running;
	struct fake_nm_device nm_devices[FAKE_MAX];
	size_t n_nm_devices;
	/* DHCP profiles NetworkManager was given: "UUID IFNAME trusted|untrusted" */
	char nm_profiles[FAKE_MAX][64];
	size_t n_nm_profiles;
	/* gateway mode: net.ipv4.ip_forward, and our nftables table (peer chains, the guard) */
	int ip_forward;
	struct nft_peer nft_chains[FAKE_MAX];
	size_t n_nft_chains;
	bool nft_guard;
	size_t nft_guard_peers;
	struct nft_input nft_inputs[FAKE_MAX]; /* the DNS forwarders' input chains */
	size_t n_nft_inputs;
	struct fake_dns dns[FAKE_MAX];
	size_t n_dns;
	/* identical peers: policy rules, per-interface IPv4 settings, the alias chains */
	struct nl_rule rules[FAKE_MAX];
	size_t n_rules;
	struct fake_conf {
		char ifname[USBNET_IFNAMSIZ];
		char key[32];
		int value;
	} conf[FAKE_MAX];
	size_t n_conf;
	struct nft_alias nft_aliases[FAKE_MAX];
	size_t n_nft_aliases;
	/* whole routes (bridge mode's route_*_full; table, gateway, metric...) */
	struct nl_route_full full_routes[FAKE_MAX];
	size_t n_full_routes;
	/* IPv6 sharing: net.ipv6.conf.all.forwarding, addresses, table ip6 usbnet_host */
	int all_forwarding6;
	struct fake_addr6 addrs6[FAKE_MAX];
	size_t n_addrs6;
	struct nft6_peer nft6_chains[FAKE_MAX];
	size_t n_nft6_chains;
	struct nft6_input nft6_inputs[FAKE_MAX]; /* the forwarders' ip6 input chains */
	size_t n_nft6_inputs;
	bool nft6_guard;
	size_t nft6_guard_peers;
};

enum fake_event {
	FAKE_ERR = 0,	 /* the call fails with err */
	FAKE_VANISH,	 /* before the call, the link ifname is unplugged: it goes, with its
			  * addresses, routes and NetworkManager device; the call then runs */
	FAKE_NM_STOP,	 /* before the call, NetworkManager stops (its run-time flags go) */
};

struct fake_fault {
	const char *op; /* "nl.addr_add"...; "*" any mutating call; "**" any call */
	unsigned nth;	/* 1-based count of such calls */
	int err;	/* -errno */
	enum fake_event event;
	const char *ifname; /* FAKE_VANISH */
};

struct fake {
	struct fake_state s;
	/* the peer: probe answers after rtt_us, or fails with probe_err (e.g. -ETIMEDOUT) */
	int64_t probe_rtt_us;
	int probe_err;
	/* discovery: what probe.run finds; addresses someone answers ARP probes for */
	struct usbnet_probe_result discovery;
	struct in_addr taken[8];
	size_t n_taken;
	/* "nl.addr_add 7 192.168.2.14/24", one line per call, in order */
	char log[FAKE_LOG_MAX][96];
	size_t n_log;
	unsigned n_mutating; /* calls that may change state (set_*, *_add, *_del) */
	unsigned n_calls;    /* every call, for the "**" faults */
	struct fake_fault faults[8];
	size_t n_faults;
	unsigned counts[64]; /* per op, for the faults (more than OP_COUNT) */
	char default_uplink[USBNET_IFNAMSIZ]; /* "" : no default route */
	char uplink6[USBNET_IFNAMSIZ];	      /* the IPv6 default route's, "" : none */
	char firewall_msg[128];		      /* what firewall_check finds */
	int dns_next_pid;    /* the pid the next forwarder gets (start time: pid * 10) */
	char dns_error[128]; /* what a failing dns.start says in errbuf */
	bool no_ipv6;	     /* the kernel has no IPv6: sysctl_get says -EAFNOSUPPORT */
};

void fake_init(struct fake *f);
/* Model set-up (no log): */
void fake_add_link(struct fake *f, const char *ifname, int ifindex, bool up);
void fake_add_addr(struct fake *f, int ifindex, const char *cidr);
void fake_add_route(struct fake *f, int ifindex, const char *cidr);
void fake_nm_device(struct fake *f, const char *ifname, bool managed); /* sets nm_running */
/* A whole route: "0.0.0.0/0 via 10.0.0.1 metric 100" through ifindex (proto static, main). */
void fake_add_full_route(struct fake *f, int ifindex, const char *dst, const char *gw,
			 uint32_t metric);
struct fake_link *fake_link(struct fake *f, const char *ifname);
/* /proc/sys/net/ipv4/conf/IFNAME/KEY in the model (unset: 0) */
void fake_set_conf(struct fake *f, const char *ifname, const char *key, int value);
void fake_fail(struct fake *f, const char *op, unsigned nth, int err);
/* The world changes at the Nth call of op (see enum fake_event). */
void fake_vanish_at(struct fake *f, const char *op, unsigned nth, const char *ifname);
void fake_nm_stop_at(struct fake *f, const char *op, unsigned nth);
/* The same changes on a model, to build the world a test expects. */
void fake_state_unplug(struct fake_state *s, const char *ifname);
void fake_state_nm_stop(struct fake_state *s);
void fake_clear_log(struct fake *f);
/* The forwarder of ifname dies (as kill -9 would); false when there is none. */
bool fake_dns_kill(struct fake *f, const char *ifname);
/* The same for ifname's DHCP server. */
bool fake_dhcp_kill(struct fake *f, const char *ifname);
/* The running forwarder of ifname, NULL when none. */
const struct fake_dns *fake_dns_of(const struct fake *f, const char *ifname);
/* The DHCP server running for ifname, or NULL. */
const struct fake_dns *fake_dhcp_of(const struct fake *f, const char *ifname);

/* Backends that act on f (for ctx_set_backends). */
struct usbnet_backends fake_backends(struct fake *f);

/* The peer chains of ifname in the fake table, NULL when none. */
const struct nft_peer *fake_nft_chain(const struct fake *f, const char *ifname);
bool fake_state_equal(const struct fake_state *a, const struct fake_state *b);
bool fake_has_addr(const struct fake *f, int ifindex, const char *cidr);
bool fake_has_route(const struct fake *f, int ifindex, const char *cidr);
bool fake_link_up(const struct fake *f, int ifindex);
int fake_nm_managed(const struct fake *f, const char *ifname); /* 1, 0, -1 unknown */
/* Index in the log of the first line starting with prefix, -1 when none. */
int fake_log_find(const struct fake *f, const char *prefix);
/* The log as one text, for failure messages. */
const char *fake_log_text(const struct fake *f);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IPv6 sharing's nftables table, `ip6 usbnet_host` (the IPv4 table's name in the ip6 family:
 * usbnet-host's own, nothing else is in it), through libmnl + libnftnl.
 *
 * Per gateway peer IF whose link shares IPv6 (named after its interface):
 *   chain forward-IF      type filter hook forward priority filter; policy accept;
 *       iifname IF oifname UPLINK ip6 saddr PREFIX/64 accept
 *       iifname UPLINK oifname IF ct state established,related accept
 *       iifname IF drop
 *       oifname IF drop
 *   chain postrouting-IF  type nat hook postrouting priority srcnat; policy accept;
 *       oifname UPLINK ip6 saddr PREFIX/64 masquerade          (the ULA only: NAT66)
 * and, only while usbnet-host is the one that turned IPv6 forwarding on:
 *   chain guard           type filter hook forward priority filter; policy drop;
 *       the two accept rules of every IPv6 gateway peer, nothing else
 * so that turning net.ipv6.conf.all.forwarding on routes nothing between other interfaces.
 * Per gateway peer with a DNS forwarder that listens on the link's IPv6 address too (step
 * nft6-dns), like table ip's input chain:
 *   chain input-IF        type filter hook input priority filter; policy accept;
 *       iifname != IF iifname != "lo" ip6 daddr HOST udp dport 53 drop
 *       iifname != IF iifname != "lo" ip6 daddr HOST tcp dport 53 drop
 * A routed prefix (ipv6-prefix=) is forwarded as it is, but like the IPv4 side only what the
 * peer opened comes back in: the host is not a firewall-less router for the device.
 *
 * The table goes with its last chain. A change is one batch.
 */
#ifndef USBNET_NFT6_H
#define USBNET_NFT6_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include "usbnet-host/usbnet.h"
#include "gateway/nft.h"

struct nft6_peer {
	char ifname[USBNET_IFNAMSIZ];
	char uplink[USBNET_IFNAMSIZ];
	struct in6_addr prefix; /* a /64 */
	bool masquerade;	/* NAT66 out of the uplink (the ULA) */
};

/* A DNS forwarder's input chain: the peer's interface, the forwarder's IPv6 address. */
struct nft6_input {
	char ifname[USBNET_IFNAMSIZ];
	struct in6_addr host;
};

/* One batch: make (or reset) one peer's chains or delete them, and set the guard; or, with
 * input_only, make (or reset) or delete one input chain and leave everything else as it is. */
struct nft6_change {
	bool input_only;
	bool has_input_add;
	struct nft6_input input_add;
	char input_del[USBNET_IFNAMSIZ]; /* "" none */

	bool has_add;
	struct nft6_peer add;
	char del[USBNET_IFNAMSIZ]; /* "" none */
	bool guard; /* the guard chain present with guard_peers' accept rules; else absent */
	struct nft6_peer guard_peers[NFT_MAX_PEERS];
	size_t n_guard_peers;
};

struct nftnl_batch;

/* Builds the batch for c given what the table holds; *ret_n_msgs 0: nothing to do. Pure. */
int nft6_batch_build(const struct nft6_change *c, const struct nft_existing *ex, uint32_t seq,
		     struct nftnl_batch **ret, unsigned *ret_n_msgs);
/* Real: read the table, build, send. */
int nft6_commit(const struct nft6_change *c, char *errbuf, size_t errlen);

#endif

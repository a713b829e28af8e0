/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * usbnet-host's nftables table, `ip usbnet_host`, through libmnl + libnftnl.
 *
 * Per gateway peer IF (named after its interface):
 *   chain forward-IF      type filter hook forward priority filter; policy accept;
 *       iifname IF oifname UPLINK ip saddr SUBNET accept
 *       iifname UPLINK oifname IF ct state established,related accept
 *       iifname IF drop
 *       oifname IF drop
 *   chain postrouting-IF  type nat hook postrouting priority srcnat; policy accept;
 *       oifname UPLINK ip saddr SUBNET masquerade
 * and, only while usbnet-host is the one that turned IPv4 forwarding on:
 *   chain guard           type filter hook forward priority filter; policy drop;
 *       the two accept rules of every gateway peer, nothing else
 * so that turning forwarding on opens nothing between other interfaces.
 *
 * Per isolated peer IF (an identical peer reached at an alias address, issue 18):
 *   chain alias-mark-IF   type route hook output priority mangle; policy accept;
 *       ip daddr ALIAS meta mark set MARK      (every packet: its route is looked up again)
 *   chain alias-dnat-IF   type nat hook output priority dstnat; policy accept;
 *       ip daddr ALIAS dnat to PEER
 *   chain alias-snat-IF   type nat hook postrouting priority srcnat; policy accept;
 *       oifname IF meta mark MARK snat to HOST
 * MARK selects the peer's routing table (an ip rule), where PEER is reached through IF.
 * Per gateway peer with a DNS forwarder (step nft-dns):
 *   chain input-IF        type filter hook input priority filter; policy accept;
 *       iifname != IF iifname != "lo" ip daddr HOST udp dport 53 drop
 *       iifname != IF iifname != "lo" ip daddr HOST tcp dport 53 drop
 * so that the forwarder on the peer-side address HOST answers the peer's link (and the host
 * itself) only: Linux takes a packet for any of its addresses on any interface, and a
 * neighbour on the uplink that routes the peer's subnet via the host would reach it. Nothing
 * else is matched: no other port, no other address of the host's.
 *
 * A change is one batch: the kernel applies all of it or none. Builders are pure (a unit test
 * reads the batch back); nft_commit() looks at what exists, builds and sends.
 */
#ifndef USBNET_NFT_H
#define USBNET_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "usbnet-host/usbnet.h"

#define NFT_TABLE "usbnet_host"
#define NFT_GUARD_CHAIN "guard"
#define NFT_MAX_PEERS 32
#define NFT_CHAIN_NAME_MAX 32

struct nft_peer {
	char ifname[USBNET_IFNAMSIZ];
	char uplink[USBNET_IFNAMSIZ];
	struct usbnet_ip4 subnet; /* the peer's source addresses */
};

struct nft_alias {
	char ifname[USBNET_IFNAMSIZ];
	struct in_addr alias; /* what the host's programs connect to */
	struct in_addr peer;  /* the peer's own address, on the link */
	struct in_addr host;  /* the host's address on the link (the source the peer sees) */
	uint32_t mark;
};

/* One batch: create (or reset) some peers' chains, delete others', and set the guard. */
/* A DNS forwarder's input chain: the peer's interface, the forwarder's address. */
struct nft_input {
	char ifname[USBNET_IFNAMSIZ];
	struct in_addr host;
};

/* One batch: create (or reset) some peers' chains, delete others', and set the guard; or,
 * with input_only, create or delete input chains and leave everything else as it is. */
struct nft_change {
	/* isolated peers' alias chains: made (or reset), deleted */
	struct nft_alias alias_add[NFT_MAX_PEERS];
	size_t n_alias_add;
	char alias_del[NFT_MAX_PEERS][USBNET_IFNAMSIZ];
	size_t n_alias_del;
	struct nft_peer add[NFT_MAX_PEERS];
	size_t n_add;
	char del[NFT_MAX_PEERS][USBNET_IFNAMSIZ];
	size_t n_del;
	bool keep_guard; /* the guard is left as it is (an alias change) */
	bool guard;	 /* the guard chain present, with guard_peers' accept rules; else absent */
	struct nft_peer guard_peers[NFT_MAX_PEERS];
	size_t n_guard_peers;
	bool input_only; /* the batch touches input chains only (add/del/guard ignored) */
	struct nft_input input_add[NFT_MAX_PEERS];
	size_t n_input_add;
	char input_del[NFT_MAX_PEERS][USBNET_IFNAMSIZ];
	size_t n_input_del;
};

/* What our table holds now (the names of its chains). */
struct nft_existing {
	bool table;
	char chains[64][NFT_CHAIN_NAME_MAX];
	size_t n_chains;
};

struct nftnl_batch;

/* An isolated peer's three chains (mark, dnat, snat); the others' names are in nft-chains.h. */
void nft_alias_chain_names(const char *ifname, char names[3][NFT_CHAIN_NAME_MAX]);
/* Builds the batch (begin, messages, end) for c given what exists; *ret_n_msgs counts the
 * messages between begin and end (0: nothing to do). Pure. */
int nft_batch_build(const struct nft_change *c, const struct nft_existing *ex, uint32_t seq,
		    struct nftnl_batch **ret, unsigned *ret_n_msgs);

/* Real: apply c in one batch. -errno as the kernel said; errbuf gets the words. */
int nft_commit(const struct nft_change *c, char *errbuf, size_t errlen);

/* A base chain on some hook, for the firewall check (firewall.c). */
struct nft_base_chain {
	uint32_t family;
	char table[64];
	char chain[64];
	uint32_t hooknum;
	int32_t prio;
	uint32_t policy; /* NF_ACCEPT / NF_DROP */
};

/* Real: every base chain of every table (all families); free() *ret. */
int nft_base_chains(struct nft_base_chain **ret, size_t *ret_n);
/* Real: whether the table family/name exists. */
int nft_table_exists(uint32_t family, const char *name);

const char *nft_family_name(uint32_t family);

/* Real: the chains of table family/name, ours in ip or ip6 (-ENOENT-free: no table is
 * table=false). */
int nft_chains_read(uint32_t family, const char *table, struct nft_existing *ret);
/* Real: send a built batch; -errno of the first message the kernel refused (errbuf says). */
int nft_batch_send(struct nftnl_batch *b, char *errbuf, size_t errlen);
/* Real: what our table of family (ip, ip6) holds read, the batch for change built from it by
 * build (nft_batch_build, nft6_batch_build) and sent when it holds anything; -errno, errbuf
 * says what failed. nft_commit and nft6_commit. */
int nft_table_commit(uint32_t family,
		     int (*build)(const void *change, const struct nft_existing *ex, uint32_t seq,
				  struct nftnl_batch **ret, unsigned *ret_n_msgs),
		     const void *change, char *errbuf, size_t errlen);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The chains both our tables hold (ip and ip6 usbnet_host, laid out in nft.h and nft6.h), made
 * or reset with their rules in a batch being built (nft-builder.h). The family only changes
 * the address matches, which the caller gives:
 *
 *   chain forward-IF      type filter hook forward priority filter; policy accept;
 *       iifname IF oifname UPLINK SADDR accept
 *       iifname UPLINK oifname IF ct state established,related accept
 *       iifname IF drop
 *       oifname IF drop
 *   chain postrouting-IF  type nat hook postrouting priority srcnat; policy accept;
 *       oifname UPLINK SADDR masquerade
 *   chain guard           type filter hook forward priority filter; policy drop;
 *       the two accept rules of every gateway peer
 *   chain input-IF        type filter hook input priority filter; policy accept;
 *       iifname != IF iifname != "lo" DADDR udp dport 53 drop
 *       iifname != IF iifname != "lo" DADDR tcp dport 53 drop
 */
#ifndef USBNET_NFT_CHAINS_H
#define USBNET_NFT_CHAINS_H

#include "gateway/nft-builder.h"
#include "gateway/nft-expr.h"

/* A gateway peer as its chains see it. */
struct nft_chain_peer {
	const char *ifname;
	const char *uplink;
	struct nft_addr_match saddr; /* the peer's sources: ip saddr SUBNET, ip6 saddr PREFIX/64 */
};

/* "forward-IF", "postrouting-IF" */
void nft_chain_names(const char *ifname, char fwd[NFT_CHAIN_NAME_MAX],
		     char post[NFT_CHAIN_NAME_MAX]);
/* "input-IF" */
void nft_input_chain_name(const char *ifname, char name[NFT_CHAIN_NAME_MAX]);

/* forward-IF made or reset, with its four rules. */
void nft_chain_forward(struct nft_builder *bd, const struct nft_chain_peer *p);
/* postrouting-IF made or reset, with its masquerade rule. */
void nft_chain_postrouting(struct nft_builder *bd, const struct nft_chain_peer *p);
/* The guard made or reset, with the accept rules of peers[0..n). */
void nft_chain_guard(struct nft_builder *bd, const struct nft_chain_peer *peers, size_t n);
/* input-IF made or reset: DNS to host (DADDR) dropped unless it comes in on IF or lo. */
void nft_chain_input(struct nft_builder *bd, const char *ifname, const struct nft_addr_match *host);

#endif

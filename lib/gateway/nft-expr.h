/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nftables expressions, appended to a rule (libnftnl): the pieces the rules of both our tables
 * (ip and ip6 usbnet_host) are made of. A match loads register 1 and compares it.
 *
 * Each returns 0, or -ENOMEM when libnftnl could not allocate (-EINVAL: a length over 16); the
 * rule keeps what was added before and the caller frees it.
 */
#ifndef USBNET_NFT_EXPR_H
#define USBNET_NFT_EXPR_H

#include <stdbool.h>
#include <stdint.h>

struct nftnl_expr;
struct nftnl_rule;

/* An address match in the network header: `ip saddr SUBNET`, `ip6 daddr HOST`... len bytes at
 * offset (struct iphdr, struct ipv6hdr), and with masked each ANDed with mask first (a subnet
 * that is not a whole address), equal to data. The family is in the offsets: one type serves
 * both tables. */
struct nft_addr_match {
	uint32_t offset;
	uint32_t len; /* 16 at most */
	uint8_t data[16];
	bool masked;
	uint8_t mask[16];
};

/* Appends e, which the rule then owns; e NULL (a failed allocation) is -ENOMEM. */
int nft_expr_add(struct nftnl_rule *r, struct nftnl_expr *e);
/* cmp OP reg1, data */
int nft_expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len);
/* reg1 = reg1 & mask (len bytes) */
int nft_expr_bitwise(struct nftnl_rule *r, const void *mask, uint32_t len);
/* reg1 = meta KEY (NFT_META_*) */
int nft_expr_meta(struct nftnl_rule *r, uint32_t key);
/* reg1 = len bytes of the header base (NFT_PAYLOAD_*) at offset */
int nft_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len);

/* meta iifname/oifname == name (the whole IFNAMSIZ buffer, zero-padded: an exact match) */
int nft_expr_ifname(struct nftnl_rule *r, uint32_t key, const char *name);
/* meta iifname != name (exact, as nft_expr_ifname) */
int nft_expr_not_iifname(struct nftnl_rule *r, const char *name);
/* the address match m (ip/ip6 saddr/daddr) */
int nft_expr_addr(struct nftnl_rule *r, const struct nft_addr_match *m);
/* meta l4proto PROTO th dport PORT (nft shows it as "udp dport 53") */
int nft_expr_dport(struct nftnl_rule *r, uint8_t proto, uint16_t port);
/* ct state established,related */
int nft_expr_ct_reply(struct nftnl_rule *r);
/* accept, drop (NF_ACCEPT, NF_DROP) */
int nft_expr_verdict(struct nftnl_rule *r, int v);

#endif

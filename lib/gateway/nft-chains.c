/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The chains both our tables hold, with their rules (nft-chains.h). */
#include <netinet/in.h>
#include <stdio.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "gateway/nft-chains.h"

void nft_chain_names(const char *ifname, char fwd[NFT_CHAIN_NAME_MAX],
		     char post[NFT_CHAIN_NAME_MAX])
{
	snprintf(fwd, NFT_CHAIN_NAME_MAX, "forward-%s", ifname);
	snprintf(post, NFT_CHAIN_NAME_MAX, "postrouting-%s", ifname);
}

void nft_input_chain_name(const char *ifname, char name[NFT_CHAIN_NAME_MAX])
{
	snprintf(name, NFT_CHAIN_NAME_MAX, "input-%s", ifname);
}

enum rule_kind {
	RULE_OUT,	 /* iifname IF oifname UPLINK SADDR accept */
	RULE_BACK,	 /* iifname UPLINK oifname IF ct state established,related accept */
	RULE_DROP_IN,	 /* iifname IF drop */
	RULE_DROP_OUT,	 /* oifname IF drop */
	RULE_MASQUERADE, /* oifname UPLINK SADDR masquerade */
};

/* r's expressions: those of rule k for peer p */
static int fill_rule(struct nftnl_rule *r, enum rule_kind k, const struct nft_chain_peer *p)
{
	int rc = 0;

	switch (k) {
	case RULE_OUT:
		rc = nft_expr_ifname(r, NFT_META_IIFNAME, p->ifname);
		if (rc >= 0)
			rc = nft_expr_ifname(r, NFT_META_OIFNAME, p->uplink);
		if (rc >= 0)
			rc = nft_expr_addr(r, &p->saddr);
		return rc < 0 ? rc : nft_expr_verdict(r, NF_ACCEPT);
	case RULE_BACK:
		rc = nft_expr_ifname(r, NFT_META_IIFNAME, p->uplink);
		if (rc >= 0)
			rc = nft_expr_ifname(r, NFT_META_OIFNAME, p->ifname);
		if (rc >= 0)
			rc = nft_expr_ct_reply(r);
		return rc < 0 ? rc : nft_expr_verdict(r, NF_ACCEPT);
	case RULE_DROP_IN:
	case RULE_DROP_OUT:
		rc = nft_expr_ifname(r, k == RULE_DROP_IN ? NFT_META_IIFNAME : NFT_META_OIFNAME,
				     p->ifname);
		return rc < 0 ? rc : nft_expr_verdict(r, NF_DROP);
	case RULE_MASQUERADE:
		rc = nft_expr_ifname(r, NFT_META_OIFNAME, p->uplink);
		if (rc >= 0)
			rc = nft_expr_addr(r, &p->saddr);
		return rc < 0 ? rc : nft_expr_add(r, nftnl_expr_alloc("masq"));
	}
	return rc;
}

static void put_rule(struct nft_builder *bd, const char *chain, enum rule_kind k,
		     const struct nft_chain_peer *p)
{
	struct nftnl_rule *r = nft_builder_rule(bd, chain);

	if (r)
		nft_builder_rule_put(bd, r, fill_rule(r, k, p));
}

/* iifname != IF iifname != "lo" DADDR PROTO dport 53 drop */
static void put_dns_drop(struct nft_builder *bd, const char *chain, const char *ifname,
			 const struct nft_addr_match *host, uint8_t proto)
{
	struct nftnl_rule *r = nft_builder_rule(bd, chain);
	int rc;

	if (!r)
		return;
	rc = nft_expr_not_iifname(r, ifname);
	if (rc >= 0)
		rc = nft_expr_not_iifname(r, "lo");
	if (rc >= 0)
		rc = nft_expr_addr(r, host);
	if (rc >= 0)
		rc = nft_expr_dport(r, proto, 53);
	if (rc >= 0)
		rc = nft_expr_verdict(r, NF_DROP);
	nft_builder_rule_put(bd, r, rc);
}

void nft_chain_forward(struct nft_builder *bd, const struct nft_chain_peer *p)
{
	char fwd[NFT_CHAIN_NAME_MAX], post[NFT_CHAIN_NAME_MAX];

	nft_chain_names(p->ifname, fwd, post);
	nft_builder_chain_reset(bd, fwd, "filter", NF_INET_FORWARD, NFT_PRIO_FILTER, NF_ACCEPT);
	put_rule(bd, fwd, RULE_OUT, p);
	put_rule(bd, fwd, RULE_BACK, p);
	put_rule(bd, fwd, RULE_DROP_IN, p);
	put_rule(bd, fwd, RULE_DROP_OUT, p);
}

void nft_chain_postrouting(struct nft_builder *bd, const struct nft_chain_peer *p)
{
	char fwd[NFT_CHAIN_NAME_MAX], post[NFT_CHAIN_NAME_MAX];

	nft_chain_names(p->ifname, fwd, post);
	nft_builder_chain_reset(bd, post, "nat", NF_INET_POST_ROUTING, NFT_PRIO_SRCNAT, NF_ACCEPT);
	put_rule(bd, post, RULE_MASQUERADE, p);
}

void nft_chain_guard(struct nft_builder *bd, const struct nft_chain_peer *peers, size_t n)
{
	nft_builder_chain_reset(bd, NFT_GUARD_CHAIN, "filter", NF_INET_FORWARD, NFT_PRIO_FILTER,
				NF_DROP);
	for (size_t i = 0; i < n; i++) {
		put_rule(bd, NFT_GUARD_CHAIN, RULE_OUT, &peers[i]);
		put_rule(bd, NFT_GUARD_CHAIN, RULE_BACK, &peers[i]);
	}
}

void nft_chain_input(struct nft_builder *bd, const char *ifname, const struct nft_addr_match *host)
{
	char in[NFT_CHAIN_NAME_MAX];

	nft_input_chain_name(ifname, in);
	nft_builder_chain_reset(bd, in, "filter", NF_INET_LOCAL_IN, NFT_PRIO_FILTER, NF_ACCEPT);
	put_dns_drop(bd, in, ifname, host, IPPROTO_UDP);
	put_dns_drop(bd, in, ifname, host, IPPROTO_TCP);
}

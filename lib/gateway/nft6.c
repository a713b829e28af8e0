/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Table ip6 usbnet_host: IPv6 sharing's forward chains, NAT66 and guard (nft6.h). */
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "core/ifname.h"
#include "gateway/nft6.h"
#include "gateway/nft-builder.h"
#include "gateway/nft-expr.h"

#define FAMILY NFPROTO_IPV6

/* ip6 saddr PREFIX/64: the first 8 bytes of the source (struct ipv6hdr, saddr at 8) */
static int match_saddr64(struct nftnl_rule *r, const struct in6_addr *prefix)
{
	struct nft_addr_match m = {.offset = 8, .len = 8};

	memcpy(m.data, prefix->s6_addr, 8);
	return nft_expr_addr(r, &m);
}

/* ip6 daddr HOST (struct ipv6hdr, daddr at 24) */
static int match_daddr(struct nftnl_rule *r, const struct in6_addr *host)
{
	struct nft_addr_match m = {.offset = 24, .len = 16};

	memcpy(m.data, host->s6_addr, 16);
	return nft_expr_addr(r, &m);
}

enum rule_kind {
	RULE_OUT,
	RULE_BACK,
	RULE_DROP_IN,
	RULE_DROP_OUT,
	RULE_MASQUERADE,
	RULE_DNS_UDP,
	RULE_DNS_TCP
};

/* p for the forward and nat rules, in for the input ones */
static void put_rule_(struct nft_builder *bd, const char *chain, enum rule_kind k,
		      const struct nft6_peer *p, const struct nft6_input *in)
{
	struct nftnl_rule *r = nft_builder_rule(bd, chain);
	int rc = 0;

	if (!r)
		return;
	switch (k) {
	case RULE_OUT:
		rc = nft_expr_ifname(r, NFT_META_IIFNAME, p->ifname);
		if (rc >= 0)
			rc = nft_expr_ifname(r, NFT_META_OIFNAME, p->uplink);
		if (rc >= 0)
			rc = match_saddr64(r, &p->prefix);
		if (rc >= 0)
			rc = nft_expr_verdict(r, NF_ACCEPT);
		break;
	case RULE_BACK:
		rc = nft_expr_ifname(r, NFT_META_IIFNAME, p->uplink);
		if (rc >= 0)
			rc = nft_expr_ifname(r, NFT_META_OIFNAME, p->ifname);
		if (rc >= 0)
			rc = nft_expr_ct_reply(r);
		if (rc >= 0)
			rc = nft_expr_verdict(r, NF_ACCEPT);
		break;
	case RULE_DROP_IN:
	case RULE_DROP_OUT:
		rc = nft_expr_ifname(r, k == RULE_DROP_IN ? NFT_META_IIFNAME : NFT_META_OIFNAME,
				     p->ifname);
		if (rc >= 0)
			rc = nft_expr_verdict(r, NF_DROP);
		break;
	case RULE_MASQUERADE:
		rc = nft_expr_ifname(r, NFT_META_OIFNAME, p->uplink);
		if (rc >= 0)
			rc = match_saddr64(r, &p->prefix);
		if (rc >= 0)
			rc = nft_expr_add(r, nftnl_expr_alloc("masq"));
		break;
	case RULE_DNS_UDP:
	case RULE_DNS_TCP:
		/* iifname != IF iifname != "lo" ip6 daddr HOST PROTO dport 53 drop */
		rc = nft_expr_not_iifname(r, in->ifname);
		if (rc >= 0)
			rc = nft_expr_not_iifname(r, "lo");
		if (rc >= 0)
			rc = match_daddr(r, &in->host);
		if (rc >= 0)
			rc = nft_expr_dport(r, k == RULE_DNS_UDP ? IPPROTO_UDP : IPPROTO_TCP, 53);
		if (rc >= 0)
			rc = nft_expr_verdict(r, NF_DROP);
		break;
	}
	nft_builder_rule_put(bd, r, rc);
}

static void put_rule(struct nft_builder *bd, const char *chain, enum rule_kind k,
		     const struct nft6_peer *p)
{
	put_rule_(bd, chain, k, p, NULL);
}

static bool peer_ok(const struct nft6_peer *p)
{
	return ifname_valid(p->ifname) && ifname_valid(p->uplink) &&
	       strcmp(p->ifname, p->uplink) != 0;
}

/* input_only: one input chain made (or reset) or deleted, nothing else touched. */
static int input_batch_build(const struct nft6_change *c, const struct nft_existing *ex,
			     uint32_t seq, struct nftnl_batch **ret, unsigned *ret_n_msgs)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;
	struct nft_builder bd;
	char in[NFT_CHAIN_NAME_MAX];
	int r;

	if ((c->has_input_add &&
	     (!ifname_valid(c->input_add.ifname) || strcmp(c->input_add.ifname, "lo") == 0 ||
	      memcmp(&c->input_add.host, &any, sizeof(any)) == 0)) ||
	    (c->input_del[0] && !ifname_valid(c->input_del)))
		return -EINVAL;
	r = nft_builder_begin(&bd, FAMILY, NFT_TABLE, ex, seq);
	if (r < 0)
		return r;
	if (c->input_del[0]) {
		nft_input_chain_name(c->input_del, in);
		nft_builder_chain_del(&bd, in);
	}
	if (c->has_input_add) {
		nft_builder_table(&bd, NFT_MSG_NEWTABLE, NLM_F_CREATE);
		nft_input_chain_name(c->input_add.ifname, in);
		nft_builder_chain_reset(&bd, in, "filter", NF_INET_LOCAL_IN, NFT_PRIO_FILTER,
					NF_ACCEPT);
		put_rule_(&bd, in, RULE_DNS_UDP, NULL, &c->input_add);
		put_rule_(&bd, in, RULE_DNS_TCP, NULL, &c->input_add);
	}
	if (bd.left == 0 && ex->table)
		nft_builder_table(&bd, NFT_MSG_DELTABLE, 0);
	return nft_builder_end(&bd, ret, ret_n_msgs);
}

int nft6_batch_build(const struct nft6_change *c, const struct nft_existing *ex, uint32_t seq,
		     struct nftnl_batch **ret, unsigned *ret_n_msgs)
{
	struct nft_builder bd;
	char fwd[NFT_CHAIN_NAME_MAX], post[NFT_CHAIN_NAME_MAX];
	int r;

	if (c->input_only)
		return input_batch_build(c, ex, seq, ret, ret_n_msgs);
	if (c->n_guard_peers > NFT_MAX_PEERS || (c->has_add && !peer_ok(&c->add)) ||
	    (c->del[0] && !ifname_valid(c->del)))
		return -EINVAL;
	for (size_t i = 0; i < c->n_guard_peers; i++)
		if (!peer_ok(&c->guard_peers[i]))
			return -EINVAL;
	r = nft_builder_begin(&bd, FAMILY, NFT_TABLE, ex, seq);
	if (r < 0)
		return r;
	if (c->has_add || c->guard)
		nft_builder_table(&bd, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	if (c->del[0]) {
		nft_chain_names(c->del, fwd, post);
		nft_builder_chain_del(&bd, fwd);
		nft_builder_chain_del(&bd, post);
	}
	if (c->has_add) {
		const struct nft6_peer *p = &c->add;

		nft_chain_names(p->ifname, fwd, post);
		nft_builder_chain_reset(&bd, fwd, "filter", NF_INET_FORWARD, NFT_PRIO_FILTER,
					NF_ACCEPT);
		put_rule(&bd, fwd, RULE_OUT, p);
		put_rule(&bd, fwd, RULE_BACK, p);
		put_rule(&bd, fwd, RULE_DROP_IN, p);
		put_rule(&bd, fwd, RULE_DROP_OUT, p);
		if (p->masquerade) {
			nft_builder_chain_reset(&bd, post, "nat", NF_INET_POST_ROUTING,
						NFT_PRIO_SRCNAT, NF_ACCEPT);
			put_rule(&bd, post, RULE_MASQUERADE, p);
		} else {
			nft_builder_chain_del(&bd, post);
		}
	}
	if (c->guard) {
		nft_builder_chain_reset(&bd, NFT_GUARD_CHAIN, "filter", NF_INET_FORWARD,
					NFT_PRIO_FILTER, NF_DROP);
		for (size_t i = 0; i < c->n_guard_peers; i++) {
			put_rule(&bd, NFT_GUARD_CHAIN, RULE_OUT, &c->guard_peers[i]);
			put_rule(&bd, NFT_GUARD_CHAIN, RULE_BACK, &c->guard_peers[i]);
		}
	} else {
		nft_builder_chain_del(&bd, NFT_GUARD_CHAIN);
	}
	/* The table goes with its last chain: nothing of ours stays behind. */
	if (bd.left == 0 && ex->table)
		nft_builder_table(&bd, NFT_MSG_DELTABLE, 0);
	return nft_builder_end(&bd, ret, ret_n_msgs);
}

int nft6_commit(const struct nft6_change *c, char *errbuf, size_t errlen)
{
	struct nft_existing ex;
	struct nftnl_batch *b;
	unsigned n = 0;
	int r;

	r = nft_chains_read(FAMILY, NFT_TABLE, &ex);
	if (r < 0) {
		snprintf(errbuf, errlen, "cannot read nftables' ruleset: %s", strerror(-r));
		return r;
	}
	r = nft6_batch_build(c, &ex, (uint32_t)time(NULL), &b, &n);
	if (r < 0) {
		snprintf(errbuf, errlen, "cannot build the nftables batch: %s", strerror(-r));
		return r;
	}
	if (n > 0)
		r = nft_batch_send(b, errbuf, errlen);
	nftnl_batch_free(b);
	return r;
}

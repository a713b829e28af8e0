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
#include "gateway/nft-expr.h"

#define FAMILY NFPROTO_IPV6
#define PRIO_FILTER 0
#define PRIO_SRCNAT 100

struct builder {
	struct nftnl_batch *b;
	uint32_t seq;
	unsigned n;
	int err;
};

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

static void put_table(struct builder *bd, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t;
	struct nlmsghdr *nlh;

	if (bd->err)
		return;
	t = nftnl_table_alloc();
	if (!t) {
		bd->err = -ENOMEM;
		return;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bd->b), type, FAMILY, flags | NLM_F_ACK,
				    bd->seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nftnl_batch_update(bd->b);
	bd->n++;
}

/* A base chain, or its deletion when type is NULL. */
static void put_chain(struct builder *bd, uint16_t msg, const char *name, const char *type,
		      uint32_t hook, int32_t prio, uint32_t policy)
{
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;

	if (bd->err)
		return;
	c = nftnl_chain_alloc();
	if (!c) {
		bd->err = -ENOMEM;
		return;
	}
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, FAMILY);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (type) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, policy);
	}
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bd->b), msg, FAMILY,
				    (msg == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0) | NLM_F_ACK,
				    bd->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	nftnl_batch_update(bd->b);
	bd->n++;
}

static void put_flush(struct builder *bd, const char *chain)
{
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;

	if (bd->err)
		return;
	r = nftnl_rule_alloc();
	if (!r) {
		bd->err = -ENOMEM;
		return;
	}
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, FAMILY);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bd->b), NFT_MSG_DELRULE, FAMILY, NLM_F_ACK,
				    bd->seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nftnl_batch_update(bd->b);
	bd->n++;
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
static void put_rule_(struct builder *bd, const char *chain, enum rule_kind k,
		      const struct nft6_peer *p, const struct nft6_input *in)
{
	struct nftnl_rule *r;
	struct nlmsghdr *nlh;
	int rc = 0;

	if (bd->err)
		return;
	r = nftnl_rule_alloc();
	if (!r) {
		bd->err = -ENOMEM;
		return;
	}
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, FAMILY);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
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
	if (rc < 0) {
		nftnl_rule_free(r);
		bd->err = rc;
		return;
	}
	nlh = nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bd->b), NFT_MSG_NEWRULE, FAMILY,
				    NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, bd->seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nftnl_batch_update(bd->b);
	bd->n++;
}

static void put_rule(struct builder *bd, const char *chain, enum rule_kind k,
		     const struct nft6_peer *p)
{
	put_rule_(bd, chain, k, p, NULL);
}

static bool exists(const struct nft_existing *ex, const char *chain)
{
	for (size_t i = 0; i < ex->n_chains; i++)
		if (strcmp(ex->chains[i], chain) == 0)
			return true;
	return false;
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
	struct builder bd = {.seq = seq};
	char in[NFT_CHAIN_NAME_MAX];
	size_t left = ex->n_chains;

	if ((c->has_input_add &&
	     (!ifname_valid(c->input_add.ifname) || strcmp(c->input_add.ifname, "lo") == 0 ||
	      memcmp(&c->input_add.host, &any, sizeof(any)) == 0)) ||
	    (c->input_del[0] && !ifname_valid(c->input_del)))
		return -EINVAL;
	bd.b = nftnl_batch_alloc(MNL_SOCKET_BUFFER_SIZE, MNL_SOCKET_BUFFER_SIZE);
	if (!bd.b)
		return -ENOMEM;
	nftnl_batch_begin(nftnl_batch_buffer(bd.b), bd.seq++);
	nftnl_batch_update(bd.b);
	if (c->input_del[0]) {
		nft_input_chain_name(c->input_del, in);
		if (exists(ex, in)) {
			put_chain(&bd, NFT_MSG_DELCHAIN, in, NULL, 0, 0, 0);
			left--;
		}
	}
	if (c->has_input_add) {
		put_table(&bd, NFT_MSG_NEWTABLE, NLM_F_CREATE);
		nft_input_chain_name(c->input_add.ifname, in);
		put_chain(&bd, NFT_MSG_NEWCHAIN, in, "filter", NF_INET_LOCAL_IN, PRIO_FILTER,
			  NF_ACCEPT);
		if (exists(ex, in))
			put_flush(&bd, in);
		else
			left++;
		put_rule_(&bd, in, RULE_DNS_UDP, NULL, &c->input_add);
		put_rule_(&bd, in, RULE_DNS_TCP, NULL, &c->input_add);
	}
	if (left == 0 && ex->table)
		put_table(&bd, NFT_MSG_DELTABLE, 0);
	nftnl_batch_end(nftnl_batch_buffer(bd.b), bd.seq++);
	nftnl_batch_update(bd.b);
	if (bd.err) {
		nftnl_batch_free(bd.b);
		return bd.err;
	}
	*ret = bd.b;
	*ret_n_msgs = bd.n;
	return 0;
}

int nft6_batch_build(const struct nft6_change *c, const struct nft_existing *ex, uint32_t seq,
		     struct nftnl_batch **ret, unsigned *ret_n_msgs)
{
	struct builder bd = {.seq = seq};
	char fwd[NFT_CHAIN_NAME_MAX], post[NFT_CHAIN_NAME_MAX];
	size_t left = ex->n_chains;

	if (c->input_only)
		return input_batch_build(c, ex, seq, ret, ret_n_msgs);
	if (c->n_guard_peers > NFT_MAX_PEERS || (c->has_add && !peer_ok(&c->add)) ||
	    (c->del[0] && !ifname_valid(c->del)))
		return -EINVAL;
	for (size_t i = 0; i < c->n_guard_peers; i++)
		if (!peer_ok(&c->guard_peers[i]))
			return -EINVAL;
	bd.b = nftnl_batch_alloc(MNL_SOCKET_BUFFER_SIZE, MNL_SOCKET_BUFFER_SIZE);
	if (!bd.b)
		return -ENOMEM;
	nftnl_batch_begin(nftnl_batch_buffer(bd.b), bd.seq++);
	nftnl_batch_update(bd.b);

	if (c->has_add || c->guard)
		put_table(&bd, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	if (c->del[0]) {
		nft_chain_names(c->del, fwd, post);
		if (exists(ex, fwd)) {
			put_chain(&bd, NFT_MSG_DELCHAIN, fwd, NULL, 0, 0, 0);
			left--;
		}
		if (exists(ex, post)) {
			put_chain(&bd, NFT_MSG_DELCHAIN, post, NULL, 0, 0, 0);
			left--;
		}
	}
	if (c->has_add) {
		const struct nft6_peer *p = &c->add;

		nft_chain_names(p->ifname, fwd, post);
		put_chain(&bd, NFT_MSG_NEWCHAIN, fwd, "filter", NF_INET_FORWARD, PRIO_FILTER,
			  NF_ACCEPT);
		if (exists(ex, fwd))
			put_flush(&bd, fwd);
		else
			left++;
		put_rule(&bd, fwd, RULE_OUT, p);
		put_rule(&bd, fwd, RULE_BACK, p);
		put_rule(&bd, fwd, RULE_DROP_IN, p);
		put_rule(&bd, fwd, RULE_DROP_OUT, p);
		if (p->masquerade) {
			put_chain(&bd, NFT_MSG_NEWCHAIN, post, "nat", NF_INET_POST_ROUTING,
				  PRIO_SRCNAT, NF_ACCEPT);
			if (exists(ex, post))
				put_flush(&bd, post);
			else
				left++;
			put_rule(&bd, post, RULE_MASQUERADE, p);
		} else if (exists(ex, post)) {
			put_chain(&bd, NFT_MSG_DELCHAIN, post, NULL, 0, 0, 0);
			left--;
		}
	}
	if (c->guard) {
		put_chain(&bd, NFT_MSG_NEWCHAIN, NFT_GUARD_CHAIN, "filter", NF_INET_FORWARD,
			  PRIO_FILTER, NF_DROP);
		if (exists(ex, NFT_GUARD_CHAIN))
			put_flush(&bd, NFT_GUARD_CHAIN);
		else
			left++;
		for (size_t i = 0; i < c->n_guard_peers; i++) {
			put_rule(&bd, NFT_GUARD_CHAIN, RULE_OUT, &c->guard_peers[i]);
			put_rule(&bd, NFT_GUARD_CHAIN, RULE_BACK, &c->guard_peers[i]);
		}
	} else if (exists(ex, NFT_GUARD_CHAIN)) {
		put_chain(&bd, NFT_MSG_DELCHAIN, NFT_GUARD_CHAIN, NULL, 0, 0, 0);
		left--;
	}
	/* The table goes with its last chain: nothing of ours stays behind. */
	if (left == 0 && ex->table)
		put_table(&bd, NFT_MSG_DELTABLE, 0);
	nftnl_batch_end(nftnl_batch_buffer(bd.b), bd.seq++);
	nftnl_batch_update(bd.b);
	if (bd.err) {
		nftnl_batch_free(bd.b);
		return bd.err;
	}
	*ret = bd.b;
	*ret_n_msgs = bd.n;
	return 0;
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

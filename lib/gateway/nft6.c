/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Table ip6 usbnet_host: IPv6 sharing's forward chains, NAT66 and guard (nft6.h). */
#include <netinet/in.h>
#include <errno.h>
#include <string.h>
#include <libnftnl/batch.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include "core/ifname.h"
#include "gateway/nft6.h"
#include "gateway/nft-chains.h"

#define FAMILY NFPROTO_IPV6

/* p as the chains both tables hold see it (nft-chains.h): its sources are ip6 saddr PREFIX/64,
 * the first 8 bytes of the source (struct ipv6hdr, saddr at 8) */
static struct nft_chain_peer chain_peer(const struct nft6_peer *p)
{
	struct nft_chain_peer cp = {
	    .ifname = p->ifname, .uplink = p->uplink, .saddr = {.offset = 8, .len = 8}};

	memcpy(cp.saddr.data, p->prefix.s6_addr, 8);
	return cp;
}

/* ip6 daddr HOST (struct ipv6hdr, daddr at 24) */
static struct nft_addr_match ip6_daddr(const struct in6_addr *host)
{
	struct nft_addr_match m = {.offset = 24, .len = 16};

	memcpy(m.data, host->s6_addr, 16);
	return m;
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
		struct nft_addr_match host = ip6_daddr(&c->input_add.host);

		nft_builder_table(&bd, NFT_MSG_NEWTABLE, NLM_F_CREATE);
		nft_chain_input(&bd, c->input_add.ifname, &host);
	}
	if (bd.left == 0 && ex->table)
		nft_builder_table(&bd, NFT_MSG_DELTABLE, 0);
	return nft_builder_end(&bd, ret, ret_n_msgs);
}

/* The peer's forward chain, and its postrouting chain only with NAT66. */
static void put_peer(struct nft_builder *bd, const struct nft6_peer *p)
{
	struct nft_chain_peer cp = chain_peer(p);
	char fwd[NFT_CHAIN_NAME_MAX], post[NFT_CHAIN_NAME_MAX];

	nft_chain_forward(bd, &cp);
	if (p->masquerade) {
		nft_chain_postrouting(bd, &cp);
	} else {
		nft_chain_names(p->ifname, fwd, post);
		nft_builder_chain_del(bd, post);
	}
}

/* The guard made or reset with peers' accept rules. */
static void put_guard(struct nft_builder *bd, const struct nft6_peer *peers, size_t n)
{
	struct nft_chain_peer g[NFT_MAX_PEERS];

	for (size_t i = 0; i < n; i++)
		g[i] = chain_peer(&peers[i]);
	nft_chain_guard(bd, g, n);
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
	if (c->has_add)
		put_peer(&bd, &c->add);
	if (c->guard)
		put_guard(&bd, c->guard_peers, c->n_guard_peers);
	else
		nft_builder_chain_del(&bd, NFT_GUARD_CHAIN);
	/* The table goes with its last chain: nothing of ours stays behind. */
	if (bd.left == 0 && ex->table)
		nft_builder_table(&bd, NFT_MSG_DELTABLE, 0);
	return nft_builder_end(&bd, ret, ret_n_msgs);
}

/* nft_table_commit's builder: change is an nft6_change */
static int build(const void *change, const struct nft_existing *ex, uint32_t seq,
		 struct nftnl_batch **ret, unsigned *ret_n_msgs)
{
	return nft6_batch_build(change, ex, seq, ret, ret_n_msgs);
}

int nft6_commit(const struct nft6_change *c, char *errbuf, size_t errlen)
{
	return nft_table_commit(FAMILY, build, c, errbuf, errlen);
}

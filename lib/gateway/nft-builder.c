/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One nftables batch for one table of ours, built and not sent (nft-builder.h). */
#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter/nf_tables.h>

#include "gateway/nft-builder.h"

int nft_builder_begin(struct nft_builder *bd, uint32_t family, const char *table,
		      const struct nft_existing *ex, uint32_t seq)
{
	*bd = (struct nft_builder){
	    .family = family, .table = table, .ex = ex, .left = ex->n_chains, .seq = seq};
	bd->b = nftnl_batch_alloc(MNL_SOCKET_BUFFER_SIZE, MNL_SOCKET_BUFFER_SIZE);
	if (!bd->b)
		return -ENOMEM;
	nftnl_batch_begin(nftnl_batch_buffer(bd->b), bd->seq++);
	nftnl_batch_update(bd->b);
	return 0;
}

int nft_builder_end(struct nft_builder *bd, struct nftnl_batch **ret, unsigned *ret_n_msgs)
{
	nftnl_batch_end(nftnl_batch_buffer(bd->b), bd->seq++);
	nftnl_batch_update(bd->b);
	if (bd->err) {
		nftnl_batch_free(bd->b);
		return bd->err;
	}
	*ret = bd->b;
	*ret_n_msgs = bd->n;
	return 0;
}

/* A message's header, for its payload to follow; counted. */
static struct nlmsghdr *put_hdr(struct nft_builder *bd, uint16_t type, uint16_t flags)
{
	bd->n++;
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(bd->b), type, (uint16_t)bd->family,
				     flags | NLM_F_ACK, bd->seq++);
}

/* Whether obj, a libnftnl object allocated unless the builder had failed, is there; a failed
 * allocation is the builder's error. */
static bool allocated(struct nft_builder *bd, const void *obj)
{
	if (!obj && !bd->err)
		bd->err = -ENOMEM;
	return obj != NULL;
}

void nft_builder_table(struct nft_builder *bd, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = bd->err ? NULL : nftnl_table_alloc();

	if (!allocated(bd, t))
		return;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, bd->family);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, bd->table);
	nftnl_table_nlmsg_build_payload(put_hdr(bd, type, flags), t);
	nftnl_table_free(t);
	nftnl_batch_update(bd->b);
}

/* A base chain (type, hook, priority, policy), or a deletion when type is NULL. */
static void put_chain(struct nft_builder *bd, uint16_t msg, const char *name, const char *type,
		      uint32_t hook, int32_t prio, uint32_t policy)
{
	struct nftnl_chain *c = bd->err ? NULL : nftnl_chain_alloc();

	if (!allocated(bd, c))
		return;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, bd->family);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, bd->table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (type) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, policy);
	}
	nftnl_chain_nlmsg_build_payload(
	    put_hdr(bd, msg, msg == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0), c);
	nftnl_chain_free(c);
	nftnl_batch_update(bd->b);
}

/* A rule of chain, alone (a flush: no handle) or with its expressions; freed. */
static void put_rule(struct nft_builder *bd, uint16_t msg, uint16_t flags, struct nftnl_rule *r)
{
	nftnl_rule_nlmsg_build_payload(put_hdr(bd, msg, flags), r);
	nftnl_rule_free(r);
	nftnl_batch_update(bd->b);
}

struct nftnl_rule *nft_builder_rule(struct nft_builder *bd, const char *chain)
{
	struct nftnl_rule *r = bd->err ? NULL : nftnl_rule_alloc();

	if (!allocated(bd, r))
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, bd->family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, bd->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

void nft_builder_rule_put(struct nft_builder *bd, struct nftnl_rule *r, int rc)
{
	if (rc < 0) {
		nftnl_rule_free(r);
		bd->err = rc;
		return;
	}
	put_rule(bd, NFT_MSG_NEWRULE, NLM_F_APPEND | NLM_F_CREATE, r);
}

/* Every rule of a chain of ours goes: a DELRULE naming the chain and no handle. */
static void put_flush(struct nft_builder *bd, const char *chain)
{
	struct nftnl_rule *r = nft_builder_rule(bd, chain);

	if (r)
		put_rule(bd, NFT_MSG_DELRULE, 0, r);
}

void nft_builder_chain_reset(struct nft_builder *bd, const char *name, const char *type,
			     uint32_t hook, int32_t prio, uint32_t policy)
{
	put_chain(bd, NFT_MSG_NEWCHAIN, name, type, hook, prio, policy);
	if (nft_existing_has(bd->ex, name))
		put_flush(bd, name);
	else
		bd->left++;
}

void nft_builder_chain_del(struct nft_builder *bd, const char *name)
{
	if (!nft_existing_has(bd->ex, name))
		return;
	if (bd->flush_on_delete)
		put_flush(bd, name);
	put_chain(bd, NFT_MSG_DELCHAIN, name, NULL, 0, 0, 0);
	bd->left--;
}

bool nft_existing_has(const struct nft_existing *ex, const char *chain)
{
	for (size_t i = 0; i < ex->n_chains; i++)
		if (strcmp(ex->chains[i], chain) == 0)
			return true;
	return false;
}

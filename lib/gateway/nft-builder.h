/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One nftables batch being built for one table of ours (ip or ip6 usbnet_host): its table,
 * chain and rule messages, between the batch's begin and end. Pure: nothing is sent.
 *
 * The builder knows what the table holds (struct nft_existing), so that a chain is reset (its
 * rules flushed) rather than doubled when it exists, deleted only when it exists (the kernel
 * rejects the whole batch for one missing object), and it counts the chains the table keeps:
 * the caller deletes the table when none is left. The first error sticks: every later put does
 * nothing and nft_builder_end() returns it.
 */
#ifndef USBNET_NFT_BUILDER_H
#define USBNET_NFT_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gateway/nft.h"

/* nft(8)'s named chain priorities */
#define NFT_PRIO_FILTER 0
#define NFT_PRIO_SRCNAT 100
#define NFT_PRIO_MANGLE (-150)
#define NFT_PRIO_DSTNAT (-100)

struct nftnl_batch;
struct nftnl_rule;

struct nft_builder {
	struct nftnl_batch *b;
	uint32_t family; /* NFPROTO_IPV4, NFPROTO_IPV6 */
	const char *table;
	const struct nft_existing *ex;
	size_t left;	      /* the table's chains once the batch is applied */
	bool flush_on_delete; /* a chain's rules go in a message before it does (table ip) */
	uint32_t seq;
	unsigned n; /* messages between begin and end */
	int err;
};

/* Starts the batch for table family/table, which holds ex now; 0 or -ENOMEM. */
int nft_builder_begin(struct nft_builder *bd, uint32_t family, const char *table,
		      const struct nft_existing *ex, uint32_t seq);
/* Ends the batch: *ret (nftnl_batch_free() it) and the count of messages between begin and
 * end; or the first error, the batch freed. */
int nft_builder_end(struct nft_builder *bd, struct nftnl_batch **ret, unsigned *ret_n_msgs);

/* NFT_MSG_NEWTABLE / NFT_MSG_DELTABLE with flags (NLM_F_CREATE, NLM_F_NONREC) */
void nft_builder_table(struct nft_builder *bd, uint16_t type, uint16_t flags);
/* A base chain made, or reset when it exists: every rule flushed, for the caller to add its
 * rules again (so that a repeated up never doubles a rule). */
void nft_builder_chain_reset(struct nft_builder *bd, const char *name, const char *type,
			     uint32_t hook, int32_t prio, uint32_t policy);
/* A chain deleted, when it exists. */
void nft_builder_chain_del(struct nft_builder *bd, const char *name);

/* A rule for chain, for the caller to fill with expressions (nft-expr.h); NULL after an error. */
struct nftnl_rule *nft_builder_rule(struct nft_builder *bd, const char *chain);
/* r appended to its chain, and freed; rc < 0 (filling r failed) is the builder's error. */
void nft_builder_rule_put(struct nft_builder *bd, struct nftnl_rule *r, int rc);

/* Whether the table holds chain now. */
bool nft_existing_has(const struct nft_existing *ex, const char *chain);

#endif

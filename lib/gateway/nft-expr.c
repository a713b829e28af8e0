/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nftables expressions appended to a rule, for both our tables (nft-expr.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include "usbnet-host/usbnet.h"
#include "gateway/nft-expr.h"

int nft_expr_add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (!e)
		return -ENOMEM;
	nftnl_rule_add_expr(r, e);
	return 0;
}

int nft_expr_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set_data(e, NFTNL_EXPR_CMP_DATA, data, len);
	return nft_expr_add(r, e);
}

/* The XOR half is zero: a plain AND. */
int nft_expr_bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e;

	if (len > sizeof(zero))
		return -EINVAL;
	e = nftnl_expr_alloc("bitwise");
	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	return nft_expr_add(r, e);
}

int nft_expr_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	return nft_expr_add(r, e);
}

int nft_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	return nft_expr_add(r, e);
}

/* meta KEY OP name, name zero-padded to IFNAMSIZ */
static int meta_ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name)
{
	char buf[USBNET_IFNAMSIZ] = {};
	int rc;

	snprintf(buf, sizeof(buf), "%s", name);
	rc = nft_expr_meta(r, key);
	return rc < 0 ? rc : nft_expr_cmp(r, op, buf, sizeof(buf));
}

int nft_expr_ifname(struct nftnl_rule *r, uint32_t key, const char *name)
{
	return meta_ifname(r, key, NFT_CMP_EQ, name);
}

int nft_expr_not_iifname(struct nftnl_rule *r, const char *name)
{
	return meta_ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, name);
}

int nft_expr_addr(struct nftnl_rule *r, const struct nft_addr_match *m)
{
	int rc;

	if (m->len > sizeof(m->data))
		return -EINVAL;
	rc = nft_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, m->offset, m->len);
	if (rc >= 0 && m->masked)
		rc = nft_expr_bitwise(r, m->mask, m->len);
	return rc < 0 ? rc : nft_expr_cmp(r, NFT_CMP_EQ, m->data, m->len);
}

int nft_expr_dport(struct nftnl_rule *r, uint8_t proto, uint16_t port)
{
	uint16_t p = htons(port);
	int rc;

	rc = nft_expr_meta(r, NFT_META_L4PROTO);
	if (rc >= 0)
		rc = nft_expr_cmp(r, NFT_CMP_EQ, &proto, 1);
	/* udphdr/tcphdr, dest */
	if (rc >= 0)
		rc = nft_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	return rc < 0 ? rc : nft_expr_cmp(r, NFT_CMP_EQ, &p, 2);
}

/* The state's bits ANDed with the two wanted: not zero. */
int nft_expr_ct_reply(struct nftnl_rule *r)
{
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t zero = 0;
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	int rc;

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	rc = nft_expr_add(r, e);
	if (rc >= 0)
		rc = nft_expr_bitwise(r, &mask, sizeof(mask));
	return rc < 0 ? rc : nft_expr_cmp(r, NFT_CMP_NEQ, &zero, sizeof(zero));
}

int nft_expr_verdict(struct nftnl_rule *r, int v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	return nft_expr_add(r, e);
}

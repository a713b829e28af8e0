/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * usbnet-host's nftables table through libmnl + libnftnl (the layout is in nft.h).
 *
 * Each change is one batch, and the batch only ever names our table: no other table or chain
 * is read for writing, flushed or rewritten. A chain is reset by flushing it (a DELRULE with
 * the chain and no handle) and adding its rules again, so that a repeated up, or a retry after
 * a crash, never doubles a rule; a chain is only deleted when it exists (the kernel rejects
 * the whole batch for one missing object), and the table only when nothing else is left in
 * it (NLM_F_NONREC: the kernel refuses rather than delete what someone else put there).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

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
#include "gateway/nft.h"
#include "gateway/nft-chains.h"

#define FAMILY NFPROTO_IPV4

void nft_alias_chain_names(const char *ifname, char names[3][NFT_CHAIN_NAME_MAX])
{
	snprintf(names[0], NFT_CHAIN_NAME_MAX, "alias-mark-%s", ifname);
	snprintf(names[1], NFT_CHAIN_NAME_MAX, "alias-dnat-%s", ifname);
	snprintf(names[2], NFT_CHAIN_NAME_MAX, "alias-snat-%s", ifname);
}

const char *nft_family_name(uint32_t family)
{
	switch (family) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return "unknown";
	}
}

/* ---- expressions (the shared ones are in nft-expr.c) ------------------------------------ */

/* ip saddr SUBNET */
static struct nft_addr_match ip_saddr(const struct usbnet_ip4 *subnet)
{
	uint32_t mask = subnet->prefix ? htonl(~0u << (32 - subnet->prefix)) : 0;
	uint32_t net = subnet->addr.s_addr & mask;
	struct nft_addr_match m = {.offset = 12, .len = 4, .masked = subnet->prefix < 32};

	memcpy(m.data, &net, 4);
	memcpy(m.mask, &mask, 4);
	return m;
}

/* ip daddr HOST */
static struct nft_addr_match ip_daddr(struct in_addr host)
{
	struct nft_addr_match m = {.offset = 16, .len = 4};

	memcpy(m.data, &host.s_addr, 4);
	return m;
}

/* ip daddr HOST, in a rule */
static int match_daddr(struct nftnl_rule *r, struct in_addr host)
{
	struct nft_addr_match m = ip_daddr(host);

	return nft_expr_addr(r, &m);
}

/* reg1 = value (4 bytes) */
static int load_imm(struct nftnl_rule *r, const void *value)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nftnl_expr_set_data(e, NFTNL_EXPR_IMM_DATA, value, 4);
	return nft_expr_add(r, e);
}

/* meta mark set M */
static int set_mark(struct nftnl_rule *r, uint32_t mark)
{
	struct nftnl_expr *e;
	int rc = load_imm(r, &mark);

	if (rc < 0)
		return rc;
	e = nftnl_expr_alloc("meta");
	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_MARK);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_SREG, NFT_REG_1);
	return nft_expr_add(r, e);
}

/* meta mark M */
static int match_mark(struct nftnl_rule *r, uint32_t mark)
{
	int rc = nft_expr_meta(r, NFT_META_MARK);

	return rc < 0 ? rc : nft_expr_cmp(r, NFT_CMP_EQ, &mark, 4);
}

/* dnat to A / snat to A */
static int nat_to(struct nftnl_rule *r, uint32_t type, struct in_addr a)
{
	struct nftnl_expr *e;
	int rc = load_imm(r, &a.s_addr);

	if (rc < 0)
		return rc;
	e = nftnl_expr_alloc("nat");
	if (!e)
		return -ENOMEM;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, FAMILY);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	return nft_expr_add(r, e);
}

/* ---- the batch (nft-builder.c, the chains ip6 has too in nft-chains.c) ---------------- */

/* An isolated peer's rules, one a chain. */
enum alias_rule {
	ALIAS_MARK, /* ip daddr ALIAS meta mark set MARK */
	ALIAS_DNAT, /* ip daddr ALIAS dnat to PEER */
	ALIAS_SNAT, /* oifname IF meta mark MARK snat to HOST */
};

static void put_alias_rule(struct nft_builder *bd, const char *chain, enum alias_rule k,
			   const struct nft_alias *a)
{
	struct nftnl_rule *r = nft_builder_rule(bd, chain);
	int rc = 0;

	if (!r)
		return;
	switch (k) {
	case ALIAS_MARK:
		rc = match_daddr(r, a->alias);
		if (rc >= 0)
			rc = set_mark(r, a->mark);
		break;
	case ALIAS_DNAT:
		rc = match_daddr(r, a->alias);
		if (rc >= 0)
			rc = nat_to(r, NFT_NAT_DNAT, a->peer);
		break;
	case ALIAS_SNAT:
		rc = nft_expr_ifname(r, NFT_META_OIFNAME, a->ifname);
		if (rc >= 0)
			rc = match_mark(r, a->mark);
		if (rc >= 0)
			rc = nat_to(r, NFT_NAT_SNAT, a->host);
		break;
	}
	nft_builder_rule_put(bd, r, rc);
}

/* An isolated peer's three chains made or reset, each with its rule. */
static void put_alias_chains(struct nft_builder *bd, const struct nft_alias *a)
{
	static const struct {
		const char *type;
		uint32_t hook;
		int32_t prio;
		enum alias_rule rule;
	} ch[3] = {
	    {"route", NF_INET_LOCAL_OUT, NFT_PRIO_MANGLE, ALIAS_MARK},
	    {"nat", NF_INET_LOCAL_OUT, NFT_PRIO_DSTNAT, ALIAS_DNAT},
	    {"nat", NF_INET_POST_ROUTING, NFT_PRIO_SRCNAT, ALIAS_SNAT},
	};
	char names[3][NFT_CHAIN_NAME_MAX];

	nft_alias_chain_names(a->ifname, names);
	for (int j = 0; j < 3; j++) {
		nft_builder_chain_reset(bd, names[j], ch[j].type, ch[j].hook, ch[j].prio,
					NF_ACCEPT);
		put_alias_rule(bd, names[j], ch[j].rule, a);
	}
}

/* p as the chains both tables hold see it (nft-chains.h): its sources are ip saddr SUBNET */
static struct nft_chain_peer chain_peer(const struct nft_peer *p)
{
	return (struct nft_chain_peer){
	    .ifname = p->ifname, .uplink = p->uplink, .saddr = ip_saddr(&p->subnet)};
}

static bool peer_ok(const struct nft_peer *p)
{
	return ifname_valid(p->ifname) && ifname_valid(p->uplink) &&
	       strcmp(p->ifname, p->uplink) != 0 && p->subnet.prefix <= 32;
}

/* Every count within bounds, every name valid, every peer's uplink another interface. */
static bool change_ok(const struct nft_change *c)
{
	if (c->n_add > NFT_MAX_PEERS || c->n_del > NFT_MAX_PEERS ||
	    c->n_guard_peers > NFT_MAX_PEERS || c->n_input_add > NFT_MAX_PEERS ||
	    c->n_input_del > NFT_MAX_PEERS)
		return false;
	for (size_t i = 0; i < c->n_input_add; i++)
		if (!ifname_valid(c->input_add[i].ifname) ||
		    strcmp(c->input_add[i].ifname, "lo") == 0 || c->input_add[i].host.s_addr == 0)
			return false;
	for (size_t i = 0; i < c->n_input_del; i++)
		if (!ifname_valid(c->input_del[i]))
			return false;
	for (size_t i = 0; i < c->n_add; i++)
		if (!peer_ok(&c->add[i]))
			return false;
	for (size_t i = 0; i < c->n_guard_peers; i++)
		if (!peer_ok(&c->guard_peers[i]))
			return false;
	for (size_t i = 0; i < c->n_del; i++)
		if (!ifname_valid(c->del[i]))
			return false;
	if (c->n_alias_add > NFT_MAX_PEERS || c->n_alias_del > NFT_MAX_PEERS)
		return false;
	for (size_t i = 0; i < c->n_alias_add; i++)
		if (!ifname_valid(c->alias_add[i].ifname) || c->alias_add[i].mark == 0)
			return false;
	for (size_t i = 0; i < c->n_alias_del; i++)
		if (!ifname_valid(c->alias_del[i]))
			return false;
	return true;
}

/* The guard made or reset with peers' accept rules. */
static void put_guard(struct nft_builder *bd, const struct nft_peer *peers, size_t n)
{
	struct nft_chain_peer g[NFT_MAX_PEERS];

	for (size_t i = 0; i < n; i++)
		g[i] = chain_peer(&peers[i]);
	nft_chain_guard(bd, g, n);
}

/* Peers' chains made (or reset) and deleted, aliases' too, and the guard. */
static void put_peers(struct nft_builder *bd, const struct nft_change *c)
{
	char fwd[NFT_CHAIN_NAME_MAX], post[NFT_CHAIN_NAME_MAX];
	char alias[3][NFT_CHAIN_NAME_MAX];

	for (size_t i = 0; i < c->n_add; i++) {
		struct nft_chain_peer p = chain_peer(&c->add[i]);

		nft_chain_forward(bd, &p);
		nft_chain_postrouting(bd, &p);
	}
	for (size_t i = 0; i < c->n_del; i++) {
		nft_chain_names(c->del[i], fwd, post);
		nft_builder_chain_del(bd, fwd);
		nft_builder_chain_del(bd, post);
	}
	for (size_t i = 0; i < c->n_alias_add; i++)
		put_alias_chains(bd, &c->alias_add[i]);
	for (size_t i = 0; i < c->n_alias_del; i++) {
		nft_alias_chain_names(c->alias_del[i], alias);
		for (int j = 0; j < 3; j++)
			nft_builder_chain_del(bd, alias[j]);
	}
	if (c->keep_guard)
		return; /* not this change's business */
	if (c->guard)
		put_guard(bd, c->guard_peers, c->n_guard_peers);
	else
		nft_builder_chain_del(bd, NFT_GUARD_CHAIN);
}

/* DNS forwarders' input chains made (or reset) and deleted. */
static void put_inputs(struct nft_builder *bd, const struct nft_change *c)
{
	char in[NFT_CHAIN_NAME_MAX];

	for (size_t i = 0; i < c->n_input_add; i++) {
		struct nft_addr_match host = ip_daddr(c->input_add[i].host);

		nft_chain_input(bd, c->input_add[i].ifname, &host);
	}
	for (size_t i = 0; i < c->n_input_del; i++) {
		nft_input_chain_name(c->input_del[i], in);
		nft_builder_chain_del(bd, in);
	}
}

int nft_batch_build(const struct nft_change *c, const struct nft_existing *ex, uint32_t seq,
		    struct nftnl_batch **ret, unsigned *ret_n_msgs)
{
	struct nft_builder bd;
	bool table_wanted =
	    c->input_only ? c->n_input_add > 0 : c->n_add > 0 || c->guard || c->n_alias_add > 0;
	int r;

	if (!change_ok(c))
		return -EINVAL;
	r = nft_builder_begin(&bd, FAMILY, NFT_TABLE, ex, seq);
	if (r < 0)
		return r;
	bd.flush_on_delete = true;
	if (table_wanted)
		nft_builder_table(&bd, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	if (c->input_only)
		put_inputs(&bd, c);
	else
		put_peers(&bd, c);
	/* Nothing left of ours (nor anyone's) in the table: it goes too. */
	if ((ex->table || table_wanted) && bd.left == 0)
		nft_builder_table(&bd, NFT_MSG_DELTABLE, NLM_F_NONREC);
	return nft_builder_end(&bd, ret, ret_n_msgs);
}

/* ---- talking to the kernel -------------------------------------------------------------- */

static int open_socket(struct mnl_socket **ret)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	int r;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(nl);
		return r;
	}
	*ret = nl;
	return 0;
}

/* A dump request; cb is called for each message. */
static int dump(uint16_t type, uint16_t family, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL), portid;
	ssize_t n;
	int r;

	r = open_socket(&nl);
	if (r < 0)
		return r;
	portid = mnl_socket_get_portid(nl);
	nlh = nftnl_nlmsg_build_hdr(buf, type, family, NLM_F_DUMP | NLM_F_ACK, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	r = 0;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int c = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);

		if (c < 0) {
			r = -errno;
			break;
		}
		if (c == MNL_CB_STOP)
			break;
	}
	if (n < 0)
		r = -errno;
out:
	mnl_socket_close(nl);
	return r;
}

struct chains_query {
	uint32_t family;
	const char *table;
	struct nft_existing *ex;
};

static int chains_cb(const struct nlmsghdr *nlh, void *data)
{
	struct chains_query *q = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	const char *t, *name;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	t = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	if (t && name && strcmp(t, q->table) == 0 &&
	    nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY) == q->family) {
		q->ex->table = true;
		if (q->ex->n_chains < sizeof(q->ex->chains) / sizeof(q->ex->chains[0]))
			snprintf(q->ex->chains[q->ex->n_chains++], NFT_CHAIN_NAME_MAX, "%s", name);
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

int nft_chains_read(uint32_t family, const char *table, struct nft_existing *ret)
{
	struct nft_existing ex = {};
	struct chains_query q = {family, table, &ex};
	int r;

	r = dump(NFT_MSG_GETCHAIN, (uint16_t)family, chains_cb, &q);
	if (r < 0)
		return r;
	if (!ex.table) {
		r = nft_table_exists(family, table);
		if (r < 0)
			return r;
		ex.table = r > 0;
	}
	*ret = ex;
	return 0;
}

struct table_query {
	uint32_t family;
	const char *name;
	bool found;
};

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct table_query *q = data;
	struct nftnl_table *t = nftnl_table_alloc();
	const char *name;

	if (!t)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) >= 0) {
		name = nftnl_table_get_str(t, NFTNL_TABLE_NAME);
		if (name && strcmp(name, q->name) == 0 &&
		    nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY) == q->family)
			q->found = true;
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

int nft_table_exists(uint32_t family, const char *name)
{
	struct table_query q = {.family = family, .name = name};
	int r = dump(NFT_MSG_GETTABLE, (uint16_t)family, table_cb, &q);

	return r < 0 ? r : q.found;
}

struct base_list {
	struct nft_base_chain *v;
	size_t n, cap;
	int err;
};

static int base_cb(const struct nlmsghdr *nlh, void *data)
{
	struct base_list *l = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nft_base_chain *b;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0 || !nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM)) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct nft_base_chain *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			nftnl_chain_free(c);
			l->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		l->v = v;
		l->cap = cap;
	}
	b = &l->v[l->n++];
	memset(b, 0, sizeof(*b));
	b->family = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	snprintf(b->table, sizeof(b->table), "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE) ?: "");
	snprintf(b->chain, sizeof(b->chain), "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_NAME) ?: "");
	b->hooknum = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	b->prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
	b->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY)
			? nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY)
			: NF_ACCEPT;
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

int nft_base_chains(struct nft_base_chain **ret, size_t *ret_n)
{
	struct base_list l = {};
	int r = dump(NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, base_cb, &l);

	if (r >= 0 && l.err < 0)
		r = l.err;
	if (r < 0) {
		free(l.v);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

/*
 * Send the batch; the kernel answers every message (NLM_F_ACK) while it handles the send, so
 * the answers are all queued when sendto returns: read them without waiting, keep the first
 * error. A batch with an error is aborted whole by the kernel.
 */
int nft_batch_send(struct nftnl_batch *b, char *errbuf, size_t errlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	uint32_t portid;
	struct sockaddr_nl snl = {.nl_family = AF_NETLINK};
	struct msghdr msg = {};
	struct iovec *iov;
	int r, len, iovlen, first_err = 0;
	ssize_t n;

	r = open_socket(&nl);
	if (r < 0) {
		snprintf(errbuf, errlen, "cannot open a netfilter netlink socket: %s",
			 strerror(-r));
		return r;
	}
	portid = mnl_socket_get_portid(nl);
	/* nftnl_batch_buffer() is where the next message goes; the batch is in its pages. */
	iovlen = nftnl_batch_iovec_len(b);
	iov = calloc((size_t)iovlen, sizeof(*iov));
	if (!iov) {
		mnl_socket_close(nl);
		return -ENOMEM;
	}
	nftnl_batch_iovec(b, iov, (uint32_t)iovlen);
	msg.msg_name = &snl;
	msg.msg_namelen = sizeof(snl);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)iovlen;
	n = sendmsg(mnl_socket_get_fd(nl), &msg, 0);
	free(iov);
	if (n < 0) {
		r = -errno;
		snprintf(errbuf, errlen, "cannot send the nftables batch: %s", strerror(-r));
		mnl_socket_close(nl);
		return r;
	}
	for (;;) {
		n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len = (int)n;
		for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		     mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_pid != portid || nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error < 0 && !first_err)
				first_err = e->error;
		}
	}
	mnl_socket_close(nl);
	if (first_err) {
		snprintf(errbuf, errlen, "the kernel rejected the nftables batch: %s",
			 strerror(-first_err));
		return first_err;
	}
	return 0;
}

int nft_table_commit(uint32_t family,
		     int (*build)(const void *change, const struct nft_existing *ex, uint32_t seq,
				  struct nftnl_batch **ret, unsigned *ret_n_msgs),
		     const void *change, char *errbuf, size_t errlen)
{
	struct nft_existing ex;
	struct nftnl_batch *b;
	unsigned n = 0;
	int r;

	r = nft_chains_read(family, NFT_TABLE, &ex);
	if (r < 0) {
		snprintf(errbuf, errlen, "cannot read nftables' ruleset: %s", strerror(-r));
		return r;
	}
	r = build(change, &ex, (uint32_t)time(NULL), &b, &n);
	if (r < 0) {
		snprintf(errbuf, errlen, "cannot build the nftables batch: %s", strerror(-r));
		return r;
	}
	if (n > 0)
		r = nft_batch_send(b, errbuf, errlen);
	nftnl_batch_free(b);
	return r;
}

/* nft_table_commit's builder: change is an nft_change */
static int build(const void *change, const struct nft_existing *ex, uint32_t seq,
		 struct nftnl_batch **ret, unsigned *ret_n_msgs)
{
	return nft_batch_build(change, ex, seq, ret, ret_n_msgs);
}

int nft_commit(const struct nft_change *c, char *errbuf, size_t errlen)
{
	return nft_table_commit(FAMILY, build, c, errbuf, errlen);
}

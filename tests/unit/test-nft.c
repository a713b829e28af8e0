/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The nftables batch, built by the pure builder and read back message by message: what is
 * created, reset (flushed), deleted, and that the table goes only when nothing is left in it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "gateway/nft.h"

/* The batch's messages as a string of letters: T/t new/del table, C/c new/del chain,
 * R new rule, F flush; B and E the batch's begin and end. */
static char kinds[256];

static void read_back(struct nftnl_batch *b)
{
	int n = nftnl_batch_iovec_len(b);
	struct iovec *iov = calloc((size_t)n, sizeof(*iov));
	size_t k = 0;

	assert_non_null(iov);
	nftnl_batch_iovec(b, iov, (uint32_t)n);
	for (int i = 0; i < n; i++) {
		int len = (int)iov[i].iov_len;

		for (const struct nlmsghdr *nlh = iov[i].iov_base; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			char c = '?';

			if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN)
				c = 'B';
			else if (nlh->nlmsg_type == NFNL_MSG_BATCH_END)
				c = 'E';
			else
				switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
				case NFT_MSG_NEWTABLE:
					c = 'T';
					break;
				case NFT_MSG_DELTABLE:
					c = 't';
					/* never recursive: the kernel refuses a table that is not
					 * empty */
					assert_true(nlh->nlmsg_flags & NLM_F_NONREC);
					break;
				case NFT_MSG_NEWCHAIN:
					c = 'C';
					break;
				case NFT_MSG_DELCHAIN:
					c = 'c';
					break;
				case NFT_MSG_NEWRULE:
					c = 'R';
					break;
				case NFT_MSG_DELRULE:
					c = 'F';
					break;
				}
			assert_true(k + 1 < sizeof(kinds));
			kinds[k++] = c;
		}
	}
	kinds[k] = '\0';
	free(iov);
}

static struct nft_peer peer(const char *ifname, const char *uplink, const char *subnet)
{
	struct nft_peer p = {};

	snprintf(p.ifname, sizeof(p.ifname), "%s", ifname);
	snprintf(p.uplink, sizeof(p.uplink), "%s", uplink);
	assert_int_equal(usbnet_ip4_parse(subnet, true, &p.subnet), 0);
	return p;
}

static const char *build(const struct nft_change *c, const struct nft_existing *ex, unsigned *ret_n)
{
	struct nftnl_batch *b = NULL;
	unsigned n = 0;

	assert_int_equal(nft_batch_build(c, ex, 1, &b, &n), 0);
	read_back(b);
	nftnl_batch_free(b);
	if (ret_n)
		*ret_n = n;
	return kinds;
}

static void add_existing(struct nft_existing *ex, const char *chain)
{
	ex->table = true;
	snprintf(ex->chains[ex->n_chains++], NFT_CHAIN_NAME_MAX, "%s", chain);
}

static void test_first_peer_creates_table_chains_and_rules(void **state)
{
	static struct nft_change c;
	struct nft_existing ex = {};
	unsigned n;

	memset(&c, 0, sizeof(c));
	c.add[c.n_add++] = peer("usb0", "eth0", "169.254.0.0/16");
	assert_string_equal(build(&c, &ex, &n), "BTCRRRRCRE");
	assert_int_equal(n, 8);
}

static void test_guard_comes_with_each_peers_two_accepts(void **state)
{
	static struct nft_change c;
	struct nft_existing ex = {};

	memset(&c, 0, sizeof(c));
	c.add[c.n_add++] = peer("usb0", "eth0", "169.254.0.0/16");
	c.guard = true;
	c.guard_peers[c.n_guard_peers++] = peer("usb0", "eth0", "169.254.0.0/16");
	c.guard_peers[c.n_guard_peers++] = peer("usb1", "eth0", "192.168.2.0/24");
	assert_string_equal(build(&c, &ex, NULL), "BTCRRRRCRCRRRRE");
}

static void test_existing_chains_are_reset_not_doubled(void **state)
{
	static struct nft_change c;
	struct nft_existing ex = {};

	memset(&c, 0, sizeof(c));
	add_existing(&ex, "forward-usb0");
	add_existing(&ex, "postrouting-usb0");
	add_existing(&ex, NFT_GUARD_CHAIN);
	c.add[c.n_add++] = peer("usb0", "wlan0", "169.254.0.0/16");
	c.guard = true;
	c.guard_peers[c.n_guard_peers++] = c.add[0];
	assert_string_equal(build(&c, &ex, NULL), "BTCFRRRRCFRCFRRE");
}

static void test_last_peer_down_deletes_its_chains_the_guard_and_the_table(void **state)
{
	static struct nft_change c;
	struct nft_existing ex = {};

	memset(&c, 0, sizeof(c));
	add_existing(&ex, "forward-usb0");
	add_existing(&ex, "postrouting-usb0");
	add_existing(&ex, NFT_GUARD_CHAIN);
	snprintf(c.del[c.n_del++], USBNET_IFNAMSIZ, "usb0");
	assert_string_equal(build(&c, &ex, NULL), "BFcFcFctE");
}

static void test_table_stays_while_anything_else_is_in_it(void **state)
{
	static struct nft_change c;
	struct nft_existing ex = {};

	memset(&c, 0, sizeof(c));
	add_existing(&ex, "forward-usb0");
	add_existing(&ex, "postrouting-usb0");
	add_existing(&ex, "forward-usb1");
	add_existing(&ex, "postrouting-usb1");
	snprintf(c.del[c.n_del++], USBNET_IFNAMSIZ, "usb0");
	assert_string_equal(build(&c, &ex, NULL), "BFcFcE");
	/* a chain someone else put into our table keeps it too */
	memset(&ex, 0, sizeof(ex));
	add_existing(&ex, "forward-usb0");
	add_existing(&ex, "mine");
	assert_string_equal(build(&c, &ex, NULL), "BFcE");
}

static void test_missing_chains_are_not_deleted(void **state)
{
	static struct nft_change c;
	struct nft_existing ex = {};
	unsigned n;

	memset(&c, 0, sizeof(c));
	snprintf(c.del[c.n_del++], USBNET_IFNAMSIZ, "usb0");
	/* nothing there (a crash before the batch): an empty batch, nothing is sent */
	assert_string_equal(build(&c, &ex, &n), "BE");
	assert_int_equal(n, 0);
}

static void test_bad_names_are_refused(void **state)
{
	static struct nft_change c;
	struct nft_existing ex = {};
	struct nftnl_batch *b = NULL;
	unsigned n;

	memset(&c, 0, sizeof(c));
	c.add[c.n_add++] = peer("usb0", "usb0", "169.254.0.0/16");
	assert_int_equal(nft_batch_build(&c, &ex, 1, &b, &n), -EINVAL);
	c.add[0] = peer("usb0", "bad name", "169.254.0.0/16");
	assert_int_equal(nft_batch_build(&c, &ex, 1, &b, &n), -EINVAL);
	c.add[0] = peer("", "eth0", "169.254.0.0/16");
	assert_int_equal(nft_batch_build(&c, &ex, 1, &b, &n), -EINVAL);
	assert_null(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_peer_creates_table_chains_and_rules),
	    cmocka_unit_test(test_guard_comes_with_each_peers_two_accepts),
	    cmocka_unit_test(test_existing_chains_are_reset_not_doubled),
	    cmocka_unit_test(test_last_peer_down_deletes_its_chains_the_guard_and_the_table),
	    cmocka_unit_test(test_table_stays_while_anything_else_is_in_it),
	    cmocka_unit_test(test_missing_chains_are_not_deleted),
	    cmocka_unit_test(test_bad_names_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

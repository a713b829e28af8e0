/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* IPv6 sharing's pure pieces: ipv6-prefix= validation, the uplink's IPv6 default route read
 * from /proc/net/ipv6_route lines, the RA dnsmasq's command line, the ip6 batch. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libnftnl/batch.h>

#include "dns/ra-server.h"
#include "gateway/nft6.h"
#include "gateway/uplink6.h"
#include "peer/config.h"

static void test_prefix_parse(void **state)
{
	struct in6_addr a;
	char why[128];
	char s[INET6_ADDRSTRLEN];

	assert_int_equal(config_ipv6_prefix_parse("2001:db8:77::/64", &a, why, sizeof(why)), 0);
	assert_string_equal(inet_ntop(AF_INET6, &a, s, sizeof(s)), "2001:db8:77::");
	assert_int_equal(config_ipv6_prefix_parse("fd00:1:2:3::/64", &a, why, sizeof(why)), 0);
	/* not a /64, host bits, nothing to share, not an address */
	static const char *const bad[] = {
	    "2001:db8:77::/48", "2001:db8:77::", "2001:db8:77::1/64", "::/64", "fe80::/64",
	    "ff02::/64",	"::ffff:0:0/64", "2001:db8::/64 ", "/64",	       "10.0.0.0/64",
	    "2001:db8:77::/064", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (config_ipv6_prefix_parse(bad[i], &a, why, sizeof(why)) != -EINVAL)
			fail_msg("\"%s\" was taken", bad[i]);
		assert_true(why[0] != '\0');
	}
}

static void test_config_line(void **state)
{
	struct usbnet_config *c = NULL;
	char err[256] = "";
	const char *good = "[peer a]\nmac=02:00:00:00:00:01\nipv6-prefix=2001:db8:77::/64\n";
	const char *bad = "[peer a]\nmac=02:00:00:00:00:01\nipv6-prefix=2001:db8:77::1/64\n";

	assert_int_equal(config_parse(good, strlen(good), "t.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c->n_peers, 1);
	assert_true(c->peers[0].has_ipv6_prefix);
	c = config_free(c);
	assert_int_equal(config_parse(bad, strlen(bad), "t.conf", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "t.conf:3:"));
	assert_non_null(strstr(err, "ipv6-prefix"));
}

static void test_route_lines(void **state)
{
	const char *def = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
			  "fe800000000000000000000000000001 00000400 00000003 00000000 00450003     "
			  "up0\n";
	const char *reject = "00000000000000000000000000000000 00 00000000000000000000000000000000 "
			     "00 00000000000000000000000000000000 ffffffff 00000001 00000000 "
			     "00200200       lo\n";
	const char *net = "20010db8000100000000000000000000 40 00000000000000000000000000000000 00 "
			  "00000000000000000000000000000000 00000100 00000001 00000000 00000001     "
			  "up0\n";

	assert_int_equal(uplink6_route_line(def, "up0"), 1);
	assert_int_equal(uplink6_route_line(def, "up1"), 0);
	assert_int_equal(uplink6_route_line(reject, "lo"), 0);
	assert_int_equal(uplink6_route_line(net, "up0"), 0);
	assert_int_equal(uplink6_route_line("garbage", "up0"), -EBADMSG);
}

static bool has_arg(const struct dnsmasq_argv *a, const char *want)
{
	for (size_t i = 0; a->argv[i]; i++)
		if (strcmp(a->argv[i], want) == 0)
			return true;
	return false;
}

static void test_ra_argv(void **state)
{
	struct ra_spec spec = {};
	struct dnsmasq_argv a;

	inet_pton(AF_INET6, "fd12:3456:789a::", &spec.prefix);
	inet_pton(AF_INET6, "fd12:3456:789a::1", &spec.host);
	inet_pton(AF_INET, "10.77.0.1", &spec.host4);
	assert_int_equal(ra_server_build_argv(NULL, "/run/x/veth0.ra.pid", "veth0", &spec, &a), 0);
	assert_true(has_arg(&a, "--port=0"));
	assert_true(has_arg(&a, "--interface=veth0"));
	assert_true(has_arg(&a, "--bind-interfaces"));
	assert_true(has_arg(&a, "--enable-ra"));
	assert_true(has_arg(&a, "--conf-file=/dev/null"));
	assert_true(has_arg(&a, "--dhcp-range=fd12:3456:789a::,ra-only,64"));
	assert_true(has_arg(&a, "--dhcp-option=option6:dns-server"));
	spec.dns = true;
	assert_int_equal(ra_server_build_argv(NULL, "/run/x/veth0.ra.pid", "veth0", &spec, &a), 0);
	assert_true(has_arg(&a, "--dhcp-option=option6:dns-server,[fd12:3456:789a::1]"));
}

static void test_batch(void **state)
{
	struct nft6_change c = {};
	struct nft_existing ex = {};
	struct nftnl_batch *b = NULL;
	unsigned n = 0;

	c.has_add = true;
	snprintf(c.add.ifname, sizeof(c.add.ifname), "veth0");
	snprintf(c.add.uplink, sizeof(c.add.uplink), "up0");
	inet_pton(AF_INET6, "fd12:3456:789a::", &c.add.prefix);
	c.add.masquerade = true;
	c.guard = true;
	c.guard_peers[0] = c.add;
	c.n_guard_peers = 1;
	/* table, forward chain + 4 rules, postrouting chain + 1 rule, guard + 2 rules */
	assert_int_equal(nft6_batch_build(&c, &ex, 1, &b, &n), 0);
	assert_int_equal(n, 1 + 5 + 2 + 3);
	nftnl_batch_free(b);
	/* the peer goes, the last one: its chains, the guard, the table */
	memset(&c, 0, sizeof(c));
	snprintf(c.del, sizeof(c.del), "veth0");
	ex.table = true;
	snprintf(ex.chains[0], NFT_CHAIN_NAME_MAX, "forward-veth0");
	snprintf(ex.chains[1], NFT_CHAIN_NAME_MAX, "postrouting-veth0");
	snprintf(ex.chains[2], NFT_CHAIN_NAME_MAX, "guard");
	ex.n_chains = 3;
	assert_int_equal(nft6_batch_build(&c, &ex, 1, &b, &n), 0);
	assert_int_equal(n, 4);
	nftnl_batch_free(b);
	/* nothing there: nothing to do */
	memset(&ex, 0, sizeof(ex));
	assert_int_equal(nft6_batch_build(&c, &ex, 1, &b, &n), 0);
	assert_int_equal(n, 0);
	nftnl_batch_free(b);
	/* an uplink that is the peer is refused */
	memset(&c, 0, sizeof(c));
	c.has_add = true;
	snprintf(c.add.ifname, sizeof(c.add.ifname), "veth0");
	snprintf(c.add.uplink, sizeof(c.add.uplink), "veth0");
	assert_int_equal(nft6_batch_build(&c, &ex, 1, &b, &n), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_prefix_parse), cmocka_unit_test(test_config_line),
	    cmocka_unit_test(test_route_lines),	 cmocka_unit_test(test_ra_argv),
	    cmocka_unit_test(test_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

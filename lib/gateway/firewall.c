/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Firewall detection for gateway mode (the contract is in firewall.h).
 *
 * Why only "policy drop" chains: in nftables every base chain on a hook sees the packet, and
 * an accept in our chain does not spare it the others: a drop anywhere is final. Our own
 * chains cannot open a hole in someone else's policy, and must not rewrite it; what they can
 * do is tell the user where the packets will die.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h> /* before the kernel's headers: glibc and linux/in.h share names */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "gateway/firewall.h"
#include "gateway/nft.h"

static void add(char *msg, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *msg, size_t len, const char *fmt, ...)
{
	size_t used = strlen(msg);
	va_list ap;

	if (used + 3 >= len)
		return;
	if (used) {
		memcpy(msg + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(msg + used, len - used, fmt, ap);
	va_end(ap);
}

/* iptables-legacy's filter table, when loaded: the FORWARD chain's policy is the verdict of
 * the entry at its underflow. 1: DROP, 0: not, -errno. */
static int legacy_forward_drops(void)
{
	char names[256] = "";
	struct ipt_getinfo info = {.name = "filter"};
	struct ipt_get_entries *entries = NULL;
	socklen_t len = sizeof(info);
	const struct ipt_entry *e;
	const struct xt_standard_target *t;
	ssize_t n;
	int fd, r = 0;

	fd = open("/proc/net/ip_tables_names", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0; /* no legacy iptables in this kernel */
	n = read(fd, names, sizeof(names) - 1);
	close(fd);
	if (n <= 0 || !strstr(names, "filter\n"))
		return 0;

	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len) < 0) {
		r = errno == ENOENT ? 0 : -errno;
		goto out;
	}
	if (!(info.valid_hooks & (1u << NF_INET_FORWARD)))
		goto out;
	len = (socklen_t)(sizeof(*entries) + info.size);
	entries = calloc(1, len);
	if (!entries) {
		r = -ENOMEM;
		goto out;
	}
	strcpy(entries->name, "filter");
	entries->size = info.size;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_ENTRIES, entries, &len) < 0) {
		r = -errno;
		goto out;
	}
	if (info.underflow[NF_INET_FORWARD] + sizeof(*e) > info.size)
		goto out;
	e = (const struct ipt_entry *)((const char *)entries->entrytable +
				       info.underflow[NF_INET_FORWARD]);
	if (e->target_offset + sizeof(*t) > e->next_offset ||
	    info.underflow[NF_INET_FORWARD] + e->next_offset > info.size)
		goto out;
	t = (const struct xt_standard_target *)((const char *)e + e->target_offset);
	/* A standard target's verdict is -NF_x - 1 */
	r = strcmp(t->target.u.user.name, XT_STANDARD_TARGET) == 0 && t->verdict == -NF_DROP - 1;
out:
	free(entries);
	close(fd);
	return r;
}

int firewall_check(const char *ifname, const char *uplink, char *msg, size_t len)
{
	struct nft_base_chain *chains = NULL;
	size_t n = 0;
	int r;

	msg[0] = '\0';
	r = nft_base_chains(&chains, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const struct nft_base_chain *c = &chains[i];
		const char *fam = nft_family_name(c->family);

		if (c->hooknum != NF_INET_FORWARD || c->policy != NF_DROP ||
		    (c->family != NFPROTO_IPV4 && c->family != NFPROTO_INET))
			continue;
		if (c->family == NFPROTO_IPV4 && strcmp(c->table, NFT_TABLE) == 0)
			continue; /* ours: the guard */
		if (c->family == NFPROTO_IPV4 && strcmp(c->table, "filter") == 0 &&
		    strcmp(c->chain, "FORWARD") == 0)
			add(msg, len,
			    "iptables' FORWARD chain (nftables: ip filter FORWARD) has policy drop "
			    "(Docker and ufw set it) and drops the peer's forwarded packets; allow "
			    "them: iptables -I FORWARD -i %s -o %s -j ACCEPT; iptables -I FORWARD "
			    "-i %s -o %s -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT "
			    "(ufw: ufw route allow in on %s out on %s)",
			    ifname, uplink, uplink, ifname, ifname, uplink);
		else
			add(msg, len,
			    "nftables chain %s %s %s (hook forward, policy drop) drops the peer's "
			    "forwarded packets; allow them: nft insert rule %s %s %s iifname %s "
			    "oifname %s accept; nft insert rule %s %s %s iifname %s oifname %s ct "
			    "state established,related accept",
			    fam, c->table, c->chain, fam, c->table, c->chain, ifname, uplink, fam,
			    c->table, c->chain, uplink, ifname);
	}
	free(chains);

	r = nft_table_exists(NFPROTO_INET, "firewalld");
	if (r > 0)
		add(msg, len,
		    "firewalld is running (nftables table inet firewalld) and rejects forwarding "
		    "it was not told about; allow it: firewall-cmd --zone=trusted "
		    "--add-interface=%s",
		    ifname);

	r = legacy_forward_drops();
	if (r > 0)
		add(msg, len,
		    "iptables-legacy's FORWARD chain (table filter) has policy DROP and drops the "
		    "peer's forwarded packets; allow them: iptables-legacy -I FORWARD -i %s -o %s "
		    "-j ACCEPT; iptables-legacy -I FORWARD -i %s -o %s -m conntrack --ctstate "
		    "RELATED,ESTABLISHED -j ACCEPT",
		    ifname, uplink, uplink, ifname);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IPv6 for discover: an ICMPv6 echo to the all-nodes address ff02::1 on the link, and the
 * peer's MAC from the neighbour table once it answered (rtnetlink, libnl-route-3). A peer with
 * IPv6 off (the Fobnail token) gives nothing here. The host needs its own link-local address
 * to send from: right after the link comes up it is tentative (duplicate address detection,
 * about a second), and the send fails until then; probe.c retries.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>

#include "probe/probe.h"

int ipv6_socket_open(const char *ifname)
{
	struct icmp6_filter filter;
	int fd, off = 0, hops = 255, r;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&filter);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
	/* Bound to the link; no copy of our own echo looped back to our own stack. */
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &off, sizeof(off)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int ipv6_send_all_nodes(int fd, int ifindex, uint16_t id, uint16_t seq)
{
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_scope_id = (uint32_t)ifindex,
	};
	struct icmp6_hdr h = {
		.icmp6_type = ICMP6_ECHO_REQUEST,
	};

	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	h.icmp6_id = htons(id);
	h.icmp6_seq = htons(seq);
	/* The kernel fills the ICMPv6 checksum on raw ICMPv6 sockets. */
	if (sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

int ipv6_recv_reply(int fd, uint16_t id, struct in6_addr *ret_src)
{
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	uint8_t buf[256];
	struct icmp6_hdr h;
	ssize_t n;

	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n < sizeof(h) || fl < sizeof(from) || from.sin6_family != AF_INET6)
		return 0;
	memcpy(&h, buf, sizeof(h));
	if (h.icmp6_type != ICMP6_ECHO_REPLY || ntohs(h.icmp6_id) != id)
		return 0;
	/* Only a link-local answer is the peer's on this link. */
	if (!IN6_IS_ADDR_LINKLOCAL(&from.sin6_addr))
		return 0;
	*ret_src = from.sin6_addr;
	return 1;
}

int ipv6_neigh_mac(int ifindex, const struct in6_addr *addr, char ret_mac[18])
{
	struct nl_sock *sk = NULL;
	struct nl_cache *cache = NULL;
	struct nl_addr *dst = NULL;
	struct rtnl_neigh *n = NULL;
	struct nl_addr *ll;
	int r = -ENOENT;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	if (nl_connect(sk, NETLINK_ROUTE) < 0) {
		r = -EIO;
		goto out;
	}
	if (rtnl_neigh_alloc_cache(sk, &cache) < 0) {
		r = -EIO;
		goto out;
	}
	dst = nl_addr_build(AF_INET6, addr, sizeof(*addr));
	if (!dst) {
		r = -ENOMEM;
		goto out;
	}
	n = rtnl_neigh_get(cache, ifindex, dst);
	if (!n)
		goto out;
	ll = rtnl_neigh_get_lladdr(n);
	if (ll && nl_addr_get_len(ll) == 6) {
		const uint8_t *m = nl_addr_get_binary_addr(ll);

		snprintf(ret_mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
			 m[5]);
		r = 0;
	}
out:
	if (n)
		rtnl_neigh_put(n);
	nl_addr_put(dst);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reachability: does the peer answer on this link? An ICMP echo over a raw socket bound to the
 * interface, and an ARP request beside it, since some peers (smoltcp firmware, firewalled
 * boards) drop ICMP but every IPv4 peer on Ethernet answers ARP. Whichever answers first wins;
 * the round-trip time is measured from the request it answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/if_ether.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/backend.h"
#include "core/checksum.h"

#define REACH_INTERVAL_US 200000 /* between two requests */
#define REACH_SEQS 64		 /* send times kept, by sequence number */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- builders ------------------------------------------------------------------------------ */

struct echo_packet {
	struct icmphdr hdr;
	uint8_t payload[16];
};

static void build_echo(struct echo_packet *pkt, uint16_t id, uint16_t seq)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->hdr.type = ICMP_ECHO;
	pkt->hdr.un.echo.id = htons(id);
	pkt->hdr.un.echo.sequence = htons(seq);
	memcpy(pkt->payload, "usbnet-host echo", sizeof(pkt->payload));
	pkt->hdr.checksum = htons(inet_checksum(pkt, sizeof(*pkt)));
}

static void build_arp_request(struct ether_arp *arp, const uint8_t mac[ETH_ALEN],
			      struct in_addr src, struct in_addr dst)
{
	memset(arp, 0, sizeof(*arp));
	arp->ea_hdr.ar_hrd = htons(ARPHRD_ETHER);
	arp->ea_hdr.ar_pro = htons(ETH_P_IP);
	arp->ea_hdr.ar_hln = ETH_ALEN;
	arp->ea_hdr.ar_pln = 4;
	arp->ea_hdr.ar_op = htons(ARPOP_REQUEST);
	memcpy(arp->arp_sha, mac, ETH_ALEN);
	memcpy(arp->arp_spa, &src, 4);
	memcpy(arp->arp_tpa, &dst, 4);
}

/* ---- the probe ----------------------------------------------------------------------------- */

struct probe {
	int ifindex;
	struct in_addr peer;
	int icmp_fd, arp_fd;
	uint16_t id, seq;
	int64_t sent_us[REACH_SEQS];
	int64_t arp_sent_us;
	uint8_t mac[ETH_ALEN];
	struct in_addr src;
};

static int open_icmp(struct probe *p, const char *ifname)
{
	p->icmp_fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (p->icmp_fd < 0)
		return -errno;
	if (setsockopt(p->icmp_fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1) < 0)
		return -errno;
	return 0;
}

/* ARP only on an Ethernet link with ARP, and only when we can (CAP_NET_RAW); ICMP alone is
 * still a probe. */
static void open_arp(struct probe *p, const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = p->ifindex,
	};
	struct ifreq ifr = {};

	p->arp_fd = -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(p->icmp_fd, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags & IFF_NOARP))
		return;
	if (ioctl(p->icmp_fd, SIOCGIFHWADDR, &ifr) < 0 ||
	    ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return;
	memcpy(p->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	/* The link's (first) address as the sender; 0.0.0.0, an ARP probe, when there is none. */
	if (ioctl(p->icmp_fd, SIOCGIFADDR, &ifr) == 0 && ifr.ifr_addr.sa_family == AF_INET)
		p->src = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	p->arp_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP));
	if (p->arp_fd < 0)
		return;
	if (bind(p->arp_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(p->arp_fd);
		p->arp_fd = -1;
	}
}

static void send_requests(struct probe *p)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = p->peer };
	struct echo_packet echo;

	p->seq++;
	build_echo(&echo, p->id, p->seq);
	p->sent_us[p->seq % REACH_SEQS] = now_us();
	/* A lost request is like a lost answer: the next round sends again. */
	(void)sendto(p->icmp_fd, &echo, sizeof(echo), 0, (struct sockaddr *)&to, sizeof(to));

	if (p->arp_fd >= 0) {
		struct sockaddr_ll sll = {
			.sll_family = AF_PACKET,
			.sll_protocol = htons(ETH_P_ARP),
			.sll_ifindex = p->ifindex,
			.sll_halen = ETH_ALEN,
		};
		struct ether_arp arp;

		memset(sll.sll_addr, 0xff, ETH_ALEN);
		build_arp_request(&arp, p->mac, p->src, p->peer);
		p->arp_sent_us = now_us();
		(void)sendto(p->arp_fd, &arp, sizeof(arp), 0, (struct sockaddr *)&sll,
			     sizeof(sll));
	}
}

/* An echo reply of ours from the peer: its round-trip time, or -1. */
static int64_t read_icmp(struct probe *p)
{
	uint8_t buf[1500];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(p->icmp_fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fromlen)) > 0) {
		const struct iphdr *ip = (const struct iphdr *)buf;
		const struct icmphdr *icmp;
		size_t hl;
		uint16_t seq;

		if ((size_t)n < sizeof(*ip))
			continue;
		hl = (size_t)ip->ihl * 4;
		if (hl < sizeof(*ip) || (size_t)n < hl + sizeof(*icmp))
			continue;
		icmp = (const struct icmphdr *)(buf + hl);
		if (icmp->type != ICMP_ECHOREPLY || ntohs(icmp->un.echo.id) != p->id ||
		    ip->saddr != p->peer.s_addr)
			continue;
		seq = ntohs(icmp->un.echo.sequence);
		if ((uint16_t)(p->seq - seq) >= REACH_SEQS)
			continue;
		return now_us() - p->sent_us[seq % REACH_SEQS];
	}
	return -1;
}

/* An ARP reply from the peer's address (to us or to the kernel's own request). */
static int64_t read_arp(struct probe *p)
{
	struct ether_arp arp;
	ssize_t n;

	while ((n = recv(p->arp_fd, &arp, sizeof(arp), 0)) > 0) {
		if ((size_t)n < sizeof(arp) || ntohs(arp.ea_hdr.ar_op) != ARPOP_REPLY ||
		    ntohs(arp.ea_hdr.ar_pro) != ETH_P_IP || memcmp(arp.arp_spa, &p->peer, 4) != 0)
			continue;
		return p->arp_sent_us ? now_us() - p->arp_sent_us : 0;
	}
	return -1;
}

static int reach_probe(void *h, int ifindex, struct in_addr peer, unsigned timeout_ms,
		       int64_t *ret_rtt_us)
{
	struct probe p = { .ifindex = ifindex, .peer = peer, .icmp_fd = -1, .arp_fd = -1 };
	char ifname[IF_NAMESIZE];
	int64_t deadline, next_send, rtt = -1;
	int r;

	if (!if_indextoname((unsigned)ifindex, ifname))
		return -ENODEV;
	if (getrandom(&p.id, sizeof(p.id), GRND_NONBLOCK) != sizeof(p.id))
		p.id = (uint16_t)getpid();
	r = open_icmp(&p, ifname);
	if (r < 0)
		goto out;
	open_arp(&p, ifname);

	deadline = now_us() + (int64_t)timeout_ms * 1000;
	next_send = now_us();
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = p.icmp_fd, .events = POLLIN },
			{ .fd = p.arp_fd, .events = POLLIN },
		};
		int64_t now = now_us(), until;

		if (now >= deadline) {
			r = -ETIMEDOUT;
			break;
		}
		if (now >= next_send) {
			send_requests(&p);
			next_send = now + REACH_INTERVAL_US;
		}
		until = next_send < deadline ? next_send : deadline;
		r = poll(fds, p.arp_fd >= 0 ? 2 : 1, (int)((until - now + 999) / 1000));
		if (r < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (r > 0 && (fds[0].revents & POLLIN))
			rtt = read_icmp(&p);
		if (rtt < 0 && p.arp_fd >= 0 && (fds[1].revents & POLLIN))
			rtt = read_arp(&p);
		if (rtt >= 0) {
			*ret_rtt_us = rtt;
			r = 0;
			break;
		}
	}
out:
	if (p.icmp_fd >= 0)
		close(p.icmp_fd);
	if (p.arp_fd >= 0)
		close(p.arp_fd);
	return r;
}

const struct usbnet_reach_ops reach_real_ops = {
	.probe = reach_probe,
};

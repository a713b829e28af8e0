/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ARP for discover: RFC 5227 probes (sender 0.0.0.0, so the host claims no address), and the
 * packet socket that watches the link. The socket is bound to the interface (sll_ifindex) and
 * carries a BPF filter, so that the kernel hands us only ARP, IPv4 and IPv6 frames that do not
 * come from the host's own MAC: on a USB link, whatever else there is comes from the peer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probe/probe.h"

static const uint8_t broadcast[PROBE_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

size_t arp_build_probe(uint8_t frame[ARP_FRAME_LEN], const uint8_t host_mac[PROBE_ETH_ALEN],
		       struct in_addr target)
{
	uint8_t *a = frame + 14;

	memset(frame, 0, ARP_FRAME_LEN);
	memcpy(frame, broadcast, 6);
	memcpy(frame + 6, host_mac, 6);
	frame[12] = 0x08;
	frame[13] = 0x06;
	a[1] = 1;    /* Ethernet */
	a[2] = 0x08; /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 1; /* request */
	memcpy(a + 8, host_mac, 6);
	/* sender protocol address 0.0.0.0 and target hardware address zero (RFC 5227 2.1.1) */
	memcpy(a + 24, &target, 4);
	return ARP_FRAME_LEN;
}

bool arp_answers_probe(const struct frame_info *f, const uint8_t host_mac[PROBE_ETH_ALEN],
		       struct in_addr target)
{
	if (f->kind != FRAME_ARP || f->arp_spa.s_addr != target.s_addr)
		return false;
	/* A reply from the owner; or (RFC 5227 2.1.1) anyone probing or announcing the same
	 * address at the same time, which is just as much a conflict. */
	if (memcmp(f->arp_sha, host_mac, 6) == 0)
		return false;
	return f->arp_op == 2 || f->arp_op == 1;
}

int link_mac(const char *ifname, uint8_t ret[PROBE_ETH_ALEN])
{
	struct ifreq ifr = {};
	int fd, r = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		r = -errno;
	else if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		r = -EMEDIUMTYPE;
	else
		memcpy(ret, ifr.ifr_hwaddr.sa_data, PROBE_ETH_ALEN);
	close(fd);
	return r;
}

int arp_socket_open(int ifindex, const uint8_t host_mac[PROBE_ETH_ALEN])
{
	uint32_t mac_hi = (uint32_t)host_mac[0] << 24 | (uint32_t)host_mac[1] << 16 |
			  (uint32_t)host_mac[2] << 8 | host_mac[3];
	uint32_t mac_lo = (uint32_t)host_mac[4] << 8 | host_mac[5];
	/* ARP, IPv4 or IPv6, and a source MAC other than the host's; the rest is dropped. */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0806, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, mac_hi, 0, 2),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 10),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, mac_lo, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int fd, r;
	char drain[64];

	/* Protocol 0 at first: nothing is queued before the filter is in place. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
		goto fail;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		goto fail;
	while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	return fd;
fail:
	r = -errno;
	close(fd);
	return r;
}

int arp_send(int fd, int ifindex, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
		.sll_halen = 6,
	};

	memcpy(to.sll_addr, frame, 6);
	if (sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * RFC 5227 asks for three probes 1-2 s apart and 2 s of waiting; a USB link is point to point
 * with one peer on it that answers at once, so up --auto sends a probe every wait/3 and takes
 * any answer within wait_ms as "in use".
 */
int arp_addr_in_use(int ifindex, const char *ifname, struct in_addr candidate, unsigned wait_ms)
{
	uint8_t mac[PROBE_ETH_ALEN], frame[ARP_FRAME_LEN], buf[PROBE_FRAME_MAX];
	int64_t start, next = 0, now;
	int fd, r;

	r = link_mac(ifname, mac);
	if (r < 0)
		return r;
	fd = arp_socket_open(ifindex, mac);
	if (fd < 0)
		return fd;
	arp_build_probe(frame, mac, candidate);
	start = now_ms();
	r = 0;
	while ((now = now_ms()) - start < (int64_t)wait_ms) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t until;
		ssize_t n;

		if (now >= next) {
			arp_send(fd, ifindex, frame, sizeof(frame));
			next = now + (wait_ms / 3 ? wait_ms / 3 : 1);
		}
		until = next < start + wait_ms ? next : start + wait_ms;
		if (poll(&pfd, 1, (int)(until > now ? until - now : 0)) <= 0)
			continue;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			struct frame_info f;

			if (frame_parse(buf, (size_t)n, &f) == 0 && arp_answers_probe(&f, mac, candidate)) {
				r = 1;
				goto out;
			}
		}
	}
out:
	close(fd);
	return r;
}

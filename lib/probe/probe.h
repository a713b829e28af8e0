/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Discover's parts: building the frames it sends (pure), parsing what the link brings back
 * (pure, defensive: every byte comes from a device we do not trust), the sockets, and the
 * choice of the host's address for up --auto (pure).
 */
#ifndef USBNET_PROBE_H
#define USBNET_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "usbnet-host/usbnet.h"

#define PROBE_ETH_ALEN 6
#define PROBE_FRAME_MAX 1600

/* ---- frames the link brings (probe-frame.c) ------------------------------------------------ */

enum frame_kind {
	FRAME_OTHER = 0,
	FRAME_ARP,
	FRAME_IPV4,
	FRAME_IPV6,
};

struct frame_info {
	enum frame_kind kind;
	uint8_t src_mac[PROBE_ETH_ALEN];
	uint8_t dst_mac[PROBE_ETH_ALEN];
	/* ARP */
	uint16_t arp_op;
	uint8_t arp_sha[PROBE_ETH_ALEN];
	uint8_t arp_tha[PROBE_ETH_ALEN];
	struct in_addr arp_spa, arp_tpa;
	/* IPv4 */
	struct in_addr ip_src, ip_dst;
	uint8_t ip_proto;
	bool udp;
	uint16_t udp_sport, udp_dport;
	const uint8_t *udp_payload; /* points into the frame */
	size_t udp_len;
	/* IPv6 */
	struct in6_addr ip6_src;
};

/* Parse an Ethernet frame: -EBADMSG when it is truncated or malformed in a field we use. */
int frame_parse(const uint8_t *frame, size_t len, struct frame_info *ret);

/* ---- ARP (probe-arp.c) -------------------------------------------------------------------- */

#define ARP_FRAME_LEN 60 /* 42 bytes padded to Ethernet's minimum */

/* An RFC 5227 probe: "who has target?", sender 0.0.0.0, broadcast. Returns the length. */
size_t arp_build_probe(uint8_t frame[ARP_FRAME_LEN], const uint8_t host_mac[PROBE_ETH_ALEN],
		       struct in_addr target);
/* Whether f (a parsed ARP frame) answers our probe for target. */
bool arp_answers_probe(const struct frame_info *f, const uint8_t host_mac[PROBE_ETH_ALEN],
		       struct in_addr target);
/* A packet socket on ifindex for ARP, IPv4 and IPv6 frames that do not come from host_mac (a
 * BPF filter in the kernel drops the rest). */
int arp_socket_open(int ifindex, const uint8_t host_mac[PROBE_ETH_ALEN]);
int arp_send(int fd, int ifindex, const uint8_t *frame, size_t len);
/* The interface's MAC (SIOCGIFHWADDR): -EMEDIUMTYPE when it is not Ethernet. */
int link_mac(const char *ifname, uint8_t ret[PROBE_ETH_ALEN]);
/* A collision check of one address (RFC 5227, shortened): 1 in use, 0 free. */
int arp_addr_in_use(int ifindex, const char *ifname, struct in_addr candidate, unsigned wait_ms);

/* ---- DHCP (probe-dhcp.c) ------------------------------------------------------------------ */

#define DHCP_FRAME_MAX 342

/* A whole DHCPDISCOVER frame (Ethernet, IPv4 0.0.0.0:68 -> 255.255.255.255:67, BOOTP with the
 * broadcast flag, client id = chaddr = mac). Returns the length. */
size_t dhcp_build_discover(uint8_t frame[DHCP_FRAME_MAX], const uint8_t mac[PROBE_ETH_ALEN],
			   uint32_t xid, uint16_t secs);

struct dhcp_offer {
	struct in_addr yiaddr;	  /* offered to us */
	struct in_addr server_id; /* option 54 (0 when absent) */
	uint8_t prefix;		  /* option 1 as a prefix length; 0 when absent or not contiguous */
};

/* Parse a BOOTP payload (UDP to port 68): 0 and ret for a DHCPOFFER that answers xid for
 * mac; -ENOMSG for another message type or another client; -EBADMSG when malformed. */
int dhcp_parse_offer(const uint8_t *bootp, size_t len, uint32_t xid,
		     const uint8_t mac[PROBE_ETH_ALEN], struct dhcp_offer *ret);

/* Parse a BOOTP payload (UDP to port 67): 0 and the client's MAC (chaddr) for a DHCPDISCOVER
 * or DHCPREQUEST from an Ethernet client; -ENOMSG for another message; -EBADMSG when
 * malformed. */
int dhcp_parse_client(const uint8_t *bootp, size_t len, uint8_t ret_mac[PROBE_ETH_ALEN]);

/* ---- IPv6 (probe-ipv6.c) ------------------------------------------------------------------ */

/* A raw ICMPv6 socket bound to the interface, echo replies only, no multicast loop. */
int ipv6_socket_open(const char *ifname);
/* An echo request to ff02::1 on ifindex; -EADDRNOTAVAIL while our link-local is tentative. */
int ipv6_send_all_nodes(int fd, int ifindex, uint16_t id, uint16_t seq);
/* 1 and *ret_src for an echo reply with our id, 0 for anything else. */
int ipv6_recv_reply(int fd, uint16_t id, struct in6_addr *ret_src);
/* The neighbour table's MAC for addr on ifindex (rtnetlink); -ENOENT when it has none. */
int ipv6_neigh_mac(int ifindex, const struct in6_addr *addr, char ret_mac[18]);

/* ---- the host's address for up --auto (probe-choice.c) ------------------------------------- */

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef USBNET_FIREWALL_H
#define USBNET_FIREWALL_H

#include <stddef.h>

/*
 * What else on the host would drop a gateway peer's forwarded packets, said precisely (each
 * table and chain, and the commands that let the peer through). Looks at: nftables base chains
 * on the forward hook with policy drop in another table (Docker's and ufw's iptables-nft
 * `ip filter FORWARD` among them), iptables-legacy's FORWARD policy (only when its tables are
 * loaded), and firewalld (its `inet firewalld` table). msg is "" when nothing was found.
 */
int firewall_check(const char *ifname, const char *uplink, char *msg, size_t len);

#endif

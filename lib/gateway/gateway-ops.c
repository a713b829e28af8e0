/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The real gateway backend: each operation is one concern's file. */
#include "core/backend.h"
#include "gateway/firewall.h"
#include "gateway/forwarding.h"
#include "gateway/nft.h"
#include "gateway/nft6.h"
#include "gateway/uplink6.h"

static int real_default_uplink(void *h, char ret[USBNET_IFNAMSIZ])
{
	return default_route_ifname(ret);
}

static int real_forwarding_get(void *h, int *ret)
{
	return forwarding_sysctl_get(ret);
}

static int real_forwarding_set(void *h, int value)
{
	return forwarding_sysctl_set(value);
}

static int real_nft_commit(void *h, const struct nft_change *c, char *errbuf, size_t errlen)
{
	return nft_commit(c, errbuf, errlen);
}

static int real_firewall_check(void *h, const char *ifname, const char *uplink, char *msg,
			       size_t len)
{
	return firewall_check(ifname, uplink, msg, len);
}

static int real_uplink_has_ipv6(void *h, const char *uplink)
{
	return uplink6_has_default(uplink);
}

static int real_nft6_commit(void *h, const struct nft6_change *c, char *errbuf, size_t errlen)
{
	return nft6_commit(c, errbuf, errlen);
}

static int real_default_uplink6(void *h, const char *prefer, char ret[USBNET_IFNAMSIZ])
{
	return default_route6_ifname(prefer, ret);
}

const struct usbnet_gateway_ops gw_real_ops = {
    .default_uplink = real_default_uplink,
    .forwarding_get = real_forwarding_get,
    .forwarding_set = real_forwarding_set,
    .nft_commit = real_nft_commit,
    .firewall_check = real_firewall_check,
    .uplink_has_ipv6 = real_uplink_has_ipv6,
    .nft6_commit = real_nft6_commit,
    .default_uplink6 = real_default_uplink6,
};

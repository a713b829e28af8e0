/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/small-file.h"
#include "gateway/forwarding.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

int forwarding_sysctl_get(int *ret)
{
	char buf[8];
	ssize_t n = small_file_read(IP_FORWARD, 0, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (strcmp(buf, "0\n") == 0)
		*ret = 0;
	else if (strcmp(buf, "1\n") == 0)
		*ret = 1;
	else
		return -EBADMSG;
	return 0;
}

int forwarding_sysctl_set(int value)
{
	const char *v = value ? "1\n" : "0\n";
	int fd = open(IP_FORWARD, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, 2) != 2)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

/* IPv4's switch is the gateway backend's; the steps check that there is one. */
static int ipv4_get(const struct usbnet_backends *be, int *ret)
{
	return be->gw->forwarding_get(be->gw_h, ret);
}

static int ipv4_set(const struct usbnet_backends *be, int value)
{
	return be->gw->forwarding_set(be->gw_h, value);
}

static int ipv6_get(const struct usbnet_backends *be, int *ret)
{
	if (!be->nl->sysctl_get)
		return -EOPNOTSUPP;
	return be->nl->sysctl_get(be->nl_h, "all", "ipv6", "forwarding", ret);
}

static int ipv6_set(const struct usbnet_backends *be, int value)
{
	if (!be->nl->sysctl_set)
		return -EOPNOTSUPP;
	return be->nl->sysctl_set(be->nl_h, "all", "ipv6", "forwarding", value);
}

const struct forwarding_family forwarding_ipv4 = {
    .label = "IPv4",
    .sysctl = "net.ipv4.ip_forward",
    .record_name = GATEWAY_RECORD_NAME,
    .record_magic = "usbnet-host-gateway 1\n",
    .kind = &step_forwarding,
    .get = ipv4_get,
    .set = ipv4_set,
};

const struct forwarding_family forwarding_ipv6 = {
    .label = "IPv6",
    .sysctl = "net.ipv6.conf.all.forwarding",
    .record_name = GATEWAY6_RECORD_NAME,
    .record_magic = "usbnet-host-gateway6 1\n",
    .kind = &step_forwarding6,
    .get = ipv6_get,
    .set = ipv6_set,
};

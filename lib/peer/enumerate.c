/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Discovery: which net devices are USB network peers, and what is known about each. A net
 * device is a peer when its parent USB interface is bound to one of the USB networking drivers
 * below. The record comes from libudev (sysfs and udev's database), or, for udev-probe, from
 * udev's environment alone.
 */
#include <errno.h>
#include <libudev.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "peer/enumerate.h"
#include "peer/upstream.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *driver;
	enum usbnet_protocol protocol;
} peer_drivers[] = {
	/* cdc_ether is also what an RNDIS-capable gadget gets through its CDC configuration,
	 * which Linux hosts pick: the link then speaks ECM. */
	{ "cdc_ether", USBNET_PROTO_ECM },	{ "cdc_eem", USBNET_PROTO_EEM },
	{ "cdc_ncm", USBNET_PROTO_NCM },	{ "rndis_host", USBNET_PROTO_RNDIS },
	{ "cdc_subset", USBNET_PROTO_SUBSET }, { "zaurus", USBNET_PROTO_ZAURUS },
};

/* The class/subclass/protocol triples of an RNDIS control interface, as rndis_host matches
 * them: CDC ACM with the vendor protocol (what Linux and Android gadgets send), wireless
 * controller RNDIS, and misc RNDIS over Ethernet. */
static const char *const rndis_control_classes[] = { "0202ff", "e00103", "ef0401" };

enum usbnet_protocol discover_protocol_of_driver(const char *driver)
{
	if (!driver)
		return USBNET_PROTO_UNKNOWN;
	for (size_t i = 0; i < ELEMENTSOF(peer_drivers); i++)
		if (strcmp(driver, peer_drivers[i].driver) == 0)
			return peer_drivers[i].protocol;
	return USBNET_PROTO_UNKNOWN;
}

const char *discover_peer_driver(size_t i, enum usbnet_protocol *ret_protocol)
{
	if (i >= ELEMENTSOF(peer_drivers))
		return NULL;
	if (ret_protocol)
		*ret_protocol = peer_drivers[i].protocol;
	return peer_drivers[i].driver;
}

static bool is_rndis_control(const char *cls, size_t len)
{
	if (len != 6)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(rndis_control_classes); i++)
		if (strncasecmp(cls, rndis_control_classes[i], 6) == 0)
			return true;
	return false;
}

enum usbnet_binding discover_binding(const char *driver, const char *usb_interfaces,
				     const char *intf_class)
{
	const char *p;

	/* cdc_subset claims 0525:a4a2 by its IDs and takes the RNDIS data interface, leaving the
	 * control interface unbound: the link cannot carry RNDIS traffic. The device's interface
	 * list still shows the RNDIS control interface, and nothing else would hold one. */
	if (!driver || strcmp(driver, "cdc_subset") != 0)
		return USBNET_BINDING_OK;
	if (intf_class && is_rndis_control(intf_class, strlen(intf_class)))
		return USBNET_BINDING_RNDIS_AS_SUBSET;
	for (p = usb_interfaces; p && *p;) {
		size_t n;

		p += strspn(p, ":");
		n = strcspn(p, ":");
		if (is_rndis_control(p, n))
			return USBNET_BINDING_RNDIS_AS_SUBSET;
		p += n;
	}
	return USBNET_BINDING_OK;
}

/* s[n] is the first byte that does not fit. When it continues a UTF-8 sequence, cut before
 * that sequence's lead byte instead, so a truncated string does not end in half a character.
 * Invalid sequences are cut where they are: they stay as the device gave them. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t k = n;

	if (((unsigned char)s[n] & 0xc0) != 0x80)
		return n;
	while (k > 0 && n - k < 3 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0xc0)
		return k - 1;
	return n;
}

void discover_copy_str(char *dst, size_t len, const char *src)
{
	size_t n;

	if (len == 0)
		return;
	if (!src) {
		dst[0] = '\0';
		return;
	}
	n = strnlen(src, len);
	if (n == len)
		n = utf8_cut(src, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The next byte of udev's encoded form; 0 at the end (or at an encoded NUL). */
static unsigned char enc_next(const char **p)
{
	const unsigned char *s = (const unsigned char *)*p;
	int hi, lo;

	if (s[0] == '\0')
		return 0;
	if (s[0] == '\\' && s[1] == 'x' && (hi = hexval(s[2])) >= 0 && (lo = hexval(s[3])) >= 0) {
		*p += 4;
		return (unsigned char)(hi << 4 | lo);
	}
	*p += 1;
	return s[0];
}

void discover_decode_enc(char *dst, size_t len, const char *enc)
{
	const char *p = enc;
	size_t n = 0;
	unsigned char c;

	if (len == 0)
		return;
	if (!enc) {
		dst[0] = '\0';
		return;
	}
	while ((c = enc_next(&p)) != 0) {
		if (n == len - 1) {
			dst[n] = (char)c; /* utf8_cut looks at the first byte that does not fit */
			n = utf8_cut(dst, n);
			break;
		}
		dst[n++] = (char)c;
	}
	dst[n] = '\0';
}

/* "1234", "0x8086": a 16-bit hex ID, nothing else. */
static int parse_hex16(const char *s, uint16_t *ret)
{
	unsigned v = 0;
	size_t n = 0;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s[n]; n++) {
		int d = hexval((unsigned char)s[n]);

		if (d < 0 || n >= 4)
			return -EINVAL;
		v = v << 4 | (unsigned)d;
	}
	if (n == 0)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

/* A decimal number's integer part: "480", "1.5" (low speed: 1), "5000". 0 when none. */
static unsigned long parse_ulong_prefix(const char *s)
{
	unsigned long v = 0;

	if (!s)
		return 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (unsigned long)INT32_MAX)
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	return v;
}

static int parse_ifindex(const char *s)
{
	unsigned long v = parse_ulong_prefix(s);

	return v <= (unsigned long)INT32_MAX ? (int)v : 0;
}

/* The USB device's sysfs name from its interface's ("2-1:1.0" -> "2-1", "1-1.4:1.2" ->
 * "1-1.4"). Anything that does not look like one gives "". */
static void usb_path_from_intf(char *dst, size_t len, const char *intf, size_t intf_len)
{
	size_t n;

	dst[0] = '\0';
	if (!intf)
		return;
	n = strcspn(intf, ":");
	if (n == 0 || n >= intf_len || intf[n] != ':' || n >= len)
		return;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789-.", intf[i]))
			return;
	memcpy(dst, intf, n);
	dst[n] = '\0';
}

/* udev's *_ENC string, unless it is udev's stand-in for a string the device did not give (or
 * could not: the kernel drops a gadget's string that is not valid UTF-8): the ID in hex. */
static void enc_or_nothing(char *dst, size_t len, const char *enc, uint16_t id)
{
	char hex[5];

	discover_decode_enc(dst, len, enc);
	snprintf(hex, sizeof(hex), "%04x", id);
	if (strcmp(dst, hex) == 0)
		dst[0] = '\0';
}

/* ---- from libudev ----------------------------------------------------------------------- */

static const char *prop(struct udev_device *dev, const char *key)
{
	return dev ? udev_device_get_property_value(dev, key) : NULL;
}

static const char *sysattr(struct udev_device *dev, const char *key)
{
	return dev ? udev_device_get_sysattr_value(dev, key) : NULL;
}

/* The bound interface's class/subclass/protocol as udev writes them in ID_USB_INTERFACES. */
static void intf_class_of(struct udev_device *intf, char *buf, size_t len)
{
	const char *c = sysattr(intf, "bInterfaceClass");
	const char *s = sysattr(intf, "bInterfaceSubClass");
	const char *p = sysattr(intf, "bInterfaceProtocol");

	buf[0] = '\0';
	if (c && s && p && strlen(c) == 2 && strlen(s) == 2 && strlen(p) == 2)
		snprintf(buf, len, "%s%s%s", c, s, p);
}

int discover_peer_from_udev(struct udev_device *dev, struct usbnet_peer *ret)
{
	struct usbnet_peer p = { .nm_managed = -1 };
	struct udev_device *intf, *usb, *parent;
	const char *driver = NULL, *v;
	char cls[8];
	unsigned long flags;

	discover_copy_str(p.ifname, sizeof(p.ifname), udev_device_get_sysname(dev));
	v = sysattr(dev, "ifindex");
	p.ifindex = parse_ifindex(v ? v : prop(dev, "IFINDEX"));
	discover_copy_str(p.syspath, sizeof(p.syspath), udev_device_get_syspath(dev));

	/* The driver that matters is the one bound to the USB interface: udev's ID_USB_DRIVER and
	 * ID_NET_DRIVER say the same when its database is there. */
	intf = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_interface");
	if (intf)
		driver = udev_device_get_driver(intf);
	if (!driver && intf)
		driver = prop(dev, "ID_USB_DRIVER");
	if (!driver)
		driver = prop(dev, "ID_NET_DRIVER");
	if (!driver) {
		parent = udev_device_get_parent(dev);
		driver = parent ? udev_device_get_driver(parent) : NULL;
	}
	discover_copy_str(p.driver, sizeof(p.driver), driver);
	p.protocol = discover_protocol_of_driver(driver);
	if (!intf || p.protocol == USBNET_PROTO_UNKNOWN) {
		p.protocol = USBNET_PROTO_UNKNOWN;
		*ret = p;
		return -EMEDIUMTYPE;
	}

	usb = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device");
	if (parse_hex16(sysattr(usb, "idVendor"), &p.vendor_id) < 0)
		parse_hex16(prop(dev, "ID_VENDOR_ID"), &p.vendor_id);
	if (parse_hex16(sysattr(usb, "idProduct"), &p.product_id) < 0)
		parse_hex16(prop(dev, "ID_MODEL_ID"), &p.product_id);

	/* The sysattrs are the device's own strings; udev's *_ENC are the same, escaped. */
	if ((v = sysattr(usb, "manufacturer")))
		discover_copy_str(p.manufacturer, sizeof(p.manufacturer), v);
	else
		enc_or_nothing(p.manufacturer, sizeof(p.manufacturer), prop(dev, "ID_VENDOR_ENC"),
			       p.vendor_id);
	if ((v = sysattr(usb, "product")))
		discover_copy_str(p.product, sizeof(p.product), v);
	else
		enc_or_nothing(p.product, sizeof(p.product), prop(dev, "ID_MODEL_ENC"),
			       p.product_id);
	if ((v = sysattr(usb, "serial")))
		discover_copy_str(p.serial, sizeof(p.serial), v);
	else
		discover_copy_str(p.serial, sizeof(p.serial), prop(dev, "ID_SERIAL_SHORT"));

	if (usb)
		discover_copy_str(p.usb_path, sizeof(p.usb_path), udev_device_get_sysname(usb));
	else
		usb_path_from_intf(p.usb_path, sizeof(p.usb_path), udev_device_get_sysname(intf),
				   SIZE_MAX);
	p.speed_mbps = (unsigned)parse_ulong_prefix(sysattr(usb, "speed"));

	discover_copy_str(p.mac, sizeof(p.mac), sysattr(dev, "address"));
	/* Reading carrier fails with EINVAL while the interface is down: no carrier then. */
	v = sysattr(dev, "carrier");
	p.carrier = v && strcmp(v, "1") == 0;
	v = sysattr(dev, "flags");
	flags = v ? strtoul(v, NULL, 16) : 0;
	p.up = (flags & IFF_UP) != 0;

	intf_class_of(intf, cls, sizeof(cls));
	v = prop(dev, "ID_USB_INTERFACES");
	if (!v)
		v = prop(usb, "ID_USB_INTERFACES");
	p.binding = discover_binding(p.driver, v, cls);

	*ret = p;
	return usbnet_peer_is_upstream(&p) ? -EMEDIUMTYPE : 0;
}

/* ---- state from the backends ------------------------------------------------------------ */

static void peer_take_addrs(struct usbnet_peer *peer, const struct nl_addr_entry *list, size_t n)
{
	for (size_t i = 0; i < n && peer->n_addrs < USBNET_MAX_ADDRS; i++)
		if (list[i].ifindex == peer->ifindex)
			peer->addrs[peer->n_addrs++] = list[i].ip;
}

static int peer_nm_managed(const struct usbnet_backends *be, const char *ifname)
{
	int managed;

	/* Not running, not knowing the device, any failure: we cannot say. */
	if (!be->nm || !be->nm->get_managed)
		return -1;
	if (be->nm->get_managed(be->nm_h, ifname, &managed) < 0)
		return -1;
	return managed ? 1 : 0;
}

/* ifindex 0: the addresses of every interface, for many peers at once. */
static void peers_add_state(struct usbnet_ctx *ctx, struct usbnet_peer *peers, size_t n,
			    int ifindex)
{
	const struct usbnet_backends *be;
	struct nl_addr_entry *list = NULL;
	size_t n_list = 0;

	for (size_t i = 0; i < n; i++) {
		peers[i].n_addrs = 0;
		peers[i].nm_managed = -1;
	}
	if (n == 0)
		return;
	be = ctx_backends(ctx);
	if (!be)
		return; /* no netlink rights: the record is still useful without its state */
	if (be->nl && be->nl->addr_list && ifindex >= 0 &&
	    be->nl->addr_list(be->nl_h, ifindex, &list, &n_list) >= 0) {
		for (size_t i = 0; i < n; i++)
			if (peers[i].ifindex > 0)
				peer_take_addrs(&peers[i], list, n_list);
		free(list);
	}
	for (size_t i = 0; i < n; i++)
		peers[i].nm_managed = peer_nm_managed(be, peers[i].ifname);
}

void discover_peer_add_state(struct usbnet_ctx *ctx, struct usbnet_peer *peer)
{
	/* ifindex 0 would ask for every interface's addresses: an unknown index asks nothing. */
	peers_add_state(ctx, peer, 1, peer->ifindex > 0 ? peer->ifindex : -1);
}

/* ---- the public API --------------------------------------------------------------------- */

static int peer_cmp(const void *a, const void *b)
{
	const struct usbnet_peer *x = a, *y = b;

	return strcmp(x->ifname, y->ifname);
}

int usbnet_discover(struct usbnet_ctx *ctx, struct usbnet_peer **ret_peers, size_t *ret_n)
{
	struct udev *udev;
	struct udev_enumerate *e = NULL;
	struct udev_list_entry *entry;
	struct usbnet_peer *peers = NULL;
	size_t n = 0, cap = 0;
	int r;

	udev = udev_new();
	if (!udev)
		return ctx_fail(ctx, -ENOMEM, "cannot create a udev context");
	e = udev_enumerate_new(udev);
	if (!e) {
		r = ctx_fail(ctx, -ENOMEM, "cannot enumerate network interfaces: out of memory");
		goto out;
	}
	r = udev_enumerate_add_match_subsystem(e, "net");
	if (r >= 0)
		r = udev_enumerate_scan_devices(e);
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot enumerate network interfaces through udev: %s",
			     strerror(-r));
		goto out;
	}

	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e))
	{
		struct udev_device *dev;
		struct usbnet_peer peer;

		dev = udev_device_new_from_syspath(udev, udev_list_entry_get_name(entry));
		if (!dev)
			continue; /* gone since the scan */
		r = discover_peer_from_udev(dev, &peer);
		udev_device_unref(dev);
		if (r == -EMEDIUMTYPE && usbnet_peer_is_upstream(&peer) &&
		    upstream_claimed(ctx, &peer))
			r = 0; /* a tethering phone a [peer] group claims: a peer */
		if (r < 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct usbnet_peer *tmp = reallocarray(peers, ncap, sizeof(*peers));

			if (!tmp) {
				r = ctx_fail(ctx, -ENOMEM, "out of memory listing USB peers");
				goto out;
			}
			peers = tmp;
			cap = ncap;
		}
		peers[n++] = peer;
	}

	peers_add_state(ctx, peers, n, 0);
	if (n > 1)
		qsort(peers, n, sizeof(*peers), peer_cmp);
	*ret_peers = peers;
	*ret_n = n;
	peers = NULL;
	r = 0;
out:
	free(peers);
	udev_enumerate_unref(e);
	udev_unref(udev);
	return r;
}

int usbnet_find_peer(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_peer *ret)
{
	struct udev *udev;
	struct udev_device *dev;
	struct usbnet_peer peer;
	int r;

	/* What the kernel would refuse as a name cannot exist; and a '/' or ".." must not walk
	 * out of /sys/class/net. */
	if (!ifname || !*ifname || strlen(ifname) >= USBNET_IFNAMSIZ || strchr(ifname, '/') ||
	    strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0)
		return ctx_fail_no_peer(ctx, -ENODEV, "no network interface named \"%s\"",
				ifname ? ifname : "");

	udev = udev_new();
	if (!udev)
		return ctx_fail(ctx, -ENOMEM, "cannot create a udev context");
	dev = udev_device_new_from_subsystem_sysname(udev, "net", ifname);
	if (!dev) {
		r = ctx_fail_no_peer(ctx, -ENODEV, "no network interface named \"%s\"", ifname);
		goto out;
	}
	r = discover_peer_from_udev(dev, &peer);
	udev_device_unref(dev);
	if (r == -EMEDIUMTYPE && usbnet_peer_is_upstream(&peer) && upstream_claimed(ctx, &peer))
		r = 0; /* a tethering phone a [peer] group claims: a peer */
	if (r == -EMEDIUMTYPE) {
		*ret = peer;
		if (usbnet_peer_is_upstream(&peer))
			r = ctx_fail(ctx, r,
				     "%s is an upstream device (a tethering phone or a modem), "
				     "not a USB network peer: it is left to NetworkManager",
				     peer.ifname);
		else
			r = ctx_fail(ctx, r, "%s is not a USB network peer (driver: %s)",
				     peer.ifname, peer.driver[0] ? peer.driver : "unknown");
		goto out;
	}
	if (r < 0)
		goto out;
	discover_peer_add_state(ctx, &peer);
	*ret = peer;
	r = 0;
out:
	udev_unref(udev);
	return r;
}

/* ---- from udev's environment (udev-probe) ------------------------------------------------ */

static const char *env_get(char *const *envp, const char *key)
{
	size_t k = strlen(key);

	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, key, k) == 0 && (*e)[k] == '=')
			return *e + k + 1;
	return NULL;
}

static const char *env_get2(char *const *envp, const char *key, const char *fallback)
{
	const char *v = env_get(envp, key);

	return v ? v : env_get(envp, fallback);
}

/* udev names an interface by its MAC "enx" + 12 hex digits (ID_NET_NAME_MAC): the only place
 * the MAC is in the environment. */
static void mac_from_name(char *dst, size_t len, const char *name)
{
	dst[0] = '\0';
	if (!name || strncmp(name, "enx", 3) != 0 || strlen(name) != 15 || len < 18)
		return;
	for (size_t i = 0; i < 12; i++)
		if (hexval((unsigned char)name[3 + i]) < 0)
			return;
	for (size_t i = 0; i < 6; i++) {
		dst[3 * i] = (char)(name[3 + 2 * i] | 0x20);
		dst[3 * i + 1] = (char)(name[4 + 2 * i] | 0x20);
		dst[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

/* DEVPATH ".../2-1/2-1:1.0/net/usb7": the USB interface is the component before "/net/". */
static void usb_path_from_devpath(char *dst, size_t len, const char *devpath)
{
	const char *net = NULL, *start;

	dst[0] = '\0';
	if (!devpath)
		return;
	for (const char *s = devpath; (s = strstr(s, "/net/")); s++)
		net = s;
	if (!net || net == devpath)
		return;
	start = net;
	while (start > devpath && start[-1] != '/')
		start--;
	usb_path_from_intf(dst, len, start, (size_t)(net - start));
}

int usbnet_peer_from_env(char *const *envp, struct usbnet_peer *ret)
{
	struct usbnet_peer p = { .nm_managed = -1 };
	const char *v, *driver;

	v = env_get(envp, "SUBSYSTEM");
	if (!v || strcmp(v, "net") != 0)
		return -EMEDIUMTYPE;
	v = env_get(envp, "INTERFACE");
	if (!v || !*v)
		return -EMEDIUMTYPE;
	if (strlen(v) >= sizeof(p.ifname))
		return -EINVAL; /* no kernel interface has such a name */
	discover_copy_str(p.ifname, sizeof(p.ifname), v);

	/* usb_id (60-*.rules) has set ID_USB_DRIVER by the time the 8x rules run. */
	driver = env_get2(envp, "ID_USB_DRIVER", "ID_NET_DRIVER");
	p.protocol = discover_protocol_of_driver(driver);
	if (p.protocol == USBNET_PROTO_UNKNOWN)
		return -EMEDIUMTYPE;
	discover_copy_str(p.driver, sizeof(p.driver), driver);
	p.ifindex = parse_ifindex(env_get(envp, "IFINDEX"));

	parse_hex16(env_get2(envp, "ID_VENDOR_ID", "ID_USB_VENDOR_ID"), &p.vendor_id);
	parse_hex16(env_get2(envp, "ID_MODEL_ID", "ID_USB_MODEL_ID"), &p.product_id);
	if ((v = env_get2(envp, "ID_VENDOR_ENC", "ID_USB_VENDOR_ENC")))
		enc_or_nothing(p.manufacturer, sizeof(p.manufacturer), v, p.vendor_id);
	else
		discover_copy_str(p.manufacturer, sizeof(p.manufacturer),
				  env_get(envp, "ID_VENDOR"));
	if ((v = env_get2(envp, "ID_MODEL_ENC", "ID_USB_MODEL_ENC")))
		enc_or_nothing(p.product, sizeof(p.product), v, p.product_id);
	else
		discover_copy_str(p.product, sizeof(p.product), env_get(envp, "ID_MODEL"));
	discover_copy_str(p.serial, sizeof(p.serial),
			  env_get2(envp, "ID_SERIAL_SHORT", "ID_USB_SERIAL_SHORT"));
	p.binding = discover_binding(p.driver, env_get(envp, "ID_USB_INTERFACES"), NULL);

	v = env_get(envp, "DEVPATH");
	if (v && strlen(v) + 4 < sizeof(p.syspath)) {
		memcpy(p.syspath, "/sys", 4);
		memcpy(p.syspath + 4, v, strlen(v) + 1);
	}
	usb_path_from_devpath(p.usb_path, sizeof(p.usb_path), v);
	mac_from_name(p.mac, sizeof(p.mac), env_get(envp, "ID_NET_NAME_MAC"));

	/* Whether a [peer] group claims it is for the caller, who has the configuration. */
	*ret = p;
	return usbnet_peer_is_upstream(&p) ? -EMEDIUMTYPE : 0;
}

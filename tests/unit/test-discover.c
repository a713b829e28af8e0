/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Discovery against recorded sysfs/udev trees: umockdev builds them from the fixtures in
 * tests/fixtures/umockdev/, the real libudev reads them (this program runs under
 * umockdev-wrapper). The netlink and NetworkManager backends cannot see mock interfaces, so the
 * tests install fakes that answer for the fixtures' ifindexes and names.
 *
 * Two fixtures are hand-written, not recorded: pci-e1000e-8086-15bb.umockdev (an onboard Intel
 * I219-LM, a PCI card with no USB parent) and linux-rndis-1d6b-0104.umockdev (a Linux
 * composite gadget whose RNDIS function rndis_host binds, made from the Android recording
 * with the IDs, strings, bus and MAC changed).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <umockdev.h>

#include "core/ctx.h"
#include "peer/config.h"
#include "peer/enumerate.h"

#define FIXTURES FIXTURES_DIR "/umockdev/"

static const char *const fixture_files[] = {
	"nokia-n900-0421-01c8.umockdev",
	"linux-ecm-0525-a4a1.umockdev",
	"fobnail-1234-4321.umockdev",
	"linux-ncm-1d6b-0104.umockdev",
	"android-tethering-18d1-4ee3.umockdev",
	"rndis-0525-a4a2-bound-cdc_subset.umockdev",
	"linux-rndis-1d6b-0104.umockdev",
	"pci-e1000e-8086-15bb.umockdev",
};

#define FOBNAIL_USB "/sys/devices/platform/dummy_hcd.1/usb2/2-1"
#define FOBNAIL_NET FOBNAIL_USB "/2-1:1.0/net/usb7"

static UMockdevTestbed *testbed;

/* ---- fake backends ---------------------------------------------------------------------- */

static struct {
	int addr_list_calls;
	int last_ifindex;
	bool fail;
} fake;

static const struct {
	int ifindex;
	const char *ip;
} fake_addrs[] = {
	{ 10, "169.254.0.8/16" },  /* usb7: the Fobnail */
	{ 11, "192.168.2.14/24" }, /* the N900 */
	{ 11, "10.0.0.1/8" },
	{ 2, "192.168.1.20/24" }, /* eno1 */
};

static int fake_addr_list(void *h, int ifindex, struct nl_addr_entry **ret, size_t *ret_n)
{
	struct nl_addr_entry *list;
	size_t n = 0;

	fake.addr_list_calls++;
	fake.last_ifindex = ifindex;
	if (fake.fail)
		return -EPERM;
	list = calloc(sizeof(fake_addrs) / sizeof(fake_addrs[0]), sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(fake_addrs) / sizeof(fake_addrs[0]); i++) {
		if (ifindex && fake_addrs[i].ifindex != ifindex)
			continue;
		list[n].ifindex = fake_addrs[i].ifindex;
		assert_int_equal(usbnet_ip4_parse(fake_addrs[i].ip, true, &list[n].ip), 0);
		n++;
	}
	*ret = list;
	*ret_n = n;
	return 0;
}

static int fake_get_managed(void *h, const char *ifname, int *ret)
{
	if (fake.fail)
		return -ENOTCONN;
	if (strcmp(ifname, "usb7") == 0) {
		*ret = 0;
		return 0;
	}
	if (strcmp(ifname, "enx229bb3518608") == 0) {
		*ret = 1;
		return 0;
	}
	return -ENODEV;
}

static const struct usbnet_netlink_ops fake_nl_ops = { .addr_list = fake_addr_list };
static const struct usbnet_nm_ops fake_nm_ops = { .get_managed = fake_get_managed };
static const struct usbnet_backends fake_backends = {
	.nl = &fake_nl_ops,
	.nm = &fake_nm_ops,
};

/* ---- helpers ---------------------------------------------------------------------------- */

static int group_setup(void **state)
{
	const char *preload = getenv("LD_PRELOAD");
	GError *error = NULL;

	/* Without the preload library, libudev would read the real /sys. */
	if (!preload || !strstr(preload, "libumockdev-preload")) {
		fprintf(stderr, "run this test under umockdev-wrapper\n");
		return -1;
	}
	/* The testbed sets UMOCKDEV_DIR: every udev context made after this reads the mock. */
	testbed = umockdev_testbed_new();
	for (size_t i = 0; i < sizeof(fixture_files) / sizeof(fixture_files[0]); i++) {
		char path[512];

		snprintf(path, sizeof(path), FIXTURES "%s", fixture_files[i]);
		if (!umockdev_testbed_add_from_file(testbed, path, &error)) {
			fprintf(stderr, "%s: %s\n", path, error->message);
			g_clear_error(&error);
			return -1;
		}
	}
	return 0;
}

static int group_teardown(void **state)
{
	g_clear_object(&testbed);
	return 0;
}

static int setup(void **state)
{
	struct usbnet_ctx *ctx = NULL;

	unsetenv("USBNET_HOST_CONFIG");
	assert_int_equal(usbnet_ctx_new(NULL, "/nonexistent/usbnet-host-test", &ctx), 0);
	memset(&fake, 0, sizeof(fake));
	ctx_set_backends(ctx, &fake_backends);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	usbnet_ctx_free(*state);
	return 0;
}

static const struct usbnet_peer *find_in(const struct usbnet_peer *peers, size_t n,
					 const char *ifname)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(peers[i].ifname, ifname) == 0)
			return &peers[i];
	return NULL;
}

static void assert_addr(const struct usbnet_ip4 *ip, const char *want)
{
	char buf[32];

	assert_string_equal(usbnet_ip4_format(ip, buf, sizeof(buf)), want);
}

/* The environment udev gives a program run by IMPORT{program} for the fixture's net device:
 * the first record's properties, DEVPATH and ACTION. */
struct env {
	char *vars[128];
	size_t n;
};

static void env_add(struct env *env, const char *kv)
{
	assert_true(env->n + 1 < sizeof(env->vars) / sizeof(env->vars[0]));
	env->vars[env->n] = strdup(kv);
	assert_non_null(env->vars[env->n]);
	env->vars[++env->n] = NULL;
}

static void env_set(struct env *env, const char *key, const char *value)
{
	size_t k = strlen(key);
	char *kv;

	assert_true(asprintf(&kv, "%s=%s", key, value) > 0);
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->vars[i], key, k) == 0 && env->vars[i][k] == '=') {
			free(env->vars[i]);
			env->vars[i] = kv;
			return;
		}
	env_add(env, kv);
	free(kv);
}

static void env_from_fixture(struct env *env, const char *file)
{
	char path[512], line[4096];
	FILE *f;

	memset(env, 0, sizeof(*env));
	snprintf(path, sizeof(path), FIXTURES "%s", file);
	f = fopen(path, "re");
	assert_non_null(f);
	env_add(env, "ACTION=add");
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			break; /* the net device is the first record */
		if (strncmp(line, "P: ", 3) == 0) {
			char *kv;

			assert_true(asprintf(&kv, "DEVPATH=%s", line + 3) > 0);
			env_add(env, kv);
			free(kv);
		} else if (strncmp(line, "E: ", 3) == 0) {
			env_add(env, line + 3);
		}
	}
	fclose(f);
}

static void env_free(struct env *env)
{
	for (size_t i = 0; i < env->n; i++)
		free(env->vars[i]);
	env->n = 0;
}

/* ---- usbnet_discover -------------------------------------------------------------------- */

static void test_discover_lists_only_usb_peers_sorted_by_name(void **state)
{
	static const char *const want[] = {
		"enx0af4365840d9", /* linux-ncm */
		"enx229bb3518608", /* N900 */
		"enx5a3c19a0b2c4", /* linux-rndis (rndis_host) */
		"enx8a47901ad5fb", /* linux-ecm */
		"usb6",		   /* RNDIS gadget bound to cdc_subset */
		"usb7",		   /* Fobnail */
	};
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(peers[i].ifname, want[i]);
	/* Not the tethering phone, not the PCI card. */
	assert_null(find_in(peers, n, "enx3e220067e4e6"));
	assert_null(find_in(peers, n, "eno1"));
	free(peers);
}

static void test_discover_lists_fobnail_as_eem_peer(void **state)
{
	const struct usbnet_peer *p;
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	p = find_in(peers, n, "usb7");
	assert_non_null(p);
	assert_int_equal(p->ifindex, 10);
	assert_string_equal(p->driver, "cdc_eem");
	assert_int_equal(p->protocol, USBNET_PROTO_EEM);
	assert_int_equal(p->binding, USBNET_BINDING_OK);
	assert_int_equal(p->vendor_id, 0x1234);
	assert_int_equal(p->product_id, 0x4321);
	assert_string_equal(p->manufacturer, "Fobnail");
	assert_string_equal(p->product, "Fobnail");
	assert_string_equal(p->serial, "TEST");
	assert_string_equal(p->usb_path, "2-1");
	assert_string_equal(p->syspath, FOBNAIL_NET);
	assert_int_equal(p->speed_mbps, 480);
	assert_string_equal(p->mac, "ee:3f:08:10:f2:1d");
	assert_false(p->carrier); /* down: no carrier file to read */
	assert_false(p->up);	  /* flags 0x1002 */
	assert_int_equal(p->n_addrs, 1);
	assert_addr(&p->addrs[0], "169.254.0.8/16");
	assert_int_equal(p->nm_managed, 0);
	free(peers);
}

static void test_discover_lists_n900_as_ecm_peer(void **state)
{
	const struct usbnet_peer *p;
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	p = find_in(peers, n, "enx229bb3518608");
	assert_non_null(p);
	assert_int_equal(p->ifindex, 11);
	assert_string_equal(p->driver, "cdc_ether");
	assert_int_equal(p->protocol, USBNET_PROTO_ECM);
	assert_int_equal(p->binding, USBNET_BINDING_OK);
	assert_int_equal(p->vendor_id, 0x0421);
	assert_int_equal(p->product_id, 0x01c8);
	assert_string_equal(p->manufacturer, "Nokia");
	assert_string_equal(p->product, "N900 (PC-Suite Mode)");
	assert_string_equal(p->serial, "SNN900");
	assert_string_equal(p->usb_path, "1-1");
	assert_string_equal(p->mac, "22:9b:b3:51:86:08");
	assert_int_equal(p->n_addrs, 2);
	assert_addr(&p->addrs[0], "192.168.2.14/24");
	assert_addr(&p->addrs[1], "10.0.0.1/8");
	assert_int_equal(p->nm_managed, 1);
	free(peers);
}

static void test_discover_lists_linux_gadgets_with_their_protocols(void **state)
{
	const struct usbnet_peer *p;
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);

	p = find_in(peers, n, "enx0af4365840d9");
	assert_non_null(p);
	assert_string_equal(p->driver, "cdc_ncm");
	assert_int_equal(p->protocol, USBNET_PROTO_NCM);
	assert_int_equal(p->vendor_id, 0x1d6b);
	assert_int_equal(p->product_id, 0x0104);
	assert_string_equal(p->product, "Multifunction Composite Gadget");
	assert_string_equal(p->serial, "SNNCM");
	assert_int_equal(p->nm_managed, -1); /* NetworkManager does not know it */
	assert_int_equal(p->n_addrs, 0);

	p = find_in(peers, n, "enx8a47901ad5fb");
	assert_non_null(p);
	assert_string_equal(p->driver, "cdc_ether");
	assert_int_equal(p->protocol, USBNET_PROTO_ECM);
	assert_int_equal(p->vendor_id, 0x0525);
	assert_int_equal(p->product_id, 0xa4a1);
	assert_string_equal(p->product, "RNDIS/Ethernet Gadget");
	assert_string_equal(p->usb_path, "6-1");

	p = find_in(peers, n, "enx5a3c19a0b2c4");
	assert_non_null(p);
	assert_string_equal(p->driver, "rndis_host");
	assert_int_equal(p->protocol, USBNET_PROTO_RNDIS);
	assert_int_equal(p->binding, USBNET_BINDING_OK);
	assert_int_equal(p->vendor_id, 0x1d6b);
	assert_int_equal(p->product_id, 0x0104);
	assert_string_equal(p->serial, "SNRNDIS2");
	free(peers);
}

static void test_discover_flags_rndis_gadget_bound_to_cdc_subset(void **state)
{
	const struct usbnet_peer *p;
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	p = find_in(peers, n, "usb6");
	assert_non_null(p);
	assert_string_equal(p->driver, "cdc_subset");
	assert_int_equal(p->protocol, USBNET_PROTO_SUBSET);
	assert_int_equal(p->binding, USBNET_BINDING_RNDIS_AS_SUBSET);
	assert_int_equal(p->vendor_id, 0x0525);
	assert_int_equal(p->product_id, 0xa4a2);
	assert_string_equal(p->usb_path, "3-1");
	assert_string_equal(p->serial, "SNRNDIS");
	free(peers);
}

static void test_discover_asks_netlink_once_for_all_peers(void **state)
{
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	assert_int_equal(fake.addr_list_calls, 1);
	assert_int_equal(fake.last_ifindex, 0);
	free(peers);
}

static void test_discover_works_without_netlink_or_networkmanager(void **state)
{
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	fake.fail = true; /* addr_list: -EPERM, get_managed: -ENOTCONN */
	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(peers[i].n_addrs, 0);
		assert_int_equal(peers[i].nm_managed, -1);
	}
	free(peers);
}

/* The context's configuration, as if read from a file. */
static void use_config(struct usbnet_ctx *ctx, const char *text)
{
	char err[256];
	int r;

	config_free(ctx->config);
	ctx->config = NULL;
	r = config_parse(text, strlen(text), "test.conf", &ctx->config, err, sizeof(err));
	assert_int_equal(r, 0);
}

static void test_discover_lists_a_tethering_phone_a_group_claims(void **state)
{
	struct usbnet_peer *peers = NULL;
	const struct usbnet_peer *p;
	size_t n = 0;

	use_config(*state, "[peer lab-phone]\nusb=18d1:4ee3\naddress=10.79.0.1/24\n");
	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	assert_int_equal(n, 7);
	p = find_in(peers, n, "enx3e220067e4e6");
	assert_non_null(p);
	assert_string_equal(p->driver, "rndis_host");
	assert_string_equal(p->serial, "SNPHONE");
	assert_null(find_in(peers, n, "eno1"));
	free(peers);
}

static void test_discover_hides_a_tethering_phone_a_driver_group_matches(void **state)
{
	struct usbnet_peer *peers = NULL;
	size_t n = 0;

	/* The first group that matches decides: written for RNDIS gadgets, it claims no phone. */
	use_config(*state, "[peer gadgets]\ndriver=rndis_host\nmode=dhcp\n"
			   "[peer lab-phone]\nusb=18d1:4ee3\naddress=10.79.0.1/24\n");
	assert_int_equal(usbnet_discover(*state, &peers, &n), 0);
	assert_int_equal(n, 6);
	assert_null(find_in(peers, n, "enx3e220067e4e6"));
	free(peers);
}

/* ---- usbnet_find_peer ------------------------------------------------------------------- */

static void test_find_peer_fobnail_has_addresses_and_nm_state(void **state)
{
	struct usbnet_peer p;

	assert_int_equal(usbnet_find_peer(*state, "usb7", &p), 0);
	assert_int_equal(p.protocol, USBNET_PROTO_EEM);
	assert_int_equal(p.vendor_id, 0x1234);
	assert_int_equal(p.n_addrs, 1);
	assert_addr(&p.addrs[0], "169.254.0.8/16");
	assert_int_equal(p.nm_managed, 0);
	assert_int_equal(fake.last_ifindex, 10); /* only this interface's addresses */
}

static void test_find_peer_pci_card_is_not_a_peer(void **state)
{
	struct usbnet_peer p;

	memset(&p, 0xa5, sizeof(p));
	assert_int_equal(usbnet_find_peer(*state, "eno1", &p), -EMEDIUMTYPE);
	assert_string_equal(p.ifname, "eno1");
	assert_int_equal(p.ifindex, 2);
	assert_string_equal(p.driver, "e1000e");
	assert_int_equal(p.protocol, USBNET_PROTO_UNKNOWN);
	assert_non_null(strstr(usbnet_ctx_error(*state), "not a USB network peer"));
}

static void test_find_peer_android_tethering_phone_is_upstream(void **state)
{
	struct usbnet_peer p;

	assert_int_equal(usbnet_find_peer(*state, "enx3e220067e4e6", &p), -EMEDIUMTYPE);
	assert_string_equal(p.ifname, "enx3e220067e4e6");
	assert_int_equal(p.ifindex, 14);
	assert_string_equal(p.driver, "rndis_host");
	assert_int_equal(p.vendor_id, 0x18d1);
	assert_int_equal(p.product_id, 0x4ee3);
	assert_non_null(strstr(usbnet_ctx_error(*state), "upstream"));
}

static void test_find_peer_tethering_phone_claimed_by_serial_is_a_peer(void **state)
{
	struct usbnet_peer p;

	use_config(*state, "[peer lab-phone]\nserial=SNPHONE\nmode=gateway\n");
	assert_int_equal(usbnet_find_peer(*state, "enx3e220067e4e6", &p), 0);
	assert_string_equal(p.driver, "rndis_host");
	assert_int_equal(p.protocol, USBNET_PROTO_RNDIS);
	assert_int_equal(p.ifindex, 14);
	assert_true(usbnet_peer_is_upstream(&p));
	/* A group for another device claims nothing. */
	use_config(*state, "[peer other]\nserial=OTHER\nmode=gateway\n");
	assert_int_equal(usbnet_find_peer(*state, "enx3e220067e4e6", &p), -EMEDIUMTYPE);
	assert_non_null(strstr(usbnet_ctx_error(*state), "upstream"));
}

static void test_find_peer_missing_interface_is_enodev(void **state)
{
	struct usbnet_peer p;

	assert_int_equal(usbnet_find_peer(*state, "usb99", &p), -ENODEV);
	assert_int_equal(usbnet_find_peer(*state, "", &p), -ENODEV);
	assert_int_equal(usbnet_find_peer(*state, "..", &p), -ENODEV);
	assert_int_equal(usbnet_find_peer(*state, "../../devices", &p), -ENODEV);
	assert_int_equal(usbnet_find_peer(*state, "a-name-longer-than-ifnamsiz", &p), -ENODEV);
}

static void test_find_peer_reads_carrier_flags_and_low_speed(void **state)
{
	struct usbnet_peer p;

	umockdev_testbed_set_attribute(testbed, FOBNAIL_NET, "carrier", "1\n");
	umockdev_testbed_set_attribute(testbed, FOBNAIL_NET, "flags", "0x1003\n");
	umockdev_testbed_set_attribute(testbed, FOBNAIL_USB, "speed", "1.5\n");
	assert_int_equal(usbnet_find_peer(*state, "usb7", &p), 0);
	umockdev_testbed_set_attribute(testbed, FOBNAIL_NET, "carrier", "0\n");
	umockdev_testbed_set_attribute(testbed, FOBNAIL_NET, "flags", "0x1002\n");
	umockdev_testbed_set_attribute(testbed, FOBNAIL_USB, "speed", "480\n");
	assert_true(p.carrier);
	assert_true(p.up);
	assert_int_equal(p.speed_mbps, 1);

	assert_int_equal(usbnet_find_peer(*state, "usb7", &p), 0);
	assert_false(p.carrier);
	assert_false(p.up);
	assert_int_equal(p.speed_mbps, 480);
}

static void test_find_peer_keeps_device_strings_as_raw_bytes(void **state)
{
	char long_product[300 + 1];
	struct usbnet_peer p;

	/* A device may send any string: newline, shell metacharacters, invalid UTF-8. */
	umockdev_testbed_set_attribute(testbed, FOBNAIL_USB, "manufacturer",
				       "$(reboot);`id`|&>x\n\xff\xfe\n");
	memset(long_product, 'P', sizeof(long_product) - 1);
	long_product[sizeof(long_product) - 1] = '\0';
	umockdev_testbed_set_attribute(testbed, FOBNAIL_USB, "product", long_product);
	assert_int_equal(usbnet_find_peer(*state, "usb7", &p), 0);
	umockdev_testbed_set_attribute(testbed, FOBNAIL_USB, "manufacturer", "Fobnail\n");
	umockdev_testbed_set_attribute(testbed, FOBNAIL_USB, "product", "Fobnail\n");

	/* libudev drops the trailing newline, nothing else. */
	assert_string_equal(p.manufacturer, "$(reboot);`id`|&>x\n\xff\xfe");
	assert_int_equal(strlen(p.product), USBNET_STR_MAX - 1);
	assert_string_equal(p.serial, "TEST");
}

/* ---- usbnet_peer_from_env --------------------------------------------------------------- */

static void test_peer_from_env_fobnail_is_eem_peer(void **state)
{
	struct usbnet_peer p;
	struct env env;

	env_from_fixture(&env, "fobnail-1234-4321.umockdev");
	assert_int_equal(usbnet_peer_from_env(env.vars, &p), 0);
	env_free(&env);
	assert_string_equal(p.ifname, "usb7");
	assert_int_equal(p.ifindex, 10);
	assert_string_equal(p.driver, "cdc_eem");
	assert_int_equal(p.protocol, USBNET_PROTO_EEM);
	assert_int_equal(p.binding, USBNET_BINDING_OK);
	assert_int_equal(p.vendor_id, 0x1234);
	assert_int_equal(p.product_id, 0x4321);
	assert_string_equal(p.manufacturer, "Fobnail");
	assert_string_equal(p.product, "Fobnail");
	assert_string_equal(p.serial, "TEST");
	assert_string_equal(p.usb_path, "2-1");
	assert_string_equal(p.syspath, FOBNAIL_NET);
	assert_string_equal(p.mac, ""); /* random MAC: udev gives no ID_NET_NAME_MAC */
	assert_int_equal(p.nm_managed, -1);
	assert_int_equal(p.n_addrs, 0);
}

static void test_peer_from_env_n900_decodes_strings_and_mac(void **state)
{
	struct usbnet_peer p;
	struct env env;

	env_from_fixture(&env, "nokia-n900-0421-01c8.umockdev");
	assert_int_equal(usbnet_peer_from_env(env.vars, &p), 0);
	env_free(&env);
	assert_int_equal(p.protocol, USBNET_PROTO_ECM);
	assert_int_equal(p.vendor_id, 0x0421);
	assert_int_equal(p.product_id, 0x01c8);
	assert_string_equal(p.product, "N900 (PC-Suite Mode)");
	assert_string_equal(p.serial, "SNN900");
	assert_string_equal(p.mac, "22:9b:b3:51:86:08");
	assert_string_equal(p.usb_path, "1-1");
}

static void test_peer_from_env_flags_rndis_bound_to_cdc_subset(void **state)
{
	struct usbnet_peer p;
	struct env env;

	env_from_fixture(&env, "rndis-0525-a4a2-bound-cdc_subset.umockdev");
	assert_int_equal(usbnet_peer_from_env(env.vars, &p), 0);
	env_free(&env);
	assert_int_equal(p.protocol, USBNET_PROTO_SUBSET);
	assert_int_equal(p.binding, USBNET_BINDING_RNDIS_AS_SUBSET);
	assert_string_equal(p.usb_path, "3-1");
}

static void test_peer_from_env_unknown_gadget_is_a_peer(void **state)
{
	char *envp[] = {
		"ACTION=add",
		"DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.4/1-1.4:1.0/net/usb0",
		"SUBSYSTEM=net",
		"INTERFACE=usb0",
		"IFINDEX=7",
		"ID_USB_DRIVER=cdc_ncm",
		"ID_VENDOR_ID=abcd",
		"ID_MODEL_ID=ef01",
		"ID_VENDOR_ENC=Acme\\x20Corp",
		"ID_MODEL_ENC=Widget\\x5c2",
		"ID_SERIAL_SHORT=0001",
		"ID_USB_INTERFACES=:020d00:0a0001:",
		NULL,
	};
	struct usbnet_peer p;

	assert_int_equal(usbnet_peer_from_env(envp, &p), 0);
	assert_string_equal(p.ifname, "usb0");
	assert_int_equal(p.ifindex, 7);
	assert_int_equal(p.protocol, USBNET_PROTO_NCM);
	assert_int_equal(p.vendor_id, 0xabcd);
	assert_int_equal(p.product_id, 0xef01);
	assert_string_equal(p.manufacturer, "Acme Corp");
	assert_string_equal(p.product, "Widget\\2");
	assert_string_equal(p.usb_path, "1-1.4");
	assert_false(usbnet_peer_is_upstream(&p));
}

/* A gadget whose strings the kernel dropped (seen in scenario 16: a manufacturer that is not
 * valid UTF-8 is never sent): udev puts the IDs in hex in their place, which are not the
 * device's words. */
static void test_peer_from_env_udev_id_stand_ins_are_no_strings(void **state)
{
	char *envp[] = {
		"SUBSYSTEM=net",	 "INTERFACE=usb0",	 "ID_USB_DRIVER=cdc_ether",
		"ID_VENDOR_ID=1209",	 "ID_MODEL_ID=0002",	 "ID_VENDOR_ENC=1209",
		"ID_MODEL_ENC=0002",	 NULL,
	};
	struct usbnet_peer p;

	assert_int_equal(usbnet_peer_from_env(envp, &p), 0);
	assert_string_equal(p.manufacturer, "");
	assert_string_equal(p.product, "");
}

static void test_peer_from_env_uses_id_net_driver_without_id_usb_driver(void **state)
{
	char *envp[] = { "SUBSYSTEM=net", "INTERFACE=usb3", "ID_NET_DRIVER=zaurus", NULL };
	struct usbnet_peer p;

	assert_int_equal(usbnet_peer_from_env(envp, &p), 0);
	assert_string_equal(p.driver, "zaurus");
	assert_int_equal(p.protocol, USBNET_PROTO_ZAURUS);
	assert_string_equal(p.usb_path, "");
	assert_string_equal(p.syspath, "");
}

static void test_peer_from_env_android_phone_is_upstream_with_its_record(void **state)
{
	struct usbnet_peer p;
	struct env env;

	/* Not a peer by itself; the record is there for a [peer] group to claim (udev-probe). */
	memset(&p, 0xa5, sizeof(p));
	env_from_fixture(&env, "android-tethering-18d1-4ee3.umockdev");
	assert_int_equal(usbnet_peer_from_env(env.vars, &p), -EMEDIUMTYPE);
	env_free(&env);
	assert_true(usbnet_peer_is_upstream(&p));
	assert_string_equal(p.ifname, "enx3e220067e4e6");
	assert_string_equal(p.driver, "rndis_host");
	assert_int_equal(p.vendor_id, 0x18d1);
	assert_int_equal(p.product_id, 0x4ee3);
	assert_string_equal(p.serial, "SNPHONE");
	assert_string_equal(p.mac, "3e:22:00:67:e4:e6");
}

static void test_peer_from_env_pci_card_and_non_net_are_not_peers(void **state)
{
	char *usb_env[] = { "SUBSYSTEM=usb", "INTERFACE=usb0", "ID_USB_DRIVER=cdc_ether", NULL };
	char *no_driver[] = { "SUBSYSTEM=net", "INTERFACE=usb0", NULL };
	char *modem[] = { "SUBSYSTEM=net", "INTERFACE=wwan0", "ID_USB_DRIVER=qmi_wwan", NULL };
	char *too_long[] = { "SUBSYSTEM=net", "INTERFACE=0123456789abcdef",
			     "ID_USB_DRIVER=cdc_ether", NULL };
	char *empty[] = { NULL };
	struct usbnet_peer p;
	struct env env;

	env_from_fixture(&env, "pci-e1000e-8086-15bb.umockdev");
	assert_int_equal(usbnet_peer_from_env(env.vars, &p), -EMEDIUMTYPE);
	env_free(&env);
	assert_int_equal(usbnet_peer_from_env(usb_env, &p), -EMEDIUMTYPE);
	assert_int_equal(usbnet_peer_from_env(no_driver, &p), -EMEDIUMTYPE);
	assert_int_equal(usbnet_peer_from_env(modem, &p), -EMEDIUMTYPE);
	assert_int_equal(usbnet_peer_from_env(too_long, &p), -EINVAL);
	assert_int_equal(usbnet_peer_from_env(empty, &p), -EMEDIUMTYPE);
	assert_int_equal(usbnet_peer_from_env(NULL, &p), -EMEDIUMTYPE);
	/* No record for these: untouched. */
	memset(&p, 0xa5, sizeof(p));
	assert_int_equal(usbnet_peer_from_env(modem, &p), -EMEDIUMTYPE);
	assert_int_equal((unsigned char)p.ifname[0], 0xa5);
}

static void test_peer_from_env_bounds_hostile_strings(void **state)
{
	struct {
		struct usbnet_peer p;
		unsigned char canary[64];
	} out;
	char model[2048], serial[400];
	struct env env;
	size_t n;

	/* Shell metacharacters, an encoded newline, invalid UTF-8, then 300 more bytes. */
	n = (size_t)snprintf(model, sizeof(model), "$(reboot);`id`|&>x\\x0a\\xff\\xfe\\x22\\x27");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(model + n, sizeof(model) - n, "\\x41");
	memset(serial, 'S', sizeof(serial) - 1);
	serial[sizeof(serial) - 1] = '\0';

	env_from_fixture(&env, "fobnail-1234-4321.umockdev");
	env_set(&env, "ID_MODEL_ENC", model);
	env_set(&env, "ID_VENDOR_ENC", "Evil\\x0aVENDOR=1\\x00hidden");
	env_set(&env, "ID_SERIAL_SHORT", serial);
	env_set(&env, "ID_VENDOR_ID", "12345678");
	memset(&out, 0, sizeof(out));
	memset(out.canary, 0x5a, sizeof(out.canary));
	assert_int_equal(usbnet_peer_from_env(env.vars, &out.p), 0);
	env_free(&env);

	assert_int_equal(strlen(out.p.product), USBNET_STR_MAX - 1);
	assert_memory_equal(out.p.product, "$(reboot);`id`|&>x\n\xff\xfe\"'AAA", 26);
	assert_string_equal(out.p.manufacturer, "Evil\nVENDOR=1"); /* \x00 ends it */
	assert_int_equal(strlen(out.p.serial), USBNET_STR_MAX - 1);
	assert_int_equal(out.p.vendor_id, 0); /* not a 16-bit ID: not taken */
	for (size_t i = 0; i < sizeof(out.canary); i++)
		assert_int_equal(out.canary[i], 0x5a);
}

static void test_peer_from_env_cut_never_splits_utf8(void **state)
{
	char model[1024], serial[300];
	struct usbnet_peer p;
	struct env env;
	size_t n = 0;

	/* 126 'A' and a 2-byte "é": 128 bytes do not fit in 127; the whole "é" goes. */
	for (int i = 0; i < 126; i++)
		n += (size_t)snprintf(model + n, sizeof(model) - n, "A");
	snprintf(model + n, sizeof(model) - n, "\\xc3\\xa9");
	/* Raw bytes: 125 'S' and a 3-byte "€". */
	memset(serial, 'S', 125);
	memcpy(serial + 125, "\xe2\x82\xac", 4);

	env_from_fixture(&env, "fobnail-1234-4321.umockdev");
	env_set(&env, "ID_MODEL_ENC", model);
	env_set(&env, "ID_SERIAL_SHORT", serial);
	assert_int_equal(usbnet_peer_from_env(env.vars, &p), 0);
	env_free(&env);
	assert_int_equal(strlen(p.product), 126);
	assert_int_equal(strlen(p.serial), 125);
}

static void test_peer_from_env_takes_well_under_10_ms(void **state)
{
	struct timespec a, b;
	struct usbnet_peer p;
	struct env env;
	long long ns;
	const int rounds = 1000;

	env_from_fixture(&env, "fobnail-1234-4321.umockdev");
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < rounds; i++)
		assert_int_equal(usbnet_peer_from_env(env.vars, &p), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	env_free(&env);
	ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	/* Pure parsing: microseconds. A millisecond per call would already mean I/O crept in. */
	assert_true(ns / rounds < 1000000);
}

/* ---- upstream and helpers --------------------------------------------------------------- */

static void test_upstream_is_tethering_phones_and_modems(void **state)
{
	struct usbnet_peer p = { .vendor_id = 0x18d1, .product_id = 0x4ee3 };

	assert_true(usbnet_peer_is_upstream(&p));
	p.product_id = 0x4ee4;
	assert_true(usbnet_peer_is_upstream(&p));
	p.product_id = 0x4ee1; /* MTP: not tethering */
	assert_false(usbnet_peer_is_upstream(&p));
	p.vendor_id = 0x04e8;
	p.product_id = 0x6863;
	assert_true(usbnet_peer_is_upstream(&p));

	memset(&p, 0, sizeof(p));
	p.vendor_id = 0x1234;
	p.product_id = 0x4321;
	strcpy(p.driver, "cdc_eem");
	assert_false(usbnet_peer_is_upstream(&p));
	strcpy(p.driver, "ipheth");
	assert_true(usbnet_peer_is_upstream(&p));
	strcpy(p.driver, "cdc_mbim");
	assert_true(usbnet_peer_is_upstream(&p));
	strcpy(p.driver, "qmi_wwan");
	assert_true(usbnet_peer_is_upstream(&p));
	assert_false(usbnet_peer_is_upstream(NULL));
}

static void test_binding_is_rndis_as_subset_only_for_cdc_subset(void **state)
{
	assert_int_equal(discover_binding("cdc_subset", ":0202ff:0a0000:", NULL),
			 USBNET_BINDING_RNDIS_AS_SUBSET);
	assert_int_equal(discover_binding("cdc_subset", ":E00103:0A0000:", NULL),
			 USBNET_BINDING_RNDIS_AS_SUBSET);
	assert_int_equal(discover_binding("cdc_subset", NULL, "ef0401"),
			 USBNET_BINDING_RNDIS_AS_SUBSET);
	assert_int_equal(discover_binding("cdc_subset", ":ff0000:", "ff0000"), USBNET_BINDING_OK);
	assert_int_equal(discover_binding("rndis_host", ":0202ff:0a0000:", "0202ff"),
			 USBNET_BINDING_OK);
	assert_int_equal(discover_binding("cdc_ether", ":020600:0a0000:", NULL), USBNET_BINDING_OK);
	assert_int_equal(discover_binding("cdc_subset", ":0202f:", NULL), USBNET_BINDING_OK);
}

static void test_decode_enc_handles_escapes_and_bounds(void **state)
{
	char buf[8];

	discover_decode_enc(buf, sizeof(buf), "a\\x20b");
	assert_string_equal(buf, "a b");
	discover_decode_enc(buf, sizeof(buf), "\\x5c\\x");
	assert_string_equal(buf, "\\\\x");
	discover_decode_enc(buf, sizeof(buf), "x\\xZZ\\x4");
	assert_string_equal(buf, "x\\xZZ\\x");
	discover_decode_enc(buf, sizeof(buf), "0123456789");
	assert_string_equal(buf, "0123456");
	discover_decode_enc(buf, sizeof(buf), NULL);
	assert_string_equal(buf, "");
	discover_copy_str(buf, sizeof(buf), "01234\xff\xff\xff\xff");
	assert_string_equal(buf, "01234\xff\xff"); /* invalid bytes are cut where they are */
	discover_copy_str(buf, 1, "abc");
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_discover_lists_only_usb_peers_sorted_by_name),
		T(test_discover_lists_fobnail_as_eem_peer),
		T(test_discover_lists_n900_as_ecm_peer),
		T(test_discover_lists_linux_gadgets_with_their_protocols),
		T(test_discover_flags_rndis_gadget_bound_to_cdc_subset),
		T(test_discover_asks_netlink_once_for_all_peers),
		T(test_discover_works_without_netlink_or_networkmanager),
		T(test_discover_lists_a_tethering_phone_a_group_claims),
		T(test_discover_hides_a_tethering_phone_a_driver_group_matches),
		T(test_find_peer_fobnail_has_addresses_and_nm_state),
		T(test_find_peer_pci_card_is_not_a_peer),
		T(test_find_peer_android_tethering_phone_is_upstream),
		T(test_find_peer_tethering_phone_claimed_by_serial_is_a_peer),
		T(test_find_peer_missing_interface_is_enodev),
		T(test_find_peer_reads_carrier_flags_and_low_speed),
		T(test_find_peer_keeps_device_strings_as_raw_bytes),
		cmocka_unit_test(test_peer_from_env_fobnail_is_eem_peer),
		cmocka_unit_test(test_peer_from_env_n900_decodes_strings_and_mac),
		cmocka_unit_test(test_peer_from_env_flags_rndis_bound_to_cdc_subset),
		cmocka_unit_test(test_peer_from_env_unknown_gadget_is_a_peer),
		cmocka_unit_test(test_peer_from_env_udev_id_stand_ins_are_no_strings),
		cmocka_unit_test(test_peer_from_env_uses_id_net_driver_without_id_usb_driver),
		cmocka_unit_test(test_peer_from_env_android_phone_is_upstream_with_its_record),
		cmocka_unit_test(test_peer_from_env_pci_card_and_non_net_are_not_peers),
		cmocka_unit_test(test_peer_from_env_bounds_hostile_strings),
		cmocka_unit_test(test_peer_from_env_cut_never_splits_utf8),
		cmocka_unit_test(test_peer_from_env_takes_well_under_10_ms),
		cmocka_unit_test(test_upstream_is_tethering_phones_and_modems),
		cmocka_unit_test(test_binding_is_rndis_as_subset_only_for_cdc_subset),
		cmocka_unit_test(test_decode_enc_handles_escapes_and_bounds),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

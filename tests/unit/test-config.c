/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration parser: good files, and every kind of bad one with its message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "peer/config.h"

#define FILE_NAME "/etc/usbnet-host/usbnet-host.conf"

static char err[1024];

static int parse(const char *text, struct usbnet_config **ret)
{
	err[0] = '\0';
	return config_parse(text, strlen(text), FILE_NAME, ret, err, sizeof(err));
}

/* The text must be rejected with a message naming the file, the line and the problem. */
static void assert_bad(const char *text, unsigned line, const char *problem)
{
	struct usbnet_config *c = NULL;
	char where[128];
	int r = parse(text, &c);

	if (r != -EINVAL || !strstr(err, problem))
		print_error("text:\n%s\nmessage: %s\n", text, err);
	assert_int_equal(r, -EINVAL);
	assert_null(c);
	snprintf(where, sizeof(where), FILE_NAME ":%u: ", line);
	if (strncmp(err, where, strlen(where)) != 0)
		print_error("expected \"%s\" at the start of: %s\n", where, err);
	assert_true(strncmp(err, where, strlen(where)) == 0);
	assert_non_null(strstr(err, problem));
}

static const char good[] = "# usbnet-host configuration\n"
			   "[general]\n"
			   "auto=none\n"
			   "\n"
			   "[peer n900]\n"
			   "usb=0421:01C8\n"
			   "serial=ABC123\n"
			   "mac=AA:bb:cc:dd:ee:0F\n"
			   "driver=cdc_ether\n"
			   "product=N900 (PC-Suite Mode)\n"
			   "mode=gateway\n"
			   "address=192.168.2.14/24\n"
			   "peer=192.168.2.15\n"
			   "uplink=wlan0\n"
			   "bridge=br-usb\n"
			   "wait=10\n"
			   "dns=yes\n"
			   "trusted=no\n"
			   "\n"
			   "  [peer fob]  \n"
			   "  product = Fobnail\r\n"
			   "uplink=auto\n"
			   "ipv6=off\n";

static void test_good_file_sets_every_key(void **state)
{
	struct usbnet_config *c = NULL;
	const struct config_peer *p;
	char a[INET_ADDRSTRLEN];

	assert_int_equal(parse(good, &c), 0);
	assert_string_equal(err, "");
	assert_int_equal(c->auto_mode, CONFIG_AUTO_NONE);
	assert_int_equal(c->n_peers, 2);

	p = &c->peers[0];
	assert_string_equal(p->name, "n900");
	assert_int_equal(p->line, 5);
	assert_true(p->has_usb);
	assert_int_equal(p->vendor_id, 0x0421);
	assert_int_equal(p->product_id, 0x01c8);
	assert_string_equal(p->serial, "ABC123");
	assert_string_equal(p->mac, "aa:bb:cc:dd:ee:0f");
	assert_string_equal(p->driver, "cdc_ether");
	assert_string_equal(p->product, "N900 (PC-Suite Mode)");
	assert_true(p->has_mode);
	assert_int_equal(p->mode, USBNET_MODE_GATEWAY);
	assert_true(p->has_host);
	assert_string_equal(inet_ntop(AF_INET, &p->host.addr, a, sizeof(a)), "192.168.2.14");
	assert_int_equal(p->host.prefix, 24);
	assert_true(p->has_peer);
	assert_string_equal(inet_ntop(AF_INET, &p->peer, a, sizeof(a)), "192.168.2.15");
	assert_string_equal(p->uplink, "wlan0");
	assert_string_equal(p->bridge, "br-usb");
	assert_int_equal(p->wait_s, 10);
	assert_int_equal(p->dns, 1);
	assert_int_equal(p->trusted, 0);
	assert_int_equal(p->ipv6, -1);

	p = &c->peers[1];
	assert_string_equal(p->name, "fob");
	assert_int_equal(p->line, 20);
	assert_false(p->has_usb);
	assert_string_equal(p->product, "Fobnail");
	assert_null(p->serial);
	assert_false(p->has_mode);
	assert_false(p->has_host);
	assert_string_equal(p->uplink, "auto");
	assert_int_equal(p->wait_s, -1);
	assert_int_equal(p->dns, -1);
	assert_int_equal(p->trusted, -1);
	assert_int_equal(p->ipv6, 0);
	config_free(c);
}

static void test_empty_file_has_defaults(void **state)
{
	struct usbnet_config *c = NULL;

	assert_int_equal(config_parse("", 0, FILE_NAME, &c, err, sizeof(err)), 0);
	assert_int_equal(c->auto_mode, CONFIG_AUTO_PROFILES);
	assert_int_equal(c->workers, CONFIG_WORKERS_DEFAULT);
	assert_int_equal(c->n_peers, 0);
	config_free(c);
	assert_int_equal(config_parse(NULL, 0, FILE_NAME, &c, NULL, 0), 0);
	config_free(c);
}

/* [general] workers=: how many peers the watcher works on at once, 1 to 256. */
static void test_workers(void **state)
{
	struct usbnet_config *c = NULL;

	(void)state;
	assert_int_equal(parse("[general]\nworkers=3\n", &c), 0);
	assert_int_equal(c->workers, 3);
	config_free(c);
	assert_int_equal(parse("[general]\nworkers=256\n", &c), 0);
	assert_int_equal(c->workers, 256);
	config_free(c);
	assert_bad("[general]\nworkers=0\n", 2, "\"0\" is not a number from 1 to 256");
	assert_bad("[general]\nworkers=257\n", 2, "is not a number from 1 to 256");
	assert_bad("[general]\nworkers=-1\n", 2, "is not a number from 1 to 256");
	assert_bad("[general]\nworkers=many\n", 2, "is not a number from 1 to 256");
	assert_bad("[general]\nworkers=\n", 2, "is not a number from 1 to 256");
}

static void test_auto_profiles_and_true_false_accepted(void **state)
{
	struct usbnet_config *c = NULL;

	assert_int_equal(parse("[general]\nauto=profiles\n[peer a]\nserial=1\ndns=true\n"
			       "trusted=false\nwait=0\n",
			       &c),
			 0);
	assert_int_equal(c->auto_mode, CONFIG_AUTO_PROFILES);
	assert_int_equal(c->peers[0].dns, 1);
	assert_int_equal(c->peers[0].trusted, 0);
	assert_int_equal(c->peers[0].wait_s, 0);
	config_free(c);
}

static void test_bad_address_names_file_line_group_key(void **state)
{
	struct usbnet_config *c = NULL;
	const char *text = "[peer n900]\n"
			   "usb=0421:01c8\n"
			   "\n"
			   "# comment\n"
			   "mode=static\n"
			   "peer=192.168.2.15\n"
			   "address=192.168.2.300/24\n";

	assert_int_equal(parse(text, &c), -EINVAL);
	assert_string_equal(err, FILE_NAME ":7: [peer n900] address: \"192.168.2.300/24\" is not "
				     "an IPv4 address with a prefix (A.B.C.D/N)");
}

static void test_address_without_prefix_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\naddress=169.254.0.8\n", 3,
		   "[peer a] address: \"169.254.0.8\" is not an IPv4 address with a prefix");
}

static void test_bad_prefix_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\naddress=169.254.0.8/33\n", 3,
		   "is not an IPv4 address with a prefix");
	assert_bad("[peer a]\nusb=1234:4321\naddress=169.254.0.8/\n", 3,
		   "is not an IPv4 address with a prefix");
	assert_bad("[peer a]\nusb=1234:4321\naddress=169.254.0.8/0\n", 3, "/0 prefix");
}

static void test_bad_peer_address_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\npeer=169.254.0.1/16\n", 3,
		   "[peer a] peer: \"169.254.0.1/16\" is not an IPv4 address (A.B.C.D)");
	assert_bad("[peer a]\nusb=1234:4321\npeer=fobnail\n", 3, "is not an IPv4 address");
}

/* probe-from=: a prefix (not /0) or no; unset stays -1 (the profile's). */
static void test_probe_from(void **state)
{
	struct usbnet_config *c = NULL;

	assert_int_equal(parse("[peer a]\nusb=1234:4321\nprobe-from=10.12.194.0/28\n"
			       "[peer b]\nusb=1234:4322\nprobe-from=no\n[peer c]\nusb=1234:4323\n",
			       &c),
			 0);
	assert_int_equal(c->peers[0].probe_from, 1);
	assert_int_equal(ntohl(c->peers[0].probe_from_ip.addr.s_addr), 0x0a0cc200);
	assert_int_equal(c->peers[0].probe_from_ip.prefix, 28);
	assert_int_equal(c->peers[1].probe_from, 0);
	assert_int_equal(c->peers[2].probe_from, -1);
	config_free(c);
	assert_bad("[peer a]\nusb=1234:4321\nprobe-from=10.12.194.1\n", 3,
		   "[peer a] probe-from: \"10.12.194.1\" is not an IPv4 prefix");
	assert_bad("[peer a]\nusb=1234:4321\nprobe-from=0.0.0.0/0\n", 3, "not /0");
}

static void test_address_equal_to_peer_is_rejected(void **state)
{
	assert_bad("[general]\n[peer a]\nusb=1234:4321\naddress=10.0.0.1/24\npeer=10.0.0.1\n", 2,
		   "[peer a]: address and peer are the same address");
}

static void test_unknown_key_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\n\nadress=10.0.0.1/24\n", 4,
		   "[peer a]: unknown key \"adress\"");
	assert_bad("[general]\nmode=static\n", 2, "[general]: unknown key \"mode\"");
	/* GKeyFile's localised keys are no exception. */
	assert_bad("[peer a]\nusb=1234:4321\nmode[de]=static\n", 3, "unknown key \"mode[de]\"");
}

static void test_unknown_group_is_rejected(void **state)
{
	assert_bad("[general]\nauto=none\n[peers n900]\nusb=0421:01c8\n", 3,
		   "[peers n900]: unknown group (expected [general] or [peer NAME])");
	assert_bad("[peer]\nusb=0421:01c8\n", 1, "[peer]: unknown group");
}

static void test_bad_peer_name_is_rejected(void **state)
{
	assert_bad("[peer a b]\nusb=0421:01c8\n", 1, "the peer's name must be");
	assert_bad("[peer  a]\nusb=0421:01c8\n", 1, "the peer's name must be");
	assert_bad("[peer $(reboot)]\nusb=0421:01c8\n", 1, "the peer's name must be");
}

static void test_duplicate_group_names_both_lines(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\n\n[peer b]\nserial=x\n[peer a]\nserial=y\n", 6,
		   "[peer a]: duplicate group (first at line 1)");
	assert_bad("[general]\n[general]\n", 2, "[general]: duplicate group (first at line 1)");
}

static void test_duplicate_key_names_both_lines(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\nmode=static\nmode=gateway\n", 4,
		   "[peer a] mode: duplicate key (first at line 3)");
}

static void test_same_key_in_two_groups_is_fine(void **state)
{
	struct usbnet_config *c = NULL;

	assert_int_equal(parse("[peer a]\nusb=1234:4321\n[peer b]\nusb=0421:01c8\n", &c), 0);
	assert_int_equal(c->n_peers, 2);
	config_free(c);
}

static void test_group_without_match_key_is_rejected(void **state)
{
	assert_bad("[general]\nauto=profiles\n\n[peer lonely]\nmode=static\n"
		   "address=10.0.0.1/24\n",
		   4, "[peer lonely]: no match key");
	assert_bad("[peer empty]\n", 1, "[peer empty]: no match key");
}

static void test_bad_usb_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234-4321\n", 2,
		   "[peer a] usb: \"1234-4321\" is not VID:PID (4 hex digits each)");
	assert_bad("[peer a]\nusb=123:4321\n", 2, "is not VID:PID");
	assert_bad("[peer a]\nusb=12345:4321\n", 2, "is not VID:PID");
	assert_bad("[peer a]\nusb=12g4:4321\n", 2, "is not VID:PID");
	assert_bad("[peer a]\nusb=1234:4321 \n", 2, "is not VID:PID");
}

static void test_bad_mac_is_rejected(void **state)
{
	assert_bad("[peer a]\nmac=aa:bb:cc:dd:ee\n", 2, "[peer a] mac: \"aa:bb:cc:dd:ee\" is not "
							 "a MAC address");
	assert_bad("[peer a]\nmac=aa-bb-cc-dd-ee-ff\n", 2, "is not a MAC address");
}

static void test_bad_mode_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\nmode=router\n", 3,
		   "[peer a] mode: \"router\" is not static, gateway, bridge, dhcp, ignore or "
		   "auto");
	assert_bad("[peer a]\nusb=1234:4321\nmode=Static\n", 3, "is not static");
}

static void test_bad_auto_is_rejected(void **state)
{
	assert_bad("[general]\nauto=all\n", 2, "[general] auto: \"all\" is not profiles or none");
}

static void test_bad_bool_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\ndns=maybe\n", 3,
		   "[peer a] dns: \"maybe\" is not yes or no");
	assert_bad("[peer a]\nusb=1234:4321\ntrusted=1\n", 3,
		   "[peer a] trusted: \"1\" is not yes or no");
}

static void test_bad_ipv6_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\nipv6=no\n", 3,
		   "[peer a] ipv6: \"no\" is not on or off");
	assert_bad("[peer a]\nusb=1234:4321\nipv6=\n", 3, "is not on or off");
}

static void test_bad_wait_is_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\nwait=601\n", 3,
		   "[peer a] wait: \"601\" is not a number of seconds from 0 to 600");
	assert_bad("[peer a]\nusb=1234:4321\nwait=-1\n", 3, "is not a number of seconds");
	assert_bad("[peer a]\nusb=1234:4321\nwait=3s\n", 3, "is not a number of seconds");
	assert_bad("[peer a]\nusb=1234:4321\nwait=\n", 3, "is not a number of seconds");
	assert_bad("[peer a]\nusb=1234:4321\nwait=99999999999999999999\n", 3,
		   "is not a number of seconds");
}

static void test_bad_interface_names_are_rejected(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\nuplink=wlan0123456789ab\n", 3,
		   "[peer a] uplink: \"wlan0123456789ab\" is not an interface name");
	assert_bad("[peer a]\nusb=1234:4321\nbridge=../etc\n", 3, "is not an interface name");
	assert_bad("[peer a]\nusb=1234:4321\nbridge=..\n", 3, "is not an interface name");
	assert_bad("[peer a]\nusb=1234:4321\nbridge=.\n", 3, "is not an interface name");
	assert_bad("[peer a]\nusb=1234:4321\nbridge=br 0\n", 3, "is not an interface name");
	assert_bad("[peer a]\nusb=1234:4321\nbridge=auto\\t\n", 3, "is not an interface name");
	assert_bad("[peer a]\nusb=1234:4321\nbridge=\n", 3, "is not an interface name");
}

static void test_fifteen_char_interface_name_is_fine(void **state)
{
	struct usbnet_config *c = NULL;

	assert_int_equal(parse("[peer a]\nusb=1234:4321\nuplink=wlan0123456789a\n", &c), 0);
	assert_string_equal(c->peers[0].uplink, "wlan0123456789a");
	config_free(c);
}

static void test_empty_or_overlong_match_strings_are_rejected(void **state)
{
	char text[512];

	assert_bad("[peer a]\nserial=\n", 2, "[peer a] serial: \"\": the value must be 1 to 127");
	snprintf(text, sizeof(text), "[peer a]\nproduct=%0128d\n", 0);
	assert_bad(text, 2, "the value must be 1 to 127 bytes long");
	assert_bad("[peer a]\ndriver=a_very_long_driver_name_beyond_31\n", 2,
		   "the value must be 1 to 31 bytes long");
}

static void test_syntax_errors_name_their_line(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\nthis is not a key\n", 3,
		   "syntax error: expected [group], key=value or a # comment");
	assert_bad("[peer a\nusb=1234:4321\n", 1, "syntax error: a group header is [NAME]");
	assert_bad("[peer a] x\nusb=1234:4321\n", 1, "syntax error: text after the group");
	assert_bad("[peer a]\n=1234:4321\n", 2, "a key name is missing");
	assert_bad("# first\nusb=1234:4321\n[peer a]\n", 2, "key=value before the first [group]");
	/* Not a configuration file (a file named by mistake): named, none of its text quoted. */
	assert_bad("root:$y$j9T$secrethash:19000:0:99999:7:::\n", 1,
		   "not a usbnet-host configuration file");
	assert_null(strstr(err, "secret"));
	assert_bad("# c\n-----BEGIN PRIVATE KEY-----\nMIIsecret\n", 2,
		   "not a usbnet-host configuration file");
	assert_null(strstr(err, "secret"));
	assert_null(strstr(err, "PRIVATE"));
	/* Found by fuzz-config: GKeyFile does not skip a vertical tab as whitespace. */
	assert_bad("[peer a]\nusb=1234:4321\n\v\n", 3, "syntax error: expected [group]");
	/* Found by fuzz-config: a '\r' at the very end is not a line ending to GKeyFile. */
	assert_bad("[peer b]\nusb=1234:4321\n\r\r[peer a]\r", 3, "text after the group header");
}

static void test_invalid_escape_names_its_line(void **state)
{
	assert_bad("[peer a]\nusb=1234:4321\nproduct=bad\\qescape\n", 3,
		   "[peer a] product: an invalid escape sequence");
}

static void test_hostile_bytes_are_rejected_and_quoted_safely(void **state)
{
	struct usbnet_config *c = NULL;
	const char nul[] = "[peer a]\nusb=1234:4321\nproduct=a\0b\n";

	assert_int_equal(config_parse(nul, sizeof(nul) - 1, FILE_NAME, &c, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, FILE_NAME ":3: the line holds a NUL byte"));
	assert_bad("[peer a]\nusb=1234:4321\nproduct=\xff\xfe\n", 3, "not valid UTF-8");
	/* A bad value is quoted with anything unprintable escaped: the message is safe. */
	assert_bad("[peer a]\nusb=1234:4321\nmode=\x1b[2J\xc3\xa9\n", 3,
		   "\"\\x1b[2J\\xc3\\xa9\" is not static");
}

static void test_small_error_buffer_is_cut_not_overrun(void **state)
{
	struct usbnet_config *c = NULL;
	char small[16];
	const char *text = "[peer a]\nusb=1234:4321\nmode=router\n";

	memset(small, 'x', sizeof(small));
	assert_int_equal(config_parse(text, strlen(text), FILE_NAME, &c, small, sizeof(small)),
			 -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(config_parse(text, strlen(text), FILE_NAME, &c, NULL, 0), -EINVAL);
}

static struct usbnet_peer peer_n900(void)
{
	struct usbnet_peer p = {
		.ifname = "usb0",
		.driver = "cdc_ether",
		.vendor_id = 0x0421,
		.product_id = 0x01c8,
		.product = "N900 (PC-Suite Mode)",
		.serial = "ABC123",
		.mac = "aa:bb:cc:dd:ee:0f",
	};
	return p;
}

static void test_match_needs_every_given_key(void **state)
{
	struct usbnet_config *c = NULL;
	struct usbnet_peer p = peer_n900();

	assert_int_equal(parse(good, &c), 0);
	assert_ptr_equal(config_match(c, &p), &c->peers[0]);
	strcpy(p.serial, "ABC124");
	assert_null(config_match(c, &p));
	p = peer_n900();
	strcpy(p.driver, "rndis_host");
	assert_null(config_match(c, &p));
	p = peer_n900();
	p.product_id = 0x01c9;
	assert_null(config_match(c, &p));
	p = peer_n900();
	/* Strings compare exactly. */
	strcpy(p.product, "n900 (pc-suite mode)");
	assert_null(config_match(c, &p));
	config_free(c);
}

static void test_match_mac_ignores_case(void **state)
{
	struct usbnet_config *c = NULL;
	struct usbnet_peer p = peer_n900();

	assert_int_equal(parse(good, &c), 0);
	strcpy(p.mac, "AA:BB:CC:DD:EE:0F");
	assert_ptr_equal(config_match(c, &p), &c->peers[0]);
	config_free(c);
}

static void test_match_takes_first_matching_group(void **state)
{
	struct usbnet_config *c = NULL;
	struct usbnet_peer p = peer_n900();

	assert_int_equal(parse("[peer by-driver]\ndriver=cdc_ether\n[peer by-usb]\n"
			       "usb=0421:01c8\n",
			       &c),
			 0);
	assert_string_equal(config_match(c, &p)->name, "by-driver");
	strcpy(p.driver, "cdc_ncm");
	assert_string_equal(config_match(c, &p)->name, "by-usb");
	config_free(c);
}

static void test_match_without_config_is_null(void **state)
{
	struct usbnet_peer p = peer_n900();

	assert_null(config_match(NULL, &p));
}

static void test_load_missing_file_is_enoent_with_message(void **state)
{
	struct usbnet_config *c = NULL;

	assert_int_equal(config_load("/nonexistent/usbnet-host.conf", &c, err, sizeof(err)),
			 -ENOENT);
	assert_null(c);
	assert_string_equal(err, "/nonexistent/usbnet-host.conf: no such file");
}

static void test_load_directory_fails_with_message(void **state)
{
	struct usbnet_config *c = NULL;

	assert_int_equal(config_load("/", &c, err, sizeof(err)), -EISDIR);
	assert_null(c);
	assert_string_equal(err, "/: not a regular file");
}

static void test_load_reads_a_file_and_names_it_in_errors(void **state)
{
	char path[] = "/tmp/test-config-XXXXXX";
	struct usbnet_config *c = NULL;
	const char *bad = "[peer a]\nusb=1234:4321\nwait=forever\n";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, good, strlen(good)), (int)strlen(good));
	assert_int_equal(config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c->n_peers, 2);
	c = config_free(c);

	assert_int_equal(ftruncate(fd, 0), 0);
	assert_int_equal(pwrite(fd, bad, strlen(bad), 0), (int)strlen(bad));
	assert_int_equal(config_load(path, &c, err, sizeof(err)), -EINVAL);
	assert_null(c);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_non_null(strstr(err, ":3: [peer a] wait: \"forever\""));
	close(fd);
	unlink(path);
}

/* config_check: host facts given by the test (no getifaddrs, no interfaces). */
static char said[16][512];
static bool said_warning[16];
static unsigned n_said;

static void collect(void *data, bool warning, const char *line)
{
	(void)data;
	if (n_said < 16) {
		snprintf(said[n_said], sizeof(said[0]), "%s", line);
		said_warning[n_said] = warning;
	}
	n_said++;
}

static bool only_eth9(const char *ifname)
{
	return strcmp(ifname, "eth9") == 0;
}

static const struct config_host_addr host_addrs[] = {
	{ .ifname = "eth9", .addr = { .addr = { .s_addr = 0 }, .prefix = 24 } },
};

static unsigned check(const char *text, struct config_host_addr *addrs, size_t n)
{
	struct usbnet_config *c = NULL;
	unsigned errors;

	assert_int_equal(parse(text, &c), 0);
	n_said = 0;
	errors = config_check(c, FILE_NAME, addrs, n, only_eth9, collect, NULL);
	config_free(c);
	return errors;
}

static void test_check_says_each_meaning_problem(void **state)
{
	struct config_host_addr addrs[2] = { host_addrs[0], host_addrs[0] };
	const char *text = "[peer a]\n"		     /* 1 */
			   "usb=1d6b:0104\n"		     /* 2 */
			   "mode=static\n"		     /* 3 */
			   "[peer b]\n"		     /* 4 */
			   "serial=S\n"		     /* 5 */
			   "mode=dhcp\n"		     /* 6 */
			   "address=10.1.0.1/24\n"	     /* 7 */
			   "uplink=eth9\n"		     /* 8 */
			   "[peer c]\n"		     /* 9 */
			   "usb=1d6b:0104\n"		     /* 10 */
			   "mac=AA:BB:CC:DD:EE:FF\n"	     /* 11 */
			   "[peer d]\n"		     /* 12 */
			   "driver=cdc_ncm\n"		     /* 13 */
			   "address=10.1.0.200/16\n"	     /* 14 */
			   "[peer e]\n"		     /* 15 */
			   "product=P\n"		     /* 16 */
			   "mode=gateway\n"		     /* 17 */
			   "address=192.168.9.1/24\n"	     /* 18 */
			   "uplink=wwan0\n"		     /* 19 */
			   "[peer f]\n"		     /* 20 */
			   "product=Q\n"		     /* 21 */
			   "address=192.168.8.1/24\n";     /* 22 */

	(void)state;
	inet_pton(AF_INET, "192.168.9.7", &addrs[0].addr.addr);
	/* f's own address, as up gives it: not another network. */
	inet_pton(AF_INET, "192.168.8.1", &addrs[1].addr.addr);
	assert_int_equal(check(text, addrs, 2), 6);
	assert_int_equal(n_said, 7);
	assert_string_equal(said[0], FILE_NAME ":3: [peer a] mode: static with no address=: up "
					  "has no address to give the link unless one is passed "
					  "with --address (add address=A.B.C.D/N)");
	assert_ptr_equal(strstr(said[1], FILE_NAME ":7: [peer b] address: does nothing with "
					     "mode=dhcp"),
			 said[1]);
	assert_ptr_equal(strstr(said[2], FILE_NAME ":8: [peer b] uplink: does nothing with "
					     "mode=dhcp"),
			 said[2]);
	assert_string_equal(said[3], FILE_NAME ":9: [peer c]: never applies: every device it "
					  "matches is matched first by [peer a] (line 1), which wins");
	assert_string_equal(said[4], FILE_NAME ":14: [peer d] address: 10.1.0.200/16 overlaps "
					  "10.1.0.1/24 of [peer b] (line 7)");
	assert_string_equal(said[5], FILE_NAME ":18: [peer e] address: 192.168.9.1/24 overlaps "
					  "192.168.9.7/24 on eth9, a network of this host");
	assert_true(said_warning[6]);
	assert_non_null(strstr(said[6], FILE_NAME ":19: [peer e] uplink: warning: no interface "
					    "wwan0"));
	for (int i = 0; i < 6; i++)
		assert_false(said_warning[i]);
}

static void test_check_good_file_says_nothing(void **state)
{
	/* Groups that differ somewhere are not shadowed, whatever order; b has fewer keys
	 * than a but a different serial. */
	const char *text = "[peer a]\nusb=1d6b:0104\nserial=A\nmode=gateway\n"
			   "address=10.2.0.1/24\nuplink=eth9\n"
			   "[peer b]\nserial=B\nmode=static\naddress=10.3.0.1/24\n"
			   "[peer c]\nusb=1d6b:0104\nmode=dhcp\n"
			   "[peer d]\nmac=aa:bb:cc:dd:ee:ff\nuplink=auto\nmode=gateway\n"
			   "address=10.4.0.1/30\n"
			   /* the rpi-gadget profile gives the address */
			   "[peer e]\nusb=2e8a:0013\nmode=gateway\n";

	(void)state;
	assert_int_equal(check(text, NULL, 0), 0);
	assert_int_equal(n_said, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file_sets_every_key),
		cmocka_unit_test(test_empty_file_has_defaults),
		cmocka_unit_test(test_auto_profiles_and_true_false_accepted),
		cmocka_unit_test(test_workers),
		cmocka_unit_test(test_bad_address_names_file_line_group_key),
		cmocka_unit_test(test_address_without_prefix_is_rejected),
		cmocka_unit_test(test_bad_prefix_is_rejected),
		cmocka_unit_test(test_bad_peer_address_is_rejected),
		cmocka_unit_test(test_probe_from),
		cmocka_unit_test(test_address_equal_to_peer_is_rejected),
		cmocka_unit_test(test_unknown_key_is_rejected),
		cmocka_unit_test(test_unknown_group_is_rejected),
		cmocka_unit_test(test_bad_peer_name_is_rejected),
		cmocka_unit_test(test_duplicate_group_names_both_lines),
		cmocka_unit_test(test_duplicate_key_names_both_lines),
		cmocka_unit_test(test_same_key_in_two_groups_is_fine),
		cmocka_unit_test(test_group_without_match_key_is_rejected),
		cmocka_unit_test(test_bad_usb_is_rejected),
		cmocka_unit_test(test_bad_mac_is_rejected),
		cmocka_unit_test(test_bad_mode_is_rejected),
		cmocka_unit_test(test_bad_auto_is_rejected),
		cmocka_unit_test(test_bad_bool_is_rejected),
		cmocka_unit_test(test_bad_ipv6_is_rejected),
		cmocka_unit_test(test_bad_wait_is_rejected),
		cmocka_unit_test(test_bad_interface_names_are_rejected),
		cmocka_unit_test(test_fifteen_char_interface_name_is_fine),
		cmocka_unit_test(test_empty_or_overlong_match_strings_are_rejected),
		cmocka_unit_test(test_syntax_errors_name_their_line),
		cmocka_unit_test(test_invalid_escape_names_its_line),
		cmocka_unit_test(test_hostile_bytes_are_rejected_and_quoted_safely),
		cmocka_unit_test(test_small_error_buffer_is_cut_not_overrun),
		cmocka_unit_test(test_match_needs_every_given_key),
		cmocka_unit_test(test_match_mac_ignores_case),
		cmocka_unit_test(test_match_takes_first_matching_group),
		cmocka_unit_test(test_check_says_each_meaning_problem),
		cmocka_unit_test(test_check_good_file_says_nothing),
		cmocka_unit_test(test_match_without_config_is_null),
		cmocka_unit_test(test_load_missing_file_is_enoent_with_message),
		cmocka_unit_test(test_load_directory_fails_with_message),
		cmocka_unit_test(test_load_reads_a_file_and_names_it_in_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

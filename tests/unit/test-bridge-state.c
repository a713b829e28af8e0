/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shared bridge record: what is written reads back the same; anything else is -EBADMSG. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bridge/bridge-state.h"

static const char good[] = "usbnet-host-bridge 1\n"
			   "name usbnet-br0\n"
			   "ifindex 12\n"
			   "uplink eth0 3\n"
			   "user usb0 7\n"
			   "user enx0123456789ab 9\n"
			   "step create\n"
			   "step uplink-port\n"
			   "step uplink-route 0.0.0.0/0 via 10.0.0.1 src - table 254 proto 4 scope "
			   "0 type 1 tos 0 metric 100 flags 0\n"
			   "step uplink-route 10.9.0.0/16 via - src 10.0.0.5 table 1000 proto 3 "
			   "scope 253 type 1 tos 0 metric 0 flags 4\n"
			   "step uplink-neigh 10.0.0.9 lladdr 02:00:5e:00:0a:ff\n"
			   "step uplink-addr 10.0.0.6/24 brd 10.0.0.255 scope 0 flags 0\n"
			   "step uplink-addr 10.0.0.5/24 brd - scope 0 flags 512\n"
			   "step bridge-addr 10.0.0.5/24 brd - scope 0 flags 512\n"
			   "step bridge-addr 10.0.0.6/24 brd 10.0.0.255 scope 0 flags 0\n"
			   "step bridge-neigh 10.0.0.9 lladdr 02:00:5e:00:0a:ff\n"
			   "step bridge-route 0.0.0.0/0 via 10.0.0.1 src - table 254 proto 4 scope "
			   "0 type 1 tos 0 metric 100 flags 0\n"
			   "end\n";

static void test_the_documented_form_round_trips(void **state)
{
	struct bridge_record *rec = calloc(1, sizeof(*rec));
	char *text = NULL;

	assert_int_equal(bridge_state_parse(good, strlen(good), rec), 0);
	assert_string_equal(rec->name, "usbnet-br0");
	assert_int_equal(rec->ifindex, 12);
	assert_string_equal(rec->uplink, "eth0");
	assert_int_equal(rec->uplink_ifindex, 3);
	assert_int_equal(rec->n_users, 2);
	assert_string_equal(rec->users[1].ifname, "enx0123456789ab");
	assert_int_equal(rec->n_steps, 11);
	assert_int_equal(rec->steps[2].kind, BSTEP_UPLINK_ROUTE);
	assert_int_equal(rec->steps[2].route.metric, 100);
	assert_int_equal(rec->steps[3].route.table, 1000);
	assert_true(rec->steps[3].route.has_src);
	assert_int_equal(rec->steps[4].kind, BSTEP_UPLINK_NEIGH);
	assert_true(rec->steps[4].neigh.permanent);
	assert_int_equal(rec->steps[4].neigh.mac[5], 0xff);
	assert_int_equal(rec->steps[6].addr.flags, 512);
	assert_false(rec->steps[6].addr.has_brd);
	assert_int_equal(rec->steps[9].kind, BSTEP_BRIDGE_NEIGH);
	assert_int_equal(bridge_state_serialize(rec, &text), 0);
	assert_string_equal(text, good);
	free(text);
	free(rec);
}

static void test_truncated_records_are_rejected_at_every_length(void **state)
{
	struct bridge_record *rec = calloc(1, sizeof(*rec));

	for (size_t n = 0; n < strlen(good); n++)
		assert_int_equal(bridge_state_parse(good, n, rec), -EBADMSG);
	free(rec);
}

static void check_edit_rejected(const char *from, const char *to)
{
	struct bridge_record *rec = calloc(1, sizeof(*rec));
	char text[4096];
	const char *at = strstr(good, from);
	int r;

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
	r = bridge_state_parse(text, strlen(text), rec);
	if (r != -EBADMSG)
		print_error("accepted: \"%s\" -> \"%s\"\n", from, to);
	assert_int_equal(r, -EBADMSG);
	free(rec);
}

static void test_hand_edited_records_are_rejected(void **state)
{
	check_edit_rejected("usbnet-host-bridge 1", "usbnet-host-bridge 2");
	check_edit_rejected("name usbnet-br0", "name ../x");
	check_edit_rejected("name usbnet-br0", "name usbnet-br0 ");
	check_edit_rejected("ifindex 12", "ifindex 012");
	check_edit_rejected("ifindex 12", "ifindex -1");
	check_edit_rejected("uplink eth0 3", "uplink eth0");
	check_edit_rejected("uplink eth0 3", "uplink eth0 0");
	check_edit_rejected("uplink eth0 3", "uplink eth:0 3");
	check_edit_rejected("user usb0 7", "user usb0");
	check_edit_rejected("user usb0 7", "user usb0 7\nuser usb0 8");	    /* listed twice */
	check_edit_rejected("step create\n", "step create\nuser usb9 4\n"); /* users come first */
	check_edit_rejected("step create", "step destroy");
	check_edit_rejected("step uplink-port", "step uplink-port eth0");
	check_edit_rejected("0.0.0.0/0 via 10.0.0.1", "0.0.0.0 via 10.0.0.1");
	check_edit_rejected("0.0.0.0/0 via 10.0.0.1", "0.0.0.0/33 via 10.0.0.1");
	check_edit_rejected("0.0.0.0/0 via 10.0.0.1", "0.0.0.0/00 via 10.0.0.1");
	check_edit_rejected("via 10.0.0.1 src", "via 10.0.0.01 src");
	check_edit_rejected("via 10.0.0.1 src", "gw 10.0.0.1 src");
	check_edit_rejected("proto 4 scope", "proto 256 scope");
	check_edit_rejected("metric 100 flags 0\n", "metric 100 flags 0 \n");
	check_edit_rejected("metric 100 flags 0\n", "metric 100\n");
	check_edit_rejected("metric 100 flags 0\n", "metric 4294967296 flags 0\n");
	check_edit_rejected("metric 100 flags 0\n", "metric 100 flags 0 colour blue\n");
	check_edit_rejected("type 1 tos 0", "type 1  tos 0");
	check_edit_rejected("10.0.0.6/24 brd 10.0.0.255", "10.0.0.6/24 brd +");
	check_edit_rejected("brd 10.0.0.255 scope 0 flags 0", "brd 10.0.0.255 scope 0");
	check_edit_rejected("scope 0 flags 512", "scope 0 flags 0x200");
	check_edit_rejected("10.0.0.9 lladdr", "10.0.0.9 mac");
	check_edit_rejected("10.0.0.9 lladdr", "10.0.0.9/32 lladdr");
	check_edit_rejected("lladdr 02:00:5e:00:0a:ff\nstep uplink-addr",
			    "lladdr 02:00:5E:00:0a:ff\nstep uplink-addr");
	check_edit_rejected("lladdr 02:00:5e:00:0a:ff\nstep uplink-addr",
			    "lladdr 02:00:5e:00:0a\nstep uplink-addr");
	check_edit_rejected("lladdr 02:00:5e:00:0a:ff\nstep uplink-addr",
			    "lladdr 02:00:5e:00:0a:ff:01\nstep uplink-addr");
	check_edit_rejected("lladdr 02:00:5e:00:0a:ff\nstep uplink-addr",
			    "lladdr 2:0:5e:0:a:ff\nstep uplink-addr");
	check_edit_rejected("end\n", "end\n\n");
	check_edit_rejected("end\n", "end");
	check_edit_rejected("end\n", "");
	/* steps that need an uplink, with none named */
	check_edit_rejected("uplink eth0 3", "uplink -");
}

static void test_writer_refuses_what_it_could_not_read(void **state)
{
	struct bridge_record *rec = calloc(1, sizeof(*rec));
	char *text = NULL;

	assert_int_equal(bridge_state_parse(good, strlen(good), rec), 0);
	strcpy(rec->users[0].ifname, "a/b");
	assert_int_equal(bridge_state_serialize(rec, &text), -EINVAL);
	strcpy(rec->users[0].ifname, "usb0");
	rec->steps[0].kind = (enum bstep_kind)99;
	assert_int_equal(bridge_state_serialize(rec, &text), -EINVAL);
	free(rec);
}

static void test_files_write_read_remove(void **state)
{
	struct bridge_record *rec = calloc(1, sizeof(*rec)), *back = calloc(1, sizeof(*back));
	char dir[] = "/tmp/usbnet-test-bridge-state-XXXXXX", path[128];

	assert_non_null(mkdtemp(dir));
	assert_int_equal(bridge_state_read(dir, "usbnet-br0", back), -ENOENT);
	assert_int_equal(bridge_state_parse(good, strlen(good), rec), 0);
	assert_int_equal(bridge_state_write(dir, rec), 0);
	assert_int_equal(bridge_state_read(dir, "usbnet-br0", back), 0);
	assert_int_equal(back->n_steps, rec->n_steps);
	/* a record under another bridge's name was moved by hand */
	snprintf(path, sizeof(path), "%s/usbnet-br0.bridge", dir);
	{
		char other[128];

		snprintf(other, sizeof(other), "%s/br1.bridge", dir);
		assert_int_equal(link(path, other), 0);
		assert_int_equal(bridge_state_read(dir, "br1", back), -EBADMSG);
		unlink(other);
	}
	assert_int_equal(bridge_state_read(dir, "../etc", back), -EINVAL);
	assert_int_equal(bridge_state_remove(dir, "usbnet-br0"), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(bridge_state_remove(dir, "usbnet-br0"), 0);
	rmdir(dir);
	free(rec);
	free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_documented_form_round_trips),
	    cmocka_unit_test(test_truncated_records_are_rejected_at_every_length),
	    cmocka_unit_test(test_hand_edited_records_are_rejected),
	    cmocka_unit_test(test_writer_refuses_what_it_could_not_read),
	    cmocka_unit_test(test_files_write_read_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

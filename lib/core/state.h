/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The state record of a configured peer, RUN_DIR/IFNAME.state: written ahead of every change
 * (a step is recorded before it is made), read back by down, show and list. Text, one
 * "key value" per line; a reader rejects what it does not understand with -EBADMSG.
 */
#ifndef USBNET_STATE_H
#define USBNET_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "usbnet-host/usbnet.h"
#include "dns/dnsmasq.h"

enum state_step_kind {
	STEP_NM_UNMANAGED = 1, /* NetworkManager managed the device; we set it unmanaged */
	STEP_LINK_UP,	       /* the link was down; we set it up */
	STEP_ADDR,	       /* we added this address */
	STEP_ROUTE,	       /* we added this route */
	STEP_NM_PROFILE,       /* we gave NetworkManager this profile (a DHCP-serving peer) */
	/* gateway mode (gateway.c); a DNS forwarder's step (dnsmasq) comes after these two */
	STEP_NFT,	 /* our nftables chains for this peer: uplink, subnet (ip), auto or not */
	STEP_FORWARDING, /* this peer holds IPv4 forwarding on (gateway-record.c has the old value) */
	STEP_DNSMASQ,	       /* we started this DNS forwarder (pid 0: about to, see its pid file) */
	STEP_BRIDGE_JOIN,      /* bridge mode: we listed the peer as a user of bridge NAME */
	STEP_BRIDGE_PORT,      /* bridge mode: we made the peer a port of bridge NAME */
};

struct state_step {
	enum state_step_kind kind;
	struct usbnet_ip4 ip; /* ADDR, ROUTE */
	char uuid[37];	      /* NM_PROFILE */
	char uplink[USBNET_IFNAMSIZ]; /* NFT */
	bool uplink_auto;	      /* NFT: the uplink follows the default route (refresh) */
	struct dns_handle dns; /* DNSMASQ */
	char name[USBNET_IFNAMSIZ]; /* BRIDGE_JOIN, BRIDGE_PORT: the bridge */
};

#define STATE_MAX_STEPS 32

struct state_record {
	char ifname[USBNET_IFNAMSIZ];
	int ifindex; /* to tell a replugged interface of the same name */
	char usb_path[64];
	char serial[USBNET_STR_MAX];
	enum usbnet_mode mode;
	bool trusted; /* the plan trusted the peer (its DHCP profile takes routes and DNS) */
	struct usbnet_status status;
	struct state_step steps[STATE_MAX_STEPS];
	size_t n_steps;
};

int state_serialize(const struct state_record *rec, char **ret_text);
int state_parse(const char *text, size_t len, struct state_record *ret);
int state_read(const char *run_dir, const char *ifname, struct state_record *ret);
/* Atomic replace (write temp, fsync, rename). */
int state_write(const char *run_dir, const struct state_record *rec);
int state_remove(const char *run_dir, const char *ifname);
/* For the other records of the run directory (bridge-state.c): the whole file (at most 64 KiB,
 * -EBADMSG when longer; free() *ret), and an atomic replace. */
int state_file_read(const char *path, char **ret, size_t *ret_len);
int state_file_write(const char *run_dir, const char *path, const char *text);

#endif

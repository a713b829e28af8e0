/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared record of a bridge that peers use, RUN_DIR/NAME.bridge: which peers are its
 * ports, and the steps that made the bridge and moved the uplink into it (written ahead of
 * each change, undone in reverse when the last peer leaves). Strict text like the peers'
 * records (state.c): anything the writer would not write is -EBADMSG.
 */
#ifndef USBNET_BRIDGE_STATE_H
#define USBNET_BRIDGE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include "core/backend.h"

enum bstep_kind {
	BSTEP_CREATE = 1,   /* we created the bridge */
	BSTEP_UPLINK_PORT,  /* we made the uplink a port of it */
	BSTEP_UPLINK_ROUTE, /* we deleted this route of the uplink's (undo: add it back) */
	BSTEP_UPLINK_ADDR,  /* we deleted this address of the uplink's (undo: add it back) */
	BSTEP_BRIDGE_ADDR,  /* we added this address to the bridge */
	BSTEP_BRIDGE_ROUTE, /* we added this route to the bridge */
	BSTEP_UPLINK_NEIGH, /* we deleted this permanent neighbour of the uplink's (undo: add) */
	BSTEP_BRIDGE_NEIGH, /* we added this permanent neighbour to the bridge */
};

struct bstep {
	enum bstep_kind kind;
	struct nl_addr_full addr;   /* UPLINK_ADDR, BRIDGE_ADDR */
	struct nl_route_full route; /* UPLINK_ROUTE, BRIDGE_ROUTE */
	struct nl_neigh4 neigh;	    /* UPLINK_NEIGH, BRIDGE_NEIGH (permanent) */
};

struct bridge_user {
	char ifname[USBNET_IFNAMSIZ];
	int ifindex;
};

#define BRIDGE_MAX_USERS 32
#define BRIDGE_MAX_STEPS 96

struct bridge_record {
	char name[USBNET_IFNAMSIZ];
	int ifindex;		      /* 0 until the bridge is there */
	char uplink[USBNET_IFNAMSIZ]; /* "" when the uplink was not moved by us */
	int uplink_ifindex;
	struct bridge_user users[BRIDGE_MAX_USERS];
	size_t n_users;
	struct bstep steps[BRIDGE_MAX_STEPS];
	size_t n_steps;
};

int bridge_state_serialize(const struct bridge_record *rec, char **ret_text);
int bridge_state_parse(const char *text, size_t len, struct bridge_record *ret);
/* -ENOENT when there is no record. */
int bridge_state_read(const char *run_dir, const char *name, struct bridge_record *ret);
int bridge_state_write(const char *run_dir, const struct bridge_record *rec);
int bridge_state_remove(const char *run_dir, const char *name);

/* One line of a route or an address as the record writes it (no key, no newline). */
int bridge_route_format(const struct nl_route_full *rt, char *buf, size_t len);
int bridge_addr_format(const struct nl_addr_full *a, char *buf, size_t len);
int bridge_neigh_format(const struct nl_neigh4 *n, char *buf, size_t len);

#endif

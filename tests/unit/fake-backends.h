/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Recording fakes of the three backends (lib/backend.h): a small model of the kernel's links,
 * addresses and routes, of NetworkManager's managed flags and of the peer's answers, a log of
 * every call, and per-call fault injection ("fail the Nth call of op X with -E").
 */
#ifndef USBNET_FAKE_BACKENDS_H
#define USBNET_FAKE_BACKENDS_H

#include <stdbool.h>
#include <stddef.h>
#include "backend.h"

#define FAKE_MAX 32
#define FAKE_LOG_MAX 256

struct fake_link {
	char ifname[USBNET_IFNAMSIZ];
	int ifindex;
	bool up;
};

struct fake_route {
	int ifindex;
	struct usbnet_ip4 dst;
};

struct fake_nm_device {
	char ifname[USBNET_IFNAMSIZ];
	bool managed;
};

/* What the fakes model; compared whole with fake_state_equal(). */
struct fake_state {
	struct fake_link links[FAKE_MAX];
	size_t n_links;
	struct nl_addr_entry addrs[FAKE_MAX];
	size_t n_addrs;
	struct fake_route routes[FAKE_MAX];
	size_t n_routes;
	bool nm_running;
	struct fake_nm_device nm_devices[FAKE_MAX];
	size_t n_nm_devices;
	/* DHCP profiles NetworkManager was given: "UUID IFNAME trusted|untrusted" */
	char nm_profiles[FAKE_MAX][64];
	size_t n_nm_profiles;
};

enum fake_event {
	FAKE_ERR = 0,	 /* the call fails with err */
	FAKE_VANISH,	 /* before the call, the link ifname is unplugged: it goes, with its
			  * addresses, routes and NetworkManager device; the call then runs */
	FAKE_NM_STOP,	 /* before the call, NetworkManager stops (its run-time flags go) */
};

struct fake_fault {
	const char *op; /* "nl.addr_add"...; "*" any mutating call */
	unsigned nth;	/* 1-based count of such calls */
	int err;	/* -errno */
	enum fake_event event;
	const char *ifname; /* FAKE_VANISH */
};

struct fake {
	struct fake_state s;
	/* the peer: probe answers after rtt_us, or fails with probe_err (e.g. -ETIMEDOUT) */
	int64_t probe_rtt_us;
	int probe_err;
	/* "nl.addr_add 7 192.168.2.14/24", one line per call, in order */
	char log[FAKE_LOG_MAX][96];
	size_t n_log;
	unsigned n_mutating; /* calls that may change state (set_*, *_add, *_del) */
	struct fake_fault faults[8];
	size_t n_faults;
	unsigned counts[16]; /* per op, for the faults */
};

void fake_init(struct fake *f);
/* Model set-up (no log): */
void fake_add_link(struct fake *f, const char *ifname, int ifindex, bool up);
void fake_add_addr(struct fake *f, int ifindex, const char *cidr);
void fake_add_route(struct fake *f, int ifindex, const char *cidr);
void fake_nm_device(struct fake *f, const char *ifname, bool managed); /* sets nm_running */
void fake_fail(struct fake *f, const char *op, unsigned nth, int err);
/* The world changes at the Nth call of op (see enum fake_event). */
void fake_vanish_at(struct fake *f, const char *op, unsigned nth, const char *ifname);
void fake_nm_stop_at(struct fake *f, const char *op, unsigned nth);
/* The same changes on a model, to build the world a test expects. */
void fake_state_unplug(struct fake_state *s, const char *ifname);
void fake_state_nm_stop(struct fake_state *s);
void fake_clear_log(struct fake *f);

/* Backends that act on f (for ctx_set_backends). */
struct usbnet_backends fake_backends(struct fake *f);

bool fake_state_equal(const struct fake_state *a, const struct fake_state *b);
bool fake_has_addr(const struct fake *f, int ifindex, const char *cidr);
bool fake_has_route(const struct fake *f, int ifindex, const char *cidr);
bool fake_link_up(const struct fake *f, int ifindex);
int fake_nm_managed(const struct fake *f, const char *ifname); /* 1, 0, -1 unknown */
/* Index in the log of the first line starting with prefix, -1 when none. */
int fake_log_find(const struct fake *f, const char *prefix);
/* The log as one text, for failure messages. */
const char *fake_log_text(const struct fake *f);

#endif

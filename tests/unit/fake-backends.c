/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake-backends.h"

enum fake_op {
	OP_LINK_GET,
	OP_LINK_SET_UP,
	OP_ADDR_LIST,
	OP_ADDR_ADD,
	OP_ADDR_DEL,
	OP_ROUTE_ADD,
	OP_ROUTE_DEL,
	OP_NM_GET,
	OP_NM_SET,
	OP_PROBE,
	OP_NM_DHCP_ADD,
	OP_NM_DHCP_DEL,
	OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
	[OP_LINK_GET] = "nl.link_get",	 [OP_LINK_SET_UP] = "nl.link_set_up",
	[OP_ADDR_LIST] = "nl.addr_list", [OP_ADDR_ADD] = "nl.addr_add",
	[OP_ADDR_DEL] = "nl.addr_del",	 [OP_ROUTE_ADD] = "nl.route_add",
	[OP_ROUTE_DEL] = "nl.route_del", [OP_NM_GET] = "nm.get_managed",
	[OP_NM_SET] = "nm.set_managed",	 [OP_PROBE] = "reach.probe",
	[OP_NM_DHCP_ADD] = "nm.dhcp_profile_add", [OP_NM_DHCP_DEL] = "nm.dhcp_profile_del",
};

static bool op_mutates(enum fake_op op)
{
	return op == OP_LINK_SET_UP || op == OP_ADDR_ADD || op == OP_ADDR_DEL ||
	       op == OP_ROUTE_ADD || op == OP_ROUTE_DEL || op == OP_NM_SET ||
	       op == OP_NM_DHCP_ADD || op == OP_NM_DHCP_DEL;
}

static struct usbnet_ip4 cidr(const char *s)
{
	struct usbnet_ip4 ip = {};

	if (usbnet_ip4_parse(s, false, &ip) < 0)
		abort();
	return ip;
}

static bool ip_eq(const struct usbnet_ip4 *a, const struct usbnet_ip4 *b)
{
	return a->addr.s_addr == b->addr.s_addr && a->prefix == b->prefix;
}

void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->probe_rtt_us = 420;
}

void fake_add_link(struct fake *f, const char *ifname, int ifindex, bool up)
{
	struct fake_link *l = &f->s.links[f->s.n_links++];

	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	l->ifindex = ifindex;
	l->up = up;
}

void fake_add_addr(struct fake *f, int ifindex, const char *s)
{
	struct nl_addr_entry *e = &f->s.addrs[f->s.n_addrs++];

	memset(e, 0, sizeof(*e));
	e->ifindex = ifindex;
	e->ip = cidr(s);
	for (size_t i = 0; i < f->s.n_links; i++)
		if (f->s.links[i].ifindex == ifindex)
			memcpy(e->ifname, f->s.links[i].ifname, sizeof(e->ifname));
}

void fake_add_route(struct fake *f, int ifindex, const char *s)
{
	struct fake_route *r = &f->s.routes[f->s.n_routes++];

	r->ifindex = ifindex;
	r->dst = cidr(s);
}

void fake_nm_device(struct fake *f, const char *ifname, bool managed)
{
	struct fake_nm_device *d = &f->s.nm_devices[f->s.n_nm_devices++];

	f->s.nm_running = true;
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
	d->managed = managed;
}

void fake_fail(struct fake *f, const char *op, unsigned nth, int err)
{
	f->faults[f->n_faults++] = (struct fake_fault){ .op = op, .nth = nth, .err = err };
}

void fake_vanish_at(struct fake *f, const char *op, unsigned nth, const char *ifname)
{
	f->faults[f->n_faults++] =
		(struct fake_fault){ .op = op, .nth = nth, .event = FAKE_VANISH, .ifname = ifname };
}

void fake_nm_stop_at(struct fake *f, const char *op, unsigned nth)
{
	f->faults[f->n_faults++] = (struct fake_fault){ .op = op, .nth = nth, .event = FAKE_NM_STOP };
}

void fake_state_unplug(struct fake_state *s, const char *ifname)
{
	size_t i, j;
	int ifindex = 0;

	for (i = 0; i < s->n_links && strcmp(s->links[i].ifname, ifname) != 0; i++)
		;
	if (i < s->n_links) {
		ifindex = s->links[i].ifindex;
		memmove(&s->links[i], &s->links[i + 1], (s->n_links - i - 1) * sizeof(s->links[0]));
		s->n_links--;
	}
	for (i = j = 0; i < s->n_addrs; i++)
		if (s->addrs[i].ifindex != ifindex)
			s->addrs[j++] = s->addrs[i];
	s->n_addrs = j;
	for (i = j = 0; i < s->n_routes; i++)
		if (s->routes[i].ifindex != ifindex)
			s->routes[j++] = s->routes[i];
	s->n_routes = j;
	for (i = j = 0; i < s->n_nm_devices; i++)
		if (strcmp(s->nm_devices[i].ifname, ifname) != 0)
			s->nm_devices[j++] = s->nm_devices[i];
	s->n_nm_devices = j;
}

void fake_state_nm_stop(struct fake_state *s)
{
	s->nm_running = false;
	s->n_nm_devices = 0;
	s->n_nm_profiles = 0; /* volatile profiles go with it */
}

void fake_clear_log(struct fake *f)
{
	f->n_log = 0;
	f->n_mutating = 0;
	memset(f->counts, 0, sizeof(f->counts));
}

/* Log the call; returns the injected error for it, or 0. */
static int call(struct fake *f, enum fake_op op, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int call(struct fake *f, enum fake_op op, const char *fmt, ...)
{
	char args[64] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (f->n_log < FAKE_LOG_MAX)
		snprintf(f->log[f->n_log++], sizeof(f->log[0]), "%s %s", op_names[op], args);
	f->counts[op]++;
	if (op_mutates(op))
		f->n_mutating++;
	for (size_t i = 0; i < f->n_faults; i++) {
		const struct fake_fault *x = &f->faults[i];
		bool hit = (strcmp(x->op, op_names[op]) == 0 && x->nth == f->counts[op]) ||
			   (strcmp(x->op, "*") == 0 && op_mutates(op) && x->nth == f->n_mutating);

		if (!hit)
			continue;
		switch (x->event) {
		case FAKE_ERR:
			return x->err;
		case FAKE_VANISH:
			fake_state_unplug(&f->s, x->ifname);
			break;
		case FAKE_NM_STOP:
			fake_state_nm_stop(&f->s);
			break;
		}
	}
	return 0;
}

static struct fake_link *link_by_index(struct fake *f, int ifindex)
{
	for (size_t i = 0; i < f->s.n_links; i++)
		if (f->s.links[i].ifindex == ifindex)
			return &f->s.links[i];
	return NULL;
}

static int f_link_get(void *h, const char *ifname, struct nl_link_info *ret)
{
	struct fake *f = h;
	int r = call(f, OP_LINK_GET, "%s", ifname);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_links; i++) {
		const struct fake_link *l = &f->s.links[i];

		if (strcmp(l->ifname, ifname) == 0) {
			memset(ret, 0, sizeof(*ret));
			ret->ifindex = l->ifindex;
			memcpy(ret->ifname, l->ifname, sizeof(ret->ifname));
			ret->up = l->up;
			ret->carrier = l->up;
			return 0;
		}
	}
	return -ENODEV;
}

static int f_link_set_up(void *h, int ifindex, bool up)
{
	struct fake *f = h;
	struct fake_link *l;
	int r = call(f, OP_LINK_SET_UP, "%d %d", ifindex, up);

	if (r < 0)
		return r;
	l = link_by_index(f, ifindex);
	if (!l)
		return -ENODEV;
	l->up = up;
	return 0;
}

static int f_addr_list(void *h, int ifindex, struct nl_addr_entry **ret, size_t *ret_n)
{
	struct fake *f = h;
	struct nl_addr_entry *v;
	size_t n = 0;
	int r = call(f, OP_ADDR_LIST, "%d", ifindex);

	if (r < 0)
		return r;
	v = calloc(FAKE_MAX, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < f->s.n_addrs; i++)
		if (ifindex == 0 || f->s.addrs[i].ifindex == ifindex)
			v[n++] = f->s.addrs[i];
	*ret = v;
	*ret_n = n;
	return 0;
}

static int f_addr_add(void *h, int ifindex, const struct usbnet_ip4 *ip)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_ADDR_ADD, "%d %s", ifindex, usbnet_ip4_format(ip, s, sizeof(s)));

	if (r < 0)
		return r;
	if (!link_by_index(f, ifindex))
		return -ENODEV;
	for (size_t i = 0; i < f->s.n_addrs; i++)
		if (f->s.addrs[i].ifindex == ifindex && ip_eq(&f->s.addrs[i].ip, ip))
			return -EEXIST;
	fake_add_addr(f, ifindex, s);
	return 0;
}

static int f_addr_del(void *h, int ifindex, const struct usbnet_ip4 *ip)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_ADDR_DEL, "%d %s", ifindex, usbnet_ip4_format(ip, s, sizeof(s)));

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_addrs; i++)
		if (f->s.addrs[i].ifindex == ifindex && ip_eq(&f->s.addrs[i].ip, ip)) {
			memmove(&f->s.addrs[i], &f->s.addrs[i + 1],
				(f->s.n_addrs - i - 1) * sizeof(f->s.addrs[0]));
			f->s.n_addrs--;
			return 0;
		}
	return -EADDRNOTAVAIL;
}

static int f_route_add(void *h, int ifindex, const struct usbnet_ip4 *dst)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_ROUTE_ADD, "%d %s", ifindex, usbnet_ip4_format(dst, s, sizeof(s)));

	if (r < 0)
		return r;
	if (!link_by_index(f, ifindex))
		return -ENODEV;
	for (size_t i = 0; i < f->s.n_routes; i++)
		if (ip_eq(&f->s.routes[i].dst, dst))
			return -EEXIST;
	fake_add_route(f, ifindex, s);
	return 0;
}

static int f_route_del(void *h, int ifindex, const struct usbnet_ip4 *dst)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_ROUTE_DEL, "%d %s", ifindex, usbnet_ip4_format(dst, s, sizeof(s)));

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_routes; i++)
		if (f->s.routes[i].ifindex == ifindex && ip_eq(&f->s.routes[i].dst, dst)) {
			memmove(&f->s.routes[i], &f->s.routes[i + 1],
				(f->s.n_routes - i - 1) * sizeof(f->s.routes[0]));
			f->s.n_routes--;
			return 0;
		}
	return -ESRCH;
}

static struct fake_nm_device *nm_device(struct fake *f, const char *ifname)
{
	for (size_t i = 0; i < f->s.n_nm_devices; i++)
		if (strcmp(f->s.nm_devices[i].ifname, ifname) == 0)
			return &f->s.nm_devices[i];
	return NULL;
}

static int f_nm_get(void *h, const char *ifname, int *ret)
{
	struct fake *f = h;
	struct fake_nm_device *d;
	int r = call(f, OP_NM_GET, "%s", ifname);

	if (r < 0)
		return r;
	if (!f->s.nm_running)
		return -ENOTCONN;
	d = nm_device(f, ifname);
	if (!d)
		return -ENODEV;
	*ret = d->managed;
	return 0;
}

static int f_nm_set(void *h, const char *ifname, bool managed)
{
	struct fake *f = h;
	struct fake_nm_device *d;
	int r = call(f, OP_NM_SET, "%s %d", ifname, managed);

	if (r < 0)
		return r;
	if (!f->s.nm_running)
		return -ENOTCONN;
	d = nm_device(f, ifname);
	if (!d)
		return -ENODEV;
	d->managed = managed;
	return 0;
}

static int f_nm_dhcp_add(void *h, const char *ifname, bool trusted, const char *uuid)
{
	struct fake *f = h;
	int r = call(f, OP_NM_DHCP_ADD, "%s %s", ifname, trusted ? "trusted" : "untrusted");

	if (r < 0)
		return r;
	if (!f->s.nm_running)
		return -ENOTCONN;
	if (!nm_device(f, ifname))
		return -ENODEV;
	if (f->s.n_nm_profiles >= FAKE_MAX)
		abort();
	snprintf(f->s.nm_profiles[f->s.n_nm_profiles++], sizeof(f->s.nm_profiles[0]), "%s %s %s",
		 uuid, ifname, trusted ? "trusted" : "untrusted");
	return 0;
}

static int f_nm_dhcp_del(void *h, const char *uuid)
{
	struct fake *f = h;
	int r = call(f, OP_NM_DHCP_DEL, "%s", uuid);

	if (r < 0)
		return r;
	if (!f->s.nm_running)
		return -ENOTCONN;
	for (size_t i = 0; i < f->s.n_nm_profiles; i++)
		if (strncmp(f->s.nm_profiles[i], uuid, 36) == 0) {
			memmove(f->s.nm_profiles[i], f->s.nm_profiles[i + 1],
				(f->s.n_nm_profiles - i - 1) * sizeof(f->s.nm_profiles[0]));
			f->s.n_nm_profiles--;
			return 0;
		}
	return 0; /* gone already: volatile profiles go with their device */
}

static const char *f_nm_last_error(void *h)
{
	return "";
}

static int f_probe(void *h, int ifindex, struct in_addr peer, unsigned timeout_ms,
		   int64_t *ret_rtt_us)
{
	struct fake *f = h;
	char a[INET_ADDRSTRLEN];
	int r = call(f, OP_PROBE, "%d %s %u", ifindex, inet_ntop(AF_INET, &peer, a, sizeof(a)),
		     timeout_ms);

	if (r < 0)
		return r;
	if (f->probe_err < 0)
		return f->probe_err;
	*ret_rtt_us = f->probe_rtt_us;
	return 0;
}

static const struct usbnet_netlink_ops fake_nl_ops = {
	.link_get = f_link_get,
	.link_set_up = f_link_set_up,
	.addr_list = f_addr_list,
	.addr_add = f_addr_add,
	.addr_del = f_addr_del,
	.route_add = f_route_add,
	.route_del = f_route_del,
};

static const struct usbnet_nm_ops fake_nm_ops = {
	.get_managed = f_nm_get,
	.set_managed = f_nm_set,
	.last_error = f_nm_last_error,
	.dhcp_profile_add = f_nm_dhcp_add,
	.dhcp_profile_del = f_nm_dhcp_del,
};

static const struct usbnet_reach_ops fake_reach_ops = {
	.probe = f_probe,
};

struct usbnet_backends fake_backends(struct fake *f)
{
	return (struct usbnet_backends){
		.nl = &fake_nl_ops,
		.nl_h = f,
		.nm = &fake_nm_ops,
		.nm_h = f,
		.reach = &fake_reach_ops,
		.reach_h = f,
	};
}

static bool addr_in(const struct fake_state *s, const struct nl_addr_entry *e)
{
	for (size_t i = 0; i < s->n_addrs; i++)
		if (s->addrs[i].ifindex == e->ifindex && ip_eq(&s->addrs[i].ip, &e->ip))
			return true;
	return false;
}

static bool route_in(const struct fake_state *s, const struct fake_route *r)
{
	for (size_t i = 0; i < s->n_routes; i++)
		if (s->routes[i].ifindex == r->ifindex && ip_eq(&s->routes[i].dst, &r->dst))
			return true;
	return false;
}

/* As sets: the kernel does not promise an order either. */
bool fake_state_equal(const struct fake_state *a, const struct fake_state *b)
{
	if (a->n_links != b->n_links || a->n_addrs != b->n_addrs || a->n_routes != b->n_routes ||
	    a->nm_running != b->nm_running || a->n_nm_devices != b->n_nm_devices ||
	    a->n_nm_profiles != b->n_nm_profiles)
		return false;
	for (size_t i = 0; i < a->n_nm_profiles; i++)
		if (strcmp(a->nm_profiles[i], b->nm_profiles[i]) != 0)
			return false;
	for (size_t i = 0; i < a->n_links; i++)
		if (memcmp(&a->links[i], &b->links[i], sizeof(a->links[i])) != 0)
			return false;
	for (size_t i = 0; i < a->n_addrs; i++)
		if (!addr_in(b, &a->addrs[i]))
			return false;
	for (size_t i = 0; i < a->n_routes; i++)
		if (!route_in(b, &a->routes[i]))
			return false;
	for (size_t i = 0; i < a->n_nm_devices; i++)
		if (strcmp(a->nm_devices[i].ifname, b->nm_devices[i].ifname) != 0 ||
		    a->nm_devices[i].managed != b->nm_devices[i].managed)
			return false;
	return true;
}

bool fake_has_addr(const struct fake *f, int ifindex, const char *s)
{
	struct nl_addr_entry e = { .ifindex = ifindex, .ip = cidr(s) };

	return addr_in(&f->s, &e);
}

bool fake_has_route(const struct fake *f, int ifindex, const char *s)
{
	struct fake_route r = { .ifindex = ifindex, .dst = cidr(s) };

	return route_in(&f->s, &r);
}

bool fake_link_up(const struct fake *f, int ifindex)
{
	for (size_t i = 0; i < f->s.n_links; i++)
		if (f->s.links[i].ifindex == ifindex)
			return f->s.links[i].up;
	return false;
}

int fake_nm_managed(const struct fake *f, const char *ifname)
{
	for (size_t i = 0; i < f->s.n_nm_devices; i++)
		if (strcmp(f->s.nm_devices[i].ifname, ifname) == 0)
			return f->s.nm_devices[i].managed;
	return -1;
}

int fake_log_find(const struct fake *f, const char *prefix)
{
	for (size_t i = 0; i < f->n_log; i++)
		if (strncmp(f->log[i], prefix, strlen(prefix)) == 0)
			return (int)i;
	return -1;
}

const char *fake_log_text(const struct fake *f)
{
	static char text[FAKE_LOG_MAX * 96];
	size_t used = 0;

	text[0] = '\0';
	for (size_t i = 0; i < f->n_log && used < sizeof(text); i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s\n", f->log[i]);
	return text;
}

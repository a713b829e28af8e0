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
	OP_LINK_GET_INDEX,
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
	OP_GW_UPLINK,
	OP_GW_FWD_GET,
	OP_GW_FWD_SET,
	OP_GW_NFT,
	OP_GW_FIREWALL,
	OP_DNS_START,
	OP_DNS_ALIVE,
	OP_DNS_STOP,
	OP_DHCP_START,
	OP_DHCP_STOP,
	OP_BR_DETAIL,
	OP_BR_ADD,
	OP_BR_LINK_DEL,
	OP_BR_MASTER,
	OP_BR_ADDR_LIST,
	OP_BR_ADDR_ADD,
	OP_BR_ADDR_DEL,
	OP_BR_ROUTE_LIST,
	OP_BR_ROUTE_ADD,
	OP_BR_ROUTE_DEL,
	OP_BR_DEFAULT,
	OP_PROBE_RUN,
	OP_PROBE_IN_USE,
	OP_SYSCTL_GET,
	OP_SYSCTL_SET,
	OP_ALT_ADD,
	OP_ALT_DEL,
	OP_ALT_FIND,
	OP_AL_ROUTED,
	OP_AL_RULE_ADD,
	OP_AL_RULE_DEL,
	OP_AL_CONF_GET,
	OP_AL_CONF_SET,
	OP_ADDR6_ADD,
	OP_ADDR6_DEL,
	OP_GW_UPLINK6,
	OP_GW_NFT6,
	OP_RA_START,
	OP_RA_STOP,
	OP_GW_DEFAULT6,
	OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
	[OP_LINK_GET] = "nl.link_get", [OP_LINK_GET_INDEX] = "nl.link_get_index",	 [OP_LINK_SET_UP] = "nl.link_set_up",
	[OP_ADDR_LIST] = "nl.addr_list", [OP_ADDR_ADD] = "nl.addr_add",
	[OP_ADDR_DEL] = "nl.addr_del",	 [OP_ROUTE_ADD] = "nl.route_add",
	[OP_ROUTE_DEL] = "nl.route_del", [OP_NM_GET] = "nm.get_managed",
	[OP_NM_SET] = "nm.set_managed",	 [OP_PROBE] = "reach.probe",
	[OP_NM_DHCP_ADD] = "nm.dhcp_profile_add", [OP_NM_DHCP_DEL] = "nm.dhcp_profile_del",
	[OP_GW_UPLINK] = "gw.default_uplink",	  [OP_GW_FWD_GET] = "gw.forwarding_get",
	[OP_GW_FWD_SET] = "gw.forwarding_set",	  [OP_GW_NFT] = "gw.nft_commit",
	[OP_GW_FIREWALL] = "gw.firewall_check",
	[OP_DNS_START] = "dns.start",	 [OP_DNS_ALIVE] = "dns.alive",
	[OP_DNS_STOP] = "dns.stop",
	[OP_DHCP_START] = "dns.dhcp_start", [OP_DHCP_STOP] = "dns.dhcp_stop",
	[OP_BR_DETAIL] = "br.link_detail", [OP_BR_ADD] = "br.bridge_add",
	[OP_BR_LINK_DEL] = "br.link_del", [OP_BR_MASTER] = "br.link_set_master",
	[OP_BR_ADDR_LIST] = "br.addr_list_full", [OP_BR_ADDR_ADD] = "br.addr_add_full",
	[OP_BR_ADDR_DEL] = "br.addr_del_full", [OP_BR_ROUTE_LIST] = "br.route_list_full",
	[OP_BR_ROUTE_ADD] = "br.route_add_full", [OP_BR_ROUTE_DEL] = "br.route_del_full",
	[OP_BR_DEFAULT] = "br.default_route_dev",
	[OP_PROBE_RUN] = "probe.run", [OP_PROBE_IN_USE] = "probe.addr_in_use",
	[OP_SYSCTL_GET] = "nl.sysctl_get", [OP_SYSCTL_SET] = "nl.sysctl_set",
	[OP_ALT_ADD] = "nl.altname_add", [OP_ALT_DEL] = "nl.altname_del",
	[OP_ALT_FIND] = "nl.altname_find",
	[OP_AL_ROUTED] = "alias.addr_routed", [OP_AL_RULE_ADD] = "alias.rule_add",
	[OP_AL_RULE_DEL] = "alias.rule_del", [OP_AL_CONF_GET] = "alias.conf_get",
	[OP_AL_CONF_SET] = "alias.conf_set",
	[OP_ADDR6_ADD] = "nl.addr6_add", [OP_ADDR6_DEL] = "nl.addr6_del",
	[OP_GW_UPLINK6] = "gw.uplink_has_ipv6", [OP_GW_NFT6] = "gw.nft6_commit",
	[OP_RA_START] = "dns.ra_start", [OP_RA_STOP] = "dns.ra_stop",
	[OP_GW_DEFAULT6] = "gw.default_uplink6",
};

static bool op_mutates(enum fake_op op)
{
	return op == OP_LINK_SET_UP || op == OP_ADDR_ADD || op == OP_ADDR_DEL ||
	       op == OP_ROUTE_ADD || op == OP_ROUTE_DEL || op == OP_NM_SET ||
	       op == OP_NM_DHCP_ADD || op == OP_NM_DHCP_DEL || op == OP_GW_FWD_SET ||
	       op == OP_GW_NFT || op == OP_DNS_START || op == OP_DNS_STOP ||
	       op == OP_DHCP_START || op == OP_DHCP_STOP || op == OP_BR_ADD ||
	       op == OP_BR_LINK_DEL || op == OP_BR_MASTER || op == OP_BR_ADDR_ADD ||
	       op == OP_BR_ADDR_DEL || op == OP_BR_ROUTE_ADD || op == OP_BR_ROUTE_DEL ||
	       op == OP_SYSCTL_SET ||
	       op == OP_ALT_ADD || op == OP_ALT_DEL || op == OP_AL_RULE_ADD ||
	       op == OP_AL_RULE_DEL || op == OP_AL_CONF_SET || op == OP_ADDR6_ADD ||
	       op == OP_ADDR6_DEL || op == OP_GW_NFT6 || op == OP_RA_START || op == OP_RA_STOP;
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

/* The fake's tables are arrays with a count: entry i out, the later ones moved down. */
static void table_remove(void *v, size_t *n, size_t size, size_t i)
{
	memmove((char *)v + i * size, (char *)v + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
}

/* Tables whose entries start with an interface name (nftables peers, inputs, aliases): the
 * index of ifname's entry, n when there is none. */
static size_t named_index(const void *v, size_t n, size_t size, const char *ifname)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp((const char *)v + i * size, ifname) == 0)
			return i;
	return n;
}

/* As a batch does it: the entry in place of the one of its name, or added. */
static void named_put(void *v, size_t *n, size_t size, const void *entry)
{
	size_t i = named_index(v, *n, size, entry);

	if (i == *n)
		(*n)++;
	memcpy((char *)v + i * size, entry, size);
}

/* ifname's entry gone; none, nothing. */
static void named_del(void *v, size_t *n, size_t size, const char *ifname)
{
	size_t i = named_index(v, *n, size, ifname);

	if (i < *n)
		table_remove(v, n, size, i);
}

#define TABLE_REMOVE(v, n, i) table_remove((v), &(n), sizeof((v)[0]), (i))
#define NAMED_PUT(v, n, entry)                                                                     \
	do {                                                                                       \
		_Static_assert(sizeof(entry) == sizeof((v)[0]), "not an entry of this table");     \
		named_put((v), &(n), sizeof((v)[0]), &(entry));                                    \
	} while (0)
#define NAMED_DEL(v, n, ifname) named_del((v), &(n), sizeof((v)[0]), (ifname))

void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->probe_rtt_us = 420;
	f->dns_next_pid = 4000;
	snprintf(f->dns_error, sizeof(f->dns_error), "%s",
		 "dnsmasq: failed to create listening socket for 192.168.2.14: Address already in use");
}

void fake_add_link(struct fake *f, const char *ifname, int ifindex, bool up)
{
	struct fake_link *l = &f->s.links[f->s.n_links++];

	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	l->ifindex = ifindex;
	l->up = up;
	l->mac[0] = 0x02;
	l->mac[5] = (uint8_t)ifindex;
	l->accept_ra = 1;
}

struct fake_link *fake_link(struct fake *f, const char *ifname)
{
	for (size_t i = 0; i < f->s.n_links; i++)
		if (strcmp(f->s.links[i].ifname, ifname) == 0)
			return &f->s.links[i];
	return NULL;
}

void fake_add_full_route(struct fake *f, int ifindex, const char *dst, const char *gw,
			 uint32_t metric)
{
	struct nl_route_full *r = &f->s.full_routes[f->s.n_full_routes++];

	memset(r, 0, sizeof(*r));
	r->dst = cidr(dst);
	if (gw) {
		r->has_gw = true;
		inet_pton(AF_INET, gw, &r->gw);
	}
	r->table = 254;
	r->protocol = 4;
	r->scope = gw ? 0 : 253;
	r->type = 1;
	r->metric = metric;
	r->ifindex = ifindex;
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
		TABLE_REMOVE(s->links, s->n_links, i);
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
	f->n_calls = 0;
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
	f->n_calls++;
	if (op_mutates(op))
		f->n_mutating++;
	for (size_t i = 0; i < f->n_faults; i++) {
		const struct fake_fault *x = &f->faults[i];
		bool hit = (strcmp(x->op, op_names[op]) == 0 && x->nth == f->counts[op]) ||
			   (strcmp(x->op, "*") == 0 && op_mutates(op) && x->nth == f->n_mutating) ||
			   (strcmp(x->op, "**") == 0 && x->nth == f->n_calls);

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

static void link_info(const struct fake_link *l, struct nl_link_info *ret)
{
	static const uint8_t none[6];

	memset(ret, 0, sizeof(*ret));
	ret->ifindex = l->ifindex;
	memcpy(ret->ifname, l->ifname, sizeof(ret->ifname));
	ret->up = l->up;
	ret->carrier = l->up;
	ret->has_mac = memcmp(l->mac, none, 6) != 0;
	memcpy(ret->mac, l->mac, 6);
}

static int f_link_get(void *h, const char *ifname, struct nl_link_info *ret)
{
	struct fake *f = h;
	int r = call(f, OP_LINK_GET, "%s", ifname);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_links; i++)
		if (strcmp(f->s.links[i].ifname, ifname) == 0) {
			link_info(&f->s.links[i], ret);
			return 0;
		}
	return -ENODEV;
}

static int f_link_get_index(void *h, int ifindex, struct nl_link_info *ret)
{
	struct fake *f = h;
	int r = call(f, OP_LINK_GET_INDEX, "%d", ifindex);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_links; i++)
		if (f->s.links[i].ifindex == ifindex) {
			link_info(&f->s.links[i], ret);
			return 0;
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

/* The index of ifindex's address ip, n_addrs when it has none. */
static size_t addr_index(const struct fake *f, int ifindex, const struct usbnet_ip4 *ip)
{
	size_t i;

	for (i = 0; i < f->s.n_addrs; i++)
		if (f->s.addrs[i].ifindex == ifindex && ip_eq(&f->s.addrs[i].ip, ip))
			break;
	return i;
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
	if (addr_index(f, ifindex, ip) < f->s.n_addrs)
		return -EEXIST;
	fake_add_addr(f, ifindex, s);
	return 0;
}

static int f_addr_del(void *h, int ifindex, const struct usbnet_ip4 *ip)
{
	struct fake *f = h;
	char s[32];
	size_t i;
	int r = call(f, OP_ADDR_DEL, "%d %s", ifindex, usbnet_ip4_format(ip, s, sizeof(s)));

	if (r < 0)
		return r;
	i = addr_index(f, ifindex, ip);
	if (i == f->s.n_addrs)
		return -EADDRNOTAVAIL;
	TABLE_REMOVE(f->s.addrs, f->s.n_addrs, i);
	return 0;
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
			TABLE_REMOVE(f->s.routes, f->s.n_routes, i);
			return 0;
		}
	return -ESRCH;
}

static int *link_sysctl(struct fake *f, const char *ifname, const char *family, const char *key,
			int *err)
{
	struct fake_link *l = fake_link(f, ifname);

	*err = 0;
	if (strcmp(family, "ipv6") == 0 && f->no_ipv6)
		*err = -EAFNOSUPPORT;
	else if (strcmp(ifname, "all") == 0 && strcmp(family, "ipv6") == 0 &&
		 strcmp(key, "forwarding") == 0)
		return &f->s.all_forwarding6;
	else if (!l)
		*err = -ENODEV;
	else if (strcmp(family, "ipv6") != 0)
		*err = -ENOENT;
	else if (strcmp(key, "disable_ipv6") == 0)
		return &l->disable_ipv6;
	else if (strcmp(key, "accept_ra") == 0)
		return &l->accept_ra;
	else if (strcmp(key, "forwarding") == 0)
		return &l->forwarding6;
	else
		*err = -ENOENT;
	return NULL;
}

static int f_sysctl_get(void *h, const char *ifname, const char *family, const char *key,
			int *ret)
{
	struct fake *f = h;
	int *v, r = call(f, OP_SYSCTL_GET, "%s %s %s", ifname, family, key);

	if (r < 0)
		return r;
	v = link_sysctl(f, ifname, family, key, &r);
	if (v)
		*ret = *v;
	return r;
}

static int f_sysctl_set(void *h, const char *ifname, const char *family, const char *key,
			int value)
{
	struct fake *f = h;
	int *v, r = call(f, OP_SYSCTL_SET, "%s %s %s %d", ifname, family, key, value);

	if (r < 0)
		return r;
	v = link_sysctl(f, ifname, family, key, &r);
	if (v)
		*v = value;
	return r;
}

/* As addr_index, for the IPv6 addresses. */
static size_t addr6_index(const struct fake *f, int ifindex, const struct in6_addr *addr)
{
	size_t i;

	for (i = 0; i < f->s.n_addrs6; i++)
		if (f->s.addrs6[i].ifindex == ifindex &&
		    memcmp(&f->s.addrs6[i].addr, addr, sizeof(*addr)) == 0)
			break;
	return i;
}

static int f_addr6_add(void *h, int ifindex, const struct in6_addr *addr, unsigned prefix)
{
	struct fake *f = h;
	char a[INET6_ADDRSTRLEN];
	int r = call(f, OP_ADDR6_ADD, "%d %s/%u", ifindex,
		     inet_ntop(AF_INET6, addr, a, sizeof(a)), prefix);

	if (r < 0)
		return r;
	if (addr6_index(f, ifindex, addr) < f->s.n_addrs6)
		return -EEXIST;
	if (f->s.n_addrs6 >= FAKE_MAX)
		abort();
	f->s.addrs6[f->s.n_addrs6++] =
	    (struct fake_addr6){.ifindex = ifindex, .addr = *addr, .prefix = prefix};
	return 0;
}

static int f_addr6_del(void *h, int ifindex, const struct in6_addr *addr, unsigned prefix)
{
	struct fake *f = h;
	char a[INET6_ADDRSTRLEN];
	size_t i;
	int r = call(f, OP_ADDR6_DEL, "%d %s/%u", ifindex,
		     inet_ntop(AF_INET6, addr, a, sizeof(a)), prefix);

	if (r < 0)
		return r;
	i = addr6_index(f, ifindex, addr);
	if (i == f->s.n_addrs6)
		return -EADDRNOTAVAIL;
	TABLE_REMOVE(f->s.addrs6, f->s.n_addrs6, i);
	return 0;
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

static int f_gw_uplink(void *h, char ret[USBNET_IFNAMSIZ])
{
	struct fake *f = h;
	int r = call(f, OP_GW_UPLINK, "%s", "");

	if (r < 0)
		return r;
	if (!f->default_uplink[0])
		return -ENETUNREACH;
	memcpy(ret, f->default_uplink, USBNET_IFNAMSIZ);
	return 0;
}

static int f_gw_fwd_get(void *h, int *ret)
{
	struct fake *f = h;
	int r = call(f, OP_GW_FWD_GET, "%s", "");

	if (r < 0)
		return r;
	*ret = f->s.ip_forward;
	return 0;
}

static int f_gw_fwd_set(void *h, int value)
{
	struct fake *f = h;
	int r = call(f, OP_GW_FWD_SET, "%d", value);

	if (r < 0)
		return r;
	f->s.ip_forward = value;
	return 0;
}

const struct nft_peer *fake_nft_chain(const struct fake *f, const char *ifname)
{
	for (size_t i = 0; i < f->s.n_nft_chains; i++)
		if (strcmp(f->s.nft_chains[i].ifname, ifname) == 0)
			return &f->s.nft_chains[i];
	return NULL;
}

/* All or nothing, as the kernel's batch. */
static int f_gw_nft(void *h, const struct nft_change *c, char *errbuf, size_t errlen)
{
	struct fake *f = h;
	struct fake_state next = f->s;
	int r = call(f, OP_GW_NFT, "+%zu -%zu guard %d/%zu", c->n_add, c->n_del, c->guard,
		     c->n_guard_peers);

	if (r < 0) {
		snprintf(errbuf, errlen, "the kernel rejected the nftables batch (fake)");
		return r;
	}
	if (c->input_only) {
		for (size_t i = 0; i < c->n_input_add; i++)
			NAMED_PUT(next.nft_inputs, next.n_nft_inputs, c->input_add[i]);
		for (size_t i = 0; i < c->n_input_del; i++)
			NAMED_DEL(next.nft_inputs, next.n_nft_inputs, c->input_del[i]);
		f->s = next;
		return 0;
	}
	for (size_t i = 0; i < c->n_add; i++)
		NAMED_PUT(next.nft_chains, next.n_nft_chains, c->add[i]);
	for (size_t i = 0; i < c->n_del; i++)
		NAMED_DEL(next.nft_chains, next.n_nft_chains, c->del[i]);
	for (size_t i = 0; i < c->n_alias_add; i++)
		NAMED_PUT(next.nft_aliases, next.n_nft_aliases, c->alias_add[i]);
	for (size_t i = 0; i < c->n_alias_del; i++)
		NAMED_DEL(next.nft_aliases, next.n_nft_aliases, c->alias_del[i]);
	if (!c->keep_guard) {
		next.nft_guard = c->guard;
		next.nft_guard_peers = c->guard ? c->n_guard_peers : 0;
	}
	f->s = next;
	return 0;
}

static int f_gw_firewall(void *h, const char *ifname, const char *uplink, char *msg, size_t len)
{
	struct fake *f = h;
	int r = call(f, OP_GW_FIREWALL, "%s %s", ifname, uplink);

	if (r < 0)
		return r;
	snprintf(msg, len, "%s", f->firewall_msg);
	return 0;
}

static int f_gw_uplink6(void *h, const char *uplink)
{
	struct fake *f = h;
	int r = call(f, OP_GW_UPLINK6, "%s", uplink);

	if (r < 0)
		return r;
	return f->uplink6[0] && strcmp(f->uplink6, uplink) == 0;
}

/* The one IPv6 default route the model has (prefer: no ties here) */
static int f_gw_default6(void *h, const char *prefer, char ret[USBNET_IFNAMSIZ])
{
	struct fake *f = h;
	int r = call(f, OP_GW_DEFAULT6, "%s", prefer ? prefer : "");

	if (r < 0)
		return r;
	if (!f->uplink6[0])
		return -ENETUNREACH;
	memcpy(ret, f->uplink6, USBNET_IFNAMSIZ);
	return 0;
}

/* The table as the batch leaves it: this peer's chains made or gone, the guard set. */
static int f_gw_nft6(void *h, const struct nft6_change *c, char *errbuf, size_t errlen)
{
	struct fake *f = h;
	struct fake_state next = f->s;
	int r = c->input_only
		    ? call(f, OP_GW_NFT6, "input add=%s del=%s",
			   c->has_input_add ? c->input_add.ifname : "-",
			   c->input_del[0] ? c->input_del : "-")
		    : call(f, OP_GW_NFT6, "add=%s del=%s guard=%d/%zu",
			   c->has_add ? c->add.ifname : "-", c->del[0] ? c->del : "-", c->guard,
			   c->n_guard_peers);

	if (r < 0) {
		snprintf(errbuf, errlen, "fake: the batch was refused");
		return r;
	}
	if (c->input_only) {
		if (c->input_del[0])
			NAMED_DEL(next.nft6_inputs, next.n_nft6_inputs, c->input_del);
		if (c->has_input_add)
			NAMED_PUT(next.nft6_inputs, next.n_nft6_inputs, c->input_add);
		f->s = next;
		return 0;
	}
	if (c->del[0])
		NAMED_DEL(next.nft6_chains, next.n_nft6_chains, c->del);
	if (c->has_add)
		NAMED_PUT(next.nft6_chains, next.n_nft6_chains, c->add);
	next.nft6_guard = c->guard;
	next.nft6_guard_peers = c->guard ? c->n_guard_peers : 0;
	f->s = next;
	return 0;
}

static const struct usbnet_gateway_ops fake_gw_ops = {
	.default_uplink = f_gw_uplink,
	.forwarding_get = f_gw_fwd_get,
	.forwarding_set = f_gw_fwd_set,
	.nft_commit = f_gw_nft,
	.firewall_check = f_gw_firewall,
	.uplink_has_ipv6 = f_gw_uplink6,
	.nft6_commit = f_gw_nft6,
	.default_uplink6 = f_gw_default6,
};

static struct fake_dns *dns_find(struct fake *f, const struct dns_handle *h)
{
	for (size_t i = 0; i < f->s.n_dns; i++)
		if (f->s.dns[i].h.pid == h->pid && f->s.dns[i].h.start_time == h->start_time)
			return &f->s.dns[i];
	return NULL;
}

static void dns_remove(struct fake *f, struct fake_dns *d)
{
	TABLE_REMOVE(f->s.dns, f->s.n_dns, (size_t)(d - f->s.dns));
}

/* The three dnsmasqs the fake runs per link: the DNS forwarder, the DHCP server, the RA one. */
enum dns_role { DNS_FORWARDER, DNS_DHCP, DNS_RA };

static bool dns_is(const struct fake_dns *d, enum dns_role role)
{
	switch (role) {
	case DNS_DHCP:
		return d->dhcp;
	case DNS_RA:
		return d->ra;
	default:
		return !d->dhcp && !d->ra;
	}
}

/* The first of role that runs for ifname, or NULL. */
static struct fake_dns *dns_of(const struct fake *f, const char *ifname, enum dns_role role)
{
	for (size_t i = 0; i < f->s.n_dns; i++)
		if (strcmp(f->s.dns[i].ifname, ifname) == 0 && dns_is(&f->s.dns[i], role))
			return (struct fake_dns *)&f->s.dns[i];
	return NULL;
}

/* A started one: a new pid, its handle in *ret. */
static struct fake_dns *dns_add(struct fake *f, const char *ifname, struct in_addr addr,
				enum dns_role role, struct dns_handle *ret)
{
	struct fake_dns *d;

	if (f->s.n_dns >= FAKE_MAX)
		abort();
	d = &f->s.dns[f->s.n_dns++];
	memset(d, 0, sizeof(*d));
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
	d->addr = addr;
	d->dhcp = role == DNS_DHCP;
	d->ra = role == DNS_RA;
	d->h.pid = f->dns_next_pid++;
	d->h.start_time = (uint64_t)d->h.pid * 10;
	*ret = d->h;
	return d;
}

/* The one of dh stopped when it is of role; pid 0: whatever of role runs for ifname. */
static void dns_stop(struct fake *f, const char *ifname, const struct dns_handle *dh,
		     enum dns_role role)
{
	struct fake_dns *d = dh->pid == 0 ? dns_of(f, ifname, role) : dns_find(f, dh);

	if (d && dns_is(d, role))
		dns_remove(f, d);
}

static int f_dns_start(void *h, const char *run_dir, const char *ifname, struct in_addr host,
		       const struct in6_addr *host6, struct dns_handle *ret, char *errbuf,
		       size_t errlen)
{
	struct fake *f = h;
	char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN + 1] = "";
	int r;

	if (host6) {
		a6[0] = ' ';
		inet_ntop(AF_INET6, host6, a6 + 1, sizeof(a6) - 1);
	}
	r = call(f, OP_DNS_START, "%s %s%s", ifname, inet_ntop(AF_INET, &host, a, sizeof(a)), a6);

	if (r < 0) {
		snprintf(errbuf, errlen, "%s", f->dns_error);
		return r;
	}
	dns_add(f, ifname, host, DNS_FORWARDER, ret);
	return 0;
}

static int f_dns_alive(void *h, const struct dns_handle *dh)
{
	struct fake *f = h;

	call(f, OP_DNS_ALIVE, "%d", dh->pid);
	return dns_find(f, dh) != NULL;
}

static int f_dns_stop(void *h, const char *run_dir, const char *ifname, const struct dns_handle *dh)
{
	struct fake *f = h;
	int r = call(f, OP_DNS_STOP, "%s %d", ifname, dh->pid);

	if (r < 0)
		return r;
	/* pid 0: whatever runs with this interface's pid file */
	dns_stop(f, ifname, dh, DNS_FORWARDER);
	return 0;
}

static int f_dhcp_start(void *h, const char *run_dir, const char *ifname,
			const struct dhcp_server_spec *spec, struct dns_handle *ret, char *errbuf,
			size_t errlen)
{
	struct fake *f = h;
	char a[INET_ADDRSTRLEN];
	int r = call(f, OP_DHCP_START, "%s %s router=%d dns=%d", ifname,
		     inet_ntop(AF_INET, &spec->peer, a, sizeof(a)), spec->router, spec->dns);

	if (r < 0) {
		snprintf(errbuf, errlen, "dnsmasq: failed to bind DHCP server socket: Address "
					 "already in use");
		return r;
	}
	dns_add(f, ifname, spec->peer, DNS_DHCP, ret)->spec = *spec;
	return 0;
}

static int f_dhcp_stop(void *h, const char *run_dir, const char *ifname,
		       const struct dns_handle *dh)
{
	struct fake *f = h;
	int r = call(f, OP_DHCP_STOP, "%s %d", ifname, dh->pid);

	if (r < 0)
		return r;
	dns_stop(f, ifname, dh, DNS_DHCP);
	return 0;
}

static int f_ra_start(void *h, const char *run_dir, const char *ifname,
		      const struct ra_spec *spec, struct dns_handle *ret, char *errbuf,
		      size_t errlen)
{
	struct fake *f = h;
	char a[INET6_ADDRSTRLEN];
	int r = call(f, OP_RA_START, "%s %s dns=%d", ifname,
		     inet_ntop(AF_INET6, &spec->prefix, a, sizeof(a)), spec->dns);

	if (r < 0) {
		snprintf(errbuf, errlen, "dnsmasq: fake failure");
		return r;
	}
	dns_add(f, ifname, spec->host4, DNS_RA, ret);
	return 0;
}

static int f_ra_stop(void *h, const char *run_dir, const char *ifname,
		     const struct dns_handle *dh)
{
	struct fake *f = h;
	int r = call(f, OP_RA_STOP, "%s %d", ifname, dh->pid);

	if (r < 0)
		return r;
	dns_stop(f, ifname, dh, DNS_RA);
	return 0;
}

const struct fake_dns *fake_dhcp_of(const struct fake *f, const char *ifname)
{
	return dns_of(f, ifname, DNS_DHCP);
}

/* As kill -9 would: gone from the fake's table, no stop call. */
static bool dns_kill(struct fake *f, const char *ifname, enum dns_role role)
{
	struct fake_dns *d = dns_of(f, ifname, role);

	if (d)
		dns_remove(f, d);
	return d != NULL;
}

bool fake_dns_kill(struct fake *f, const char *ifname)
{
	return dns_kill(f, ifname, DNS_FORWARDER);
}

bool fake_dhcp_kill(struct fake *f, const char *ifname)
{
	return dns_kill(f, ifname, DNS_DHCP);
}

const struct fake_dns *fake_dns_of(const struct fake *f, const char *ifname)
{
	return dns_of(f, ifname, DNS_FORWARDER);
}

static const struct usbnet_dns_ops fake_dns_ops = {
	.start = f_dns_start,
	.alive = f_dns_alive,
	.stop = f_dns_stop,
	.dhcp_start = f_dhcp_start,
	.dhcp_stop = f_dhcp_stop,
	.ra_start = f_ra_start,
	.ra_stop = f_ra_stop,
};

/* ---- bridge mode ---- */

static int f_br_detail(void *h, const char *ifname, struct nl_link_detail *ret)
{
	struct fake *f = h;
	struct fake_link *l;
	int r = call(f, OP_BR_DETAIL, "%s", ifname);

	if (r < 0)
		return r;
	l = fake_link(f, ifname);
	if (!l)
		return -ENODEV;
	memset(ret, 0, sizeof(*ret));
	ret->ifindex = l->ifindex;
	memcpy(ret->ifname, l->ifname, sizeof(ret->ifname));
	memcpy(ret->kind, l->kind, sizeof(ret->kind));
	ret->master = l->master;
	memcpy(ret->mac, l->mac, 6);
	ret->has_mac = !l->loopback;
	ret->up = l->up;
	ret->loopback = l->loopback;
	ret->wireless = l->wireless;
	return 0;
}

static int f_br_add(void *h, const char *name, const uint8_t mac[6], int *ret_ifindex)
{
	struct fake *f = h;
	struct fake_link *l;
	int r = call(f, OP_BR_ADD, "%s %02x:%02x", name, mac[0], mac[5]);

	if (r < 0)
		return r;
	if (fake_link(f, name))
		return -EEXIST;
	fake_add_link(f, name, 100 + (int)f->s.n_links, true);
	l = &f->s.links[f->s.n_links - 1];
	strcpy(l->kind, "bridge");
	memcpy(l->mac, mac, 6);
	*ret_ifindex = l->ifindex;
	return 0;
}

static int f_br_link_del(void *h, int ifindex)
{
	struct fake *f = h;
	int r = call(f, OP_BR_LINK_DEL, "%d", ifindex);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_links; i++)
		if (f->s.links[i].ifindex == ifindex) {
			memmove(&f->s.links[i], &f->s.links[i + 1],
				(f->s.n_links - i - 1) * sizeof(f->s.links[0]));
			f->s.n_links--;
			for (size_t j = 0; j < f->s.n_links; j++)
				if (f->s.links[j].master == ifindex)
					f->s.links[j].master = 0;
			for (size_t j = f->s.n_addrs; j-- > 0;)
				if (f->s.addrs[j].ifindex == ifindex) {
					memmove(&f->s.addrs[j], &f->s.addrs[j + 1],
						(f->s.n_addrs - j - 1) * sizeof(f->s.addrs[0]));
					f->s.n_addrs--;
				}
			for (size_t j = f->s.n_full_routes; j-- > 0;)
				if (f->s.full_routes[j].ifindex == ifindex) {
					memmove(&f->s.full_routes[j], &f->s.full_routes[j + 1],
						(f->s.n_full_routes - j - 1) *
							sizeof(f->s.full_routes[0]));
					f->s.n_full_routes--;
				}
			return 0;
		}
	return -ENODEV;
}

static int f_br_master(void *h, int ifindex, int master)
{
	struct fake *f = h;
	struct fake_link *l;
	int r = call(f, OP_BR_MASTER, "%d %d", ifindex, master);

	if (r < 0)
		return r;
	l = link_by_index(f, ifindex);
	if (!l)
		return -ENODEV;
	if (master && !link_by_index(f, master))
		return -ENODEV;
	l->master = master;
	return 0;
}

static int f_br_addr_list(void *h, int ifindex, int family, struct nl_addr_full **ret,
			  size_t *ret_n)
{
	struct fake *f = h;
	struct fake_link *l;
	struct nl_addr_full *v;
	size_t n = 0;
	int r = call(f, OP_BR_ADDR_LIST, "%d %d", ifindex, family);

	if (r < 0)
		return r;
	v = calloc(FAKE_MAX + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	l = link_by_index(f, ifindex);
	if (family == AF_INET6 && l && l->v6_static) {
		v[n].ifindex = ifindex;
		v[n].scope = 0;
		v[n++].flags = 0x80; /* IFA_F_PERMANENT */
	}
	for (size_t i = 0; family == AF_INET && i < f->s.n_addrs; i++)
		if (f->s.addrs[i].ifindex == ifindex) {
			v[n].ifindex = ifindex;
			v[n].ip = f->s.addrs[i].ip;
			v[n].flags = l && l->addr_lifetime ? 0 : 0x80;
			v[n++].valid_lft = l && l->addr_lifetime ? 3600 : UINT32_MAX;
		}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int f_br_addr_add(void *h, int ifindex, const struct nl_addr_full *a)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_BR_ADDR_ADD, "%d %s", ifindex, usbnet_ip4_format(&a->ip, s, sizeof(s)));

	if (r < 0)
		return r;
	if (!link_by_index(f, ifindex))
		return -ENODEV;
	for (size_t i = 0; i < f->s.n_addrs; i++)
		if (f->s.addrs[i].ifindex == ifindex && ip_eq(&f->s.addrs[i].ip, &a->ip))
			return -EEXIST;
	fake_add_addr(f, ifindex, s);
	return 0;
}

static int f_br_addr_del(void *h, int ifindex, const struct nl_addr_full *a)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_BR_ADDR_DEL, "%d %s", ifindex, usbnet_ip4_format(&a->ip, s, sizeof(s)));

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_addrs; i++)
		if (f->s.addrs[i].ifindex == ifindex && ip_eq(&f->s.addrs[i].ip, &a->ip)) {
			TABLE_REMOVE(f->s.addrs, f->s.n_addrs, i);
			return 0;
		}
	return -EADDRNOTAVAIL;
}

static bool route_full_eq(const struct nl_route_full *a, const struct nl_route_full *b)
{
	return ip_eq(&a->dst, &b->dst) && a->has_gw == b->has_gw &&
	       a->gw.s_addr == b->gw.s_addr && a->table == b->table && a->metric == b->metric &&
	       a->ifindex == b->ifindex && a->protocol == b->protocol && a->scope == b->scope;
}

static int f_br_route_list(void *h, int ifindex, struct nl_route_full **ret, size_t *ret_n)
{
	struct fake *f = h;
	struct nl_route_full *v;
	size_t n = 0;
	int r = call(f, OP_BR_ROUTE_LIST, "%d", ifindex);

	if (r < 0)
		return r;
	v = calloc(FAKE_MAX, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < f->s.n_full_routes; i++)
		if (f->s.full_routes[i].ifindex == ifindex)
			v[n++] = f->s.full_routes[i];
	*ret = v;
	*ret_n = n;
	return 0;
}

static int f_br_route_add(void *h, const struct nl_route_full *rt)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_BR_ROUTE_ADD, "%d %s", rt->ifindex,
		     usbnet_ip4_format(&rt->dst, s, sizeof(s)));

	if (r < 0)
		return r;
	if (!link_by_index(f, rt->ifindex))
		return -ENODEV;
	for (size_t i = 0; i < f->s.n_full_routes; i++)
		if (route_full_eq(&f->s.full_routes[i], rt))
			return -EEXIST;
	f->s.full_routes[f->s.n_full_routes++] = *rt;
	return 0;
}

static int f_br_route_del(void *h, const struct nl_route_full *rt)
{
	struct fake *f = h;
	char s[32];
	int r = call(f, OP_BR_ROUTE_DEL, "%d %s", rt->ifindex,
		     usbnet_ip4_format(&rt->dst, s, sizeof(s)));

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_full_routes; i++)
		if (route_full_eq(&f->s.full_routes[i], rt)) {
			memmove(&f->s.full_routes[i], &f->s.full_routes[i + 1],
				(f->s.n_full_routes - i - 1) * sizeof(f->s.full_routes[0]));
			f->s.n_full_routes--;
			return 0;
		}
	return -ESRCH;
}

static int f_br_default(void *h, char ret_ifname[USBNET_IFNAMSIZ])
{
	struct fake *f = h;
	const struct nl_route_full *best = NULL;
	struct fake_link *l;
	int r = call(f, OP_BR_DEFAULT, "%s", "");

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_full_routes; i++) {
		const struct nl_route_full *rt = &f->s.full_routes[i];

		if (rt->table == 254 && rt->dst.prefix == 0 && (!best || rt->metric < best->metric))
			best = rt;
	}
	if (!best || !(l = link_by_index(f, best->ifindex)))
		return -ENOENT;
	memcpy(ret_ifname, l->ifname, USBNET_IFNAMSIZ);
	return 0;
}

static const struct usbnet_bridge_ops fake_br_ops = {
	.link_detail = f_br_detail,
	.bridge_add = f_br_add,
	.link_del = f_br_link_del,
	.link_set_master = f_br_master,
	.addr_list_full = f_br_addr_list,
	.addr_add_full = f_br_addr_add,
	.addr_del_full = f_br_addr_del,
	.route_list_full = f_br_route_list,
	.route_add_full = f_br_route_add,
	.route_del_full = f_br_route_del,
	.default_route_dev = f_br_default,
};

/* Discovery: what f->discovery says the link holds. */
static int f_probe_run(void *h, const struct probe_request *req, struct usbnet_probe_result *ret)
{
	struct fake *f = h;
	int r = call(f, OP_PROBE_RUN, "%d %u", req->ifindex, req->timeout_ms);

	if (r < 0)
		return r;
	*ret = f->discovery;
	snprintf(ret->ifname, sizeof(ret->ifname), "%s", req->ifname);
	return (int)ret->n_findings;
}

static int f_probe_in_use(void *h, int ifindex, const char *ifname, struct in_addr a,
			  unsigned wait_ms)
{
	struct fake *f = h;
	char s[INET_ADDRSTRLEN];
	int r = call(f, OP_PROBE_IN_USE, "%d %s", ifindex, inet_ntop(AF_INET, &a, s, sizeof(s)));

	(void)ifname;
	(void)wait_ms;
	if (r < 0)
		return r;
	for (size_t i = 0; i < f->n_taken; i++)
		if (f->taken[i].s_addr == a.s_addr)
			return 1;
	return 0;
}

static const struct usbnet_probe_ops fake_probe_ops = {
	.run = f_probe_run,
	.addr_in_use = f_probe_in_use,
};

static int f_altname_find(void *h, const char *name, int *ret_ifindex)
{
	struct fake *f = h;
	int r = call(f, OP_ALT_FIND, "%s", name);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_links; i++)
		if (strcmp(f->s.links[i].ifname, name) == 0 ||
		    strcmp(f->s.links[i].altname, name) == 0) {
			*ret_ifindex = f->s.links[i].ifindex;
			return 0;
		}
	return -ENODEV;
}

static int f_altname_add(void *h, int ifindex, const char *name)
{
	struct fake *f = h;
	struct fake_link *l;
	int r = call(f, OP_ALT_ADD, "%d %s", ifindex, name);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_links; i++)
		if (strcmp(f->s.links[i].ifname, name) == 0 ||
		    strcmp(f->s.links[i].altname, name) == 0)
			return -EEXIST;
	l = link_by_index(f, ifindex);
	if (!l)
		return -ENODEV;
	if (l->altname[0])
		return -ENOSPC; /* the model holds one */
	snprintf(l->altname, sizeof(l->altname), "%s", name);
	return 0;
}

static int f_altname_del(void *h, int ifindex, const char *name)
{
	struct fake *f = h;
	struct fake_link *l;
	int r = call(f, OP_ALT_DEL, "%d %s", ifindex, name);

	if (r < 0)
		return r;
	l = link_by_index(f, ifindex);
	if (!l)
		return -ENODEV;
	if (strcmp(l->altname, name) != 0)
		return -ENOENT;
	memset(l->altname, 0, sizeof(l->altname));
	return 0;
}

static const struct usbnet_netlink_ops fake_nl_ops = {
	.altname_add = f_altname_add,
	.altname_del = f_altname_del,
	.altname_find = f_altname_find,
	.link_get = f_link_get,
	.link_get_index = f_link_get_index,
	.link_set_up = f_link_set_up,
	.addr_list = f_addr_list,
	.addr_add = f_addr_add,
	.addr_del = f_addr_del,
	.route_add = f_route_add,
	.route_del = f_route_del,
	.sysctl_get = f_sysctl_get,
	.sysctl_set = f_sysctl_set,
	.addr6_add = f_addr6_add,
	.addr6_del = f_addr6_del,
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

void fake_set_conf(struct fake *f, const char *ifname, const char *key, int value)
{
	struct fake_conf *c = NULL;

	for (size_t i = 0; i < f->s.n_conf; i++)
		if (strcmp(f->s.conf[i].ifname, ifname) == 0 && strcmp(f->s.conf[i].key, key) == 0)
			c = &f->s.conf[i];
	if (!c) {
		c = &f->s.conf[f->s.n_conf++];
		memset(c, 0, sizeof(*c));
		snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
		snprintf(c->key, sizeof(c->key), "%s", key);
	}
	c->value = value;
}

static bool covers(const struct usbnet_ip4 *net, struct in_addr a)
{
	uint32_t m = net->prefix ? htonl(~0u << (32 - net->prefix)) : 0;

	return net->prefix > 0 && (net->addr.s_addr & m) == (a.s_addr & m);
}

static int f_al_routed(void *h, struct in_addr a)
{
	struct fake *f = h;
	char s[INET_ADDRSTRLEN];
	int r = call(f, OP_AL_ROUTED, "%s", inet_ntop(AF_INET, &a, s, sizeof(s)));

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_full_routes; i++)
		if (covers(&f->s.full_routes[i].dst, a))
			return 1;
	for (size_t i = 0; i < f->s.n_routes; i++)
		if (covers(&f->s.routes[i].dst, a))
			return 1;
	for (size_t i = 0; i < f->s.n_addrs; i++)
		if (covers(&f->s.addrs[i].ip, a) || f->s.addrs[i].ip.addr.s_addr == a.s_addr)
			return 1;
	return 0;
}

static bool rule_eq(const struct nl_rule *a, const struct nl_rule *b)
{
	return a->priority == b->priority && a->table == b->table && a->has_dst == b->has_dst &&
	       a->dst.s_addr == b->dst.s_addr && a->fwmark == b->fwmark;
}

static int f_al_rule_add(void *h, const struct nl_rule *rule)
{
	struct fake *f = h;
	int r = call(f, OP_AL_RULE_ADD, "%u %u", rule->priority, rule->table);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_rules; i++)
		if (rule_eq(&f->s.rules[i], rule))
			return -EEXIST;
	f->s.rules[f->s.n_rules++] = *rule;
	return 0;
}

static int f_al_rule_del(void *h, const struct nl_rule *rule)
{
	struct fake *f = h;
	int r = call(f, OP_AL_RULE_DEL, "%u %u", rule->priority, rule->table);

	if (r < 0)
		return r;
	for (size_t i = 0; i < f->s.n_rules; i++)
		if (rule_eq(&f->s.rules[i], rule)) {
			memmove(&f->s.rules[i], &f->s.rules[i + 1],
				(f->s.n_rules - i - 1) * sizeof(f->s.rules[0]));
			f->s.n_rules--;
			return 0;
		}
	return -ENOENT;
}

static int f_al_conf_get(void *h, const char *ifname, const char *key, int *ret)
{
	struct fake *f = h;
	int r = call(f, OP_AL_CONF_GET, "%s %s", ifname, key);

	if (r < 0)
		return r;
	if (strcmp(ifname, "all") != 0 && !fake_link(f, ifname))
		return -ENOENT;
	*ret = 0;
	for (size_t i = 0; i < f->s.n_conf; i++)
		if (strcmp(f->s.conf[i].ifname, ifname) == 0 && strcmp(f->s.conf[i].key, key) == 0)
			*ret = f->s.conf[i].value;
	return 0;
}

static int f_al_conf_set(void *h, const char *ifname, const char *key, int value)
{
	struct fake *f = h;
	int r = call(f, OP_AL_CONF_SET, "%s %s %d", ifname, key, value);

	if (r < 0)
		return r;
	if (strcmp(ifname, "all") != 0 && !fake_link(f, ifname))
		return -ENOENT;
	fake_set_conf(f, ifname, key, value);
	return 0;
}

static const struct usbnet_alias_ops fake_alias_ops = {
	.addr_routed = f_al_routed,
	.rule_add = f_al_rule_add,
	.rule_del = f_al_rule_del,
	.conf_get = f_al_conf_get,
	.conf_set = f_al_conf_set,
};

struct usbnet_backends fake_backends(struct fake *f)
{
	return (struct usbnet_backends){
		.alias = &fake_alias_ops,
		.alias_h = f,
		.nl = &fake_nl_ops,
		.nl_h = f,
		.nm = &fake_nm_ops,
		.nm_h = f,
		.reach = &fake_reach_ops,
		.reach_h = f,
		.gw = &fake_gw_ops,
		.gw_h = f,
		.dns = &fake_dns_ops,
		.dns_h = f,
		.br = &fake_br_ops,
		.br_h = f,
		.probe = &fake_probe_ops,
		.probe_h = f,
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
	    a->n_nm_profiles != b->n_nm_profiles || a->ip_forward != b->ip_forward ||
	    a->n_nft_chains != b->n_nft_chains || a->nft_guard != b->nft_guard ||
	    a->nft_guard_peers != b->nft_guard_peers ||
	    a->all_forwarding6 != b->all_forwarding6 || a->n_addrs6 != b->n_addrs6 ||
	    a->n_nft6_chains != b->n_nft6_chains || a->nft6_guard != b->nft6_guard ||
	    a->nft6_guard_peers != b->nft6_guard_peers)
		return false;
	for (size_t i = 0; i < a->n_addrs6; i++)
		if (memcmp(&a->addrs6[i], &b->addrs6[i], sizeof(a->addrs6[i])) != 0)
			return false;
	for (size_t i = 0; i < a->n_nft6_chains; i++)
		if (memcmp(&a->nft6_chains[i], &b->nft6_chains[i], sizeof(a->nft6_chains[i])) != 0)
			return false;
	for (size_t i = 0; i < a->n_nft_chains; i++)
		if (strcmp(a->nft_chains[i].ifname, b->nft_chains[i].ifname) != 0 ||
		    strcmp(a->nft_chains[i].uplink, b->nft_chains[i].uplink) != 0 ||
		    a->nft_chains[i].subnet.addr.s_addr != b->nft_chains[i].subnet.addr.s_addr ||
		    a->nft_chains[i].subnet.prefix != b->nft_chains[i].subnet.prefix)
			return false;
	if (a->n_nft6_inputs != b->n_nft6_inputs)
		return false;
	for (size_t i = 0; i < a->n_nft6_inputs; i++)
		if (memcmp(&a->nft6_inputs[i], &b->nft6_inputs[i], sizeof(a->nft6_inputs[i])) != 0)
			return false;
	if (a->n_nft_inputs != b->n_nft_inputs)
		return false;
	for (size_t i = 0; i < a->n_nft_inputs; i++)
		if (strcmp(a->nft_inputs[i].ifname, b->nft_inputs[i].ifname) != 0 ||
		    a->nft_inputs[i].host.s_addr != b->nft_inputs[i].host.s_addr)
			return false;
	if (a->n_dns != b->n_dns)
		return false;
	for (size_t i = 0; i < a->n_dns; i++)
		if (strcmp(a->dns[i].ifname, b->dns[i].ifname) != 0 ||
		    a->dns[i].addr.s_addr != b->dns[i].addr.s_addr)
			return false;
	if (a->n_rules != b->n_rules || a->n_nft_aliases != b->n_nft_aliases)
		return false;
	for (size_t i = 0; i < a->n_rules; i++)
		if (!rule_eq(&a->rules[i], &b->rules[i]))
			return false;
	for (size_t i = 0; i < a->n_nft_aliases; i++)
		if (memcmp(&a->nft_aliases[i], &b->nft_aliases[i], sizeof(a->nft_aliases[i])) != 0)
			return false;
	/* a setting given back to 0 is the same as one never set */
	for (int pass = 0; pass < 2; pass++) {
		const struct fake_state *x = pass ? b : a, *y = pass ? a : b;

		for (size_t i = 0; i < x->n_conf; i++) {
			int other = 0;

			for (size_t j = 0; j < y->n_conf; j++)
				if (strcmp(y->conf[j].ifname, x->conf[i].ifname) == 0 &&
				    strcmp(y->conf[j].key, x->conf[i].key) == 0)
					other = y->conf[j].value;
			if (other != x->conf[i].value)
				return false;
		}
	}
	if (a->n_full_routes != b->n_full_routes)
		return false;
	for (size_t i = 0; i < a->n_full_routes; i++) {
		bool found = false;

		for (size_t j = 0; j < b->n_full_routes; j++)
			if (route_full_eq(&a->full_routes[i], &b->full_routes[j]))
				found = true;
		if (!found)
			return false;
	}
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

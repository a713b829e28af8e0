/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The shared record of a bridge, RUN_DIR/NAME.bridge:
 *
 *	usbnet-host-bridge 1
 *	name usbnet-br0
 *	ifindex 12
 *	uplink eth0 3
 *	user usb0 7
 *	user usb1 9
 *	step create
 *	step uplink-port
 *	step uplink-route 0.0.0.0/0 via 10.0.0.1 src - table 254 proto 4 scope 0 type 1 tos 0 metric
 *100 flags 0 step uplink-addr 10.0.0.5/24 brd 10.0.0.255 scope 0 flags 0 step
 *bridge-addr 10.0.0.5/24 brd 10.0.0.255 scope 0 flags 0 step bridge-route 0.0.0.0/0 via 10.0.0.1
 *src - table 254 proto 4 scope 0 type 1 tos 0 metric 100 flags 0 end
 *
 * (Neighbours, the user's permanent ones, move too: "step uplink-neigh 10.0.0.9 lladdr
 * 02:00:00:00:00:09", and "step bridge-neigh" alike.)
 *
 * "ifindex 0" until the bridge exists; "uplink -" when no uplink was moved by us. Users are
 * the peers that are ports; steps are undone in reverse when the last one leaves. A line is
 * accepted only in the exact form the writer gives it: it is parsed, written again and
 * compared, so no second spelling of a record exists.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge/bridge-state.h"
#include "core/journal.h"

#define BRIDGE_MAGIC "usbnet-host-bridge 1"

static const char *const bstep_names[] = {
    [BSTEP_CREATE] = "create",
    [BSTEP_UPLINK_PORT] = "uplink-port",
    [BSTEP_UPLINK_ROUTE] = "uplink-route",
    [BSTEP_UPLINK_ADDR] = "uplink-addr",
    [BSTEP_BRIDGE_ADDR] = "bridge-addr",
    [BSTEP_BRIDGE_ROUTE] = "bridge-route",
    [BSTEP_UPLINK_NEIGH] = "uplink-neigh",
    [BSTEP_BRIDGE_NEIGH] = "bridge-neigh",
};

static bool name_ok(const char *s)
{
	size_t n = strnlen(s, USBNET_IFNAMSIZ);

	if (n == 0 || n >= USBNET_IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '/' || c == ':')
			return false;
	}
	return true;
}

static const char *a4(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

int bridge_route_format(const struct nl_route_full *rt, char *buf, size_t len)
{
	char d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN] = "-", s[INET_ADDRSTRLEN] = "-";
	int n;

	a4(rt->dst.addr, d);
	if (rt->has_gw)
		a4(rt->gw, g);
	if (rt->has_src)
		a4(rt->src, s);
	n = snprintf(
	    buf, len,
	    "%s/%u via %s src %s table %u proto %u scope %u type %u tos %u metric %u flags %u", d,
	    rt->dst.prefix, g, s, rt->table, rt->protocol, rt->scope, rt->type, rt->tos, rt->metric,
	    rt->nh_flags);
	return n < 0 || (size_t)n >= len ? -ENOBUFS : 0;
}

int bridge_addr_format(const struct nl_addr_full *a, char *buf, size_t len)
{
	char l[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN] = "-";
	int n;

	a4(a->ip.addr, l);
	if (a->has_brd)
		a4(a->brd, b);
	n = snprintf(buf, len, "%s/%u brd %s scope %u flags %u", l, a->ip.prefix, b, a->scope,
		     a->flags);
	return n < 0 || (size_t)n >= len ? -ENOBUFS : 0;
}

int bridge_neigh_format(const struct nl_neigh4 *nb, char *buf, size_t len)
{
	char l[INET_ADDRSTRLEN];
	const uint8_t *m = nb->mac;
	int n;

	a4(nb->ip, l);
	n = snprintf(buf, len, "%s lladdr %02x:%02x:%02x:%02x:%02x:%02x", l, m[0], m[1], m[2], m[3],
		     m[4], m[5]);
	return n < 0 || (size_t)n >= len ? -ENOBUFS : 0;
}

/* ---- writing ---------------------------------------------------------------------------- */

struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void add_line(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_line(struct text *t, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	if (t->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 1 >= sizeof(line)) {
		t->oom = true;
		return;
	}
	if (t->len + (size_t)n + 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1024;
		char *p;

		while (cap < t->len + (size_t)n + 2)
			cap *= 2;
		p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, line, (size_t)n);
	t->len += (size_t)n;
	t->p[t->len++] = '\n';
	t->p[t->len] = '\0';
}

int bridge_state_serialize(const struct bridge_record *rec, char **ret_text)
{
	struct text t = {};
	char spec[200];

	if (!name_ok(rec->name) || rec->ifindex < 0 || rec->n_users > BRIDGE_MAX_USERS ||
	    rec->n_steps > BRIDGE_MAX_STEPS || (rec->uplink[0] && !name_ok(rec->uplink)) ||
	    (rec->uplink[0] && rec->uplink_ifindex <= 0))
		return -EINVAL;
	add_line(&t, "%s", BRIDGE_MAGIC);
	add_line(&t, "name %s", rec->name);
	add_line(&t, "ifindex %d", rec->ifindex);
	if (rec->uplink[0])
		add_line(&t, "uplink %s %d", rec->uplink, rec->uplink_ifindex);
	else
		add_line(&t, "uplink -");
	for (size_t i = 0; i < rec->n_users; i++) {
		if (!name_ok(rec->users[i].ifname) || rec->users[i].ifindex <= 0)
			goto inval;
		add_line(&t, "user %s %d", rec->users[i].ifname, rec->users[i].ifindex);
	}
	for (size_t i = 0; i < rec->n_steps; i++) {
		const struct bstep *s = &rec->steps[i];

		switch (s->kind) {
		case BSTEP_CREATE:
		case BSTEP_UPLINK_PORT:
			add_line(&t, "step %s", bstep_names[s->kind]);
			break;
		case BSTEP_UPLINK_ROUTE:
		case BSTEP_BRIDGE_ROUTE:
			if (bridge_route_format(&s->route, spec, sizeof(spec)) < 0)
				goto inval;
			add_line(&t, "step %s %s", bstep_names[s->kind], spec);
			break;
		case BSTEP_UPLINK_ADDR:
		case BSTEP_BRIDGE_ADDR:
			if (bridge_addr_format(&s->addr, spec, sizeof(spec)) < 0)
				goto inval;
			add_line(&t, "step %s %s", bstep_names[s->kind], spec);
			break;
		case BSTEP_UPLINK_NEIGH:
		case BSTEP_BRIDGE_NEIGH:
			if (!s->neigh.permanent ||
			    bridge_neigh_format(&s->neigh, spec, sizeof(spec)) < 0)
				goto inval;
			add_line(&t, "step %s %s", bstep_names[s->kind], spec);
			break;
		default:
			goto inval;
		}
	}
	add_line(&t, "end");
	if (t.oom) {
		free(t.p);
		return -ENOMEM;
	}
	*ret_text = t.p;
	return 0;
inval:
	free(t.p);
	return -EINVAL;
}

/* ---- parsing ---------------------------------------------------------------------------- */

static int parse_u32(const char *s, uint32_t max, uint32_t *ret)
{
	uint64_t v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -EBADMSG;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EBADMSG;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -EBADMSG;
	}
	*ret = (uint32_t)v;
	return 0;
}

static int parse_a4(const char *s, bool dash_ok, bool *ret_has, struct in_addr *ret)
{
	if (dash_ok && strcmp(s, "-") == 0) {
		*ret_has = false;
		ret->s_addr = 0;
		return 0;
	}
	if (inet_pton(AF_INET, s, ret) != 1)
		return -EBADMSG;
	if (ret_has)
		*ret_has = true;
	return 0;
}

static int parse_cidr(const char *s, struct usbnet_ip4 *ret)
{
	char a[INET_ADDRSTRLEN + 4], *slash;
	uint32_t p;

	if (strlen(s) >= sizeof(a))
		return -EBADMSG;
	strcpy(a, s);
	slash = strchr(a, '/');
	if (!slash)
		return -EBADMSG;
	*slash = '\0';
	if (inet_pton(AF_INET, a, &ret->addr) != 1 || parse_u32(slash + 1, 32, &p) < 0)
		return -EBADMSG;
	ret->prefix = (uint8_t)p;
	return 0;
}

/* Split on single spaces into at most max words; the count, or -EBADMSG. */
static int split(char *s, char **words, int max)
{
	int n = 0;

	for (char *p = s;;) {
		if (n == max || *p == '\0' || *p == ' ')
			return -EBADMSG;
		words[n++] = p;
		p = strchr(p, ' ');
		if (!p)
			return n;
		*p++ = '\0';
	}
}

static int parse_route(const char *spec, struct nl_route_full *ret)
{
	char copy[256], *w[19], again[256];
	struct nl_route_full rt = {};
	uint32_t v[7];
	static const char *const keys[] = {"via",  "src", "table",  "proto", "scope",
					   "type", "tos", "metric", "flags"};

	if (strlen(spec) >= sizeof(copy))
		return -EBADMSG;
	strcpy(copy, spec);
	if (split(copy, w, 19) != 19)
		return -EBADMSG;
	for (int i = 0; i < 9; i++)
		if (strcmp(w[1 + 2 * i], keys[i]) != 0)
			return -EBADMSG;
	if (parse_cidr(w[0], &rt.dst) < 0 || parse_a4(w[2], true, &rt.has_gw, &rt.gw) < 0 ||
	    parse_a4(w[4], true, &rt.has_src, &rt.src) < 0)
		return -EBADMSG;
	for (int i = 0; i < 7; i++)
		if (parse_u32(w[6 + 2 * i], i == 0 || i >= 5 ? UINT32_MAX : 255, &v[i]) < 0)
			return -EBADMSG;
	rt.table = v[0];
	rt.protocol = (uint8_t)v[1];
	rt.scope = (uint8_t)v[2];
	rt.type = (uint8_t)v[3];
	rt.tos = (uint8_t)v[4];
	rt.metric = v[5];
	rt.nh_flags = v[6];
	if (bridge_route_format(&rt, again, sizeof(again)) < 0 || strcmp(again, spec) != 0)
		return -EBADMSG;
	*ret = rt;
	return 0;
}

static int parse_addr(const char *spec, struct nl_addr_full *ret)
{
	char copy[256], *w[7], again[256];
	struct nl_addr_full a = {};
	uint32_t scope;

	if (strlen(spec) >= sizeof(copy))
		return -EBADMSG;
	strcpy(copy, spec);
	if (split(copy, w, 7) != 7 || strcmp(w[1], "brd") != 0 || strcmp(w[3], "scope") != 0 ||
	    strcmp(w[5], "flags") != 0)
		return -EBADMSG;
	if (parse_cidr(w[0], &a.ip) < 0 || parse_a4(w[2], true, &a.has_brd, &a.brd) < 0 ||
	    parse_u32(w[4], 255, &scope) < 0 || parse_u32(w[6], UINT32_MAX, &a.flags) < 0)
		return -EBADMSG;
	a.scope = (uint8_t)scope;
	a.valid_lft = UINT32_MAX;
	if (bridge_addr_format(&a, again, sizeof(again)) < 0 || strcmp(again, spec) != 0)
		return -EBADMSG;
	*ret = a;
	return 0;
}

static int parse_neigh(const char *spec, struct nl_neigh4 *ret)
{
	char copy[64], *w[3], again[64];
	struct nl_neigh4 nb = {.permanent = true};
	unsigned m[6];
	char tail;

	if (strlen(spec) >= sizeof(copy))
		return -EBADMSG;
	strcpy(copy, spec);
	if (split(copy, w, 3) != 3 || strcmp(w[1], "lladdr") != 0 ||
	    parse_a4(w[0], false, NULL, &nb.ip) < 0 ||
	    sscanf(w[2], "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5],
		   &tail) != 6)
		return -EBADMSG;
	for (int i = 0; i < 6; i++)
		nb.mac[i] = (uint8_t)m[i];
	if (bridge_neigh_format(&nb, again, sizeof(again)) < 0 || strcmp(again, spec) != 0)
		return -EBADMSG;
	*ret = nb;
	return 0;
}

/* "NAME INDEX" with a valid name and a positive index. */
static int parse_name_index(const char *v, char *name, int *ret_index)
{
	const char *sp = strchr(v, ' ');
	uint32_t idx;

	if (!sp || (size_t)(sp - v) >= USBNET_IFNAMSIZ)
		return -EBADMSG;
	memcpy(name, v, (size_t)(sp - v));
	name[sp - v] = '\0';
	if (!name_ok(name) || parse_u32(sp + 1, INT32_MAX, &idx) < 0 || idx == 0)
		return -EBADMSG;
	*ret_index = (int)idx;
	return 0;
}

static const char *after(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0 || line[n] != ' ')
		return NULL;
	return line + n + 1;
}

int bridge_state_parse(const char *text, size_t len, struct bridge_record *ret)
{
	struct bridge_record *rec;
	const char *pos = text, *end = text + len, *v;
	char line[512];
	int phase = 0; /* 0 header, 1 users, 2 steps */
	uint32_t idx;
	int r = -EBADMSG, n_line = 0;

	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	for (;;) {
		const char *nl = memchr(pos, '\n', (size_t)(end - pos));
		size_t n;

		if (!nl)
			goto out; /* truncated, or no "end" */
		n = (size_t)(nl - pos);
		if (n >= sizeof(line) || memchr(pos, '\0', n))
			goto out;
		memcpy(line, pos, n);
		line[n] = '\0';
		pos = nl + 1;
		switch (n_line++) {
		case 0:
			if (strcmp(line, BRIDGE_MAGIC) != 0)
				goto out;
			continue;
		case 1:
			if (!(v = after(line, "name")) || !name_ok(v))
				goto out;
			strcpy(rec->name, v);
			continue;
		case 2:
			if (!(v = after(line, "ifindex")) ||
			    (strcmp(v, "0") != 0 && (parse_u32(v, INT32_MAX, &idx) < 0)))
				goto out;
			rec->ifindex = strcmp(v, "0") == 0 ? 0 : (int)idx;
			continue;
		case 3:
			if (!(v = after(line, "uplink")))
				goto out;
			if (strcmp(v, "-") != 0 &&
			    parse_name_index(v, rec->uplink, &rec->uplink_ifindex) < 0)
				goto out;
			continue;
		default:
			break;
		}
		if (strcmp(line, "end") == 0)
			break;
		if ((v = after(line, "user"))) {
			struct bridge_user *u;

			if (phase > 1 || rec->n_users >= BRIDGE_MAX_USERS)
				goto out;
			phase = 1;
			u = &rec->users[rec->n_users];
			if (parse_name_index(v, u->ifname, &u->ifindex) < 0)
				goto out;
			for (size_t i = 0; i < rec->n_users; i++)
				if (strcmp(rec->users[i].ifname, u->ifname) == 0)
					goto out; /* a peer is listed once */
			rec->n_users++;
			continue;
		}
		if ((v = after(line, "step")) && rec->n_steps < BRIDGE_MAX_STEPS) {
			struct bstep *s = &rec->steps[rec->n_steps];
			const char *arg;

			phase = 2;
			if (strcmp(v, "create") == 0) {
				s->kind = BSTEP_CREATE;
			} else if (strcmp(v, "uplink-port") == 0) {
				s->kind = BSTEP_UPLINK_PORT;
			} else if ((arg = after(v, "uplink-route")) ||
				   (arg = after(v, "bridge-route"))) {
				s->kind = after(v, "uplink-route") ? BSTEP_UPLINK_ROUTE
								   : BSTEP_BRIDGE_ROUTE;
				if (parse_route(arg, &s->route) < 0)
					goto out;
			} else if ((arg = after(v, "uplink-addr")) ||
				   (arg = after(v, "bridge-addr"))) {
				s->kind =
				    after(v, "uplink-addr") ? BSTEP_UPLINK_ADDR : BSTEP_BRIDGE_ADDR;
				if (parse_addr(arg, &s->addr) < 0)
					goto out;
			} else if ((arg = after(v, "uplink-neigh")) ||
				   (arg = after(v, "bridge-neigh"))) {
				s->kind = after(v, "uplink-neigh") ? BSTEP_UPLINK_NEIGH
								   : BSTEP_BRIDGE_NEIGH;
				if (parse_neigh(arg, &s->neigh) < 0)
					goto out;
			} else {
				goto out;
			}
			rec->n_steps++;
			continue;
		}
		goto out;
	}
	/* Moving an uplink is the only reason to name one, and it needs the uplink. */
	if (pos != end || n_line < 5)
		goto out;
	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind != BSTEP_CREATE && !rec->uplink[0])
			goto out;
	*ret = *rec;
	r = 0;
out:
	free(rec);
	return r;
}

/* ---- files ------------------------------------------------------------------------------ */

static int bridge_path(const char *run_dir, const char *name, char *buf, size_t size)
{
	int n;

	if (!name_ok(name))
		return -EINVAL;
	n = snprintf(buf, size, "%s/%s.bridge", run_dir, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int bridge_state_read(const char *run_dir, const char *name, struct bridge_record *ret)
{
	char path[PATH_MAX], *data = NULL;
	size_t len = 0;
	int r;

	r = bridge_path(run_dir, name, path, sizeof(path));
	if (r < 0)
		return r;
	r = journal_file_read(path, &data, &len);
	if (r < 0)
		return r;
	r = bridge_state_parse(data, len, ret);
	if (r >= 0 && strcmp(ret->name, name) != 0)
		r = -EBADMSG;
	free(data);
	return r;
}

int bridge_state_write(const char *run_dir, const struct bridge_record *rec)
{
	char path[PATH_MAX], *text = NULL;
	int r;

	r = bridge_path(run_dir, rec->name, path, sizeof(path));
	if (r < 0)
		return r;
	r = bridge_state_serialize(rec, &text);
	if (r < 0)
		return r;
	r = journal_file_write(run_dir, path, text);
	free(text);
	return r;
}

int bridge_state_remove(const char *run_dir, const char *name)
{
	char path[PATH_MAX];
	int r;

	r = bridge_path(run_dir, name, path, sizeof(path));
	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

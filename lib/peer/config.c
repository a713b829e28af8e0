/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration file. GKeyFile parses the values (escapes, whitespace), but it gives no line
 * numbers and silently merges duplicate groups and keys, so the raw text is scanned first: every
 * group header and key is recorded with its line, and everything structural (syntax, unknown or
 * duplicate groups and keys) is rejected there with the line it is on.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "core/ifname.h"
#include "peer/config.h"

/* A configuration file is a few hundred bytes; anything this large is not one. */
#define CONFIG_MAX_SIZE (1024 * 1024)
#define CONFIG_MAX_WAIT_S 600
/* How much of a bad value an error message quotes. */
#define QUOTE_MAX 64

enum group_kind {
	GROUP_GENERAL,
	GROUP_PEER,
};

struct scan_group {
	const char *name; /* into the text, not NUL-terminated */
	size_t len;
	unsigned line;
	enum group_kind kind;
};

struct scan_key {
	size_t group; /* index into groups */
	const char *name;
	size_t len;
	unsigned line;
};

struct parser {
	const char *file;
	char *errbuf;
	size_t errlen;
	struct scan_group *groups;
	size_t n_groups;
	struct scan_key *keys;
	size_t n_keys;
};

static const char *const general_keys[] = { "auto", "workers", "alias-pool", NULL };
static const char *const peer_keys[] = {
	"usb",	   "serial", "mac",    "driver", "product", "mode", "address",
	"peer",	   "uplink", "bridge", "wait",	 "dns",	    "trusted", "dhcp-server", "ipv6", "ipv6-prefix", "probe-from", NULL,
};

/* Writes "FILE:LINE: [group] key: problem" into the error buffer and returns -EINVAL. A line
 * of 0, a NULL group or key leave that part out. */
static int fail(struct parser *p, unsigned line, const struct scan_group *g, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(struct parser *p, unsigned line, const struct scan_group *g, const char *key,
		const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;
	int n;

	if (!p->errbuf || p->errlen == 0)
		return -EINVAL;
	if (line > 0)
		n = snprintf(p->errbuf, p->errlen, "%s:%u: ", p->file, line);
	else
		n = snprintf(p->errbuf, p->errlen, "%s: ", p->file);
	used = n > 0 ? (size_t)n : 0;
	if (g && used < p->errlen) {
		n = snprintf(p->errbuf + used, p->errlen - used, "[%.*s]%s", (int)g->len, g->name,
			     key ? " " : ": ");
		used += n > 0 ? (size_t)n : 0;
	}
	if (key && used < p->errlen) {
		n = snprintf(p->errbuf + used, p->errlen - used, "%s: ", key);
		used += n > 0 ? (size_t)n : 0;
	}
	if (used < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->errbuf + used, p->errlen - used, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A value as an error message shows it: in quotes, bytes outside printable ASCII as \xNN, cut
 * after QUOTE_MAX bytes. Whatever is in the file, the message is safe to print. */
static const char *quote(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t o = 0;

	buf[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 8 >= buflen || i >= QUOTE_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, buflen - o, "\\x%02x", c);
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

#define QUOTE_BUFSIZE (QUOTE_MAX * 4 + 8)
#define Q(s) quote((s), strlen(s), (char[QUOTE_BUFSIZE]){ 0 }, QUOTE_BUFSIZE)
#define QN(s, n) quote((s), (n), (char[QUOTE_BUFSIZE]){ 0 }, QUOTE_BUFSIZE)

static bool is_hspace(char c)
{
	/* What GKeyFile skips (g_ascii_isspace): not '\v', which makes a line GKeyFile rejects. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static bool in_list(const char *const *list, const char *s, size_t len)
{
	for (; *list; list++)
		if (name_eq(*list, strlen(*list), s, len))
			return true;
	return false;
}

/* [peer NAME]: NAME is shown in lists and recorded in state files, so it is kept to a plain
 * word; that also rules out anything GKeyFile would treat specially in a group name. */
/* Before its first group header a file has not shown itself a configuration file: it may be any
 * file (a key, /etc/shadow) named by mistake, and none of its text goes into a message or the
 * system log. Named, not quoted. */
static int not_config(struct parser *p, unsigned line)
{
	return fail(p, line, NULL, NULL,
		    "not a usbnet-host configuration file (this line comes before any [general] "
		    "or [peer NAME] group header and is not a comment)");
}

static bool peer_name_valid(const char *s, size_t len)
{
	if (len == 0 || len >= USBNET_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

static int scan_group_line(struct parser *p, const char *s, size_t len, unsigned line)
{
	const char *close = memchr(s, ']', len);
	struct scan_group g = { .line = line };
	struct scan_group *grown;

	if (!close)
		return fail(p, line, NULL, NULL,
			    "syntax error: a group header is [NAME], the ']' is missing");
	for (const char *q = close + 1; q < s + len; q++)
		if (*q != ' ' && *q != '\t')
			return fail(p, line, NULL, NULL,
				    "syntax error: text after the group header's ']'");
	g.name = s + 1;
	g.len = (size_t)(close - g.name);
	if (name_eq(g.name, g.len, "general", 7)) {
		g.kind = GROUP_GENERAL;
	} else if (g.len > 5 && memcmp(g.name, "peer ", 5) == 0) {
		g.kind = GROUP_PEER;
		if (!peer_name_valid(g.name + 5, g.len - 5))
			return fail(p, line, &g, NULL,
				    "the peer's name must be 1 to %d letters, digits, "
				    "'.', '_' or '-'",
				    USBNET_NAME_MAX - 1);
	} else {
		return fail(p, line, &g, NULL, "unknown group (expected [general] or [peer NAME])");
	}
	for (size_t i = 0; i < p->n_groups; i++)
		if (name_eq(p->groups[i].name, p->groups[i].len, g.name, g.len))
			return fail(p, line, &g, NULL, "duplicate group (first at line %u)",
				    p->groups[i].line);
	grown = realloc(p->groups, (p->n_groups + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->groups = grown;
	p->groups[p->n_groups++] = g;
	return 0;
}

static int scan_key_line(struct parser *p, const char *s, size_t len, unsigned line)
{
	const char *eq = memchr(s, '=', len);
	struct scan_key k = { .line = line, .name = s };
	const struct scan_group *g;
	struct scan_key *grown;

	if (!eq && p->n_groups == 0)
		return not_config(p, line);
	if (!eq)
		return fail(p, line, NULL, NULL,
			    "syntax error: expected [group], key=value or a # comment, got %s",
			    QN(s, len));
	if (p->n_groups == 0)
		return fail(p, line, NULL, NULL, "key=value before the first [group]");
	k.group = p->n_groups - 1;
	g = &p->groups[k.group];
	k.len = (size_t)(eq - s);
	while (k.len > 0 && is_hspace(s[k.len - 1]))
		k.len--;
	if (k.len == 0)
		return fail(p, line, g, NULL, "syntax error: a key name is missing before '='");
	if (!in_list(g->kind == GROUP_GENERAL ? general_keys : peer_keys, k.name, k.len))
		return fail(p, line, g, NULL, "unknown key %s", QN(k.name, k.len));
	for (size_t i = 0; i < p->n_keys; i++)
		if (p->keys[i].group == k.group &&
		    name_eq(p->keys[i].name, p->keys[i].len, k.name, k.len)) {
			char key[16]; /* a known key: short */

			snprintf(key, sizeof(key), "%.*s", (int)k.len, k.name);
			return fail(p, line, g, key, "duplicate key (first at line %u)",
				    p->keys[i].line);
		}
	grown = realloc(p->keys, (p->n_keys + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->keys = grown;
	p->keys[p->n_keys++] = k;
	return 0;
}

/* Line by line as GKeyFile reads it: lines split at '\n' (a '\r' before it dropped), leading
 * whitespace skipped, then a comment, a group header or key=value. */
static int scan(struct parser *p, const char *data, size_t len)
{
	size_t pos = 0;
	unsigned line = 0;
	int r;

	while (pos < len) {
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		line++;
		/* GKeyFile drops a '\r' only before a '\n', not at the end of the text. */
		if (nl && n > 0 && s[n - 1] == '\r')
			n--;
		if (memchr(s, '\0', n))
			return fail(p, line, NULL, NULL, "the line holds a NUL byte");
		if (!g_utf8_validate(s, (gssize)n, NULL))
			return fail(p, line, NULL, NULL, "the line is not valid UTF-8");
		while (n > 0 && is_hspace(*s)) {
			s++;
			n--;
		}
		if (n == 0 || *s == '#')
			continue;
		if (*s == '[')
			r = scan_group_line(p, s, n, line);
		else
			r = scan_key_line(p, s, n, line);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_hex4(const char *s, uint16_t *ret)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)s[i];

		if (!isxdigit(c))
			return -EINVAL;
		v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	*ret = (uint16_t)v;
	return 0;
}

static int parse_usb(const char *s, uint16_t *ret_vid, uint16_t *ret_pid)
{
	uint16_t vid, pid;

	if (strlen(s) != 9 || s[4] != ':')
		return -EINVAL;
	if (parse_hex4(s, &vid) < 0 || parse_hex4(s + 5, &pid) < 0)
		return -EINVAL;
	*ret_vid = vid;
	*ret_pid = pid;
	return 0;
}

/* "aa:bb:cc:dd:ee:ff", either case; stored lower-case. */
static int parse_mac(const char *s, char **ret)
{
	char *m;

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -EINVAL;
	}
	m = strdup(s);
	if (!m)
		return -ENOMEM;
	for (char *c = m; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	*ret = m;
	return 0;
}

int config_ipv6_prefix_parse(const char *s, struct in6_addr *ret, char *why, size_t len)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	struct in6_addr a;
	size_t n;

	if (!slash || strcmp(slash + 1, "64") != 0) {
		snprintf(why, len, "is not a /64 (X:X::/64): router advertisements for SLAAC "
				   "give one /64");
		return -EINVAL;
	}
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(addr)) {
		snprintf(why, len, "is not an IPv6 prefix (X:X::/64)");
		return -EINVAL;
	}
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1) {
		snprintf(why, len, "is not an IPv6 prefix (X:X::/64)");
		return -EINVAL;
	}
	for (size_t i = 8; i < 16; i++)
		if (a.s6_addr[i]) {
			snprintf(why, len, "has host bits set: the prefix ends at bit 64");
			return -EINVAL;
		}
	if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_MULTICAST(&a) ||
	    IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_V4MAPPED(&a)) {
		snprintf(why, len, "is not a prefix to share (unspecified, loopback, multicast, "
				   "link-local or IPv4-mapped)");
		return -EINVAL;
	}
	*ret = a;
	return 0;
}

static int parse_bool(const char *s, int *ret)
{
	if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0) {
		*ret = 1;
		return 0;
	}
	if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0) {
		*ret = 0;
		return 0;
	}
	return -EINVAL;
}

/* Decimal digits only, at most 3, at most max. */
static int parse_small_number(const char *s, unsigned long max, int *ret)
{
	unsigned long v = 0;

	if (*s == '\0' || strlen(s) > 3)
		return -EINVAL;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*c - '0');
	}
	if (v > max)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

static int parse_wait(const char *s, int *ret)
{
	return parse_small_number(s, CONFIG_MAX_WAIT_S, ret);
}

static int dup_match_string(const char *value, size_t max, char **ret)
{
	if (*value == '\0' || strlen(value) >= max)
		return -EINVAL;
	*ret = strdup(value);
	return *ret ? 0 : -ENOMEM;
}

static int parse_general_value(struct parser *p, struct usbnet_config *c,
			       const struct scan_group *g, const struct scan_key *k,
			       const char *key, const char *value)
{
	/* The scan lets only known keys through: [general] has "auto", "workers" and
	 * "alias-pool". */
	if (strcmp(key, "alias-pool") == 0) {
		struct usbnet_ip4 pool;
		uint32_t m;

		if (usbnet_ip4_parse(value, true, &pool) < 0 || pool.prefix < 16 || pool.prefix > 30)
			return fail(p, k->line, g, key,
				    "%s is not a subnet A.B.C.D/N with N from 16 to 30", Q(value));
		m = htonl(~0u << (32 - pool.prefix));
		if ((pool.addr.s_addr & ~m) != 0)
			return fail(p, k->line, g, key, "%s is not a subnet's first address",
				    Q(value));
		c->has_alias_pool = true;
		c->alias_pool = pool;
		return 0;
	}
	if (strcmp(key, "workers") == 0) {
		int v;

		if (parse_small_number(value, CONFIG_WORKERS_MAX, &v) < 0 || v < 1)
			return fail(p, k->line, g, key, "%s is not a number from 1 to %d", Q(value),
				    CONFIG_WORKERS_MAX);
		c->workers = (unsigned)v;
	} else if (strcmp(value, "profiles") == 0)
		c->auto_mode = CONFIG_AUTO_PROFILES;
	else if (strcmp(value, "none") == 0)
		c->auto_mode = CONFIG_AUTO_NONE;
	else
		return fail(p, k->line, g, key, "%s is not profiles or none", Q(value));
	return 0;
}

static int parse_peer_value(struct parser *p, struct config_peer *cp, const struct scan_group *g,
			    const struct scan_key *k, const char *key, const char *value)
{
	const size_t driver_max = sizeof(((struct usbnet_peer *)0)->driver);
	unsigned line = k->line;
	size_t max = USBNET_STR_MAX;
	struct usbnet_ip4 ip;
	int r = 0;

	if (strcmp(key, "usb") == 0) {
		if (parse_usb(value, &cp->vendor_id, &cp->product_id) < 0)
			return fail(p, line, g, key, "%s is not VID:PID (4 hex digits each)",
				    Q(value));
		cp->has_usb = true;
	} else if (strcmp(key, "serial") == 0) {
		r = dup_match_string(value, max, &cp->serial);
	} else if (strcmp(key, "product") == 0) {
		r = dup_match_string(value, max, &cp->product);
	} else if (strcmp(key, "driver") == 0) {
		max = driver_max;
		r = dup_match_string(value, max, &cp->driver);
	} else if (strcmp(key, "mac") == 0) {
		r = parse_mac(value, &cp->mac);
		if (r == -EINVAL)
			return fail(p, line, g, key, "%s is not a MAC address (aa:bb:cc:dd:ee:ff)",
				    Q(value));
	} else if (strcmp(key, "mode") == 0) {
		if (usbnet_mode_from_name(value, &cp->mode) < 0)
			return fail(p, line, g, key,
				    "%s is not static, gateway, bridge, dhcp, ignore or auto",
				    Q(value));
		cp->has_mode = true;
		cp->mode_line = line;
	} else if (strcmp(key, "address") == 0) {
		if (usbnet_ip4_parse(value, true, &ip) < 0)
			return fail(p, line, g, key,
				    "%s is not an IPv4 address with a prefix (A.B.C.D/N)",
				    Q(value));
		if (ip.prefix == 0)
			return fail(p, line, g, key, "%s: a /0 prefix would cover every address",
				    Q(value));
		cp->host = ip;
		cp->has_host = true;
		cp->address_line = line;
	} else if (strcmp(key, "peer") == 0) {
		if (strchr(value, '/') || usbnet_ip4_parse(value, false, &ip) < 0)
			return fail(p, line, g, key, "%s is not an IPv4 address (A.B.C.D)",
				    Q(value));
		cp->peer = ip.addr;
		cp->has_peer = true;
	} else if (strcmp(key, "uplink") == 0) {
		if (strcmp(value, "auto") != 0 && !ifname_valid(value))
			return fail(p, line, g, key,
				    "%s is not an interface name (1 to %d characters, no '/', ':' "
				    "or whitespace) or auto",
				    Q(value), USBNET_IFNAMSIZ - 1);
		strcpy(cp->uplink, value);
		cp->uplink_line = line;
	} else if (strcmp(key, "bridge") == 0) {
		if (!ifname_valid(value))
			return fail(p, line, g, key,
				    "%s is not an interface name (1 to %d characters, no '/', ':' "
				    "or whitespace)",
				    Q(value), USBNET_IFNAMSIZ - 1);
		strcpy(cp->bridge, value);
	} else if (strcmp(key, "wait") == 0) {
		if (parse_wait(value, &cp->wait_s) < 0)
			return fail(p, line, g, key, "%s is not a number of seconds from 0 to %d",
				    Q(value), CONFIG_MAX_WAIT_S);
	} else if (strcmp(key, "dns") == 0 || strcmp(key, "trusted") == 0 ||
		   strcmp(key, "dhcp-server") == 0) {
		int *b = strcmp(key, "dns") == 0	       ? &cp->dns
			 : strcmp(key, "trusted") == 0 ? &cp->trusted
						       : &cp->dhcp_server;

		if (parse_bool(value, b) < 0)
			return fail(p, line, g, key, "%s is not yes or no", Q(value));
	} else if (strcmp(key, "ipv6") == 0) {
		if (strcmp(value, "on") == 0)
			cp->ipv6 = 1;
		else if (strcmp(value, "off") == 0)
			cp->ipv6 = 0;
		else
			return fail(p, line, g, key, "%s is not on or off", Q(value));
	} else if (strcmp(key, "ipv6-prefix") == 0) {
		char why[128];

		if (config_ipv6_prefix_parse(value, &cp->ipv6_prefix, why, sizeof(why)) < 0)
			return fail(p, line, g, key, "%s %s", Q(value), why);
		cp->has_ipv6_prefix = true;
	} else if (strcmp(key, "probe-from") == 0) {
		if (strcmp(value, "no") == 0) {
			cp->probe_from = 0;
		} else if (usbnet_ip4_parse(value, true, &ip) < 0 || ip.prefix == 0) {
			return fail(p, line, g, key,
				    "%s is not an IPv4 prefix (A.B.C.D/N, not /0) or no", Q(value));
		} else {
			cp->probe_from = 1;
			cp->probe_from_ip = ip;
		}
	}
	if (r == -EINVAL)
		return fail(p, line, g, key, "%s: the value must be 1 to %zu bytes long",
			    Q(value), max - 1);
	return r;
}

static int check_peer(struct parser *p, const struct config_peer *cp, const struct scan_group *g)
{
	if (!cp->has_usb && !cp->serial && !cp->mac && !cp->driver && !cp->product)
		return fail(p, g->line, g, NULL,
			    "no match key (usb=, serial=, mac=, driver= or product=): the group "
			    "would match no device");
	if (cp->has_host && cp->has_peer && cp->host.addr.s_addr == cp->peer.s_addr)
		return fail(p, g->line, g, NULL, "address and peer are the same address");
	return 0;
}

static int build(struct parser *p, GKeyFile *kf, struct usbnet_config *c)
{
	size_t n_peers = 0;
	int r;

	for (size_t i = 0; i < p->n_groups; i++)
		if (p->groups[i].kind == GROUP_PEER)
			n_peers++;
	if (n_peers > 0) {
		c->peers = calloc(n_peers, sizeof(*c->peers));
		if (!c->peers)
			return -ENOMEM;
	}

	for (size_t gi = 0; gi < p->n_groups; gi++) {
		const struct scan_group *g = &p->groups[gi];
		struct config_peer *cp = NULL;
		char *group = g_strndup(g->name, g->len);

		if (g->kind == GROUP_PEER) {
			cp = &c->peers[c->n_peers++];
			memcpy(cp->name, g->name + 5, g->len - 5);
			cp->line = g->line;
			cp->wait_s = -1;
			cp->dns = -1;
			cp->dhcp_server = -1;
			cp->trusted = -1;
			cp->ipv6 = -1;
			cp->probe_from = -1;
		}
		for (size_t ki = 0; ki < p->n_keys; ki++) {
			const struct scan_key *k = &p->keys[ki];
			char key[16]; /* the scan lets only known keys, all short, through */
			GError *error = NULL;
			char *value;

			if (k->group != gi)
				continue;
			snprintf(key, sizeof(key), "%.*s", (int)k->len, k->name);
			/* On a bad escape GKeyFile returns the raw text and sets the error. */
			value = g_key_file_get_string(kf, group, key, &error);
			if (!value || error) {
				r = fail(p, k->line, g, key,
					 "an invalid escape sequence (after a backslash: s, n, t, "
					 "r or a backslash)");
				g_clear_error(&error);
				g_free(value);
				g_free(group);
				return r;
			}
			if (cp)
				r = parse_peer_value(p, cp, g, k, key, value);
			else
				r = parse_general_value(p, c, g, k, key, value);
			g_free(value);
			if (r < 0) {
				g_free(group);
				return r;
			}
		}
		g_free(group);
		if (cp) {
			r = check_peer(p, cp, g);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int config_parse(const char *data, size_t len, const char *name, struct usbnet_config **ret,
		 char *errbuf, size_t errlen)
{
	struct parser p = { .file = name ? name : "(config)", .errbuf = errbuf, .errlen = errlen };
	struct usbnet_config *c = NULL;
	GKeyFile *kf = NULL;
	GError *error = NULL;
	int r;

	if (errbuf && errlen > 0)
		errbuf[0] = '\0';
	if (!data && len > 0)
		return -EINVAL;
	r = scan(&p, data ? data : "", len);
	if (r < 0)
		goto out;

	c = calloc(1, sizeof(*c));
	if (!c) {
		r = -ENOMEM;
		goto out;
	}
	c->workers = CONFIG_WORKERS_DEFAULT;
	kf = g_key_file_new();
	if (!g_key_file_load_from_data(kf, data ? data : "", len, G_KEY_FILE_NONE, &error)) {
		/* The scan accepts nothing GKeyFile rejects, as far as we know: keep its word. */
		r = fail(&p, 0, NULL, NULL, "%s", error->message);
		g_clear_error(&error);
		goto out;
	}
	r = build(&p, kf, c);
	if (r < 0)
		goto out;
	*ret = c;
	c = NULL;
	r = 0;
out:
	if (r == -ENOMEM && errbuf && errlen > 0)
		snprintf(errbuf, errlen, "%s: out of memory", p.file);
	if (kf)
		g_key_file_free(kf);
	config_free(c);
	free(p.groups);
	free(p.keys);
	return r;
}

int config_load(const char *path, struct usbnet_config **ret, char *errbuf, size_t errlen)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd, r;

	if (errbuf && errlen > 0)
		errbuf[0] = '\0';
	/* Never blocks (a FIFO at the path would hang udev-probe), never follows a symbolic
	 * link (the file is the one named, or nothing). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		r = -errno;
		if (errbuf && errlen > 0)
			snprintf(errbuf, errlen, "%s: %s", path,
				 r == -ENOENT ? "no such file"
				 : r == -ELOOP ? "a symbolic link, not read (name the file itself)"
					       : strerror(-r));
		return r == -ELOOP ? -EINVAL : r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail_errno;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		if (errbuf && errlen > 0)
			snprintf(errbuf, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_size > CONFIG_MAX_SIZE) {
		r = -EFBIG;
		if (errbuf && errlen > 0)
			snprintf(errbuf, errlen,
				 "%s: larger than %d bytes, not a configuration file", path,
				 CONFIG_MAX_SIZE);
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		r = -ENOMEM;
		goto fail_errno;
	}
	/* Read to the end even if the file changed size since fstat, up to the limit. */
	for (;;) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size + 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail_errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > (size_t)st.st_size) {
			r = -EFBIG;
			if (errbuf && errlen > 0)
				snprintf(errbuf, errlen, "%s: the file grew while being read",
					 path);
			goto out;
		}
	}
	r = config_parse(data, len, path, ret, errbuf, errlen);
	goto out;
fail_errno:
	if (errbuf && errlen > 0)
		snprintf(errbuf, errlen, "%s: %s", path, strerror(-r));
out:
	free(data);
	close(fd);
	return r;
}

struct usbnet_config *config_free(struct usbnet_config *config)
{
	if (!config)
		return NULL;
	for (size_t i = 0; i < config->n_peers; i++) {
		free(config->peers[i].serial);
		free(config->peers[i].mac);
		free(config->peers[i].driver);
		free(config->peers[i].product);
	}
	free(config->peers);
	free(config);
	return NULL;
}

static bool peer_matches(const struct config_peer *cp, const struct usbnet_peer *peer)
{
	if (cp->has_usb && (cp->vendor_id != peer->vendor_id || cp->product_id != peer->product_id))
		return false;
	if (cp->serial && strncmp(cp->serial, peer->serial, sizeof(peer->serial)) != 0)
		return false;
	if (cp->product && strncmp(cp->product, peer->product, sizeof(peer->product)) != 0)
		return false;
	if (cp->driver && strncmp(cp->driver, peer->driver, sizeof(peer->driver)) != 0)
		return false;
	if (cp->mac && strncasecmp(cp->mac, peer->mac, sizeof(peer->mac)) != 0)
		return false;
	return true;
}

const struct config_peer *config_match(const struct usbnet_config *config,
				       const struct usbnet_peer *peer)
{
	if (!config || !peer)
		return NULL;
	for (size_t i = 0; i < config->n_peers; i++) {
		const struct config_peer *cp = &config->peers[i];

		/* A group without match keys is rejected by the parser; never let one match all. */
		if (!cp->has_usb && !cp->serial && !cp->mac && !cp->driver && !cp->product)
			continue;
		if (peer_matches(cp, peer))
			return cp;
	}
	return NULL;
}

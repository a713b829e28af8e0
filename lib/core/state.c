/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The state record: a small text file, written whole and atomically, read strictly.
 *
 *	usbnet-host-state 1
 *	ifname usb0
 *	ifindex 7
 *	usb_path 1-1
 *	serial 0123
 *	mode static
 *	trusted no
 *	state configured
 *	host 192.168.2.14/24
 *	peer 192.168.2.15
 *	rtt_us 412
 *	message
 *	step nm-unmanaged
 *	step link-up
 *	step addr 192.168.2.14/24
 *	end
 *
 * A DHCP-serving peer's record has "step nm-profile UUID" (the profile NetworkManager got).
 * A gateway peer's has "step nft UPLINK SUBNET auto|fixed" (its nftables chains) and
 * "step forwarding" (it holds IPv4 forwarding on).
 * A gateway peer with DNS has "step dnsmasq PID START" (the forwarder: its pid and that
 * process's start time, /proc/PID/stat field 22), written as "step dnsmasq -" ahead of the
 * start, while the pid is not known yet.
 * A peer in bridge mode has "step bridge-join NAME" (it is listed in RUN_DIR/NAME.bridge,
 * bridge-state.c) and "step bridge-port NAME" (it was made a port of that bridge).
 * An up --auto record has "discovered METHOD CHOICE" after "message" (how the peer's address
 * was found, how the host's was chosen; see probe-choice.c); other records have no such line.
 *
 * Keys come in this order, each once; "-" stands for no host or peer address. Strings are
 * printable ASCII with "\\" and "\xHH" escapes, since a device's serial may hold any byte. The
 * record ends with "end": a truncated file is told from a complete one. Anything else is
 * -EBADMSG: down acts on this record as root, so it must never guess.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/state.h"

#define STATE_MAGIC "usbnet-host-state 1"
#define STATE_FILE_MAX (64 * 1024)
/* The longest line the writer makes: a message of bytes that all need "\xHH". */
#define STATE_LINE_MAX (sizeof("message ") + 4 * sizeof(((struct usbnet_status *)0)->message))

static const char *const step_names[] = {
	[STEP_NM_UNMANAGED] = "nm-unmanaged",
	[STEP_LINK_UP] = "link-up",
	[STEP_ADDR] = "addr",
	[STEP_ROUTE] = "route",
	[STEP_NM_PROFILE] = "nm-profile",
	[STEP_NFT] = "nft",
	[STEP_FORWARDING] = "forwarding",
	[STEP_DNSMASQ] = "dnsmasq",
	[STEP_BRIDGE_JOIN] = "bridge-join",
	[STEP_BRIDGE_PORT] = "bridge-port",
};

/* The name becomes part of a path: no "/", no "..", nothing a kernel name cannot be. */
static bool ifname_ok(const char *s)
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

/* ---- writing ---------------------------------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 512;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = true; /* only short fixed-form lines go through here */
		return;
	}
	buf_add(b, tmp, (size_t)n);
}

static void buf_escaped(struct buf *b, const char *key, const char *s)
{
	buf_add(b, key, strlen(key));
	buf_add(b, " ", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\\')
			buf_add(b, "\\\\", 2);
		else if (*p >= 0x20 && *p < 0x7f)
			buf_add(b, (const char *)p, 1);
		else
			buf_printf(b, "\\x%02x", *p);
	}
	buf_add(b, "\n", 1);
}

static void buf_ip4(struct buf *b, const char *key, bool has, const struct usbnet_ip4 *ip,
		    bool with_prefix)
{
	char a[INET_ADDRSTRLEN];

	if (!has) {
		buf_printf(b, "%s -\n", key);
		return;
	}
	inet_ntop(AF_INET, &ip->addr, a, sizeof(a));
	if (with_prefix)
		buf_printf(b, "%s %s/%u\n", key, a, ip->prefix);
	else
		buf_printf(b, "%s %s\n", key, a);
}

/* A UUID as NetworkManager writes it: 8-4-4-4-12 lower-case hex digits. */
/* "METHOD CHOICE": two words of lower-case letters, digits and "-". */
static bool discovered_ok(const char *s)
{
	int words = 0;
	bool in_word = false;
	size_t n = strnlen(s, 48);

	if (n == 0 || n >= 48)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ') {
			if (!in_word)
				return false;
			in_word = false;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
			words += !in_word;
			in_word = true;
		} else {
			return false;
		}
	}
	return in_word && words == 2;
}

static bool uuid_ok(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[36] == '\0';
}

int state_serialize(const struct state_record *rec, char **ret_text)
{
	struct buf b = {};
	struct usbnet_ip4 peer = { .addr = rec->status.peer, .prefix = 32 };

	if (!ifname_ok(rec->ifname) || rec->ifindex <= 0 || rec->n_steps > STATE_MAX_STEPS)
		return -EINVAL;

	buf_printf(&b, "%s\n", STATE_MAGIC);
	buf_printf(&b, "ifname %s\n", rec->ifname);
	buf_printf(&b, "ifindex %d\n", rec->ifindex);
	buf_escaped(&b, "usb_path", rec->usb_path);
	buf_escaped(&b, "serial", rec->serial);
	buf_printf(&b, "mode %s\n", usbnet_mode_name(rec->mode));
	buf_printf(&b, "trusted %s\n", rec->trusted ? "yes" : "no");
	buf_printf(&b, "state %s\n", usbnet_state_name(rec->status.state));
	buf_ip4(&b, "host", rec->status.has_host, &rec->status.host, true);
	buf_ip4(&b, "peer", rec->status.has_peer, &peer, false);
	buf_printf(&b, "rtt_us %" PRId64 "\n", rec->status.rtt_us < 0 ? -1 : rec->status.rtt_us);
	buf_escaped(&b, "message", rec->status.message);
	if (rec->status.discovered[0]) {
		if (!discovered_ok(rec->status.discovered)) {
			free(b.p);
			return -EINVAL;
		}
		buf_printf(&b, "discovered %s\n", rec->status.discovered);
	}
	for (size_t i = 0; i < rec->n_steps; i++) {
		const struct state_step *s = &rec->steps[i];

		switch (s->kind) {
		case STEP_NM_UNMANAGED:
		case STEP_LINK_UP:
		case STEP_FORWARDING:
			buf_printf(&b, "step %s\n", step_names[s->kind]);
			break;
		case STEP_ADDR:
		case STEP_ROUTE:
			/* up never adds a /0: a record saying so would have down remove a default
			 * route or a whole address space */
			if (s->ip.prefix == 0 || s->ip.prefix > 32) {
				free(b.p);
				return -EINVAL;
			}
			buf_ip4(&b, s->kind == STEP_ADDR ? "step addr" : "step route", true, &s->ip,
				true);
			break;
		case STEP_NM_PROFILE:
			if (!uuid_ok(s->uuid)) {
				free(b.p);
				return -EINVAL;
			}
			buf_printf(&b, "step nm-profile %s\n", s->uuid);
			break;
		case STEP_NFT: {
			char ip[32];

			if (!ifname_ok(s->uplink)) {
				free(b.p);
				return -EINVAL;
			}
			usbnet_ip4_format(&s->ip, ip, sizeof(ip));
			buf_printf(&b, "step nft %s %s %s\n", s->uplink, ip,
				   s->uplink_auto ? "auto" : "fixed");
			break;
		}
		case STEP_DNSMASQ: {
			char h[48];

			if (dns_handle_format(&s->dns, h, sizeof(h)) < 0) {
				free(b.p);
				return -EINVAL;
			}
			buf_printf(&b, "step dnsmasq %s\n", h);
			break;
		}
		case STEP_BRIDGE_JOIN:
		case STEP_BRIDGE_PORT:
			if (!ifname_ok(s->name)) {
				free(b.p);
				return -EINVAL;
			}
			buf_printf(&b, "step %s %s\n", step_names[s->kind], s->name);
			break;
		default:
			free(b.p);
			return -EINVAL;
		}
	}
	buf_printf(&b, "end\n");
	if (b.oom) {
		free(b.p);
		return -ENOMEM;
	}
	*ret_text = b.p;
	return 0;
}

/* ---- parsing ---------------------------------------------------------------------------- */

/* The next line, without its "\n"; a last line without "\n" is a truncated file. */
static int next_line(const char **pos, const char *end, char *line, size_t size)
{
	const char *nl = memchr(*pos, '\n', (size_t)(end - *pos));
	size_t n;

	if (!nl)
		return -EBADMSG;
	n = (size_t)(nl - *pos);
	if (n >= size || memchr(*pos, '\0', n))
		return -EBADMSG;
	memcpy(line, *pos, n);
	line[n] = '\0';
	*pos = nl + 1;
	return 0;
}

/* "key value": returns the value, or NULL when the key is not the expected one. */
static const char *value_of(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) != 0 || line[n] != ' ')
		return NULL;
	return line + n + 1;
}

/* A decimal without sign, leading zeros or overflow (or "-1" when allowed). */
static int parse_int64(const char *s, bool minus_one, int64_t max, int64_t *ret)
{
	int64_t v = 0;

	if (minus_one && strcmp(s, "-1") == 0) {
		*ret = -1;
		return 0;
	}
	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -EBADMSG;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EBADMSG;
		if (v > (max - (*s - '0')) / 10)
			return -EBADMSG;
		v = v * 10 + (*s - '0');
	}
	*ret = v;
	return 0;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_escaped(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c >= 0x7f)
			return -EBADMSG;
		if (c == '\\') {
			int hi, lo;

			if (s[1] == '\\') {
				s++;
			} else if (s[1] == 'x' && (hi = unhex(s[2])) >= 0 && (lo = unhex(s[3])) >= 0) {
				c = (unsigned char)(hi << 4 | lo);
				/* Only what the writer escapes: a canonical form, and no NUL. */
				if (c == 0 || (c >= 0x20 && c < 0x7f))
					return -EBADMSG;
				s += 3;
			} else {
				return -EBADMSG;
			}
		}
		if (n + 1 >= size)
			return -EBADMSG;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

static int parse_ip4(const char *s, bool with_prefix, bool *ret_has, struct usbnet_ip4 *ret)
{
	struct usbnet_ip4 ip;
	char back[32];

	if (ret_has && strcmp(s, "-") == 0) {
		*ret_has = false;
		memset(ret, 0, sizeof(*ret));
		return 0;
	}
	if (usbnet_ip4_parse(s, with_prefix, &ip) < 0)
		return -EBADMSG;
	if (!with_prefix && strchr(s, '/'))
		return -EBADMSG;
	/* Only the canonical form the writer produces. */
	usbnet_ip4_format(&ip, back, sizeof(back));
	if (with_prefix && strcmp(back, s) != 0)
		return -EBADMSG;
	if (ret_has)
		*ret_has = true;
	*ret = ip;
	return 0;
}

/* "UPLINK A.B.C.D/N auto|fixed" */
static int parse_nft_step(const char *v, struct state_step *s)
{
	char uplink[USBNET_IFNAMSIZ + 1], ip[20], how[8];
	int end = 0;

	if (sscanf(v, "%16s %19s %7s%n", uplink, ip, how, &end) != 3 || v[end] != '\0' ||
	    !ifname_ok(uplink) || parse_ip4(ip, true, NULL, &s->ip) < 0)
		return -EBADMSG;
	/* sscanf skips runs of blanks: only the writer's single spaces are canonical */
	if ((size_t)end != strlen(uplink) + strlen(ip) + strlen(how) + 2)
		return -EBADMSG;
	if (strcmp(how, "auto") == 0)
		s->uplink_auto = true;
	else if (strcmp(how, "fixed") != 0)
		return -EBADMSG;
	strcpy(s->uplink, uplink);
	return 0;
}

int state_parse(const char *text, size_t len, struct state_record *ret)
{
	const char *pos = text, *end = text + len, *v;
	struct state_record rec = {};
	struct usbnet_ip4 peer;
	char line[STATE_LINE_MAX];
	int64_t n;
	int i;

	if (len > STATE_FILE_MAX)
		return -EBADMSG;
	if (next_line(&pos, end, line, sizeof(line)) < 0 || strcmp(line, STATE_MAGIC) != 0)
		return -EBADMSG;

#define NEXT(key)                                                                                  \
	do {                                                                                       \
		if (next_line(&pos, end, line, sizeof(line)) < 0 || !(v = value_of(line, key)))    \
			return -EBADMSG;                                                           \
	} while (0)

	NEXT("ifname");
	if (!ifname_ok(v))
		return -EBADMSG;
	strcpy(rec.ifname, v);
	NEXT("ifindex");
	if (parse_int64(v, false, INT_MAX, &n) < 0 || n == 0)
		return -EBADMSG;
	rec.ifindex = (int)n;
	NEXT("usb_path");
	if (parse_escaped(v, rec.usb_path, sizeof(rec.usb_path)) < 0)
		return -EBADMSG;
	NEXT("serial");
	if (parse_escaped(v, rec.serial, sizeof(rec.serial)) < 0)
		return -EBADMSG;
	NEXT("mode");
	if (usbnet_mode_from_name(v, &rec.mode) < 0)
		return -EBADMSG;
	NEXT("trusted");
	if (strcmp(v, "yes") == 0)
		rec.trusted = true;
	else if (strcmp(v, "no") != 0)
		return -EBADMSG;
	NEXT("state");
	for (i = USBNET_STATE_UNCONFIGURED; i <= USBNET_STATE_CONFLICT; i++)
		if (strcmp(v, usbnet_state_name((enum usbnet_state)i)) == 0)
			break;
	if (i > USBNET_STATE_CONFLICT)
		return -EBADMSG;
	rec.status.state = (enum usbnet_state)i;
	NEXT("host");
	if (parse_ip4(v, true, &rec.status.has_host, &rec.status.host) < 0)
		return -EBADMSG;
	NEXT("peer");
	if (parse_ip4(v, false, &rec.status.has_peer, &peer) < 0)
		return -EBADMSG;
	rec.status.peer = peer.addr;
	NEXT("rtt_us");
	if (parse_int64(v, true, INT64_MAX, &rec.status.rtt_us) < 0)
		return -EBADMSG;
	/* "message" with an empty value is written as "message " */
	NEXT("message");
	if (parse_escaped(v, rec.status.message, sizeof(rec.status.message)) < 0)
		return -EBADMSG;
#undef NEXT

	for (;;) {
		struct state_step *s;

		if (next_line(&pos, end, line, sizeof(line)) < 0)
			return -EBADMSG;
		if (strcmp(line, "end") == 0)
			break;
		if ((v = value_of(line, "discovered")) && rec.n_steps == 0 && !rec.status.discovered[0]) {
			if (!discovered_ok(v))
				return -EBADMSG;
			strcpy(rec.status.discovered, v);
			continue;
		}
		if (!(v = value_of(line, "step")) || rec.n_steps >= STATE_MAX_STEPS)
			return -EBADMSG;
		s = &rec.steps[rec.n_steps];
		if (strcmp(v, step_names[STEP_NM_UNMANAGED]) == 0) {
			s->kind = STEP_NM_UNMANAGED;
		} else if (strcmp(v, step_names[STEP_LINK_UP]) == 0) {
			s->kind = STEP_LINK_UP;
		} else if (strcmp(v, step_names[STEP_FORWARDING]) == 0) {
			s->kind = STEP_FORWARDING;
		} else if (value_of(v, "nft")) {
			s->kind = STEP_NFT;
			if (parse_nft_step(value_of(v, "nft"), s) < 0)
				return -EBADMSG;
		} else if (value_of(v, "addr")) {
			s->kind = STEP_ADDR;
			if (parse_ip4(value_of(v, "addr"), true, NULL, &s->ip) < 0 || s->ip.prefix == 0)
				return -EBADMSG;
		} else if (value_of(v, "nm-profile")) {
			s->kind = STEP_NM_PROFILE;
			if (!uuid_ok(value_of(v, "nm-profile")))
				return -EBADMSG;
			memcpy(s->uuid, value_of(v, "nm-profile"), sizeof(s->uuid));
		} else if (value_of(v, "dnsmasq")) {
			s->kind = STEP_DNSMASQ;
			if (dns_handle_parse(value_of(v, "dnsmasq"), &s->dns) < 0)
				return -EBADMSG;
		} else if (value_of(v, "bridge-join") || value_of(v, "bridge-port")) {
			const char *name = value_of(v, "bridge-join") ?: value_of(v, "bridge-port");

			s->kind = value_of(v, "bridge-join") ? STEP_BRIDGE_JOIN : STEP_BRIDGE_PORT;
			if (!ifname_ok(name))
				return -EBADMSG;
			strcpy(s->name, name);
		} else if (value_of(v, "route")) {
			s->kind = STEP_ROUTE;
			if (parse_ip4(value_of(v, "route"), true, NULL, &s->ip) < 0 || s->ip.prefix == 0)
				return -EBADMSG;
		} else {
			return -EBADMSG;
		}
		rec.n_steps++;
	}
	if (pos != end)
		return -EBADMSG;
	*ret = rec;
	return 0;
}

/* ---- files ------------------------------------------------------------------------------ */

static int state_path(const char *run_dir, const char *ifname, char *buf, size_t size)
{
	int n;

	if (!ifname_ok(ifname))
		return -EINVAL;
	n = snprintf(buf, size, "%s/%s.state", run_dir, ifname);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* The whole file, up to STATE_FILE_MAX bytes (a longer one is -EBADMSG); free() *ret. */
int state_file_read(const char *path, char **ret, size_t *ret_len)
{
	char *data;
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	/* A symbolic link, a directory, a FIFO where the record should be: put there by hand,
	 * and nothing to act on, like a record that does not parse. */
	if (fd < 0)
		return errno == ELOOP || errno == EISDIR ? -EBADMSG : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EBADMSG;
	}
	data = malloc(STATE_FILE_MAX + 1);
	if (!data) {
		close(fd);
		return -ENOMEM;
	}
	/* One byte more than a record may have: a longer file is rejected, not cut. */
	while (len <= STATE_FILE_MAX) {
		n = read(fd, data + len, STATE_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (r >= 0 && len > STATE_FILE_MAX)
		r = -EBADMSG;
	if (r < 0) {
		free(data);
		return r;
	}
	*ret = data;
	*ret_len = len;
	return 0;
}

int state_read(const char *run_dir, const char *ifname, struct state_record *ret)
{
	char path[PATH_MAX], *data = NULL;
	struct state_record rec;
	size_t len = 0;
	int r;

	r = state_path(run_dir, ifname, path, sizeof(path));
	if (r < 0)
		return r;
	r = state_file_read(path, &data, &len);
	if (r < 0)
		return r;
	r = state_parse(data, len, &rec);
	/* A record stored under another interface's name was moved by hand. */
	if (r >= 0 && strcmp(rec.ifname, ifname) != 0)
		r = -EBADMSG;
	if (r >= 0)
		*ret = rec;
	free(data);
	return r;
}

static int run_dir_ensure(const char *run_dir)
{
	if (mkdir(run_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Atomic replace of path (in run_dir, created when missing) by text. */
int state_file_write(const char *run_dir, const char *path, const char *text)
{
	char tmp[PATH_MAX + 8];
	int fd = -1, dfd, r;

	r = run_dir_ensure(run_dir);
	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = write_all(fd, text, strlen(text));
	if (r >= 0 && fchmod(fd, 0644) < 0)
		r = -errno;
	if (r >= 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r >= 0)
		r = -errno;
	if (r >= 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	/* The rename itself is durable once the directory is. */
	dfd = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int state_write(const char *run_dir, const struct state_record *rec)
{
	char path[PATH_MAX], *text = NULL;
	int r;

	r = state_path(run_dir, rec->ifname, path, sizeof(path));
	if (r < 0)
		return r;
	r = state_serialize(rec, &text);
	if (r < 0)
		return r;
	r = state_file_write(run_dir, path, text);
	free(text);
	return r;
}

int state_remove(const char *run_dir, const char *ifname)
{
	char path[PATH_MAX];
	int r;

	r = state_path(run_dir, ifname, path, sizeof(path));
	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

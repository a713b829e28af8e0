/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal (journal.h): the record as text, written whole and atomically, read strictly.
 *
 *	usbnet-host-state 2
 *	ifname usb0
 *	ifindex 7
 *	mac 02:00:00:00:00:01
 *	boot_id 0b3c...-...
 *	usb_path 1-1
 *	serial 0123
 *	mode static
 *	trusted no
 *	plan static host=192.168.2.14/24 peer=192.168.2.15
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
 * A step line is "step KIND ARGS" once made, "pending KIND ARGS" while recorded ahead of its
 * change; KIND and ARGS are the step kind's (core/step.h). An up --auto record has "discovered
 * METHOD CHOICE" after "message". "mac -" and "boot_id -" stand for unknown. Records of
 * version 1 (no mac, boot_id or plan lines; every step made) are still read.
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
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/ifname.h"
#include "core/journal.h"
#include "core/lock.h"

#define STATE_MAGIC_1 "usbnet-host-state 1"
#define STATE_MAGIC "usbnet-host-state 2"
#define STATE_FILE_MAX (64 * 1024)
/* The longest line the writer makes: a message of bytes that all need "\xHH". */
#define STATE_LINE_MAX (sizeof("message ") + 4 * sizeof(((struct usbnet_status *)0)->message))

const struct step_kind *step_kind_find(const struct step_kind *const *kinds, const char *name)
{
	for (; kinds && *kinds; kinds++)
		if (strcmp((*kinds)->name, name) == 0)
			return *kinds;
	return NULL;
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


static void buf_mac(struct buf *b, bool has, const uint8_t mac[6])
{
	if (!has)
		buf_printf(b, "mac -\n");
	else
		buf_printf(b, "mac %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2], mac[3],
			   mac[4], mac[5]);
}

/* A boot id: 8-4-4-4-12 lower-case hex digits. */
static bool boot_id_ok(const char *s)
{
	if (strlen(s) != JOURNAL_BOOT_ID_LEN)
		return false;
	for (int i = 0; i < JOURNAL_BOOT_ID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool args_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

int journal_serialize(const struct state_record *rec, char **ret_text)
{
	struct buf b = {};
	struct usbnet_ip4 peer = { .addr = rec->status.peer, .prefix = 32 };

	if (!ifname_valid(rec->ifname) || rec->ifindex <= 0 || rec->n_steps > STATE_MAX_STEPS ||
	    (rec->boot_id[0] && !boot_id_ok(rec->boot_id)))
		return -EINVAL;

	buf_printf(&b, "%s\n", STATE_MAGIC);
	buf_escaped(&b, "ifname", rec->ifname);
	buf_printf(&b, "ifindex %d\n", rec->ifindex);
	buf_mac(&b, rec->has_mac, rec->mac);
	buf_printf(&b, "boot_id %s\n", rec->boot_id[0] ? rec->boot_id : "-");
	buf_escaped(&b, "usb_path", rec->usb_path);
	buf_escaped(&b, "serial", rec->serial);
	buf_printf(&b, "mode %s\n", usbnet_mode_name(rec->mode));
	buf_printf(&b, "trusted %s\n", rec->trusted ? "yes" : "no");
	buf_escaped(&b, "plan", rec->plan);
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
		char args[STEP_ARGS_MAX] = "";

		if (!s->kind || (s->kind->format &&
				 (s->kind->format(s->data.bytes, args, sizeof(args)) < 0 || !args_ok(args)))) {
			free(b.p);
			return -EINVAL;
		}
		buf_add(&b, s->done ? "step " : "pending ", s->done ? 5 : 8);
		buf_add(&b, s->kind->name, strlen(s->kind->name));
		if (s->kind->format) {
			buf_add(&b, " ", 1);
			buf_add(&b, args, strlen(args));
		}
		buf_add(&b, "\n", 1);
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


static int parse_mac(const char *s, bool *ret_has, uint8_t mac[6])
{
	unsigned m[6];
	int end = 0;
	char back[18];

	if (strcmp(s, "-") == 0) {
		*ret_has = false;
		memset(mac, 0, 6);
		return 0;
	}
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &end) != 6 ||
	    s[end] != '\0')
		return -EBADMSG;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	snprintf(back, sizeof(back), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	if (strcmp(back, s) != 0)
		return -EBADMSG;
	*ret_has = true;
	return 0;
}

/* "[pending|step] KIND[ ARGS]" */
static int parse_step(const struct step_kind *const *kinds, const char *line, struct state_step *s)
{
	const char *v, *sp;
	char name[32];
	size_t n;

	memset(s, 0, sizeof(*s));
	if ((v = value_of(line, "step")))
		s->done = true;
	else if (!(v = value_of(line, "pending")))
		return -EBADMSG;
	sp = strchr(v, ' ');
	n = sp ? (size_t)(sp - v) : strlen(v);
	if (n == 0 || n >= sizeof(name))
		return -EBADMSG;
	memcpy(name, v, n);
	name[n] = '\0';
	s->kind = step_kind_find(kinds, name);
	if (!s->kind || s->kind->size > STEP_DATA_MAX)
		return -EBADMSG;
	if (!s->kind->parse)
		return sp ? -EBADMSG : 0;
	/* Only what the writer writes: printable ASCII arguments. */
	if (!sp || strlen(sp + 1) >= STEP_ARGS_MAX || !args_ok(sp + 1))
		return -EBADMSG;
	return s->kind->parse(sp + 1, s->data.bytes) < 0 ? -EBADMSG : 0;
}

int journal_parse(const struct step_kind *const *kinds, const char *text, size_t len,
		  struct state_record *ret)
{
	const char *pos = text, *end = text + len, *v;
	struct state_record *rec;
	struct usbnet_ip4 peer;
	char line[STATE_LINE_MAX];
	int64_t n;
	int i, version, r = -EBADMSG;

	if (len > STATE_FILE_MAX)
		return -EBADMSG;
	if (next_line(&pos, end, line, sizeof(line)) < 0)
		return -EBADMSG;
	if (strcmp(line, STATE_MAGIC) == 0)
		version = 2;
	else if (strcmp(line, STATE_MAGIC_1) == 0)
		version = 1;
	else
		return -EBADMSG;
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return -ENOMEM;

#define NEXT(key)                                                                                  \
	do {                                                                                       \
		if (next_line(&pos, end, line, sizeof(line)) < 0 || !(v = value_of(line, key)))    \
			goto out;                                                                  \
	} while (0)

	NEXT("ifname");
	if (parse_escaped(v, rec->ifname, sizeof(rec->ifname)) < 0 || !ifname_valid(rec->ifname))
		goto out;
	NEXT("ifindex");
	if (parse_int64(v, false, INT_MAX, &n) < 0 || n == 0)
		goto out;
	rec->ifindex = (int)n;
	if (version >= 2) {
		NEXT("mac");
		if (parse_mac(v, &rec->has_mac, rec->mac) < 0)
			goto out;
		NEXT("boot_id");
		if (strcmp(v, "-") != 0) {
			if (!boot_id_ok(v))
				goto out;
			strcpy(rec->boot_id, v);
		}
	}
	NEXT("usb_path");
	if (parse_escaped(v, rec->usb_path, sizeof(rec->usb_path)) < 0)
		goto out;
	NEXT("serial");
	if (parse_escaped(v, rec->serial, sizeof(rec->serial)) < 0)
		goto out;
	NEXT("mode");
	if (usbnet_mode_from_name(v, &rec->mode) < 0)
		goto out;
	NEXT("trusted");
	if (strcmp(v, "yes") == 0)
		rec->trusted = true;
	else if (strcmp(v, "no") != 0)
		goto out;
	if (version >= 2) {
		NEXT("plan");
		if (parse_escaped(v, rec->plan, sizeof(rec->plan)) < 0)
			goto out;
	}
	NEXT("state");
	/* A record is never written as vanished: that is what a reader makes of it. */
	for (i = USBNET_STATE_UNCONFIGURED; i <= USBNET_STATE_CONFLICT; i++)
		if (strcmp(v, usbnet_state_name((enum usbnet_state)i)) == 0)
			break;
	if (i > USBNET_STATE_CONFLICT)
		goto out;
	rec->status.state = (enum usbnet_state)i;
	NEXT("host");
	if (parse_ip4(v, true, &rec->status.has_host, &rec->status.host) < 0)
		goto out;
	NEXT("peer");
	if (parse_ip4(v, false, &rec->status.has_peer, &peer) < 0)
		goto out;
	rec->status.peer = peer.addr;
	NEXT("rtt_us");
	if (parse_int64(v, true, INT64_MAX, &rec->status.rtt_us) < 0)
		goto out;
	/* "message" with an empty value is written as "message " */
	NEXT("message");
	if (parse_escaped(v, rec->status.message, sizeof(rec->status.message)) < 0)
		goto out;
#undef NEXT

	for (;;) {
		if (next_line(&pos, end, line, sizeof(line)) < 0)
			goto out;
		if (strcmp(line, "end") == 0)
			break;
		if ((v = value_of(line, "discovered")) && rec->n_steps == 0 &&
		    !rec->status.discovered[0]) {
			if (!discovered_ok(v))
				goto out;
			strcpy(rec->status.discovered, v);
			continue;
		}
		if (rec->n_steps >= STATE_MAX_STEPS)
			goto out;
		if (parse_step(kinds, line, &rec->steps[rec->n_steps]) < 0)
			goto out;
		if (version == 1 && !rec->steps[rec->n_steps].done)
			goto out;
		rec->n_steps++;
	}
	if (pos != end)
		goto out;
	*ret = *rec;
	r = 0;
out:
	free(rec);
	return r;
}

/* ---- files ------------------------------------------------------------------------------ */

/* The whole file, up to STATE_FILE_MAX bytes (a longer one is -EBADMSG); free() *ret. */
int journal_file_read(const char *path, char **ret, size_t *ret_len)
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
int journal_file_write(const char *run_dir, const char *path, const char *text)
{
	char tmp[PATH_MAX + 8];
	int fd = -1, dfd, r;

	r = run_dir_ensure(run_dir);
	if (r < 0)
		return r;
	/* "PATH.PID.XXXXXX": the writer's pid, so that the next command knows a temporary file
	 * of a writer that was killed (journal_clean_temporaries) */
	snprintf(tmp, sizeof(tmp), "%s.%d.XXXXXX", path, (int)getpid());
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



static int record_path(const char *run_dir, const char *ifname, const char *suffix, char *buf,
		       size_t size)
{
	int n;

	if (!ifname_valid(ifname))
		return -EINVAL;
	n = snprintf(buf, size, "%s/%s%s", run_dir, ifname, suffix);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int journal_read(struct usbnet_ctx *ctx, const char *ifname, struct state_record *ret)
{
	char path[PATH_MAX], *data = NULL;
	struct state_record *rec;
	size_t len = 0;
	int r;

	r = record_path(ctx->run_dir, ifname, ".state", path, sizeof(path));
	if (r < 0)
		return r;
	r = journal_file_read(path, &data, &len);
	if (r < 0)
		return r;
	rec = malloc(sizeof(*rec));
	r = rec ? journal_parse(ctx->step_kinds, data, len, rec) : -ENOMEM;
	/* A record stored under another interface's name was moved by hand. */
	if (r >= 0 && strcmp(rec->ifname, ifname) != 0)
		r = -EBADMSG;
	if (r >= 0)
		*ret = *rec;
	free(rec);
	free(data);
	return r;
}

int journal_write(struct usbnet_ctx *ctx, const struct state_record *rec)
{
	char path[PATH_MAX], *text = NULL;
	int r;

	r = record_path(ctx->run_dir, rec->ifname, ".state", path, sizeof(path));
	if (r < 0)
		return r;
	r = journal_serialize(rec, &text);
	if (r < 0)
		return r;
	r = journal_file_write(ctx->run_dir, path, text);
	free(text);
	return r;
}

int journal_remove(struct usbnet_ctx *ctx, const char *ifname)
{
	char path[PATH_MAX];
	int r;

	r = record_path(ctx->run_dir, ifname, ".state", path, sizeof(path));
	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	lock_remove(ctx->run_dir, ifname);
	return 0;
}

int journal_rename(struct usbnet_ctx *ctx, struct state_record *rec, const char *new_ifname)
{
	char old_name[USBNET_IFNAMSIZ], path[PATH_MAX];
	int r;

	if (!ifname_valid(new_ifname))
		return -EINVAL;
	snprintf(old_name, sizeof(old_name), "%s", rec->ifname);
	snprintf(rec->ifname, sizeof(rec->ifname), "%s", new_ifname);
	r = journal_write(ctx, rec);
	if (r >= 0)
		r = record_path(ctx->run_dir, old_name, ".state", path, sizeof(path));
	if (r >= 0 && unlink(path) < 0 && errno != ENOENT)
		r = -errno;
	if (r < 0) {
		snprintf(rec->ifname, sizeof(rec->ifname), "%s", old_name);
		return r;
	}
	/* The old name's lock is left to prune: another run may hold it. */
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int journal_list(struct usbnet_ctx *ctx, char ***ret_ifnames)
{
	DIR *d = opendir(ctx->run_dir);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	if (!d && errno != ENOENT)
		return -errno;
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char name[USBNET_IFNAMSIZ];

		if (len <= 6 || strcmp(de->d_name + len - 6, ".state") != 0 ||
		    len - 6 >= sizeof(name))
			continue;
		memcpy(name, de->d_name, len - 6);
		name[len - 6] = '\0';
		if (!ifname_valid(name))
			continue;
		if (n + 2 > cap) {
			char **nv;

			cap = cap ? 2 * cap : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
		}
		v[n] = strdup(name);
		if (!v[n])
			goto oom;
		n++;
	}
	if (d)
		closedir(d);
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	*ret_ifnames = v;
	return 0;
oom:
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -ENOMEM;
}

/* The files journal_file_write() writes: records, the gateway's and bridges' records, the DNS
 * forwarder's pid file. */
static bool written_here(const char *name, size_t len)
{
	static const char *const suffixes[] = { ".state", ".record", ".bridge", ".pid" };

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t n = strlen(suffixes[i]);

		if (len > n && memcmp(name + len - n, suffixes[i], n) == 0)
			return true;
	}
	return false;
}

void journal_clean_temporaries(struct usbnet_ctx *ctx)
{
	DIR *d = opendir(ctx->run_dir);
	struct dirent *de;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		size_t len = strlen(name), base, digits = 0;
		struct stat st;
		bool dead = false;

		/* "PATH.PID.XXXXXX" (journal_file_write), or "PATH.XXXXXX" of an older version */
		if (len < 8 || name[len - 7] != '.')
			continue;
		base = len - 7;
		while (digits < base && name[base - 1 - digits] >= '0' && name[base - 1 - digits] <= '9')
			digits++;
		if (digits > 0 && digits < 11 && digits < base && name[base - 1 - digits] == '.' &&
		    written_here(name, base - 1 - digits)) {
			/* The writer is gone: killed halfway. A live writer's file is its own. */
			long pid = strtol(name + base - digits, NULL, 10);

			dead = pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
			if (!dead)
				continue;
		} else if (!written_here(name, base)) {
			continue;
		}
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		/* An older version's name says no writer: one in progress is younger than this */
		if (!dead && now - st.st_mtime < 60)
			continue;
		unlinkat(dirfd(d), name, 0);
	}
	closedir(d);
}

/* ---- identity ------------------------------------------------------------------------------ */

const char *journal_boot_id(void)
{
	static char id[JOURNAL_BOOT_ID_LEN + 1];
	FILE *f;

	if (id[0])
		return id;
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (!f)
		return "";
	if (!fgets(id, sizeof(id), f) || !boot_id_ok(id))
		id[0] = '\0';
	fclose(f);
	return id;
}

bool journal_same_device(const struct state_record *rec, int ifindex, const uint8_t mac[6],
			 bool has_mac)
{
	const char *boot = journal_boot_id();

	if (rec->boot_id[0] && boot[0] && strcmp(rec->boot_id, boot) != 0)
		return false;
	if (rec->ifindex != ifindex)
		return false;
	if (rec->has_mac && has_mac && memcmp(rec->mac, mac, 6) != 0)
		return false;
	return true;
}

/* ---- steps ------------------------------------------------------------------------------- */

static bool same_step(const struct step_kind *kind, const void *a, const void *b)
{
	return kind->same ? kind->same(a, b) : memcmp(a, b, kind->size) == 0;
}

struct state_step *journal_find(const struct state_record *rec, const struct step_kind *kind,
				size_t *ret_index)
{
	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind == kind) {
			if (ret_index)
				*ret_index = i;
			return (struct state_step *)&rec->steps[i];
		}
	return NULL;
}

static int write_or_fail(struct step_env *env)
{
	int r = journal_write(env->ctx, env->rec);

	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot write the state record %s/%s.state: %s",
				env->ctx->run_dir, env->rec->ifname, strerror(-r));
	return 0;
}

int journal_apply(struct step_env *env, const struct step_kind *kind, const void *data)
{
	struct state_record *rec = env->rec;
	struct state_step *s;
	int r;

	for (size_t i = 0; i < rec->n_steps; i++) {
		s = &rec->steps[i];
		if (s->kind != kind || !same_step(kind, s->data.bytes, data))
			continue;
		/* Recorded by an earlier up (made, or perhaps made): ours either way. */
		if (s->done && (!kind->check || kind->check(env, s->data.bytes) > 0))
			return JOURNAL_OURS;
		r = kind->apply(env, s->data.bytes);
		if (r < 0)
			return r; /* still recorded: the undo walk takes it */
		s->done = true;
		r = write_or_fail(env);
		return r < 0 ? r : JOURNAL_MADE;
	}
	if (rec->n_steps >= STATE_MAX_STEPS)
		return ctx_fail(env->ctx, -E2BIG, "too many steps recorded for %s", rec->ifname);
	s = &rec->steps[rec->n_steps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	memcpy(s->data.bytes, data, kind->size);
	/* Write ahead: a crash from here on leaves a record the undo walk finishes. */
	r = write_or_fail(env);
	if (r < 0) {
		rec->n_steps--;
		return r;
	}
	r = kind->apply(env, s->data.bytes);
	if (r < 0 || r == STEP_NOOP) {
		char why[sizeof(env->ctx->error)];
		enum usbnet_outcome o = env->ctx->outcome;
		int w;

		snprintf(why, sizeof(why), "%s", env->ctx->error);
		rec->n_steps--;
		w = journal_write(env->ctx, rec);
		/* The record still says pending: harmless, its undo takes what is not there. */
		(void)w;
		snprintf(env->ctx->error, sizeof(env->ctx->error), "%s", why);
		env->ctx->outcome = o;
		return r < 0 ? r : JOURNAL_NOOP;
	}
	s->done = true;
	r = write_or_fail(env);
	return r < 0 ? r : JOURNAL_MADE;
}

static void append(char *buf, size_t len, const char *phrase)
{
	size_t used;

	if (!buf || len == 0 || !phrase[0])
		return;
	used = strlen(buf);
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", phrase);
}

int journal_undo(struct step_env *env, size_t keep, bool written, char *done, size_t done_len)
{
	struct state_record *rec = env->rec;

	while (rec->n_steps > keep) {
		const struct state_step *s = &rec->steps[rec->n_steps - 1];
		char phrase[160] = "";
		int r;

		if (s->kind->scope == STEP_SCOPE_LINK && !env->link_ours) {
			/* The kernel took it with the interface, or the interface is another
			 * device's now: not ours to touch. */
			rec->n_steps--;
			continue;
		}
		r = s->kind->undo(env, s->data.bytes, phrase, sizeof(phrase));
		if (r < 0)
			return r;
		append(done, done_len, phrase);
		if (phrase[0])
			ctx_log(env->ctx, USBNET_LOG_INFO, "%s: %s", rec->ifname, phrase);
		rec->n_steps--;
		/* Undone is undone: a crash from here on does not undo it twice. */
		if (written)
			journal_write(env->ctx, rec);
	}
	return 0;
}

void journal_report(const struct state_record *rec, struct usbnet_status *status)
{
	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind->report)
			rec->steps[i].kind->report(rec->steps[i].data.bytes, status);
}

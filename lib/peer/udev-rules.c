/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * udev rules generated from the built-in profiles and the configuration (issue 20): udev
 * matches the properties itself and sets what udev-probe would print (USBNET_HOST_MODE,
 * USBNET_HOST_PROFILE, USBNET_HOST_AUTO, NM_UNMANAGED), so that no process runs per interface.
 *
 * The rules follow the helper's reading of udev's environment (usbnet_peer_from_env) and its
 * classification (usbnet_classify, usbnet_plan_is_automatic) step by step. They must give
 * EXACTLY its answer, so every branch matches only what it can match exactly and runs the
 * helper (IMPORT{program}, as the packaged rule does) wherever it cannot:
 *
 * - udev compares a match value with strcmp unless it holds '*', '?' or '[' (then fnmatch(3),
 *   where a backslash escapes), and '|' separates alternatives. A value is written as it is only
 *   when it holds none of those, no '"' or backslash, no '$' or '%', printable ASCII alone
 *   (udev_rules_plain_safe()); our globs are built from known characters.
 * - udev matches an unset property as "", and cannot tell it from one set to "". Where the
 *   helper falls back from one key to another (ID_SERIAL_SHORT, then ID_USB_SERIAL_SHORT) the
 *   rules read the first when it is not empty, and run the helper when it is and the other
 *   is not.
 * - The IDs are read as udev's usb_id writes them, four lower-case hex digits; anything else
 *   ("0x1234", upper case, only the ID_USB_* names) runs the helper, which parses them.
 * - Device strings are cut at USBNET_STR_MAX - 1 bytes (back to a UTF-8 boundary): a value so
 *   long that a cut string could equal it runs the helper.
 * - The product is read from ID_MODEL_ENC, which the helper decodes (any \xNN). udev encodes
 *   every byte but [A-Za-z0-9#+-.:=@_] as \xNN (lower case): the rules match that form and the
 *   value as it is; any other encoding that could decode to the value (a backslash, and the
 *   value's first characters raw or encoded) runs the helper.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "peer/config.h"
#include "peer/enumerate.h"
#include "peer/profiles.h"
#include "peer/udev-rules.h"
#include "peer/upstream.h"

/* Where udev's helper is installed (udev/CMakeLists.txt); CMake passes it to the library's
 * folders. */
#ifndef USBNET_UDEV_HELPER
#error "USBNET_UDEV_HELPER must name udev's helper (the build passes it)"
#endif

#define LABEL_USB "usbnet_host_usb"
#define LABEL_GROUPS "usbnet_host_groups"
#define LABEL_PROPS "usbnet_host_props"
#define LABEL_HELPER "usbnet_host_helper"
#define LABEL_TAG "usbnet_host_tag"
#define LABEL_END "usbnet_host_end"

/* udev keeps properties whose name starts with '.' out of its database and out of events:
 * the rules' working state. */
#define VAR_MODE ".USBNET_HOST_MODE"
#define VAR_GROUP ".USBNET_HOST_GROUP"
#define VAR_UPSTREAM ".USBNET_HOST_UPSTREAM"

/* A cut string keeps USBNET_STR_MAX - 1 bytes, at most 4 fewer to end on a whole UTF-8
 * sequence (discover_copy_str): 123 bytes or more. Shorter values are compared exactly. */
#define EXACT_LEN_MAX (USBNET_STR_MAX - 6)

/* One branch's conditions so far: ", KEY==\"VALUE\"" each. */
struct conds {
	char s[4096];
	size_t len;
	bool overflow;
};

struct gen {
	FILE *f;
	const char *helper;
};

static void conds_add(struct conds *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void conds_add(struct conds *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->s + c->len, sizeof(c->s) - c->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(c->s) - c->len) {
		c->overflow = true;
		c->s[c->len] = '\0';
		return;
	}
	c->len += (size_t)n;
}

/* CONDS, ACTIONS on one line. Conditions that did not fit (none do: the configuration's
 * values are short) keep the ones before them, and the line runs the helper: still exact. */
static void emit(struct gen *g, const struct conds *c, const char *actions)
{
	const char *s = c && c->len ? c->s + 2 : "";

	if (c && c->overflow)
		actions = "GOTO=\"" LABEL_HELPER "\"";

	fprintf(g->f, "%s%s%s\n", s, *s && *actions ? ", " : "", actions);
}

static void emit_helper(struct gen *g, const struct conds *c)
{
	emit(g, c, "GOTO=\"" LABEL_HELPER "\"");
}

bool udev_rules_plain_safe(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || strchr("*?[|\"\\$%", *s))
			return false;
	return true;
}

bool udev_rules_exact_length(const char *s)
{
	return strlen(s) <= EXACT_LEN_MAX;
}

/* What udev's encode_devnode_name() leaves as it is (ASCII; valid UTF-8 too, which we never
 * write: udev_rules_plain_safe() keeps values to ASCII). */
static bool enc_kept(char c)
{
	return isascii((unsigned char)c) && (isalnum((unsigned char)c) || strchr("#+-.:=@_", c));
}

bool udev_rules_encode(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s; s++) {
		int n = enc_kept(*s) ? snprintf(buf + o, len - o, "%c", *s)
				     : snprintf(buf + o, len - o, "\\x%02x", (unsigned char)*s);

		if (n < 0 || (size_t)n >= len - o)
			return false;
		o += (size_t)n;
	}
	if (len == 0)
		return false;
	buf[o] = '\0';
	return true;
}

/* A hex digit of an escape as a glob that takes either case: "4", "[eE]". */
static void glob_hex_digit(char *buf, char d)
{
	if (isdigit((unsigned char)d))
		sprintf(buf, "%c", d);
	else
		sprintf(buf, "[%c%c]", tolower((unsigned char)d), toupper((unsigned char)d));
}

/* c as the helper decodes it, as a glob: raw (plain-safe characters are literal in a glob),
 * or encoded: "\\x[4][eE]". */
static void glob_unit(char *buf, char c, bool encoded)
{
	/* a and b hold "[xX]" (5 bytes with the NUL): the result is at most 13 bytes */
	char hex[3], a[6], b[6];

	if (!encoded) {
		sprintf(buf, "%c", c);
		return;
	}
	snprintf(hex, sizeof(hex), "%02x", (unsigned char)c);
	glob_hex_digit(a, hex[0]);
	glob_hex_digit(b, hex[1]);
	sprintf(buf, "\\\\x%s%s", a, b);
}

/*
 * The product's conditions. The helper reads ID_MODEL_ENC when it is set, decoded (else
 * ID_USB_MODEL_ENC, else ID_MODEL), and takes "" when it reads the product ID in hex.
 * Returns false when the branch must run the helper whatever the product (the lines are out).
 */
static bool product_conds(struct gen *g, struct conds *c, const char *s)
{
	char enc[EXACT_LEN_MAX * 4 + 1], guard[256];
	size_t k = strlen(s) < 2 ? strlen(s) : 2, o = 0;
	struct conds h;

	if (!udev_rules_plain_safe(s) || !udev_rules_exact_length(s) ||
	    !udev_rules_encode(s, enc, sizeof(enc))) {
		fprintf(g->f, "# (a product string a rule cannot match exactly: the helper)\n");
		emit_helper(g, c);
		return false;
	}
	/* No ID_MODEL_ENC (udev's usb_id always sets it): the helper reads the fallbacks, when
	 * there is one to read. */
	h = *c;
	conds_add(&h, ", ENV{ID_MODEL_ENC}==\"\", ENV{ID_USB_MODEL_ENC}==\"?*\"");
	emit_helper(g, &h);
	h = *c;
	conds_add(&h, ", ENV{ID_MODEL_ENC}==\"\", ENV{ID_MODEL}==\"?*\"");
	emit_helper(g, &h);
	/* Another encoding that may decode to s: its first k characters raw or encoded, and a
	 * backslash somewhere. */
	for (unsigned m = 0; m < (1u << k); m++) {
		char unit[16];

		o += (size_t)snprintf(guard + o, sizeof(guard) - o, "%s", o ? "|" : "");
		for (size_t i = 0; i < k; i++) {
			glob_unit(unit, s[i], m & (1u << i));
			o += (size_t)snprintf(guard + o, sizeof(guard) - o, "%s", unit);
		}
		o += (size_t)snprintf(guard + o, sizeof(guard) - o, "%s", m ? "*" : "*\\\\*");
	}
	h = *c;
	conds_add(&h, ", ENV{ID_MODEL_ENC}==\"%s\"", guard);
	if (strcmp(enc, s) != 0)
		conds_add(&h, ", ENV{ID_MODEL_ENC}!=\"%s\"", enc);
	emit_helper(g, &h);
	if (strcmp(enc, s) != 0)
		conds_add(c, ", ENV{ID_MODEL_ENC}==\"%s|%s\"", enc, s);
	else
		conds_add(c, ", ENV{ID_MODEL_ENC}==\"%s\"", s);
	/* The product ID in hex reads as no product string (enc_or_nothing). */
	if (strlen(s) == 4 && strspn(s, "0123456789abcdef") == 4)
		conds_add(c, ", ENV{ID_MODEL_ID}!=\"%s\"", s);
	return true;
}

/* The serial: ID_SERIAL_SHORT, else ID_USB_SERIAL_SHORT. */
static bool serial_conds(struct gen *g, struct conds *c, const char *s)
{
	struct conds h;

	if (!udev_rules_plain_safe(s) || !udev_rules_exact_length(s)) {
		fprintf(g->f, "# (a serial a rule cannot match exactly: the helper)\n");
		emit_helper(g, c);
		return false;
	}
	h = *c;
	conds_add(&h, ", ENV{ID_SERIAL_SHORT}==\"\", ENV{ID_USB_SERIAL_SHORT}==\"?*\"");
	emit_helper(g, &h);
	conds_add(c, ", ENV{ID_SERIAL_SHORT}==\"%s\"", s);
	return true;
}

/* The MAC: only in udev's "enx" name (ID_NET_NAME_MAC), hex digits of either case. */
static void mac_conds(struct conds *c, const char *mac)
{
	char pat[128];
	size_t o = 0;

	o += (size_t)snprintf(pat, sizeof(pat), "enx");
	for (const char *p = mac; *p && o < sizeof(pat) - 8; p++) {
		if (*p == ':')
			continue;
		glob_hex_digit(pat + o, *p);
		o += strlen(pat + o);
	}
	conds_add(c, ", ENV{ID_NET_NAME_MAC}==\"%s\"", pat);
}

/* The drivers of a protocol, "a|b"; false when no peer driver speaks it. */
static bool drivers_of(enum usbnet_protocol proto, char *buf, size_t len)
{
	enum usbnet_protocol p;
	const char *d;
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; (d = discover_peer_driver(i, &p)); i++)
		if (proto == USBNET_PROTO_UNKNOWN || p == proto)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "|" : "", d);
	return o > 0 && o < len;
}

static void emit_profiles(struct gen *g)
{
	fprintf(g->f, "\n# The built-in profiles (lib/peer/profiles.c): the first that matches.\n");
	for (size_t i = 0; i < n_profiles; i++) {
		const struct profile *p = &profiles[i];
		struct conds c = {};
		char drivers[128], act[256];

		if (!p->vendor_id && !p->product_id && !p->product)
			continue; /* matches no device by itself */
		if (p->vendor_id)
			conds_add(&c, ", ENV{ID_VENDOR_ID}==\"%04x\"", p->vendor_id);
		if (p->product_id)
			conds_add(&c, ", ENV{ID_MODEL_ID}==\"%04x\"", p->product_id);
		if (p->protocol != USBNET_PROTO_UNKNOWN) {
			if (!drivers_of(p->protocol, drivers, sizeof(drivers)))
				continue; /* no peer driver speaks it: never matches */
			conds_add(&c, ", ENV{ID_USB_DRIVER}==\"%s\"", drivers);
		}
		fprintf(g->f, "# %s\n", p->id);
		if (p->product && !product_conds(g, &c, p->product))
			continue;
		snprintf(act, sizeof(act),
			 "ENV{" VAR_MODE "}=\"%s\", ENV{USBNET_HOST_PROFILE}=\"%s\", "
			 "GOTO=\"" LABEL_GROUPS "\"",
			 usbnet_mode_name(p->mode), p->id);
		emit(g, &c, act);
	}
}

static void emit_group(struct gen *g, const struct config_peer *cp)
{
	struct conds c = {};
	char act[256];

	fprintf(g->f, "# [peer %s] (line %u)\n", cp->name, cp->line);
	if (!cp->has_usb && !cp->serial && !cp->mac && !cp->driver && !cp->product) {
		fprintf(g->f, "# (no match key: matches no device)\n");
		return;
	}
	if (cp->has_usb)
		conds_add(&c, ", ENV{ID_VENDOR_ID}==\"%04x\", ENV{ID_MODEL_ID}==\"%04x\"",
			  cp->vendor_id, cp->product_id);
	if (cp->driver) {
		/* The driver is one of the peer drivers here, as discovery names it. */
		if (discover_protocol_of_driver(cp->driver) == USBNET_PROTO_UNKNOWN) {
			fprintf(g->f,
				"# (driver= is no USB networking driver: matches no device)\n");
			return;
		}
		conds_add(&c, ", ENV{ID_USB_DRIVER}==\"%s\"", cp->driver);
	}
	if (cp->mac)
		mac_conds(&c, cp->mac);
	if (cp->serial && !serial_conds(g, &c, cp->serial))
		return;
	if (cp->product && !product_conds(g, &c, cp->product))
		return;
	/* The first group that matches decides: one that does not name the device leaves an
	 * upstream device unclaimed. */
	if (!upstream_group_claims(cp)) {
		struct conds d = c;

		conds_add(&d, ", ENV{" VAR_UPSTREAM "}==\"1\"");
		emit(g, &d, "GOTO=\"" LABEL_TAG "\"");
	}
	if (cp->has_mode) {
		snprintf(act, sizeof(act), "ENV{" VAR_MODE "}=\"%s\"", usbnet_mode_name(cp->mode));
		emit(g, &c, act);
	} else {
		/* The profile's mode; without one, static with an address, else auto. */
		struct conds d = c;

		conds_add(&d, ", ENV{" VAR_MODE "}==\"\"");
		snprintf(act, sizeof(act), "ENV{" VAR_MODE "}=\"%s\"",
			 usbnet_mode_name(cp->has_host ? USBNET_MODE_STATIC : USBNET_MODE_AUTO));
		emit(g, &d, act);
	}
	emit(g, &c, "ENV{" VAR_GROUP "}=\"1\", GOTO=\"" LABEL_PROPS "\"");
}

static void emit_head(struct gen *g, const char *source, bool claims)
{
	char drivers[128];
	uint16_t vid, pid;

	fprintf(
	    g->f,
	    "# usbnet-host: tag USB network peers before NetworkManager sees them.\n"
	    "# Generated by `usbnet-host udev-rules` from the built-in profiles%s\n"
	    "#   %s\n"
	    "# Do not edit: the watcher writes it again on start and on reload. udev matches the\n"
	    "# devices itself and sets what `usbnet-host udev-probe` would print; the branches\n"
	    "# that a rule cannot match exactly run udev's helper instead (the one import\n"
	    "# below). Properties whose name starts with '.' are udev's working state, not\n"
	    "# stored.\n\n",
	    source ? " and" : ":", source ? source : "(no configuration)");
	fprintf(g->f, "ACTION==\"remove\", GOTO=\"" LABEL_END "\"\n"
		      "SUBSYSTEM!=\"net\", GOTO=\"" LABEL_END "\"\n"
		      "SUBSYSTEMS==\"usb\", GOTO=\"" LABEL_USB "\"\n"
		      "GOTO=\"" LABEL_TAG "\"\n"
		      "LABEL=\"" LABEL_USB "\"\n\n");
	drivers_of(USBNET_PROTO_UNKNOWN, drivers, sizeof(drivers));
	fprintf(
	    g->f,
	    "# Not a USB network peer: no interface name, one no kernel gives, no peer driver.\n"
	    "ENV{INTERFACE}==\"\", GOTO=\"" LABEL_TAG "\"\n"
	    "ENV{INTERFACE}==\"%.*s*\", GOTO=\"" LABEL_TAG "\"\n"
	    "ENV{ID_USB_DRIVER}==\"\", ENV{ID_NET_DRIVER}==\"%s\", GOTO=\"" LABEL_HELPER "\"\n"
	    "ENV{ID_USB_DRIVER}!=\"%s\", GOTO=\"" LABEL_TAG "\"\n",
	    USBNET_IFNAMSIZ, "????????????????????????????????", drivers, drivers);
	fprintf(g->f, "# The IDs as udev's usb_id writes them; anything else: the helper.\n"
		      "ENV{ID_VENDOR_ID}!=\"[0-9a-f][0-9a-f][0-9a-f][0-9a-f]\", "
		      "GOTO=\"" LABEL_HELPER "\"\n"
		      "ENV{ID_MODEL_ID}!=\"[0-9a-f][0-9a-f][0-9a-f][0-9a-f]\", "
		      "GOTO=\"" LABEL_HELPER "\"\n");
	fprintf(g->f,
		"ENV{" VAR_MODE "}=\"\", ENV{" VAR_GROUP "}=\"\", ENV{" VAR_UPSTREAM "}=\"\"\n");
	fprintf(g->f, "# Upstream devices (tethering phones): left to NetworkManager, no "
		      "properties,\n# unless a [peer] group claims one (below).\n");
	for (size_t i = 0; upstream_tethering_id(i, &vid, &pid); i++)
		fprintf(g->f, "ENV{ID_VENDOR_ID}==\"%04x\", ENV{ID_MODEL_ID}==\"%04x\", %s\n", vid,
			pid, claims ? "ENV{" VAR_UPSTREAM "}=\"1\"" : "GOTO=\"" LABEL_TAG "\"");
}

static void emit_tail(struct gen *g, const struct usbnet_config *config)
{
	char owned[128];
	size_t o = 0;

	for (int m = USBNET_MODE_IGNORE; m <= USBNET_MODE_AUTO; m++)
		if (usbnet_mode_is_owned((enum usbnet_mode)m))
			o += (size_t)snprintf(owned + o, sizeof(owned) - o, "%s%s", o ? "|" : "",
					      usbnet_mode_name((enum usbnet_mode)m));
	fprintf(
	    g->f,
	    "\n# The properties. Nothing matched: ignore. The watcher acts on a group's device,\n"
	    "# and on a profile's %s; NetworkManager keeps off what it acts on in an owned mode.\n"
	    "LABEL=\"" LABEL_PROPS "\"\n"
	    "ENV{" VAR_MODE "}==\"\", ENV{" VAR_MODE "}=\"%s\"\n"
	    "ENV{USBNET_HOST_MODE}=\"$env{" VAR_MODE "}\"\n"
	    "ENV{USBNET_HOST_AUTO}=\"0\"\n"
	    "ENV{" VAR_MODE "}!=\"%s\", ENV{" VAR_GROUP "}==\"1\", ENV{USBNET_HOST_AUTO}=\"1\"\n",
	    config && config->auto_mode == CONFIG_AUTO_NONE ? "never ([general] auto=none)" : "too",
	    usbnet_mode_name(USBNET_MODE_IGNORE), usbnet_mode_name(USBNET_MODE_IGNORE));
	if (!(config && config->auto_mode == CONFIG_AUTO_NONE))
		fprintf(g->f, "ENV{" VAR_MODE "}!=\"%s\", ENV{USBNET_HOST_AUTO}=\"1\"\n",
			usbnet_mode_name(USBNET_MODE_IGNORE));
	fprintf(g->f,
		"ENV{USBNET_HOST_AUTO}==\"1\", ENV{" VAR_MODE "}==\"%s\", ENV{NM_UNMANAGED}=\"1\"\n"
		"GOTO=\"" LABEL_TAG "\"\n\n"
		"LABEL=\"" LABEL_HELPER "\"\n"
		"IMPORT{program}=\"%s\"\n\n"
		"LABEL=\"" LABEL_TAG "\"\n"
		"ENV{USBNET_HOST_AUTO}==\"1\", TAG+=\"usbnet-host\"\n\n"
		"LABEL=\"" LABEL_END "\"\n",
		owned, g->helper);
}

int udev_rules_write(FILE *f, const struct usbnet_config *config, const char *helper,
		     const char *source)
{
	struct gen g = {.f = f, .helper = helper};
	bool claims = false;

	/* Without a group that could claim one, an upstream device is left at once. */
	for (size_t i = 0; config && i < config->n_peers; i++)
		claims = claims || upstream_group_claims(&config->peers[i]);
	emit_head(&g, source, claims);
	emit_profiles(&g);
	fprintf(f, "LABEL=\"" LABEL_GROUPS "\"\n");
	if (config && config->n_peers) {
		fprintf(f, "\n# The [peer] groups, in their order: the first that matches.\n");
		for (size_t i = 0; i < config->n_peers; i++)
			emit_group(&g, &config->peers[i]);
	}
	if (claims)
		fprintf(f, "# An upstream device no group claimed: left to NetworkManager.\n"
			   "ENV{" VAR_UPSTREAM "}==\"1\", GOTO=\"" LABEL_TAG "\"\n");
	emit_tail(&g, config);
	return ferror(f) ? -EIO : 0;
}

/* ---- for a context ----------------------------------------------------------------------- */

/* What a path must be made of to go into IMPORT{program}=: udev splits the value at spaces and
 * substitutes '$' and '%' in it. */
static bool path_rule_safe(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("/._+-@,:=", *s))
			return false;
	return true;
}

int usbnet_udev_rules(struct usbnet_ctx *ctx, char **ret_text)
{
	const struct usbnet_config *config = ctx->config;
	char helper[PATH_MAX + 64], source[PATH_MAX + 64];
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int n, r;

	/* The helper reads the configuration the rules were made from: a file the caller named
	 * is passed on (udev's environment has no USBNET_HOST_CONFIG), none is none. */
	if (ctx->config_named && !path_rule_safe(ctx->config_path))
		return ctx_fail_input(ctx, -EINVAL,
				      "the configuration file's path cannot be written into a udev "
				      "rule (only letters, digits and /._+-@,:=)");
	n = snprintf(helper, sizeof(helper), "%s%s%s", USBNET_UDEV_HELPER,
		     ctx->config_none || ctx->config_named ? " --config=" : "",
		     ctx->config_named && !ctx->config_none ? ctx->config_path : "");
	if (n < 0 || (size_t)n >= sizeof(helper))
		return ctx_fail_input(ctx, -ENAMETOOLONG,
				      "the configuration file's path is too long");
	/* The header names the file when it can be printed as it is. */
	if (ctx->config_none)
		n = snprintf(source, sizeof(source), "%s", "");
	else if (!path_rule_safe(ctx->config_path))
		n = snprintf(source, sizeof(source), "the configuration file");
	else
		n = snprintf(source, sizeof(source), "%s%s", ctx->config_path,
			     ctx->config_broken ? " (broken: the built-in profiles alone)" : "");
	if (n < 0 || (size_t)n >= sizeof(source))
		source[0] = '\0';

	f = open_memstream(&text, &len);
	if (!f)
		return ctx_fail(ctx, -ENOMEM, "out of memory writing the udev rules");
	r = udev_rules_write(f, ctx->config_broken ? NULL : config, helper,
			     source[0] ? source : NULL);
	if (fclose(f) != 0 || r < 0 || !text) {
		free(text);
		return ctx_fail(ctx, -ENOMEM, "out of memory writing the udev rules");
	}
	*ret_text = text;
	return 0;
}

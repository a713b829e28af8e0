/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "link-sysctl FAMILY KEY VALUE BEFORE": up set net.FAMILY.conf.IF.KEY of the peer's link
 * to VALUE; it was BEFORE. The one use so far: "link-sysctl ipv6 disable_ipv6 1 0", ipv6=off,
 * made before the link is set up so that the host sends no IPv6 frame on it.
 *
 * BEFORE is read by link_sysctl_apply() ahead of the record, so that even a pending step holds
 * the value to give back. Undo gives it back only while the sysctl still holds VALUE: a value
 * someone set since is theirs. Two such steps are the same change when FAMILY, KEY and VALUE
 * are (BEFORE is what was found, not what was asked).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "netlink/steps.h"

static bool word_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool data_ok(const struct step_sysctl *d)
{
	return (strcmp(d->family, "ipv4") == 0 || strcmp(d->family, "ipv6") == 0) &&
	       word_ok(d->key, sizeof(d->key)) && d->value >= 0 && d->value <= 9 &&
	       d->before >= 0 && d->before <= 9;
}

static int sysctl_get(struct step_env *env, const struct step_sysctl *d, int *ret)
{
	const struct usbnet_backends *be = env->be;

	if (!be->nl->sysctl_get)
		return -EOPNOTSUPP;
	return be->nl->sysctl_get(be->nl_h, env->rec->ifname, d->family, d->key, ret);
}

static int sysctl_set(struct step_env *env, const struct step_sysctl *d, int value)
{
	const struct usbnet_backends *be = env->be;

	if (!be->nl->sysctl_set)
		return -EOPNOTSUPP;
	return be->nl->sysctl_set(be->nl_h, env->rec->ifname, d->family, d->key, value);
}

int link_sysctl_apply(struct step_env *env, const char *family, const char *key, int value)
{
	struct step_sysctl d = {};
	int now = -1, r;

	snprintf(d.family, sizeof(d.family), "%s", family);
	snprintf(d.key, sizeof(d.key), "%s", key);
	d.value = value;
	r = sysctl_get(env, &d, &now);
	if (r == -EAFNOSUPPORT && strcmp(family, "ipv6") == 0 && strcmp(key, "disable_ipv6") == 0) {
		/* A kernel without IPv6 sends none. */
		ctx_log(env->ctx, USBNET_LOG_INFO, "%s: the kernel has no IPv6: nothing to turn off",
			env->rec->ifname);
		return JOURNAL_NOOP;
	}
	if (r < 0)
		return ctx_fail(env->ctx, r, "cannot read net.%s.conf.%s.%s: %s", family,
				env->rec->ifname, key, strerror(-r));
	d.before = now;
	if (!data_ok(&d))
		return ctx_fail(env->ctx, -ERANGE, "net.%s.conf.%s.%s is %d: not a value to record",
				family, env->rec->ifname, key, now);
	return journal_apply(env, &step_link_sysctl, &d);
}

static int link_sysctl_do(struct step_env *env, void *data)
{
	const struct step_sysctl *d = data;
	int now = -1, r;

	r = sysctl_get(env, d, &now);
	if (r >= 0 && now == d->value)
		return STEP_NOOP; /* so it is already: not ours */
	if (r >= 0)
		r = sysctl_set(env, d, d->value);
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not set net.%s.conf.%s.%s to %d: %s", d->family,
				env->rec->ifname, d->key, d->value, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: net.%s.conf.%s.%s = %d (it was %d)",
		env->rec->ifname, d->family, env->rec->ifname, d->key, d->value, now);
	return 0;
}

static int link_sysctl_check(struct step_env *env, const void *data)
{
	const struct step_sysctl *d = data;
	int now = -1;

	return sysctl_get(env, d, &now) >= 0 && now == d->value;
}

static int link_sysctl_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_sysctl *d = data;
	int now = -1, r;

	r = sysctl_get(env, d, &now);
	if (r == -ENODEV || r == -EAFNOSUPPORT || (r >= 0 && now != d->value)) {
		/* gone with its interface, never made (pending), or set by someone since */
		if (r >= 0 && now != d->before)
			snprintf(phrase, len, "net.%s.conf.%s.%s left at %d", d->family,
				 env->rec->ifname, d->key, now);
		return 0;
	}
	if (r >= 0)
		r = sysctl_set(env, d, d->before);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not set net.%s.conf.%s.%s back to %d: %s",
				d->family, env->rec->ifname, d->key, d->before, strerror(-r));
	snprintf(phrase, len, "net.%s.conf.%s.%s back to %d", d->family, env->rec->ifname, d->key,
		 d->before);
	return 0;
}

static int link_sysctl_format(const void *data, char *buf, size_t len)
{
	const struct step_sysctl *d = data;
	int n;

	if (!data_ok(d))
		return -EINVAL;
	n = snprintf(buf, len, "%s %s %d %d", d->family, d->key, d->value, d->before);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int link_sysctl_parse(const char *args, void *data)
{
	struct step_sysctl *d = data;
	char family[16], key[64], back[STEP_ARGS_MAX];
	int value, before, end = -1;

	if (sscanf(args, "%15s %63s %d %d%n", family, key, &value, &before, &end) != 4 ||
	    end < 0 || args[end] != '\0' || strlen(family) >= sizeof(d->family) ||
	    strlen(key) >= sizeof(d->key))
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	memcpy(d->family, family, strlen(family) + 1);
	memcpy(d->key, key, strlen(key) + 1);
	d->value = value;
	d->before = before;
	/* Only the canonical form the writer produces. */
	if (link_sysctl_format(d, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	return 0;
}

static bool link_sysctl_same(const void *a, const void *b)
{
	const struct step_sysctl *x = a, *y = b;

	return strcmp(x->family, y->family) == 0 && strcmp(x->key, y->key) == 0 &&
	       x->value == y->value;
}

static void link_sysctl_report(const void *data, struct usbnet_status *status)
{
	const struct step_sysctl *d = data;

	if (strcmp(d->family, "ipv6") == 0 && strcmp(d->key, "disable_ipv6") == 0 && d->value)
		status->ipv6_off = true;
}

static void link_sysctl_describe(const void *data, char *buf, size_t len)
{
	const struct step_sysctl *d = data;

	if (strcmp(d->family, "ipv6") == 0 && strcmp(d->key, "disable_ipv6") == 0 && d->value)
		snprintf(buf, len, "IPv6 off on the link (disable_ipv6 1, was %d)", d->before);
	else
		snprintf(buf, len, "sysctl net.%s.conf.<link>.%s %d (was %d)", d->family, d->key,
			 d->value, d->before);
}

const struct step_kind step_link_sysctl = {
	.name = "link-sysctl",
	.scope = STEP_SCOPE_LINK,
	.size = sizeof(struct step_sysctl),
	.apply = link_sysctl_do,
	.undo = link_sysctl_undo,
	.check = link_sysctl_check,
	.format = link_sysctl_format,
	.parse = link_sysctl_parse,
	.same = link_sysctl_same,
	.report = link_sysctl_report,
	.describe = link_sysctl_describe,
};

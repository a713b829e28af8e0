/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Step "nm-profile UUID": NetworkManager got a volatile profile of ours for a DHCP-serving
 * peer. The profile outlives the link in NetworkManager, so undo deletes it whatever became of
 * the interface (a profile that is gone already counts as deleted). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "nm/steps.h"

/* A UUID as NetworkManager writes it: 8-4-4-4-12 lower-case hex digits. */
static bool uuid_ok(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[36] == '\0';
}

int step_nm_profile_prepare(struct step_nm_profile_data *d, bool trusted)
{
	uint8_t b[16];
	ssize_t n = getrandom(b, sizeof(b), 0);

	memset(d, 0, sizeof(*d));
	if (n != (ssize_t)sizeof(b))
		return n < 0 ? -errno : -EIO;
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(d->uuid, sizeof(d->uuid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	d->trusted = trusted;
	return 0;
}

static int profile_apply(struct step_env *env, void *data)
{
	const struct step_nm_profile_data *d = data;
	const struct usbnet_backends *be = env->be;
	int r;

	if (!be->nm->dhcp_profile_add)
		return ctx_fail(env->ctx, -ENOTCONN, "NetworkManager is not running");
	r = be->nm->dhcp_profile_add(be->nm_h, env->rec->ifname, d->trusted, d->uuid);
	if (r == -ENOTCONN)
		return ctx_fail(env->ctx, r, "NetworkManager is not running");
	if (r < 0)
		return ctx_fail(env->ctx, r, "NetworkManager did not take %s: %s", env->rec->ifname,
				nm_step_words(be, r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: NetworkManager takes the lease under profile %s",
		env->rec->ifname, d->uuid);
	return 0;
}

static int profile_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_nm_profile_data *d = data;
	const struct usbnet_backends *be = env->be;
	int r = be->nm->dhcp_profile_del ? be->nm->dhcp_profile_del(be->nm_h, d->uuid) : 0;

	/* NetworkManager gone: it forgot the volatile profile with it. */
	if (r == -ENOTCONN)
		r = 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not delete NetworkManager's profile %s for %s: %s",
				d->uuid, env->rec->ifname, nm_step_words(be, r));
	snprintf(phrase, len, "NetworkManager's profile for %s deleted", env->rec->ifname);
	return 0;
}

static int profile_format(const void *data, char *buf, size_t len)
{
	const struct step_nm_profile_data *d = data;

	if (!uuid_ok(d->uuid))
		return -EINVAL;
	snprintf(buf, len, "%s", d->uuid);
	return 0;
}

static int profile_parse(const char *args, void *data)
{
	struct step_nm_profile_data *d = data;

	if (!uuid_ok(args))
		return -EBADMSG;
	memcpy(d->uuid, args, sizeof(d->uuid));
	return 0;
}

/* One profile per peer: an earlier up's, whatever its UUID, is the same step. */
static bool profile_same(const void *a, const void *b)
{
	(void)a;
	(void)b;
	return true;
}

static void profile_describe(const void *data, char *buf, size_t len)
{
	const struct step_nm_profile_data *d = data;

	snprintf(buf, len, "NetworkManager profile %s", d->uuid);
}

const struct step_kind step_nm_profile = {
	.name = "nm-profile",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct step_nm_profile_data),
	.apply = profile_apply,
	.undo = profile_undo,
	.format = profile_format,
	.parse = profile_parse,
	.same = profile_same,
	.describe = profile_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Step "nm-unmanaged": NetworkManager managed the peer; we set it unmanaged at run time, so its
 * DHCP loop stops. Undo gives it back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "nm/steps.h"

const char *nm_step_words(const struct usbnet_backends *be, int err)
{
	const char *s = be->nm->last_error ? be->nm->last_error(be->nm_h) : NULL;

	return s && *s ? s : strerror(-err);
}

static int unmanaged_apply(struct step_env *env, void *data)
{
	const struct usbnet_backends *be = env->be;
	const char *ifname = env->rec->ifname;
	int managed = 0, r;

	(void)data;
	r = be->nm->get_managed(be->nm_h, ifname, &managed);
	if (r == -ENOTCONN || r == -ENODEV) {
		ctx_log(env->ctx, USBNET_LOG_DEBUG, "%s: NetworkManager %s", ifname,
			r == -ENOTCONN ? "is not running" : "does not know it");
		return STEP_NOOP;
	}
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not ask NetworkManager about %s: %s", ifname,
				nm_step_words(be, r));
	if (!managed)
		return STEP_NOOP;
	r = be->nm->set_managed(be->nm_h, ifname, false);
	if (r == -ENOTCONN || r == -ENODEV) {
		/* It stopped, or forgot the device, since it answered: nothing to take. A
		 * vanished interface is seen by the next step. */
		ctx_log(env->ctx, USBNET_LOG_INFO, "%s: NetworkManager %s meanwhile", ifname,
			r == -ENOTCONN ? "stopped" : "forgot it");
		return STEP_NOOP;
	}
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not take %s from NetworkManager: %s", ifname,
				nm_step_words(be, r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: NetworkManager no longer manages it", ifname);
	return 0;
}

/* NetworkManager took it back (it restarted, and forgets run-time flags). */
static int unmanaged_check(struct step_env *env, const void *data)
{
	int managed = 0;

	(void)data;
	return !(env->be->nm->get_managed(env->be->nm_h, env->rec->ifname, &managed) >= 0 &&
		 managed);
}

static int unmanaged_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct usbnet_backends *be = env->be;
	int r = be->nm->set_managed(be->nm_h, env->rec->ifname, true);

	(void)data;
	/* NetworkManager gone: its run-time flag went with it. */
	if (r == -ENOTCONN || r == -ENODEV)
		r = 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not give %s back to NetworkManager: %s",
				env->rec->ifname, nm_step_words(be, r));
	snprintf(phrase, len, "NetworkManager manages %s again", env->rec->ifname);
	return 0;
}

static void unmanaged_describe(const void *data, char *buf, size_t len)
{
	(void)data;
	snprintf(buf, len, "unmanaged in NetworkManager");
}

const struct step_kind step_nm_unmanaged = {
	.name = "nm-unmanaged",
	.scope = STEP_SCOPE_LINK,
	.size = 0,
	.apply = unmanaged_apply,
	.undo = unmanaged_undo,
	.check = unmanaged_check,
	.describe = unmanaged_describe,
};

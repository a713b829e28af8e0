/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mode dhcp: the peer serves DHCP. NetworkManager keeps it, under a volatile profile of ours that
 * takes the lease but, unless the configuration trusts the peer, no default route, routes or
 * DNS from it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nm/steps.h"
#include "updown/modes.h"

static int dhcp_resolve(struct up_run *u, const struct usbnet_up_opts *opts)
{
	(void)opts;
	u->plan.has_host = false;
	return 0; /* no address of ours to check */
}

static void dhcp_words(const struct up_run *u, char *buf, size_t len)
{
	snprintf(buf, len, "dhcp trusted=%s", u->plan.trusted ? "yes" : "no");
}

int mode_dhcp_profile(struct up_run *u)
{
	struct step_nm_profile_data d;
	int r;

	r = step_nm_profile_prepare(&d, u->plan.trusted);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot make a UUID: %s", strerror(-r));
	r = journal_apply(&u->env, &step_nm_profile, &d);
	if (r == -ENOTCONN) {
		/* Nobody to hand it to: nothing was changed. */
		ctx_clear_error(u->ctx);
		u->rec.status.state = USBNET_STATE_UNCONFIGURED;
		mode_set_message(&u->rec.status, "the peer serves DHCP, and NetworkManager is not "
						 "running to take the lease");
		u->result = USBNET_UP_NOTHING;
		return 1;
	}
	return r < 0 ? r : 0;
}

void mode_dhcp_finish(struct up_run *u)
{
	u->rec.status.state = USBNET_STATE_CONFIGURED;
	mode_set_message(&u->rec.status,
			 u->plan.trusted ? "NetworkManager takes the lease (trusted peer)"
					 : "NetworkManager takes the lease, without default route, "
					   "routes or DNS from the peer (not trusted)");
}

const struct mode_entry mode_dhcp = {
	.mode = USBNET_MODE_DHCP,
	.resolve = dhcp_resolve,
	.words = dhcp_words,
	.apply = mode_dhcp_profile,
	.finish = mode_dhcp_finish,
};

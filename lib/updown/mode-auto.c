/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mode auto: NetworkManager off the device and the link up (recorded, as for static), then
 * discovery chooses the addresses (up-auto.c). They are checked as an --address would be, and
 * recorded with how they were found. A DHCP-serving peer goes back to NetworkManager, under
 * our profile. What an earlier up --auto chose stands while it is in place; when it is not,
 * discovery runs again from a clean link.
 */
#include <stdio.h>
#include <string.h>

#include "netlink/steps.h"
#include "nm/steps.h"
#include "updown/modes.h"
#include "updown/up-auto.h"

static int auto_resolve(struct up_run *u, const struct usbnet_up_opts *opts)
{
	int r;

	if (!opts->has_host)
		return 0; /* discovery decides, once the link is up */
	u->plan.mode = USBNET_MODE_STATIC; /* --address: nothing left to discover */
	r = mode_static_check(u);
	return r < 0 ? r : mode_dhcp_server_check(u);
}

static void auto_words(const struct up_run *u, char *buf, size_t len)
{
	snprintf(buf, len, "auto trusted=%s%s%s%s", u->plan.trusted ? "yes" : "no",
		 u->plan.dhcp_server ? " dhcp-server=yes" : "",
		 u->plan.has_probe_from ? " probe-from" : "", mode_ipv6_words(u));
}

static bool auto_in_place(struct up_run *u)
{
	struct usbnet_plan saved = u->plan;

	if (!up_auto_adopt(u->rec.status.discovered, &u->rec.status, &u->plan, &u->auto_choice))
		return false;
	if (u->auto_choice == AUTO_DHCP || mode_static_in_place(u))
		return true;
	u->plan = saved;
	u->auto_choice = AUTO_NONE;
	return false;
}

static int auto_apply(struct up_run *u)
{
	struct up_auto_outcome out;
	struct nl_link_info li;
	char none = 0;
	int r;

	r = journal_apply(&u->env, &step_nm_unmanaged, &none);
	if (r >= 0)
		r = mode_link_up(u);
	if (r < 0)
		return r;
	/* No carrier yet (the device has not brought its side up): say so in the record while
	 * discovery waits for it; its timeout counts from the carrier. */
	if (u->be->nl->link_get(u->be->nl_h, u->ifname, &li) >= 0 && !li.carrier) {
		snprintf(u->rec.status.message, sizeof(u->rec.status.message),
			 "waiting for carrier (the device has not brought its side up)");
		journal_write(u->ctx, &u->rec);
		ctx_log(u->ctx, USBNET_LOG_INFO, "%s: waiting for carrier", u->ifname);
	}
	r = up_auto_resolve(u->ctx, u->be, u->link.ifindex, u->ifname, USBNET_PROBE_DEFAULT_MS,
			    UP_AUTO_CARRIER_WAIT_MS, &u->plan, &out);
	u->rec.status.message[0] = '\0';
	if (r < 0)
		return r;
	u->auto_choice = out.choice;
	snprintf(u->rec.status.discovered, sizeof(u->rec.status.discovered), "%s", out.discovered);
	ctx_log(u->ctx, USBNET_LOG_INFO, "%s: discovered in %lld ms: %s", u->ifname,
		(long long)out.elapsed_ms, out.discovered);
	if (out.choice == AUTO_DHCP) {
		/* NetworkManager must manage the device to take the lease: what this call did
		 * for the static case is undone first. */
		r = journal_undo(&u->env, u->base, true, NULL, 0);
		if (r < 0)
			return r;
		u->rec.status.has_host = false;
		u->rec.status.has_peer = u->plan.has_peer;
		u->rec.status.peer = u->plan.peer;
		return mode_dhcp_profile(u);
	}
	r = mode_static_check(u);
	if (r < 0)
		return r;
	u->rec.status.has_host = true;
	u->rec.status.host = u->plan.host;
	u->rec.status.has_peer = u->plan.has_peer;
	u->rec.status.peer = u->plan.peer;
	r = mode_dhcp_server_check(u);
	if (r >= 0)
		r = mode_static_steps(u);
	if (r >= 0)
		r = probe_from_steps(u);
	if (r >= 0)
		r = mode_dhcp_server_step(u, false);
	return r < 0 ? r : 0;
}

static void auto_finish(struct up_run *u)
{
	if (u->auto_choice == AUTO_LINK_LOCAL) {
		char h[32];

		/* The fallback is kept (a peer that comes later finds the host by link-local), but
		 * nothing answered: that is not "configured". */
		mode_probe_peer(u);
		u->rec.status.state = USBNET_STATE_DEGRADED;
		snprintf(u->rec.status.message, sizeof(u->rec.status.message),
			 "no peer answered; the host has %s",
			 usbnet_ip4_format(&u->plan.host, h, sizeof(h)));
		ctx_log(u->ctx, USBNET_LOG_WARNING, "%s: %s", u->ifname, u->rec.status.message);
		return;
	}
	if (u->auto_choice == AUTO_DHCP)
		mode_dhcp_finish(u);
	else
		mode_probe_peer(u);
}

const struct mode_entry mode_auto = {
	.mode = USBNET_MODE_AUTO,
	.resolve = auto_resolve,
	.words = auto_words,
	.in_place = auto_in_place,
	.fresh = true,
	.apply = auto_apply,
	.finish = auto_finish,
};

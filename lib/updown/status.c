/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the run directory records: the status of one interface, the interfaces with a record. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "netlink/neigh6.h"
#include "core/ctx.h"
#include "dns/dhcp-up.h"
#include "dns/dns-up.h"
#include "core/journal.h"
#include "updown/updown.h"

/* The record of ifname as it stands now, reading only: one made for the interface of that
 * name (or for this interface under its old name: it was renamed), or one whose interface is
 * gone (vanished). *ret_has false when there is none. */
static int record_now(struct usbnet_ctx *ctx, const char *ifname, struct state_record *rec,
		      bool *ret_has, bool *ret_vanished)
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct nl_link_info link;
	bool have_link;
	int r;

	*ret_has = *ret_vanished = false;
	have_link = be && be->nl->link_get(be->nl_h, ifname, &link) >= 0;
	r = journal_read(ctx, ifname, rec);
	if (r == -EBADMSG)
		return ctx_fail(ctx, r, "the state record %s/%s.state is damaged (edited or truncated)",
				ctx->run_dir, ifname);
	if (r < 0 && r != -ENOENT)
		return ctx_fail(ctx, r, "cannot read the state record %s/%s.state: %s", ctx->run_dir,
				ifname, strerror(-r));
	if (r >= 0) {
		*ret_has = true;
		*ret_vanished = !have_link ||
				!journal_same_device(rec, link.ifindex, link.mac, link.has_mac);
		return 0;
	}
	if (!have_link || !link.has_mac)
		return 0;
	/* Renamed: its record is still under the old name until up or down moves it. */
	{
		char **names = NULL;

		if (journal_list(ctx, &names) < 0)
			return 0;
		for (char **p = names; *p && !*ret_has; p++)
			if (strcmp(*p, ifname) != 0 && journal_read(ctx, *p, rec) >= 0 && rec->has_mac &&
			    journal_same_device(rec, link.ifindex, link.mac, link.has_mac))
				*ret_has = true;
		usbnet_strv_free(names);
	}
	return 0;
}

int usbnet_status_read(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_status *ret)
{
	struct state_record *rec;
	bool has, vanished;
	int r;

	if (!ifname_valid(ifname))
		return ctx_fail_input(ctx, -EINVAL, "not an interface name: \"%s\"",
				      ifname ? ifname : "");
	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	r = record_now(ctx, ifname, rec, &has, &vanished);
	if (r < 0)
		goto out;
	if (!has) {
		memset(ret, 0, sizeof(*ret));
		ret->state = USBNET_STATE_UNCONFIGURED;
		ret->rtt_us = -1;
		goto out;
	}
	*ret = rec->status;
	journal_report(rec, ret);
	dns_status_fill(NULL, rec, ret);
	dhcp_status_fill(ctx, NULL, rec, ret);
	/* IPv6 shared: the peer's addresses, from the neighbour table (what it used lately) */
	if (ret->has_ipv6_prefix && !vanished &&
	    neigh6_list(rec->ifindex, ret->peer6, USBNET_MAX_ADDRS, &ret->n_peer6) < 0)
		ret->n_peer6 = 0;
	if (vanished) {
		ret->state = USBNET_STATE_VANISHED;
		snprintf(ret->message, sizeof(ret->message),
			 "the interface recorded as %s (index %d) is gone; down %s, or the watcher, "
			 "releases what it holds",
			 rec->ifname, rec->ifindex, rec->ifname);
	}
out:
	free(rec);
	return r;
}

int usbnet_state_list(struct usbnet_ctx *ctx, char ***ret_ifnames)
{
	int r = journal_list(ctx, ret_ifnames);

	if (r < 0 && r != -ENOMEM)
		return ctx_fail(ctx, r, "cannot read the run directory %s: %s%s", ctx->run_dir,
				strerror(-r), RUN_DIR_HINT);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A peer by name: every command that takes an interface takes the peer's name too
 * (usbnet_peer_name(): its altname once up, NAME.usbnet). The one place names become
 * interfaces.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "netlink/steps.h"
#include "updown/updown.h"

/* A record whose altname step has this name (its interface may be gone: down still works). */
static bool from_records(struct usbnet_ctx *ctx, const char *name, char ret[USBNET_IFNAMSIZ])
{
	struct state_record *rec = malloc(sizeof(*rec));
	char **names = NULL;
	bool found = false;

	if (!rec || journal_list(ctx, &names) < 0) {
		free(rec);
		return false;
	}
	for (char **p = names; *p && !found; p++) {
		struct state_step *s;

		if (journal_read(ctx, *p, rec) < 0)
			continue;
		s = journal_find(rec, &step_altname, NULL);
		if (s && strcmp(((const struct step_altname *)s->data.bytes)->name, name) == 0) {
			snprintf(ret, USBNET_IFNAMSIZ, "%s", rec->ifname);
			found = true;
		}
	}
	usbnet_strv_free(names);
	free(rec);
	return found;
}

/* A peer present now whose plan has this name. */
static bool from_peers(struct usbnet_ctx *ctx, const char *name, char ret[USBNET_IFNAMSIZ])
{
	struct usbnet_peer *peers = NULL;
	size_t n = 0;
	bool found = false;

	if (usbnet_discover(ctx, &peers, &n) < 0) {
		ctx_clear_error(ctx);
		return false;
	}
	for (size_t i = 0; i < n && !found; i++) {
		struct usbnet_plan plan;

		usbnet_classify(ctx, &peers[i], &plan);
		if (strcmp(plan.name, name) == 0) {
			snprintf(ret, USBNET_IFNAMSIZ, "%s", peers[i].ifname);
			found = true;
		}
	}
	free(peers);
	return found;
}

int usbnet_resolve(struct usbnet_ctx *ctx, const char *name, char ret_ifname[USBNET_IFNAMSIZ])
{
	const struct usbnet_backends *be = ctx_backends(ctx);
	struct nl_link_info link;
	char buf[USBNET_IFNAMSIZ];
	size_t len;
	int ifindex;

	ctx_clear_error(ctx);
	if (!name || !*name)
		return ctx_fail_input(ctx, -EINVAL, "no interface name given");
	len = strlen(name);
	/* NAME.usbnet, as the resolver knows it */
	if (len > 7 && strcmp(name + len - 7, ".usbnet") == 0 && len - 7 < USBNET_NAME_MAX) {
		char bare[USBNET_NAME_MAX];

		snprintf(bare, sizeof(bare), "%.*s", (int)(len - 7), name);
		if (usbnet_name_valid(bare))
			return usbnet_resolve(ctx, bare, ret_ifname);
	}
	/* An interface of that name (or with that altname, which the kernel finds too). */
	if (be && ifname_valid(name) && be->nl->link_get(be->nl_h, name, &link) >= 0) {
		snprintf(ret_ifname, USBNET_IFNAMSIZ, "%s", link.ifname);
		return 0;
	}
	if (be && usbnet_name_valid(name) && be->nl->altname_find && be->nl->link_get_index &&
	    be->nl->altname_find(be->nl_h, name, &ifindex) == 0 &&
	    be->nl->link_get_index(be->nl_h, ifindex, &link) >= 0) {
		snprintf(ret_ifname, USBNET_IFNAMSIZ, "%s", link.ifname);
		return 0;
	}
	if (usbnet_name_valid(name) &&
	    (from_peers(ctx, name, buf) || from_records(ctx, name, buf))) {
		snprintf(ret_ifname, USBNET_IFNAMSIZ, "%s", buf);
		return 0;
	}
	/* No such peer: an interface name goes on as it is (and the command says it is not
	 * there, or that it is gone, as it always did). */
	if (ifname_valid(name)) {
		snprintf(ret_ifname, USBNET_IFNAMSIZ, "%s", name);
		return 0;
	}
	return ctx_fail_input(ctx, -EINVAL, "not an interface name: \"%s\" (nor a peer's name)",
			      name);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A peer's record found by its identity, and the one undo walk of a whole record. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "updown/updown.h"

static int damaged(struct usbnet_ctx *ctx, const char *ifname)
{
	return ctx_fail_input(ctx, -EBADMSG,
			      "the state record %s/%s.state is damaged (edited or truncated); "
			      "nothing was changed: check %s by hand, then remove the file",
			      ctx->run_dir, ifname, ifname);
}

/* A record under another name made for this very interface (renamed since). */
static int find_renamed(struct usbnet_ctx *ctx, const char *ifname, const struct nl_link_info *link,
			struct state_record *ret)
{
	char **names = NULL;
	int found = 0;

	if (journal_list(ctx, &names) < 0)
		return 0;
	for (char **p = names; *p && !found; p++) {
		struct state_record *rec;

		if (strcmp(*p, ifname) == 0 || !(rec = malloc(sizeof(*rec))))
			continue;
		if (journal_read(ctx, *p, rec) >= 0 &&
		    journal_same_device(rec, link->ifindex, link->mac, link->has_mac) &&
		    rec->has_mac) {
			*ret = *rec;
			found = 1;
		}
		free(rec);
	}
	usbnet_strv_free(names);
	return found;
}

int updown_record_find(struct usbnet_ctx *ctx, const char *ifname, const struct nl_link_info *link,
		       struct state_record *ret, enum record_match *ret_match)
{
	int r;

	r = journal_read(ctx, ifname, ret);
	if (r == -EBADMSG)
		return damaged(ctx, ifname);
	if (r < 0 && r != -ENOENT)
		return ctx_fail(ctx, r, "cannot read the state record %s/%s.state: %s", ctx->run_dir,
				ifname, strerror(-r));
	if (r >= 0) {
		*ret_match = link && journal_same_device(ret, link->ifindex, link->mac, link->has_mac)
				     ? RECORD_OURS
				     : RECORD_STALE;
		return 0;
	}
	*ret_match = RECORD_NONE;
	if (link && find_renamed(ctx, ifname, link, ret)) {
		char old[USBNET_IFNAMSIZ];

		snprintf(old, sizeof(old), "%s", ret->ifname);
		r = journal_rename(ctx, ret, ifname);
		if (r < 0)
			return ctx_fail(ctx, r, "cannot move the state record of %s to %s: %s", old,
					ifname, strerror(-r));
		ctx_log(ctx, USBNET_LOG_NOTICE, "%s: was %s, its record follows it", ifname, old);
		*ret_match = RECORD_OURS;
	}
	return 0;
}

int updown_undo_all(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		    struct state_record *rec, bool link_ours, char *done, size_t done_len)
{
	struct step_env env = { .ctx = ctx, .be = be, .rec = rec, .link_ours = link_ours };
	int r;

	r = journal_undo(&env, 0, true, done, done_len);
	if (r < 0) {
		char msg[sizeof(rec->status.message)];
		int w;

		/* Keep what is left to undo, so that another down can finish the job. */
		snprintf(msg, sizeof(msg), "%s", usbnet_ctx_error(ctx));
		rec->status.state = USBNET_STATE_FAILED;
		snprintf(rec->status.message, sizeof(rec->status.message), "%s", msg);
		w = journal_write(ctx, rec);
		if (w < 0)
			ctx_fail_append(ctx, "and the state record could not be updated: %s",
					strerror(-w));
		else
			ctx_fail_append(ctx, "what is left is kept in %s/%s.state; run down %s again",
					ctx->run_dir, rec->ifname, rec->ifname);
		ctx_set_outcome(ctx, USBNET_OUTCOME_LEFT);
		return r;
	}
	r = journal_remove(ctx, rec->ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "undone, but cannot remove the state record %s/%s.state: %s",
				ctx->run_dir, rec->ifname, strerror(-r));
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step kind "bridge-join NAME": the peer is one of the bridge NAME's users, listed in its
 * shared record RUN_DIR/NAME.bridge. The first to join makes the bridge (when it is not there)
 * and moves the uplink into it; the last one out takes the bridge down and gives the uplink
 * its addresses and routes back (bridge.c). Host-wide: the bridge and its record outlive the
 * peer's interface, so the undo walk leaves for a peer that vanished too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge/bridge-shared.h"
#include "bridge/bridge-state.h"
#include "bridge/bridge.h"
#include "core/ctx.h"
#include "core/ifname.h"
#include "core/journal.h"

static int join_apply(struct step_env *env, void *data)
{
	struct bridge_join_data *d = data;
	int bridge_ifindex = 0;

	if (!env->be->br)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "bridge mode is not available in this build");
	/* On failure bridge_join() left again: nothing of it is left. */
	return bridge_join(env->ctx, env->be, d->name, d->uplink, env->rec->ifname,
			   env->rec->ifindex, &bridge_ifindex);
}

static int join_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct bridge_join_data *d = data;
	int r;

	if (!env->be->br)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "bridge mode is not available in this build");
	/* No shared record, or the peer not listed in it: a join that was never made, or was
	 * undone already. */
	r = bridge_leave(env->ctx, env->be, d->name, env->rec->ifname);
	if (r < 0)
		return r;
	if (r == 1)
		snprintf(phrase, len, "the bridge %s undone (the last peer left)", d->name);
	else
		snprintf(phrase, len, "%s left the bridge %s to its other peers", env->rec->ifname,
			 d->name);
	return 0;
}

/* Still joined: the bridge is there and its record lists the peer. */
static int join_check(struct step_env *env, const void *data)
{
	const struct bridge_join_data *d = data;
	struct bridge_record *br;
	struct nl_link_detail b;
	int in_place = 0;

	if (!env->be->br)
		return 0;
	if (env->be->br->link_detail(env->be->br_h, d->name, &b) < 0 ||
	    strcmp(b.kind, "bridge") != 0)
		return 0;
	br = calloc(1, sizeof(*br));
	if (!br)
		return 0;
	if (bridge_state_read(env->ctx->run_dir, d->name, br) >= 0 && br->ifindex == b.ifindex)
		for (size_t i = 0; i < br->n_users; i++)
			if (strcmp(br->users[i].ifname, env->rec->ifname) == 0)
				in_place = 1;
	free(br);
	return in_place;
}

/* A bridge's name as the record line carries it: an interface name of printable ASCII (as
 * the record's step lines always were). */
bool bridge_step_name_ok(const char *s)
{
	if (!ifname_valid(s))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int join_format(const void *data, char *buf, size_t len)
{
	const struct bridge_join_data *d = data;
	int n;

	if (!bridge_step_name_ok(d->name))
		return -EINVAL;
	n = snprintf(buf, len, "%s", d->name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int join_parse(const char *args, void *data)
{
	struct bridge_join_data *d = data;

	if (!bridge_step_name_ok(args))
		return -EBADMSG;
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", args);
	return 0;
}

/* The same join whatever the uplink: a parsed step does not know it, and a second up finds
 * the uplink in the bridge already. */
static bool join_same(const void *a, const void *b)
{
	return strcmp(((const struct bridge_join_data *)a)->name,
		      ((const struct bridge_join_data *)b)->name) == 0;
}

static void join_describe(const void *data, char *buf, size_t len)
{
	const struct bridge_join_data *d = data;

	snprintf(buf, len, "a share of the bridge %s (%s.bridge: the bridge, the uplink moved into it)",
		 d->name, d->name);
}

const struct step_kind step_bridge_join = {
	.name = "bridge-join",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct bridge_join_data),
	.apply = join_apply,
	.undo = join_undo,
	.check = join_check,
	.format = join_format,
	.parse = join_parse,
	.same = join_same,
	.describe = join_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Identical peers side by side (issue 18): a static peer whose subnet a configured peer holds
 * already is configured all the same, in a routing domain of its own, and reached at an alias
 * address from the pool (lib/alias/alias.h has the layout; gateway/nft.h the alias chains).
 *
 * The pool ([general] alias-pool=, default ALIAS_DEFAULT_POOL): its addresses in order, but
 * the network and broadcast ones; an address is free when no record's alias-nat step holds it,
 * no route of any table (but local, and default routes) covers it and no interface has it.
 * Choosing and recording the alias happen under the gateway lock (it guards usbnet-host's
 * nftables table too), so two ups never take the same one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias/alias.h"
#include "gateway/gateway.h"
#include "peer/config.h"
#include "updown/isolate.h"

static struct usbnet_ip4 pool_of(const struct usbnet_ctx *ctx)
{
	struct usbnet_ip4 pool;

	if (ctx->config && ctx->config->has_alias_pool)
		return ctx->config->alias_pool;
	usbnet_ip4_parse(ALIAS_DEFAULT_POOL, true, &pool);
	return pool;
}

/* The record of ifname is an isolated peer's (it holds an alias). */
static bool record_isolated(const struct state_record *rec)
{
	return journal_find(rec, &step_alias_nat, NULL) != NULL;
}

int isolate_clash_kind(struct usbnet_ctx *ctx, const char *other_ifname)
{
	struct state_record *rec = malloc(sizeof(*rec));
	int r;

	if (!rec)
		return -ENOMEM;
	if (!other_ifname[0] || journal_read(ctx, other_ifname, rec) < 0)
		r = CLASH_OTHER;
	else if (record_isolated(rec))
		r = CLASH_ISOLATED;
	else if (rec->status.state == USBNET_STATE_CONFIGURED ||
		 rec->status.state == USBNET_STATE_DEGRADED)
		r = CLASH_PEER;
	else
		r = CLASH_OTHER;
	free(rec);
	return r;
}

/* The aliases the run directory's records hold (ifname's own excepted). */
static size_t aliases_held(struct usbnet_ctx *ctx, const char *ifname, struct in_addr *ret,
			   size_t max)
{
	struct state_record *rec = malloc(sizeof(*rec));
	char **names = NULL;
	size_t n = 0;

	if (!rec || journal_list(ctx, &names) < 0) {
		free(rec);
		return 0;
	}
	for (char **p = names; *p; p++) {
		if (strcmp(*p, ifname) == 0 || journal_read(ctx, *p, rec) < 0)
			continue;
		for (size_t i = 0; i < rec->n_steps && n < max; i++)
			if (rec->steps[i].kind == &step_alias_nat)
				ret[n++] = ((const struct nft_alias *)rec->steps[i].data.bytes)->alias;
	}
	usbnet_strv_free(names);
	free(rec);
	return n;
}

int isolate_pick(struct up_run *u, struct in_addr *ret_alias, uint32_t *ret_slot)
{
	const struct usbnet_backends *be = u->be;
	struct usbnet_ip4 pool = pool_of(u->ctx);
	uint32_t base = ntohl(pool.addr.s_addr), size = 1u << (32 - pool.prefix);
	struct in_addr held[64];
	size_t n_held = aliases_held(u->ctx, u->ifname, held, 64);
	struct state_record *own = NULL;
	char ps[32];

	/* An alias this peer's record holds already is kept (a second up). */
	if (u->rec.n_steps) {
		struct state_step *s = journal_find(&u->rec, &step_alias_nat, NULL);

		own = s ? &u->rec : NULL;
		if (own) {
			*ret_alias = ((const struct nft_alias *)s->data.bytes)->alias;
			*ret_slot = ntohl(ret_alias->s_addr) - base;
			return 0;
		}
	}
	for (uint32_t slot = 1; slot + 1 < size && slot < 0xffff; slot++) {
		struct in_addr a = { .s_addr = htonl(base + slot) };
		bool taken = false;
		int r;

		for (size_t i = 0; i < n_held; i++)
			taken = taken || held[i].s_addr == a.s_addr;
		if (taken)
			continue;
		r = be->alias->addr_routed(be->alias_h, a);
		if (r < 0)
			return ctx_fail(u->ctx, r, "cannot read the host's routes: %s", strerror(-r));
		if (r > 0)
			continue;
		*ret_alias = a;
		*ret_slot = slot;
		return 0;
	}
	return ctx_fail_input(u->ctx, -EADDRINUSE,
			      "%s clashes with another peer's subnet, and the alias pool %s is "
			      "full; nothing was changed: give this peer another subnet (a [peer] "
			      "group), or a larger pool ([general] alias-pool=)",
			      u->ifname, usbnet_ip4_format(&pool, ps, sizeof(ps)));
}

int isolate_steps(struct up_run *u)
{
	struct nft_alias na = {};
	struct step_rpfilter rp = {};
	struct step_addr_alone aa = {};
	struct step_table_route tr = {};
	struct step_rule ru = {};
	struct in_addr alias;
	uint32_t slot, table, mark;
	int lock = -1, r;

	/* The alias: chosen and recorded under the lock, before the rest. */
	r = gateway_lock(u->ctx, &lock);
	if (r < 0)
		return r;
	r = isolate_pick(u, &alias, &slot);
	if (r >= 0) {
		mark = ALIAS_MARK_BASE + slot;
		snprintf(na.ifname, sizeof(na.ifname), "%s", u->ifname);
		na.alias = alias;
		na.peer = u->plan.peer;
		na.host = u->plan.host.addr;
		na.mark = mark;
		r = journal_apply(&u->env, &step_alias_nat, &na);
	}
	gateway_unlock(lock);
	if (r < 0)
		return r;
	table = ALIAS_TABLE_BASE + slot;
	u->alias = alias;

	r = journal_apply(&u->env, &step_rpfilter, &rp);
	if (r < 0)
		return r;
	aa.ip = u->plan.host;
	r = journal_apply(&u->env, &step_addr_alone, &aa);
	if (r < 0)
		return r;
	tr.dst = u->plan.host;
	tr.src = u->plan.host.addr;
	tr.table = table;
	{
		uint32_t m = htonl(~0u << (32 - u->plan.host.prefix));

		tr.dst.addr.s_addr &= m;
	}
	r = journal_apply(&u->env, &step_table_route, &tr);
	if (r < 0)
		return r;
	memset(&tr, 0, sizeof(tr));
	tr.dst.addr = alias;
	tr.dst.prefix = 32;
	tr.src = u->plan.host.addr;
	tr.table = table;
	r = journal_apply(&u->env, &step_table_route, &tr);
	if (r < 0)
		return r;
	ru.rule = (struct nl_rule){ .priority = ALIAS_RULE_PRIORITY, .table = table,
				    .has_dst = true, .dst = alias };
	r = journal_apply(&u->env, &step_rule, &ru);
	if (r < 0)
		return r;
	memset(&ru, 0, sizeof(ru));
	ru.rule = (struct nl_rule){ .priority = ALIAS_RULE_PRIORITY, .table = table,
				    .fwmark = mark };
	r = journal_apply(&u->env, &step_rule, &ru);
	return r < 0 ? r : 0;
}

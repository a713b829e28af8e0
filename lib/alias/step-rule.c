/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Step "rule PRIORITY TABLE to A.B.C.D" or "rule PRIORITY TABLE fwmark 0xMARK": a policy routing
 * rule that selects an isolated peer's table (alias.h). It outlives the interface: host scope.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alias/alias.h"
#include "core/ctx.h"
#include "core/journal.h"

static int rule_format(const void *data, char *buf, size_t len)
{
	const struct nl_rule *d = &((const struct step_rule *)data)->rule;
	char a[INET_ADDRSTRLEN];

	if (d->table < ALIAS_TABLE_BASE || d->has_dst == (d->fwmark != 0))
		return -EINVAL;
	if (d->has_dst)
		snprintf(buf, len, "%u %u to %s", d->priority, d->table,
			 inet_ntop(AF_INET, &d->dst, a, sizeof(a)));
	else
		snprintf(buf, len, "%u %u fwmark 0x%x", d->priority, d->table, d->fwmark);
	return 0;
}

static int rule_parse(const char *args, void *data)
{
	struct nl_rule *d = &((struct step_rule *)data)->rule;
	char what[16], value[32], back[STEP_ARGS_MAX];
	unsigned prio, table, mark;

	if (sscanf(args, "%u %u %15s %31s", &prio, &table, what, value) != 4)
		return -EBADMSG;
	d->priority = prio;
	d->table = table;
	if (strcmp(what, "to") == 0) {
		d->has_dst = true;
		if (inet_pton(AF_INET, value, &d->dst) != 1)
			return -EBADMSG;
	} else if (strcmp(what, "fwmark") == 0 && sscanf(value, "0x%x", &mark) == 1) {
		d->fwmark = mark;
	} else {
		return -EBADMSG;
	}
	if (rule_format(data, back, sizeof(back)) < 0 || strcmp(back, args) != 0)
		return -EBADMSG;
	return 0;
}

static int rule_apply(struct step_env *env, void *data)
{
	const struct step_rule *d = data;
	char s[STEP_ARGS_MAX];
	int r;

	rule_format(d, s, sizeof(s));
	if (!env->be->alias)
		return ctx_fail(env->ctx, -EOPNOTSUPP, "no policy routing backend here");
	r = env->be->alias->rule_add(env->be->alias_h, &d->rule);
	if (r == -EEXIST)
		return STEP_NOOP;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not add the routing rule %s: %s", s, strerror(-r));
	ctx_log(env->ctx, USBNET_LOG_INFO, "%s: routing rule %s added", env->rec->ifname, s);
	return 0;
}

static int rule_undo(struct step_env *env, const void *data, char *phrase, size_t len)
{
	const struct step_rule *d = data;
	char s[STEP_ARGS_MAX];
	int r = 0;

	rule_format(d, s, sizeof(s));
	if (env->be->alias)
		r = env->be->alias->rule_del(env->be->alias_h, &d->rule);
	if (r == -ENOENT || r == -ESRCH)
		r = 0;
	if (r < 0)
		return ctx_fail(env->ctx, r, "could not remove the routing rule %s: %s", s,
				strerror(-r));
	snprintf(phrase, len, "routing rule %s removed", s);
	return 0;
}

static void rule_describe(const void *data, char *buf, size_t len)
{
	char s[STEP_ARGS_MAX];

	rule_format(data, s, sizeof(s));
	snprintf(buf, len, "routing rule %s", s);
}

const struct step_kind step_rule = {
	.name = "rule",
	.scope = STEP_SCOPE_HOST,
	.size = sizeof(struct step_rule),
	.apply = rule_apply,
	.undo = rule_undo,
	.format = rule_format,
	.parse = rule_parse,
	.describe = rule_describe,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the step kinds of a dnsmasq on the peer's link share (step-link-dnsmasq.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "dns/dnsmasq.h"
#include "dns/step-link-dnsmasq.h"

/* Long enough for "router advertisements of" and an IPv6 prefix. */
#define WHAT_LEN 96

int step_link_dnsmasq_apply(struct step_env *env, const struct step_link_dnsmasq *k,
			    step_link_dnsmasq_start_fn start, void *data)
{
	struct usbnet_ctx *ctx = env->ctx;
	const char *ifname = env->rec->ifname;
	struct dns_handle h = {0};
	char err[600] = "", what[WHAT_LEN];
	int r;

	if (!start)
		return ctx_fail(ctx, -EOPNOTSUPP, "%s: no %s backend here", ifname, k->backend);
	k->name(data, what, sizeof(what));
	r = start(env->be, ctx->run_dir, ifname, data, &h, err, sizeof(err));
	if (r < 0)
		return ctx_fail(ctx, r, "could not start %s%s on %s: %s; %s", k->start_article,
				what, ifname, err, k->advice(r));
	*(struct dns_handle *)data = h;
	ctx_log(ctx, USBNET_LOG_INFO, "%s: %s (dnsmasq, pid %d)", ifname, what, h.pid);
	return 0;
}

int step_link_dnsmasq_undo(struct step_env *env, const struct step_link_dnsmasq *k,
			   step_link_dnsmasq_stop_fn stop, const void *data, char *phrase,
			   size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	const char *ifname = env->rec->ifname;
	const struct dns_handle *h = data;
	int r;

	if (!stop)
		return ctx_fail(ctx, -EOPNOTSUPP, "no %s backend to stop %s's", k->backend, ifname);
	r = stop(env->be, ctx->run_dir, ifname, h);
	if (r < 0)
		return ctx_fail(ctx, r, "could not stop %s of %s (pid %d): %s", k->the, ifname,
				h->pid, strerror(-r));
	snprintf(phrase, len, "%s %s stopped", k->stopped, ifname);
	return 0;
}

int step_link_dnsmasq_check(struct step_env *env, const void *data)
{
	const struct dns_handle *h = data;

	if (!env->be->dns || h->pid <= 0)
		return 0;
	return env->be->dns->alive(env->be->dns_h, h) > 0;
}

bool step_link_dnsmasq_same(const void *a, const void *b)
{
	(void)a;
	(void)b;
	return true;
}

void step_link_dnsmasq_describe(const struct step_link_dnsmasq *k, const void *data, char *buf,
				size_t len)
{
	const struct dns_handle *h = data;
	char what[WHAT_LEN];

	k->name(data, what, sizeof(what));
	if (h->pid > 0)
		snprintf(buf, len, "%s (dnsmasq, pid %d)", what, h->pid);
	else
		snprintf(buf, len, "%s (dnsmasq, its pid file)", what);
}

int step_link_dnsmasq_split(const char *args, char copy[STEP_ARGS_MAX + 1], struct dns_handle *ret,
			    char *fields[], size_t n_fields)
{
	char *tok[8], *save = NULL;
	size_t n = 0, at;

	if (n_fields + 2 > sizeof(tok) / sizeof(tok[0]) || strlen(args) > STEP_ARGS_MAX)
		return -EBADMSG;
	snprintf(copy, STEP_ARGS_MAX + 1, "%s", args);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == n_fields + 2)
			return -EBADMSG;
		tok[n++] = t;
	}
	if (n == n_fields + 1 && strcmp(tok[0], "-") == 0) {
		*ret = (struct dns_handle){0};
		at = 1;
	} else if (n == n_fields + 2) {
		char hs[48];

		snprintf(hs, sizeof(hs), "%s %s", tok[0], tok[1]);
		if (dns_handle_parse(hs, ret) < 0 || ret->pid == 0)
			return -EBADMSG;
		at = 2;
	} else {
		return -EBADMSG;
	}
	memcpy(fields, tok + at, n_fields * sizeof(*fields));
	return 0;
}

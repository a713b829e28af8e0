/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/forwarding-hold.h"
#include "gateway/forwarding-record.h"
#include "gateway/gateway.h"

struct holders {
	const struct step_kind *kind;
	size_t n;
};

static void count_holder(const struct state_record *rec, void *user)
{
	struct holders *h = user;

	if (journal_find(rec, h->kind, NULL))
		h->n++;
}

int forwarding_holders(struct usbnet_ctx *ctx, const struct forwarding_family *fam,
		       const char *exclude, size_t *ret)
{
	struct holders h = {.kind = fam->kind};
	int r = gateway_each_record(ctx, exclude, count_holder, &h);

	if (r < 0)
		return r;
	*ret = h.n;
	return 0;
}

int forwarding_record_keep(struct usbnet_ctx *ctx, const struct forwarding_family *fam, int before)
{
	int r = forwarding_record_write(ctx->run_dir, fam, before);

	if (r < 0)
		return ctx_fail(ctx, r, "cannot write %s/%s: %s", ctx->run_dir, fam->record_name,
				strerror(-r));
	return 0;
}

int forwarding_turn_on(struct step_env *env, const struct forwarding_family *fam, int before,
		       bool have_record, int now)
{
	struct usbnet_ctx *ctx = env->ctx;
	int r;

	if (now == 1)
		return 0;
	r = fam->set(env->be, 1);
	if (r < 0) {
		r = ctx_fail(ctx, r, "could not turn %s forwarding on (%s): %s", fam->label,
			     fam->sysctl, strerror(-r));
		if (!have_record)
			forwarding_record_remove(ctx->run_dir, fam);
		return r;
	}
	ctx_log(ctx, USBNET_LOG_INFO, "%s: %s forwarding on (it was %d)", env->rec->ifname,
		fam->label, before);
	return 0;
}

/* The switch set back to the record's before (unless it is already), then the record gone. */
static int set_back(struct step_env *env, const struct forwarding_family *fam, int before)
{
	struct usbnet_ctx *ctx = env->ctx;
	int now = -1, r;

	r = fam->get(env->be, &now);
	if (r < 0 || now != before) {
		r = fam->set(env->be, before);
		if (r < 0)
			return ctx_fail(ctx, r, "could not set %s back to %d: %s", fam->sysctl,
					before, strerror(-r));
	}
	r = forwarding_record_remove(ctx->run_dir, fam);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot remove %s/%s: %s", ctx->run_dir, fam->record_name,
				strerror(-r));
	return 0;
}

/* Under the gateway lock (forwarding_give_back). */
static int give_back_locked(struct step_env *env, const struct forwarding_family *fam, char *phrase,
			    size_t len)
{
	struct usbnet_ctx *ctx = env->ctx;
	size_t holders = 0;
	int before, r;

	r = forwarding_holders(ctx, fam, env->rec->ifname, &holders);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the run directory %s: %s", ctx->run_dir,
				strerror(-r));
	if (holders > 0) {
		snprintf(phrase, len, "%s forwarding stays on for %zu other gateway peer%s",
			 fam->label, holders, holders == 1 ? "" : "s");
		return 0;
	}
	r = forwarding_record_read(ctx->run_dir, fam, &before);
	if (r == -ENOENT) {
		snprintf(phrase, len, "%s forwarding left as it was", fam->label);
		return 0;
	}
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read %s/%s (%s from before): %s", ctx->run_dir,
				fam->record_name, fam->sysctl, strerror(-r));
	r = set_back(env, fam, before);
	if (r < 0)
		return r;
	snprintf(phrase, len, "%s forwarding back to %d", fam->label, before);
	return 0;
}

int forwarding_give_back(struct step_env *env, const struct forwarding_family *fam, char *phrase,
			 size_t len)
{
	int lock = -1, r;

	r = gateway_lock(env->ctx, &lock);
	if (r < 0)
		return r;
	r = give_back_locked(env, fam, phrase, len);
	gateway_unlock(lock);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * refresh's IPv6 part (gateway6.h): where a gateway peer's IPv6 sharing goes
 * (gateway6_refresh_uplink: the IPv6 default route's interface, which may be another than
 * IPv4's, or with none IPv4's new one), and the move (gateway6_move): the uplink steps go
 * along, each written ahead in the record:
 *   accept-ra  given back on the old uplink (unless another peer holds it there), then made on
 *              the new one when it says 1 (accept_ra_plan), in the same place of the record;
 *   nft6       the peer's ip6 chains remade for the new uplink (one batch, the guard's rules
 *              read from the run directory).
 * forwarding6 and the link's own steps (addr6, ra) are the uplink's no more than before.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/gateway.h"
#include "gateway/gateway6.h"

static int write_or_fail(struct usbnet_ctx *ctx, const struct state_record *rec)
{
	int r = journal_write(ctx, rec);

	if (r < 0)
		return ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s",
				ctx->run_dir, rec->ifname, strerror(-r));
	return 0;
}

/* Step i of rec: data replaced, written pending, applied, written done. */
static int remake(struct step_env *env, size_t i, const void *data)
{
	struct state_step *s = &env->rec->steps[i];
	int r;

	memcpy(s->data.bytes, data, s->kind->size);
	s->done = false;
	r = write_or_fail(env->ctx, env->rec);
	if (r < 0)
		return r;
	r = s->kind->apply(env, s->data.bytes);
	if (r < 0)
		return r; /* pending in the record: down's undo takes it */
	s->done = true;
	return write_or_fail(env->ctx, env->rec);
}

static void drop_step(struct state_record *rec, size_t i)
{
	memmove(&rec->steps[i], &rec->steps[i + 1], (rec->n_steps - i - 1) * sizeof(rec->steps[0]));
	rec->n_steps--;
}

static int insert_step(struct state_record *rec, size_t i, const struct step_kind *kind)
{
	if (rec->n_steps >= STATE_MAX_STEPS)
		return -E2BIG;
	memmove(&rec->steps[i + 1], &rec->steps[i], (rec->n_steps - i) * sizeof(rec->steps[0]));
	memset(&rec->steps[i], 0, sizeof(rec->steps[i]));
	rec->steps[i].kind = kind;
	rec->n_steps++;
	return 0;
}

static int move_accept_ra(struct step_env *env, const char *uplink, size_t nft6_index)
{
	struct usbnet_ctx *ctx = env->ctx;
	struct accept_ra_step want;
	size_t i;
	int make, r;

	/* Given back on the old uplink first: the plan for the new one sees this peer as none */
	if (journal_find(env->rec, &step_accept_ra, &i)) {
		const struct accept_ra_step *old = (const void *)env->rec->steps[i].data.bytes;
		char phrase[160] = "";

		if (strcmp(old->uplink, uplink) == 0)
			return 0;
		r = step_accept_ra.undo(env, old, phrase, sizeof(phrase));
		if (r < 0)
			return r;
		if (phrase[0])
			ctx_log(ctx, USBNET_LOG_INFO, "%s: %s", env->rec->ifname, phrase);
		drop_step(env->rec, i);
		r = write_or_fail(ctx, env->rec);
		if (r < 0)
			return r;
		if (i < nft6_index)
			nft6_index--;
	}
	make = accept_ra_plan(env, uplink, &want);
	if (make <= 0)
		return make; /* 0: the new uplink takes no RAs, or already 2 (not ours) */
	/* Where up puts it: before nft6 (undone after forwarding6 went) */
	r = insert_step(env->rec, nft6_index, &step_accept_ra);
	if (r < 0)
		return ctx_fail(ctx, r, "too many steps recorded for %s", env->rec->ifname);
	return remake(env, nft6_index, &want);
}

const char *gateway6_refresh_uplink(const struct state_record *rec, const char *uplink6,
				    const char *moved4)
{
	const struct state_step *s = journal_find(rec, &step_nft6, NULL);
	const struct nft6_step *d = s ? (const void *)s->data.bytes : NULL;
	bool own = uplink6 && uplink6[0] && strcmp(uplink6, rec->ifname) != 0;
	/* No IPv6 default route (or through the peer itself): maybe forwarding dropped it (an
	 * RA-learnt one on an interface without accept_ra=2); the new IPv4 uplink is the best
	 * guess, and accept_ra=2 there takes the routers' advertisements again. */
	const char *to = own ? uplink6 : moved4;

	if (!d || !to || !to[0] || strcmp(to, rec->ifname) == 0 || strcmp(d->uplink, to) == 0)
		return NULL;
	return to;
}

int gateway6_move(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		  struct state_record *rec, const char *uplink)
{
	struct step_env env = {.ctx = ctx, .be = be, .rec = rec, .link_ours = true};
	struct nft6_step want;
	char old[USBNET_IFNAMSIZ];
	size_t i;
	int r;

	if (!journal_find(rec, &step_nft6, &i))
		return 0; /* no IPv6 shared on this link */
	memcpy(&want, rec->steps[i].data.bytes, sizeof(want));
	if (strcmp(want.uplink, uplink) == 0)
		return 0;
	memcpy(old, want.uplink, sizeof(old));
	r = move_accept_ra(&env, uplink, i);
	if (r < 0)
		return r;
	if (!journal_find(rec, &step_nft6, &i))
		return 0;
	memset(want.uplink, 0, sizeof(want.uplink));
	snprintf(want.uplink, sizeof(want.uplink), "%s", uplink);
	r = remake(&env, i, &want);
	if (r < 0)
		return r;
	ctx_log(ctx, USBNET_LOG_NOTICE, "%s: IPv6 sharing moved from %s to %s", rec->ifname, old,
		uplink);
	return 1;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What usbnet-host holds on the host, for `usbnet-host status`: every state record, its status,
 * and each of its steps in the words of the step kind's describe hook (nothing here knows a
 * kind); IPv4 forwarding now and before the first gateway peer. Reading only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/ctx.h"
#include "core/journal.h"
#include "core/json.h"
#include "gateway/forwarding-record.h"
#include "updown/updown.h"

static int64_t record_mtime(const struct usbnet_ctx *ctx, const char *ifname)
{
	char path[PATH_MAX + USBNET_IFNAMSIZ + 8];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s.state", ctx->run_dir, ifname) >= (int)sizeof(path) ||
	    stat(path, &st) < 0)
		return 0;
	return (int64_t)st.st_mtim.tv_sec;
}

static int fill_record(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_record_info *ri)
{
	struct state_record *rec;
	int r;

	snprintf(ri->ifname, sizeof(ri->ifname), "%s", ifname);
	r = usbnet_status_read(ctx, ifname, &ri->status);
	if (r < 0)
		return r;
	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	r = journal_read(ctx, ifname, rec);
	if (r < 0) {
		free(rec);
		/* Gone since it was listed: down ran meanwhile. */
		return r == -ENOENT ? 0 : ctx_fail(ctx, r, "cannot read the state record %s/%s.state",
						   ctx->run_dir, ifname);
	}
	ri->mode = rec->mode;
	ri->since = record_mtime(ctx, ifname);
	ri->holdings = calloc(rec->n_steps ? rec->n_steps : 1, sizeof(*ri->holdings));
	if (!ri->holdings) {
		free(rec);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rec->n_steps; i++) {
		const struct state_step *st = &rec->steps[i];
		struct usbnet_holding *h = &ri->holdings[ri->n_holdings++];

		snprintf(h->kind, sizeof(h->kind), "%s", st->kind->name);
		h->host_wide = st->kind->scope == STEP_SCOPE_HOST;
		h->pending = !st->done;
		if (st->kind->describe)
			st->kind->describe(st->data.bytes, h->what, sizeof(h->what));
		else
			snprintf(h->what, sizeof(h->what), "%s", st->kind->name);
	}
	free(rec);
	return 0;
}

int usbnet_holdings(struct usbnet_ctx *ctx, struct usbnet_holdings *ret)
{
	char **names = NULL;
	size_t n = 0;
	int r, before;

	memset(ret, 0, sizeof(*ret));
	if (forwarding_sysctl_get(&ret->ip_forward) < 0)
		ret->ip_forward = -1;
	ret->ip_forward_before =
	    forwarding_record_read(ctx->run_dir, &forwarding_ipv4, &before) >= 0 ? before : -1;

	r = usbnet_state_list(ctx, &names);
	if (r == -ENOENT)
		return 0; /* no run directory: nothing was ever configured */
	if (r < 0)
		return r;
	for (char **p = names; *p; p++)
		n++;
	ret->records = calloc(n ? n : 1, sizeof(*ret->records));
	if (!ret->records) {
		usbnet_strv_free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		r = fill_record(ctx, names[i], &ret->records[ret->n_records]);
		if (r < 0) {
			usbnet_strv_free(names);
			usbnet_holdings_free(ret);
			return r;
		}
		if (ret->records[ret->n_records].holdings)
			ret->n_records++;
	}
	usbnet_strv_free(names);
	return 0;
}

void usbnet_holdings_free(struct usbnet_holdings *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->n_records; i++)
		free(h->records[i].holdings);
	free(h->records);
	memset(h, 0, sizeof(*h));
}

static void key_cidr(struct json_writer *w, const char *key, bool has, const struct usbnet_ip4 *ip)
{
	char buf[32];

	json_key(w, key);
	json_string(w, has ? usbnet_ip4_format(ip, buf, sizeof(buf)) : NULL);
}

static void key_int_or_null(struct json_writer *w, const char *key, int64_t v, bool has)
{
	json_key(w, key);
	if (has)
		json_int(w, v);
	else
		json_null(w);
}

char *usbnet_holdings_to_json(const struct usbnet_holdings *h)
{
	struct json_writer *w = json_new();

	if (!w)
		return NULL;
	json_begin_object(w);
	json_key(w, "records");
	json_begin_array(w);
	for (size_t i = 0; i < h->n_records; i++) {
		const struct usbnet_record_info *ri = &h->records[i];
		struct usbnet_ip4 peer = { .addr = ri->status.peer, .prefix = 32 };

		json_begin_object(w);
		json_key(w, "ifname");
		json_string(w, ri->ifname);
		json_key(w, "mode");
		json_string(w, usbnet_mode_name(ri->mode));
		json_key(w, "state");
		json_string(w, usbnet_state_name(ri->status.state));
		key_cidr(w, "host_address", ri->status.has_host, &ri->status.host);
		key_cidr(w, "peer_address", ri->status.has_peer, &peer);
		json_key(w, "uplink");
		json_string(w, ri->status.uplink[0] ? ri->status.uplink : NULL);
		key_int_or_null(w, "since", ri->since, ri->since > 0);
		json_key(w, "message");
		json_string(w, ri->status.message[0] ? ri->status.message : NULL);
		json_key(w, "holdings");
		json_begin_array(w);
		for (size_t k = 0; k < ri->n_holdings; k++) {
			const struct usbnet_holding *x = &ri->holdings[k];

			json_begin_object(w);
			json_key(w, "kind");
			json_string(w, x->kind);
			json_key(w, "host_wide");
			json_bool(w, x->host_wide);
			json_key(w, "pending");
			json_bool(w, x->pending);
			json_key(w, "what");
			json_string(w, x->what);
			json_end_object(w);
		}
		json_end_array(w);
		json_end_object(w);
	}
	json_end_array(w);
	key_int_or_null(w, "ip_forward", h->ip_forward, h->ip_forward >= 0);
	key_int_or_null(w, "ip_forward_before", h->ip_forward_before, h->ip_forward_before >= 0);
	json_end_object(w);
	return json_finish(w);
}

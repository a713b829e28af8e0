/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * down: undo, in reverse, exactly what the state record says up did. Nothing that is not
 * recorded is touched: an address the user added meanwhile stays.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ifname.h"
#include "bridge/bridge.h"
#include "gateway/gateway.h"
#include "core/lock.h"
#include "updown/updown.h"

static void append(char *buf, size_t len, const char *phrase)
{
	size_t used;

	if (!buf || len == 0)
		return;
	used = strlen(buf);
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", phrase);
}

static const char *nm_words(const struct usbnet_backends *be, int err)
{
	const char *s = be->nm->last_error ? be->nm->last_error(be->nm_h) : NULL;

	return s && *s ? s : strerror(-err);
}

int updown_undo(struct usbnet_ctx *ctx, const struct usbnet_backends *be, struct state_record *rec,
		char *done, size_t done_len)
{
	const char *ifname = rec->ifname;
	int ifindex = rec->ifindex;

	while (rec->n_steps > 0) {
		const struct state_step *s = &rec->steps[rec->n_steps - 1];
		char ip[32], phrase[96];
		int r;

		usbnet_ip4_format(&s->ip, ip, sizeof(ip));
		switch (s->kind) {
		case STEP_ROUTE:
			r = be->nl->route_del(be->nl_h, ifindex, &s->ip);
			if (r == -ESRCH || r == -ENODEV)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r, "could not remove the route to %s from %s: %s",
						ip, ifname, strerror(-r));
			snprintf(phrase, sizeof(phrase), "route to %s removed", ip);
			break;
		case STEP_ADDR:
			r = be->nl->addr_del(be->nl_h, ifindex, &s->ip);
			if (r == -EADDRNOTAVAIL || r == -ENODEV)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r, "could not remove address %s from %s: %s", ip,
						ifname, strerror(-r));
			snprintf(phrase, sizeof(phrase), "address %s removed from %s", ip, ifname);
			break;
		case STEP_LINK_UP:
			r = be->nl->link_set_up(be->nl_h, ifindex, false);
			if (r == -ENODEV)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r, "could not set %s down again: %s", ifname,
						strerror(-r));
			snprintf(phrase, sizeof(phrase), "%s is down again", ifname);
			break;
		case STEP_NM_UNMANAGED:
			r = be->nm->set_managed(be->nm_h, ifname, true);
			/* NetworkManager gone: its run-time flag went with it. */
			if (r == -ENOTCONN || r == -ENODEV)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r, "could not give %s back to NetworkManager: %s",
						ifname, nm_words(be, r));
			snprintf(phrase, sizeof(phrase), "NetworkManager manages %s again", ifname);
			break;
		case STEP_NM_PROFILE:
			r = be->nm->dhcp_profile_del ? be->nm->dhcp_profile_del(be->nm_h, s->uuid)
						     : 0;
			/* NetworkManager gone: it forgot the volatile profile with it. */
			if (r == -ENOTCONN)
				r = 0;
			if (r < 0)
				return ctx_fail(ctx, r,
						"could not delete NetworkManager's profile %s for %s: %s",
						s->uuid, ifname, nm_words(be, r));
			snprintf(phrase, sizeof(phrase), "NetworkManager's profile for %s deleted",
				 ifname);
			break;
		case STEP_NFT:
		case STEP_FORWARDING:
			r = gateway_undo_step(ctx, be, rec, s, phrase, sizeof(phrase));
			if (r < 0)
				return r;
			break;
		case STEP_DNSMASQ:
			r = be->dns->stop(be->dns_h, ctx->run_dir, ifname, &s->dns);
			if (r < 0)
				return ctx_fail(ctx, r, "could not stop the DNS forwarder of %s (pid %d): %s",
						ifname, s->dns.pid, strerror(-r));
			snprintf(phrase, sizeof(phrase), "DNS forwarder of %s stopped", ifname);
			break;
		case STEP_BRIDGE_JOIN:
		case STEP_BRIDGE_PORT:
			r = bridge_undo_step(ctx, be, rec, s, phrase, sizeof(phrase));
			if (r < 0)
				return r;
			break;
		default:
			return ctx_fail(ctx, -EBADMSG, "unknown step in the record of %s", ifname);
		}
		append(done, done_len, phrase);
		ctx_log(ctx, USBNET_LOG_INFO, "%s: %s", ifname, phrase);
		rec->n_steps--;
	}
	return 0;
}

/* Of a vanished interface's record, the steps that outlive it: gateway mode's nftables chains
 * and forwarding (gateway.h), and its DNS forwarder (a process, bound to an address that has
 * gone). */
static int undo_host_steps(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
			   struct state_record *rec)
{
	struct state_record host = *rec;
	int r;

	host.n_steps = 0;
	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind == STEP_NFT || rec->steps[i].kind == STEP_FORWARDING ||
		    rec->steps[i].kind == STEP_DNSMASQ)
			host.steps[host.n_steps++] = rec->steps[i];
	r = updown_undo(ctx, be, &host, NULL, 0);
	if (r < 0) {
		host.status.state = USBNET_STATE_FAILED;
		snprintf(host.status.message, sizeof(host.status.message), "%s",
			 usbnet_ctx_error(ctx));
		if (state_write(ctx->run_dir, &host) >= 0)
			ctx_fail_append(ctx, "what is left is kept in %s/%s.state; run down again",
					ctx->run_dir, rec->ifname);
	}
	return r;
}

int usbnet_down(struct usbnet_ctx *ctx, const char *ifname)
{
	const struct usbnet_backends *be;
	struct state_record rec;
	struct nl_link_info link;
	int lock = -1, r;

	ctx_clear_error(ctx);
	if (!ifname_valid(ifname))
		return ctx_fail(ctx, -EINVAL, "not an interface name: \"%s\"", ifname ? ifname : "");
	r = lock_acquire(ctx->run_dir, ifname, LOCK_TIMEOUT_MS, &lock);
	if (r == -EWOULDBLOCK)
		return ctx_fail(ctx, r, "another usbnet-host is busy with %s (%s/%s.lock); try again",
				ifname, ctx->run_dir, ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot lock %s in %s: %s; nothing was undone%s", ifname,
				ctx->run_dir, strerror(-r), RUN_DIR_HINT);

	r = state_read(ctx->run_dir, ifname, &rec);
	if (r == -ENOENT) {
		ctx_log(ctx, USBNET_LOG_INFO, "%s: nothing recorded, nothing to undo", ifname);
		r = 1;
		goto out;
	}
	if (r == -EBADMSG) {
		r = ctx_fail(ctx, r,
			     "the state record %s/%s.state is damaged (edited or truncated); nothing "
			     "was undone: compare it with the interface, undo by hand, then remove it",
			     ctx->run_dir, ifname);
		goto out;
	}
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot read the state record %s/%s.state: %s", ctx->run_dir,
			     ifname, strerror(-r));
		goto out;
	}

	be = ctx_backends(ctx);
	if (!be) {
		r = ctx_fail(ctx, -EIO, "cannot open the netlink or NetworkManager backend");
		goto out;
	}
	r = be->nl->link_get(be->nl_h, ifname, &link);
	if (r == -ENODEV || (r >= 0 && link.ifindex != rec.ifindex)) {
		/* The kernel took our addresses and routes with the interface; NetworkManager's
		 * flag for a device that is gone is moot. A new interface of the same name is not
		 * ours to touch. Gateway mode's nftables chains, forwarding and DNS forwarder are the
		 * host's, though: they are undone whatever became of the interface. A bridge it was
		 * a port of loses a peer. */
		r = undo_host_steps(ctx, be, &rec);
		if (r < 0)
			goto out;
		r = bridge_leave_all(ctx, be, &rec);
		if (r < 0) {
			ctx_fail_append(ctx, "%s is gone; run down %s again", ifname, ifname);
			goto out;
		}
		r = state_remove(ctx->run_dir, ifname);
		if (r < 0) {
			r = ctx_fail(ctx, r, "cannot remove the state record %s/%s.state: %s",
				     ctx->run_dir, ifname, strerror(-r));
			goto out;
		}
		ctx_log(ctx, USBNET_LOG_INFO, "%s: the configured interface is gone; state cleaned",
			ifname);
		r = 0;
		goto out;
	}
	if (r < 0) {
		r = ctx_fail(ctx, r, "cannot look up %s: %s", ifname, strerror(-r));
		goto out;
	}

	r = updown_undo(ctx, be, &rec, NULL, 0);
	if (r < 0) {
		int w;

		/* Keep what is left to undo, so that another down can finish the job. */
		rec.status.state = USBNET_STATE_FAILED;
		snprintf(rec.status.message, sizeof(rec.status.message), "%s",
			 usbnet_ctx_error(ctx));
		w = state_write(ctx->run_dir, &rec);
		if (w < 0)
			ctx_fail_append(ctx, "and the state record could not be updated: %s",
					strerror(-w));
		else
			ctx_fail_append(ctx, "what is left is kept in %s/%s.state; run down again",
					ctx->run_dir, ifname);
		goto out;
	}
	r = state_remove(ctx->run_dir, ifname);
	if (r < 0) {
		r = ctx_fail(ctx, r, "undone, but cannot remove the state record %s/%s.state: %s",
			     ctx->run_dir, ifname, strerror(-r));
		goto out;
	}
	ctx_log(ctx, USBNET_LOG_NOTICE, "%s: undone", ifname);
out:
	lock_release(lock);
	return r;
}

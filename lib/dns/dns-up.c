/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The DNS forwarder's steps for up and down (see dns-supervise.h): written ahead like every
 * other step, with dnsmasq's own words on failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/dns-up.h"

static int write_rec(struct usbnet_ctx *ctx, const struct state_record *rec)
{
	int r = state_write(ctx->run_dir, rec);

	if (r < 0)
		return ctx_fail(ctx, r, "cannot write the state record %s/%s.state: %s",
				ctx->run_dir, rec->ifname, strerror(-r));
	return 0;
}

static const char *advice(int err)
{
	switch (err) {
	case -ENOENT:
		return "or run up without --dns";
	case -EBUSY:
		return "another DNS server holds port 53 on that address (or on every address): "
		       "bind it elsewhere, or go without --dns";
	case -EADDRNOTAVAIL:
		return "the host's address is not on the interface";
	default:
		return "see the system log for dnsmasq's messages";
	}
}

int dns_apply(struct usbnet_ctx *ctx, const struct usbnet_backends *be, struct state_record *rec,
	      struct in_addr host)
{
	struct state_step *step = NULL;
	char err[600], a[INET_ADDRSTRLEN];
	bool added = false;
	int r;

	inet_ntop(AF_INET, &host, a, sizeof(a));
	for (size_t i = 0; i < rec->n_steps; i++)
		if (rec->steps[i].kind == STEP_DNSMASQ)
			step = &rec->steps[i];
	if (step && be->dns->alive(be->dns_h, &step->dns) > 0)
		return 0;
	if (!step) {
		if (rec->n_steps >= STATE_MAX_STEPS)
			return ctx_fail(ctx, -E2BIG, "too many steps recorded for %s", rec->ifname);
		step = &rec->steps[rec->n_steps++];
		added = true;
	}
	*step = (struct state_step){.kind = STEP_DNSMASQ};
	r = write_rec(ctx, rec);
	if (r < 0)
		goto drop;
	r = be->dns->start(be->dns_h, ctx->run_dir, rec->ifname, host, &step->dns, err,
			   sizeof(err));
	if (r < 0) {
		ctx_fail(ctx, r, "could not start the DNS forwarder for %s on %s: %s; %s",
			 rec->ifname, a, err, advice(r));
		goto drop;
	}
	r = write_rec(ctx, rec);
	if (r < 0)
		return r; /* the step stays "-" in the file: down finds it by its pid file */
	ctx_log(ctx, USBNET_LOG_INFO, "%s: DNS forwarder on %s:53 (dnsmasq, pid %d)", rec->ifname,
		a, step->dns.pid);
	return 0;
drop:
	/* Not started. A step this call added goes; an earlier up's stays "-": nothing runs,
	 * and up's roll-back only undoes the steps after the earlier up's. */
	if (added)
		rec->n_steps--;
	state_write(ctx->run_dir, rec);
	return r;
}

int dns_stop_recorded(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		      struct state_record *rec)
{
	size_t j = 0;
	int r = 0;

	for (size_t i = 0; i < rec->n_steps; i++) {
		const struct state_step *s = &rec->steps[i];

		if (s->kind == STEP_DNSMASQ && r == 0) {
			r = be->dns->stop(be->dns_h, ctx->run_dir, rec->ifname, &s->dns);
			if (r < 0)
				ctx_fail(ctx, r,
					 "could not stop the DNS forwarder of %s (pid %d): %s",
					 rec->ifname, s->dns.pid, strerror(-r));
			else
				continue;
		}
		rec->steps[j++] = *s;
	}
	rec->n_steps = j;
	return r;
}

void dns_status_fill(const struct usbnet_backends *be, const struct state_record *rec,
		     struct usbnet_status *status)
{
	status->dns = false;
	status->dns_pid = 0;
	status->dns_running = false;
	for (size_t i = 0; i < rec->n_steps; i++) {
		const struct dns_handle *h = &rec->steps[i].dns;

		if (rec->steps[i].kind != STEP_DNSMASQ)
			continue;
		status->dns = true;
		status->dns_pid = h->pid;
		status->dns_running = h->pid > 0 && (be ? be->dns->alive(be->dns_h, h)
							: dnsmasq_alive(h)) > 0;
		return;
	}
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The progress line of discover and up --auto: on stderr when it is a terminal (not with -q),
 * replaced in place, cleared at the end. It says what is asked and what answered so far. It
 * also remembers whether the link had carrier, for "No carrier on IF" when nothing answered.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static bool shown, drawing, saw_carrier;

static void draw(void *userdata, const struct usbnet_probe_progress *p)
{
	char last[96] = "";

	(void)userdata;
	if (p->carrier)
		saw_carrier = true;
	if (!drawing)
		return;
	if (p->last) {
		char a[INET6_ADDRSTRLEN] = "";

		if (p->last->has_ipv6)
			inet_ntop(AF_INET6, &p->last->ipv6, a, sizeof(a));
		else if (p->last->has_ipv4)
			inet_ntop(AF_INET, &p->last->ipv4, a, sizeof(a));
		snprintf(last, sizeof(last), "; answered: %zu, last %s %s", p->n_findings,
			 usbnet_probe_method_name(p->last->method), a);
	}
	fprintf(stderr, "\r\033[K%s: ", p->ifname);
	if (!p->carrier)
		fprintf(stderr, "waiting for carrier");
	else if (p->swept < p->sweep)
		fprintf(stderr, "asking: ARP (profiles, sweep %u/%u), DHCP, IPv6", p->swept, p->sweep);
	else
		fprintf(stderr, "asking: ARP, DHCP, IPv6");
	fprintf(stderr, " %.1f/%.0f s%s", (double)p->elapsed_ms / 1000.0,
		(double)p->timeout_ms / 1000.0, last[0] ? last : "; nothing answered yet");
	fflush(stderr);
	shown = true;
}

void cli_progress_start(struct usbnet_ctx *ctx, const struct cli_common *c)
{
	drawing = cli_progress_wanted(c);
	saw_carrier = false;
	usbnet_ctx_set_progress(ctx, draw, NULL);
}

void cli_progress_end(void)
{
	if (shown)
		fputs("\r\033[K", stderr);
	shown = false;
	fflush(stderr);
}

bool cli_progress_saw_carrier(void)
{
	return saw_carrier;
}

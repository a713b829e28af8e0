/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mode gateway: static, then the host's uplink shared with the peer (gateway/), and with --dns
 * a DNS forwarder on the host's address (dns/). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dns/dns-up.h"
#include "dns/ra-up.h"
#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "netlink/steps.h"
#include "updown/modes.h"

static int gateway_mode_resolve(struct up_run *u, const struct usbnet_up_opts *opts)
{
	int r;

	(void)opts;
	r = mode_static_check(u);
	if (r >= 0)
		r = mode_dhcp_server_check(u);
	if (r < 0)
		return r;
	r = gateway_resolve(u->ctx, u->be, u->ifname, &u->plan, &u->gw);
	if (r < 0)
		return r;
	return gateway6_resolve(u->ctx, u->be, &u->peer, &u->plan, &u->gw, &u->gw6);
}

/* " ipv6=PREFIX/64(nat|routed)" when IPv6 is shared, and " uplink6=IF" when it leaves through
 * another uplink than IPv4: another prefix or IPv6 uplink is another plan (the words of a plan
 * with both through one uplink are what they were before IPv6 had an uplink of its own). */
static void ipv6_words(const struct up_run *u, char *buf, size_t len)
{
	char p[INET6_ADDRSTRLEN];
	bool own = strcmp(u->gw6.uplink, u->gw.uplink) != 0;

	buf[0] = '\0';
	if (!u->gw6.share)
		return;
	inet_ntop(AF_INET6, &u->gw6.prefix, p, sizeof(p));
	snprintf(buf, len, " ipv6=%s/64(%s)%s%s", p, u->gw6.routed ? "routed" : "nat",
		 own ? " uplink6=" : "", own ? u->gw6.uplink : "");
}

static void gateway_words(const struct up_run *u, char *buf, size_t len)
{
	char h[32], p[INET_ADDRSTRLEN] = "-", v6[80 + USBNET_IFNAMSIZ];

	usbnet_ip4_format(&u->plan.host, h, sizeof(h));
	if (u->plan.has_peer)
		inet_ntop(AF_INET, &u->plan.peer, p, sizeof(p));
	/* The uplink as resolved: when the default route moved, the old chains go first. */
	ipv6_words(u, v6, sizeof(v6));
	snprintf(buf, len, "gateway host=%s peer=%s uplink=%s%s dns=%s%s%s%s%s%s", h, p,
		 u->gw.uplink, u->gw.uplink_auto ? "(auto)" : "", u->plan.dns ? "yes" : "no",
		 u->plan.dhcp_server ? " dhcp-server=yes" : "", u->plan.shared_host ? " shared" : "",
		 u->plan.has_probe_from ? " probe-from" : "", mode_ipv6_words(u), v6);
}

/* IPv6 shared: accept_ra, the guard and forwarding, then the host's address in the link's /64
 * (what the advertisements announce and the forwarder listens on). */
static int ipv6_steps(struct up_run *u)
{
	struct step_ip6 a;
	int r;

	if (!u->gw6.share)
		return 0;
	r = gateway6_apply(&u->env, &u->gw6);
	if (r < 0)
		return r;
	memset(&a, 0, sizeof(a));
	a.addr = u->gw6.host;
	a.prefix = 64;
	return journal_apply(&u->env, &step_addr6, &a);
}

/* With --dns: the input rule first (the forwarder never answers another link), then the
 * forwarder. */
static int dns_steps(struct up_run *u)
{
	struct nft_dns_step d;
	int r;

	if (!u->plan.dns)
		return 0;
	memset(&d, 0, sizeof(d));
	d.host = u->plan.host.addr;
	r = journal_apply(&u->env, &step_nft_dns, &d);
	/* IPv6 shared: the forwarder listens on the link's PREFIX::1 too (the RDNSS the
	 * advertisements name), kept to this link by an ip6 input chain like nft-dns's. */
	if (r >= 0 && u->gw6.share) {
		struct nft6_dns_step d6;

		memset(&d6, 0, sizeof(d6));
		d6.host = u->gw6.host;
		r = journal_apply(&u->env, &step_nft6_dns, &d6);
	}
	if (r >= 0)
		r = dns_apply(&u->env, u->plan.host.addr, u->gw6.share ? &u->gw6.host : NULL);
	return r;
}

/* After the forwarder: the advertisements name it as the peer's name server (RDNSS). */
static int ra_steps(struct up_run *u)
{
	struct ra_spec spec;

	if (!u->gw6.share)
		return 0;
	memset(&spec, 0, sizeof(spec));
	spec.prefix = u->gw6.prefix;
	spec.host = u->gw6.host;
	spec.host4 = u->plan.host.addr;
	/* With --dns, RDNSS PREFIX::1: the forwarder listens there (dns_steps()). */
	spec.dns = u->plan.dns;
	return ra_apply(&u->env, &spec);
}

static int gateway_mode_apply(struct up_run *u)
{
	int r;

	r = mode_static_apply(u);
	if (r >= 0)
		r = gateway_apply(&u->env, &u->gw, u->warning, sizeof(u->warning));
	if (r >= 0)
		r = ipv6_steps(u);
	if (r >= 0 && !u->gw6.share && u->gw6.why_not[0])
		ctx_log(u->ctx, USBNET_LOG_INFO, "%s: IPv6 not shared: %s", u->ifname,
			u->gw6.why_not);
	if (r >= 0)
		r = dns_steps(u);
	if (r >= 0)
		r = ra_steps(u);
	/* After the forwarder: the lease names it as the peer's name server. */
	if (r >= 0)
		r = mode_dhcp_server_step(u, true);
	return r < 0 ? r : 0;
}

int mode_gateway_start_ipv6(struct up_run *u)
{
	char v6[80 + USBNET_IFNAMSIZ];
	size_t len = strlen(u->rec.plan);
	int r;

	r = ipv6_steps(u);
	if (r >= 0)
		r = dns_steps(u);
	if (r >= 0)
		r = ra_steps(u);
	if (r < 0)
		return r;
	/* The words up makes of this plan now: the IPv6 ones come last */
	ipv6_words(u, v6, sizeof(v6));
	snprintf(u->rec.plan + len, sizeof(u->rec.plan) - len, "%s", v6);
	r = journal_write(u->ctx, &u->rec);
	if (r < 0)
		return ctx_fail(u->ctx, r, "cannot write the state record %s/%s.state: %s",
				u->ctx->run_dir, u->ifname, strerror(-r));
	return 0;
}

static void gateway_finish(struct up_run *u)
{
	mode_probe_peer(u);
	/* Configured, but a firewall will drop what is forwarded: said, and kept */
	if (gateway_firewall_note(&u->rec.status, u->warning))
		ctx_log(u->ctx, USBNET_LOG_INFO, "%s: %s", u->ifname, u->warning);
}

const struct mode_entry mode_gateway = {
	.mode = USBNET_MODE_GATEWAY,
	.resolve = gateway_mode_resolve,
	.words = gateway_words,
	.in_place = mode_static_in_place,
	.apply = gateway_mode_apply,
	.finish = gateway_finish,
};

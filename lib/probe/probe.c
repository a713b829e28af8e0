/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * discover: what is the peer on this link? All probes run at once in one poll loop, within a
 * bounded time, on sockets bound to the interface:
 *
 *   - a packet socket (probe-arp.c) watching ARP, IPv4 and IPv6 frames that are not the
 *     host's: gratuitous ARP, the peer's own ARP requests and IPv4 packets give its address;
 *     the first frame gives its MAC;
 *   - RFC 5227 ARP probes from 0.0.0.0 for the profiles' device addresses, every 500 ms, and a
 *     sweep of commonly used addresses (probe-choice.c) once two rounds of those went
 *     unanswered (600 ms: the first frames at the carrier are often lost while the peer's
 *     side of the link settles; a USB gadget's, or a veth's on a busy host) and every 2 s
 *     after, as long as no IPv4 address is known; a sweep under way stops when one is. The
 *     wait costs nothing: without a DHCP offer, the answer is not certain before
 *     DHCP_SETTLE_MS anyway;
 *   - one DHCPDISCOVER (repeated each second with the same xid, as clients do): an OFFER means
 *     the peer serves DHCP; no REQUEST ever follows (probe-dhcp.c);
 *   - ICMPv6 echoes to ff02::1 until the peer answers, then its MAC from the neighbour table
 *     (probe-ipv6.c).
 *
 * When it stops early ("certain"): once the peer's IPv4 address is known from its own words
 * (it answered an ARP probe, announced itself, asked ARP or sent IPv4 from that address) and
 * the DHCP question is settled: an OFFER came, or DHCP_SETTLE_MS passed since the first
 * DISCOVER: dnsmasq (BeagleBone images, the testbed's DHCP peer) pings the address it is about
 * to offer and waits 3 s for an answer before it offers; a server slower than that is missed
 * when the IPv4 address is known already. An OFFER alone also settles it: the
 * server's address is the peer's. Nothing more can change the answer up --auto would take.
 * IPv6 is not waited for: it needs the host's link-local address out of duplicate address
 * detection (about a second), and it is only the fallback when no IPv4 address is found.
 * Otherwise it runs to the timeout. Nothing is sent before the link has its carrier (an ECM
 * peer's comes when the device side is up, sometimes a second or more after the link, seconds
 * on a board that is still booting): the schedule starts then, within the same overall time
 * (discover), or with the whole timeout from then (up --auto: carrier_wait_ms).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/json.h"
#include "core/lock.h"
#include "probe/probe.h"
#include "core/ifname.h"

#define ARP_ROUND_MS 500
#define SWEEP_DELAY_MS 600 /* after two rounds of the profiles' probes: most peers answer those */
#define SWEEP_ROUND_MS 2000
#define SWEEP_BATCH 64 /* sweep requests per 20 ms tick */
#define DHCP_ROUND_MS 1000
#define DHCP_SETTLE_MS 3500
#define IPV6_ROUND_MS 300

static const char *const method_names[] = {
	[USBNET_FOUND_IPV6_ALL_NODES] = "ipv6-all-nodes",
	[USBNET_FOUND_ARP_ANNOUNCE] = "arp-announce",
	[USBNET_FOUND_ARP_REQUEST] = "arp-request",
	[USBNET_FOUND_IPV4_TRAFFIC] = "ipv4-traffic",
	[USBNET_FOUND_ARP_PROBE] = "arp-probe",
	[USBNET_FOUND_ARP_SWEEP] = "arp-sweep",
	[USBNET_FOUND_DHCP_OFFER] = "dhcp-offer",
	[USBNET_FOUND_DHCP_CLIENT] = "dhcp-client",
};

const char *usbnet_probe_method_name(enum usbnet_probe_method m)
{
	if ((unsigned)m >= sizeof(method_names) / sizeof(method_names[0]) || !method_names[m])
		return "unknown";
	return method_names[m];
}

void usbnet_probe_opts_init(struct usbnet_probe_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void mac_text(const uint8_t m[PROBE_ETH_ALEN], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* ---- the engine ---------------------------------------------------------------------------- */

struct engine {
	const struct probe_request *req;
	struct usbnet_probe_result *res;
	uint8_t mac[PROBE_ETH_ALEN];
	int pfd, v6fd;
	int64_t start;
	uint32_t xid;
	uint16_t v6id, v6seq;
	unsigned n_profile_targets, sweep_next, sweep_end;
	probe_target_fn target;
	int64_t next_arp, next_sweep, next_dhcp, next_v6, first_dhcp;
	bool v6_answered, offered;
	bool client; /* the peer asked for a lease (DHCPDISCOVER or REQUEST) */
	bool carrier; /* nothing is sent before: a USB peer's carrier can come a second late */
	int64_t carrier_at; /* when it came (ms from the start) */
	int ctl_fd;   /* for SIOCGIFFLAGS */
};

/* The carrier is there. Until it is, frames would be lost: the schedule starts when it comes.
 * sysfs's carrier is netif_carrier_ok() itself; IFF_RUNNING (the fallback) follows it only
 * through linkwatch, up to a second later. */
static bool carrier_now(const struct engine *e)
{
	struct ifreq ifr = {};
	char path[64], c = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", e->req->ifname);
	f = fopen(path, "re");
	if (f) {
		size_t n = fread(&c, 1, 1, f);

		fclose(f);
		if (n == 1)
			return c == '1';
	}
	if (e->ctl_fd < 0)
		return true;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", e->req->ifname);
	if (ioctl(e->ctl_fd, SIOCGIFFLAGS, &ifr) < 0)
		return true;
	return (ifr.ifr_flags & IFF_RUNNING) != 0;
}

static int64_t elapsed(const struct engine *e)
{
	return mono_ms() - e->start;
}

static struct usbnet_finding *add_finding(struct engine *e, enum usbnet_probe_method m,
					  const struct in_addr *v4, const struct in6_addr *v6)
{
	struct usbnet_probe_result *r = e->res;
	struct usbnet_finding *f;

	for (size_t i = 0; i < r->n_findings; i++) {
		f = &r->findings[i];
		if (f->method == m && (!v4 || (f->has_ipv4 && f->ipv4.s_addr == v4->s_addr)) &&
		    (!v6 || (f->has_ipv6 && memcmp(&f->ipv6, v6, sizeof(*v6)) == 0)))
			return NULL; /* known already */
	}
	if (r->n_findings >= USBNET_MAX_FINDINGS)
		return NULL;
	f = &r->findings[r->n_findings++];
	memset(f, 0, sizeof(*f));
	f->method = m;
	f->at_ms = elapsed(e);
	if (v4) {
		f->has_ipv4 = true;
		f->ipv4 = *v4;
	}
	if (v6) {
		f->has_ipv6 = true;
		f->ipv6 = *v6;
	}
	return f;
}

/* The profile whose device address this is (ARP probe targets), or NULL. */
static const char *target_profile(const struct engine *e, struct in_addr a, bool *ret_is_target)
{
	*ret_is_target = false;
	for (unsigned i = 0;; i++) {
		struct in_addr t;
		const char *id;

		if (e->target(i, &t, &id) < 0)
			return NULL;
		if (t.s_addr == a.s_addr) {
			*ret_is_target = true;
			return i < e->n_profile_targets ? id : NULL;
		}
	}
}

static void on_arp(struct engine *e, const struct frame_info *f)
{
	static const uint8_t zero[PROBE_ETH_ALEN];
	struct usbnet_finding *fi;
	bool is_target;
	const char *profile;

	if (f->arp_spa.s_addr == 0)
		return; /* the peer probing for an address: not yet its own */
	if (f->arp_op == 2 && memcmp(f->arp_tha, e->mac, 6) == 0 && f->arp_tpa.s_addr == 0) {
		/* An answer to one of our probes from 0.0.0.0. */
		profile = target_profile(e, f->arp_spa, &is_target);
		if (!is_target)
			return;
		fi = add_finding(e, profile ? USBNET_FOUND_ARP_PROBE : USBNET_FOUND_ARP_SWEEP,
				 &f->arp_spa, NULL);
		if (fi && profile)
			snprintf(fi->profile, sizeof(fi->profile), "%s", profile);
	} else if (f->arp_spa.s_addr == f->arp_tpa.s_addr ||
		   (f->arp_op == 2 && (memcmp(f->arp_tha, zero, 6) == 0 ||
				       memcmp(f->arp_tha, f->dst_mac, 6) == 0))) {
		fi = add_finding(e, USBNET_FOUND_ARP_ANNOUNCE, &f->arp_spa, NULL);
	} else if (f->arp_op == 1) {
		fi = add_finding(e, USBNET_FOUND_ARP_REQUEST, &f->arp_spa, NULL);
	} else {
		return;
	}
	if (fi)
		mac_text(f->arp_sha, fi->mac);
}

static void on_ipv4(struct engine *e, const struct frame_info *f)
{
	struct usbnet_finding *fi;
	struct dhcp_offer offer;

	if (f->udp && f->udp_sport == 67 && f->udp_dport == 68) {
		if (dhcp_parse_offer(f->udp_payload, f->udp_len, e->xid, e->mac, &offer) < 0)
			return;
		fi = add_finding(e, USBNET_FOUND_DHCP_OFFER,
				 offer.server_id.s_addr ? &offer.server_id : &f->ip_src, NULL);
		if (fi) {
			fi->has_offered = true;
			fi->offered = offer.yiaddr;
			fi->offered_prefix = offer.prefix;
			mac_text(f->src_mac, fi->mac);
		}
		e->offered = true;
		return;
	}
	if (f->udp && f->udp_sport == 68 && f->udp_dport == 67) {
		uint8_t chaddr[PROBE_ETH_ALEN];

		/* A DHCP client: its chaddr is its MAC (ours never reach here: not from it) */
		if (dhcp_parse_client(f->udp_payload, f->udp_len, chaddr) < 0 ||
		    memcmp(chaddr, e->mac, PROBE_ETH_ALEN) == 0)
			return;
		fi = add_finding(e, USBNET_FOUND_DHCP_CLIENT, NULL, NULL);
		if (fi)
			mac_text(chaddr, fi->mac);
		e->client = true;
		return;
	}
	if (f->ip_src.s_addr == 0 || f->ip_src.s_addr == INADDR_BROADCAST)
		return;
	fi = add_finding(e, USBNET_FOUND_IPV4_TRAFFIC, &f->ip_src, NULL);
	if (fi)
		mac_text(f->src_mac, fi->mac);
}

static void read_frames(struct engine *e)
{
	uint8_t buf[PROBE_FRAME_MAX];
	struct sockaddr_ll from;
	socklen_t fl;
	ssize_t n;

	for (int k = 0; k < 256; k++) {
		struct frame_info f;

		fl = sizeof(from);
		n = recvfrom(e->pfd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n <= 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING || frame_parse(buf, (size_t)n, &f) < 0)
			continue;
		if (memcmp(f.src_mac, e->mac, 6) == 0)
			continue;
		if (!e->res->mac[0])
			mac_text(f.src_mac, e->res->mac);
		if (f.kind == FRAME_ARP)
			on_arp(e, &f);
		else if (f.kind == FRAME_IPV4)
			on_ipv4(e, &f);
	}
}

static void read_ipv6(struct engine *e)
{
	struct in6_addr src;
	struct usbnet_finding *fi;
	int r;

	while ((r = ipv6_recv_reply(e->v6fd, e->v6id, &src)) >= 0) {
		if (r == 0)
			continue;
		e->v6_answered = true;
		fi = add_finding(e, USBNET_FOUND_IPV6_ALL_NODES, NULL, &src);
		if (fi && ipv6_neigh_mac(e->req->ifindex, &src, fi->mac) < 0)
			snprintf(fi->mac, sizeof(fi->mac), "%s", e->res->mac);
	}
}

static bool ipv4_known(const struct usbnet_probe_result *r);

/* When the probe ends (ms from the start): the timeout, which either includes the wait for
 * the carrier or counts from it (probe_request.carrier_wait_ms). */
static int64_t deadline(const struct engine *e)
{
	if (!e->req->carrier_wait_ms)
		return e->req->timeout_ms;
	return e->carrier ? e->carrier_at + e->req->timeout_ms : e->req->carrier_wait_ms;
}

static void send_due(struct engine *e, int64_t now)
{
	uint8_t frame[DHCP_FRAME_MAX];
	struct in_addr t;
	const char *id;

	if (!e->carrier) {
		if (!carrier_now(e))
			return;
		e->carrier = true;
		e->carrier_at = now;
		e->next_arp = e->next_dhcp = e->next_v6 = now;
		e->next_sweep = now + SWEEP_DELAY_MS;
	}

	if (now >= e->next_arp) {
		for (unsigned i = 0; i < e->n_profile_targets; i++)
			if (e->target(i, &t, &id) == 0)
				arp_send(e->pfd, e->req->ifindex, frame,
					 arp_build_probe(frame, e->mac, t));
		e->next_arp = now + ARP_ROUND_MS;
	}
	/* The sweep only while no IPv4 address is known: 1536 requests are noise on the link
	 * when a profile's address answered already. */
	if (now >= e->next_sweep && e->sweep_next >= e->sweep_end) {
		if (!ipv4_known(e->res))
			e->sweep_next = e->n_profile_targets;
		e->next_sweep = now + SWEEP_ROUND_MS;
	}
	if (e->sweep_next < e->sweep_end && ipv4_known(e->res))
		e->sweep_next = e->sweep_end; /* found meanwhile: the rest is noise */
	for (unsigned k = 0; k < SWEEP_BATCH && e->sweep_next < e->sweep_end; k++, e->sweep_next++)
		if (e->target(e->sweep_next, &t, &id) == 0)
			arp_send(e->pfd, e->req->ifindex, frame, arp_build_probe(frame, e->mac, t));
	if (now >= e->next_dhcp && !e->offered) {
		size_t len = dhcp_build_discover(frame, e->mac, e->xid, (uint16_t)(now / 1000));

		if (arp_send(e->pfd, e->req->ifindex, frame, len) == 0 && e->first_dhcp < 0)
			e->first_dhcp = now;
		e->next_dhcp = now + DHCP_ROUND_MS;
	}
	if (e->v6fd >= 0 && now >= e->next_v6 && !e->v6_answered) {
		/* Fails while our link-local address is tentative: tried again next round. */
		ipv6_send_all_nodes(e->v6fd, e->req->ifindex, e->v6id, ++e->v6seq);
		e->next_v6 = now + IPV6_ROUND_MS;
	}
}

static bool ipv4_known(const struct usbnet_probe_result *r)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].has_ipv4 && r->findings[i].method != USBNET_FOUND_DHCP_OFFER)
			return true;
	return false;
}

static bool certain(const struct engine *e, int64_t now)
{
	bool dhcp_settled =
		e->offered || (e->first_dhcp >= 0 && now - e->first_dhcp >= DHCP_SETTLE_MS);

	/* A DHCP client that gave no address of its own is as settled as one that did. */
	return e->offered || ((ipv4_known(e->res) || e->client) && dhcp_settled);
}

static void report_progress(const struct engine *e, int64_t now)
{
	struct usbnet_probe_progress p = {
		.ifname = e->req->ifname,
		.elapsed_ms = now,
		.timeout_ms = e->req->timeout_ms,
		.carrier = e->carrier,
		.swept = e->sweep_next - e->n_profile_targets,
		.sweep = e->sweep_end - e->n_profile_targets,
		.n_findings = e->res->n_findings,
		.last = e->res->n_findings ? &e->res->findings[e->res->n_findings - 1] : NULL,
	};

	e->req->progress(e->req->progress_data, &p);
}

static int engine_run(void *h, const struct probe_request *req, struct usbnet_probe_result *ret)
{
	int64_t last_progress = -1000;
	size_t last_n = 0;
	struct engine e = { .req = req, .res = ret, .pfd = -1, .v6fd = -1, .first_dhcp = -1,
			    .ctl_fd = -1 };
	struct in_addr t;
	const char *id;
	uint8_t rnd[6];
	int r;

	(void)h;
	memset(ret, 0, sizeof(*ret));
	if (!req->target)
		return -EINVAL;
	e.target = req->target;
	snprintf(ret->ifname, sizeof(ret->ifname), "%s", req->ifname);
	ret->timeout_ms = req->timeout_ms;
	r = link_mac(req->ifname, e.mac);
	if (r < 0)
		return r;
	e.pfd = arp_socket_open(req->ifindex, e.mac);
	if (e.pfd < 0)
		return e.pfd;
	/* No IPv6 on the host (disabled, or no kernel support): the other probes go on. */
	e.v6fd = ipv6_socket_open(req->ifname);
	e.ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memset(rnd, 0x5a, sizeof(rnd));
	e.xid = (uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | rnd[3];
	e.v6id = (uint16_t)(rnd[4] << 8 | rnd[5]);
	while (e.target(e.n_profile_targets, &t, &id) == 0 && id)
		e.n_profile_targets++;
	e.sweep_end = e.n_profile_targets;
	while (e.target(e.sweep_end, &t, &id) == 0)
		e.sweep_end++;
	e.sweep_next = e.sweep_end;

	e.start = mono_ms();
	for (;;) {
		struct pollfd pfds[2] = { { .fd = e.pfd, .events = POLLIN },
					  { .fd = e.v6fd, .events = POLLIN } };
		int64_t now = elapsed(&e), next;

		if (now >= deadline(&e))
			break;
		send_due(&e, now);
		next = e.next_arp;
		if (e.next_dhcp < next && !e.offered)
			next = e.next_dhcp;
		if (e.v6fd >= 0 && !e.v6_answered && e.next_v6 < next)
			next = e.next_v6;
		if (e.next_sweep < next)
			next = e.next_sweep;
		if (e.sweep_next < e.sweep_end && now + 20 < next)
			next = now + 20; /* the sweep's next batch */
		if (!e.carrier)
			next = now + 20; /* another look at the carrier */
		if (next > deadline(&e))
			next = deadline(&e);
		if (poll(pfds, e.v6fd >= 0 ? 2 : 1, (int)(next > now ? next - now : 0)) < 0 &&
		    errno != EINTR) {
			r = -errno;
			goto out;
		}
		read_frames(&e);
		if (e.v6fd >= 0)
			read_ipv6(&e);
		if (req->progress && (ret->n_findings != last_n || elapsed(&e) - last_progress >= 100)) {
			last_n = ret->n_findings;
			last_progress = elapsed(&e);
			report_progress(&e, last_progress);
		}
		if (certain(&e, elapsed(&e))) {
			ret->certain = true;
			break;
		}
	}
	r = (int)ret->n_findings;
out:
	ret->elapsed_ms = elapsed(&e);
	ret->no_carrier = !e.carrier;
	close(e.pfd);
	if (e.v6fd >= 0)
		close(e.v6fd);
	if (e.ctl_fd >= 0)
		close(e.ctl_fd);
	return r;
}

static int real_addr_in_use(void *h, int ifindex, const char *ifname, struct in_addr a,
			    unsigned wait_ms)
{
	(void)h;
	return arp_addr_in_use(ifindex, ifname, a, wait_ms);
}

const struct usbnet_probe_ops probe_real_ops = {
	.run = engine_run,
	.addr_in_use = real_addr_in_use,
};

/* ---- usbnet_probe: the link up for the probe, and as it was after ---------------------------- */

int usbnet_probe(struct usbnet_ctx *ctx, const char *ifname, const struct usbnet_probe_opts *opts,
		 struct usbnet_probe_result *ret)
{
	const struct usbnet_backends *be;
	struct usbnet_peer peer;
	struct nl_link_info link;
	struct probe_request req = {};
	int lock = -1, r, rp, rd;

	ctx_clear_error(ctx);
	if (!ifname_valid(ifname))
		return ctx_fail_input(ctx, -EINVAL, "not an interface name: \"%s\"", ifname ? ifname : "");
	if (opts->timeout_ms > USBNET_PROBE_MAX_MS)
		return ctx_fail_input(ctx, -EINVAL, "a probe lasts at most %u s",
				USBNET_PROBE_MAX_MS / 1000);
	be = ctx_backends(ctx);
	if (!be)
		return ctx_fail(ctx, -EIO, "cannot open the netlink backend");
	if (!be->probe)
		return ctx_fail(ctx, -EOPNOTSUPP, "no probe backend");
	r = be->nl->link_get(be->nl_h, ifname, &link);
	if (r == -ENODEV)
		return ctx_fail_no_peer(ctx, r, "there is no interface %s", ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot look up %s: %s", ifname, strerror(-r));
	r = usbnet_find_peer(ctx, ifname, &peer);
	if ((r == -ENODEV || r == -EMEDIUMTYPE) && !opts->force) {
		if (r == -ENODEV || !usbnet_ctx_error(ctx)[0])
			ctx_fail(ctx, -EMEDIUMTYPE, "%s is not a USB network peer", ifname);
		ctx_fail_append(ctx, "nothing was sent (name it with --force to probe it anyway)");
		ctx_set_outcome(ctx, USBNET_OUTCOME_BAD_INPUT);
		return -EMEDIUMTYPE;
	}
	if (r < 0 && r != -ENODEV && r != -EMEDIUMTYPE)
		return ctx_fail(ctx, r, "cannot look at %s: %s", ifname, strerror(-r));
	ctx_clear_error(ctx);

	/* Not beside an up or down of the same interface. */
	r = lock_acquire(ctx->run_dir, ifname, LOCK_TIMEOUT_MS, &lock);
	if (r == -EWOULDBLOCK)
		return ctx_fail(ctx, r, "another usbnet-host is busy with %s; try again", ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot lock %s in %s: %s", ifname, ctx->run_dir,
				strerror(-r));
	if (!link.up) {
		r = be->nl->link_set_up(be->nl_h, link.ifindex, true);
		if (r < 0) {
			r = ctx_fail(ctx, r, "could not set %s up: %s; nothing was changed", ifname,
				     strerror(-r));
			goto out;
		}
		ctx_log(ctx, USBNET_LOG_INFO, "%s: link up for the probe", ifname);
	}
	req.ifindex = link.ifindex;
	snprintf(req.ifname, sizeof(req.ifname), "%s", ifname);
	req.timeout_ms = opts->timeout_ms ? opts->timeout_ms : USBNET_PROBE_DEFAULT_MS;
	req.target = ctx->probe_target;
	req.progress = ctx->progress_fn;
	req.progress_data = ctx->progress_data;
	rp = be->probe->run(be->probe_h, &req, ret);
	if (rp < 0)
		ctx_fail(ctx, rp, "could not probe %s: %s%s", ifname, strerror(-rp),
			 rp == -EPERM ? " (raw sockets need CAP_NET_RAW: run it as root)" : "");
	r = rp;
	if (!link.up) {
		rd = be->nl->link_set_up(be->nl_h, link.ifindex, false);
		if (rd < 0 && rd != -ENODEV) {
			r = ctx_fail(ctx, rd, "could not set %s down again after the probe: %s",
				     ifname, strerror(-rd));
			goto out;
		}
		if (rp >= 0)
			ret->link_was_down = true;
	}
out:
	lock_release(lock);
	return r;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

static void key_addr(struct json_writer *w, const char *key, int af, const void *a)
{
	char buf[INET6_ADDRSTRLEN];

	json_key(w, key);
	json_string(w, inet_ntop(af, a, buf, sizeof(buf)));
}

char *usbnet_probe_to_json(const struct usbnet_probe_result *r)
{
	struct json_writer *w = json_new();
	char name[USBNET_IFNAMSIZ + 1], mac[19];

	if (!w)
		return NULL;
	memcpy(name, r->ifname, sizeof(r->ifname));
	name[sizeof(r->ifname)] = '\0';
	memcpy(mac, r->mac, sizeof(r->mac));
	mac[sizeof(r->mac)] = '\0';
	json_begin_object(w);
	json_key(w, "ifname");
	json_string(w, name);
	json_key(w, "mac");
	if (mac[0])
		json_string(w, mac);
	else
		json_null(w);
	json_key(w, "findings");
	json_begin_array(w);
	for (size_t i = 0; i < r->n_findings && i < USBNET_MAX_FINDINGS; i++) {
		const struct usbnet_finding *f = &r->findings[i];
		char fmac[19], prof[USBNET_NAME_MAX + 1];

		json_begin_object(w);
		json_key(w, "method");
		json_string(w, usbnet_probe_method_name(f->method));
		if (f->has_ipv4)
			key_addr(w, f->method == USBNET_FOUND_DHCP_OFFER ? "server" : "ipv4", AF_INET,
				 &f->ipv4);
		if (f->has_offered) {
			key_addr(w, "offered", AF_INET, &f->offered);
			json_key(w, "offered_prefix");
			if (f->offered_prefix)
				json_int(w, f->offered_prefix);
			else
				json_null(w);
		}
		if (f->has_ipv6)
			key_addr(w, "ipv6", AF_INET6, &f->ipv6);
		memcpy(fmac, f->mac, sizeof(f->mac));
		fmac[sizeof(f->mac)] = '\0';
		if (fmac[0]) {
			json_key(w, "mac");
			json_string(w, fmac);
		}
		memcpy(prof, f->profile, sizeof(f->profile));
		prof[sizeof(f->profile)] = '\0';
		if (prof[0]) {
			json_key(w, "profile");
			json_string(w, prof);
		}
		json_key(w, "at_ms");
		json_int(w, f->at_ms);
		json_end_object(w);
	}
	json_end_array(w);
	json_key(w, "elapsed_ms");
	json_int(w, r->elapsed_ms);
	json_key(w, "timeout_ms");
	json_int(w, r->timeout_ms);
	json_key(w, "certain");
	json_bool(w, r->certain);
	json_end_object(w);
	return json_finish(w);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Gateway mode sharing IPv6: validation, apply, and what its three kinds share (gateway6.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/gateway.h"
#include "gateway/gateway6.h"
#include "gateway/ula.h"

#define RECORD_MAGIC "usbnet-host-gateway6 1\n"

int gateway6_forwarding_get(const struct usbnet_backends *be, int *ret)
{
	if (!be->nl->sysctl_get)
		return -EOPNOTSUPP;
	return be->nl->sysctl_get(be->nl_h, "all", "ipv6", "forwarding", ret);
}

int gateway6_forwarding_set(const struct usbnet_backends *be, int value)
{
	if (!be->nl->sysctl_set)
		return -EOPNOTSUPP;
	return be->nl->sysctl_set(be->nl_h, "all", "ipv6", "forwarding", value);
}

static int record_path(const char *run_dir, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", run_dir, GATEWAY6_RECORD_NAME);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int gateway6_record_read(const char *run_dir, int *ret_before)
{
	char path[PATH_MAX], buf[128];
	ssize_t n;
	int fd, r;

	r = record_path(run_dir, path, sizeof(path));
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	for (int i = 0; i < 2; i++) {
		char good[64];

		snprintf(good, sizeof(good), RECORD_MAGIC "forwarding-before %d\nend\n", i);
		if ((size_t)n == strlen(good) && memcmp(buf, good, (size_t)n) == 0) {
			*ret_before = i;
			return 0;
		}
	}
	return -EBADMSG;
}

int gateway6_record_write(const char *run_dir, int before)
{
	char path[PATH_MAX], text[64];
	int r;

	r = record_path(run_dir, path, sizeof(path));
	if (r < 0)
		return r;
	snprintf(text, sizeof(text), RECORD_MAGIC "forwarding-before %d\nend\n", !!before);
	return journal_file_write(run_dir, path, text);
}

int gateway6_record_remove(const char *run_dir)
{
	char path[PATH_MAX];
	int r = record_path(run_dir, path, sizeof(path));

	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int gateway6_scan(struct usbnet_ctx *ctx, const char *exclude, struct nft6_peer *peers,
		  size_t *ret_n, size_t *ret_holders, const char *uplink, int *ret_ra_before)
{
	struct state_record *rec;
	char **names = NULL;
	size_t n = 0, holders = 0;
	int r, ra_before = -1;

	rec = malloc(sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	r = journal_list(ctx, &names);
	if (r < 0) {
		free(rec);
		return r;
	}
	for (char **p = names; *p; p++) {
		const struct state_step *s;

		if (exclude && strcmp(*p, exclude) == 0)
			continue;
		if (journal_read(ctx, *p, rec) < 0)
			continue;
		/* Pending steps count too: what they may have made is still to undo. */
		if (journal_find(rec, &step_forwarding6, NULL))
			holders++;
		s = journal_find(rec, &step_accept_ra, NULL);
		if (s && uplink) {
			const struct accept_ra_step *a = (const void *)s->data.bytes;

			if (strcmp(a->uplink, uplink) == 0)
				ra_before = a->before;
		}
		s = journal_find(rec, &step_nft6, NULL);
		if (!s || !peers || n >= NFT_MAX_PEERS)
			continue;
		{
			const struct nft6_step *d = (const void *)s->data.bytes;

			memset(&peers[n], 0, sizeof(peers[n]));
			memcpy(peers[n].ifname, rec->ifname, sizeof(peers[n].ifname));
			memcpy(peers[n].uplink, d->uplink, sizeof(peers[n].uplink));
			peers[n].prefix = d->prefix;
			peers[n].masquerade = d->masquerade;
			n++;
		}
	}
	usbnet_strv_free(names);
	free(rec);
	if (ret_n)
		*ret_n = n;
	if (ret_holders)
		*ret_holders = holders;
	if (ret_ra_before)
		*ret_ra_before = ra_before;
	return 0;
}

int gateway6_resolve(struct usbnet_ctx *ctx, const struct usbnet_backends *be,
		     const struct usbnet_peer *peer, const struct usbnet_plan *plan,
		     const char *uplink, struct gateway6_plan *ret)
{
	struct gateway6_plan g = {};
	char id[160], mid[33];
	int r;

	(void)ctx;
	if (plan->ipv6_off) {
		snprintf(g.why_not, sizeof(g.why_not), "ipv6=off");
		goto out;
	}
	if (!be->gw || !be->gw->uplink_has_ipv6 || !be->gw->nft6_commit || !be->nl->sysctl_get) {
		snprintf(g.why_not, sizeof(g.why_not), "no IPv6 backend here");
		goto out;
	}
	r = be->gw->uplink_has_ipv6(be->gw_h, uplink);
	if (r <= 0) {
		snprintf(g.why_not, sizeof(g.why_not), "the uplink %s has no IPv6 default route",
			 uplink);
		goto out;
	}
	if (plan->has_ipv6_prefix) {
		g.prefix = plan->ipv6_prefix;
		g.routed = true;
	} else {
		r = ula_identity(peer, id, sizeof(id));
		if (r >= 0)
			r = ula_machine_id(mid);
		if (r >= 0)
			r = ula_prefix(mid, id, &g.prefix);
		if (r < 0) {
			snprintf(g.why_not, sizeof(g.why_not),
				 "no stable ULA prefix for the peer (%s): give ipv6-prefix=",
				 strerror(-r));
			goto out;
		}
	}
	g.host = g.prefix;
	memset(g.host.s6_addr + 8, 0, 8);
	g.host.s6_addr[15] = 1;
	g.share = true;
out:
	*ret = g;
	return 0;
}

int gateway6_apply(struct step_env *env, const char *uplink, const struct gateway6_plan *g6)
{
	struct usbnet_ctx *ctx = env->ctx;
	struct accept_ra_step a;
	struct nft6_step n;
	int lock = -1, r;

	if (!g6->share)
		return 0;
	memset(&n, 0, sizeof(n));
	snprintf(n.uplink, sizeof(n.uplink), "%s", uplink);
	n.prefix = g6->prefix;
	n.masquerade = !g6->routed;
	r = gateway_lock(ctx, &lock);
	if (r < 0)
		return r;
	/* accept_ra=2 before forwarding (the host's own default route stays), the guard before
	 * forwarding (never a moment with IPv6 forwarding open to all) */
	r = accept_ra_plan(env, uplink, &a);
	if (r > 0)
		r = journal_apply(env, &step_accept_ra, &a);
	if (r >= 0)
		r = journal_apply(env, &step_nft6, &n);
	if (r >= 0)
		r = journal_apply(env, &step_forwarding6, &n); /* no data: size 0 */
	gateway_unlock(lock);
	return r < 0 ? r : 0;
}

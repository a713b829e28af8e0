/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the run directory records: the status of one interface, the interfaces with a record. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "dns/dns-up.h"
#include "gateway/gateway.h"
#include "core/state.h"
#include "updown/updown.h"

int usbnet_status_read(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_status *ret)
{
	struct state_record rec;
	int r;

	if (!ifname_valid(ifname))
		return ctx_fail(ctx, -EINVAL, "not an interface name: \"%s\"", ifname ? ifname : "");
	r = state_read(ctx->run_dir, ifname, &rec);
	if (r == -ENOENT) {
		memset(ret, 0, sizeof(*ret));
		ret->state = USBNET_STATE_UNCONFIGURED;
		ret->rtt_us = -1;
		return 0;
	}
	if (r == -EBADMSG)
		return ctx_fail(ctx, r, "the state record %s/%s.state is damaged (edited or truncated)",
				ctx->run_dir, ifname);
	if (r < 0)
		return ctx_fail(ctx, r, "cannot read the state record %s/%s.state: %s", ctx->run_dir,
				ifname, strerror(-r));
	*ret = rec.status;
	gateway_status_fill(&rec, ret);
	dns_status_fill(NULL, &rec, ret);
	return 0;
}

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int usbnet_state_list(struct usbnet_ctx *ctx, char ***ret_ifnames)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(ctx->run_dir);
	if (!d && errno != ENOENT)
		return ctx_fail(ctx, -errno, "cannot read the run directory %s: %s%s", ctx->run_dir,
				strerror(errno), RUN_DIR_HINT);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *name;

		/* IFNAME.state; the writer's temporary files end in .state.XXXXXX */
		if (len <= 6 || strcmp(de->d_name + len - 6, ".state") != 0)
			continue;
		name = strndup(de->d_name, len - 6);
		if (!name)
			goto oom;
		if (!ifname_valid(name)) {
			free(name);
			continue;
		}
		if (n + 2 > cap) {
			size_t c = cap ? cap * 2 : 8;
			char **nv = realloc(v, c * sizeof(*v));

			if (!nv) {
				free(name);
				goto oom;
			}
			v = nv;
			cap = c;
		}
		v[n++] = name;
		v[n] = NULL;
	}
	if (d)
		closedir(d);
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	qsort(v, n, sizeof(*v), compare);
	*ret_ifnames = v;
	return 0;
oom:
	if (d)
		closedir(d);
	if (v)
		v[n] = NULL;
	usbnet_strv_free(v);
	return -ENOMEM;
}

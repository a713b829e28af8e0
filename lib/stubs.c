/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TEMPORARY: weak placeholders so the tree links while the concerns are being written.
 * Each real definition (strong) replaces its placeholder. Deleted once all are real. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "config.h"
#include "ctx.h"
#include "json.h"
#include "profiles.h"
#include "state.h"

#define WEAK __attribute__((weak))

WEAK int config_parse(const char *data, size_t len, const char *name, struct usbnet_config **ret,
		      char *errbuf, size_t errlen)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}
WEAK int config_load(const char *path, struct usbnet_config **ret, char *errbuf, size_t errlen)
{
	return -ENOENT;
}
WEAK struct usbnet_config *config_free(struct usbnet_config *config)
{
	free(config);
	return NULL;
}
WEAK int nl_real_open(void **ret)
{
	return -ENOSYS;
}
WEAK void *nl_real_close(void *h)
{
	return NULL;
}
WEAK int nm_real_open(void **ret)
{
	return -ENOSYS;
}
WEAK void *nm_real_close(void *h)
{
	return NULL;
}
WEAK const struct usbnet_netlink_ops nl_real_ops;
WEAK const struct usbnet_nm_ops nm_real_ops;
WEAK const struct usbnet_reach_ops reach_real_ops;

WEAK int usbnet_discover(struct usbnet_ctx *ctx, struct usbnet_peer **ret_peers, size_t *ret_n)
{
	*ret_peers = NULL;
	*ret_n = 0;
	return 0;
}
WEAK int usbnet_find_peer(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_peer *ret)
{
	return -ENODEV;
}
WEAK int usbnet_peer_from_env(char *const *envp, struct usbnet_peer *ret)
{
	return -EMEDIUMTYPE;
}
WEAK void usbnet_classify(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer,
			  struct usbnet_plan *ret)
{
	memset(ret, 0, sizeof(*ret));
}
WEAK bool usbnet_mode_is_owned(enum usbnet_mode mode)
{
	return false;
}
WEAK bool usbnet_peer_is_upstream(const struct usbnet_peer *peer)
{
	return false;
}
WEAK void usbnet_up_opts_init(struct usbnet_up_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->wait_s = -1;
}
WEAK int usbnet_up(struct usbnet_ctx *ctx, const char *ifname, const struct usbnet_up_opts *opts,
		   struct usbnet_report *ret_report, enum usbnet_up_result *ret_result)
{
	return ctx_fail(ctx, -ENOSYS, "up is not implemented yet");
}
WEAK int usbnet_down(struct usbnet_ctx *ctx, const char *ifname)
{
	return ctx_fail(ctx, -ENOSYS, "down is not implemented yet");
}
WEAK int usbnet_status_read(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_status *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->rtt_us = -1;
	return 0;
}
WEAK int usbnet_state_list(struct usbnet_ctx *ctx, char ***ret_ifnames)
{
	*ret_ifnames = calloc(1, sizeof(char *));
	return *ret_ifnames ? 0 : -ENOMEM;
}
WEAK char *usbnet_reports_to_json(const struct usbnet_report *reports, size_t n)
{
	return strdup("[]");
}
WEAK char *usbnet_report_to_json(const struct usbnet_report *report)
{
	return strdup("{}");
}
WEAK int state_read(const char *run_dir, const char *ifname, struct state_record *ret)
{
	return -ENOENT;
}

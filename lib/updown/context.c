/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The context as the library hands it out: the configuration, the step kinds its records are
 * read with, and the real backends (opened when first needed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/run-dir.h"
#include "nm/nm-lazy.h"
#include "peer/config.h"
#include "updown/step-kinds.h"
#include "updown/up-auto.h"

static int open_real_backends(struct usbnet_ctx *ctx)
{
	int r;

	/* NetworkManager's module is loaded when it is first asked (nm/nm-lazy.c). */
	r = nl_real_open(&ctx->be.nl_h);
	if (r < 0)
		return r;
	ctx->be.nl = &nl_real_ops;
	ctx->be.nm = &nm_lazy_ops;
	ctx->be.nm_h = ctx;
	ctx->be.reach = &reach_real_ops;
	ctx->be.reach_h = NULL;
	ctx->be.gw = &gw_real_ops;
	ctx->be.gw_h = NULL;
	ctx->be.dns = &dns_real_ops;
	ctx->be.dns_h = NULL;
	ctx->be.br = &nl_bridge_real_ops;
	ctx->be.br_h = ctx->be.nl_h;
	ctx->be.probe = &probe_real_ops;
	ctx->be.probe_h = NULL;
	ctx->be.alias = &alias_real_ops;
	ctx->be.alias_h = NULL;
	ctx->be_owned = true;
	return 0;
}

static int copy_path(char *dst, size_t len, const char *src)
{
	if (strlen(src) >= len)
		return -ENAMETOOLONG;
	strcpy(dst, src);
	return 0;
}

/* No file: no [peer] groups. */
static int builtin_only(struct usbnet_ctx *ctx, struct usbnet_config **ret)
{
	char err[64];

	return config_parse("", 0, ctx->config_path, ret, err, sizeof(err));
}

/* The file; the default one is optional (no file, no [peer] groups). ctx->error on failure. */
static int load_config(struct usbnet_ctx *ctx, struct usbnet_config **ret)
{
	int r = config_load(ctx->config_path, ret, ctx->error, sizeof(ctx->error));

	if (r == -ENOENT && !ctx->config_named) {
		ctx->error[0] = '\0';
		return builtin_only(ctx, ret);
	}
	return r;
}

bool usbnet_ctx_config_broken(const struct usbnet_ctx *ctx)
{
	return ctx && ctx->config_broken;
}

int usbnet_ctx_reload_config(struct usbnet_ctx *ctx, char *ret_changes, size_t len)
{
	struct usbnet_config *next = NULL;
	int r;

	if (len > 0)
		ret_changes[0] = '\0';
	ctx_clear_error(ctx);
	if (ctx->config_none)
		return 0;
	r = load_config(ctx, &next);
	if (r < 0) {
		char why[sizeof(ctx->error)];

		memcpy(why, ctx->error, sizeof(why));
		if (builtin_only(ctx, &next) < 0)
			return ctx_fail(ctx, -ENOMEM, "out of memory");
		config_diff(ctx->config, next, ret_changes, len);
		config_free(ctx->config);
		ctx->config = next;
		ctx->config_broken = true;
		memcpy(ctx->error, why, sizeof(why));
		ctx->outcome = r == -ENOMEM ? USBNET_OUTCOME_FAILED : USBNET_OUTCOME_BAD_INPUT;
		return r;
	}
	config_diff(ctx->config, next, ret_changes, len);
	config_free(ctx->config);
	ctx->config = next;
	ctx->config_broken = false;
	return 0;
}

int usbnet_ctx_new(const char *config_path, const char *run_dir, struct usbnet_ctx **ret)
{
	struct usbnet_ctx *ctx;
	bool none = config_path && !*config_path, named = false, run_named = true;
	int r;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->step_kinds = step_kinds;
	ctx->open_backends = open_real_backends;
	ctx->probe_target = probe_target;
	if (!config_path)
		config_path = getenv("USBNET_HOST_CONFIG");
	if (config_path && *config_path)
		named = true;
	else
		config_path = USBNET_DEFAULT_CONFIG;
	if (!run_dir)
		run_dir = getenv("USBNET_HOST_RUN_DIR");
	if (!run_dir || !*run_dir) {
		run_dir = USBNET_DEFAULT_RUN_DIR;
		run_named = false;
	}

	r = copy_path(ctx->config_path, sizeof(ctx->config_path), config_path);
	if (r >= 0)
		r = copy_path(ctx->run_dir, sizeof(ctx->run_dir), run_dir);
	if (r < 0) {
		free(ctx);
		return r;
	}

	r = run_dir_check(ctx, run_named);
	if (r < 0) {
		*ret = ctx;
		return r;
	}
	ctx->config_named = named;
	ctx->config_none = none;
	r = none ? 0 : load_config(ctx, &ctx->config);
	if (r < 0) {
		/* The caller reads the explanation with usbnet_ctx_error() before freeing. A file
		 * that is not a configuration file, or a broken line, is bad input. The context is
		 * whole all the same, with the built-in profiles alone (usbnet_ctx_config_broken). */
		char why[sizeof(ctx->error)];

		memcpy(why, ctx->error, sizeof(why));
		if (builtin_only(ctx, &ctx->config) < 0) {
			free(ctx);
			return -ENOMEM;
		}
		memcpy(ctx->error, why, sizeof(why));
		ctx->config_broken = true;
		ctx->outcome = r == -ENOMEM ? USBNET_OUTCOME_FAILED : USBNET_OUTCOME_BAD_INPUT;
		*ret = ctx;
		return r;
	}
	if (none && builtin_only(ctx, &ctx->config) < 0) {
		free(ctx);
		return -ENOMEM;
	}
	*ret = ctx;
	return 0;
}

struct usbnet_ctx *usbnet_ctx_free(struct usbnet_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (ctx->be_owned)
		nl_real_close(ctx->be.nl_h);
	nm_lazy_close(ctx);
	config_free(ctx->config);
	free(ctx);
	return NULL;
}


struct check_log {
	struct usbnet_ctx *ctx;
	unsigned n;
};

static void log_problem(void *data, bool warning, const char *line)
{
	struct check_log *cl = data;

	(void)warning; /* the watcher goes on either way: every problem is a warning to it */
	ctx_log(cl->ctx, USBNET_LOG_WARNING, "configuration: %s", line);
	cl->n++;
}

unsigned usbnet_ctx_check_config(struct usbnet_ctx *ctx)
{
	struct check_log cl = { .ctx = ctx };
	struct config_host_addr *addrs = NULL;
	size_t n_addrs = 0;

	/* A broken file is said by whoever loaded it; no file: nothing to check. */
	if (!ctx || ctx->config_broken || ctx->config_none || !ctx->config)
		return 0;
	(void)config_host_addrs(&addrs, &n_addrs);
	config_check(ctx->config, ctx->config_path, addrs, n_addrs, config_link_exists, log_problem,
		     &cl);
	free(addrs);
	return cl.n;
}

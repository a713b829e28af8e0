/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ctx.h"

void usbnet_ctx_set_log(struct usbnet_ctx *ctx, usbnet_log_fn fn, void *userdata)
{
	ctx->log_fn = fn;
	ctx->log_data = userdata;
}

const char *usbnet_ctx_error(const struct usbnet_ctx *ctx)
{
	return ctx ? ctx->error : "";
}

void ctx_clear_error(struct usbnet_ctx *ctx)
{
	ctx->error[0] = '\0';
	ctx->outcome = USBNET_OUTCOME_OK;
}

enum usbnet_outcome usbnet_ctx_outcome(const struct usbnet_ctx *ctx)
{
	return ctx ? ctx->outcome : USBNET_OUTCOME_FAILED;
}

static int fail_v(struct usbnet_ctx *ctx, enum usbnet_outcome outcome, int err, const char *fmt,
		  va_list ap) __attribute__((format(printf, 4, 0)));

static int fail_v(struct usbnet_ctx *ctx, enum usbnet_outcome outcome, int err, const char *fmt,
		  va_list ap)
{
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	ctx->outcome = outcome;
	return err;
}

int ctx_fail(struct usbnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(ctx, USBNET_OUTCOME_FAILED, err, fmt, ap);
	va_end(ap);
	return err;
}

int ctx_fail_input(struct usbnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(ctx, USBNET_OUTCOME_BAD_INPUT, err, fmt, ap);
	va_end(ap);
	return err;
}

int ctx_fail_no_peer(struct usbnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_v(ctx, USBNET_OUTCOME_NO_PEER, err, fmt, ap);
	va_end(ap);
	return err;
}

void ctx_set_outcome(struct usbnet_ctx *ctx, enum usbnet_outcome outcome)
{
	ctx->outcome = outcome;
}

void ctx_fail_append(struct usbnet_ctx *ctx, const char *fmt, ...)
{
	size_t used = strlen(ctx->error);
	va_list ap;

	if (used + 3 >= sizeof(ctx->error))
		return;
	if (used > 0) {
		memcpy(ctx->error + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(ctx->error + used, sizeof(ctx->error) - used, fmt, ap);
	va_end(ap);
}

void ctx_log(const struct usbnet_ctx *ctx, enum usbnet_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!ctx->log_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_data, level, buf);
}

void ctx_set_subject(struct usbnet_ctx *ctx, const char *ifname, const char *serial)
{
	snprintf(ctx->subject_ifname, sizeof(ctx->subject_ifname), "%s", ifname ? ifname : "");
	snprintf(ctx->subject_serial, sizeof(ctx->subject_serial), "%s", serial ? serial : "");
}

void usbnet_ctx_log_subject(const struct usbnet_ctx *ctx, const char **ret_ifname,
			    const char **ret_serial)
{
	*ret_ifname = ctx->subject_ifname;
	*ret_serial = ctx->subject_serial;
}

void usbnet_ctx_set_progress(struct usbnet_ctx *ctx, usbnet_progress_fn fn, void *userdata)
{
	ctx->progress_fn = fn;
	ctx->progress_data = userdata;
}

void usbnet_ctx_set_networkmanager(struct usbnet_ctx *ctx, bool use)
{
	ctx->no_nm = !use;
}

const struct usbnet_backends *ctx_backends(struct usbnet_ctx *ctx)
{
	if (ctx->be.nl)
		return &ctx->be;
	/* The real ones, wired where the subsystems meet (updown/context.c). */
	if (!ctx->open_backends || ctx->open_backends(ctx) < 0)
		return NULL;
	return &ctx->be;
}

void ctx_set_backends(struct usbnet_ctx *ctx, const struct usbnet_backends *be)
{
	ctx->be = *be;
	ctx->be_owned = false;
}

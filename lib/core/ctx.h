/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library context: configuration, run directory, log callback, error text, backends. */
#ifndef USBNET_CTX_H
#define USBNET_CTX_H

#include <limits.h>
#include <stdarg.h>
#include "usbnet-host/usbnet.h"
#include "core/backend.h"

struct usbnet_config;
struct step_kind;

struct usbnet_ctx {
	struct usbnet_config *config;
	char config_path[PATH_MAX];
	bool config_named;  /* the file was named (--config, USBNET_HOST_CONFIG): it must exist */
	bool config_broken; /* the file could not be read: the built-in profiles alone */
	bool config_none;   /* no file at all (config_path ""): the built-in profiles alone */
	char run_dir[PATH_MAX];
	usbnet_log_fn log_fn;
	void *log_data;
	char error[1024];
	/* Side effects go through these; the real ones are set up lazily by ctx_backends(). */
	struct usbnet_backends be;
	bool be_owned; /* the real backends: ctx_free() closes them */
	bool no_nm;    /* usbnet_ctx_set_networkmanager(ctx, false): the managed flag is left alone */
	/* NetworkManager's module, loaded and opened the first time it is asked (ctx.c) */
	const struct nm_module_entry *nm_mod;
	void *nm_mod_h;
	bool nm_tried;
	char nm_error[512];
	/* The step kinds records are read with (updown/step-kinds.c), and how the real backends
	 * are opened: set by usbnet_ctx_new(), so that core/ knows no subsystem. */
	const struct step_kind *const *step_kinds;
	int (*open_backends)(struct usbnet_ctx *ctx);
	probe_target_fn probe_target; /* what discover asks the link for (profiles, sweep) */
	enum usbnet_outcome outcome; /* of the last failure: what the CLI's exit status is */
	usbnet_progress_fn progress_fn; /* usbnet_ctx_set_progress() */
	/* The device the watcher is handling: usbnet_ctx_log_subject() (ctx_set_subject()). */
	char subject_ifname[USBNET_IFNAMSIZ];
	char subject_serial[USBNET_STR_MAX];
	void *progress_data;
};

/* The device the next log lines are about (NULL, NULL: none). */
void ctx_set_subject(struct usbnet_ctx *ctx, const char *ifname, const char *serial);

/* Formats the explanation of a failure into ctx->error and returns err (a -errno). The
 * outcome says what it means to the caller: ctx_fail() a failure (USBNET_OUTCOME_FAILED; up and
 * down then say ROLLED_BACK or LEFT), ctx_fail_input() bad input refused before any change,
 * ctx_fail_no_peer() no such interface. errno values are never read for that. */
int ctx_fail(struct usbnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ctx_fail_input(struct usbnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ctx_fail_no_peer(struct usbnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ctx_set_outcome(struct usbnet_ctx *ctx, enum usbnet_outcome outcome);
/* Appends "; ..." to ctx->error (what was rolled back, what to do). */
void ctx_fail_append(struct usbnet_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctx_clear_error(struct usbnet_ctx *ctx);
void ctx_log(const struct usbnet_ctx *ctx, enum usbnet_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The backends to use: the real ones (opened on first use) unless a test installed fakes. */
const struct usbnet_backends *ctx_backends(struct usbnet_ctx *ctx);
/* For tests: use these backends instead of the real ones. */
void ctx_set_backends(struct usbnet_ctx *ctx, const struct usbnet_backends *be);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run by the udev rule through IMPORT{program} for every USB network interface. It reads
 * udev's environment only (no sysfs, no network, no NetworkManager), classifies, and prints
 * KEY=VALUE lines that udev adds to the device. Values are ids the library chose, never a
 * string the device gave. Upstream devices (tethering phones) get nothing unless a [peer]
 * group claims them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "udev-probe.h"
#include "udev-props.h"

extern char **environ;

static int usbnet_ctx_new_config(const char *config, struct usbnet_ctx **ret)
{
	return usbnet_ctx_new(config, NULL, ret);
}

static const char usage[] = "Usage: usbnet-host udev-probe [--config FILE] [-h|--help]\n"
			    "For the udev rule: classify the device udev describes in the\n"
			    "environment and print USBNET_HOST_MODE=..., NM_UNMANAGED=1 when\n"
			    "usbnet-host owns it. No network I/O.\n";

static void probe_log(void *userdata, enum usbnet_log_level level, const char *msg)
{
	(void)userdata;
	(void)level;
	fprintf(stderr, "%s: warning: ", program_name);
	cli_print_escaped(stderr, msg, 0);
	fputc('\n', stderr);
}

/* The command's own context: the library's (it opens its backends only when asked). */
static const struct udev_probe_ctx_ops library_ctx = {
	.ctx_new = usbnet_ctx_new_config,
	.ctx_free = usbnet_ctx_free,
	.check = usbnet_ctx_check_config,
};

int udev_probe_main(int argc, char *argv[])
{
	return udev_probe_run(argc, argv, &library_ctx);
}

int udev_probe_run(int argc, char *argv[], const struct udev_probe_ctx_ops *ops)
{
	struct cli_common c = {};
	struct usbnet_peer peer = {};
	struct usbnet_ctx *ctx = NULL;
	char out[256];
	int r;

	/* By hand, not getopt: udev gives this program nothing else, and it must stay small. */
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			return cli_usage_error(usage, "udev-probe takes no argument");
		if (strcmp(argv[i], "--config") == 0) {
			if (i + 1 == argc)
				return cli_bad_option("option '%s' needs an argument", argv[i]);
			c.config = argv[++i];
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0) {
			c.config = argv[i] + 9;
			continue;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return EXIT_DONE;
		}
		return cli_bad_option("unknown option '%s'", cli_escape(argv[i], 32, out, sizeof(out)));
	}

	/* Not a USB network peer: nothing to say, without reading the configuration. An upstream
	 * device (a tethering phone) is the configuration's to claim: it is read for those too,
	 * and says nothing either unless a [peer] group names the device (udev_props_format). */
	r = usbnet_peer_from_env(environ, &peer);
	if (r < 0 && !(r == -EMEDIUMTYPE && usbnet_peer_is_upstream(&peer)))
		return EXIT_DONE;

	r = ops->ctx_new(c.config, &ctx);
	if (r < 0) {
		/* A broken configuration must not take the built-in profiles away: udev ignores
		 * all output of a program that fails, so say it on stderr (udev logs it) and go on
		 * with the profiles alone. */
		fprintf(stderr, "%s: %s; using the built-in profiles only\n", program_name,
			usbnet_ctx_error(ctx));
		ctx = ops->ctx_free(ctx);
		r = ops->ctx_new("", &ctx);
		if (r < 0) {
			ops->ctx_free(ctx);
			return EXIT_FAILED;
		}
	}
	/* The same meaning checks as check-config and the watcher, said on stderr (udev logs
	 * it); they change nothing of what is printed. */
	usbnet_ctx_set_log(ctx, probe_log, NULL);
	ops->check(ctx);
	usbnet_ctx_set_log(ctx, NULL, NULL);
	r = udev_props_format(ctx, &peer, out, sizeof(out));
	if (r >= 0)
		fputs(out, stdout);
	ops->ctx_free(ctx);
	return r < 0 ? EXIT_FAILED : EXIT_DONE;
}

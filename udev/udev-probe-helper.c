/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udev's helper: what `usbnet-host udev-probe` does, in a program that links nothing but libc
 * (udev/CMakeLists.txt: core/ and peer/ compiled in, GLib's key-file parser linked statically,
 * everything else left out by the linker). The rule runs it for every USB network interface,
 * while udev holds the device's event: the command loads a dozen shared objects first (219 ms
 * a run in the testbed guest against 121 ms for /bin/true, issue 20).
 */
#include "cli.h"
#include "peer/classify-ctx.h"
#include "udev-probe.h"

const char *program_name = "usbnet-host"; /* its messages read as the command's */

static const struct udev_probe_ctx_ops classify_only = {
	.ctx_new = classify_ctx_new,
	.ctx_free = classify_ctx_free,
	.check = classify_ctx_check,
};

int main(int argc, char *argv[])
{
	cli_command = "udev-probe";
	return udev_probe_run(argc, argv, &classify_only);
}

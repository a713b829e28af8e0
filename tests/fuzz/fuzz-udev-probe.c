/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer: udev-probe's path from udev's environment to the properties it prints
 * (usbnet_peer_from_env, the configuration, usbnet_classify, udev_props_format), without udev.
 * The input is an environment (KEY=VALUE lines) and, after the first NUL byte, a configuration
 * file. Whatever the bytes: no crash, leak or out-of-bounds access, and the output is only the
 * properties udev-probe may set, with values the library chose (a mode name, a profile id,
 * 0/1), never a byte of the device's strings; NM_UNMANAGED=1 only for a plan the watcher acts on
 * in a mode usbnet-host owns; without configuration, only a built-in profile can ask for it;
 * an upstream device (a tethering phone) gets nothing unless a [peer] group claims it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peer/config.h"
#include "core/ctx.h"
#include "udev-props.h"

#define ENV_MAX 64

static bool id_chars(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* Checks udev-probe's output line by line; aborts on anything it must not print. */
static void check_props(const char *out, bool with_config)
{
	bool mode = false, profile = false, automatic = false, unmanaged = false, owned = false;
	enum usbnet_mode m = USBNET_MODE_IGNORE;

	for (const char *l = out; *l;) {
		const char *nl = strchr(l, '\n'), *eq;
		char val[64];
		size_t n;

		if (!nl)
			abort(); /* every line ends */
		eq = memchr(l, '=', (size_t)(nl - l));
		if (!eq)
			abort();
		n = (size_t)(nl - eq - 1);
		if (n >= sizeof(val) || !id_chars(eq + 1, n))
			abort();
		memcpy(val, eq + 1, n);
		val[n] = '\0';
#define KEY(k) ((size_t)(eq - l) == strlen(k) && strncmp(l, k, strlen(k)) == 0)
		if (KEY("USBNET_HOST_MODE") && !mode) {
			mode = true;
			if (usbnet_mode_from_name(val, &m) < 0 || strcmp(usbnet_mode_name(m), val))
				abort();
			owned = usbnet_mode_is_owned(m);
		} else if (KEY("USBNET_HOST_PROFILE") && !profile) {
			profile = true;
		} else if (KEY("USBNET_HOST_AUTO") && !automatic) {
			if (strcmp(val, "0") && strcmp(val, "1"))
				abort();
			automatic = val[0] == '1';
		} else if (KEY("NM_UNMANAGED") && !unmanaged) {
			if (strcmp(val, "1"))
				abort();
			unmanaged = true;
		} else {
			abort(); /* an unknown or repeated key */
		}
#undef KEY
		l = nl + 1;
	}
	if (!mode)
		abort();
	if (unmanaged && !(automatic && owned))
		abort();
	if (!with_config && (automatic || unmanaged) && !profile)
		abort();
	if (m == USBNET_MODE_IGNORE && (automatic || unmanaged))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nul = memchr(data, '\0', size);
	size_t env_len = nul ? (size_t)(nul - (const char *)data) : size;
	char *env_text, *envp[ENV_MAX + 1], *save = NULL, *line;
	struct usbnet_ctx ctx = {};
	struct usbnet_peer peer = {};
	char err[256], out[256];
	bool upstream;
	size_t n = 0;
	int r;

	env_text = malloc(env_len + 1);
	if (!env_text)
		return 0;
	memcpy(env_text, data, env_len);
	env_text[env_len] = '\0';
	for (line = strtok_r(env_text, "\n", &save); line && n < ENV_MAX;
	     line = strtok_r(NULL, "\n", &save))
		envp[n++] = line;
	envp[n] = NULL;

	/* As udev-probe: an upstream device's record goes on, for a [peer] group to claim. */
	r = usbnet_peer_from_env(envp, &peer);
	upstream = r == -EMEDIUMTYPE && usbnet_peer_is_upstream(&peer);
	if (r < 0 && !upstream)
		goto out;
	/* What a peer record holds is bounded and terminated, whatever udev said. */
	if (strnlen(peer.ifname, sizeof(peer.ifname)) == sizeof(peer.ifname) ||
	    strnlen(peer.manufacturer, sizeof(peer.manufacturer)) == sizeof(peer.manufacturer) ||
	    strnlen(peer.product, sizeof(peer.product)) == sizeof(peer.product) ||
	    strnlen(peer.serial, sizeof(peer.serial)) == sizeof(peer.serial) ||
	    strnlen(peer.usb_path, sizeof(peer.usb_path)) == sizeof(peer.usb_path) ||
	    strnlen(peer.mac, sizeof(peer.mac)) == sizeof(peer.mac) || peer.ifname[0] == '\0')
		abort();

	/* Without configuration (the built-in profiles alone), then with the one given. */
	r = udev_props_format(NULL, &peer, out, sizeof(out));
	if (r < 0)
		abort();
	if (upstream) {
		if (out[0]) /* only a [peer] group claims one */
			abort();
	} else {
		check_props(out, false);
	}
	if (nul && config_parse(nul + 1, size - env_len - 1, "fuzz.conf", &ctx.config, err,
				sizeof(err)) >= 0) {
		r = udev_props_format(&ctx, &peer, out, sizeof(out));
		if (r < 0)
			abort();
		/* An unclaimed upstream device: nothing at all; a claimed one, as any peer. */
		if (!(upstream && !out[0]))
			check_props(out, true);
		config_free(ctx.config);
	}
out:
	free(env_text);
	return 0;
}

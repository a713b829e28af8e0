/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The path from a peer record to udev's properties, apart from udev-probe's reading of the
 * environment and its printing, so that the fuzzer (tests/fuzz/fuzz-udev-probe.c) can feed it
 * records without udev.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "udev-props.h"

static int add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *pos)
		return -ENOBUFS;
	*pos += (size_t)n;
	return 0;
}

int udev_props_format(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer, char *buf,
		      size_t len)
{
	struct usbnet_plan plan;
	size_t pos = 0;
	bool automatic;
	int r;

	if (len == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	usbnet_classify(ctx, peer, &plan);
	/* An upstream device no [peer] group claims is NetworkManager's, as if it were no peer:
	 * no properties at all (classification gives a claimed one its group's name). */
	if (usbnet_peer_is_upstream(peer) && !plan.config_peer[0])
		return 0;
	automatic = usbnet_plan_is_automatic(ctx, &plan);
	r = add(buf, len, &pos, "USBNET_HOST_MODE=%s\n", usbnet_mode_name(plan.mode));
	if (r >= 0 && plan.profile[0])
		r = add(buf, len, &pos, "USBNET_HOST_PROFILE=%s\n", plan.profile);
	/* The watcher acts on it (the rule tags it): usbnet-host owns it from the first event. */
	if (r >= 0)
		r = add(buf, len, &pos, "USBNET_HOST_AUTO=%d\n", automatic ? 1 : 0);
	if (r >= 0 && automatic && usbnet_mode_is_owned(plan.mode))
		r = add(buf, len, &pos, "NM_UNMANAGED=1\n");
	return r < 0 ? r : (int)pos;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loads the NetworkManager backend module (lib/nm/, installed as
 * LIBDIR/usbnet-host/networkmanager.so; in Debian its own package, libusbnet-host0-nm, which
 * usbnet-host recommends) the first time NetworkManager is to be asked. It stays loaded: GLib
 * does not take unloading well.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/backend.h"

static const struct nm_module_entry *loaded;

int nm_module_get(const struct nm_module_entry **ret, char *errbuf, size_t errlen)
{
	/* A test hook for the build tree; never from a set-uid caller's environment. */
	const char *path = secure_getenv("USBNET_HOST_NM_MODULE");
	void *dl;

	if (loaded) {
		*ret = loaded;
		return 0;
	}
	if (!path || !*path)
		path = USBNET_NM_MODULE_PATH;
	/* Not installed (its own package, USBNET_NM_PACKAGE) is a choice; a module that is there
	 * and does not load (libnm missing, a file of another build) is a broken installation. */
	if (access(path, F_OK) < 0) {
		snprintf(errbuf, errlen, "NetworkManager support not installed (no %s)", path);
		return -ENOENT;
	}
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(errbuf, errlen, "cannot load NetworkManager support: %s", dlerror());
		return -ELIBACC;
	}
	loaded = dlsym(dl, NM_MODULE_SYMBOL);
	if (!loaded) {
		snprintf(errbuf, errlen, "%s is not usbnet-host's NetworkManager module", path);
		dlclose(dl);
		return -ELIBBAD;
	}
	*ret = loaded;
	return 0;
}

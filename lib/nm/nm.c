/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The NetworkManager backend, through libnm: whether NetworkManager manages a device, and the
 * run-time Device.Managed property (lost when NetworkManager restarts; the udev property
 * NM_UNMANAGED is what keeps it away for good).
 *
 * The library owns no main loop: the handle has a private GMainContext, iterated only inside
 * these calls and only for a bounded time. Without a system bus, or with a bus that does not
 * answer, open still succeeds and get_managed says -ENOTCONN: hosts without NetworkManager are
 * normal. A GError's message is kept for last_error(); its code becomes -errno in nm_errno().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <NetworkManager.h>

#include "core/backend.h"
#include "nm/nm-dhcp.h"

#define NM_SYSTEM_BUS_SOCKET "/run/dbus/system_bus_socket"
#define NM_CONNECT_TIMEOUT_MS 3000
#define NM_CALL_TIMEOUT_MS 5000
#define NM_SETTLE_TIMEOUT_MS 1000

struct nm_handle {
	GMainContext *context;
	NMClient *client; /* NULL: no system bus, or it did not answer */
	char error[512];
};

struct nm_wait {
	bool done;
	bool timed_out;
	GObject *object; /* async new */
	gboolean ok;	 /* set property */
	GError *error;
};

static gboolean on_timeout(gpointer data)
{
	struct nm_wait *w = data;

	w->timed_out = true;
	return G_SOURCE_REMOVE;
}

/* Iterate the handle's context until w->done or timeout_ms; true when done. */
static bool wait_done(GMainContext *context, struct nm_wait *w, unsigned timeout_ms)
{
	GSource *t = g_timeout_source_new(timeout_ms);

	g_source_set_callback(t, on_timeout, w, NULL);
	g_source_attach(t, context);
	while (!w->done && !w->timed_out)
		g_main_context_iteration(context, TRUE);
	g_source_destroy(t);
	g_source_unref(t);
	return w->done;
}

/* Handle what is pending (property changes), without blocking. */
static void drain(GMainContext *context)
{
	while (g_main_context_iteration(context, FALSE))
		;
}

/* The one place GError becomes -errno; its message is kept for last_error(). */
static int nm_errno(struct nm_handle *h, const char *what, GError *error)
{
	int r = -EIO;

	if (!error)
		return -EIO;
	snprintf(h->error, sizeof(h->error), "%s: %s", what, error->message);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
		r = -ETIMEDOUT;
	} else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		r = -ECANCELED;
	} else if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
		   g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)) {
		r = -EACCES;
	} else if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
		   g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
		   g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
		   g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED)) {
		r = -ENOTCONN;
	} else if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
		   g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)) {
		r = -ENODEV;
	} else if (g_dbus_error_is_remote_error(error)) {
		gchar *name = g_dbus_error_get_remote_error(error);

		/* NetworkManager's polkit refusals: ...NetworkManager.PermissionDenied */
		if (name && g_str_has_suffix(name, ".PermissionDenied"))
			r = -EACCES;
		g_free(name);
	}
	g_error_free(error);
	return r;
}

static void on_client_ready(GObject *source, GAsyncResult *result, gpointer data)
{
	struct nm_wait *w = data;

	w->object = g_async_initable_new_finish(G_ASYNC_INITABLE(source), result, &w->error);
	w->done = true;
}

static bool system_bus_present(void)
{
	const char *addr = getenv("DBUS_SYSTEM_BUS_ADDRESS");

	/* A bus named by the environment is tried as is; the default one must exist first, or
	 * GDBus would wait for a socket nobody listens on. */
	if (addr && *addr)
		return true;
	return access(NM_SYSTEM_BUS_SOCKET, F_OK) == 0;
}

static int nm_real_open(void **ret)
{
	struct nm_handle *h;
	struct nm_wait w = {};
	GCancellable *cancel;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->context = g_main_context_new();
	if (!system_bus_present()) {
		snprintf(h->error, sizeof(h->error), "no D-Bus system bus (%s)",
			 NM_SYSTEM_BUS_SOCKET);
		*ret = h;
		return 0;
	}

	/* NMClient binds to the thread-default context at construction. */
	cancel = g_cancellable_new();
	g_main_context_push_thread_default(h->context);
	g_async_initable_new_async(NM_TYPE_CLIENT, G_PRIORITY_DEFAULT, cancel, on_client_ready, &w,
				   NM_CLIENT_INSTANCE_FLAGS,
				   (guint)NM_CLIENT_INSTANCE_FLAGS_NO_AUTO_FETCH_PERMISSIONS, NULL);
	if (!wait_done(h->context, &w, NM_CONNECT_TIMEOUT_MS)) {
		g_cancellable_cancel(cancel);
		while (!w.done)
			g_main_context_iteration(h->context, TRUE);
		snprintf(h->error, sizeof(h->error),
			 "the D-Bus system bus did not answer within %u ms",
			 NM_CONNECT_TIMEOUT_MS);
		g_clear_error(&w.error);
		g_clear_object(&w.object);
	}
	g_main_context_pop_thread_default(h->context);
	g_object_unref(cancel);
	if (w.object) {
		h->client = NM_CLIENT(w.object);
	} else if (w.error) {
		/* No bus to talk to: like NetworkManager not running. */
		nm_errno(h, "cannot reach NetworkManager", w.error);
	}
	*ret = h;
	return 0;
}

static void *nm_real_close(void *p)
{
	struct nm_handle *h = p;

	if (!h)
		return NULL;
	if (h->client) {
		/* NMClient finishes its D-Bus business in its context after the last unref; the
		 * busy watcher goes away once it is done. */
		GObject *busy = g_object_ref(nm_client_get_context_busy_watcher(h->client));
		struct nm_wait w = {};
		GSource *t = g_timeout_source_new(NM_SETTLE_TIMEOUT_MS);

		g_object_add_weak_pointer(busy, (gpointer *)&busy);
		g_object_unref(h->client);
		g_object_unref(busy);
		g_source_set_callback(t, on_timeout, &w, NULL);
		g_source_attach(t, h->context);
		while (busy && !w.timed_out)
			g_main_context_iteration(h->context, TRUE);
		g_source_destroy(t);
		g_source_unref(t);
		if (busy)
			g_object_remove_weak_pointer(busy, (gpointer *)&busy);
	}
	g_main_context_unref(h->context);
	free(h);
	return NULL;
}

static int find_device(struct nm_handle *h, const char *ifname, NMDevice **ret)
{
	NMDevice *dev;

	if (!h->client)
		return -ENOTCONN;
	drain(h->context);
	if (!nm_client_get_nm_running(h->client)) {
		snprintf(h->error, sizeof(h->error), "NetworkManager is not running");
		return -ENOTCONN;
	}
	dev = nm_client_get_device_by_iface(h->client, ifname);
	if (!dev) {
		snprintf(h->error, sizeof(h->error), "NetworkManager does not know %s", ifname);
		return -ENODEV;
	}
	*ret = dev;
	return 0;
}

static int nm_get_managed(void *p, const char *ifname, int *ret)
{
	struct nm_handle *h = p;
	NMDevice *dev;
	int r;

	g_main_context_push_thread_default(h->context);
	r = find_device(h, ifname, &dev);
	if (r >= 0)
		*ret = nm_device_get_managed(dev) ? 1 : 0;
	g_main_context_pop_thread_default(h->context);
	return r;
}

/* Managed, and not only to represent what someone else configured: NetworkManager "assumes"
 * a bridge made with ip(8) (or by usbnet-host) as an external connection and leaves it be. */
static int nm_get_owned(void *p, const char *ifname, int *ret)
{
	struct nm_handle *h = p;
	NMActiveConnection *ac;
	NMDevice *dev;
	int r;

	g_main_context_push_thread_default(h->context);
	r = find_device(h, ifname, &dev);
	if (r >= 0) {
		ac = nm_device_get_active_connection(dev);
		*ret = nm_device_get_managed(dev) &&
		       !(ac && (nm_active_connection_get_state_flags(ac) &
				NM_ACTIVATION_STATE_FLAG_EXTERNAL));
	}
	g_main_context_pop_thread_default(h->context);
	return r;
}

static void on_set_done(GObject *source, GAsyncResult *result, gpointer data)
{
	struct nm_wait *w = data;

	w->ok = nm_client_dbus_set_property_finish(NM_CLIENT(source), result, &w->error);
	w->done = true;
}

static int nm_set_managed(void *p, const char *ifname, bool managed)
{
	struct nm_handle *h = p;
	struct nm_wait w = {};
	NMDevice *dev;
	int r;

	g_main_context_push_thread_default(h->context);
	r = find_device(h, ifname, &dev);
	if (r < 0)
		goto out;
	h->error[0] = '\0';
	g_object_ref(dev); /* the settle loop below runs the context: the device may go */
	nm_client_dbus_set_property(h->client, nm_object_get_path(NM_OBJECT(dev)),
				    NM_DBUS_INTERFACE_DEVICE, "Managed",
				    g_variant_new_boolean(managed), NM_CALL_TIMEOUT_MS, NULL,
				    on_set_done, &w);
	/* The D-Bus call has its own timeout; this one is a backstop. */
	if (!wait_done(h->context, &w, NM_CALL_TIMEOUT_MS + 1000)) {
		snprintf(h->error, sizeof(h->error),
			 "NetworkManager did not answer within %u ms", NM_CALL_TIMEOUT_MS);
		r = -ETIMEDOUT;
		/* The callback still refers to w: let it run before w goes away. */
		while (!w.done)
			g_main_context_iteration(h->context, TRUE);
		g_clear_error(&w.error);
		goto out_dev;
	}
	if (!w.ok) {
		r = nm_errno(h, "NetworkManager refused", w.error);
		goto out_dev;
	}
	/* Let the client's cache catch up, so that a get_managed right after agrees. */
	{
		struct nm_wait settle = {};
		GSource *t = g_timeout_source_new(NM_SETTLE_TIMEOUT_MS);

		g_source_set_callback(t, on_timeout, &settle, NULL);
		g_source_attach(t, h->context);
		while (!settle.timed_out && !nm_device_get_managed(dev) != !managed)
			g_main_context_iteration(h->context, TRUE);
		g_source_destroy(t);
		g_source_unref(t);
	}
	r = 0;
out_dev:
	g_object_unref(dev);
out:
	g_main_context_pop_thread_default(h->context);
	return r;
}

static const char *nm_last_error(void *p)
{
	struct nm_handle *h = p;

	return h ? h->error : "";
}

static int nm_dhcp_add(void *p, const char *ifname, bool trusted, const char *uuid)
{
	struct nm_handle *h = p;

	return nm_dhcp_activate(ifname, trusted, uuid, h->error, sizeof(h->error));
}

static int nm_dhcp_del(void *p, const char *uuid)
{
	struct nm_handle *h = p;

	return nm_dhcp_remove(uuid, h->error, sizeof(h->error));
}

static const struct usbnet_nm_ops nm_real_ops = {
	.get_managed = nm_get_managed,
	.set_managed = nm_set_managed,
	.last_error = nm_last_error,
	.dhcp_profile_add = nm_dhcp_add,
	.dhcp_profile_del = nm_dhcp_del,
	.get_owned = nm_get_owned,
};

/* What the library looks up after dlopen (backend.h). */
__attribute__((visibility("default"))) const struct nm_module_entry usbnet_nm_module = {
	.ops = &nm_real_ops,
	.open = nm_real_open,
	.close = nm_real_close,
};

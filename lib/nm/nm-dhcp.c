/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <NetworkManager.h>

#include "nm/nm-dhcp.h"

#define NM_DHCP_TIMEOUT_MS 10000

struct nm_call {
	GMainContext *mc;
	bool done;
	GError *error;
	NMActiveConnection *active;
};

static int error_to_errno(const GError *e)
{
	if (g_error_matches(e, NM_MANAGER_ERROR, NM_MANAGER_ERROR_UNKNOWN_DEVICE))
		return -ENODEV;
	if (g_error_matches(e, NM_MANAGER_ERROR, NM_MANAGER_ERROR_PERMISSION_DENIED))
		return -EPERM;
	if (g_error_matches(e, NM_CLIENT_ERROR, NM_CLIENT_ERROR_MANAGER_NOT_RUNNING))
		return -ENOTCONN;
	return -EIO;
}

/* A client on a private main context, so the library never touches the caller's loop. */
static int client_open(GMainContext *mc, NMClient **ret, char *errbuf, size_t errlen)
{
	GError *e = NULL;
	NMClient *client;

	if (access("/run/dbus/system_bus_socket", F_OK) < 0) {
		snprintf(errbuf, errlen, "NetworkManager is not running (no system bus)");
		return -ENOTCONN;
	}
	g_main_context_push_thread_default(mc);
	client = nm_client_new(NULL, &e);
	g_main_context_pop_thread_default(mc);
	if (!client) {
		snprintf(errbuf, errlen, "cannot reach NetworkManager: %s", e->message);
		g_error_free(e);
		return -ENOTCONN;
	}
	if (!nm_client_get_nm_running(client)) {
		g_object_unref(client);
		snprintf(errbuf, errlen, "NetworkManager is not running");
		return -ENOTCONN;
	}
	*ret = client;
	return 0;
}

static void client_close(GMainContext *mc, NMClient *client)
{
	if (client) {
		g_object_unref(client);
		/* Let the client's pending D-Bus work finish on its own context. */
		while (g_main_context_iteration(mc, FALSE))
			;
	}
}

static bool call_wait(struct nm_call *call)
{
	gint64 deadline = g_get_monotonic_time() + NM_DHCP_TIMEOUT_MS * 1000;

	while (!call->done && g_get_monotonic_time() < deadline)
		g_main_context_iteration(call->mc, TRUE);
	return call->done;
}

static void activate_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct nm_call *call = data;

	call->active = nm_client_add_and_activate_connection2_finish(NM_CLIENT(src), res, NULL,
								     &call->error);
	call->done = true;
}

static NMConnection *profile_new(const char *ifname, bool trusted, const char *u)
{
	NMConnection *c = nm_simple_connection_new();
	NMSetting *s;
	char id[64];

	snprintf(id, sizeof(id), "usbnet-host %s", ifname);
	s = nm_setting_connection_new();
	g_object_set(s, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, u,
		     NM_SETTING_CONNECTION_TYPE, NM_SETTING_WIRED_SETTING_NAME,
		     NM_SETTING_CONNECTION_INTERFACE_NAME, ifname, NM_SETTING_CONNECTION_AUTOCONNECT,
		     FALSE, NULL);
	nm_connection_add_setting(c, s);
	nm_connection_add_setting(c, nm_setting_wired_new());
	s = nm_setting_ip4_config_new();
	g_object_set(s, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO,
		     NM_SETTING_IP_CONFIG_NEVER_DEFAULT, !trusted,
		     NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, !trusted,
		     NM_SETTING_IP_CONFIG_IGNORE_AUTO_ROUTES, !trusted, NULL);
	nm_connection_add_setting(c, s);
	s = nm_setting_ip6_config_new();
	/* Router advertisements would bring a default route and DNS too. */
	g_object_set(s, NM_SETTING_IP_CONFIG_METHOD,
		     trusted ? NM_SETTING_IP6_CONFIG_METHOD_AUTO
			     : NM_SETTING_IP6_CONFIG_METHOD_LINK_LOCAL,
		     NULL);
	nm_connection_add_setting(c, s);
	return c;
}

int nm_dhcp_activate(const char *ifname, bool trusted, const char *uuid, char *errbuf,
		     size_t errlen)
{
	GMainContext *mc = g_main_context_new();
	struct nm_call call = { .mc = mc };
	NMClient *client = NULL;
	NMConnection *profile = NULL;
	NMDevice *dev;
	GVariantBuilder opts;
	int r;

	r = client_open(mc, &client, errbuf, errlen);
	if (r < 0)
		goto out;
	dev = nm_client_get_device_by_iface(client, ifname);
	if (!dev) {
		snprintf(errbuf, errlen, "NetworkManager does not know %s", ifname);
		r = -ENODEV;
		goto out;
	}
	profile = profile_new(ifname, trusted, uuid);
	g_variant_builder_init(&opts, G_VARIANT_TYPE_VARDICT);
	/* volatile: deleted by NetworkManager as soon as it is deactivated (unplug, down). */
	g_variant_builder_add(&opts, "{sv}", "persist", g_variant_new_string("volatile"));
	g_main_context_push_thread_default(mc);
	nm_client_add_and_activate_connection2(client, profile, dev, NULL,
					       g_variant_builder_end(&opts), NULL, activate_done,
					       &call);
	g_main_context_pop_thread_default(mc);
	if (!call_wait(&call)) {
		snprintf(errbuf, errlen, "NetworkManager did not answer within %d s",
			 NM_DHCP_TIMEOUT_MS / 1000);
		r = -ETIMEDOUT;
		goto out;
	}
	if (!call.active) {
		snprintf(errbuf, errlen, "NetworkManager refused the profile for %s: %s", ifname,
			 call.error->message);
		r = error_to_errno(call.error);
		goto out;
	}
	r = 0;
out:
	if (call.active)
		g_object_unref(call.active);
	if (call.error)
		g_error_free(call.error);
	if (profile)
		g_object_unref(profile);
	client_close(mc, client);
	g_main_context_unref(mc);
	return r;
}

static void delete_done(GObject *src, GAsyncResult *res, gpointer data)
{
	struct nm_call *call = data;

	nm_remote_connection_delete_finish(NM_REMOTE_CONNECTION(src), res, &call->error);
	call->done = true;
}

int nm_dhcp_remove(const char *uuid, char *errbuf, size_t errlen)
{
	GMainContext *mc = g_main_context_new();
	struct nm_call call = { .mc = mc };
	NMClient *client = NULL;
	NMRemoteConnection *rc;
	int r;

	r = client_open(mc, &client, errbuf, errlen);
	if (r == -ENOTCONN) {
		/* Not running: it forgot the volatile profile when it stopped. */
		r = 0;
		goto out;
	}
	if (r < 0)
		goto out;
	rc = nm_client_get_connection_by_uuid(client, uuid);
	if (!rc)
		goto out; /* deleted already, as volatile profiles are when deactivated */
	g_main_context_push_thread_default(mc);
	nm_remote_connection_delete_async(rc, NULL, delete_done, &call);
	g_main_context_pop_thread_default(mc);
	if (!call_wait(&call)) {
		snprintf(errbuf, errlen, "NetworkManager did not answer within %d s",
			 NM_DHCP_TIMEOUT_MS / 1000);
		r = -ETIMEDOUT;
	} else if (call.error && !g_error_matches(call.error, NM_SETTINGS_ERROR,
						  NM_SETTINGS_ERROR_INVALID_CONNECTION)) {
		snprintf(errbuf, errlen, "NetworkManager could not delete profile %s: %s", uuid,
			 call.error->message);
		r = error_to_errno(call.error);
	}
out:
	if (call.error)
		g_error_free(call.error);
	client_close(mc, client);
	g_main_context_unref(mc);
	return r;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnss_usbnet.so.2: NAME.usbnet resolves to the address the host reaches the peer NAME at
 * (issue 18), in the style of nss-mymachines. "hosts: files usbnet dns" in
 * /etc/nsswitch.conf (the Debian package adds it on install and takes it out on remove).
 *
 * It reads the run directory only (/run/usbnet-host, or $USBNET_HOST_RUN_DIR for a process
 * that is not set-uid): each RUN_DIR/IFNAME.state whose state is configured or degraded and
 * whose "step altname NAME" is the name asked for gives its alias ("step alias-nat IF ALIAS
 * ...": an identical peer) or else its peer address. No daemon, no network, no library of
 * usbnet-host's: this runs inside every program that resolves a host name.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#define SUFFIX ".usbnet"
#define NAME_MAX_LEN 63
#define EXPORT __attribute__((visibility("default")))

/* The label NAME of "NAME.usbnet" (any case, a final dot allowed), lowered; false otherwise. */
static bool name_of(const char *query, char out[NAME_MAX_LEN + 1])
{
	size_t n = strlen(query), k = strlen(SUFFIX);

	if (n > 0 && query[n - 1] == '.')
		n--;
	if (n <= k || n - k > NAME_MAX_LEN || strncasecmp(query + n - k, SUFFIX, k) != 0)
		return false;
	for (size_t i = 0; i < n - k; i++) {
		char c = (char)tolower((unsigned char)query[i]);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
		out[i] = c;
	}
	out[n - k] = '\0';
	return true;
}

/* One state record: whether it is NAME's, configured, and the address to reach it at. */
static bool record_answers(FILE *f, const char *name, struct in_addr *ret)
{
	char line[512], word[64], a[32];
	bool named = false, up = false, has_peer = false, has_alias = false;
	struct in_addr peer = {}, alias = {};

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "state %63s", word) == 1)
			up = strcmp(word, "configured") == 0 || strcmp(word, "degraded") == 0;
		else if (sscanf(line, "peer %31[0-9.]", a) == 1)
			has_peer = inet_pton(AF_INET, a, &peer) == 1;
		else if (sscanf(line, "step altname %63s", word) == 1)
			named = strcmp(word, name) == 0;
		else if (sscanf(line, "step alias-nat %*s %31[0-9.]", a) == 1)
			has_alias = inet_pton(AF_INET, a, &alias) == 1;
	}
	if (!named || !up || !(has_alias || has_peer))
		return false;
	*ret = has_alias ? alias : peer;
	return true;
}

static enum nss_status lookup(const char *query, struct in_addr *ret, int *errnop,
			      int *h_errnop)
{
	char name[NAME_MAX_LEN + 1], path[4096];
	const char *dir = secure_getenv("USBNET_HOST_RUN_DIR");
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (!name_of(query, name)) {
		*errnop = ENOENT;
		*h_errnop = HOST_NOT_FOUND;
		return NSS_STATUS_NOTFOUND;
	}
	if (!dir || !*dir)
		dir = "/run/usbnet-host";
	d = opendir(dir);
	if (!d) {
		*errnop = ENOENT;
		*h_errnop = HOST_NOT_FOUND;
		return NSS_STATUS_NOTFOUND;
	}
	while (!found && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		FILE *f;

		if (de->d_name[0] == '.' || n < 7 || strcmp(de->d_name + n - 6, ".state") != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		f = fopen(path, "re");
		if (!f)
			continue;
		found = record_answers(f, name, ret);
		fclose(f);
	}
	closedir(d);
	if (!found) {
		*errnop = ENOENT;
		*h_errnop = HOST_NOT_FOUND;
		return NSS_STATUS_NOTFOUND;
	}
	return NSS_STATUS_SUCCESS;
}

static enum nss_status too_small(int *errnop, int *h_errnop)
{
	*errnop = ERANGE;
	*h_errnop = NETDB_INTERNAL;
	return NSS_STATUS_TRYAGAIN;
}

EXPORT enum nss_status _nss_usbnet_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
						    char *buffer, size_t buflen, int *errnop,
						    int *h_errnop, int32_t *ttlp)
{
	struct gaih_addrtuple *t;
	struct in_addr a;
	size_t len = strlen(name) + 1;
	enum nss_status s = lookup(name, &a, errnop, h_errnop);

	if (s != NSS_STATUS_SUCCESS)
		return s;
	if (buflen < len + sizeof(*t) + __alignof__(struct gaih_addrtuple))
		return too_small(errnop, h_errnop);
	memcpy(buffer, name, len);
	t = (struct gaih_addrtuple *)(buffer + len + (__alignof__(struct gaih_addrtuple) -
						      len % __alignof__(struct gaih_addrtuple)));
	memset(t, 0, sizeof(*t));
	t->name = buffer;
	t->family = AF_INET;
	memcpy(t->addr, &a, sizeof(a));
	if (*pat)
		**pat = *t;
	else
		*pat = t;
	if (ttlp)
		*ttlp = 0;
	return NSS_STATUS_SUCCESS;
}

EXPORT enum nss_status _nss_usbnet_gethostbyname3_r(const char *name, int af,
						    struct hostent *host, char *buffer,
						    size_t buflen, int *errnop, int *h_errnop,
						    int32_t *ttlp, char **canonp)
{
	struct in_addr a;
	size_t len = strlen(name) + 1, align = sizeof(char *), off;
	enum nss_status s;
	char **aliases, **addrs;

	if (af == AF_UNSPEC)
		af = AF_INET;
	if (af != AF_INET) {
		/* no IPv6 addresses: the caller asks again for IPv4 */
		*errnop = EAFNOSUPPORT;
		*h_errnop = NO_DATA;
		return NSS_STATUS_UNAVAIL;
	}
	s = lookup(name, &a, errnop, h_errnop);
	if (s != NSS_STATUS_SUCCESS)
		return s;
	/* name, (padding), aliases {NULL}, addr_list {addr, NULL}, the address */
	off = len + (align - len % align) % align;
	if (buflen < off + 3 * sizeof(char *) + sizeof(a))
		return too_small(errnop, h_errnop);
	memcpy(buffer, name, len);
	aliases = (char **)(buffer + off);
	addrs = aliases + 1;
	aliases[0] = NULL;
	addrs[0] = (char *)(addrs + 2);
	addrs[1] = NULL;
	memcpy(addrs[0], &a, sizeof(a));
	host->h_name = buffer;
	host->h_aliases = aliases;
	host->h_addrtype = AF_INET;
	host->h_length = sizeof(a);
	host->h_addr_list = addrs;
	if (ttlp)
		*ttlp = 0;
	if (canonp)
		*canonp = buffer;
	return NSS_STATUS_SUCCESS;
}

EXPORT enum nss_status _nss_usbnet_gethostbyname2_r(const char *name, int af,
						    struct hostent *host, char *buffer,
						    size_t buflen, int *errnop, int *h_errnop)
{
	return _nss_usbnet_gethostbyname3_r(name, af, host, buffer, buflen, errnop, h_errnop,
					    NULL, NULL);
}

EXPORT enum nss_status _nss_usbnet_gethostbyname_r(const char *name, struct hostent *host,
						   char *buffer, size_t buflen, int *errnop,
						   int *h_errnop)
{
	return _nss_usbnet_gethostbyname3_r(name, AF_INET, host, buffer, buflen, errnop,
					    h_errnop, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "format.h"

static const char usage[] =
	"Usage: usbnet-host up [IFACE|--all] [OPTIONS]\n"
	"Configure a USB network peer: NetworkManager off it, the host's address, a check that\n"
	"the peer answers. Running it again changes nothing.\n\n"
	"  --address A.B.C.D/N   the host's address (default: the profile's or [peer] group's)\n"
	"  --peer A.B.C.D        the peer's address\n"
	"  --wait SECONDS        wait for the peer to answer (0: don't)\n"
	"  --gateway             share the host's internet with the peer (nftables, forwarding)\n"
	"  --uplink IF           gateway: the interface to share (default, or auto: the one of\n"
	"                        the default route, IPv6 the IPv6 one's, followed by\n"
	"                        'usbnet-host refresh')\n"
	"  --dns                 gateway: a DNS forwarder for the peer on the host's address\n"
	"  --dhcp-server         the peer is a DHCP client: serve it exactly its --peer address\n"
	"                        on that link alone (router option in gateway mode, DNS option\n"
	"                        with --dns)\n"
	"  --bridge              put the peer on the LAN: a bridge with the uplink, the host's\n"
	"                        addresses and routes moved onto it (IPv4); --uplink IF is then\n"
	"                        the LAN interface (default: the default route's)\n"
	"  --bridge-name NAME    the bridge to make or join (default: usbnet-br0)\n"
	"  --auto                find the peer's address on the link first (as discover does,\n"
	"                        about 3.5 to 5 s), then take: the profile's host address when\n"
	"                        the peer's is a profile's; else the lowest free address of the\n"
	"                        peer's /24 (checked by ARP); else an IPv4 link-local address;\n"
	"                        a peer that serves DHCP is left to NetworkManager (our profile);\n"
	"                        a peer that asks for DHCP gets a free private /24 and a DHCP\n"
	"                        server (host .1, peer .2)\n"
	"  --ipv6 on|off         off: IPv6 disabled on the host's side of the link before it is\n"
	"                        set up, so the host sends the peer no IPv6 frame (default:\n"
	"                        the profile's or [peer] group's ipv6=, else on)\n"
	"  --force               configure an interface that is not a USB network peer\n"
	"  --all                 every peer that has a plan\n"
	"  --config FILE, --run-dir DIR, -v/--verbose, -q/--quiet, -h/--help\n";

enum {
	OPT_ADDRESS = OPT_COMMON_END,
	OPT_PEER,
	OPT_WAIT,
	OPT_FORCE,
	OPT_ALL,
	OPT_GATEWAY,
	OPT_BRIDGE,
	OPT_UPLINK,
	OPT_BRIDGE_NAME,
	OPT_DNS,
	OPT_AUTO,
	OPT_DHCP_SERVER,
	OPT_IPV6,
};

static int parse_wait(const char *s, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 600)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

static bool uplink_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= USBNET_IFNAMSIZ || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f || s[i] == '/' ||
		    s[i] == ':')
			return false;
	return true;
}

/* Gateway mode: what the user sets on the device, and what is shared. */
static void say_gateway(const struct usbnet_report *rep)
{
	char gw[INET_ADDRSTRLEN];

	if (!rep->status.uplink[0] || !rep->status.has_host)
		return;
	inet_ntop(AF_INET, &rep->status.host.addr, gw, sizeof(gw));
	printf("%s: gateway for the device: %s, sharing %s%s%s%s\n", rep->peer.ifname, gw,
	       rep->status.uplink, rep->status.uplink_auto ? " (follows the default route)" : "",
	       usbnet_status_uplink6(&rep->status)[0] ? ", IPv6 through " : "",
	       usbnet_status_uplink6(&rep->status));
}

static void say_result(const struct usbnet_report *rep, enum usbnet_up_result result)
{
	char host[20], peer[INET_ADDRSTRLEN];
	const char *h = report_host_address(rep, host, sizeof(host));
	const char *p = report_peer_address(rep, peer, sizeof(peer));

	switch (result) {
	case USBNET_UP_UNCHANGED:
		printf("%s: already configured (%s), nothing changed\n", rep->peer.ifname,
		       h ?: rep->status.discovered[0] ? rep->status.discovered : "-");
		break;
	case USBNET_UP_NOTHING:
		printf("%s: nothing to do: mode %s%s\n", rep->peer.ifname,
		       usbnet_mode_name(rep->plan.mode),
		       rep->plan.mode == USBNET_MODE_DHCP
			       ? " (the peer serves DHCP: NetworkManager configures it)"
			       : " (no profile or [peer] group knows it; pass --address)");
		break;
	case USBNET_UP_DEGRADED:
		printf("%s: configured %s, but %s (degraded)\n", rep->peer.ifname, h ?: "-",
		       rep->status.message[0] ? rep->status.message : "the peer did not answer");
		break;
	case USBNET_UP_CONFIGURED:
		if (rep->plan.mode == USBNET_MODE_BRIDGE) {
			printf("%s: configured, %s\n", rep->peer.ifname, rep->status.message);
			break;
		}
		printf("%s: configured %s", rep->peer.ifname, h ?: "-");
		if (p && rep->status.rtt_us >= 0)
			printf(", peer %s answered in %.3f ms", p, (double)rep->status.rtt_us / 1000.0);
		else if (p)
			printf(", peer %s", p);
		if (rep->status.discovered[0])
			printf(" (discovered: %s)", rep->status.discovered);
		putchar('\n');
		break;
	}
	if (result != USBNET_UP_NOTHING)
		say_gateway(rep);
}

static int up_one(struct usbnet_ctx *ctx, const char *ifname, const struct usbnet_up_opts *o)
{
	struct usbnet_report rep;
	enum usbnet_up_result result;
	int r;

	r = usbnet_up(ctx, ifname, o, &rep, &result);
	cli_progress_end();
	if (r < 0)
		return cli_fail(ctx, r, ifname);
	say_result(&rep, result);
	/* Discovery found nothing (link-local fallback): say when the link never had carrier. */
	if (result == USBNET_UP_DEGRADED && strncmp(rep.status.discovered, "none ", 5) == 0 &&
	    !cli_progress_saw_carrier())
		fprintf(stderr, "%s: No carrier on %s: is the device's interface up?\n", program_name,
			rep.peer.ifname);
	return EXIT_DONE;
}

static int up_all(struct usbnet_ctx *ctx, const struct usbnet_up_opts *o)
{
	struct usbnet_report *reps = NULL;
	size_t n = 0;
	int r, status = EXIT_DONE;

	r = usbnet_report_all(ctx, &reps, &n);
	if (r < 0)
		return cli_fail(ctx, r, "cannot list the peers");
	for (size_t i = 0; i < n; i++) {
		int s;

		if (!usbnet_mode_is_owned(reps[i].plan.mode))
			continue;
		s = up_one(ctx, reps[i].peer.ifname, o);
		if (s != EXIT_DONE && status == EXIT_DONE)
			status = s;
	}
	free(reps);
	return status;
}

int up_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "address", required_argument, NULL, OPT_ADDRESS },
		{ "peer", required_argument, NULL, OPT_PEER },
		{ "wait", required_argument, NULL, OPT_WAIT },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "gateway", no_argument, NULL, OPT_GATEWAY },
		{ "bridge", no_argument, NULL, OPT_BRIDGE },
		{ "uplink", required_argument, NULL, OPT_UPLINK },
		{ "dns", no_argument, NULL, OPT_DNS },
		{ "bridge-name", required_argument, NULL, OPT_BRIDGE_NAME },
		{ "auto", no_argument, NULL, OPT_AUTO },
		{ "dhcp-server", no_argument, NULL, OPT_DHCP_SERVER },
		{ "ipv6", required_argument, NULL, OPT_IPV6 },
		{},
	};
	struct cli_common c = {};
	struct usbnet_up_opts o;
	struct usbnet_ip4 ip;
	struct usbnet_ctx *ctx;
	char ifname[USBNET_IFNAMSIZ];
	bool all = false;
	int opt, r, status;

	usbnet_up_opts_init(&o);
	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1) {
		r = cli_common_option(&c, opt, optarg, usage);
		if (r >= 0)
			return r;
		if (r == -2)
			continue;
		switch (opt) {
		case OPT_ADDRESS:
			if (usbnet_ip4_parse(optarg, true, &o.host) < 0)
				return cli_usage_error(usage,
						       "--address: '%s' is not an IPv4 address with a "
						       "prefix (A.B.C.D/N)",
						       optarg);
			o.has_host = true;
			break;
		case OPT_PEER:
			if (usbnet_ip4_parse(optarg, false, &ip) < 0 || ip.prefix != 32)
				return cli_usage_error(usage,
						       "--peer: '%s' is not an IPv4 address (A.B.C.D)",
						       optarg);
			o.peer = ip.addr;
			o.has_peer = true;
			break;
		case OPT_WAIT:
			if (parse_wait(optarg, &o.wait_s) < 0)
				return cli_usage_error(usage,
						       "--wait: '%s' is not a number of seconds "
						       "(0 to 600)",
						       optarg);
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_ALL:
			all = true;
			break;
		case OPT_AUTO:
		case OPT_GATEWAY:
		case OPT_BRIDGE: {
			enum usbnet_mode m = opt == OPT_GATEWAY	 ? USBNET_MODE_GATEWAY
					     : opt == OPT_BRIDGE ? USBNET_MODE_BRIDGE
								 : USBNET_MODE_AUTO;

			if (o.mode != USBNET_MODE_IGNORE && o.mode != m)
				return cli_usage_error(usage,
						       "--auto, --gateway and --bridge: one of them");
			o.mode = m;
			break;
		}
		case OPT_UPLINK:
			if (!uplink_name_ok(optarg))
				return cli_usage_error(usage,
						       "--uplink: '%s' is not an interface name or auto",
						       optarg);
			snprintf(o.uplink, sizeof(o.uplink), "%s", optarg);
			break;
		case OPT_DNS:
			o.dns = true;
			break;
		case OPT_DHCP_SERVER:
			o.dhcp_server = true;
			break;
		case OPT_IPV6:
			if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0)
				return cli_usage_error(usage, "--ipv6: '%s' is not on or off", optarg);
			o.ipv6 = strcmp(optarg, "on") == 0;
			break;
		case OPT_BRIDGE_NAME:
			if (strlen(optarg) == 0 || strlen(optarg) >= USBNET_IFNAMSIZ ||
			    strcmp(optarg, "auto") == 0 || !uplink_name_ok(optarg))
				return cli_usage_error(usage, "--bridge-name: '%s' is not an interface name",
						       optarg);
			snprintf(o.bridge, sizeof(o.bridge), "%s", optarg);
			break;
		default:
			return cli_usage_error(usage, "unexpected option");
		}
	}
	if (all && optind != argc)
		return cli_usage_error(usage, "give an interface or --all, not both");
	if (!all && optind + 1 != argc)
		return cli_usage_error(usage, "up takes one interface name (or --all)");
	if (o.mode == USBNET_MODE_AUTO && (o.has_host || o.has_peer))
		return cli_usage_error(usage, "--auto finds the addresses: not with --address or "
					      "--peer");
	if (all && (o.has_host || o.has_peer || o.force))
		return cli_usage_error(usage,
				       "--address, --peer and --force name one peer: not with --all");

	ctx = cli_open(&c, &status);
	if (!ctx)
		return status;
	cli_progress_start(ctx, &c);
	if (all)
		status = up_all(ctx, &o);
	else if ((status = cli_resolve(ctx, argv[optind], ifname)) < 0)
		status = up_one(ctx, ifname, &o);
	usbnet_ctx_free(ctx);
	return status;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libusbnet-host: find USB network peers on the host, classify them, configure and undo.
 *
 * Conventions: every fallible function returns an int, >= 0 on success, -errno on failure.
 * Out-parameters are named ret_* and written only on success. The library never prints: it
 * reports through the log callback of its context, and a failure's human-readable explanation
 * is kept in the context (usbnet_ctx_error()). Destructors take NULL and return NULL.
 */
#ifndef USBNET_HOST_USBNET_H
#define USBNET_HOST_USBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

#define USBNET_IFNAMSIZ 16
#define USBNET_STR_MAX 128 /* USB strings: 126 UTF-16 units at most, stored as UTF-8 */
#define USBNET_NAME_MAX 64 /* profile and [peer NAME] names */
#define USBNET_MAX_ADDRS 16

struct usbnet_ctx;

enum usbnet_protocol {
	USBNET_PROTO_UNKNOWN = 0,
	USBNET_PROTO_ECM,
	USBNET_PROTO_EEM,
	USBNET_PROTO_NCM,
	USBNET_PROTO_RNDIS,
	USBNET_PROTO_SUBSET,
	USBNET_PROTO_ZAURUS,
};

enum usbnet_mode {
	USBNET_MODE_IGNORE = 0, /* no plan: the device is left to whoever manages it */
	USBNET_MODE_STATIC,
	USBNET_MODE_GATEWAY,
	USBNET_MODE_BRIDGE,
	USBNET_MODE_DHCP, /* the peer serves DHCP: left to NetworkManager */
	USBNET_MODE_AUTO, /* discover the peer's address, then static */
};

enum usbnet_state {
	USBNET_STATE_UNCONFIGURED = 0,
	USBNET_STATE_CONFIGURED,
	USBNET_STATE_DEGRADED, /* configured, but the peer did not answer */
	USBNET_STATE_FAILED,
	USBNET_STATE_CONFLICT, /* another peer already owns the same subnet */
	USBNET_STATE_VANISHED, /* recorded, but the interface is gone (or is another device now):
				* what it holds on the host is released by usbnet_prune() */
};

/* What the last failing call of a context means (usbnet_ctx_outcome()): the CLI's exit status
 * comes from this, never from an errno value. */
enum usbnet_outcome {
	USBNET_OUTCOME_OK = 0,
	USBNET_OUTCOME_BAD_INPUT,   /* refused before any change (bad address, name, config...) */
	USBNET_OUTCOME_NO_PEER,	    /* no such interface */
	USBNET_OUTCOME_FAILED,	    /* failed, having changed nothing */
	USBNET_OUTCOME_ROLLED_BACK, /* failed; what it had changed is undone */
	USBNET_OUTCOME_LEFT,	    /* failed, and not all was undone: the message names what is left */
};

/* How the host-side driver binding looks: a peer bound in a way that cannot work is listed. */
enum usbnet_binding {
	USBNET_BINDING_OK = 0,
	USBNET_BINDING_RNDIS_AS_SUBSET, /* cdc_subset claimed an RNDIS-only gadget (0525:a4a2) */
};

/* An IPv4 address with its prefix length. */
struct usbnet_ip4 {
	struct in_addr addr;
	uint8_t prefix; /* 0..32; 32 for a plain address */
};

/* What discovery finds: one host-side USB network interface. Strings are as the device gave
 * them (decoded from udev's *_ENC form), so they may hold any byte: escape them when shown. */
struct usbnet_peer {
	char ifname[USBNET_IFNAMSIZ];
	int ifindex;
	char driver[32];
	enum usbnet_protocol protocol;
	enum usbnet_binding binding;
	uint16_t vendor_id;
	uint16_t product_id;
	char manufacturer[USBNET_STR_MAX];
	char product[USBNET_STR_MAX];
	char serial[USBNET_STR_MAX];
	char usb_path[64];   /* the USB device's sysfs name: "2-1", "1-1.4" */
	char syspath[256];   /* /sys/devices/... of the net device */
	unsigned speed_mbps; /* 0 when unknown */
	char mac[18];	     /* "aa:bb:cc:dd:ee:ff" */
	bool carrier;
	bool up;	/* IFF_UP */
	int nm_managed; /* 1, 0, or -1 when NetworkManager is not running */
	struct usbnet_ip4 addrs[USBNET_MAX_ADDRS]; /* IPv4 addresses on the interface now */
	size_t n_addrs;
};

/* What classification decides for a peer. */
struct usbnet_plan {
	enum usbnet_mode mode;
	char profile[USBNET_NAME_MAX]; /* built-in profile id, or "" */
	char config_peer[USBNET_NAME_MAX]; /* the matching [peer NAME] group, or "" */
	bool has_host;
	struct usbnet_ip4 host; /* the host's address on the link */
	bool has_peer;
	struct in_addr peer; /* the device's address */
	bool peer_serves_dhcp;
	bool trusted; /* accept a default route and DNS from the peer (configuration only) */
	bool dns;     /* gateway mode: run a DNS forwarder for the peer */
	char uplink[USBNET_IFNAMSIZ]; /* "" or "auto": the default route's interface */
	char bridge[USBNET_IFNAMSIZ];
	unsigned wait_s; /* how long `up` waits for the peer to answer; 0: don't */
	/* The peer's name (usbnet_peer_name()): its interface's altname, NAME.usbnet; "" for an
	 * interface that is not a USB device */
	char name[USBNET_NAME_MAX];
	/* static and gateway mode: the peer is a DHCP client; a DHCP server on the link hands
	 * it exactly its planned address (--dhcp-server, dhcp-server=yes) */
	bool dhcp_server;
	/* the router option (the host's address) even outside gateway mode: a client that drops
	 * a lease without a gateway (the Raspberry Pi); nothing is forwarded for it */
	bool dhcp_router;
	/* the host's address is shared by several links (the Raspberry Pi's 10.42.0.1/24): on
	 * the link without its subnet route, the peer reached by its /32 route alone */
	bool shared_host;
	/* ipv6=off: the host's side of the link has IPv6 disabled before the link is set up
	 * (static, gateway and auto modes): the host sends no IPv6 frame to the peer */
	bool ipv6_off;
	/* gateway mode: the /64 the peer's link gets in router advertisements, routed to the
	 * host by the network (ipv6-prefix= in its [peer] group); without one, a stable ULA /64
	 * masqueraded out of the uplink */
	bool has_ipv6_prefix;
	struct in6_addr ipv6_prefix;
	/* static, gateway and auto mode: the peer ARP-asks for the host's address from an address
	 * of this prefix, outside the link's subnet (the Raspberry Pi's shared-mode 10.12.194.1):
	 * the link's rp_filter is made loose when it would be strict, and a link route to the
	 * prefix is added (unless the host's own network holds it), so the kernel answers */
	bool has_probe_from;
	struct usbnet_ip4 probe_from;
};

/* What is recorded about a peer that `up` configured (read from its state file). */
struct usbnet_status {
	enum usbnet_state state;
	bool has_host;
	struct usbnet_ip4 host;
	bool has_peer;
	struct in_addr peer;
	int64_t rtt_us; /* last measured round-trip time, -1 when none */
	char message[512]; /* why the state is degraded, failed or conflict; "" otherwise */
	char uplink[USBNET_IFNAMSIZ]; /* gateway mode: the uplink shared with the peer, or "" */
	bool uplink_auto;	      /* the uplink follows the default route (usbnet_refresh) */
	bool dns;	  /* gateway mode: a DNS forwarder for the peer is recorded (--dns) */
	int dns_pid;	  /* its process, 0 when not known */
	bool dns_running; /* it runs now (the watcher restarts one that died) */
	/* up --auto: how the addresses were found and chosen, "METHOD CHOICE" (two words of
	 * [a-z0-9-]: "arp-probe profile", "arp-sweep lowest-free", "none link-local",
	 * "dhcp-offer dhcp"); "" when they were not discovered */
	char discovered[48];
	/* The name up gave the interface as an altname (usbnet_peer_name()), "" when none */
	char name[USBNET_NAME_MAX];
	/* An identical peer (its subnet another peer's): the alias address the host reaches it
	 * at, from the pool ([general] alias-pool=); has_reach false for a peer reached at its
	 * own address */
	bool has_reach;
	struct in_addr reach;
	bool dhcp_server;  /* a DHCP server for the peer is recorded (--dhcp-server) */
	int dhcp_pid;	   /* its process, 0 when not known */
	bool dhcp_running; /* it runs now */
	bool has_lease;	   /* the peer holds a lease from it now: */
	struct in_addr lease_addr;
	char lease_mac[18];
	int64_t lease_since;   /* granted or last renewed, seconds since the epoch */
	int64_t lease_expires; /* seconds since the epoch */
	bool ipv6_off; /* up turned IPv6 off on the host's side of the link (recorded) */
	/* gateway mode sharing IPv6: the /64 the link got (recorded), masqueraded (the ULA) or
	 * routed (ipv6-prefix=); the peer's IPv6 addresses now (the neighbour table's, on the
	 * link: its link-local one and those in the prefix) */
	bool has_ipv6_prefix;
	struct in6_addr ipv6_prefix;
	bool ipv6_nat;
	/* the uplink the IPv6 sharing leaves through (recorded): uplink's, or with uplink_auto the
	 * IPv6 default route's, which may be another interface; "" when IPv6 is not shared */
	char uplink6[USBNET_IFNAMSIZ];
	struct in6_addr peer6[USBNET_MAX_ADDRS];
	size_t n_peer6;
	/* gateway mode sharing IPv6 with a DNS forwarder (--dns): the link's IPv6 address it
	 * listens on too, P::1, which the router advertisements name (RDNSS) */
	bool has_dns6;
	struct in6_addr dns6;
};

/* A peer, its plan and its state, as `list` and `show` report it. */
struct usbnet_report {
	struct usbnet_peer peer;
	struct usbnet_plan plan;
	struct usbnet_status status;
};

/* ---- context ---------------------------------------------------------------------------- */

enum usbnet_log_level {
	USBNET_LOG_ERR = 3,
	USBNET_LOG_WARNING = 4,
	USBNET_LOG_NOTICE = 5,
	USBNET_LOG_INFO = 6,
	USBNET_LOG_DEBUG = 7,
};

typedef void (*usbnet_log_fn)(void *userdata, enum usbnet_log_level level, const char *msg);
struct usbnet_probe_progress; /* below, with the probe */
typedef void (*usbnet_progress_fn)(void *userdata, const struct usbnet_probe_progress *p);

#define USBNET_DEFAULT_CONFIG "/etc/usbnet-host/usbnet-host.conf"
#define USBNET_DEFAULT_RUN_DIR "/run/usbnet-host"

/* A context holds the configuration, the run directory and the backends. config_path NULL:
 * $USBNET_HOST_CONFIG, else the default file, which may be absent; a path the caller or the
 * environment names must exist; "": no configuration, the built-in profiles only. run_dir
 * NULL: $USBNET_HOST_RUN_DIR, else the default. */
int usbnet_ctx_new(const char *config_path, const char *run_dir, struct usbnet_ctx **ret);
struct usbnet_ctx *usbnet_ctx_free(struct usbnet_ctx *ctx);
/* After usbnet_ctx_new() failed: true when what failed was the configuration file (broken,
 * unreadable, missing though named). The context is then whole, with the built-in profiles
 * alone, for a caller that must go on (the watcher); usbnet_ctx_error() says file, line and
 * problem. */
bool usbnet_ctx_config_broken(const struct usbnet_ctx *ctx);
/* Read the configuration file again (the watcher's SIGHUP). 0 when it was read: ret_changes
 * gets what changed ("[peer a] added, [peer b] changed", "" for nothing). On failure the
 * built-in profiles alone are used from now on, as udev-probe does, and usbnet_ctx_error()
 * says file, line and problem; a later reload of the fixed file takes it. */
int usbnet_ctx_reload_config(struct usbnet_ctx *ctx, char *ret_changes, size_t len);
void usbnet_ctx_set_log(struct usbnet_ctx *ctx, usbnet_log_fn fn, void *userdata);
/* Checks a configuration file: its syntax, then its meaning (a static or gateway group with no
 * address=; address= or uplink= in a dhcp group, where they do nothing; a group that never
 * applies because an earlier one matches every device it does; an address overlapping another
 * group's or one of this host's networks; an uplink= that is not on this host, a warning).
 * Each problem is one line "FILE:LINE: [group] key: problem" given to fn, warning true for the
 * ones that may be right later or elsewhere. path NULL: $USBNET_HOST_CONFIG, else the default
 * file. Returns the number of problems that are not warnings (an unreadable file or a syntax
 * error is one), or -ENOMEM. Reads the host's addresses and links, changes nothing. */
typedef void (*usbnet_config_problem_fn)(void *userdata, bool warning, const char *line);
int usbnet_config_check(const char *path, usbnet_config_problem_fn fn, void *userdata);
/* The same meaning checks on the configuration the context has loaded: each problem is logged
 * at warning priority (the watcher, on start and on reload). Returns how many were logged. */
unsigned usbnet_ctx_check_config(struct usbnet_ctx *ctx);
/* The explanation of the last failure, "" when none. */
const char *usbnet_ctx_error(const struct usbnet_ctx *ctx);
enum usbnet_outcome usbnet_ctx_outcome(const struct usbnet_ctx *ctx);
/* Whether to talk to NetworkManager at all (default true). The watcher turns it off: the udev
 * rule's NM_UNMANAGED=1 already keeps NetworkManager away, and libnm stays off its hot path. */
void usbnet_ctx_set_networkmanager(struct usbnet_ctx *ctx, bool use);
/* The device the message being logged is about, while the watcher handles one (for the
 * journal's USBNET_IFNAME= and USBNET_SERIAL=): "" when none. Valid in the log callback. */
void usbnet_ctx_log_subject(const struct usbnet_ctx *ctx, const char **ret_ifname,
			    const char **ret_serial);
/* Called while a probe runs (discover, up --auto); NULL: none. */
void usbnet_ctx_set_progress(struct usbnet_ctx *ctx, usbnet_progress_fn fn, void *userdata);

/* ---- discovery -------------------------------------------------------------------------- */

/* Every USB network peer present now, sorted by interface name; upstream devices (below) only
 * when a [peer] group of ctx's configuration claims them. Free with free(). */
int usbnet_discover(struct usbnet_ctx *ctx, struct usbnet_peer **ret_peers, size_t *ret_n);
/* One interface: -ENODEV when there is no such interface, -EMEDIUMTYPE when it exists but is
 * not a USB network peer, or is an upstream device no [peer] group claims (ret is still filled
 * with what is known: ifname, ifindex, driver). */
int usbnet_find_peer(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_peer *ret);
/* From udev's environment (udev-probe): NULL-terminated "KEY=VALUE" strings. No I/O.
 * -EMEDIUMTYPE when the environment is not a USB network peer's; for an upstream device (a
 * tethering phone on a peer driver) ret is filled all the same, since a [peer] group may claim
 * it (usbnet_classify() then plans it), and left as it was otherwise. */
int usbnet_peer_from_env(char *const *envp, struct usbnet_peer *ret);

/* ---- classification --------------------------------------------------------------------- */

/* Configuration first, then the built-in profiles; no match: mode ignore. Pure. */
void usbnet_classify(const struct usbnet_ctx *ctx, const struct usbnet_peer *peer,
		     struct usbnet_plan *ret);
/* The peer's name: its [peer] group's, else PROFILE-SERIAL ("n900-snn900b"), else
 * VID-PID-SERIAL, in lower case, letters, digits and '-' (a DNS label, an altname); without a
 * serial, the USB path stands for it ("n900-usb1-1"). "" when the peer is not a USB device. */
void usbnet_peer_name(const struct usbnet_peer *peer, const struct usbnet_plan *plan, char *buf,
		      size_t len);
/* A name such as usbnet_peer_name() makes: 1 to 63 of [a-z0-9-], no '-' first or last. */
bool usbnet_name_valid(const char *name);
/* Whether usbnet-host owns the device in this mode (udev then sets NM_UNMANAGED=1). */
bool usbnet_mode_is_owned(enum usbnet_mode mode);
/* Whether the watcher acts on this plan without being asked: a [peer] group's, or a built-in
 * profile's unless the configuration says [general] auto=none. */
bool usbnet_plan_is_automatic(const struct usbnet_ctx *ctx, const struct usbnet_plan *plan);
/* A peer that usbnet-host must not configure by default: tethering phones, modems. A [peer]
 * group that names the device with usb=, serial= or mac= claims it all the same. */
bool usbnet_peer_is_upstream(const struct usbnet_peer *peer);

/* ---- udev rules ------------------------------------------------------------------------- */

/* Where the watcher writes the generated rules: in /run, they override the packaged rule of the
 * same name, which runs udev's helper for every USB network interface. */
#define USBNET_UDEV_RULES_RUNTIME "/run/udev/rules.d/85-usbnet-host.rules"
/* The udev rules for the context's configuration ([peer] groups in order, [general] auto=) and
 * the built-in profiles: udev matches the device's properties itself and sets what
 * `usbnet-host udev-probe` would print, with no process; the branches a rule cannot match
 * exactly run udev's helper. A broken configuration: the built-in profiles alone, as
 * udev-probe. *ret_text to free(). */
int usbnet_udev_rules(struct usbnet_ctx *ctx, char **ret_text);
/* Writes them to path whole or not at all (a temporary file beside it, then rename), mode
 * 0644; the directory itself is made (0755) when it is missing. */
int usbnet_udev_rules_install(struct usbnet_ctx *ctx, const char *path);
/* Removes path; a missing file is no failure. */
int usbnet_udev_rules_remove(struct usbnet_ctx *ctx, const char *path);

/* ---- configure and undo ----------------------------------------------------------------- */

struct usbnet_up_opts {
	bool has_host; /* --address */
	struct usbnet_ip4 host;
	bool has_peer; /* --peer */
	struct in_addr peer;
	int wait_s; /* --wait; -1: the plan's */
	bool force; /* configure an interface that is not a USB network peer */
	enum usbnet_mode mode; /* USBNET_MODE_IGNORE: the plan's */
	char uplink[USBNET_IFNAMSIZ];
	char bridge[USBNET_IFNAMSIZ];
	bool dns;
	bool dhcp_server; /* --dhcp-server */
	int ipv6; /* --ipv6: 1 on, 0 off (see usbnet_plan.ipv6_off); -1 the plan's */
	/* The watcher's second look at a recorded peer (its carrier came back, or a degraded
	 * peer's periodic check): nothing is done unless ifname has a record of this device (then
	 * USBNET_UP_NOTHING); an interface that is not a USB peer is taken as forced, since the
	 * record says up took it over. A peer recorded degraded is checked again in place
	 * (degraded -> configured when it answers, its steps untouched); a mode=auto peer whose
	 * discovery found nothing (its link-local fallback) is discovered again from a clean link,
	 * so that what discovery finds now replaces the fallback. A configured peer is left. */
	bool recheck;
};

enum usbnet_up_result {
	USBNET_UP_CONFIGURED = 0,
	USBNET_UP_UNCHANGED, /* already configured as planned: nothing was done */
	USBNET_UP_DEGRADED,  /* configured, the peer did not answer within the wait */
	USBNET_UP_NOTHING,   /* the plan says ignore or dhcp: nothing to do */
};

void usbnet_up_opts_init(struct usbnet_up_opts *opts);
/* Configure one interface. On failure everything this call changed is rolled back, and
 * usbnet_ctx_error() says what failed and what was rolled back; usbnet_ctx_outcome() says
 * which of bad input (nothing changed), no such peer, rolled back, or something left. */
int usbnet_up(struct usbnet_ctx *ctx, const char *ifname, const struct usbnet_up_opts *opts,
	      struct usbnet_report *ret_report, enum usbnet_up_result *ret_result);
/* Undo what up recorded for ifname, in reverse; a vanished interface still gets its state
 * cleaned. Returns 0 when undone, 1 when there was nothing recorded. */
int usbnet_down(struct usbnet_ctx *ctx, const char *ifname);
/* Release what the records of vanished peers hold on the host (their nftables chains,
 * forwarding, DNS forwarders, bridges), remove those records and the lock files and temporary
 * files nobody uses. Reads (list, show, reports) never do this; the watcher, up, down and
 * down --all do. Returns how many records were released. */
int usbnet_prune(struct usbnet_ctx *ctx);
/* Gateway peers whose uplink is auto follow the host's current default route: their rules are
 * moved to its interface in one nftables batch (their IPv6 sharing to the IPv6 default route's),
 * and one that shares no IPv6 because the host had no IPv6 default route at its up gets its
 * IPv6 sharing once there is one. Each change is said at notice priority, a firewall that
 * would drop a moved peer's traffic at warning priority (and kept in its status). Returns how
 * many peers changed (0: none needed it, or no gateway peer at all). NetworkManager's
 * dispatcher script calls it. */
int usbnet_refresh(struct usbnet_ctx *ctx);
/* An interface by its name or by its peer's name (usbnet_peer_name(), with or without
 * ".usbnet"): the interface of that name, else the one with that altname, else the peer present
 * now whose plan has that name, else the record whose altname that was (a peer gone). An
 * interface name that none of these know is passed on as it is; anything else is bad input
 * (-EINVAL). */
int usbnet_resolve(struct usbnet_ctx *ctx, const char *name, char ret_ifname[USBNET_IFNAMSIZ]);
/* The recorded status of an interface (UNCONFIGURED when there is no state). */
int usbnet_status_read(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_status *ret);
/* Interfaces that have a state record, free with usbnet_strv_free(). */
int usbnet_state_list(struct usbnet_ctx *ctx, char ***ret_ifnames);

/* ---- what usbnet-host holds on the host (status) ------------------------------------------ */

/* One change a record holds: an address, nftables chains, IPv4 forwarding, a DNS forwarder, a
 * share of a bridge, a device set unmanaged in NetworkManager... */
struct usbnet_holding {
	char kind[24];	 /* the record's word for it: "addr", "nft", "forwarding", "dnsmasq",
			  * "nm-unmanaged", "bridge-join", "bridge-port"... */
	bool host_wide;	 /* it outlives the interface (nftables, forwarding, a process, a bridge) */
	bool pending;	 /* recorded ahead of the change, which may not have been made */
	char what[200];	 /* in words, for the user */
};

/* A state record, what it says and what it holds. */
struct usbnet_record_info {
	char ifname[USBNET_IFNAMSIZ];
	enum usbnet_mode mode;
	struct usbnet_status status; /* as usbnet_status_read(): VANISHED when the device is gone */
	int64_t since;		     /* the record's last change, seconds since the epoch; 0 unknown */
	struct usbnet_holding *holdings;
	size_t n_holdings;
};

struct usbnet_holdings {
	struct usbnet_record_info *records; /* sorted by interface name */
	size_t n_records;
	int ip_forward;	       /* net.ipv4.ip_forward now: 0 or 1, -1 when it cannot be read */
	int ip_forward_before; /* its value before the first gateway peer, as recorded; -1: none */
};

/* Reads every state record of the run directory (reading only). Free with
 * usbnet_holdings_free(). A damaged record fails with the context saying which. */
int usbnet_holdings(struct usbnet_ctx *ctx, struct usbnet_holdings *ret);
void usbnet_holdings_free(struct usbnet_holdings *h);
/* {"records":[{"ifname","mode","state","host_address","peer_address","uplink","since",
 * "message","holdings":[{"kind","host_wide","pending","what"}]}],"ip_forward",
 * "ip_forward_before"}; malloc'd. */
char *usbnet_holdings_to_json(const struct usbnet_holdings *h);
char **usbnet_strv_free(char **strv);

/* ---- what the peer is, asked on the link (discover) ------------------------------------- */

/* How a finding was made. */
enum usbnet_probe_method {
	USBNET_FOUND_IPV6_ALL_NODES = 1, /* answered our ICMPv6 echo to ff02::1 */
	USBNET_FOUND_ARP_ANNOUNCE,	 /* a gratuitous ARP (or ARP probe) of its own */
	USBNET_FOUND_ARP_REQUEST,	 /* it asked ARP for someone: its sender address */
	USBNET_FOUND_IPV4_TRAFFIC,	 /* an IPv4 packet from its MAC */
	USBNET_FOUND_ARP_PROBE,		 /* answered our ARP probe for a profile's address */
	USBNET_FOUND_ARP_SWEEP,		 /* answered our ARP probe for a commonly used address */
	USBNET_FOUND_DHCP_OFFER,	 /* offered a lease: it serves DHCP */
	USBNET_FOUND_DHCP_CLIENT,	 /* sent a DHCPDISCOVER: it wants a lease */
};

#define USBNET_MAX_FINDINGS 16

struct usbnet_finding {
	enum usbnet_probe_method method;
	int64_t at_ms;	/* since the probe started */
	char mac[18];	/* the sender's MAC, "" when unknown */
	bool has_ipv4;
	struct in_addr ipv4; /* the peer's address (DHCP: the server's) */
	bool has_ipv6;
	struct in6_addr ipv6;
	bool has_offered; /* DHCP: the address offered to the host (never taken) */
	struct in_addr offered;
	uint8_t offered_prefix; /* from the offer's subnet mask; 0 when absent */
	char profile[USBNET_NAME_MAX]; /* ARP probe: the profile whose address answered */
};

struct usbnet_probe_result {
	char ifname[USBNET_IFNAMSIZ];
	char mac[18]; /* the peer's MAC when something came from it, else "" */
	struct usbnet_finding findings[USBNET_MAX_FINDINGS];
	size_t n_findings;
	int64_t elapsed_ms;
	unsigned timeout_ms;
	bool certain; /* stopped before the timeout: the answer could not change (probe.c) */
	bool link_was_down; /* the link was set up for the probe, and down again after */
	bool no_carrier;    /* the link had no carrier the whole time: nothing was sent */
};

/* How a probe (discover, up --auto) is getting on, for a progress line: given about every
 * 100 ms and at each finding. */
struct usbnet_probe_progress {
	const char *ifname;
	int64_t elapsed_ms;
	unsigned timeout_ms;
	bool carrier;	       /* false: waiting for it, nothing sent yet */
	unsigned swept, sweep; /* addresses of the sweep asked so far, of all */
	size_t n_findings;
	const struct usbnet_finding *last; /* the latest finding, or NULL */
};

struct usbnet_probe_opts {
	unsigned timeout_ms; /* 0: the default (USBNET_PROBE_DEFAULT_MS) */
	bool force;	     /* probe an interface that is not a USB network peer */
};

#define USBNET_PROBE_DEFAULT_MS 5000
#define USBNET_PROBE_MAX_MS 60000

void usbnet_probe_opts_init(struct usbnet_probe_opts *opts);
/* Bring the link up without an IPv4 address (and down again after, when it was down) and
 * learn what the peer is within the bounded time. Sends ARP probes from 0.0.0.0, one
 * DHCPDISCOVER (never a REQUEST), ICMPv6 echoes to ff02::1, all bound to the interface. Returns
 * the number of findings (0: nothing answered); -ENODEV, -EMEDIUMTYPE as usbnet_up. */
int usbnet_probe(struct usbnet_ctx *ctx, const char *ifname, const struct usbnet_probe_opts *opts,
		 struct usbnet_probe_result *ret);
/* JSON text of a result: {"ifname":..,"mac":..,"findings":[..],"elapsed_ms":..}; malloc'd. */
char *usbnet_probe_to_json(const struct usbnet_probe_result *result);
const char *usbnet_probe_method_name(enum usbnet_probe_method m); /* "arp-probe"... */

/* ---- hotplug watcher ------------------------------------------------------------------- */

/* A udev monitor for peers the udev rule tagged. The caller owns the loop: it polls the fd
 * and calls dispatch when it is readable. Each action is logged through the context.
 * Every up and down runs in a worker process forked from the caller (at most [general]
 * workers= at once; one interface's jobs in order): a worker inherits the signal mask and the
 * log callback, and is killed (SIGKILL) if the caller dies. */
struct usbnet_watch;

int usbnet_watch_new(struct usbnet_ctx *ctx, struct usbnet_watch **ret);
struct usbnet_watch *usbnet_watch_free(struct usbnet_watch *w);
int usbnet_watch_get_fd(const struct usbnet_watch *w);
/* At start: configure tagged peers that are present and unconfigured, clean the state of
 * peers that are gone. Returns the number of peers queued to be configured (the workers do it
 * as dispatch runs). */
int usbnet_watch_reconcile(struct usbnet_watch *w);
/* Handle the events that are pending: add → up by the plan, remove → clean the state; a
 * gateway peer's DNS forwarder that died is started again. Never blocks. */
int usbnet_watch_dispatch(struct usbnet_watch *w);
/* Before stopping: drop the jobs that wait, wait for the running ones to finish (blocks).
 * Returns how many were running. usbnet_watch_free() does it too. */
int usbnet_watch_finish(struct usbnet_watch *w);

/* ---- reports ---------------------------------------------------------------------------- */

/* Discover + classify + status: what list shows. Free with free(). */
int usbnet_report_all(struct usbnet_ctx *ctx, struct usbnet_report **ret, size_t *ret_n);
int usbnet_report_one(struct usbnet_ctx *ctx, const char *ifname, struct usbnet_report *ret);
/* Whether the report is of a peer waiting for its carrier: recorded (configured or degraded,
 * or up --auto waiting, its record says so) and its link has none: the device has not brought
 * its side up, or took it down; the watcher looks at it again when it comes. */
bool usbnet_report_waiting_for_carrier(const struct usbnet_report *rep);
/* The uplink a gateway peer's IPv6 sharing leaves through when it is another interface than
 * its IPv4 uplink (the uplink follows the default routes, and IPv6's is elsewhere); "" when it
 * is the same one, or IPv6 is not shared. */
const char *usbnet_status_uplink6(const struct usbnet_status *st);

/* JSON text of reports (an array for list, an object for show); malloc'd, NUL-terminated.
 * Any byte a device gave is escaped so that the result is always valid JSON (UTF-8). */
char *usbnet_reports_to_json(const struct usbnet_report *reports, size_t n);
char *usbnet_report_to_json(const struct usbnet_report *report);

/* ---- names ------------------------------------------------------------------------------ */

const char *usbnet_protocol_name(enum usbnet_protocol p); /* "ecm"...; NULL for unknown */
const char *usbnet_mode_name(enum usbnet_mode m);
int usbnet_mode_from_name(const char *s, enum usbnet_mode *ret);
const char *usbnet_state_name(enum usbnet_state s);
/* "A.B.C.D/N" (or "A.B.C.D" when prefix_required is false: /32). */
int usbnet_ip4_parse(const char *s, bool prefix_required, struct usbnet_ip4 *ret);
/* Writes "A.B.C.D/N" into buf (at least 19 bytes). */
const char *usbnet_ip4_format(const struct usbnet_ip4 *ip, char *buf, size_t len);

const char *usbnet_version(void);

#ifdef __cplusplus
}
#endif

#endif

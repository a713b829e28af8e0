/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every subcommand shares: common options, the library context, errors and exit codes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "cli.h"

const char *cli_command = "";
char **cli_argv;

static const char *const level_prefix[] = {
	[USBNET_LOG_ERR] = "error: ",	   [USBNET_LOG_WARNING] = "warning: ",
	[USBNET_LOG_NOTICE] = "",	   [USBNET_LOG_INFO] = "",
	[USBNET_LOG_DEBUG] = "debug: ",
};

/* Commands say what they did on stdout; the library's notices are for --verbose. The watcher
 * has no other output: it shows them (cli_log_notices). */
static int log_base = USBNET_LOG_WARNING;
static int log_threshold = USBNET_LOG_WARNING;

void cli_log_notices(void)
{
	log_base = USBNET_LOG_NOTICE;
}

/* The watcher under systemd: its lines go to the journal with their priority and fields. */
static struct usbnet_ctx *journal_ctx;
static bool to_journal;

/* systemd says, in $JOURNAL_STREAM ("DEV:INODE"), which stream it connected to the journal. */
static bool stderr_is_journal(void)
{
	const char *s = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return s && sscanf(s, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
	       (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static void log_to_journal(enum usbnet_log_level level, const char *msg)
{
	const char *ifname = "", *serial = "";
	char text[4096];

	/* Device strings are escaped in the message as on a terminal; the fields are ids. */
	{
		FILE *f = fmemopen(text, sizeof(text), "w");

		if (!f)
			return;
		cli_print_escaped(f, msg, 0);
		fputc('\0', f);
		fclose(f);
		text[sizeof(text) - 1] = '\0';
	}
	if (journal_ctx)
		usbnet_ctx_log_subject(journal_ctx, &ifname, &serial);
	if (*serial) {
		char esc[4 * USBNET_STR_MAX + 1];

		sd_journal_send("MESSAGE=%s", text, "PRIORITY=%d", (int)level,
				"SYSLOG_IDENTIFIER=%s", program_name, "USBNET_IFNAME=%s", ifname,
				"USBNET_SERIAL=%s", cli_escape(serial, strlen(serial), esc, sizeof(esc)),
				NULL);
	} else if (*ifname) {
		sd_journal_send("MESSAGE=%s", text, "PRIORITY=%d", (int)level,
				"SYSLOG_IDENTIFIER=%s", program_name, "USBNET_IFNAME=%s", ifname, NULL);
	} else {
		sd_journal_send("MESSAGE=%s", text, "PRIORITY=%d", (int)level,
				"SYSLOG_IDENTIFIER=%s", program_name, NULL);
	}
}

static void log_to_stderr(void *userdata, enum usbnet_log_level level, const char *msg);

void cli_log(enum usbnet_log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_to_stderr(NULL, level, buf);
}

void cli_log_to_journal(struct usbnet_ctx *ctx)
{
	journal_ctx = ctx;
	to_journal = stderr_is_journal();
}

bool cli_logs_to_journal(void)
{
	return to_journal;
}

static void log_to_stderr(void *userdata, enum usbnet_log_level level, const char *msg)
{
	if ((int)level > log_threshold)
		return;
	if (to_journal) {
		log_to_journal(level, msg);
		return;
	}
	fprintf(stderr, "%s: %s", program_name,
		level <= USBNET_LOG_DEBUG ? level_prefix[level] : "");
	cli_print_escaped(stderr, msg, 0);
	fputc('\n', stderr);
}

static int parse_json_mode(const char *arg, enum cli_json *ret)
{
	if (!arg || strcmp(arg, "short") == 0)
		*ret = CLI_JSON_SHORT;
	else if (strcmp(arg, "pretty") == 0)
		*ret = CLI_JSON_PRETTY;
	else if (strcmp(arg, "off") == 0)
		*ret = CLI_JSON_OFF;
	else
		return -EINVAL;
	return 0;
}

/* "usbnet-host list" (or "usbnet-host" before a command). */
static void say_command(void)
{
	fprintf(stderr, "%s%s%s: ", program_name, *cli_command ? " " : "", cli_command);
}

int cli_bad_option(const char *fmt, ...)
{
	va_list ap;

	say_command();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s%s%s --help'.\n", program_name, *cli_command ? " " : "",
		cli_command);
	return EXIT_USAGE;
}

const char *cli_escape(const char *s, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < n && s[i] && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
	}
	buf[o] = '\0';
	return buf;
}

/* The option getopt stopped at, as the user wrote it ("--frob", "-x", "--config"). */
static const char *offending_option(char *buf, size_t len)
{
	const char *a;

	if (optopt > 0 && optopt < 0x100) {
		snprintf(buf, len, "-%c", optopt);
		return buf;
	}
	a = cli_argv && optind > 0 ? cli_argv[optind - 1] : "?";
	return cli_escape(a, strcspn(a, "="), buf, len);
}

int cli_common_option(struct cli_common *c, int opt, const char *arg, const char *usage)
{
	char buf[64];

	switch (opt) {
	case OPT_CONFIG:
		c->config = arg;
		return -2;
	case OPT_RUN_DIR:
		c->run_dir = arg;
		return -2;
	case 'v':
	case OPT_VERBOSE:
		c->verbose++;
		return -2;
	case 'q':
	case OPT_QUIET:
		c->quiet = true;
		return -2;
	case 'j':
		/* As networkctl's -j: indented for a person, one line for a program. */
		c->json = isatty(STDOUT_FILENO) ? CLI_JSON_PRETTY : CLI_JSON_SHORT;
		return -2;
	case OPT_JSON:
		if (parse_json_mode(arg, &c->json) < 0)
			return cli_bad_option("--json: '%s' is not short, pretty or off",
					      cli_escape(arg, 32, buf, sizeof(buf)));
		return -2;
	case 'h':
	case OPT_HELP:
		fputs(usage, stdout);
		return EXIT_DONE;
	case OPT_VERSION:
		printf("usbnet-host %s\n", usbnet_version());
		return EXIT_DONE;
	case ':':
		return cli_bad_option("option '%s' needs an argument", offending_option(buf, sizeof(buf)));
	case '?':
		/* Unknown, ambiguous, or given an argument it does not take: name it alone. */
		if (optopt >= 0x100)
			return cli_bad_option("option '%s' takes no argument",
					      offending_option(buf, sizeof(buf)));
		return cli_bad_option("unknown option '%s'", offending_option(buf, sizeof(buf)));
	default:
		return -1;
	}
}

int cli_status_for(int err)
{
	switch (err) {
	case -ENODEV:
		return EXIT_NO_PEER;
	case -EINVAL:
	case -EMEDIUMTYPE:
	case -EADDRINUSE:
	case -EBADMSG:
	case -ENAMETOOLONG:
	case -EOPNOTSUPP: /* a mode this version does not carry out: refused before any change */
		return EXIT_USAGE;
	default:
		return EXIT_FAILED;
	}
}

/* The library says what its failure means; errno values are only the CLI's own. */
static int status_for_outcome(enum usbnet_outcome o, int err)
{
	switch (o) {
	case USBNET_OUTCOME_BAD_INPUT:
		return EXIT_USAGE;
	case USBNET_OUTCOME_NO_PEER:
		return EXIT_NO_PEER;
	case USBNET_OUTCOME_FAILED:
	case USBNET_OUTCOME_ROLLED_BACK:
	case USBNET_OUTCOME_LEFT:
		return EXIT_FAILED;
	case USBNET_OUTCOME_OK:
	default:
		return cli_status_for(err);
	}
}

int cli_fail(struct usbnet_ctx *ctx, int err, const char *what)
{
	const char *msg = ctx ? usbnet_ctx_error(ctx) : "";

	fprintf(stderr, "%s: ", program_name);
	/* Not root: the missing privilege first, then what the library ran into. */
	if ((err == -EACCES || err == -EPERM) && geteuid() != 0)
		fprintf(stderr, "run it as root (CAP_NET_ADMIN): ");
	if (*msg)
		cli_print_escaped(stderr, msg, 0);
	else
		fprintf(stderr, "%s: %s", what, strerror(-err));
	fputc('\n', stderr);
	return ctx ? status_for_outcome(usbnet_ctx_outcome(ctx), err) : cli_status_for(err);
}

struct usbnet_ctx *cli_open(const struct cli_common *c, int *ret_status)
{
	struct usbnet_ctx *ctx = NULL;
	int r;

	log_threshold = c->quiet ? USBNET_LOG_ERR : log_base + c->verbose;
	r = usbnet_ctx_new(c->config, c->run_dir, &ctx);
	if (r < 0) {
		/* A configuration the user wrote is wrong, or cannot be read: bad input. */
		*ret_status = cli_fail(ctx, r, "cannot load the configuration");
		if (r != -ENOMEM)
			*ret_status = EXIT_USAGE;
		usbnet_ctx_free(ctx);
		return NULL;
	}
	usbnet_ctx_set_log(ctx, log_to_stderr, NULL);
	return ctx;
}

struct usbnet_ctx *cli_open_lenient(const struct cli_common *c, int *ret_status)
{
	struct usbnet_ctx *ctx = NULL;
	int r;

	log_threshold = log_base + c->verbose;
	r = usbnet_ctx_new(c->config, c->run_dir, &ctx);
	if (r < 0 && r != -ENOMEM && usbnet_ctx_config_broken(ctx)) {
		/* A log line (the journal's, at priority err, when the watcher logs there). */
		cli_log(USBNET_LOG_ERR,
			"configuration error: %s; going on with the built-in profiles (fix the "
			"file, then systemctl reload usbnet-host, or send SIGHUP)",
			usbnet_ctx_error(ctx));
		r = 0;
	}
	if (r < 0) {
		*ret_status = cli_fail(ctx, r, "cannot load the configuration");
		if (r != -ENOMEM)
			*ret_status = EXIT_USAGE;
		usbnet_ctx_free(ctx);
		return NULL;
	}
	usbnet_ctx_set_log(ctx, log_to_stderr, NULL);
	return ctx;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* The first line of the usage names the command: point to its --help. */
	fprintf(stderr, "\n%.*s", (int)strcspn(usage, "\n") + 1, usage);
	return EXIT_USAGE;
}

void cli_print_escaped(FILE *f, const char *s, int width)
{
	int col = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int w = (*p >= 0x20 && *p < 0x7f && *p != '\\') ? 1 : 4;

		if (width > 0 && col + w > width)
			break;
		if (w == 1)
			fputc(*p, f);
		else
			fprintf(f, "\\x%02x", *p);
		col += w;
	}
	for (; width > 0 && col < width; col++)
		fputc(' ', f);
}

bool cli_progress_wanted(const struct cli_common *c)
{
	return !c->quiet && isatty(STDERR_FILENO);
}

int cli_resolve(struct usbnet_ctx *ctx, const char *arg, char ifname[USBNET_IFNAMSIZ])
{
	int r = usbnet_resolve(ctx, arg, ifname);

	return r < 0 ? cli_fail(ctx, r, arg) : -1;
}

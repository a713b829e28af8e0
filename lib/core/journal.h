/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal: each configured peer's record, RUN_DIR/IFNAME.state, and the only code that
 * writes it. A step is recorded before its change is made ("pending") and marked done after;
 * a crash leaves a record that the undo walk can still finish, since every kind's undo takes
 * what is already gone as undone. The same walk serves down, the roll back of a failed up, the
 * take-over of a stale record and the pruning of a vanished peer.
 *
 * The record names its interface by name and index, and by what makes it that device (its
 * MAC, USB path and serial) and the boot it was made in: a renamed interface is followed, and
 * an index that another device took is never touched.
 */
#ifndef USBNET_JOURNAL_H
#define USBNET_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/step.h"
#include "usbnet-host/usbnet.h"

struct state_step {
	const struct step_kind *kind;
	bool done; /* false: recorded ahead; the change may or may not have been made */
	union {
		unsigned char bytes[STEP_DATA_MAX];
		uint64_t align;
	} data;
};

#define STATE_MAX_STEPS 32
/* The longest plan: gateway mode with every word, a routed /64 and an IPv6 uplink of its own
 * (updown/mode-gateway.c), some 185 characters. */
#define JOURNAL_PLAN_MAX 192
#define JOURNAL_BOOT_ID_LEN 36

struct state_record {
	char ifname[USBNET_IFNAMSIZ];
	int ifindex;
	uint8_t mac[6];
	bool has_mac;
	char boot_id[JOURNAL_BOOT_ID_LEN + 1]; /* "" in a record from before they had one */
	char usb_path[64];
	char serial[USBNET_STR_MAX];
	enum usbnet_mode mode;
	bool trusted; /* the plan trusted the peer (its DHCP profile takes routes and DNS) */
	/* The plan up carried out, in words (updown/modes.c): an up with the same plan carries
	 * on from this record, another undoes it first. */
	char plan[JOURNAL_PLAN_MAX];
	struct usbnet_status status;
	struct state_step steps[STATE_MAX_STEPS];
	size_t n_steps;
};

/* ---- the record as text ------------------------------------------------------------------ */

int journal_serialize(const struct state_record *rec, char **ret_text);
/* kinds: the registry the step lines are read with. -EBADMSG for anything else. */
int journal_parse(const struct step_kind *const *kinds, const char *text, size_t len,
		  struct state_record *ret);

/* ---- the run directory ----------------------------------------------------------------- */

/* -ENOENT when there is none, -EBADMSG when it is not a record (or one of another name). */
int journal_read(struct usbnet_ctx *ctx, const char *ifname, struct state_record *ret);
/* Atomic replace (write temp, fsync, rename). */
int journal_write(struct usbnet_ctx *ctx, const struct state_record *rec);
/* The record and the interface's lock file (removed while held: see core/lock.h). */
int journal_remove(struct usbnet_ctx *ctx, const char *ifname);
/* Moves rec's record to the name its interface has now (a renamed interface). */
int journal_rename(struct usbnet_ctx *ctx, struct state_record *rec, const char *new_ifname);
/* The names of the records in the run directory, sorted; usbnet_strv_free() them. */
int journal_list(struct usbnet_ctx *ctx, char ***ret_ifnames);

/* Other records of the run directory (gateway, bridges): the whole file (at most 64 KiB,
 * -EBADMSG when longer; free() *ret), and an atomic replace. */
int journal_file_read(const char *path, char **ret, size_t *ret_len);
int journal_file_write(const char *run_dir, const char *path, const char *text);
/* Temporary files of a write that was killed halfway: "PATH.PID.XXXXXX" whose writer is gone
 * (and "PATH.XXXXXX" of an older version, after a minute). Called by up, down and the watcher. */
void journal_clean_temporaries(struct usbnet_ctx *ctx);

/* ---- identity ------------------------------------------------------------------------------ */

/* This boot's id (/proc/sys/kernel/random/boot_id), "" when it cannot be read. */
const char *journal_boot_id(void);
/* The record was made for this interface: same boot, same index, same MAC (when both are
 * known). */
bool journal_same_device(const struct state_record *rec, int ifindex, const uint8_t mac[6],
			 bool has_mac);

/* ---- steps ------------------------------------------------------------------------------- */

enum journal_apply_result {
	JOURNAL_MADE = 0,  /* recorded and made */
	JOURNAL_OURS = 1,  /* an earlier up recorded the same step, and it is in place */
	JOURNAL_NOOP = 2,  /* nothing to make (there already, not ours): not recorded */
};

/*
 * Record the step ahead (written), make it, mark it done (written). A step an earlier up
 * recorded is not made twice: it is checked, and made again only when it is no longer in
 * place. On failure nothing of the step stays recorded and ctx says why.
 */
int journal_apply(struct step_env *env, const struct step_kind *kind, const void *data);

/*
 * The undo walk: env->rec's steps from the last down to index keep, each undone and taken
 * out of the record (written when env->rec is on disk: written is true). With
 * env->link_ours false, steps of STEP_SCOPE_LINK are dropped without being touched. On
 * failure the record keeps the steps still to undo and ctx says what failed. done, when not
 * NULL, gets "what was undone" phrases, comma-separated.
 */
int journal_undo(struct step_env *env, size_t keep, bool written, char *done, size_t done_len);

/* The first step of this kind in rec, or NULL; *ret_index when found and not NULL. */
struct state_step *journal_find(const struct state_record *rec, const struct step_kind *kind,
				size_t *ret_index);
/* What each step reports into status (gateway uplink, forwarder...). */
void journal_report(const struct state_record *rec, struct usbnet_status *status);

#endif

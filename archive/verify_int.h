/* verify_int.h - the inside of verification, shared by verify.c (the run:
 * threads, findings, report) and verify_commit.c (one commit against its
 * parent).  Not a public header. */
#ifndef XFA_VERIFY_INT_H
#define XFA_VERIFY_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "archive.h"
#include "checkpoint.h"
#include "verify.h"

/* Indexes into xfa_verify_reasons[], in its order. */
enum vreason {
	R_UNSIGNED_COMMIT, R_BAD_COMMIT_SIGNATURE, R_UNKNOWN_KEY, R_KEY_REVOKED,
	R_KEY_NOT_YET_VALID, R_AUTHOR_MISMATCH, R_MESSAGE_MISMATCH,
	R_MISSING_EVENT, R_UNACCOUNTED_FILE, R_MIXED_COMMIT, R_MERGE_COMMIT,
	R_MALFORMED_EVENT, R_WRONG_CASE, R_SEQ_GAP, R_DUPLICATE_EVENT,
	R_CHAIN_BROKEN, R_BAD_EVENT_SIGNATURE, R_SIGNER_MISMATCH,
	R_EFFECTIVE_AFTER_AT, R_TIME_REGRESSION, R_ROLE_NOT_ALLOWED,
	R_ILLEGAL_TRANSITION, R_DERIVED_MISMATCH, R_KEYRING_UNAUTHORISED,
	R_ILLEGAL_KEYRING_CHANGE, R_ATTACHMENT_MISMATCH, R_DOCUMENT_MISMATCH,
	R_MALFORMED_DOCUMENT, R_UNREADABLE_OBJECT, R_BAD_ROOT, R_UNTRUSTED_ROOT,
	R_BAD_CHECKPOINT, R_ROLLBACK, R_HISTORY_REWRITTEN,
	R_MERGE_DIVERGED, R_BAD_RESOLUTION, R_MERGE_NOT_ALLOWED,
	R_FUTURE_TIME, R_TIME_BEFORE_PARENT, R_KEY_MISMATCH, R_BAD_MODE,
	R_CHECKPOINT_EQUIVOCATION,
	R_COUNT
};

/* One finding.  Strings are malloc'd. */
struct vfinding {
	int reason;           /* enum vreason, or -1: a deadline (see code) */
	char *code;           /* deadline reason code ("late-accept") */
	char *case_id;        /* NULL: none */
	long seq;             /* 0: none */
	int has_commit;
	xfa_oid commit;
	char *path;           /* NULL: none */
	char *msg;
	size_t order;         /* the commit's place in the walk (newest 0) */
	size_t sub;           /* the finding's place among its commit's */
};

/* State shared by the threads of one run. */
struct vshared {
	pthread_mutex_t mu;               /* guards f, n, cap, fatal, root */
	struct vfinding *f;
	size_t n, cap;
	const char *path;                 /* the archive */
	const xfa_oid *ids;               /* the commits of main, newest first */
	size_t nids;
	atomic_size_t next, done;
	atomic_int stop;
	char **dirs;                      /* folders of the selected cases; NULL: all */
	size_t ndirs;
	const char *trust;                /* --trust, or NULL */
	int fatal;                        /* a failure that is not a finding */
	char fatal_msg[1024];
	char root[XFA_FPR_SIZE];          /* the root key, from the root commit */
	int64_t now;                      /* the verifier's clock (seconds) */
	int64_t skew;                     /* the clock skew allowed (seconds) */
	int touched;                      /* collect the streams commits touch */
	int caller_hashes;                /* opts' caller_hashes_attachments */
};

#define VMETA_SLOTS 4

/* One worker: its own repository, metadata cache and counters. */
struct vthread {
	struct vshared *sh;
	xfa_store *st;
	struct {
		int used;
		unsigned long used_at;
		xfa_oid key;          /* the id of the .xfa tree it was read from */
		xfa_meta m;
	} meta[VMETA_SLOTS];
	unsigned long tick;
	size_t commits, events, sigs, atts;
	char **touched;                   /* stream folders its commits changed
					   * (with sh->touched), malloc'd */
	size_t ntouched, captouched;
	size_t merges;                    /* merge commits checked */
	pthread_t tid;
};

/* One changed path of a commit. */
struct vchange {
	char *path;
	int status;           /* 'A', 'M', 'D', 'T' as xfa_store_diff gives */
	xfa_oid old_id, new_id;
	xfa_oid old_tree;     /* the parent's folder holding the path, or zero */
	int mode;
	int stream;           /* index into vc.streams; -1: outside any stream */
	int used;             /* accounted for by the event */
};

/* A stream (case folder or .xfa) a commit touches. */
struct vstream {
	char dir[256];
	char id[48];          /* the case id, or "archive" */
	const char *docname;
	int event;            /* index of its first added event file; -1: none */
};

#define VSTREAMS_MAX 8

/* One commit being checked. */
struct vc {
	struct vthread *t;
	size_t order, sub;
	xfa_commit_info ci;
	char hex[XFA_OID_HEX];
	const xfa_oid *parent;        /* NULL for a root commit */
	xfa_oid parent_tree;
	int64_t parent_time;          /* the parent's committer time (the
				       * later parent's at a merge) */
	const xfa_meta *meta;         /* at the parent; NULL at the root */
	const json_t *keyring;        /* the archive document whose keys apply */
	json_t *own;                  /* root: the commit's own archive.json */
	struct vchange *ch;
	size_t nch, cap, more;        /* more: changes beyond the kept ones */
	struct vstream streams[VSTREAMS_MAX];
	size_t nstreams;
	char signer[XFA_FPR_SIZE];    /* the commit's key; "" if unknown */
	const char *cid;              /* the stream the commit records, to name
				       * in commit-level findings; may be NULL */
	unsigned char seen[R_COUNT];  /* reasons reported for this commit */
};

/* One checkpoint given to the run, as read. */
struct vcp {
	const char *name;             /* its file, or "checkpoint" */
	int ok;                       /* read and its signature verified */
	int since;                    /* the --since one */
	int counted;                  /* its commit count was re-counted */
	xfa_checkpoint cp;
	const char *status;
};

/* A verification run (verify.c), shared with the checkpoint and the
 * case-selection parts (verify_checkpoint.c, verify_cases.c). */
struct vrun {
	const xfa_verify_opts *o;
	xfa_store *st;
	xfa_meta meta;
	int has_meta;
	xfa_oid head;
	xfa_oid *ids;
	size_t cap;
	struct vshared sh;
	struct vthread *th;
	int nth;
	size_t cases;
	size_t dl_listed;         /* deadline findings kept for the report */
	size_t dl_omitted;        /* and those only counted */
	json_t *cp;               /* the checkpoints part of the report */
	json_t *notes;            /* notes of the report (array) */
	json_t *coverage;         /* what the run covered */
	char office[16];          /* this replica's office; "" the bureau's */
	int64_t skew;             /* clock skew allowed, seconds */
	struct vcp *cps;
	size_t ncps;
	int since_ok;             /* 1: only commits after since_head */
	xfa_oid since_head;
	char **dirs;              /* folders whose deadlines are computed
				   * (since and cases modes); NULL: all */
	size_t ndirs;
	const char *const *dir_ids;   /* their case ids */
	char **dir_idv;           /* ... when the run owns them */
	size_t nidv;
	struct timespec t0, last_progress;
};

/* Grow the run's commit list by `id`.  0 or XFA_ERROR. */
int xfa_verify_push_id(struct vrun *r, const xfa_oid *id);

/* A finding of the run as a whole (no case), sorted after the commits'. */
int xfa_verify_add_run(struct vrun *r, int reason, const xfa_oid *commit,
		       const char *msg);

/*
 * Read and check every checkpoint given (verify_checkpoint.c): signature,
 * time, the history's relation to each head, equivocation between two of
 * one origin; fills r->cp, r->notes and, for --since, r->since_head.
 * Returns 0 or XFA_ERROR.
 */
int xfa_verify_checkpoints(struct vrun *r);

/*
 * The commits that prove the selected cases (verify_cases.c): their
 * events' commits found through the derived list, the chain checked
 * against the history; into r->ids.  Returns 0 or a code.
 */
int xfa_verify_select(struct vrun *r);

/* Record finding `reason` for commit `c`; returns 0 or XFA_ERROR. */
int xfa_verify_find(struct vc *c, int reason, const char *case_id, long seq,
		    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A store failure during a check: a finding, unless out of memory. */
int xfa_verify_soft(struct vc *c, int err, const char *case_id,
		    const char *path);

/* The change at `path`, or NULL. */
struct vchange *xfa_verify_change(struct vc *c, const char *path);

/*
 * Check the event of stream `s` (which has an added event file) in `c`,
 * marking the paths it accounts for.  Returns 0 or XFA_ERROR.
 */
int xfa_verify_event(struct vc *c, struct vstream *s);

/*
 * Record a finding (thread-safe).  `case_id`, `path` may be NULL, `seq` 0,
 * `commit` NULL.  Returns 0 or XFA_ERROR (out of memory).
 */
int xfa_verify_add(struct vshared *sh, int reason, const char *case_id,
		   long seq, const xfa_oid *commit, const char *path,
		   size_t order, size_t sub, const char *msg);

/* Record a failure that stops the run (the first one wins). */
void xfa_verify_fatal(struct vshared *sh, int code, const char *msg);

/*
 * The metadata (keyring, workflow, calendar) at `commit`, from the
 * thread's cache keyed by the id of the .xfa tree (archive.json and the
 * files it names); borrowed until VMETA_SLOTS - 1 more calls (least
 * recently used first out).  Returns 0 or a code.
 */
int xfa_verify_meta(const xfa_meta **out, struct vthread *t,
		    const xfa_oid *commit);

/* Pieces of verify_commit.c that verify_merge.c uses. */
int xfa_verify_on_change(const xfa_change *x, void *payload);  /* to c->ch */
int xfa_verify_group(struct vc *c);       /* streams of c->ch */
int xfa_verify_modes(struct vc *c);       /* bad-mode of c->ch */
int xfa_verify_leftovers(struct vc *c);   /* unaccounted-file of c->ch */
int xfa_verify_signature(struct vc *c);   /* the commit's SSHSIG and author */

/* A merge commit, judged per record (verify_merge.c). */
int xfa_verify_merge(struct vc *c);

/*
 * Check commit `id` (at place `order` of the walk) against its parent
 * alone, recording findings.  Returns 0, or XFA_ERROR when the run must
 * stop (out of memory).
 */
int xfa_verify_commit(struct vthread *t, const xfa_oid *id, size_t order);

#endif

/* merge.h - the per-record merge rule (SPEC 7.8a), shared by verify (which
 * judges merge commits) and sync (which writes them).
 *
 * A record is a case or risk folder, or the archive's own .xfa/ stream.
 * Its events chain by SHA-256 (each names the hash of the one before), so
 * two versions of a record agree on their first k events exactly when
 * their k-th event files are the same bytes.  For two commits c0, c1 and
 * each record they hold differently:
 *   - one side's stream is a prefix of the other's: the merge holds the
 *     longer side's folder exactly (TAKE0 / TAKE1);
 *   - neither is a prefix (DIVERGED): only a signed resolution settles it;
 *   - the same events but different folders, or a path outside any
 *     record (BAD): no merge holds it.
 * No merge base is needed, so any number of git merge bases (criss-cross
 * syncs between offices) gives the same answer, and a side that is an
 * ancestor of the other brings nothing.
 */
#ifndef XFA_MERGE_H
#define XFA_MERGE_H

#include "store.h"

enum { XFA_MERGE_TAKE0, XFA_MERGE_TAKE1, XFA_MERGE_DIVERGED, XFA_MERGE_BAD };

/* One record (or stray path) that c0 and c1 hold differently. */
typedef struct xfa_merge_rec {
	char dir[256];           /* the record's folder, or the stray path */
	char id[48];             /* the record's id ("archive" for .xfa) */
	xfa_oid tree[2];         /* its folder in c0 and c1; zero: absent */
	unsigned n[2];           /* its events in c0 and c1 */
	unsigned common;         /* how many first events both hold */
	int verdict;             /* XFA_MERGE_* */
	int seen;                /* free for the caller */
} xfa_merge_rec;

typedef struct xfa_merge_plan {
	xfa_oid c[2];
	xfa_merge_rec *r;        /* in the trees' path order */
	size_t n, cap;
	size_t hint;             /* where the last find stopped */
} xfa_merge_plan;

/*
 * The records commits c0 and c1 hold differently, each with its verdict.
 * Reads one tree diff and, per record, a few tree entries (a binary search
 * for the common prefix when they diverged).  Returns 0 or a code.
 */
int xfa_merge_plan_make(xfa_merge_plan *p, xfa_store *st, const xfa_oid *c0,
			const xfa_oid *c1);
void xfa_merge_plan_release(xfa_merge_plan *p);

/*
 * The plan's record whose folder is `dir`, or NULL.  Searches on from the
 * last one found, so lookups in path order cost one step each.
 */
xfa_merge_rec *xfa_merge_plan_find(xfa_merge_plan *p, const char *dir);

/*
 * The record folder `path` lies in: ".xfa" for .xfa/..., the folder
 * "cases/.../ID" or "risks/.../ID" (the first segment holding a '-' names
 * the id); 0, or -1 when the path lies in no record.  *id (may be NULL,
 * room for 48) receives the record's id.
 */
int xfa_merge_record_of(char *dir, size_t n, char *id, const char *path);

/* How many events (events/NNNNNN.json) record folder `dir` holds at `commit`. */
int xfa_merge_events(unsigned *out, xfa_store *st, const xfa_oid *commit,
		     const char *dir);

/* The blob of event `seq` of record `dir` at `commit`; zero when absent. */
int xfa_merge_event_id(xfa_oid *out, xfa_store *st, const xfa_oid *commit,
		       const char *dir, unsigned seq);

#endif

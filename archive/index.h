/* index.h - the derived case index beside the repository (<archive>/xfa-index):
 * one record per case for fast listing, brought up to date from the commits
 * since the indexed head (the changed cases go to a small overlay file,
 * xfa-index.overlay, until it is folded into the base), rebuilt when
 * missing, corrupt or stale.  Derived data: rebuildable from
 * refs/heads/main at any time, never read by verify. */
#ifndef XFA_INDEX_H
#define XFA_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "archive.h"

/* The index file's name inside the archive's folder. */
#define XFA_INDEX_FILE "xfa-index"
/* The overlay beside it: the cases changed since the base's head. */
#define XFA_INDEX_OVERLAY_FILE "xfa-index.overlay"

typedef struct xfa_index xfa_index;

/* One case as the index knows it.  Strings are borrowed from the index. */
typedef struct xfa_index_row {
	const char *id;
	const char *status;
	const char *unit;         /* "" when not set */
	const char *category;
	const char *lead;
	const char *received_at;
	const char *summary;      /* its first 16 characters, "…" if cut */
	int32_t overdue_from;     /* first day it counts as overdue; INT32_MAX: never */
} xfa_index_row;

/* A filter; NULL fields match anything. */
typedef struct xfa_index_query {
	const char *status, *unit, *category, *lead;
	int overdue;              /* only cases overdue on day `today` */
	long today;               /* days since 1970-01-01 */
} xfa_index_filter;

/* How xfa_index_open found the file (for tests and messages). */
enum {
	XFA_INDEX_CURRENT = 0,    /* up to date already */
	XFA_INDEX_UPDATED = 1,    /* brought forward from an older head */
	XFA_INDEX_REBUILT = 2,    /* missing, corrupt or stale: built anew */
	XFA_INDEX_SCANNED = 3     /* built in memory only (XFA_INDEX_NOFILE) */
};

/* Flags of xfa_index_open. */
#define XFA_INDEX_NOFILE 1    /* scan the archive; neither read nor write the file */

/*
 * The index of `a` at its current head: read from the file when current,
 * else updated (only the cases whose folders changed since the indexed
 * head are read again) or rebuilt, and written back atomically.  An update
 * writes only the overlay (the changed cases' records, naming the base it
 * applies to and the head it brings it to) and leaves the base file as it
 * is; an overlay past its bound is folded into a new base (patched or
 * rebuilt) and removed.  A damaged overlay, or one written for another
 * base or for a head that is no longer an ancestor, is ignored and made
 * again.  If the
 * file cannot be written (read-only archive) the up-to-date index is still
 * returned.  `how` (may be NULL) receives an XFA_INDEX_* state.  Free with
 * xfa_index_free.  Returns 0 or a code.
 */
int xfa_index_open(xfa_index **out, int *how, xfa_archive *a, int flags);

void xfa_index_free(xfa_index *ix);

/*
 * A base of at least `nrec` cases (default 10,000) brought forward over a
 * few changed cases (an overlay folded, or none usable) is patched: its records copied, the changed ones
 * replaced, new strings appended (a full build compacts them again once
 * they pass a quarter of the text).  Smaller ones are rebuilt whole, which
 * gives the same bytes as a fresh build.  For tests and benchmarks.
 */
void xfa_index_set_patch_min(size_t nrec);

/*
 * An update whose overlay would hold more than `nrec` cases (default: a
 * sixteenth of the base plus 64, at most 10,000) folds it into the base
 * instead; 0 always folds (no overlay).  (size_t)-1 restores the default.
 * For tests and benchmarks.
 */
void xfa_index_set_overlay_max(size_t nrec);

/* Number of cases indexed. */
size_t xfa_index_count(const xfa_index *ix);

/*
 * Call `fn` for each case matching `q`, in id order; stops when fn returns
 * non-zero and returns that.
 */
int xfa_index_query(const xfa_index *ix, const xfa_index_filter *q,
		    int (*fn)(const xfa_index_row *r, void *payload),
		    void *payload);

/* The row of case `id`.  XFA_ENOTFOUND if the index has no such case. */
int xfa_index_get(xfa_index_row *out, const xfa_index *ix, const char *id);

/* Is `r` overdue on day `today`? */
int xfa_index_row_overdue(const xfa_index_row *r, long today);

#endif

/* evmap.h - the derived list of which commit added each event file
 * (<archive>/xfa-evmap): the blob id of every events/NNNNNN.json that a
 * commit of main adds or changes (against its first parent), with the
 * oldest such commit.  Brought forward from the commits since its head,
 * rebuilt when missing, damaged or for a head that is no longer an
 * ancestor.  Derived data: `xfa verify ID` finds commits through it and
 * then proves, without trusting it, that they are the case's history. */
#ifndef XFA_EVMAP_H
#define XFA_EVMAP_H

#include "store.h"

#define XFA_EVMAP_FILE "xfa-evmap"

typedef struct xfa_evmap xfa_evmap;

/* How xfa_evmap_open found the file. */
enum {
	XFA_EVMAP_CURRENT = 0,   /* at the head already */
	XFA_EVMAP_UPDATED = 1,   /* brought forward over the new commits */
	XFA_EVMAP_REBUILT = 2    /* built from the whole history */
};

/*
 * The list at `head`: the file when current, else updated or (with
 * `rebuild`, or when it cannot be updated) rebuilt, and written back
 * atomically (a read-only archive still gets the list in memory).  `how`
 * (may be NULL) receives an XFA_EVMAP_* state.  Returns 0 or a code.
 */
int xfa_evmap_open(xfa_evmap **out, int *how, xfa_store *st,
		   const xfa_oid *head, int rebuild);

/* The commit that added event blob `blob`.  0 or XFA_ENOTFOUND. */
int xfa_evmap_find(xfa_oid *commit, const xfa_evmap *m, const xfa_oid *blob);

/* Number of events listed. */
size_t xfa_evmap_count(const xfa_evmap *m);

void xfa_evmap_free(xfa_evmap *m);

#endif

/* sync_int.h - the inside of sync: the merge's signer and the signed
 * resolution events a resolution merge carries (sync_resolve.c).  Not a
 * public header. */
#ifndef XFA_SYNC_INT_H
#define XFA_SYNC_INT_H

#include "archive.h"
#include "merge.h"

/* What a merge being written needs: its signer, its time, its metadata
 * and the files its resolution events add. */
struct sync_res {
	xfa_meta meta;           /* the metadata the merge holds */
	int has_meta;
	xfa_stamp now;           /* the merge's and its events' time */
	int64_t clock;           /* this machine's clock */
	char fpr[XFA_FPR_SIZE];
	const char *roles[16];
	xfa_tree_up *u;          /* event, signature and document of each */
	size_t n, cap;
};

/*
 * The signer of a merge whose metadata is that of `meta_at`: *who from the
 * keyring, the time now.  XFA_EAUTH when the key is not in the keyring or
 * holds no role that may integrate (archive.json "integrators").
 */
int xfa_sync_signer(struct sync_res *rs, xfa_ident *who, xfa_store *st,
		    const xfa_oid *meta_at, const xfa_key *key);

/*
 * The resolution of diverged record `r` of plan `mp`: a "note" event,
 * chained on the kept side's last event (the remote's when keep_remote),
 * whose "resolution" lists every discarded event of the other side; its
 * files are added to rs->u.  Returns 0 or a code.
 */
int xfa_sync_resolution(struct sync_res *rs, xfa_archive *a, const xfa_key *key,
			const xfa_merge_plan *mp, const xfa_merge_rec *r,
			int keep_remote, const char *remote);

/*
 * May a diverged .xfa stream `r` be joined by a keyring-merge (keeping the
 * local side): are the remote's events after the common prefix key-add
 * and key-revoke only?  1 or 0, or a code.
 */
int xfa_sync_meta_mergeable(xfa_store *st, const xfa_merge_plan *mp,
			    const xfa_merge_rec *r);

/*
 * The keyring-merge event joining diverged .xfa record `r`: local's stream
 * plus an admin-signed event carrying the remote's keys and revocations
 * (remote_doc: the remote's archive.json) and listing the remote's events
 * after the common prefix.  XFA_EAUTH unless the signer is an admin.
 */
int xfa_sync_keyring_merge(struct sync_res *rs, xfa_archive *a, const xfa_key *key,
			   const xfa_merge_plan *mp, const xfa_merge_rec *r,
			   const json_t *remote_doc, const char *remote);

/*
 * Move rs->now up to the time of the last event of side `keep` of record
 * r when another office's clock put it ahead of ours (within the skew, so
 * each stream stays in order and every event of the merge has the merge's
 * time); XFA_EINVALID beyond the skew.
 */
int xfa_sync_resolution_time(struct sync_res *rs, xfa_store *st,
			     const xfa_merge_plan *mp, const xfa_merge_rec *r,
			     int keep);

void xfa_sync_res_release(struct sync_res *rs);

#endif

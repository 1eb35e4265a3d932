/* sync.h - exchanging an archive's history with other archives through
 * ordinary git remotes (SPEC section 10): clone, fetch, verify, integrate
 * (fast-forward, or a signed merge of disjoint cases), push with retries,
 * conflicts kept aside, and their signed resolution.
 *
 * Rules (see also cli/xfa.1, "xfa sync"):
 *  - a fetched history is verified in full (xfa_verify_run, trusting this
 *    archive's own root key) before anything of it is integrated; if it
 *    fails, nothing is integrated (XFA_SYNC_REFUSED);
 *  - a stream is one case folder, or .xfa/ (the keyring and configuration);
 *    when both sides changed disjoint streams since their common ancestor,
 *    the merge commit (parents: local, remote) has exactly the union tree
 *    and is signed by the local user;
 *  - when both changed the same stream to different contents, nothing is
 *    merged: the remote head is kept under refs/xfa/conflicts/<remote>/<case>
 *    ("archive" for .xfa/) and the conflict is reported (XFA_SYNC_CONFLICT);
 *  - a resolution (xfa_sync_resolve) is a merge commit (parents: local,
 *    remote) whose tree is the union except in the resolved case's folder,
 *    which is the kept side's folder plus one new "note" event chained on
 *    the kept side's last event, whose note begins "resolve: keep local" or
 *    "resolve: keep remote" and lists "#<seq> <sha256>" of every discarded
 *    event of the other side.  The message is the event's, as for any
 *    event commit ("<case> #<seq> note: resolve ...").
 */
#ifndef XFA_SYNC_H
#define XFA_SYNC_H

#include <jansson.h>

#include "archive.h"

/* How many times a push rejected as non-fast-forward is retried. */
#define XFA_SYNC_TRIES 5

/* The git config key holding this clone's office code. */
#define XFA_OFFICE_KEY "xfa.office"

enum {
	XFA_SYNC_UPTODATE = 0,    /* the remote had nothing new */
	XFA_SYNC_FASTFORWARD,     /* main moved to the remote's head */
	XFA_SYNC_MERGED,          /* a signed union merge was made */
	XFA_SYNC_RESOLVED,        /* a signed resolution merge was made */
	XFA_SYNC_CONFLICT,        /* both changed the same case: not merged */
	XFA_SYNC_REFUSED          /* the remote's history failed verification */
};

/* What a sync did.  Release with xfa_sync_result_release. */
typedef struct xfa_sync_result {
	int outcome;             /* XFA_SYNC_* of the last integration */
	int pushed;              /* 1 if the remote's main now equals ours */
	unsigned attempts;       /* fetch-integrate-push rounds */
	xfa_oid head;            /* local main afterwards */
	xfa_oid remote;          /* the remote head last fetched (zero if none) */
	json_t *conflicts;       /* [{case, ref, base_seq, local: [events],
				  *   remote: [events]}], each event {seq, type,
				  *   from, to, at, by, sha256}; or NULL */
	json_t *report;          /* the verification report of a refused
				  * history, or NULL */
} xfa_sync_result;

void xfa_sync_result_release(xfa_sync_result *r);

/*
 * Create the archive `dir` as a clone of `url`: a bare repository with
 * remote "origin", this clone's office code `office` (1-8 of A-Z0-9) in
 * its git configuration, and main set to the remote's verified main.  On
 * failure nothing is left at `dir`.  *report (may be NULL) receives the
 * verification report when the remote is refused (XFA_EBADSIG).  Other
 * codes: XFA_ENOTFOUND (no repository at a local path), XFA_EINVALID (not
 * an xfa archive, no main, an empty repository, a URL holding a password),
 * XFA_EAUTH (credentials refused, host key or certificate not trusted),
 * XFA_EIO (unreachable, or another transport failure).
 */
int xfa_sync_clone(json_t **report, const char *url, const char *dir,
		   const char *office);

/* Check an office code: 1-8 characters of A-Z and 0-9.  0 or XFA_EINVALID. */
int xfa_sync_office_check(const char *office);

/*
 * Fetch `remote`, integrate its main into ours, and (with `push`) push the
 * result, retrying a rejected push up to XFA_SYNC_TRIES times after a new
 * fetch and integration.  `key` signs merges.  Returns 0 with the outcome in
 * *res (including XFA_SYNC_CONFLICT and XFA_SYNC_REFUSED), or a code:
 * XFA_ENOTFOUND (no such remote), XFA_EAUTH (key not in the keyring, or
 * the server refused the credentials or is not trusted), XFA_EINVALID
 * (unrelated histories; the remote is not an xfa archive or has refs but no
 * main), XFA_ECONFLICT (still rejected after the retries), XFA_EIO
 * (unreachable; a push the server refused for a reason of its own).  A
 * fetched main moves the tracking ref only once it is found an archive's.
 */
int xfa_sync_run(xfa_sync_result *res, xfa_archive *a, const char *remote,
		 const xfa_key *key, int push);

/*
 * Resolve the conflicts with `remote` on the cases `ids` (all of the
 * conflicting cases must be named), keeping the local (keep_remote = 0) or
 * the remote version of each, as one signed resolution merge (see above);
 * then push as xfa_sync_run does.  XFA_ENOTFOUND if a named case is not in
 * conflict, XFA_EINVALID if a conflicting case is not named or the
 * conflict is on .xfa/.
 */
int xfa_sync_resolve(xfa_sync_result *res, xfa_archive *a, const char *remote,
		     const char *const *ids, size_t nids, int keep_remote,
		     const xfa_key *key, int push);

#endif

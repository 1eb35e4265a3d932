/* export.h - filing transfer 归档移交 (SPEC section 8): closed cases written
 * as one signed BagIt package (tar or zip) with their 档号 (DA/T 22), the
 * keys, the verification report, the inventory and the four-property
 * report (DA/T 70); the `archived` events; and the offline check of a
 * package (`xfa verify-export`). */
#ifndef XFA_EXPORT_H
#define XFA_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#include "archive.h"
#include "bagit.h"

/* SSHSIG namespace of the archivist's signature over the tag manifest. */
#define XFA_EXPORT_NS "xfa-export"

/* What to export. */
typedef struct xfa_export_opts {
	const char *const *ids;  /* the cases, or NULL/nids 0 with `closed` */
	size_t nids;
	int closed;              /* every archivable case not yet archived */
	int force;               /* export cases that are not archivable */
	const char *out;         /* FILE.tar or FILE.zip; must not exist */
	int threads;             /* for the verification; 0: all cores */
	/* called after each case is written to the package (done of total),
	 * from the calling thread; NULL: none (the CLI shows it on a terminal) */
	void (*progress)(size_t done, size_t total, void *payload);
	void *payload;
} xfa_export_opts;

/*
 * Export cases of `a` to the package o->out, signed by `key` (which must
 * hold the archivist role now), then append one `archived` event per
 * archivable case naming the package's SHA-256, as one batch.  The package
 * is written to an unnamed file (O_TMPFILE) in the target folder, synced,
 * and linked into place only once the events are ready; the events appear only once
 * the package is in place.  On failure there is no package and no event.
 * *result (a new reference) is {"package", "sha256", "bytes", "head",
 * "cases": [{"id", "reference", "retention", "status", "reexport",
 * "forced", "archived_seq"}], "forced": [ids], "reexported": [ids]}.
 * Returns 0, XFA_ENOTFOUND (no such case), XFA_EEXISTS (the package
 * exists), XFA_EINVALID (a case not archivable, failing verification, or
 * nothing to export; the message lists them), XFA_EAUTH, XFA_ECONFLICT,
 * XFA_EIO or XFA_ERROR.
 */
int xfa_export_run(json_t **result, xfa_archive *a, const xfa_key *key,
		   const xfa_export_opts *o);

/*
 * Check the package at `path` offline (no archive needed), reading it
 * through libarchive without extracting: a hostile container (see
 * xfa_bag_read; `lim` may be NULL for the defaults), BagIt completeness
 * and validity, the archivist's signature over the tag manifest (a key of
 * the package's keyring holding the archivist role), every case's events:
 * schema, signature by a keyring key, sequence and hash chain, replay
 * equal to case.json, attachments against their records, and the package's
 * documents against their schemas.  With `trust` (a fingerprint, or
 * NULL) the tag manifest must be signed by that key: the package's own
 * keyring is then not the only anchor.  *report (new reference):
 * {"package", "ok", "bag", "signer", "cases", "events", "attachments",
 * "files", "bytes", "findings": [{"file", "reason", "message"}]}.
 * Findings do not fail the call.  Returns 0, XFA_ENOTFOUND (no such file)
 * or XFA_ERROR.
 */
int xfa_export_verify(json_t **report, const char *path,
		      const xfa_bag_limits *lim, const char *trust);

/* --- shared by export.c and export_docs.c (not for other callers) ---- */

/* 保管期限 of case document `doc` by the rules of archive document `conf`
 * ("retention", first match wins; else "retention_default"; else D30). */
const char *xfa_export_retention(const json_t *conf, const json_t *doc);

/* Record in `used` ({"<档号 prefix>": highest item number}) the 档号 of
 * every package case document `doc` was filed in. */
void xfa_export_note_refs(json_t *used, const json_t *doc);

/* xfa_export_note_refs for every case document at `head`. */
int xfa_export_used_refs(json_t *used, xfa_store *st, const xfa_oid *head);

/* The latest 档号 case document `doc` was filed under, or NULL; borrowed. */
const char *xfa_export_last_ref(const json_t *doc);

/*
 * The next 档号 for case `id` (全宗号-门类代码·年度-保管期限[-机构代码]-件号,
 * the year being the case id's): one more than the prefix's number in
 * `used`, which is updated.  Returns 0 or XFA_EINVALID (past 9999).
 */
int xfa_export_next_ref(char *out, size_t n, const json_t *conf, const char *id,
			const char *retention, json_t *used);

/* Inventory 归档文件目录 as CSV and as an A4 HTML page, malloc'd. */
int xfa_export_inventory(char **csv, char **html, const json_t *manifest);

/* The four-property (DA/T 70) report of an export, a new reference. */
json_t *xfa_export_four(const json_t *manifest, const json_t *verify_report);

/* The same as text a person reads, malloc'd. */
char *xfa_export_four_text(const json_t *four);

#endif

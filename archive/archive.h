/* archive.h - an open archive: its store, its metadata (configuration,
 * keyring, workflow, calendar) as of a commit, creation, and the loop that
 * appends one signed event as one commit, retrying when the head moves. */
#ifndef XFA_ARCHIVE_H
#define XFA_ARCHIVE_H

#include <jansson.h>

#include "calendar.h"
#include "event.h"
#include "key.h"
#include "stamp.h"
#include "store.h"
#include "workflow.h"

typedef struct xfa_archive xfa_archive;

/*
 * A register of records kept in the archive: petition cases under "cases/",
 * risk items of the dispute-risk ledger 矛盾纠纷台账 under "risks/".  Both
 * have the same folder layout and events; each has its id prefix, workflow
 * and document schema (see xfa_kind_of_dir in case.h).
 */
typedef struct xfa_kind {
	const char *name;         /* "case" or "risk" */
	const char *root;         /* "cases" or "risks" */
	const char *prefix;       /* the id prefix; NULL: no such register */
	const char *schema;       /* the document schema */
	const xfa_workflow *wf;   /* its workflow; NULL: no such register here */
	const char *why;          /* why wf is NULL */
} xfa_kind;

#define XFA_KIND_CASE 0
#define XFA_KIND_RISK 1

/* The archive's metadata as of one commit. */
typedef struct xfa_meta {
	json_t *doc;           /* .xfa/archive.json */
	xfa_workflow *wf;      /* the workflow it names */
	xfa_workflow *ledger;  /* the risk ledger's workflow ("ledger"), or NULL */
	xfa_kind kinds[2];     /* XFA_KIND_CASE, XFA_KIND_RISK (pointers into the above) */
	xfa_calendar *cal;     /* the holiday calendar it names */
	int off;               /* its UTC offset in minutes */
	int64_t skew;          /* the clock skew allowed, in seconds
				* (clock_skew_minutes, default 10 min) */
	xfa_oid doc_blob;      /* id of archive.json, to cache by */
} xfa_meta;

/* The clock skew allowed when clock_skew_minutes is absent (SPEC 7.8b). */
#define XFA_SKEW_DEFAULT (10 * 60)

/*
 * May a key holding `roles` (NULL-terminated) sign a merge, by the
 * archive document's "integrators" (default admin and clerk)?  1 or 0.
 */
int xfa_meta_may_integrate(const json_t *doc, const char *const *roles);

/* Load the metadata at `commit`.  XFA_EINVALID if not an xfa archive. */
int xfa_meta_load(xfa_meta *m, xfa_store *st, const xfa_oid *commit);

/* Read and parse the file `name` of .xfa/attachments into *out (new ref). */
typedef int (*xfa_meta_file_fn)(json_t **out, const char *name, void *payload);

/*
 * The metadata of archive document `doc` (stolen, also on failure), the
 * files it names (workflow, calendar, ledger) read through `file`: how
 * xfa_meta_load reads a commit, and verify-export a package.  doc_blob is
 * left zero.  Returns 0 or XFA_EINVALID/XFA_ENOTFOUND/XFA_ERROR.
 */
int xfa_meta_from_doc(xfa_meta *m, json_t *doc, xfa_meta_file_fn file,
		      void *payload);
void xfa_meta_release(xfa_meta *m);

/* What `xfa init` needs. */
typedef struct xfa_init_opts {
	const char *name;        /* bureau, e.g. "沽源县信访局" */
	const char *fonds;       /* 全宗号 */
	const char *prefix;      /* case-id prefix, default "XF" */
	const char *office;      /* office code for ids, or NULL */
	const char *utc_offset;  /* default "+08:00" */
	const char *admin_name;  /* the root key's holder */
	const char *admin_email; /* may be NULL */
} xfa_init_opts;

/*
 * Create an archive at `path` (which must not exist or be empty): a bare
 * repository whose first commit, signed by `admin`, holds .xfa/ with the
 * configuration, the keyring (admin as root of trust) and the shipped
 * workflow and calendar.  On failure nothing is left behind.
 */
int xfa_archive_create(xfa_archive **out, const char *path,
		       const xfa_init_opts *o, const xfa_key *admin);

/* Open an existing archive.  XFA_ENOTFOUND, XFA_EINVALID (not an xfa archive). */
int xfa_archive_open(xfa_archive **out, const char *path);
void xfa_archive_free(xfa_archive *a);

/* Borrowed. */
xfa_store *xfa_archive_store(xfa_archive *a);

/* The metadata at the current head (loaded on first use, borrowed). */
int xfa_archive_meta(const xfa_meta **out, xfa_archive *a);

/* One attempt's view, handed to a builder by xfa_archive_append. */
typedef struct xfa_append_ctx {
	xfa_archive *a;
	xfa_txn *tx;
	const xfa_oid *base;     /* NULL for the first commit */
	xfa_meta *meta;          /* as of base (NULL for the first commit) */
	xfa_stream stream;       /* the stream, once xfa_append_stream loaded it */
	int has_stream;
	const char *roles[16];   /* the signer's roles now, NULL-terminated */
	xfa_stamp now;
	json_t *ev;              /* the event being built */
	const char *doc_schema;  /* set by the builder: overrides the append's */
} xfa_append_ctx;

/*
 * Build the event `ev` (which holds "at" and "by") for this attempt: first
 * call xfa_append_stream to say which stream it goes to, then set type, to,
 * patch, note, effective, role and attachments and check them against the
 * rules.  Returns 0 or a code, which ends the append.
 */
typedef int (*xfa_build_fn)(json_t *ev, xfa_append_ctx *c, void *payload);

/*
 * Load the stream in `dir` (document `docname`) as of the attempt's base,
 * and set the event's "case", "seq" and "prev".  `name` is the case id or
 * "archive".  Returns 0 or a code.
 */
int xfa_append_stream(xfa_append_ctx *c, const char *name, const char *dir,
		      const char *docname);

/* What to append. */
typedef struct xfa_append {
	const char *doc_schema;  /* schema the new document must satisfy */
	xfa_build_fn build;
	void *payload;
	const xfa_staged *att;   /* attachments to stage with the event */
	size_t natt;
} xfa_append;

/*
 * Append one event signed by `key` to a stream as one signed commit.
 * Retries on a new head when another writer won the race, up to a bound;
 * then XFA_ECONFLICT.  `out_seq` (may be NULL) receives the event number.
 */
int xfa_archive_append(xfa_oid *out_commit, unsigned *out_seq, xfa_archive *a,
		       const xfa_key *key, const xfa_append *ap);

/*
 * A batch: several events, each its own signed commit, published with one
 * compare-and-swap of refs/heads/main, so that all of them appear or none
 * does (export's archived events, bulk import).  Each append builds on the
 * previous one; nothing is visible before xfa_batch_publish, which returns
 * XFA_ECONFLICT if another writer moved the head meanwhile (start again).
 */
typedef struct xfa_batch xfa_batch;
int xfa_batch_begin(xfa_batch **out, xfa_archive *a);
int xfa_batch_append(xfa_oid *out_commit, unsigned *out_seq, xfa_batch *b,
		     const xfa_key *key, const xfa_append *ap);
int xfa_batch_publish(xfa_batch *b);
void xfa_batch_free(xfa_batch *b);

#endif

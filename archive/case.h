/* case.h - petition cases: ids and folders, registration, moves and other
 * signed events (one event, one commit), and reading cases back. */
#ifndef XFA_CASE_H
#define XFA_CASE_H

#include <jansson.h>

#include "archive.h"

#define XFA_CASE_DOC "case.json"
#define XFA_CASE_ID_MAX 40

/*
 * The folder of case `id`: "cases/<YYYY>/[<OFFICE>/]<ab>/<cd>/<id>" where
 * ab and cd are the first four digits of its number, so that no folder
 * holds more than a hundred entries.  Returns 0 or XFA_EINVALID (not a
 * case id of the form PREFIX-YYYY-[OFFICE-]NNNNNN).
 */
int xfa_case_dir(char *out, size_t n, const char *id);

/*
 * The same as xfa_case_dir, in the register folder that `path` starts in
 * ("cases/..." or "risks/..."): what verify uses to check that a stream
 * is where its id puts it.  XFA_EINVALID for another folder or a bad id.
 */
int xfa_case_dir_under(char *out, size_t n, const char *path, const char *id);

/*
 * The register (xfa_kind in archive.h) of the stream in folder `dir`
 * ("cases/2026/00/00/XF-2026-000001", "risks/..."): its document schema
 * and workflow.  Never NULL; `m` may be NULL (no workflow then).  Its `wf`
 * is NULL, with `why` saying so, when the archive keeps no such register
 * or the id in `dir` does not carry the register's prefix (a risk id under
 * cases/, a case id under risks/).  Borrowed from `m` or static.
 */
const xfa_kind *xfa_kind_of_dir(const xfa_meta *m, const char *dir);

/* The register of record `id`: the ledger's when the id carries its prefix,
 * else the cases'.  Never NULL; borrowed. */
const xfa_kind *xfa_kind_of_id(const xfa_meta *m, const char *id);

/* The folder of record `id` (case or risk item) under `m`. */
int xfa_record_dir(char *out, size_t n, const xfa_meta *m, const char *id);

/* What a case event carries besides its type. */
typedef struct xfa_case_opts {
	const char *note;          /* free text, or NULL */
	const char *effective;     /* when it happened: RFC 3339 time or date; NULL: now */
	const char *role;          /* the role to act in; NULL: the first allowed */
	const json_t *patch;       /* the user's fields (merge patch); borrowed, may be NULL */
	const char *const *attach; /* "KIND:PATH" specs */
	size_t nattach;
	int internal;              /* allow steps reserved to xfa itself (archive) */
} xfa_case_opts;

/*
 * Check the clerk's document `input` as xfa_case_register will, before
 * anything else (a caller can refuse a bad file before unlocking a key).
 * Returns 0 or XFA_EINVALID.
 */
int xfa_case_check_input(const json_t *input);

/*
 * Register a new case from the clerk's document `input` (borrowed; checked
 * against schemas/case-input.schema.json).  Allocates the next id, issues a
 * query code, and writes event 1 (register) with the attachments.
 * *out_id and *out_code are malloc'd.  The code is shown once: only its hash
 * is stored.  Returns 0 or a code (XFA_EINVALID, XFA_EAUTH, XFA_ENOTFOUND,
 * XFA_ECONFLICT, XFA_EIO).
 */
int xfa_case_register(char **out_id, char **out_code, xfa_archive *a,
		      const xfa_key *key, const json_t *input,
		      const xfa_case_opts *o);

/*
 * The same as xfa_case_register, inside a batch (see archive.h; bulk import,
 * benchmarks): the case is built on the batch's tip and appears only when
 * the batch is published.  No attachments (XFA_EINVALID).
 */
int xfa_case_register_batch(char **out_id, char **out_code, xfa_batch *b,
			    const xfa_key *key, const json_t *input,
			    const xfa_case_opts *o);

/*
 * Register a new risk item 矛盾纠纷 on the archive's ledger from `input`
 * (borrowed): the same as xfa_case_register with the ledger's prefix,
 * folder (risks/), workflow and schema (risk.schema.json), and no query
 * code.  XFA_EINVALID if the archive keeps no ledger.  xfa_case_move,
 * _record, _load and _events take risk ids as well as case ids.
 */
int xfa_risk_register(char **out_id, xfa_archive *a, const xfa_key *key,
		      const json_t *input, const xfa_case_opts *o);

/* Move case `id` to state `to` under the workflow.  *out_seq: the event number. */
int xfa_case_move(unsigned *out_seq, xfa_archive *a, const xfa_key *key,
		  const char *id, const char *to, const xfa_case_opts *o);

/*
 * The same as xfa_case_move, inside a batch (see archive.h): the move is
 * built on the batch's tip and appears only when the batch is published.
 */
int xfa_case_move_batch(unsigned *out_seq, xfa_batch *b, const xfa_key *key,
			const char *id, const char *to, const xfa_case_opts *o);

/* Record a status-free event (attach, amend, note, supervise, urge, ...). */
int xfa_case_record(unsigned *out_seq, xfa_archive *a, const xfa_key *key,
		    const char *id, const char *type, const xfa_case_opts *o);

/*
 * Build the status-free event `type` (no attachments) on record `id` in the
 * append context `c` (see archive.h), reading the record as of c->base: an
 * xfa_build_fn's work, for writers that stage the event themselves (a sync
 * resolution).  Returns 0 or a code.
 */
int xfa_case_build_event(json_t *ev, xfa_append_ctx *c, const char *id,
			 const char *type, const xfa_case_opts *o);

/* The same as xfa_case_record, inside a batch; no attachments. */
int xfa_case_record_batch(unsigned *out_seq, xfa_batch *b, const xfa_key *key,
			  const char *id, const char *type, const xfa_case_opts *o);

/* The current document of case `id` (new reference).  XFA_ENOTFOUND. */
int xfa_case_load(json_t **out, xfa_archive *a, const char *id);

/*
 * The case.json of the case (or risk item) in folder `dir` at `commit`,
 * parsed (new reference; NULL on failure).  Returns 0, XFA_ENOTFOUND (no
 * such file), XFA_EINVALID (not JSON) or a store code.
 */
int xfa_case_doc_at(json_t **out, xfa_store *st, const xfa_oid *commit,
		    const char *dir);

/* The events of case `id`, in order, as a new JSON array. */
int xfa_case_events(json_t **out, xfa_archive *a, const char *id);

/*
 * Call `fn` for every case folder in the archive at `commit`, in id order.
 * Stops when fn returns non-zero and returns that.
 */
int xfa_case_each(xfa_store *st, const xfa_oid *commit,
		  int (*fn)(const char *id, const char *dir, void *payload),
		  void *payload);

/* The same as xfa_case_each over the risk items (risks/). */
int xfa_risk_each(xfa_store *st, const xfa_oid *commit,
		  int (*fn)(const char *id, const char *dir, void *payload),
		  void *payload);

/* A new query code: 80 random bits as XXXX-XXXX-XXXX-XXXX (Crockford base32). */
void xfa_case_new_code(char out[20]);

/* The hash under which a query code is stored (64 hex + NUL). */
void xfa_case_query_hash(char out[65], const char *code);

/*
 * The id of the case whose query code is `code`, malloc'd in *out_id.
 * XFA_ENOTFOUND if none.
 */
int xfa_case_find_code(char **out_id, xfa_archive *a, const char *code);

#endif

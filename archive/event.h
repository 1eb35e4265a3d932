/* event.h - signed events: the state of a record stream (one case, or the
 * archive's own metadata in .xfa/), replay, parsing, and staging one signed
 * event with its document and attachments into a transaction. */
#ifndef XFA_EVENT_H
#define XFA_EVENT_H

#include <jansson.h>

#include "key.h"
#include "store.h"

/* SSHSIG namespace of event signatures. */
#define XFA_EVENT_NS "xfa-event"
/* The archive's own stream: its folder, document and case name. */
#define XFA_META_DIR ".xfa"
#define XFA_META_DOC "archive.json"
#define XFA_META_NAME "archive"
/* Largest event or document file xfa reads. */
#define XFA_EVENT_MAX (1 << 20)

/* A stream as of one commit: its folder, document and last event. */
typedef struct xfa_stream {
	char dir[256];          /* e.g. "cases/2026/00/00/XF-2026-000001" */
	char docname[32];       /* "case.json" or "archive.json" */
	json_t *doc;            /* the current document; NULL for a new stream */
	unsigned seq;           /* the last event's number; 0 for a new stream */
	char prev[65];          /* hex SHA-256 of the last event file; "" if none */
	json_t *last;           /* the last event; NULL for a new stream */
} xfa_stream;

/*
 * Load the stream in `dir` as of `commit` (NULL commit: a new stream).
 * A missing folder gives an empty stream (seq 0).  Returns 0, XFA_EINVALID
 * (a stored file is malformed), or XFA_EIO.
 */
int xfa_stream_load(xfa_stream *s, xfa_store *st, const xfa_oid *commit,
		    const char *dir, const char *docname);
void xfa_stream_release(xfa_stream *s);

/* "<dir>/events/000042.json" (ext "json") or ".sig" (ext "sig"). */
void xfa_event_path(char *out, size_t n, const char *dir, unsigned seq,
		    const char *ext);

/*
 * The document after event `ev` (both borrowed), as a new reference:
 * merge the patch, set "status" to "to" when there is one, append the
 * event's attachments.  `doc` may be NULL (a new stream).
 */
json_t *xfa_event_replay(const json_t *doc, const json_t *ev);

/*
 * Parse and check an event file: strict JSON and schemas/event.schema.json.
 * `what` names it in messages.  Returns 0 or XFA_EINVALID.
 */
int xfa_event_parse(json_t **out, const char *buf, size_t len, const char *what);

/* The signer of an event: a key and its keyring record. */
typedef struct xfa_signer {
	const xfa_key *key;
	char fpr[XFA_FPR_SIZE];
	const char *name;        /* for the commit's author line */
	const char *principal;   /* for the commit's author e-mail */
} xfa_signer;

/* An attachment ready to stage: its record and the blob already written. */
typedef struct xfa_staged {
	json_t *rec;             /* {name, kind, media_type, size, sha256}; owned */
	xfa_oid blob;
} xfa_staged;

/*
 * Sign `ev` (namespace xfa-event), check and serialise it and `newdoc`, and
 * stage into `tx`: the event file, its .sig, the document, and the blobs of
 * `att` under "<dir>/attachments/<name>"; then write the commit on the
 * transaction's tip (xfa_txn_next), signed in git's SSH format by the same
 * key, with the event's "at" as the commit time.  The caller publishes it
 * with xfa_txn_publish.  Returns 0 or a code.
 */
int xfa_event_commit(xfa_oid *out_commit, xfa_txn *tx, const xfa_stream *s,
		     const json_t *ev, const json_t *newdoc,
		     const xfa_staged *att, size_t natt, const xfa_signer *sg);

/*
 * The commit message of event `ev` whose file hashes to `hash` (hex):
 * "XF-2026-000001 #3 assign: accepted -> assigned\n\nevent-sha256: ...\n"
 * (no " from -> to" for an event that changes no state).  Malloc'd; NULL
 * when out of memory.  verify requires exactly this message.
 */
char *xfa_event_message(const json_t *ev, const char *hash);

/* Sign through xfa_sshsig_sign in namespace "git" (an xfa_sign_fn; payload is the xfa_key). */
int xfa_event_sign_git(char **armor, const unsigned char *buf, size_t len,
		       void *payload);

#endif

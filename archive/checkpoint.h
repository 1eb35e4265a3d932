/* checkpoint.h - signed statements of an archive's head in the C2SP
 * signed-note form: "<origin>\n<commits>\n<head>\n<RFC 3339 time>\n", a
 * blank line, then "— <keyname> <base64(keyID[4] || Ed25519 signature)>\n"
 * with keyname = the signer's principal.
 *
 * The origin names the archive and the replica the checkpoint describes:
 * "xfa-checkpoint/<fonds>/<name>" for an archive with no office code (the
 * bureau's own, "main"), "xfa-checkpoint/<fonds>/<name>/<office>" for an
 * office's clone (git config xfa.office, 1-8 of A-Z0-9).  Offices reach the
 * same commit count with different heads, so only checkpoints of one
 * origin are ever compared with each other. */
#ifndef XFA_CHECKPOINT_H
#define XFA_CHECKPOINT_H

#include <jansson.h>
#include <stddef.h>

#include "key.h"
#include "stamp.h"
#include "store.h"

/* Origin prefix of every xfa checkpoint. */
#define XFA_CHECKPOINT_ORIGIN "xfa-checkpoint"

/* A checkpoint whose signature verified. */
typedef struct xfa_checkpoint {
	char origin[640];
	char office[16];              /* its office code; "" for the bureau */
	size_t count;                 /* commits on main at the head */
	xfa_oid head;
	char time[XFA_STAMP_SIZE];
	char signer[XFA_FPR_SIZE];    /* the keyring key that signed it */
} xfa_checkpoint;

/* The number of commits reachable from `head` (git rev-list --count). */
int xfa_checkpoint_count(size_t *out, xfa_store *st, const xfa_oid *head);

/*
 * The origin line of the archive document `archive_doc` (borrowed) for
 * office `office` (NULL or "": the bureau's) into `out`.  Returns 0 or
 * XFA_EINVALID (a control character or '/' in the name, a bad office
 * code, or too long).
 */
int xfa_checkpoint_origin(char *out, size_t n, const json_t *archive_doc,
			  const char *office);

/*
 * The office code of the replica `st` (git config xfa.office) into `out`
 * (at least 16 bytes), "" when it has none.  Returns 0 or XFA_EIO.
 */
int xfa_checkpoint_office(char *out, size_t n, xfa_store *st);

/*
 * A checkpoint of `st`'s current head (with st's office in its origin),
 * signed by `k`, which must be a key
 * of `archive_doc`'s keyring valid now.  *out is the note, malloc'd.
 * Returns 0, XFA_EAUTH (not in the keyring, revoked, not yet valid),
 * XFA_EINVALID (a principal with a space or '+'), XFA_ENOTFOUND (no
 * history), XFA_EIO or XFA_ERROR.
 */
int xfa_checkpoint_make(char **out, xfa_store *st, const json_t *archive_doc,
			const xfa_key *k);

/*
 * Parse the note `text` and verify its signatures against the keys of
 * `archive_doc`: signature lines of unknown keys are ignored, a known key
 * whose signature fails rejects the note, and at least one key of the
 * keyring, valid at the note's time, must have signed.  The origin must
 * be this archive's fonds and name, with or without an office code
 * (out->office).  Returns 0, XFA_EINVALID (malformed, another
 * archive) or XFA_EBADSIG (a bad signature, or none by a known key).
 */
int xfa_checkpoint_read(xfa_checkpoint *out, const char *text, size_t len,
			const json_t *archive_doc);

#endif

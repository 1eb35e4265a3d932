/* checkpoint.h - signed statements of an archive's head in the C2SP
 * signed-note form: "xfa-checkpoint/<fonds>/<name>\n<commits>\n<head>\n
 * <RFC 3339 time>\n", a blank line, then "— <keyname> <base64(keyID[4] ||
 * Ed25519 signature)>\n" with keyname = the signer's principal. */
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
	size_t count;                 /* commits on main at the head */
	xfa_oid head;
	char time[XFA_STAMP_SIZE];
	char signer[XFA_FPR_SIZE];    /* the keyring key that signed it */
} xfa_checkpoint;

/* The number of commits reachable from `head` (git rev-list --count). */
int xfa_checkpoint_count(size_t *out, xfa_store *st, const xfa_oid *head);

/*
 * The origin line of the archive document `archive_doc` (borrowed):
 * "xfa-checkpoint/<fonds>/<name>" into `out`.  Returns 0 or XFA_EINVALID
 * (a control character, or too long).
 */
int xfa_checkpoint_origin(char *out, size_t n, const json_t *archive_doc);

/*
 * A checkpoint of `st`'s current head, signed by `k`, which must be a key
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
 * be this archive's fonds.  Returns 0, XFA_EINVALID (malformed, another
 * archive) or XFA_EBADSIG (a bad signature, or none by a known key).
 */
int xfa_checkpoint_read(xfa_checkpoint *out, const char *text, size_t len,
			const json_t *archive_doc);

#endif

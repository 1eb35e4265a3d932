/* keyring.h - who may sign: the keys of the archive document
 * (.xfa/archive.json "keys"), their roles and validity, the rules for
 * changing them, and git's allowed-signers form. */
#ifndef XFA_KEYRING_H
#define XFA_KEYRING_H

#include <jansson.h>
#include <stdint.h>

#include "key.h"

/* Every role a key may hold, NULL-terminated. */
extern const char *const xfa_roles[];

/* Is `role` one of xfa_roles? */
int xfa_role_valid(const char *role);

/* The key record for `fpr` in the archive document, or NULL; borrowed. */
const json_t *xfa_keyring_find(const json_t *archive_doc, const char *fpr);

/*
 * The roles key `fpr` holds at time `t` (seconds since the epoch), as a
 * NULL-terminated array of borrowed strings in `out` (room for `cap`
 * entries including the NULL).  Returns 0, or XFA_EAUTH naming the key
 * when it is not in the keyring, not yet valid, or revoked at `t`.
 */
int xfa_keyring_roles(const char **out, size_t cap, const json_t *archive_doc,
		      const char *fpr, int64_t t);

/* Does `roles` (as from xfa_keyring_roles) contain `role`? */
int xfa_roles_has(const char *const *roles, const char *role);

/*
 * A new key record (a new reference) for `pk`: fingerprint, public key,
 * name, email (may be NULL), principal, roles (comma-separated list,
 * checked), valid_from, added_by.  Returns NULL with XFA_EINVALID set.
 */
json_t *xfa_keyring_record(const xfa_pubkey *pk, const char *name,
			   const char *email, const char *roles,
			   const char *valid_from, const char *added_by);

/*
 * A key record's public_key is an OpenSSH public key whose fingerprint is
 * `fpr` (the record's key in the keyring).  0, or XFA_EINVALID naming both.
 */
int xfa_keyring_record_check(const char *fpr, const json_t *rec);

/* The git principal (author e-mail) of a key record; borrowed. */
const char *xfa_keyring_principal(const json_t *rec);

/*
 * Check an event on the archive's own stream ("init", "key-add",
 * "key-revoke", "config", "ledger-enable", "keyring-merge") given the document before (NULL
 * for init) and after it.  Returns 0, XFA_EINVALID or XFA_EAUTH with the
 * rule broken.
 */
int xfa_keyring_check_event(const json_t *before, const json_t *ev,
			    const json_t *after);

/*
 * The patch of the keyring-merge event that joins archive document `kept`
 * with `other` (two sides of a diverged .xfa stream): every key `other`
 * holds that `kept` lacks, whole, and every revocation of `other` that
 * `kept` lacks or has later, as {"revoked_at": ...}.  {"keys": {...}}, a
 * new reference; NULL when out of memory.
 */
json_t *xfa_keyring_merge_patch(const json_t *kept, const json_t *other);

/*
 * git's allowed-signers file for the keyring: one line per key with its
 * principal, namespaces="git,xfa-event,xfa-export,xfa-checkpoint" and
 * valid-after/valid-before from its validity.  Malloc'd, the caller's.
 */
char *xfa_keyring_allowed_signers(const json_t *archive_doc);

#endif

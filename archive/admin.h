/* admin.h - signed changes to the archive's own metadata (.xfa/): adding
 * and revoking keys.  Each is one event on the "archive" stream, signed by
 * an admin key, in one signed commit. */
#ifndef XFA_ADMIN_H
#define XFA_ADMIN_H

#include "archive.h"
#include "key.h"

/*
 * Add `pk` to the keyring with `roles` (comma-separated).  `name` and
 * `email` (may be NULL) identify its holder.  The key is valid from the
 * event's time.  Returns 0, XFA_EINVALID (bad role, key present already),
 * XFA_EAUTH (the signer is not an admin), XFA_ECONFLICT, XFA_EIO.
 */
int xfa_admin_key_add(xfa_archive *a, const xfa_key *admin,
		      const xfa_pubkey *pk, const char *name, const char *email,
		      const char *roles);

/* Revoke key `fpr` from now on.  XFA_ENOTFOUND if it is not in the keyring. */
int xfa_admin_key_revoke(xfa_archive *a, const xfa_key *admin, const char *fpr);

#endif

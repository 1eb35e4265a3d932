/* sshsig.h - SSH signatures (OpenSSH PROTOCOL.sshsig, sha512), byte-compatible
 * with `ssh-keygen -Y sign` and accepted by `ssh-keygen -Y verify`. */
#ifndef XFA_SSHSIG_H
#define XFA_SSHSIG_H

#include <stddef.h>

#include "key.h"

/*
 * Sign `msg` in namespace `ns` (e.g. "git", "xfa-event", "xfa-export").
 * *out receives the armored signature, malloc'd, lines of 70 base64
 * characters, ending in "-----END SSH SIGNATURE-----\n".
 */
int xfa_sshsig_sign(char **out, const xfa_key *k, const char *ns,
		    const unsigned char *msg, size_t msg_len);

/*
 * Verify the armored signature `armor` (LF or CRLF line ends, any line width,
 * final newline optional) over `msg` in namespace `ns`.  Accepts hash
 * algorithms sha512 and sha256 as ssh-keygen does.  On success `*out_pk`
 * (if not NULL) holds the signer's key.  Returns 0, XFA_EINVALID (malformed:
 * bad armor, truncated blob, trailing bytes, version > 1, key type other than
 * ssh-ed25519, unknown hash algorithm) or XFA_EBADSIG (wrong namespace or a
 * signature that does not verify).
 */
int xfa_sshsig_verify(xfa_pubkey *out_pk, const char *armor, size_t armor_len,
		      const char *ns, const unsigned char *msg, size_t msg_len);

#endif

/* agent.h - a client of the ssh-agent protocol (draft-miller-ssh-agent) over
 * the unix socket named by SSH_AUTH_SOCK: list identities, ask for a
 * signature, add an Ed25519 identity with a lifetime.  Keys cross this
 * interface as SSH wire blobs; key.c gives them meaning. */
#ifndef XFA_AGENT_H
#define XFA_AGENT_H

#include <stddef.h>
#include <stdint.h>

/* Replies longer than this are refused (OpenSSH's agent uses the same bound). */
#define XFA_AGENT_MAX_MSG (256 * 1024)
/* More identities than this in one answer are refused. */
#define XFA_AGENT_MAX_IDS 1024

/* A connection to an agent; opaque. */
typedef struct xfa_agent xfa_agent;

/* One identity the agent holds: the key's wire blob and its comment. */
typedef struct xfa_agent_id {
	unsigned char *blob;
	size_t blob_len;
	char *comment; /* NUL-terminated; may hold any bytes the agent sent */
} xfa_agent_id;

/*
 * Connect to the agent at `path`, or at $SSH_AUTH_SOCK when `path` is NULL.
 * *out is the caller's (xfa_agent_close).  Returns 0, XFA_EAUTH (no
 * SSH_AUTH_SOCK: no agent to hold a key) or XFA_EIO (the socket cannot be
 * reached: missing, refused, not a socket).
 */
int xfa_agent_open(xfa_agent **out, const char *path);

/* Wrap a connected stream socket (tests: one end of a socketpair); the
 * agent owns `fd` from here on, even on failure. */
int xfa_agent_from_fd(xfa_agent **out, int fd, const char *name);

/* NULL-safe; closes the socket. */
void xfa_agent_close(xfa_agent *a);

/* The socket path (or the name given to xfa_agent_from_fd); borrowed. */
const char *xfa_agent_name(const xfa_agent *a);

/*
 * SSH_AGENTC_REQUEST_IDENTITIES.  *out (an array of *n) is the caller's
 * (xfa_agent_ids_free).  Returns 0, XFA_EAUTH (the agent refused) or
 * XFA_EIO (no reply, or a reply that is not the agent protocol: the message
 * names the fault).
 */
int xfa_agent_list(xfa_agent_id **out, size_t *n, xfa_agent *a);
void xfa_agent_ids_free(xfa_agent_id *ids, size_t n);

/*
 * SSH_AGENTC_SIGN_REQUEST of `data` by the key `key_blob`, flags 0.  *sig
 * (malloc'd, *sig_len bytes) is the SSH signature blob the agent returned,
 * not yet checked beyond its framing.  Returns 0, XFA_EAUTH (the agent
 * refused: it does not hold the key, or the user declined) or XFA_EIO.
 */
int xfa_agent_sign(unsigned char **sig, size_t *sig_len, xfa_agent *a,
		   const unsigned char *key_blob, size_t key_blob_len,
		   const unsigned char *data, size_t data_len);

/*
 * SSH_AGENTC_ADD_IDENTITY of an Ed25519 key (`sk` = seed || public key, as
 * libsodium and OpenSSH hold it) with `comment`; when `lifetime` is not 0,
 * SSH_AGENTC_ADD_ID_CONSTRAINED with a lifetime of that many seconds.  The
 * message holding the secret is built in guarded memory and wiped.
 * Returns 0, XFA_EAUTH (the agent refused) or XFA_EIO.
 */
int xfa_agent_add_ed25519(xfa_agent *a, const unsigned char sk[64],
			  const char *comment, uint32_t lifetime);

#endif

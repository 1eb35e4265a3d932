/* key.h - Ed25519 keys: generation, passphrase-encrypted key files, keys
 * held by an ssh-agent, OpenSSH public-key text (ssh-ed25519 and FIDO2
 * sk-ssh-ed25519@openssh.com), fingerprints, SSH signature blobs.  The
 * users of sodium.h are key.c, pubkey.c and agent.c. */
#ifndef XFA_KEY_H
#define XFA_KEY_H

#include <stddef.h>

/* "SHA256:" + 43 base64 characters (no padding) + NUL, as ssh-keygen -l prints. */
#define XFA_FPR_SIZE 51
/* The SSH wire form of an Ed25519 public key: string "ssh-ed25519" || string pk. */
#define XFA_PUBKEY_BLOB_SIZE 51
/* The longest FIDO2 application string xfa accepts ("ssh:" by default). */
#define XFA_SK_APP_MAX 64
/* The longest wire form: string "sk-ssh-ed25519@openssh.com" || string pk ||
 * string application. */
#define XFA_PUBKEY_BLOB_MAX (4 + 26 + 4 + 32 + 4 + XFA_SK_APP_MAX)
/* string "ssh-ed25519" || string sig[64] */
#define XFA_ED25519_SIGBLOB_SIZE 83
/* The user-presence bit of a security key signature's flags (PROTOCOL.u2f). */
#define XFA_SK_USER_PRESENT 0x01

/*
 * An Ed25519 public key: plain (ssh-ed25519), or held by a FIDO2 security
 * key (sk = 1, sk-ssh-ed25519@openssh.com) bound to an application string.
 * Zero-initialise one built by hand.
 */
typedef struct xfa_pubkey {
	unsigned char pk[32];
	unsigned char sk;
	unsigned char app_len;
	char app[XFA_SK_APP_MAX];
} xfa_pubkey;

/*
 * A key that signs: a secret held in guarded memory (sodium_malloc), or a
 * public key whose secret half an ssh-agent holds (each signature is then
 * a request to the agent over one connection, so such a key signs from one
 * thread at a time).  Opaque.
 */
typedef struct xfa_key xfa_key;

/* Initialise libsodium once; called by xfa_init().  Returns 0 or XFA_ERROR. */
int xfa_key_global_init(void);

/* A new random key.  *out is the caller's (xfa_key_free). */
int xfa_key_generate(xfa_key **out);

/*
 * The key whose RFC 8032 seed (the first half of libsodium's and OpenSSH's
 * 64-byte secret key) is `seed`.  *out is the caller's (xfa_key_free).
 * Returns 0 or XFA_ERROR (out of memory).
 */
int xfa_key_from_seed(xfa_key **out, const unsigned char seed[32]);

/*
 * Write `k` to `path`, encrypted under the passphrase: Argon2id (libsodium's
 * interactive limits, recorded in the file) derives a key for
 * XChaCha20-Poly1305, with the file's header (magic, limits, salt, nonce,
 * public key) as associated data.  The file is created with O_EXCL,
 * O_NOFOLLOW and mode 0600, and fsync'd.  An empty passphrase is allowed
 * here; the CLI decides whether to accept one.  Returns 0, XFA_EEXISTS
 * (the path exists, even as a symbolic link), XFA_EIO or XFA_ERROR.
 */
int xfa_key_save(const xfa_key *k, const char *path, const char *pass,
		 size_t pass_len);

/*
 * Read and decrypt a key file.  Returns 0, XFA_ENOTFOUND, XFA_EINVALID (not
 * an xfa key file: bad header, truncated, bad base64, unknown version, a
 * symbolic link, Argon2 limits beyond libsodium's moderate ones, a secret
 * that does not match the recorded public key), XFA_EAUTH (wrong passphrase,
 * tampered file, or a file that its group or others may read or write:
 * refused as ssh refuses such a private key, before any passphrase is
 * asked), XFA_EIO.
 */
int xfa_key_load(xfa_key **out, const char *path, const char *pass,
		 size_t pass_len);

/*
 * What xfa_key_load checks before it decrypts: `path` is a regular file (not
 * a symbolic link) that neither its group nor others may read or write.
 * Lets a caller refuse a bad file before it asks for a passphrase.  Returns
 * 0, XFA_ENOTFOUND, XFA_EINVALID (not a regular file), XFA_EAUTH (the mode)
 * or XFA_EIO.
 */
int xfa_key_file_check(const char *path);

/* The key's public half; borrowed, valid while `k` lives. */
const xfa_pubkey *xfa_key_public(const xfa_key *k);

/*
 * The key `pk` whose secret half the ssh-agent at `sock` (NULL: at
 * $SSH_AUTH_SOCK) holds.  Connects once, asks the agent for its identities
 * and keeps the connection for the signatures to come.  *out is the
 * caller's (xfa_key_free).  Returns 0, XFA_EAUTH (no SSH_AUTH_SOCK, the
 * agent refuses, or it does not hold `pk`) or XFA_EIO (the socket cannot be
 * reached or does not speak the agent protocol).
 */
int xfa_key_from_agent(xfa_key **out, const xfa_pubkey *pk, const char *sock);

/* 1 if `k` signs through an ssh-agent, else 0. */
int xfa_key_in_agent(const xfa_key *k);

/*
 * A plain Ed25519 signature over `m` (checkpoint lines).  A key in an agent
 * asks it; a security key cannot make one (XFA_EAUTH).  Returns 0 or the
 * codes of xfa_key_sign_ssh.
 */
int xfa_key_sign(unsigned char sig[64], const xfa_key *k,
		 const unsigned char *m, size_t m_len);

/*
 * The SSH signature blob (string type || string sig [|| byte flags ||
 * uint32 counter for security keys]) of `m`: made here for a key file,
 * asked of the agent otherwise, and then checked against the public key, so
 * that a faulty agent cannot make xfa write a bad signature.  *out is
 * malloc'd.  Returns 0, XFA_EAUTH (the agent refused or no longer holds the
 * key), XFA_EIO (the agent is gone or not an agent), XFA_EBADSIG (the
 * agent's signature does not verify) or XFA_ERROR.
 */
int xfa_key_sign_ssh(unsigned char **out, size_t *out_len, const xfa_key *k,
		     const unsigned char *m, size_t m_len);

/*
 * Add the secret key `k` (not an agent key) to the ssh-agent at `sock`
 * (NULL: $SSH_AUTH_SOCK) under `comment`, for `lifetime` seconds (0: until
 * the agent ends).  Returns 0, XFA_EINVALID (`k` is itself an agent key),
 * or the codes of xfa_agent_open and xfa_agent_add_ed25519.
 */
int xfa_key_agent_add(const xfa_key *k, const char *sock, const char *comment,
		      unsigned lifetime);

/* NULL-safe; wipes the secret or closes the agent connection. */
void xfa_key_free(xfa_key *k);

/* 0 if `sig` is pk's signature over `m`, else XFA_EBADSIG. */
int xfa_pubkey_verify(const xfa_pubkey *pk, const unsigned char sig[64],
		      const unsigned char *m, size_t m_len);

/* The SSH wire blob of `pk`; returns its length (51 for ssh-ed25519). */
size_t xfa_pubkey_blob(unsigned char out[XFA_PUBKEY_BLOB_MAX],
		       const xfa_pubkey *pk);

/* Parse a wire blob; returns 0 or XFA_EINVALID (wrong length or key type;
 * `*out` is left as it was). */
int xfa_pubkey_from_blob(xfa_pubkey *out, const unsigned char *blob,
			 size_t len);

/* "ssh-ed25519" or "sk-ssh-ed25519@openssh.com"; static. */
const char *xfa_pubkey_type(const xfa_pubkey *pk);

/*
 * Check the SSH signature blob `blob` over `m` by `pk`: for ssh-ed25519,
 * string "ssh-ed25519" || string sig[64]; for a security key, string
 * "sk-ssh-ed25519@openssh.com" || string sig[64] || byte flags || uint32
 * counter, the signature being over SHA256(application) || flags ||
 * counter || SHA256(m) (PROTOCOL.u2f).  `*flags` (if not NULL) receives the
 * flags (0 for ssh-ed25519); policy on them is the caller's.  Returns 0,
 * XFA_EINVALID (malformed) or XFA_EBADSIG.
 */
int xfa_pubkey_verify_ssh(unsigned *flags, const xfa_pubkey *pk,
			  const unsigned char *blob, size_t len,
			  const unsigned char *m, size_t m_len);

/* string "ssh-ed25519" || string sig: the blob of a plain signature;
 * returns XFA_ED25519_SIGBLOB_SIZE. */
size_t xfa_sigblob_ed25519(unsigned char out[XFA_ED25519_SIGBLOB_SIZE],
			   const unsigned char sig[64]);

/* "SHA256:<base64 of sha256(blob), unpadded>" exactly as ssh-keygen -l. */
void xfa_pubkey_fingerprint(char out[XFA_FPR_SIZE], const xfa_pubkey *pk);

/*
 * Parse one OpenSSH public-key line "ssh-ed25519 AAAA... [comment]" (or
 * "sk-ssh-ed25519@openssh.com AAAA... [comment]"; the word must match the
 * blob's type).  If `comment` is not NULL it receives a malloc'd copy of
 * the comment (or NULL).  Returns 0 or XFA_EINVALID (other key types are
 * refused by name).
 */
int xfa_pubkey_parse(xfa_pubkey *out, char **comment, const char *line);

/* "TYPE AAAA... comment" (no newline), malloc'd.  `comment` may be NULL. */
char *xfa_pubkey_format(const xfa_pubkey *pk, const char *comment);

/* Guarded memory for passphrases (sodium_malloc/sodium_free with wiping). */
void *xfa_secret_alloc(size_t len);
void xfa_secret_free(void *p);

/* Base64 (standard alphabet, padded), for callers outside key/sshsig. */
char *xfa_base64_encode(const unsigned char *data, size_t len);
/* Returns 0 or XFA_EINVALID; *out is malloc'd. */
int xfa_base64_decode(unsigned char **out, size_t *out_len, const char *b64,
		      size_t b64_len);

/*
 * PEM-style armor: "-----BEGIN <label>-----\n", padded base64 in lines of
 * 70 characters, "-----END <label>-----\n".  malloc'd; NULL if out of memory.
 */
char *xfa_armor_encode(const char *label, const unsigned char *data,
		       size_t len);

/*
 * The inverse of xfa_armor_encode: accepts LF or CRLF, any line width, a
 * missing final newline and whitespace around the armor; rejects anything
 * else (other text before BEGIN or after END, invalid base64, no data).
 * *out is malloc'd.  Returns 0, XFA_EINVALID (the message names the fault,
 * callers prefix the file) or XFA_ERROR.
 */
int xfa_armor_decode(unsigned char **out, size_t *out_len, const char *label,
		     const char *text, size_t text_len);

/* SHA-256 and SHA-512 (libsodium), one-shot and streaming. */
void xfa_sha256(unsigned char out[32], const void *data, size_t len);
void xfa_sha512(unsigned char out[64], const void *data, size_t len);
typedef struct xfa_sha256_ctx { unsigned char opaque[128] __attribute__((aligned(16))); } xfa_sha256_ctx;
typedef struct xfa_sha512_ctx { unsigned char opaque[256] __attribute__((aligned(16))); } xfa_sha512_ctx;
void xfa_sha256_init(xfa_sha256_ctx *c);
void xfa_sha256_update(xfa_sha256_ctx *c, const void *data, size_t len);
void xfa_sha256_final(xfa_sha256_ctx *c, unsigned char out[32]);
void xfa_sha512_init(xfa_sha512_ctx *c);
void xfa_sha512_update(xfa_sha512_ctx *c, const void *data, size_t len);
void xfa_sha512_final(xfa_sha512_ctx *c, unsigned char out[64]);

/* Lower-case hex of `len` bytes into `out` (2*len+1 bytes). */
void xfa_hex(char *out, const unsigned char *data, size_t len);

/* Fill `buf` with random bytes. */
void xfa_random(void *buf, size_t len);

#endif

/* sshsig.c - SSH signatures (OpenSSH PROTOCOL.sshsig) with Ed25519 keys,
 * plain or FIDO2 (sk-ssh-ed25519@openssh.com): the signed data, the blob and
 * its armor, and the checks ssh-keygen -Y verify makes.  The key signs (a
 * key file here, or an ssh-agent) and checks signature blobs (key.c,
 * pubkey.c), so this file needs no sodium.h. */
#include "sshsig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define SIG_LABEL "SSH SIGNATURE"
#define SIG_MAGIC "SSHSIG"
#define SIG_MAGIC_LEN 6
#define SIG_VERSION 1
#define KEY_TYPE "ssh-ed25519"
#define SK_KEY_TYPE "sk-ssh-ed25519@openssh.com"
/* Longer namespaces are refused rather than sized for. */
#define NS_MAX 1024

/* A cursor writing into a buffer sized in advance. */
struct wbuf {
	unsigned char *p;
	size_t len;
};

/* A cursor reading untrusted bytes. */
struct rbuf {
	const unsigned char *p;
	size_t len;
};

/* The fields of a parsed blob; pointers borrow the blob. */
struct sig_parts {
	struct rbuf pubkey, ns, hashalg, sig;
};

static void put_raw(struct wbuf *w, const void *d, size_t n)
{
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	unsigned char b[4] = {
		(unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v
	};

	put_raw(w, b, 4);
}

static void put_string(struct wbuf *w, const void *d, size_t n)
{
	put_u32(w, (uint32_t)n);
	put_raw(w, d, n);
}

static int get_u32(struct rbuf *r, uint32_t *v, const char *field)
{
	if (r->len < 4)
		return xfa_error_set(XFA_EINVALID,
			"signature is truncated in the %s", field);
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	     (uint32_t)r->p[2] << 8 | (uint32_t)r->p[3];
	r->p += 4;
	r->len -= 4;
	return 0;
}

static int get_string(struct rbuf *r, struct rbuf *s, const char *field)
{
	uint32_t n = 0;
	int err;

	if ((err = get_u32(r, &n, field)) < 0)
		return err;
	if (n > r->len)
		return xfa_error_set(XFA_EINVALID,
			"signature is truncated in the %s", field);
	s->p = r->p;
	s->len = n;
	r->p += n;
	r->len -= n;
	return 0;
}

static int is(const struct rbuf *s, const char *word)
{
	return s->len == strlen(word) && memcmp(s->p, word, s->len) == 0;
}

/* Untrusted bytes made safe to quote: printable ASCII, at most 40. */
static const char *quotable(char buf[48], const struct rbuf *s)
{
	size_t i, lim = s->len > 40 ? 40 : s->len;

	for (i = 0; i < lim; i++)
		buf[i] = s->p[i] >= 0x20 && s->p[i] < 0x7f ? (char)s->p[i] : '?';
	if (s->len > lim) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/*
 * The bytes Ed25519 signs: "SSHSIG" || string ns || string "" (reserved;
 * verifiers, like ssh-keygen, use "" whatever the blob holds) ||
 * string hashalg || string H(msg).  *out is malloc'd.
 */
static int signed_data(unsigned char **out, size_t *out_len, const char *ns,
		       size_t ns_len, const char *hashalg,
		       const unsigned char *msg, size_t msg_len)
{
	size_t hlen = strcmp(hashalg, "sha512") == 0 ? 64 : 32;
	unsigned char h[64];
	struct wbuf w = { NULL, 0 };

	*out = NULL;
	if (hlen == 64)
		xfa_sha512(h, msg, msg_len);
	else
		xfa_sha256(h, msg, msg_len);
	if (!(w.p = malloc(SIG_MAGIC_LEN + 4 + ns_len + 4 + 4 + strlen(hashalg) +
			   4 + hlen)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	put_raw(&w, SIG_MAGIC, SIG_MAGIC_LEN);
	put_string(&w, ns, ns_len);
	put_string(&w, "", 0);
	put_string(&w, hashalg, strlen(hashalg));
	put_string(&w, h, hlen);
	*out = w.p;
	*out_len = w.len;
	return 0;
}

/* A namespace given by the caller; `what` is "" or "expected ". */
static int check_ns_arg(const char *ns, size_t *ns_len, const char *what)
{
	*ns_len = strlen(ns);
	if (*ns_len == 0)
		return xfa_error_set(XFA_EINVALID, "%ssignature namespace is empty",
				     what);
	if (*ns_len > NS_MAX)
		return xfa_error_set(XFA_EINVALID,
			"%ssignature namespace is longer than %d bytes", what,
			NS_MAX);
	return 0;
}

int xfa_sshsig_sign(char **out, const xfa_key *k, const char *ns,
		    const unsigned char *msg, size_t msg_len)
{
	unsigned char *sd = NULL, *blob = NULL, *sigblob = NULL,
		      pk[XFA_PUBKEY_BLOB_MAX];
	struct wbuf w = { NULL, 0 };
	size_t ns_len, sd_len = 0, sig_len = 0, pk_len;
	int err;

	*out = NULL;
	if ((err = check_ns_arg(ns, &ns_len, "")) < 0)
		return err;
	if ((err = signed_data(&sd, &sd_len, ns, ns_len, "sha512", msg,
			       msg_len)) < 0 ||
	    (err = xfa_key_sign_ssh(&sigblob, &sig_len, k, sd, sd_len)) < 0)
		goto done;
	pk_len = xfa_pubkey_blob(pk, xfa_key_public(k));
	if (!(w.p = blob = malloc(SIG_MAGIC_LEN + 4 + 4 + pk_len + 4 + ns_len +
				  4 + 4 + 6 + 4 + sig_len))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	put_raw(&w, SIG_MAGIC, SIG_MAGIC_LEN);
	put_u32(&w, SIG_VERSION);
	put_string(&w, pk, pk_len);
	put_string(&w, ns, ns_len);
	put_string(&w, "", 0);
	put_string(&w, "sha512", 6);
	put_string(&w, sigblob, sig_len);
	if (!(*out = xfa_armor_encode(SIG_LABEL, blob, w.len)))
		err = xfa_error_set(XFA_ERROR, "out of memory");
done:
	free(sd);
	free(sigblob);
	free(blob);
	return err;
}

/* Split a blob into its fields: structure only, no meaning yet. */
static int parse_blob(struct sig_parts *sp, const unsigned char *blob,
		      size_t len)
{
	struct rbuf r = { blob, len }, reserved;
	uint32_t version = 0;
	int err;

	if (len < SIG_MAGIC_LEN || memcmp(blob, SIG_MAGIC, SIG_MAGIC_LEN) != 0)
		return xfa_error_set(XFA_EINVALID,
			"signature does not start with 'SSHSIG'");
	r.p += SIG_MAGIC_LEN;
	r.len -= SIG_MAGIC_LEN;
	if ((err = get_u32(&r, &version, "version")) < 0)
		return err;
	if (version != SIG_VERSION)
		return xfa_error_set(XFA_EINVALID,
			"signature version %lu is not supported",
			(unsigned long)version);
	if ((err = get_string(&r, &sp->pubkey, "public key")) < 0 ||
	    (err = get_string(&r, &sp->ns, "namespace")) < 0 ||
	    (err = get_string(&r, &reserved, "reserved field")) < 0 ||
	    (err = get_string(&r, &sp->hashalg, "hash algorithm")) < 0 ||
	    (err = get_string(&r, &sp->sig, "signature")) < 0)
		return err;
	if (r.len != 0)
		return xfa_error_set(XFA_EINVALID,
			"trailing bytes after the signature");
	return 0;
}

/* The signer's key: ssh-ed25519 or sk-ssh-ed25519@openssh.com, named
 * otherwise. */
static int parse_pubkey(xfa_pubkey *pk, const struct rbuf *blob)
{
	struct rbuf r = *blob, type;
	char q[48];
	int err;

	if ((err = get_string(&r, &type, "public key type")) < 0)
		return err;
	if (!is(&type, KEY_TYPE) && !is(&type, SK_KEY_TYPE))
		return xfa_error_set(XFA_EINVALID,
			"signature key type '%s' is not supported",
			quotable(q, &type));
	if ((err = xfa_pubkey_from_blob(pk, blob->p, blob->len)) < 0)
		return xfa_error_wrap(err, "signature");
	return 0;
}

/* Namespace and hash algorithm: EINVALID if malformed, EBADSIG if the
 * namespace is not the one expected. */
static int check_ns_hash(const struct sig_parts *sp, const char *ns,
			 size_t ns_len)
{
	char q[48], q2[48];
	struct rbuf want = { (const unsigned char *)ns, ns_len };

	if (sp->ns.len == 0)
		return xfa_error_set(XFA_EINVALID, "signature namespace is empty");
	if (memchr(sp->ns.p, '\0', sp->ns.len))
		return xfa_error_set(XFA_EINVALID,
			"signature namespace contains a NUL byte");
	/* ssh-keygen also accepts sha256; xfa signs and accepts sha512 only */
	if (!is(&sp->hashalg, "sha512"))
		return xfa_error_set(XFA_EINVALID,
			"signature hash algorithm '%s' is not sha512",
			quotable(q, &sp->hashalg));
	if (!is(&sp->ns, ns))
		return xfa_error_set(XFA_EBADSIG,
			"signature namespace '%s' does not match expected '%s'",
			quotable(q, &sp->ns), quotable(q2, &want));
	return 0;
}

int xfa_sshsig_verify(xfa_pubkey *out_pk, const char *armor, size_t armor_len,
		      const char *ns, const unsigned char *msg, size_t msg_len)
{
	unsigned char *blob = NULL, *sd = NULL;
	size_t blob_len = 0, ns_len, sd_len = 0;
	char fpr[XFA_FPR_SIZE];
	struct sig_parts sp;
	unsigned flags = 0;
	xfa_pubkey pk;
	int err;

	if ((err = check_ns_arg(ns, &ns_len, "expected ")) < 0)
		return err;
	if ((err = xfa_armor_decode(&blob, &blob_len, SIG_LABEL, armor,
				    armor_len)) < 0) {
		xfa_error_wrap(err, "signature");
		goto done;
	}
	if ((err = parse_blob(&sp, blob, blob_len)) < 0 ||
	    (err = parse_pubkey(&pk, &sp.pubkey)) < 0 ||
	    (err = check_ns_hash(&sp, ns, ns_len)) < 0)
		goto done;
	if ((err = signed_data(&sd, &sd_len, ns, ns_len,
			       is(&sp.hashalg, "sha512") ? "sha512" : "sha256",
			       msg, msg_len)) < 0)
		goto done;
	xfa_pubkey_fingerprint(fpr, &pk);
	if ((err = xfa_pubkey_verify_ssh(&flags, &pk, sp.sig.p, sp.sig.len, sd,
					 sd_len)) == XFA_EBADSIG) {
		err = xfa_error_set(XFA_EBADSIG,
			"signature by %s does not verify", fpr);
		goto done;
	}
	if (err < 0)
		goto done;
	/* ssh-keygen's default: a security key must attest the user's touch */
	if (pk.sk && !(flags & XFA_SK_USER_PRESENT)) {
		err = xfa_error_set(XFA_EBADSIG, "signature by %s lacks the "
			"security key's user-presence flag (flags 0x%02x)", fpr,
			flags);
		goto done;
	}
	if (out_pk)
		*out_pk = pk;
done:
	free(blob);
	free(sd);
	return err;
}

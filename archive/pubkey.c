/* pubkey.c - public keys in their SSH forms: the wire blob, the OpenSSH
 * line, the fingerprint, and SSH signature blobs with their checks, for
 * ssh-ed25519 and FIDO2 sk-ssh-ed25519@openssh.com keys (OpenSSH
 * PROTOCOL.u2f).  Declared in key.h. */
#include "key.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"

#define ED_TYPE "ssh-ed25519"
#define SK_TYPE "sk-ssh-ed25519@openssh.com"

static const char *type_name(const xfa_pubkey *pk)
{
	return pk->sk ? SK_TYPE : ED_TYPE;
}

int xfa_pubkey_verify(const xfa_pubkey *pk, const unsigned char sig[64],
		      const unsigned char *m, size_t m_len)
{
	if (crypto_sign_verify_detached(sig, m, m_len, pk->pk) != 0)
		return xfa_error_set(XFA_EBADSIG,
				     "ed25519 signature does not verify");
	return 0;
}

static void put_u32be(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_u32be(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* A cursor over untrusted bytes. */
struct rd {
	const unsigned char *p;
	size_t len;
};

static int get_str(struct rd *r, struct rd *s)
{
	uint32_t n;

	if (r->len < 4 || (n = get_u32be(r->p)) > r->len - 4)
		return -1;
	s->p = r->p + 4;
	s->len = n;
	r->p += 4 + n;
	r->len -= 4 + n;
	return 0;
}

static int is(const struct rd *s, const char *word)
{
	return s->len == strlen(word) && memcmp(s->p, word, s->len) == 0;
}

/* Untrusted bytes made safe to quote in a message: printable ASCII only,
 * at most 40 characters. */
static const char *quotable(char buf[48], const unsigned char *s, size_t n)
{
	size_t i, lim = n > 40 ? 40 : n;

	for (i = 0; i < lim; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	if (n > lim) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static unsigned char *put_str(unsigned char *p, const void *d, size_t n)
{
	put_u32be(p, (uint32_t)n);
	memcpy(p + 4, d, n);
	return p + 4 + n;
}

size_t xfa_pubkey_blob(unsigned char out[XFA_PUBKEY_BLOB_MAX],
		       const xfa_pubkey *pk)
{
	unsigned char *p = out;

	p = put_str(p, type_name(pk), strlen(type_name(pk)));
	p = put_str(p, pk->pk, 32);
	if (pk->sk)
		p = put_str(p, pk->app, pk->app_len);
	return (size_t)(p - out);
}

int xfa_pubkey_from_blob(xfa_pubkey *out, const unsigned char *blob,
			 size_t len)
{
	struct rd r = { blob, len }, type, key, app;
	xfa_pubkey pk;
	char q[48];

	memset(&pk, 0, sizeof(pk));
	if (get_str(&r, &type) < 0)
		return xfa_error_set(XFA_EINVALID, "public key blob is truncated");
	if (is(&type, SK_TYPE))
		pk.sk = 1;
	else if (!is(&type, ED_TYPE))
		return xfa_error_set(XFA_EINVALID,
			"public key type '%s' is not supported (ssh-ed25519 or %s)",
			quotable(q, type.p, type.len), SK_TYPE);
	if (r.len >= 4 && get_u32be(r.p) != 32)
		return xfa_error_set(XFA_EINVALID,
			"ed25519 public key is %lu bytes, expected 32",
			(unsigned long)get_u32be(r.p));
	if (get_str(&r, &key) < 0)
		return xfa_error_set(XFA_EINVALID, "public key blob is truncated");
	if (key.len != 32)
		return xfa_error_set(XFA_EINVALID,
			"ed25519 public key is %zu bytes, expected 32", key.len);
	memcpy(pk.pk, key.p, 32);
	if (pk.sk) {
		if (get_str(&r, &app) < 0)
			return xfa_error_set(XFA_EINVALID, "security key blob is "
					     "truncated in the application");
		if (app.len == 0 || app.len > XFA_SK_APP_MAX ||
		    memchr(app.p, '\0', app.len))
			return xfa_error_set(XFA_EINVALID, "security key "
				"application must be 1..%d bytes without NUL",
				XFA_SK_APP_MAX);
		memcpy(pk.app, app.p, app.len);
		pk.app_len = (unsigned char)app.len;
	}
	if (r.len != 0)
		return xfa_error_set(XFA_EINVALID,
			"trailing bytes after the public key blob");
	*out = pk;
	return 0;
}

void xfa_pubkey_fingerprint(char out[XFA_FPR_SIZE], const xfa_pubkey *pk)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX], h[32];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

	crypto_hash_sha256(h, blob, xfa_pubkey_blob(blob, pk));
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h),
			  sodium_base64_VARIANT_ORIGINAL);
	/* 43 characters and one '=' of padding, which ssh-keygen drops */
	snprintf(out, XFA_FPR_SIZE, "SHA256:%.43s", b64);
}

const char *xfa_pubkey_type(const xfa_pubkey *pk)
{
	return type_name(pk);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t span_word(const char *p)
{
	size_t n = 0;

	while (p[n] && !is_blank(p[n]))
		n++;
	return n;
}

/* The comment after the key: trimmed, NULL if empty, one line only. */
static int parse_comment(char **comment, const char *p)
{
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && is_blank(p[n - 1]))
		n--;
	if (memchr(p, '\n', n) || memchr(p, '\r', n))
		return xfa_error_set(XFA_EINVALID,
			"public key line has more than one line");
	if (!comment || n == 0)
		return 0;
	if (!(*comment = strndup(p, n)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

int xfa_pubkey_parse(xfa_pubkey *out, char **comment, const char *line)
{
	unsigned char *blob = NULL;
	size_t tlen, blen, blob_len = 0;
	const char *p = line, *tw;
	xfa_pubkey pk;
	char q[48];
	int err;

	if (comment)
		*comment = NULL;
	while (is_blank(*p))
		p++;
	tw = p;
	if ((tlen = span_word(p)) == 0)
		return xfa_error_set(XFA_EINVALID, "public key line is empty");
	if (!(tlen == strlen(ED_TYPE) && !memcmp(p, ED_TYPE, tlen)) &&
	    !(tlen == strlen(SK_TYPE) && !memcmp(p, SK_TYPE, tlen)))
		return xfa_error_set(XFA_EINVALID,
			"public key type '%s' is not supported (ssh-ed25519 or %s)",
			quotable(q, (const unsigned char *)p, tlen), SK_TYPE);
	p += tlen;
	while (*p == ' ' || *p == '\t')
		p++;
	if ((blen = span_word(p)) == 0)
		return xfa_error_set(XFA_EINVALID,
				     "public key line has no key data");
	if ((err = xfa_base64_decode(&blob, &blob_len, p, blen)) < 0) {
		xfa_error_wrap(err, "public key");
		goto done;
	}
	if ((err = xfa_pubkey_from_blob(&pk, blob, blob_len)) < 0)
		goto done;
	if (strlen(type_name(&pk)) != tlen || memcmp(type_name(&pk), tw, tlen)) {
		err = xfa_error_set(XFA_EINVALID, "public key line names "
				    "type '%.*s' but holds a %s key",
				    (int)tlen, tw, type_name(&pk));
		goto done;
	}
	if ((err = parse_comment(comment, p + blen)) == 0)
		*out = pk;
done:
	free(blob);
	return err;
}

char *xfa_pubkey_format(const xfa_pubkey *pk, const char *comment)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX];
	char *b64, *line = NULL;
	size_t n;

	if (!(b64 = xfa_base64_encode(blob, xfa_pubkey_blob(blob, pk))))
		return NULL;
	n = strlen(type_name(pk)) + 1 + strlen(b64) + 1;
	if (comment)
		n += 1 + strlen(comment);
	if ((line = malloc(n)))
		snprintf(line, n, "%s %s%s%s", type_name(pk), b64,
			 comment ? " " : "", comment ? comment : "");
	free(b64);
	return line;
}

/* ---- signature blobs ---- */

size_t xfa_sigblob_ed25519(unsigned char out[XFA_ED25519_SIGBLOB_SIZE],
			   const unsigned char sig[64])
{
	return (size_t)(put_str(put_str(out, ED_TYPE, strlen(ED_TYPE)), sig,
				64) - out);
}

/* What a security key signs (PROTOCOL.u2f): SHA256(application) || flags ||
 * uint32 counter || SHA256(message). */
static void sk_signed(unsigned char out[69], const xfa_pubkey *pk,
		      unsigned char flags, uint32_t counter,
		      const unsigned char *m, size_t m_len)
{
	crypto_hash_sha256(out, (const unsigned char *)pk->app, pk->app_len);
	out[32] = flags;
	put_u32be(out + 33, counter);
	crypto_hash_sha256(out + 37, m, m_len);
}

int xfa_pubkey_verify_ssh(unsigned *flags, const xfa_pubkey *pk,
			  const unsigned char *blob, size_t len,
			  const unsigned char *m, size_t m_len)
{
	struct rd r = { blob, len }, type, s;
	unsigned char sd[69];
	uint32_t counter = 0;
	unsigned char fl = 0;
	char q[48];

	if (get_str(&r, &type) < 0)
		return xfa_error_set(XFA_EINVALID,
				     "signature is truncated in the signature type");
	if (!is(&type, type_name(pk)))
		return xfa_error_set(XFA_EINVALID,
			"signature type '%s' does not match key type '%s'",
			quotable(q, type.p, type.len), type_name(pk));
	if (get_str(&r, &s) < 0)
		return xfa_error_set(XFA_EINVALID, "signature is truncated in "
				     "the ed25519 signature");
	if (s.len != 64)
		return xfa_error_set(XFA_EINVALID,
			"ed25519 signature is %zu bytes, expected 64", s.len);
	if (pk->sk) {
		if (r.len < 5)
			return xfa_error_set(XFA_EINVALID, "security key signature "
					     "is truncated in its flags or counter");
		fl = r.p[0];
		counter = get_u32be(r.p + 1);
		r.p += 5;
		r.len -= 5;
	}
	if (r.len != 0)
		return xfa_error_set(XFA_EINVALID,
			"trailing bytes inside the signature string");
	if (flags)
		*flags = fl;
	if (!pk->sk)
		return xfa_pubkey_verify(pk, s.p, m, m_len);
	sk_signed(sd, pk, fl, counter, m, m_len);
	return xfa_pubkey_verify(pk, s.p, sd, sizeof(sd));
}

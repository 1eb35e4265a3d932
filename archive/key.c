/* key.c - Ed25519 keys over libsodium: generation, passphrase-encrypted key
 * files, OpenSSH public-key text and fingerprints, and the base64, armor,
 * hash and random helpers the rest of xfa uses instead of sodium.h.  The
 * SHA-256/512 of bulk data is libcrypto's (OpenSSL), which uses the CPU's
 * SHA instructions: 1.4 GB/s against libsodium's portable 160 MB/s here. */
#include "key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OPENSSL_SUPPRESS_DEPRECATED   /* SHA256_Init & co.: no heap context */
#include <openssl/sha.h>
#include <sodium.h>

#include "agent.h"
#include "error.h"
#include "file.h"

_Static_assert(sizeof(SHA256_CTX) <= sizeof(xfa_sha256_ctx),
	       "xfa_sha256_ctx too small for libcrypto's state");
_Static_assert(sizeof(SHA512_CTX) <= sizeof(xfa_sha512_ctx),
	       "xfa_sha512_ctx too small for libcrypto's state");
_Static_assert(_Alignof(SHA256_CTX) <= 16 && _Alignof(SHA512_CTX) <= 16,
	       "hash state needs more than 16-byte alignment");
_Static_assert(crypto_sign_PUBLICKEYBYTES == 32 &&
	       crypto_sign_SECRETKEYBYTES == 64 && crypto_sign_BYTES == 64 &&
	       crypto_sign_SEEDBYTES == 32, "unexpected Ed25519 sizes");

#define KEY_TYPE "ssh-ed25519"
#define KEY_TYPE_LEN 11

/* The key file: armor around magic || u64be opslimit || u64be memlimit ||
 * salt || nonce || pk || XChaCha20-Poly1305(seed), the header as AD. */
#define KF_LABEL "XFA SECRET KEY"
#define KF_MAGIC "xfakey\0\1"
#define KF_MAGIC_LEN 8
#define KF_SALT_OFF (KF_MAGIC_LEN + 16)
#define KF_NONCE_OFF (KF_SALT_OFF + crypto_pwhash_SALTBYTES)
#define KF_PK_OFF (KF_NONCE_OFF + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
#define KF_HEADER_LEN (KF_PK_OFF + 32)
#define KF_KEY_LEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define KF_CT_LEN (32 + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define KF_BLOB_LEN (KF_HEADER_LEN + KF_CT_LEN)
#define KF_FILE_MAX 16384
#define ARMOR_WIDTH 70

/* In guarded memory; `agent` is NULL for a key file's secret, else the
 * connection to the agent that holds it (and `sk` is unused, zero). */
struct xfa_key {
	unsigned char sk[crypto_sign_SECRETKEYBYTES]; /* seed || pk */
	xfa_pubkey pub;
	xfa_agent *agent;
};

int xfa_key_global_init(void)
{
	/* sodium_init() takes its own lock; 1 means already initialised. */
	if (sodium_init() < 0)
		return xfa_error_set(XFA_ERROR, "cannot initialise libsodium");
	return 0;
}

/* ---- keys ---- */

static xfa_key *key_alloc(void)
{
	xfa_key *k = sodium_malloc(sizeof(*k));

	if (!k)
		xfa_error_set(XFA_ERROR, "out of memory for a secret key");
	else
		memset(k, 0, sizeof(*k));
	return k;
}

int xfa_key_generate(xfa_key **out)
{
	xfa_key *k;

	*out = NULL;
	if (!(k = key_alloc()))
		return XFA_ERROR;
	crypto_sign_keypair(k->pub.pk, k->sk);
	*out = k;
	return 0;
}

int xfa_key_from_seed(xfa_key **out, const unsigned char seed[32])
{
	xfa_key *k;

	*out = NULL;
	if (!(k = key_alloc()))
		return XFA_ERROR;
	crypto_sign_seed_keypair(k->pub.pk, k->sk, seed);
	*out = k;
	return 0;
}

const xfa_pubkey *xfa_key_public(const xfa_key *k)
{
	return &k->pub;
}

int xfa_key_in_agent(const xfa_key *k)
{
	return k->agent != NULL;
}

/* Does the agent hold `pk`?  EAUTH naming the key if not. */
static int agent_holds(xfa_agent *a, const xfa_pubkey *pk)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX];
	size_t blen = xfa_pubkey_blob(blob, pk), n = 0, i;
	char fpr[XFA_FPR_SIZE];
	xfa_agent_id *ids = NULL;
	int err, found = 0;

	if ((err = xfa_agent_list(&ids, &n, a)) < 0)
		return err;
	for (i = 0; i < n && !found; i++)
		found = ids[i].blob_len == blen &&
			memcmp(ids[i].blob, blob, blen) == 0;
	xfa_agent_ids_free(ids, n);
	if (found)
		return 0;
	xfa_pubkey_fingerprint(fpr, pk);
	return xfa_error_set(XFA_EAUTH, "ssh-agent '%s' does not hold key %s "
			     "(add it with 'xfa key agent-add' or ssh-add)",
			     xfa_agent_name(a), fpr);
}

int xfa_key_from_agent(xfa_key **out, const xfa_pubkey *pk, const char *sock)
{
	xfa_agent *a = NULL;
	xfa_key *k;
	int err;

	*out = NULL;
	if ((err = xfa_agent_open(&a, sock)) < 0)
		return err;
	if ((err = agent_holds(a, pk)) < 0) {
		xfa_agent_close(a);
		return err;
	}
	if (!(k = key_alloc())) {
		xfa_agent_close(a);
		return XFA_ERROR;
	}
	k->pub = *pk;
	k->agent = a;
	*out = k;
	return 0;
}

int xfa_key_sign_ssh(unsigned char **out, size_t *out_len, const xfa_key *k,
		     const unsigned char *m, size_t m_len)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX], sig[64], *s = NULL;
	size_t slen = 0;
	char fpr[XFA_FPR_SIZE];
	unsigned flags = 0;
	int err;

	*out = NULL;
	*out_len = 0;
	if (!k->agent) {
		crypto_sign_detached(sig, NULL, m, m_len, k->sk);
		if (!(s = malloc(XFA_ED25519_SIGBLOB_SIZE)))
			return xfa_error_set(XFA_ERROR, "out of memory");
		*out_len = xfa_sigblob_ed25519(s, sig);
		*out = s;
		return 0;
	}
	if ((err = xfa_agent_sign(&s, &slen, k->agent, blob,
				  xfa_pubkey_blob(blob, &k->pub), m, m_len)) < 0)
		return err;
	if ((err = xfa_pubkey_verify_ssh(&flags, &k->pub, s, slen, m,
					 m_len)) < 0) {
		xfa_pubkey_fingerprint(fpr, &k->pub);
		err = xfa_error_wrap(err == XFA_EINVALID ? XFA_EIO : XFA_EAUTH,
			"ssh-agent '%s' returned a bad signature for %s",
			xfa_agent_name(k->agent), fpr);
		free(s);
		return err;
	}
	/* never write what verify refuses (sshsig.c): the touch is required */
	if (k->pub.sk && !(flags & XFA_SK_USER_PRESENT)) {
		xfa_pubkey_fingerprint(fpr, &k->pub);
		free(s);
		return xfa_error_set(XFA_EAUTH, "the security key %s signed "
			"without the user's touch (flags 0x%02x)", fpr, flags);
	}
	*out = s;
	*out_len = slen;
	return 0;
}

int xfa_key_sign(unsigned char sig[64], const xfa_key *k,
		 const unsigned char *m, size_t m_len)
{
	unsigned char *blob = NULL;
	size_t len = 0;
	int err;

	if (!k->agent) {
		crypto_sign_detached(sig, NULL, m, m_len, k->sk);
		return 0;
	}
	if (k->pub.sk)
		return xfa_error_set(XFA_EAUTH, "a security key (%s) cannot make "
				     "a plain Ed25519 signature",
				     xfa_pubkey_type(&k->pub));
	if ((err = xfa_key_sign_ssh(&blob, &len, k, m, m_len)) < 0)
		return err;
	/* checked by xfa_key_sign_ssh: string "ssh-ed25519" || string sig */
	memcpy(sig, blob + len - 64, 64);
	free(blob);
	return 0;
}

int xfa_key_agent_add(const xfa_key *k, const char *sock, const char *comment,
		      unsigned lifetime)
{
	xfa_agent *a = NULL;
	int err;

	if (k->agent)
		return xfa_error_set(XFA_EINVALID, "the key is already in an "
				     "ssh-agent");
	if ((err = xfa_agent_open(&a, sock)) < 0)
		return err;
	err = xfa_agent_add_ed25519(a, k->sk, comment, lifetime);
	xfa_agent_close(a);
	return err;
}

void xfa_key_free(xfa_key *k)
{
	if (k)
		xfa_agent_close(k->agent);
	sodium_free(k); /* NULL-safe; wipes before unmapping */
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

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- base64 and armor ---- */

char *xfa_base64_encode(const unsigned char *data, size_t len)
{
	size_t n;
	char *s;

	if (len > (SIZE_MAX - 8) / 4 * 3)
		return NULL;
	n = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	if (!(s = malloc(n)))
		return NULL;
	sodium_bin2base64(s, n, data, len, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

int xfa_base64_decode(unsigned char **out, size_t *out_len, const char *b64,
		      size_t b64_len)
{
	size_t max = b64_len / 4 * 3 + 3, n = 0;
	unsigned char *buf;

	*out = NULL;
	*out_len = 0;
	if (!(buf = malloc(max)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	/* no characters ignored, padding required, whole input consumed */
	if (sodium_base642bin(buf, max, b64, b64_len, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(buf);
		return xfa_error_set(XFA_EINVALID, "invalid base64");
	}
	*out = buf;
	*out_len = n;
	return 0;
}

char *xfa_armor_encode(const char *label, const unsigned char *data,
		       size_t len)
{
	size_t b64_len, i, n, off;
	char *b64, *s = NULL;

	if (!(b64 = xfa_base64_encode(data, len)))
		return NULL;
	b64_len = strlen(b64);
	/* two armor lines, the base64, a newline per line, NUL, and spare */
	n = 2 * (strlen(label) + 16) + b64_len + b64_len / ARMOR_WIDTH + 8;
	if (!(s = malloc(n)))
		goto done;
	off = (size_t)snprintf(s, n, "-----BEGIN %s-----\n", label);
	for (i = 0; i < b64_len; i += ARMOR_WIDTH) {
		size_t w = b64_len - i < ARMOR_WIDTH ? b64_len - i : ARMOR_WIDTH;

		memcpy(s + off, b64 + i, w);
		off += w;
		s[off++] = '\n';
	}
	snprintf(s + off, n - off, "-----END %s-----\n", label);
done:
	free(b64);
	return s;
}

/* Offset of the first `needle` in `hay`, or `hay_len` if there is none. */
static size_t find(const char *hay, size_t hay_len, const char *needle)
{
	size_t i, n = strlen(needle);

	for (i = 0; n <= hay_len && i <= hay_len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return i;
	return hay_len;
}

int xfa_armor_decode(unsigned char **out, size_t *out_len, const char *label,
		     const char *text, size_t text_len)
{
	char begin[96], end[96], *b64 = NULL;
	size_t blen, elen, at, i, n = 0;
	int err = 0;

	*out = NULL;
	*out_len = 0;
	if (strlen(label) > 64)
		return xfa_error_set(XFA_ERROR, "armor label too long");
	blen = (size_t)snprintf(begin, sizeof(begin), "-----BEGIN %s-----", label);
	elen = (size_t)snprintf(end, sizeof(end), "\n-----END %s-----", label);
	while (text_len > 0 && is_blank(*text))
		text++, text_len--;
	while (text_len > 0 && is_blank(text[text_len - 1]))
		text_len--;
	if (text_len < blen || memcmp(text, begin, blen) != 0 ||
	    (text_len > blen && text[blen] != '\n' && text[blen] != '\r'))
		return xfa_error_set(XFA_EINVALID, "missing '%s' line", begin);
	if ((at = find(text + blen, text_len - blen, end)) == text_len - blen)
		return xfa_error_set(XFA_EINVALID, "missing '%s' line", end + 1);
	if (blen + at + elen != text_len)
		return xfa_error_set(XFA_EINVALID, "unexpected text after '%s'",
				     end + 1);
	if (!(b64 = malloc(at + 1)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = blen; i < blen + at; i++)
		if (!is_blank(text[i]))
			b64[n++] = text[i];
	if (n == 0)
		err = xfa_error_set(XFA_EINVALID,
				    "no data between the armor lines");
	else if (xfa_base64_decode(out, out_len, b64, n) < 0)
		err = xfa_error_set(XFA_EINVALID,
				    "invalid base64 inside the armor");
	free(b64);
	return err;
}

/* ---- key files ---- */

static void put_u64be(unsigned char *p, uint64_t v)
{
	put_u32be(p, (uint32_t)(v >> 32));
	put_u32be(p + 4, (uint32_t)v);
}

static uint64_t get_u64be(const unsigned char *p)
{
	return (uint64_t)get_u32be(p) << 32 | get_u32be(p + 4);
}

/* Argon2id into guarded memory; *out is sodium_free'd by the caller. */
static int derive(unsigned char **out, const unsigned char *header,
		  const char *pass, size_t pass_len)
{
	unsigned char *dk;

	if (!(*out = dk = sodium_malloc(KF_KEY_LEN)))
		return xfa_error_set(XFA_ERROR, "out of memory for a derived key");
	if (crypto_pwhash(dk, KF_KEY_LEN,
			  pass, pass_len, header + KF_SALT_OFF,
			  get_u64be(header + KF_MAGIC_LEN),
			  (size_t)get_u64be(header + KF_MAGIC_LEN + 8),
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return xfa_error_set(XFA_ERROR,
			"cannot derive a key from the passphrase (out of memory)");
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Create `path` (never following or replacing anything) holding `text`. */
static int write_new(const char *path, const char *text)
{
	int fd, ok, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return xfa_error_set(XFA_EEXISTS, "key file '%s' already exists",
				     path);
	if (fd < 0)
		return xfa_error_set(XFA_EIO, "cannot create key file '%s': %s",
				     path, strerror(errno));
	/* the umask can only narrow 0600, but a key file must be exactly that */
	ok = fchmod(fd, 0600) == 0 && write_all(fd, text, strlen(text)) == 0 &&
	     fsync(fd) == 0;
	saved = errno;
	if (close(fd) < 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok)
		return 0;
	unlink(path); /* ours: created above with O_EXCL */
	return xfa_error_set(XFA_EIO, "cannot write key file '%s': %s", path,
			     strerror(saved));
}

int xfa_key_save(const xfa_key *k, const char *path, const char *pass,
		 size_t pass_len)
{
	unsigned char blob[KF_BLOB_LEN], *dk = NULL;
	char *text = NULL;
	int err;

	memcpy(blob, KF_MAGIC, KF_MAGIC_LEN);
	put_u64be(blob + KF_MAGIC_LEN, crypto_pwhash_OPSLIMIT_INTERACTIVE);
	put_u64be(blob + KF_MAGIC_LEN + 8, crypto_pwhash_MEMLIMIT_INTERACTIVE);
	randombytes_buf(blob + KF_SALT_OFF, crypto_pwhash_SALTBYTES);
	randombytes_buf(blob + KF_NONCE_OFF,
			crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	memcpy(blob + KF_PK_OFF, k->pub.pk, 32);
	if ((err = derive(&dk, blob, pass, pass_len)) < 0)
		goto done;
	crypto_aead_xchacha20poly1305_ietf_encrypt(blob + KF_HEADER_LEN, NULL,
		k->sk, 32, blob, KF_HEADER_LEN, NULL, blob + KF_NONCE_OFF, dk);
	if (!(text = xfa_armor_encode(KF_LABEL, blob, sizeof(blob)))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	err = write_new(path, text);
done:
	sodium_free(dk);
	free(text);
	return err;
}

/* Everything about a decoded key file that can be checked without the
 * passphrase. */
static int check_blob(const unsigned char *b, size_t len, const char *path)
{
	uint64_t ops, mem;

	if (len < KF_MAGIC_LEN || memcmp(b, KF_MAGIC, KF_MAGIC_LEN - 1) != 0)
		return xfa_error_set(XFA_EINVALID,
			"key file '%s': not an xfa secret key (bad magic)", path);
	if (b[KF_MAGIC_LEN - 1] != KF_MAGIC[KF_MAGIC_LEN - 1])
		return xfa_error_set(XFA_EINVALID,
			"key file '%s': unsupported version %u", path,
			(unsigned)b[KF_MAGIC_LEN - 1]);
	if (len < KF_BLOB_LEN)
		return xfa_error_set(XFA_EINVALID,
			"key file '%s': truncated (%zu of %d bytes)", path, len,
			KF_BLOB_LEN);
	if (len > KF_BLOB_LEN)
		return xfa_error_set(XFA_EINVALID,
			"key file '%s': trailing bytes after the key", path);
	ops = get_u64be(b + KF_MAGIC_LEN);
	mem = get_u64be(b + KF_MAGIC_LEN + 8);
	if (ops < crypto_pwhash_OPSLIMIT_MIN ||
	    ops > crypto_pwhash_OPSLIMIT_MODERATE)
		return xfa_error_set(XFA_EINVALID,
			"key file '%s': opslimit %llu is outside %llu..%llu", path,
			(unsigned long long)ops,
			(unsigned long long)crypto_pwhash_OPSLIMIT_MIN,
			(unsigned long long)crypto_pwhash_OPSLIMIT_MODERATE);
	if (mem < crypto_pwhash_MEMLIMIT_MIN ||
	    mem > crypto_pwhash_MEMLIMIT_MODERATE)
		return xfa_error_set(XFA_EINVALID,
			"key file '%s': memlimit %llu is outside %llu..%llu", path,
			(unsigned long long)mem,
			(unsigned long long)crypto_pwhash_MEMLIMIT_MIN,
			(unsigned long long)crypto_pwhash_MEMLIMIT_MODERATE);
	return 0;
}

/* Decrypt the seed of a checked blob into a new key. */
static int open_blob(xfa_key **out, const unsigned char *b, const char *path,
		     const char *pass, size_t pass_len)
{
	unsigned char *dk = NULL, *seed = NULL;
	xfa_key *k = NULL;
	int err;

	if ((err = derive(&dk, b, pass, pass_len)) < 0)
		goto done;
	if (!(seed = sodium_malloc(32))) {
		err = xfa_error_set(XFA_ERROR, "out of memory for a secret key");
		goto done;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL,
			b + KF_HEADER_LEN, KF_CT_LEN, b, KF_HEADER_LEN,
			b + KF_NONCE_OFF, dk) != 0) {
		err = xfa_error_set(XFA_EAUTH,
			"wrong passphrase for key file '%s'", path);
		goto done;
	}
	if ((err = xfa_key_from_seed(&k, seed)) < 0)
		goto done;
	if (sodium_memcmp(k->pub.pk, b + KF_PK_OFF, 32) != 0) {
		err = xfa_error_set(XFA_EINVALID, "key file '%s': the secret "
				    "key does not match the public key", path);
		goto done;
	}
	*out = k;
	k = NULL;
done:
	xfa_key_free(k);
	sodium_free(seed);
	sodium_free(dk);
	return err;
}

int xfa_key_file_check(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return xfa_error_set(XFA_ENOTFOUND, "'%s': no such file",
					     path);
		return xfa_error_set(XFA_EIO, "cannot read '%s': %s", path,
				     strerror(errno));
	}
	if (S_ISLNK(st.st_mode))
		return xfa_error_set(XFA_EINVALID, "key file '%s' is a symbolic "
				     "link", path);
	if (!S_ISREG(st.st_mode))
		return xfa_error_set(XFA_EINVALID, "key file '%s' is not a "
				     "regular file", path);
	/* as ssh refuses a private key that others could read */
	if (st.st_mode & 077)
		return xfa_error_set(XFA_EAUTH, "key file '%s' has mode %04o: "
			"its group or others may read it, so it is refused "
			"(chmod 600 '%s')", path, (unsigned)(st.st_mode & 07777),
			path);
	return 0;
}

int xfa_key_load(xfa_key **out, const char *path, const char *pass,
		 size_t pass_len)
{
	unsigned char *blob = NULL;
	size_t text_len, blob_len = 0;
	char *text = NULL;
	int err;

	*out = NULL;
	if ((err = xfa_key_file_check(path)) < 0)
		return err;
	if ((err = xfa_file_read(&text, &text_len, path, KF_FILE_MAX)) < 0)
		goto done;
	if ((err = xfa_armor_decode(&blob, &blob_len, KF_LABEL, text,
				    text_len)) < 0) {
		xfa_error_wrap(err, "key file '%s'", path);
		goto done;
	}
	if ((err = check_blob(blob, blob_len, path)) < 0)
		goto done;
	err = open_blob(out, blob, path, pass, pass_len);
done:
	free(blob);
	free(text);
	return err;
}

/* ---- hashes, hex, random, guarded memory ---- */

/* Not OpenSSL 3's one-shot SHA256(): it goes through EVP_Q_digest, whose
 * first call sets up the provider machinery (4.4 million instructions, 7%
 * of a `case move`); the low-level functions run the same code without it. */
void xfa_sha256(unsigned char out[32], const void *data, size_t len)
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, data, len);
	SHA256_Final(out, &c);
}

void xfa_sha512(unsigned char out[64], const void *data, size_t len)
{
	SHA512_CTX c;

	SHA512_Init(&c);
	SHA512_Update(&c, data, len);
	SHA512_Final(out, &c);
}

void xfa_sha256_init(xfa_sha256_ctx *c)
{
	SHA256_Init((SHA256_CTX *)(void *)c->opaque);
}

void xfa_sha256_update(xfa_sha256_ctx *c, const void *data, size_t len)
{
	SHA256_Update((SHA256_CTX *)(void *)c->opaque, data, len);
}

void xfa_sha256_final(xfa_sha256_ctx *c, unsigned char out[32])
{
	SHA256_Final(out, (SHA256_CTX *)(void *)c->opaque);
}

void xfa_sha512_init(xfa_sha512_ctx *c)
{
	SHA512_Init((SHA512_CTX *)(void *)c->opaque);
}

void xfa_sha512_update(xfa_sha512_ctx *c, const void *data, size_t len)
{
	SHA512_Update((SHA512_CTX *)(void *)c->opaque, data, len);
}

void xfa_sha512_final(xfa_sha512_ctx *c, unsigned char out[64])
{
	SHA512_Final(out, (SHA512_CTX *)(void *)c->opaque);
}

void xfa_hex(char *out, const unsigned char *data, size_t len)
{
	sodium_bin2hex(out, 2 * len + 1, data, len);
}

void xfa_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

void *xfa_secret_alloc(size_t len)
{
	return sodium_malloc(len);
}

void xfa_secret_free(void *p)
{
	sodium_free(p);
}

/* check_sshsig.c - tests for sshsig.c: byte-identity with ssh-keygen -Y sign,
 * acceptance by ssh-keygen -Y verify, and every way a signature is refused. */
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "file.h"
#include "key.h"
#include "sshsig.h"

#define FIXTURES "tests/fixtures/keys/"
#define NS "xfa-event"
#define STR_LEN(s) (s), strlen(s)

static char tmpdir[64];

/* ---- helpers ---- */

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/xfa-check-sshsig-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* The tests make only plain files in tmpdir. */
static void remove_tmpdir(void)
{
	char p[512];
	struct dirent *e;
	DIR *d;

	if (!tmpdir[0] || !(d = opendir(tmpdir)))
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(p, sizeof(p), "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

static void tpath(char out[256], const char *name)
{
	snprintf(out, 256, "%s/%s", tmpdir, name);
}

static char *slurp(const char *path, size_t *len)
{
	char *s = NULL;
	int err = xfa_file_read(&s, len, path, 1 << 20);

	ck_assert_msg(err == 0, "reading %s: %s", path, xfa_error_last());
	return s;
}

static void spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static int have_ssh_keygen(void)
{
	return system("command -v ssh-keygen >/dev/null 2>&1") == 0;
}

/* Run a shell command in tmpdir (stderr to tmpdir/log); its exit status. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[1024];
	size_t n;
	va_list ap;
	int st;

	n = (size_t)snprintf(cmd, sizeof(cmd), "cd '%s' && { ", tmpdir);
	va_start(ap, fmt);
	n += (size_t)vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	ck_assert_uint_lt(n + 16, sizeof(cmd));
	strcat(cmd, "; } 2>>log");
	st = system(cmd);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void assert_error(int got, int want, const char *part)
{
	ck_assert_msg(got == want, "got %d (%s), want %d", got,
		      xfa_error_last(), want);
	ck_assert_msg(strstr(xfa_error_last(), part) != NULL,
		      "message '%s' lacks '%s'", xfa_error_last(), part);
}

static xfa_pubkey fixture_pub(const char *name)
{
	char *line;
	size_t n;
	xfa_pubkey pk;

	line = slurp(name, &n);
	ck_assert_int_eq(xfa_pubkey_parse(&pk, NULL, line), 0);
	free(line);
	return pk;
}

/* ---- reading ssh-keygen's unencrypted openssh-key-v1 private key ---- */

struct rd {
	const unsigned char *p;
	size_t len;
};

static uint32_t rd_u32(struct rd *r)
{
	uint32_t v;

	ck_assert_uint_ge(r->len, 4);
	v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->len -= 4;
	return v;
}

static struct rd rd_string(struct rd *r)
{
	struct rd s;

	s.len = rd_u32(r);
	ck_assert_uint_le(s.len, r->len);
	s.p = r->p;
	r->p += s.len;
	r->len -= s.len;
	return s;
}

static int rd_is(struct rd s, const char *word)
{
	return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

/* The key in an unencrypted openssh-key-v1 file (PROTOCOL.key). */
static xfa_key *load_openssh_key(const char *path)
{
	unsigned char *blob = NULL;
	struct rd r, priv, sk;
	size_t n, blob_len = 0;
	char *text = slurp(path, &n);
	xfa_key *k = NULL;

	ck_assert_int_eq(xfa_armor_decode(&blob, &blob_len, "OPENSSH PRIVATE KEY",
					  text, n), 0);
	ck_assert_mem_eq(blob, "openssh-key-v1", 15); /* with its NUL */
	r.p = blob + 15;
	r.len = blob_len - 15;
	ck_assert(rd_is(rd_string(&r), "none"));        /* cipher */
	ck_assert(rd_is(rd_string(&r), "none"));        /* kdf */
	ck_assert(rd_is(rd_string(&r), ""));            /* kdf options */
	ck_assert_uint_eq(rd_u32(&r), 1);               /* one key */
	(void)rd_string(&r);                            /* public key */
	priv = rd_string(&r);
	ck_assert_uint_eq(rd_u32(&priv), rd_u32(&priv)); /* check ints */
	ck_assert(rd_is(rd_string(&priv), "ssh-ed25519"));
	(void)rd_string(&priv);                         /* pk */
	sk = rd_string(&priv);                          /* seed || pk */
	ck_assert_uint_eq(sk.len, 64);
	ck_assert_int_eq(xfa_key_from_seed(&k, sk.p), 0);
	ck_assert_mem_eq(xfa_key_public(k)->pk, sk.p + 32, 32);
	free(blob);
	free(text);
	return k;
}

/* ---- signatures ssh-keygen made (fixtures) ---- */

START_TEST(test_verify_ssh_keygen_fixtures)
{
	static const char *sigs[] = {
		FIXTURES "message.txt.sig", FIXTURES "message.txt.sha256.sig",
	};
	xfa_pubkey want = fixture_pub(FIXTURES "ed25519.pub"), got;
	char *msg, *sig;
	size_t i, msg_len, sig_len;

	msg = slurp(FIXTURES "message.txt", &msg_len);
	for (i = 0; i < 2; i++) {
		sig = slurp(sigs[i], &sig_len);
		memset(&got, 0, sizeof(got));
		if (i == 1) {  /* ssh-keygen -O hashalg=sha256: xfa takes sha512 only */
			assert_error(xfa_sshsig_verify(&got, sig, sig_len, NS,
				(unsigned char *)msg, msg_len), XFA_EINVALID,
				"hash algorithm 'sha256' is not sha512");
			free(sig);
			continue;
		}
		ck_assert_msg(xfa_sshsig_verify(&got, sig, sig_len, NS,
			(unsigned char *)msg, msg_len) == 0, "%s: %s", sigs[i],
			xfa_error_last());
		ck_assert_mem_eq(got.pk, want.pk, 32);
		ck_assert_int_eq(xfa_sshsig_verify(NULL, sig, sig_len, NS,
			(unsigned char *)msg, msg_len), 0);
		free(sig);
	}
	free(msg);
}
END_TEST

START_TEST(test_sign_matches_ssh_keygen_fixture)
{
	xfa_key *k = load_openssh_key(FIXTURES "ed25519");
	char *msg, *want, *got = NULL;
	size_t msg_len, want_len;

	msg = slurp(FIXTURES "message.txt", &msg_len);
	want = slurp(FIXTURES "message.txt.sig", &want_len);
	ck_assert_int_eq(xfa_sshsig_sign(&got, k, NS, (unsigned char *)msg,
					 msg_len), 0);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	free(msg);
	xfa_key_free(k);
}
END_TEST

START_TEST(test_verify_refuses_bad_fixtures)
{
	char *msg, *sig;
	size_t msg_len, sig_len;
	xfa_pubkey got;

	msg = slurp(FIXTURES "message.txt", &msg_len);
	sig = slurp(FIXTURES "message.txt.sig", &sig_len);
	memset(&got, 0xee, sizeof(got));
	/* wrong namespace */
	ck_assert_int_eq(xfa_sshsig_verify(&got, sig, sig_len, "git",
		(unsigned char *)msg, msg_len), XFA_EBADSIG);
	ck_assert_str_eq(xfa_error_last(),
		"signature namespace 'xfa-event' does not match expected 'git'");
	/* tampered message, and one byte short */
	msg[3] ^= 1;
	assert_error(xfa_sshsig_verify(&got, sig, sig_len, NS,
		(unsigned char *)msg, msg_len), XFA_EBADSIG, "does not verify");
	msg[3] ^= 1;
	assert_error(xfa_sshsig_verify(&got, sig, sig_len, NS,
		(unsigned char *)msg, msg_len - 1), XFA_EBADSIG, "does not verify");
	/* an RSA signature ssh-keygen made */
	free(sig);
	sig = slurp(FIXTURES "message.txt.rsa.sig", &sig_len);
	assert_error(xfa_sshsig_verify(&got, sig, sig_len, NS,
		(unsigned char *)msg, msg_len), XFA_EINVALID,
		"signature key type 'ssh-rsa' is not supported");
	/* empty expected namespace */
	assert_error(xfa_sshsig_verify(&got, sig, sig_len, "",
		(unsigned char *)msg, msg_len), XFA_EINVALID,
		"expected signature namespace is empty");
	ck_assert_uint_eq(got.pk[0], 0xee); /* untouched on failure */
	ck_assert_uint_eq(got.pk[31], 0xee);
	free(sig);
	free(msg);
}
END_TEST

/* ---- armor ---- */

/* `s` with "\n" replaced by `eol` and its base64 rewrapped at `width`
 * (0: one line); malloc'd. */
static char *rewrap(const char *s, const char *eol, size_t width)
{
	const char *body = strchr(s, '\n') + 1, *end = strstr(s, "-----END");
	char *out = calloc(1, 2 * strlen(s) + 64);
	size_t col = 0;
	const char *p;

	strncat(out, s, (size_t)(body - s - 1));
	strcat(out, eol);
	for (p = body; p < end; p++) {
		if (*p == '\n')
			continue;
		strncat(out, p, 1);
		if (width && ++col == width) {
			strcat(out, eol);
			col = 0;
		}
	}
	if (col || !width)
		strcat(out, eol);
	strncat(out, end, strcspn(end, "\n"));
	strcat(out, eol);
	return out;
}

START_TEST(test_armor_layouts_accepted)
{
	static const struct { const char *eol; size_t width; int trim; } v[] = {
		{ "\n", 70, 0 }, { "\r\n", 70, 0 }, { "\n", 76, 0 },
		{ "\r\n", 64, 1 }, { "\n", 0, 0 }, { "\n", 4, 1 },
	};
	const unsigned char msg[] = "message";
	char *sig = NULL, *w, *padded;
	size_t i;
	xfa_key *k = NULL;

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	ck_assert_int_eq(xfa_sshsig_sign(&sig, k, NS, msg, 7), 0);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		w = rewrap(sig, v[i].eol, v[i].width);
		if (v[i].trim) /* no final newline */
			w[strlen(w) - strlen(v[i].eol)] = '\0';
		ck_assert_msg(xfa_sshsig_verify(NULL, w, strlen(w), NS, msg, 7)
			      == 0, "layout %zu: %s", i, xfa_error_last());
		free(w);
	}
	padded = calloc(1, strlen(sig) + 16);
	sprintf(padded, "\n \t%s\n\n  ", sig);
	ck_assert_int_eq(xfa_sshsig_verify(NULL, padded, strlen(padded), NS, msg,
					   7), 0);
	free(padded);
	free(sig);
	xfa_key_free(k);
}
END_TEST

START_TEST(test_armor_refused)
{
	const unsigned char msg[] = "message";
	char *sig = NULL, *bad;
	size_t n;
	xfa_key *k = NULL;

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	ck_assert_int_eq(xfa_sshsig_sign(&sig, k, NS, msg, 7), 0);
	n = strlen(sig);
	/* truncated: cut inside the base64 */
	assert_error(xfa_sshsig_verify(NULL, sig, n / 2, NS, msg, 7),
		     XFA_EINVALID, "missing '-----END SSH SIGNATURE-----' line");
	/* truncated at the END line */
	assert_error(xfa_sshsig_verify(NULL, sig, n - 5, NS, msg, 7),
		     XFA_EINVALID, "missing '-----END SSH SIGNATURE-----' line");
	/* a base64 line dropped: END line present, data short */
	bad = strdup(sig);
	memmove(bad + 30, bad + 30 + 71, n - 30 - 71 + 1);
	ck_assert_int_eq(xfa_sshsig_verify(NULL, bad, strlen(bad), NS, msg, 7),
			 XFA_EINVALID);
	free(bad);
	/* garbled BEGIN line */
	bad = strdup(sig);
	bad[12] = 's';
	assert_error(xfa_sshsig_verify(NULL, bad, n, NS, msg, 7), XFA_EINVALID,
		     "missing '-----BEGIN SSH SIGNATURE-----' line");
	free(bad);
	/* bad base64 */
	bad = strdup(sig);
	bad[40] = '*';
	assert_error(xfa_sshsig_verify(NULL, bad, n, NS, msg, 7), XFA_EINVALID,
		     "invalid base64");
	free(bad);
	/* text after END */
	bad = calloc(1, n + 8);
	sprintf(bad, "%sx\n", sig);
	assert_error(xfa_sshsig_verify(NULL, bad, n + 2, NS, msg, 7),
		     XFA_EINVALID, "unexpected text after");
	free(bad);
	assert_error(xfa_sshsig_verify(NULL, STR_LEN(""), NS, msg, 7),
		     XFA_EINVALID, "missing '-----BEGIN");
	free(sig);
	xfa_key_free(k);
}
END_TEST

/* ---- blobs built field by field ---- */

struct spec {
	uint32_t version;
	const char *pubkey_type;	/* in the public key blob */
	size_t pubkey_len;		/* bytes of pk; 32 normally */
	const char *ns;
	size_t ns_len;
	const char *reserved;
	const char *hashalg;
	const char *sig_type;
	size_t sig_len;			/* bytes of signature; 64 normally */
	size_t inner_trailing, outer_trailing;
	const char *signed_hashalg;	/* hash the signature is made over */
	size_t cut;			/* drop this many bytes from the end */
};

static struct spec good_spec(void)
{
	struct spec s = {
		1, "ssh-ed25519", 32, NS, sizeof(NS) - 1, "", "sha512",
		"ssh-ed25519", 64, 0, 0, "sha512", 0
	};

	return s;
}

struct buf {
	unsigned char b[2048];
	size_t len;
};

static void b_raw(struct buf *b, const void *d, size_t n)
{
	ck_assert_uint_le(b->len + n, sizeof(b->b));
	memcpy(b->b + b->len, d, n);
	b->len += n;
}

static void b_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {
		(unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v
	};

	b_raw(b, x, 4);
}

static void b_str(struct buf *b, const void *d, size_t n)
{
	b_u32(b, (uint32_t)n);
	b_raw(b, d, n);
}

/* PROTOCOL.sshsig written out independently of sshsig.c; armored. */
static char *build(const xfa_key *k, const struct spec *s,
		   const unsigned char *msg, size_t msg_len)
{
	struct buf sd = { .len = 0 }, pk = { .len = 0 }, sig = { .len = 0 },
		   blob = { .len = 0 };
	unsigned char h[64], raw[64], zeros[64] = { 0 };
	int sha512 = strcmp(s->signed_hashalg, "sha512") == 0;

	if (sha512)
		xfa_sha512(h, msg, msg_len);
	else
		xfa_sha256(h, msg, msg_len);
	b_raw(&sd, "SSHSIG", 6);
	b_str(&sd, s->ns, s->ns_len);
	b_str(&sd, "", 0);
	b_str(&sd, s->signed_hashalg, strlen(s->signed_hashalg));
	b_str(&sd, h, sha512 ? 64 : 32);
	xfa_key_sign(raw, k, sd.b, sd.len);

	b_str(&pk, s->pubkey_type, strlen(s->pubkey_type));
	b_str(&pk, xfa_key_public(k)->pk, s->pubkey_len);
	b_str(&sig, s->sig_type, strlen(s->sig_type));
	b_str(&sig, raw, s->sig_len);
	b_raw(&sig, zeros, s->inner_trailing);

	b_raw(&blob, "SSHSIG", 6);
	b_u32(&blob, s->version);
	b_str(&blob, pk.b, pk.len);
	b_str(&blob, s->ns, s->ns_len);
	b_str(&blob, s->reserved, strlen(s->reserved));
	b_str(&blob, s->hashalg, strlen(s->hashalg));
	b_str(&blob, sig.b, sig.len);
	b_raw(&blob, zeros, s->outer_trailing);
	ck_assert_uint_ge(blob.len, s->cut + 1);
	return xfa_armor_encode("SSH SIGNATURE", blob.b, blob.len - s->cut);
}

/* Verify the signature `s` describes over "msg" in NS; the result. */
static int verify_spec(const struct spec *s)
{
	static const unsigned char msg[] = "the message";
	xfa_key *k = NULL;
	char *armor;
	int err;

	ck_assert_int_eq(xfa_key_from_seed(&k, (const unsigned char *)
		"0123456789abcdef0123456789abcdef"), 0);
	armor = build(k, s, msg, sizeof(msg) - 1);
	err = xfa_sshsig_verify(NULL, armor, strlen(armor), NS, msg,
				sizeof(msg) - 1);
	free(armor);
	xfa_key_free(k);
	return err;
}

START_TEST(test_blob_builder_matches_sign)
{
	static const unsigned char msg[] = "the message";
	struct spec s = good_spec();
	char *ours = NULL, *built;
	xfa_key *k = NULL;

	/* an independent writer of the format agrees with sshsig.c */
	ck_assert_int_eq(xfa_key_from_seed(&k, (const unsigned char *)
		"0123456789abcdef0123456789abcdef"), 0);
	ck_assert_int_eq(xfa_sshsig_sign(&ours, k, NS, msg, sizeof(msg) - 1), 0);
	built = build(k, &s, msg, sizeof(msg) - 1);
	ck_assert_str_eq(ours, built);
	free(ours);
	free(built);
	xfa_key_free(k);
	ck_assert_int_eq(verify_spec(&s), 0);
	s.hashalg = s.signed_hashalg = "sha256";  /* valid SSHSIG, not xfa's */
	assert_error(verify_spec(&s), XFA_EINVALID, "'sha256' is not sha512");
	s.hashalg = s.signed_hashalg = "sha512";
	/* verifiers ignore the reserved field, as ssh-keygen does */
	s.reserved = "future";
	ck_assert_int_eq(verify_spec(&s), 0);
}
END_TEST

START_TEST(test_blob_refused)
{
	struct spec s;

	s = good_spec(), s.version = 2;
	assert_error(verify_spec(&s), XFA_EINVALID, "signature version 2");
	s = good_spec(), s.version = 0;
	assert_error(verify_spec(&s), XFA_EINVALID, "signature version 0");
	s = good_spec(), s.outer_trailing = 1;
	assert_error(verify_spec(&s), XFA_EINVALID,
		     "trailing bytes after the signature");
	s = good_spec(), s.inner_trailing = 1;
	assert_error(verify_spec(&s), XFA_EINVALID,
		     "trailing bytes inside the signature string");
	s = good_spec(), s.pubkey_type = "ssh-rsa";
	assert_error(verify_spec(&s), XFA_EINVALID,
		     "signature key type 'ssh-rsa' is not supported");
	s = good_spec(), s.pubkey_type = "sk-ecdsa-sha2-nistp256@openssh.com";
	assert_error(verify_spec(&s), XFA_EINVALID,
		     "'sk-ecdsa-sha2-nistp256@openssh.com' is not supported");
	/* an sk key type over an ed25519 body: no application string */
	s = good_spec(), s.pubkey_type = "sk-ssh-ed25519@openssh.com";
	assert_error(verify_spec(&s), XFA_EINVALID, "application");
	s = good_spec(), s.pubkey_len = 31;
	assert_error(verify_spec(&s), XFA_EINVALID, "public key");
	s = good_spec(), s.sig_type = "rsa-sha2-512";
	assert_error(verify_spec(&s), XFA_EINVALID,
		     "signature type 'rsa-sha2-512' does not match key type");
	s = good_spec(), s.sig_len = 63;
	assert_error(verify_spec(&s), XFA_EINVALID, "63 bytes, expected 64");
	s = good_spec(), s.hashalg = s.signed_hashalg = "sha1";
	assert_error(verify_spec(&s), XFA_EINVALID,
		     "signature hash algorithm 'sha1' is not sha512");
	s = good_spec(), s.hashalg = "SHA512";
	assert_error(verify_spec(&s), XFA_EINVALID, "'SHA512' is not sha512");
	s = good_spec(), s.ns = "", s.ns_len = 0;
	assert_error(verify_spec(&s), XFA_EINVALID, "signature namespace is empty");
	s = good_spec(), s.ns = "xfa-event\0x", s.ns_len = 11;
	assert_error(verify_spec(&s), XFA_EINVALID, "NUL");
	s = good_spec(), s.ns = "xfa-even", s.ns_len = 8;
	assert_error(verify_spec(&s), XFA_EBADSIG,
		"signature namespace 'xfa-even' does not match expected "
		"'xfa-event'");
	s = good_spec(), s.ns = "xfa-event\x1b[31m", s.ns_len = 14;
	assert_error(verify_spec(&s), XFA_EBADSIG, "'xfa-event?[31m'");
	/* the blob says sha256 (refused before any signature check) */
	s = good_spec(), s.hashalg = "sha256";
	assert_error(verify_spec(&s), XFA_EINVALID, "'sha256' is not sha512");
}
END_TEST

START_TEST(test_blob_every_truncation)
{
	struct spec s = good_spec();
	size_t cut, len = 170 + sizeof(NS) - 1;

	for (cut = 1; cut < len; cut++) {
		s.cut = cut;
		ck_assert_msg(verify_spec(&s) == XFA_EINVALID, "cut %zu: %s", cut,
			      xfa_error_last());
	}
	s.cut = len - 6;
	assert_error(verify_spec(&s), XFA_EINVALID, "truncated in the version");
	s.cut = len - 3;
	assert_error(verify_spec(&s), XFA_EINVALID, "does not start with 'SSHSIG'");
	s.cut = 1;
	assert_error(verify_spec(&s), XFA_EINVALID, "truncated in the signature");
}
END_TEST

/* ---- signing ---- */

START_TEST(test_sign_layout_and_round_trip)
{
	static const char *spaces[] = { "git", "xfa-event", "xfa-export", "n" };
	unsigned char *blob = NULL, *big;
	char *sig = NULL;
	size_t i, n = 0, big_len = 1 << 20;
	xfa_key *k = NULL;

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	ck_assert_ptr_nonnull(big = malloc(big_len));
	xfa_random(big, big_len);
	for (i = 0; i < 4; i++) {
		const char *ns = spaces[i];

		ck_assert_int_eq(xfa_sshsig_sign(&sig, k, ns, big, big_len), 0);
		ck_assert_int_eq(xfa_armor_decode(&blob, &n, "SSH SIGNATURE", sig,
						  strlen(sig)), 0);
		ck_assert_uint_eq(n, 170 + strlen(ns));
		ck_assert_int_eq(xfa_sshsig_verify(NULL, sig, strlen(sig), ns,
						   big, big_len), 0);
		big[big_len - 1] ^= 0x80;
		ck_assert_int_eq(xfa_sshsig_verify(NULL, sig, strlen(sig), ns,
						   big, big_len), XFA_EBADSIG);
		free(blob);
		free(sig);
	}
	/* the empty message */
	ck_assert_int_eq(xfa_sshsig_sign(&sig, k, "git", big, 0), 0);
	ck_assert_int_eq(xfa_sshsig_verify(NULL, sig, strlen(sig), "git", big,
					   0), 0);
	free(sig);
	assert_error(xfa_sshsig_sign(&sig, k, "", big, 1), XFA_EINVALID,
		     "signature namespace is empty");
	ck_assert_ptr_null(sig);
	free(big);
	xfa_key_free(k);
}
END_TEST

START_TEST(test_sign_reports_signer)
{
	static const unsigned char msg[] = "m";
	unsigned char *blob = NULL;
	char *sig = NULL, *swapped;
	size_t n = 0;
	xfa_pubkey got;
	xfa_key *k = NULL, *other = NULL;

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	ck_assert_int_eq(xfa_key_generate(&other), 0);
	ck_assert_int_eq(xfa_sshsig_sign(&sig, other, NS, msg, 1), 0);
	ck_assert_int_eq(xfa_sshsig_verify(&got, sig, strlen(sig), NS, msg, 1), 0);
	ck_assert_mem_eq(got.pk, xfa_key_public(other)->pk, 32);
	ck_assert_mem_ne(got.pk, xfa_key_public(k)->pk, 32);
	/* the same signature claiming to be k's */
	ck_assert_int_eq(xfa_armor_decode(&blob, &n, "SSH SIGNATURE", sig,
					  strlen(sig)), 0);
	ck_assert_mem_eq(blob + 33, xfa_key_public(other)->pk, 32);
	memcpy(blob + 33, xfa_key_public(k)->pk, 32);
	swapped = xfa_armor_encode("SSH SIGNATURE", blob, n);
	assert_error(xfa_sshsig_verify(&got, swapped, strlen(swapped), NS, msg,
				       1), XFA_EBADSIG, "does not verify");
	free(swapped);
	free(blob);
	free(sig);
	xfa_key_free(k);
	xfa_key_free(other);
}
END_TEST

/* ---- live ssh-keygen, both directions ---- */

static void write_allowed(const char *name, const xfa_pubkey *pk)
{
	char p[256], *line = xfa_pubkey_format(pk, NULL), entry[256];

	snprintf(entry, sizeof(entry), "alice@xfa.test %s\n", line);
	tpath(p, name);
	spit(p, entry, strlen(entry));
	free(line);
}

START_TEST(test_ssh_keygen_verifies_xfa)
{
	const char *msg = "case XF-2026-000001 moved to 'assigned'\n";
	char p[256], *sig = NULL;
	xfa_key *k = NULL;

	if (!have_ssh_keygen())
		return;
	ck_assert_int_eq(xfa_key_generate(&k), 0);
	ck_assert_int_eq(xfa_sshsig_sign(&sig, k, NS, (unsigned char *)msg,
					 strlen(msg)), 0);
	tpath(p, "x.msg");
	spit(p, msg, strlen(msg));
	tpath(p, "x.msg.sig");
	spit(p, sig, strlen(sig));
	write_allowed("allowed", xfa_key_public(k));
	ck_assert_int_eq(run("ssh-keygen -Y verify -f allowed -I alice@xfa.test "
		"-n %s -s x.msg.sig < x.msg >/dev/null", NS), 0);
	ck_assert_int_eq(run("ssh-keygen -Y check-novalidate -n %s -s x.msg.sig "
		"< x.msg >/dev/null", NS), 0);
	ck_assert_int_ne(run("ssh-keygen -Y verify -f allowed -I alice@xfa.test "
		"-n %s -s x.msg.sig < x.msg >/dev/null", "git"), 0);
	ck_assert_int_ne(run("ssh-keygen -Y verify -f allowed -I bob@xfa.test "
		"-n %s -s x.msg.sig < x.msg >/dev/null", NS), 0);
	/* a changed message */
	tpath(p, "x.msg");
	spit(p, msg, strlen(msg) - 1);
	ck_assert_int_ne(run("ssh-keygen -Y verify -f allowed -I alice@xfa.test "
		"-n %s -s x.msg.sig < x.msg >/dev/null", NS), 0);
	free(sig);
	xfa_key_free(k);
}
END_TEST

START_TEST(test_xfa_verifies_ssh_keygen_live)
{
	static const char *opts[] = {
		"", "-O hashalg=sha256", "-O hashalg=sha512"
	};
	char p[256], *msg, *sig, *line, *ours = NULL;
	size_t i, msg_len, sig_len, n;
	xfa_pubkey want, got;
	xfa_key *k;

	if (!have_ssh_keygen())
		return;
	ck_assert_int_eq(run("ssh-keygen -q -t ed25519 -N '' -C live -f k"), 0);
	tpath(p, "k.pub");
	line = slurp(p, &n);
	ck_assert_int_eq(xfa_pubkey_parse(&want, NULL, line), 0);
	free(line);
	tpath(p, "k");
	k = load_openssh_key(p);
	ck_assert_mem_eq(xfa_key_public(k)->pk, want.pk, 32);
	tpath(p, "m");
	spit(p, "\0binary\xff\r\n message", 18);
	msg = slurp(p, &msg_len);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(run("rm -f m.sig && ssh-keygen -Y sign -n %s %s "
				     "-f k m", NS, opts[i]), 0);
		tpath(p, "m.sig");
		sig = slurp(p, &sig_len);
		memset(&got, 0, sizeof(got));
		if (i == 1) {  /* sha256: a valid SSHSIG that xfa refuses */
			assert_error(xfa_sshsig_verify(&got, sig, sig_len, NS,
				(unsigned char *)msg, msg_len), XFA_EINVALID,
				"'sha256' is not sha512");
			free(sig);
			continue;
		}
		ck_assert_msg(xfa_sshsig_verify(&got, sig, sig_len, NS,
			(unsigned char *)msg, msg_len) == 0, "%s: %s", opts[i],
			xfa_error_last());
		ck_assert_mem_eq(got.pk, want.pk, 32);
		if (i != 1) { /* sha512: byte for byte what xfa writes */
			ck_assert_int_eq(xfa_sshsig_sign(&ours, k, NS,
				(unsigned char *)msg, msg_len), 0);
			ck_assert_str_eq(ours, sig);
			free(ours);
		}
		free(sig);
	}
	free(msg);
	xfa_key_free(k);
}
END_TEST

Suite *sshsig_suite(void);

Suite *sshsig_suite(void)
{
	Suite *s = suite_create("sshsig");
	TCase *tc;

	tc = tcase_create("fixtures");
	tcase_add_test(tc, test_verify_ssh_keygen_fixtures);
	tcase_add_test(tc, test_sign_matches_ssh_keygen_fixture);
	tcase_add_test(tc, test_verify_refuses_bad_fixtures);
	suite_add_tcase(s, tc);

	tc = tcase_create("armor");
	tcase_add_test(tc, test_armor_layouts_accepted);
	tcase_add_test(tc, test_armor_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("blob");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_blob_builder_matches_sign);
	tcase_add_test(tc, test_blob_refused);
	tcase_add_test(tc, test_blob_every_truncation);
	tcase_add_test(tc, test_sign_layout_and_round_trip);
	tcase_add_test(tc, test_sign_reports_signer);
	suite_add_tcase(s, tc);

	tc = tcase_create("ssh-keygen");
	tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_ssh_keygen_verifies_xfa);
	tcase_add_test(tc, test_xfa_verifies_ssh_keygen_live);
	suite_add_tcase(s, tc);
	return s;
}

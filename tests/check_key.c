/* check_key.c - tests for key.c: key files, OpenSSH public keys and
 * fingerprints (checked against ssh-keygen), base64, armor, hashes. */
#include <check.h>
#include <dirent.h>
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

#define FIXTURES "tests/fixtures/keys/"
#define PASS "correct horse battery staple"
#define KF_LABEL "XFA SECRET KEY"
#define KF_BLOB_LEN 144
#define STR_LEN(s) (s), strlen(s)

static char tmpdir[64];
static xfa_pubkey saved_pk;

/* ---- helpers ---- */

static void make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/xfa-check-key-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* The tests make only plain files and symbolic links in tmpdir. */
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
	ck_assert_int_eq(chmod(path, 0600), 0); /* a key file's mode */
}

/* A fixture copied into tmpdir at mode 0600 (the checkout's mode is the
 * umask's); returns the copy's path in `p`. */
static const char *private_copy(char p[256], const char *fixture)
{
	size_t n = 0;
	char *s = slurp(fixture, &n);

	snprintf(p, 256, "%s/%s", tmpdir, strrchr(fixture, '/') + 1);
	spit(p, s, n);
	free(s);
	return p;
}

static int have_ssh_keygen(void)
{
	return system("command -v ssh-keygen >/dev/null 2>&1") == 0;
}

static void assert_error(int got, int want, const char *part)
{
	ck_assert_msg(got == want, "got %d (%s), want %d", got,
		      xfa_error_last(), want);
	ck_assert_msg(strstr(xfa_error_last(), part) != NULL,
		      "message '%s' lacks '%s'", xfa_error_last(), part);
}

/* ---- keys ---- */

static const char *rfc8032_seed =
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char *rfc8032_pk =
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char *rfc8032_sig =
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555f"
	"b8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

static void unhex(unsigned char *out, const char *hex)
{
	size_t i;

	for (i = 0; hex[2 * i]; i++) {
		unsigned v;

		ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
}

START_TEST(test_key_rfc8032_vector)
{
	unsigned char seed[32], sig[64];
	char hex[129];
	xfa_key *k = NULL;

	unhex(seed, rfc8032_seed);
	ck_assert_int_eq(xfa_key_from_seed(&k, seed), 0);
	xfa_hex(hex, xfa_key_public(k)->pk, 32);
	ck_assert_str_eq(hex, rfc8032_pk);
	xfa_key_sign(sig, k, (const unsigned char *)"", 0);
	xfa_hex(hex, sig, 64);
	ck_assert_str_eq(hex, rfc8032_sig);
	ck_assert_int_eq(xfa_pubkey_verify(xfa_key_public(k), sig,
					   (const unsigned char *)"", 0), 0);
	xfa_key_free(k);
}
END_TEST

START_TEST(test_key_generate_sign_verify)
{
	const unsigned char m[] = "status: accepted";
	unsigned char sig[64];
	xfa_key *a = NULL, *b = NULL;

	ck_assert_int_eq(xfa_key_global_init(), 0); /* already initialised */
	ck_assert_int_eq(xfa_key_generate(&a), 0);
	ck_assert_int_eq(xfa_key_generate(&b), 0);
	ck_assert_mem_ne(xfa_key_public(a)->pk, xfa_key_public(b)->pk, 32);
	xfa_key_sign(sig, a, m, sizeof(m) - 1);
	ck_assert_int_eq(xfa_pubkey_verify(xfa_key_public(a), sig, m,
					   sizeof(m) - 1), 0);
	assert_error(xfa_pubkey_verify(xfa_key_public(a), sig, m, sizeof(m) - 2),
		     XFA_EBADSIG, "does not verify");
	assert_error(xfa_pubkey_verify(xfa_key_public(b), sig, m, sizeof(m) - 1),
		     XFA_EBADSIG, "does not verify");
	sig[10] ^= 1;
	assert_error(xfa_pubkey_verify(xfa_key_public(a), sig, m, sizeof(m) - 1),
		     XFA_EBADSIG, "does not verify");
	xfa_key_free(a);
	xfa_key_free(b);
	xfa_key_free(NULL);
}
END_TEST

/* ---- key files ---- */

static void keyfile_setup(void)
{
	char p[256];
	xfa_key *k = NULL;

	make_tmpdir();
	ck_assert_int_eq(xfa_key_generate(&k), 0);
	saved_pk = *xfa_key_public(k);
	tpath(p, "saved.key");
	ck_assert_int_eq(xfa_key_save(k, p, PASS, strlen(PASS)), 0);
	xfa_key_free(k);
}

/* The decoded blob of saved.key; malloc'd. */
static unsigned char *saved_blob(size_t *len)
{
	unsigned char *blob = NULL;
	char p[256], *text;
	size_t text_len;

	tpath(p, "saved.key");
	text = slurp(p, &text_len);
	ck_assert_int_eq(xfa_armor_decode(&blob, len, KF_LABEL, text, text_len), 0);
	free(text);
	return blob;
}

/* Write saved.key's blob, with byte `off` xor'ed by `x` and cut or
 * zero-extended to `len` bytes, re-armored, to `name`; the path in `p`. */
static void write_tampered(char p[256], const char *name, size_t off,
			   unsigned char x, size_t len)
{
	size_t n;
	unsigned char *blob = saved_blob(&n), *b = calloc(1, len + 1);
	char *text;

	ck_assert_ptr_nonnull(b);
	memcpy(b, blob, n < len ? n : len);
	if (off < len)
		b[off] ^= x;
	ck_assert_ptr_nonnull(text = xfa_armor_encode(KF_LABEL, b, len));
	tpath(p, name);
	spit(p, text, strlen(text));
	free(text);
	free(b);
	free(blob);
}

START_TEST(test_keyfile_round_trip)
{
	const unsigned char m[] = "round trip";
	unsigned char sig[64], *blob;
	char p[256], *text, *line, *save;
	size_t n, text_len;
	xfa_key *k = NULL;

	tpath(p, "saved.key");
	ck_assert_int_eq(xfa_key_load(&k, p, PASS, strlen(PASS)), 0);
	ck_assert_mem_eq(xfa_key_public(k)->pk, saved_pk.pk, 32);
	xfa_key_sign(sig, k, m, sizeof(m));
	ck_assert_int_eq(xfa_pubkey_verify(&saved_pk, sig, m, sizeof(m)), 0);
	xfa_key_free(k);

	/* the layout the file format promises */
	text = slurp(p, &text_len);
	ck_assert_int_eq(strncmp(text, "-----BEGIN XFA SECRET KEY-----\n", 31), 0);
	ck_assert_str_eq(text + text_len - 29, "-----END XFA SECRET KEY-----\n");
	n = 0;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++)
		ck_assert_uint_le(strlen(line), 70);
	ck_assert_uint_eq(n, 2 + (KF_BLOB_LEN / 3 * 4 + 69) / 70);
	free(text);
	blob = saved_blob(&n);
	ck_assert_uint_eq(n, KF_BLOB_LEN);
	ck_assert_mem_eq(blob, "xfakey\0\1", 8);
	ck_assert_mem_eq(blob + 8, "\0\0\0\0\0\0\0\2", 8);  /* interactive */
	ck_assert_mem_eq(blob + 16, "\0\0\0\0\4\0\0\0", 8); /* 64 MiB */
	ck_assert_mem_eq(blob + 64, saved_pk.pk, 32);
	free(blob);
}
END_TEST

START_TEST(test_keyfile_wrong_passphrase)
{
	char p[256], want[300];
	xfa_key *k = (xfa_key *)&k;

	tpath(p, "saved.key");
	snprintf(want, sizeof(want), "wrong passphrase for key file '%s'", p);
	ck_assert_int_eq(xfa_key_load(&k, p, "Correct horse battery staple",
				      strlen(PASS)), XFA_EAUTH);
	ck_assert_str_eq(xfa_error_last(), want);
	ck_assert_ptr_null(k);
	/* a prefix of the passphrase is not the passphrase */
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS) - 1), XFA_EAUTH,
		     "wrong passphrase");
}
END_TEST

START_TEST(test_keyfile_empty_passphrase)
{
	char p[256];
	xfa_key *k = NULL, *l = NULL;

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	tpath(p, "empty.key");
	ck_assert_int_eq(xfa_key_save(k, p, "", 0), 0);
	ck_assert_int_eq(xfa_key_load(&l, p, "", 0), 0);
	ck_assert_mem_eq(xfa_key_public(l)->pk, xfa_key_public(k)->pk, 32);
	xfa_key_free(l);
	l = NULL;
	assert_error(xfa_key_load(&l, p, "x", 1), XFA_EAUTH, "wrong passphrase");
	xfa_key_free(k);
}
END_TEST

START_TEST(test_keyfile_mode_and_exists)
{
	char p[256], *before, *after;
	size_t n1, n2;
	struct stat st;
	xfa_key *k = NULL;

	tpath(p, "saved.key");
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	before = slurp(p, &n1);
	ck_assert_int_eq(xfa_key_generate(&k), 0);
	assert_error(xfa_key_save(k, p, PASS, strlen(PASS)), XFA_EEXISTS,
		     "already exists");
	after = slurp(p, &n2);
	ck_assert_uint_eq(n1, n2);
	ck_assert_mem_eq(before, after, n1);
	free(before);
	free(after);
	xfa_key_free(k);
}
END_TEST

/* A key file its group or others may read or write is refused before it
 * is read (as ssh refuses one); 0600 and 0400 are fine. */
START_TEST(test_keyfile_private_mode)
{
	static const mode_t refused[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
	char p[256], q[256], mode[8];
	xfa_key *k = NULL;
	size_t i;

	tpath(p, "saved.key");
	ck_assert_int_eq(xfa_key_file_check(p), 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_int_eq(chmod(p, refused[i]), 0);
		snprintf(mode, sizeof(mode), "%04o", (unsigned)refused[i]);
		assert_error(xfa_key_file_check(p), XFA_EAUTH, mode);
		assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EAUTH,
			     "chmod 600");
		ck_assert_ptr_null(k);
	}
	ck_assert_int_eq(chmod(p, 0400), 0);
	ck_assert_int_eq(xfa_key_load(&k, p, PASS, strlen(PASS)), 0);
	xfa_key_free(k);
	ck_assert_int_eq(chmod(p, 0600), 0);
	assert_error(xfa_key_file_check(tmpdir), XFA_EINVALID, "not a regular file");
	tpath(q, "nothing.key");
	assert_error(xfa_key_file_check(q), XFA_ENOTFOUND, "no such file");
}
END_TEST

START_TEST(test_keyfile_symlinks)
{
	char p[256], link[256], target[256];
	xfa_key *k = NULL;

	tpath(p, "saved.key");
	tpath(link, "link.key");
	ck_assert_int_eq(symlink(p, link), 0);
	assert_error(xfa_key_load(&k, link, PASS, strlen(PASS)), XFA_EINVALID,
		     "symbolic link");
	ck_assert_ptr_null(k);
	/* saving through a dangling link must not create its target */
	tpath(target, "target.key");
	tpath(link, "dangling.key");
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(xfa_key_generate(&k), 0);
	assert_error(xfa_key_save(k, link, PASS, strlen(PASS)), XFA_EEXISTS,
		     "already exists");
	ck_assert_int_ne(access(target, F_OK), 0);
	xfa_key_free(k);
}
END_TEST

START_TEST(test_keyfile_missing)
{
	char p[256];
	xfa_key *k = NULL;

	tpath(p, "no-such.key");
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_ENOTFOUND,
		     "no-such.key");
}
END_TEST

START_TEST(test_keyfile_truncated)
{
	char p[256], q[256], *text;
	size_t n;
	xfa_key *k = NULL;

	/* the text cut in half: no END line */
	tpath(q, "saved.key");
	text = slurp(q, &n);
	tpath(p, "half.key");
	spit(p, text, n / 2);
	free(text);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "missing '-----END XFA SECRET KEY-----' line");
	ck_assert(strstr(xfa_error_last(), p) != NULL);
	/* well-armored but short blobs */
	write_tampered(p, "short.key", 0, 0, KF_BLOB_LEN - 1);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "truncated");
	write_tampered(p, "header.key", 0, 0, 20);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "truncated");
	write_tampered(p, "long.key", 0, 0, KF_BLOB_LEN + 1);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "trailing bytes");
	/* an empty file */
	tpath(p, "empty-file.key");
	spit(p, "", 0);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "missing '-----BEGIN XFA SECRET KEY-----' line");
	ck_assert_ptr_null(k);
}
END_TEST

START_TEST(test_keyfile_bad_magic_and_armor)
{
	char p[256], q[256], *text;
	size_t n;
	xfa_key *k = NULL;

	write_tampered(p, "magic.key", 0, 'x' ^ 'y', KF_BLOB_LEN);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "bad magic");
	ck_assert(strstr(xfa_error_last(), p) != NULL);
	write_tampered(p, "version.key", 7, 3, KF_BLOB_LEN);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "unsupported version 2");
	/* a character outside base64 in the body */
	tpath(q, "saved.key");
	text = slurp(q, &n);
	text[40] = '!';
	tpath(p, "b64.key");
	spit(p, text, n);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "invalid base64");
	/* a public-key line, or a signature, is not a key file */
	tpath(p, "other.key");
	spit(p, STR_LEN("-----BEGIN SSH SIGNATURE-----\nAAAA\n"
			"-----END SSH SIGNATURE-----\n"));
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "missing '-----BEGIN XFA SECRET KEY-----' line");
	/* text before the armor */
	memcpy(text, "hello", 5);
	tpath(p, "prefix.key");
	spit(p, text, n);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "missing '-----BEGIN");
	free(text);
	ck_assert_ptr_null(k);
}
END_TEST

START_TEST(test_keyfile_tampered)
{
	static const struct { const char *name; size_t off; } at[] = {
		{ "ct.key", 100 },	/* ciphertext */
		{ "tag.key", 143 },	/* Poly1305 tag */
		{ "salt.key", 30 },	/* different derived key */
		{ "nonce.key", 50 },
		{ "pk.key", 70 },	/* associated data */
	};
	char p[256];
	size_t i;
	xfa_key *k = NULL;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		write_tampered(p, at[i].name, at[i].off, 0x01, KF_BLOB_LEN);
		assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EAUTH,
			     "wrong passphrase for key file");
		ck_assert_ptr_null(k);
	}
}
END_TEST

START_TEST(test_keyfile_limits)
{
	char p[256];
	xfa_key *k = NULL;

	/* opslimit 2 -> 4 (moderate is 3) */
	write_tampered(p, "ops.key", 15, 0x02 ^ 0x04, KF_BLOB_LEN);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "opslimit 4 is outside");
	/* opslimit 2 -> 2^56 + 2 */
	write_tampered(p, "ops-huge.key", 8, 1, KF_BLOB_LEN);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "opslimit");
	/* opslimit 0 */
	write_tampered(p, "ops-zero.key", 15, 2, KF_BLOB_LEN);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "opslimit 0 is outside");
	/* memlimit 64 MiB -> 64 MiB + 2^56 */
	write_tampered(p, "mem.key", 16, 1, KF_BLOB_LEN);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "memlimit");
	/* memlimit 64 MiB -> 1 GiB + 64 MiB */
	write_tampered(p, "mem-gib.key", 20, 0x40, KF_BLOB_LEN);
	assert_error(xfa_key_load(&k, p, PASS, strlen(PASS)), XFA_EINVALID,
		     "memlimit 1140850688 is outside");
	ck_assert_ptr_null(k);
}
END_TEST

START_TEST(test_keyfile_fixtures)
{
	unsigned char seed[32];
	xfa_pubkey pub;
	char *line;
	size_t n;
	xfa_key *k = NULL, *s = NULL;
	char p[256];

	/* written by an independent implementation of the layout */
	ck_assert_int_eq(xfa_key_load(&k, private_copy(p, FIXTURES "xfa.key"),
		"fixture passphrase", 18), 0);
	line = slurp(FIXTURES "xfa.pub", &n);
	ck_assert_int_eq(xfa_pubkey_parse(&pub, NULL, line), 0);
	free(line);
	ck_assert_mem_eq(xfa_key_public(k)->pk, pub.pk, 32);
	xfa_sha256(seed, "xfa fixture key", 15);
	ck_assert_int_eq(xfa_key_from_seed(&s, seed), 0);
	ck_assert_mem_eq(xfa_key_public(s)->pk, pub.pk, 32);
	xfa_key_free(k);
	xfa_key_free(s);
	k = NULL;
	assert_error(xfa_key_load(&k, private_copy(p, FIXTURES "mismatch.key"),
		"fixture passphrase", 18), XFA_EINVALID,
		"secret key does not match the public key");
	ck_assert_ptr_null(k);
}
END_TEST

/* ---- public keys ---- */

#define FIXTURE_PUB_B64 \
	"AAAAC3NzaC1lZDI1NTE5AAAAIHElRQzSoR5QcfLir9/PoCIEAIreTPvqbohc3tLD1HuP"

START_TEST(test_pubkey_blob)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX], rsa[51];
	xfa_pubkey pk, back;

	memset(&pk, 0, sizeof(pk));
	memset(pk.pk, 0xab, 32);
	xfa_pubkey_blob(blob, &pk);
	ck_assert_mem_eq(blob, "\0\0\0\x0bssh-ed25519\0\0\0\x20", 19);
	ck_assert_int_eq(xfa_pubkey_from_blob(&back, blob, 51), 0);
	ck_assert_mem_eq(back.pk, pk.pk, 32);
	assert_error(xfa_pubkey_from_blob(&back, blob, 50), XFA_EINVALID,
		     "truncated");
	assert_error(xfa_pubkey_from_blob(&back, blob, 3), XFA_EINVALID,
		     "truncated");
	blob[51] = 0;
	assert_error(xfa_pubkey_from_blob(&back, blob, 52), XFA_EINVALID,
		     "trailing bytes");
	memcpy(rsa, "\0\0\0\x07ssh-rsa", 11);
	memset(rsa + 11, 0, 40);
	assert_error(xfa_pubkey_from_blob(&back, rsa, 51), XFA_EINVALID,
		     "public key type 'ssh-rsa' is not supported");
	blob[18] = 33;
	assert_error(xfa_pubkey_from_blob(&back, blob, 51), XFA_EINVALID,
		     "33 bytes");
}
END_TEST

START_TEST(test_pubkey_parse_format)
{
	char *line, *comment = (char *)"unset", *text;
	xfa_pubkey pk, back;
	size_t n;

	/* ssh-keygen's own .pub: parse, then format back byte for byte */
	text = slurp(FIXTURES "ed25519.pub", &n);
	ck_assert_int_eq(xfa_pubkey_parse(&pk, &comment, text), 0);
	ck_assert_str_eq(comment, "fixture@xfa.test");
	line = xfa_pubkey_format(&pk, comment);
	ck_assert_uint_eq(strlen(line) + 1, n);
	ck_assert_mem_eq(line, text, n - 1);
	free(line);
	free(comment);
	free(text);
	/* no comment */
	line = xfa_pubkey_format(&pk, NULL);
	ck_assert_str_eq(line, "ssh-ed25519 " FIXTURE_PUB_B64);
	ck_assert_int_eq(xfa_pubkey_parse(&back, &comment, line), 0);
	ck_assert_ptr_null(comment);
	ck_assert_mem_eq(back.pk, pk.pk, 32);
	free(line);
	/* a comment with spaces, surrounding whitespace, CRLF */
	line = xfa_pubkey_format(&pk, "Zhang San <zs@example.cn>");
	ck_assert_int_eq(xfa_pubkey_parse(&back, &comment, line), 0);
	ck_assert_str_eq(comment, "Zhang San <zs@example.cn>");
	free(comment);
	free(line);
	ck_assert_int_eq(xfa_pubkey_parse(&back, &comment,
		"  ssh-ed25519\t" FIXTURE_PUB_B64 "   a b  \r\n"), 0);
	ck_assert_str_eq(comment, "a b");
	ck_assert_mem_eq(back.pk, pk.pk, 32);
	free(comment);
}
END_TEST

START_TEST(test_pubkey_parse_refused)
{
	unsigned char blob[XFA_PUBKEY_BLOB_MAX];
	char line[200], *b64, *text, *comment = NULL;
	xfa_pubkey pk;
	size_t n;

	text = slurp(FIXTURES "rsa.pub", &n);
	assert_error(xfa_pubkey_parse(&pk, &comment, text), XFA_EINVALID,
		     "public key type 'ssh-rsa' is not supported");
	free(text);
	assert_error(xfa_pubkey_parse(&pk, NULL, "ecdsa-sha2-nistp256 AAAA x"),
		     XFA_EINVALID, "'ecdsa-sha2-nistp256'");
	assert_error(xfa_pubkey_parse(&pk, NULL, ""), XFA_EINVALID, "empty");
	assert_error(xfa_pubkey_parse(&pk, NULL, "ssh-ed25519"), XFA_EINVALID,
		     "no key data");
	assert_error(xfa_pubkey_parse(&pk, NULL, "ssh-ed25519 " FIXTURE_PUB_B64
		"!"), XFA_EINVALID, "base64");
	assert_error(xfa_pubkey_parse(&pk, NULL,
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"), XFA_EINVALID, "truncated");
	assert_error(xfa_pubkey_parse(&pk, NULL, "ssh-ed25519 " FIXTURE_PUB_B64
		" one\ntwo"), XFA_EINVALID, "more than one line");
	/* an ed25519 blob with one byte of trailing garbage */
	ck_assert_int_eq(xfa_pubkey_parse(&pk, NULL,
					  "ssh-ed25519 " FIXTURE_PUB_B64), 0);
	xfa_pubkey_blob(blob, &pk);
	blob[51] = 0x00;
	b64 = xfa_base64_encode(blob, 52);
	snprintf(line, sizeof(line), "ssh-ed25519 %s c", b64);
	free(b64);
	assert_error(xfa_pubkey_parse(&pk, &comment, line), XFA_EINVALID,
		     "trailing bytes");
	ck_assert_ptr_null(comment);
	/* the text says ed25519, the blob says rsa */
	memcpy(blob, "\0\0\0\x07ssh-rsa", 11);
	b64 = xfa_base64_encode(blob, 51);
	snprintf(line, sizeof(line), "ssh-ed25519 %s", b64);
	free(b64);
	assert_error(xfa_pubkey_parse(&pk, NULL, line), XFA_EINVALID, "'ssh-rsa'");
}
END_TEST

START_TEST(test_fingerprint_fixture)
{
	char fpr[XFA_FPR_SIZE], *text, *line, want[64];
	xfa_pubkey pk;
	size_t n;

	text = slurp(FIXTURES "ed25519.pub", &n);
	ck_assert_int_eq(xfa_pubkey_parse(&pk, NULL, text), 0);
	free(text);
	xfa_pubkey_fingerprint(fpr, &pk);
	ck_assert_uint_eq(strlen(fpr), XFA_FPR_SIZE - 1);
	/* "256 SHA256:... comment (ED25519)" from ssh-keygen -lf */
	line = slurp(FIXTURES "ed25519.fpr", &n);
	ck_assert_int_eq(sscanf(line, "256 %63s ", want), 1);
	free(line);
	ck_assert_str_eq(fpr, want);
	ck_assert_int_eq(xfa_pubkey_parse(&pk, NULL, "ssh-ed25519 AAAAC3NzaC1lZDI1"
		"NTE5AAAAIHeykgCQxgrUeeVQqbIS8AgMhsqSx/hD8I8ryRq5TU69"), 0);
	xfa_pubkey_fingerprint(fpr, &pk);
	ck_assert_str_eq(fpr, "SHA256:BrQRWsnSJnq5P5TnVlKS40+bdynsfNnllYTFpV3i7Oo");
}
END_TEST

START_TEST(test_fingerprint_ssh_keygen_live)
{
	char pub[256], out[256], cmd[700], fpr[XFA_FPR_SIZE], got[64], *line,
	     *text;
	int i;
	size_t n;
	xfa_key *k = NULL;

	if (!have_ssh_keygen())
		return; /* the fixture test above still runs */
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(xfa_key_generate(&k), 0);
		snprintf(pub, sizeof(pub), "%s/k%d.pub", tmpdir, i);
		snprintf(out, sizeof(out), "%s/k%d.fpr", tmpdir, i);
		line = xfa_pubkey_format(xfa_key_public(k), "live@xfa.test");
		spit(pub, line, strlen(line));
		free(line);
		snprintf(cmd, sizeof(cmd), "ssh-keygen -lf '%s' > '%s'", pub, out);
		ck_assert_int_eq(system(cmd), 0);
		text = slurp(out, &n);
		ck_assert_int_eq(sscanf(text, "256 %63s live@xfa.test (ED25519)",
					got), 1);
		free(text);
		xfa_pubkey_fingerprint(fpr, xfa_key_public(k));
		ck_assert_str_eq(fpr, got);
		xfa_key_free(k);
		k = NULL;
	}
}
END_TEST

/* ---- base64, armor, hashes ---- */

static void assert_b64(const char *plain, const char *b64)
{
	unsigned char *out = NULL;
	size_t n = 0;
	char *s = xfa_base64_encode((const unsigned char *)plain, strlen(plain));

	ck_assert_str_eq(s, b64);
	free(s);
	ck_assert_int_eq(xfa_base64_decode(&out, &n, b64, strlen(b64)), 0);
	ck_assert_uint_eq(n, strlen(plain));
	ck_assert_mem_eq(out, plain, n);
	free(out);
}

START_TEST(test_base64)
{
	static const char *bad[] = {
		"Zm9v YmFy", "Zm9vYmF", "Zm9vYmFy\n", "Zm9vYm!y", "Zg=", "Zg",
		"Zm9vYmFy====", "Zm9v-_Fy", "Zg==Zg==", "=", " Zg==",
	};
	unsigned char *out = (unsigned char *)"x";
	size_t i, n = 9;

	assert_b64("", "");
	assert_b64("f", "Zg==");
	assert_b64("fo", "Zm8=");
	assert_b64("foo", "Zm9v");
	assert_b64("foobar", "Zm9vYmFy");
	assert_b64("\xff\xfe\xfd", "//79");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(xfa_base64_decode(&out, &n, bad[i], strlen(bad[i]))
			      == XFA_EINVALID, "accepted '%s'", bad[i]);
		ck_assert_ptr_null(out);
		ck_assert_uint_eq(n, 0);
	}
}
END_TEST

START_TEST(test_armor)
{
	unsigned char data[200], *out = NULL;
	char *a, *crlf, *p;
	size_t i, n = 0;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	a = xfa_armor_encode("TEST", data, sizeof(data));
	/* 200 bytes -> 268 base64 chars -> 70+70+70+58 */
	ck_assert_int_eq(strncmp(a, "-----BEGIN TEST-----\n", 21), 0);
	ck_assert(a[21 + 70] == '\n' && a[21 + 141] == '\n' && a[21 + 212] == '\n');
	ck_assert(a[21 + 212 + 59] == '\n');
	ck_assert_str_eq(a + 21 + 272, "-----END TEST-----\n");
	ck_assert_int_eq(xfa_armor_decode(&out, &n, "TEST", a, strlen(a)), 0);
	ck_assert_uint_eq(n, sizeof(data));
	ck_assert_mem_eq(out, data, n);
	free(out);
	/* CRLF, no final newline, surrounding whitespace */
	crlf = calloc(1, 2 * strlen(a) + 8);
	strcpy(crlf, " \n\t");
	for (p = a, i = 3; *p; p++) {
		if (*p == '\n')
			crlf[i++] = '\r';
		crlf[i++] = *p;
	}
	crlf[i - 2] = '\0';
	ck_assert_int_eq(xfa_armor_decode(&out, &n, "TEST", crlf, strlen(crlf)), 0);
	ck_assert_mem_eq(out, data, sizeof(data));
	free(out);
	free(crlf);
	assert_error(xfa_armor_decode(&out, &n, "OTHER", a, strlen(a)),
		     XFA_EINVALID, "missing '-----BEGIN OTHER-----' line");
	ck_assert_ptr_null(out);
	assert_error(xfa_armor_decode(&out, &n, "TEST", STR_LEN(
		"-----BEGIN TEST-----\n-----END TEST-----\n")), XFA_EINVALID,
		"no data");
	assert_error(xfa_armor_decode(&out, &n, "TEST", STR_LEN(
		"-----BEGIN TEST-----\nZm9v\n-----END TEST-----\nmore\n")),
		XFA_EINVALID, "unexpected text after '-----END TEST-----'");
	assert_error(xfa_armor_decode(&out, &n, "TEST", STR_LEN(
		"-----BEGIN TEST-----Zm9v\n-----END TEST-----\n")),
		XFA_EINVALID, "missing '-----BEGIN TEST-----' line");
	assert_error(xfa_armor_decode(&out, &n, "TEST", STR_LEN(
		"-----BEGIN TEST-----\nZm9v\n-----END TEST----\n")),
		XFA_EINVALID, "missing '-----END TEST-----' line");
	free(a);
}
END_TEST

START_TEST(test_hashes_hex_random)
{
	unsigned char h[64], h2[64], big[1000], r1[32], r2[32], *s;
	char hex[129];
	xfa_sha256_ctx c256;
	xfa_sha512_ctx c512;
	size_t i;

	xfa_sha256(h, "abc", 3);
	xfa_hex(hex, h, 32);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
			      "b00361a396177a9cb410ff61f20015ad");
	xfa_sha512(h, "abc", 3);
	xfa_hex(hex, h, 64);
	ck_assert_str_eq(hex, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea2"
		"0a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e"
		"2a9ac94fa54ca49f");
	for (i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i % 251);
	xfa_sha256_init(&c256);
	xfa_sha512_init(&c512);
	for (i = 0; i < sizeof(big); i += 7) {
		size_t n = sizeof(big) - i < 7 ? sizeof(big) - i : 7;

		xfa_sha256_update(&c256, big + i, n);
		xfa_sha512_update(&c512, big + i, n);
	}
	xfa_sha256_final(&c256, h);
	xfa_sha256(h2, big, sizeof(big));
	ck_assert_mem_eq(h, h2, 32);
	xfa_sha512_final(&c512, h);
	xfa_sha512(h2, big, sizeof(big));
	ck_assert_mem_eq(h, h2, 64);
	xfa_hex(hex, (const unsigned char *)"\x00\xff\x10", 3);
	ck_assert_str_eq(hex, "00ff10");
	xfa_random(r1, sizeof(r1));
	xfa_random(r2, sizeof(r2));
	ck_assert_mem_ne(r1, r2, sizeof(r1));
	ck_assert_ptr_nonnull(s = xfa_secret_alloc(100));
	memset(s, 0x5a, 100);
	xfa_secret_free(s);
	xfa_secret_free(NULL);
}
END_TEST

Suite *key_suite(void);

Suite *key_suite(void)
{
	Suite *s = suite_create("key");
	TCase *tc;

	tc = tcase_create("keys");
	tcase_add_test(tc, test_key_rfc8032_vector);
	tcase_add_test(tc, test_key_generate_sign_verify);
	suite_add_tcase(s, tc);

	tc = tcase_create("keyfile");
	/* one Argon2id save for the whole case; valgrind needs the time */
	tcase_add_unchecked_fixture(tc, keyfile_setup, remove_tmpdir);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_keyfile_round_trip);
	tcase_add_test(tc, test_keyfile_wrong_passphrase);
	tcase_add_test(tc, test_keyfile_empty_passphrase);
	tcase_add_test(tc, test_keyfile_mode_and_exists);
	tcase_add_test(tc, test_keyfile_private_mode);
	tcase_add_test(tc, test_keyfile_symlinks);
	tcase_add_test(tc, test_keyfile_missing);
	tcase_add_test(tc, test_keyfile_truncated);
	tcase_add_test(tc, test_keyfile_bad_magic_and_armor);
	tcase_add_test(tc, test_keyfile_tampered);
	tcase_add_test(tc, test_keyfile_limits);
	tcase_add_test(tc, test_keyfile_fixtures);
	suite_add_tcase(s, tc);

	tc = tcase_create("pubkey");
	tcase_add_unchecked_fixture(tc, make_tmpdir, remove_tmpdir);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pubkey_blob);
	tcase_add_test(tc, test_pubkey_parse_format);
	tcase_add_test(tc, test_pubkey_parse_refused);
	tcase_add_test(tc, test_fingerprint_fixture);
	tcase_add_test(tc, test_fingerprint_ssh_keygen_live);
	suite_add_tcase(s, tc);

	tc = tcase_create("encoding");
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_armor);
	tcase_add_test(tc, test_hashes_hex_random);
	suite_add_tcase(s, tc);
	return s;
}

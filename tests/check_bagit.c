/* check_bagit.c - the BagIt writer and reader: round trips through tar and
 * zip, writer misuse, every refusal of the reader (hand-made ustar
 * packages), and the completeness/validity findings. */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bagit.h"
#include "check_fixture.h"
#include "error.h"
#include "key.h"
#include "sshsig.h"

/* --- a tiny ustar writer, so that tests can make any package ---------- */

struct tarbuf {
	unsigned char *p;
	size_t len;
};

static void tb_put(struct tarbuf *t, const void *d, size_t n)
{
	t->p = realloc(t->p, t->len + n);
	ck_assert_ptr_nonnull(t->p);
	memcpy(t->p + t->len, d, n);
	t->len += n;
}

/* One entry: `type` '0' file, '1' hard link, '2' symlink, '3' device,
 * '5' folder, '6' FIFO.  `declared` is the size in the header (-1: len). */
static void tb_entry(struct tarbuf *t, const char *name, char type,
		     const char *data, size_t len, long declared, const char *link)
{
	unsigned char h[512], pad[512];
	unsigned sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	memset(pad, 0, sizeof(pad));
	ck_assert_uint_lt(strlen(name), 100);
	memcpy(h, name, strlen(name));
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)(declared < 0 ? (long)len : declared) & 07777777777u);
	snprintf((char *)h + 136, 12, "%011o", 1767225600u & 07777777777u);
	h[156] = (unsigned char)type;
	if (link)
		memcpy(h + 157, link, strlen(link));
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	tb_put(t, h, 512);
	if (len) {
		tb_put(t, data, len);
		if (len % 512)
			tb_put(t, pad, 512 - len % 512);
	}
}

static void tb_file(struct tarbuf *t, const char *name, const char *data)
{
	tb_entry(t, name, '0', data, strlen(data), -1, NULL);
}

/* End the archive and write it to `path`. */
static void tb_finish(struct tarbuf *t, const char *path)
{
	unsigned char z[1024];

	memset(z, 0, sizeof(z));
	tb_put(t, z, sizeof(z));
	fx_spit(path, t->p, t->len);
	free(t->p);
	t->p = NULL;
	t->len = 0;
}

static char dir[64];

static void setup(void)
{
	fx_tmpdir(dir, "/tmp/xfa-check-bagit-XXXXXX");
}

static void teardown(void)
{
	fx_rmrf(dir);
}

/* --- writing and reading back ---------------------------------------- */

static int sign_cb(char **armor, const unsigned char *msg, size_t len, void *k)
{
	return xfa_sshsig_sign(armor, k, "xfa-export", msg, len);
}

static void round_trip(const char *name)
{
	char path[128], big[3000];
	xfa_bagw *w = NULL;
	xfa_bag *b = NULL;
	xfa_key *k = NULL;
	xfa_pubkey pk;
	unsigned char sha[32], got[32];
	uint64_t bytes, nb, nc;
	const xfa_bag_file *f, *tm, *sig;
	char *oxum, info[128];
	int fd, fmt;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(xfa_bag_format_for(&fmt, path), 0);
	ck_assert_int_eq(xfa_key_generate(&k), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(xfa_bagw_open(&w, fd, fmt, "pkg", 1767225600), 0);
	ck_assert_int_eq(xfa_bagw_file(w, "data/a.txt", "hello\n", 6), 0);
	ck_assert_int_eq(xfa_bagw_file(w, "data/案卷/说明.txt", "说明\n", strlen("说明\n")), 0);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	ck_assert_int_eq(xfa_bagw_begin(w, "data/big.bin", sizeof(big)), 0);
	for (i = 0; i < sizeof(big); i += 1000)
		ck_assert_int_eq(xfa_bagw_write(w, big + i, 1000), 0);
	ck_assert_int_eq(xfa_bagw_end(w, sha), 0);
	xfa_sha256(got, big, sizeof(big));
	ck_assert_mem_eq(sha, got, 32);
	xfa_bagw_oxum(w, &nb, &nc);
	ck_assert_uint_eq(nc, 3);
	ck_assert_uint_eq(nb, 6 + strlen("说明\n") + sizeof(big));
	snprintf(info, sizeof(info), "Source-Organization: 测试\nPayload-Oxum: %llu.%llu\n",
		 (unsigned long long)nb, (unsigned long long)nc);
	ck_assert_int_eq(xfa_bagw_file(w, "bag-info.txt", info, strlen(info)), 0);
	ck_assert_int_eq(xfa_bagw_finish(w, sign_cb, k, sha, &bytes), 0);
	xfa_bagw_free(w);
	close(fd);

	ck_assert_int_eq(xfa_bag_read(&b, path, NULL, NULL, NULL), 0);
	ck_assert_str_eq(b->name, "pkg");
	ck_assert_uint_eq(xfa_bag_validate(b, NULL, NULL), 0);
	ck_assert_ptr_nonnull(f = xfa_bag_find(b, "data/big.bin"));
	ck_assert_uint_eq(f->size, sizeof(big));
	ck_assert_mem_eq(f->sha256, got, 32);
	ck_assert_ptr_null(f->data);           /* payload not kept unless asked */
	ck_assert_ptr_nonnull(xfa_bag_find(b, "data/案卷/说明.txt"));
	ck_assert_ptr_nonnull(xfa_bag_find(b, "manifest-sha512.txt"));
	ck_assert_ptr_nonnull(oxum = xfa_bag_info(b, "Payload-Oxum"));
	snprintf(info, sizeof(info), "%llu.%llu", (unsigned long long)nb,
		 (unsigned long long)nc);
	ck_assert_str_eq(oxum, info);
	free(oxum);
	tm = xfa_bag_find(b, "tagmanifest-sha256.txt");
	sig = xfa_bag_find(b, "tagmanifest-sha256.txt.sig");
	ck_assert_ptr_nonnull(tm);
	ck_assert_ptr_nonnull(sig);
	ck_assert_int_eq(xfa_sshsig_verify(&pk, sig->data, sig->size, "xfa-export",
					   (const unsigned char *)tm->data, tm->size), 0);
	ck_assert_mem_eq(pk.pk, xfa_key_public(k)->pk, 32);
	xfa_bag_free(b);
	xfa_key_free(k);
}

START_TEST(test_round_trip_tar)
{
	round_trip("pkg.tar");
}
END_TEST

START_TEST(test_round_trip_zip)
{
	round_trip("pkg.zip");
}
END_TEST

START_TEST(test_writer_misuse)
{
	char path[128];
	xfa_bagw *w = NULL;
	int fd, fmt;

	ck_assert_int_eq(xfa_bag_format_for(&fmt, "x.tgz"), XFA_EINVALID);
	ck_assert_int_eq(xfa_bag_format_for(&fmt, ".tar"), XFA_EINVALID);
	snprintf(path, sizeof(path), "%s/m.tar", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_eq(xfa_bagw_open(&w, fd, XFA_BAG_TAR, "../x", 0), XFA_EINVALID);
	ck_assert_int_eq(xfa_bagw_open(&w, fd, XFA_BAG_TAR, "m", 0), 0);
	ck_assert_int_eq(xfa_bagw_file(w, "../evil", "x", 1), XFA_EINVALID);
	ck_assert_int_eq(xfa_bagw_file(w, "/abs", "x", 1), XFA_EINVALID);
	ck_assert_int_eq(xfa_bagw_file(w, "data//a", "x", 1), XFA_EINVALID);
	ck_assert_int_eq(xfa_bagw_file(w, "data/a\nb", "x", 1), XFA_EINVALID);
	ck_assert_int_eq(xfa_bagw_begin(w, "data/a", 4), 0);
	ck_assert_int_eq(xfa_bagw_write(w, "12345", 5), XFA_EINVALID);
	ck_assert_int_eq(xfa_bagw_write(w, "12", 2), 0);
	ck_assert_int_eq(xfa_bagw_end(w, NULL), XFA_EINVALID);   /* 2 of 4 bytes */
	xfa_bagw_free(w);
	close(fd);
}
END_TEST

/* --- the reader's refusals ---------------------------------------------- */

#define BAGIT_TXT "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

/* Read `t` as a package; expect a refusal whose message holds `want`. */
static void refused(struct tarbuf *t, const xfa_bag_limits *lim, const char *want)
{
	char path[128];
	xfa_bag *b = NULL;
	int err;

	snprintf(path, sizeof(path), "%s/h.tar", dir);
	unlink(path);
	tb_finish(t, path);
	err = xfa_bag_read(&b, path, lim, NULL, NULL);
	ck_assert_msg(err == XFA_EINVALID, "expected a refusal (%s), got %d", want, err);
	ck_assert_msg(strstr(xfa_error_last(), want), "'%s' lacks '%s'", xfa_error_last(), want);
	ck_assert_ptr_null(b);
}

START_TEST(test_reader_refusals)
{
	struct tarbuf t = { 0 };
	xfa_bag_limits lim;
	char big[4096];

	memset(big, 'x', sizeof(big));
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/../../evil", "x");
	refused(&t, NULL, "'..'");
	tb_file(&t, "/b/bagit.txt", BAGIT_TXT);
	refused(&t, NULL, "absolute");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/link", '2', NULL, 0, 0, "/etc/passwd");
	refused(&t, NULL, "symbolic link");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/hl", '1', NULL, 0, 0, "b/bagit.txt");
	refused(&t, NULL, "hard link");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/dev", '3', NULL, 0, 0, NULL);
	refused(&t, NULL, "device");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/fifo", '6', NULL, 0, 0, NULL);
	refused(&t, NULL, "FIFO");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a", "1");
	tb_file(&t, "b/data/a", "2");
	refused(&t, NULL, "duplicate");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "c/data/a", "1");
	refused(&t, NULL, "outside");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a\\b", "1");
	refused(&t, NULL, "backslash");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a\tb", "1");
	refused(&t, NULL, "control");
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data", "a file where the payload folder goes");
	tb_file(&t, "b/data/a", "1");
	refused(&t, NULL, "file");

	xfa_bag_limits_default(&lim);
	lim.entry = 1000;
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/big", '0', big, sizeof(big), -1, NULL);
	refused(&t, &lim, "limit");
	xfa_bag_limits_default(&lim);
	lim.total = 3000;
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/big", '0', big, sizeof(big), -1, NULL);
	refused(&t, &lim, "limit");
	xfa_bag_limits_default(&lim);
	lim.entries = 2;
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a", "1");
	tb_file(&t, "b/data/b", "2");
	refused(&t, &lim, "entries");
}
END_TEST

/* on_file for test_reader_streaming: free every payload file's bytes. */
static long free_payload(xfa_bag *b, size_t i, void *payload)
{
	xfa_bag_file *f = &b->files[i];
	long n = 0;

	(*(size_t *)payload)++;
	if (!strncmp(f->path, "data/", 5) && f->data) {
		n = (long)f->size;
		free(f->data);
		f->data = NULL;
	}
	return n;
}

static int keep_all(const char *path, uint64_t size, void *payload)
{
	(void)path;
	(void)size;
	(void)payload;
	return 1;
}

START_TEST(test_reader_streaming)
{
	struct tarbuf t = { 0 };
	xfa_bag_limits lim;
	char path[128], big[3000];
	xfa_bag *b = NULL;
	size_t calls = 0;

	memset(big, 'k', sizeof(big));
	/* three kept files of 3,000 bytes within a 7,000-byte budget: refused
	 * when all are held, read when each is freed as it comes */
	xfa_bag_limits_default(&lim);
	lim.kept = 7000;
	snprintf(path, sizeof(path), "%s/s.tar", dir);
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/1", '0', big, sizeof(big), -1, NULL);
	tb_entry(&t, "b/data/2", '0', big, sizeof(big), -1, NULL);
	tb_entry(&t, "b/data/3", '0', big, sizeof(big), -1, NULL);
	tb_finish(&t, path);
	ck_assert_int_eq(xfa_bag_read(&b, path, &lim, keep_all, NULL), XFA_EINVALID);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "too many bytes to hold"));
	ck_assert_int_eq(xfa_bag_read_each(&b, path, &lim, keep_all, free_payload,
					   &calls), 0);
	ck_assert_uint_eq(calls, 4);
	ck_assert_uint_eq(b->n, 4);
	ck_assert_ptr_null(xfa_bag_find(b, "data/2")->data);
	ck_assert_uint_eq(xfa_bag_find(b, "data/2")->size, sizeof(big));
	xfa_bag_free(b);
	/* one kept file past kept_entry, declared in its header */
	xfa_bag_limits_default(&lim);
	lim.kept_entry = 1000;
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/1", '0', big, sizeof(big), -1, NULL);
	unlink(path);
	tb_finish(&t, path);
	b = NULL;
	ck_assert_int_eq(xfa_bag_read(&b, path, &lim, keep_all, NULL), XFA_EINVALID);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "header declares a document"));
	ck_assert_ptr_null(b);
}
END_TEST

START_TEST(test_reader_truncated_and_missing)
{
	struct tarbuf t = { 0 };
	char path[128], big[4096];
	xfa_bag *b = NULL;

	memset(big, 'y', sizeof(big));
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_entry(&t, "b/data/big", '0', big, sizeof(big), -1, NULL);
	t.len = 512 + 512 + 512 + 1000;      /* cut inside the data */
	snprintf(path, sizeof(path), "%s/cut.tar", dir);
	fx_spit(path, t.p, t.len);
	free(t.p);
	ck_assert_int_eq(xfa_bag_read(&b, path, NULL, NULL, NULL), XFA_EINVALID);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "b/data/big"));
	snprintf(path, sizeof(path), "%s/none.tar", dir);
	ck_assert_int_eq(xfa_bag_read(&b, path, NULL, NULL, NULL), XFA_ENOTFOUND);
}
END_TEST

/* --- completeness and validity ------------------------------------------ */

struct seen {
	char text[2048];
};

static void note(const char *file, const char *reason, const char *msg, void *p)
{
	struct seen *s = p;

	(void)msg;
	snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text),
		 "%s:%s;", file ? file : "", reason);
}

/* Validate a hand-made bag; its findings as "file:reason;..." */
static size_t findings(struct tarbuf *t, struct seen *s)
{
	char path[128];
	xfa_bag *b = NULL;
	size_t n;

	snprintf(path, sizeof(path), "%s/v.tar", dir);
	unlink(path);
	tb_finish(t, path);
	ck_assert_int_eq(xfa_bag_read(&b, path, NULL, NULL, NULL), 0);
	memset(s, 0, sizeof(*s));
	n = xfa_bag_validate(b, note, s);
	xfa_bag_free(b);
	return n;
}

#define SHA_A "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb" /* "a" */
#define SHA_X "0000000000000000000000000000000000000000000000000000000000000000"

START_TEST(test_validity_findings)
{
	struct tarbuf t = { 0 };
	struct seen s;

	/* complete and valid */
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a", "a");
	tb_file(&t, "b/manifest-sha256.txt", SHA_A "  data/a\n");
	tb_file(&t, "b/bag-info.txt", "Payload-Oxum: 1.1\n");
	ck_assert_msg(findings(&t, &s) == 0, "%s", s.text);
	/* a changed byte */
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a", "b");
	tb_file(&t, "b/manifest-sha256.txt", SHA_A "  data/a\n");
	ck_assert_uint_ge(findings(&t, &s), 1);
	ck_assert_ptr_nonnull(strstr(s.text, "data/a:digest-mismatch"));
	/* an unlisted file, a missing file */
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a", "a");
	tb_file(&t, "b/data/extra", "e");
	tb_file(&t, "b/manifest-sha256.txt", SHA_A "  data/a\n" SHA_X "  data/gone\n");
	ck_assert_uint_ge(findings(&t, &s), 2);
	ck_assert_ptr_nonnull(strstr(s.text, "data/extra:unlisted-file"));
	ck_assert_ptr_nonnull(strstr(s.text, "data/gone:missing-file"));
	/* a wrong declaration, no manifest */
	tb_file(&t, "b/bagit.txt", "BagIt-Version: 0.97\n");
	tb_file(&t, "b/data/a", "a");
	ck_assert_uint_ge(findings(&t, &s), 2);
	ck_assert_ptr_nonnull(strstr(s.text, "bagit.txt:bagit-declaration"));
	ck_assert_ptr_nonnull(strstr(s.text, "missing-manifest"));
	/* a wrong Payload-Oxum, a malformed manifest line */
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a", "a");
	tb_file(&t, "b/manifest-sha256.txt", SHA_A "  data/a\nnot a line\n");
	tb_file(&t, "b/bag-info.txt", "Payload-Oxum: 9.9\n");
	ck_assert_uint_ge(findings(&t, &s), 2);
	ck_assert_ptr_nonnull(strstr(s.text, "bag-info.txt:oxum-mismatch"));
	ck_assert_ptr_nonnull(strstr(s.text, "manifest-sha256.txt:bad-manifest"));
	/* a tag manifest with a wrong digest */
	tb_file(&t, "b/bagit.txt", BAGIT_TXT);
	tb_file(&t, "b/data/a", "a");
	tb_file(&t, "b/manifest-sha256.txt", SHA_A "  data/a\n");
	tb_file(&t, "b/tagmanifest-sha256.txt", SHA_X "  bagit.txt\n");
	ck_assert_uint_ge(findings(&t, &s), 1);
	ck_assert_ptr_nonnull(strstr(s.text, "bagit.txt:digest-mismatch"));
}
END_TEST

Suite *bagit_suite(void); /* found by the runner: see the Makefile */
Suite *bagit_suite(void)
{
	Suite *s = suite_create("bagit");
	TCase *tc = tcase_create("bagit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip_tar);
	tcase_add_test(tc, test_round_trip_zip);
	tcase_add_test(tc, test_writer_misuse);
	tcase_add_test(tc, test_reader_refusals);
	tcase_add_test(tc, test_reader_truncated_and_missing);
	tcase_add_test(tc, test_reader_streaming);
	tcase_add_test(tc, test_validity_findings);
	suite_add_tcase(s, tc);
	return s;
}

/* check_attachment.c - tests for attachment.c: safe names and kinds,
 * KIND:PATH specs, and streaming files into blobs while hashing them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attachment.h"
#include "check_fixture.h"
#include "error.h"
#include "json.h"
#include "key.h"
#include "store.h"

static char dir[64];
static xfa_store *st;

static void setup(void)
{
	char repo[128];

	xfa_store_set_fsync(0);
	fx_tmpdir(dir, "/tmp/xfa-check-att-XXXXXX");
	snprintf(repo, sizeof(repo), "%s/r.git", dir);
	ck_assert_int_eq(xfa_store_create(&st, repo), 0);
}

static void teardown(void)
{
	xfa_store_free(st);
	st = NULL;
	fx_rmrf(dir);
}

static const char *at(const char *name)
{
	static char p[4][300];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void name_bad(const char *name, const char *msg)
{
	ck_assert_msg(xfa_attachment_name_check(name) == XFA_EINVALID,
		      "accepted name '%s'", name ? name : "NULL");
	ck_assert_msg(strstr(xfa_error_last(), msg), "'%s' lacks '%s'",
		      xfa_error_last(), msg);
}

START_TEST(safe_names)
{
	char long_name[260];

	ck_assert_int_eq(xfa_attachment_name_check("授权委托书.pdf"), 0);
	ck_assert_int_eq(xfa_attachment_name_check("reply 2026-03-01.v2.PDF"), 0);
	ck_assert_int_eq(xfa_attachment_name_check("a"), 0);
	name_bad("a/b.pdf", "'/'");
	name_bad("/etc/passwd", "'/'");
	name_bad("a\\b.pdf", "'\\'");
	name_bad("..", "'..'");
	name_bad(".", "");
	name_bad("x..y.pdf", "'..'");
	name_bad("bell\x07.pdf", "control character");
	name_bad("line\nbreak.pdf", "control character");
	name_bad("tab\t.pdf", "control character");
	name_bad("del\x7f.pdf", "control character");
	name_bad("esc\x1b[31m.pdf", "control character");
	name_bad("-rf", "start with '-'");
	name_bad(".hidden", "start with");
	name_bad("", "1 to 200 bytes");
	name_bad(NULL, "1 to 200 bytes");
	name_bad("\xff\xfe.pdf", "UTF-8");
	name_bad("\xc0\xaf.pdf", "UTF-8");
	memset(long_name, 'a', 200);
	long_name[200] = '\0';
	ck_assert_int_eq(xfa_attachment_name_check(long_name), 0);
	long_name[200] = 'a';
	long_name[201] = '\0';
	name_bad(long_name, "1 to 200 bytes");
}
END_TEST

START_TEST(kinds_and_specs)
{
	const char *path = NULL;
	char *kind = NULL;

	ck_assert_int_eq(xfa_attachment_kind_check("authorization"), 0);
	ck_assert_int_eq(xfa_attachment_kind_check("reply-2"), 0);
	ck_assert_int_eq(xfa_attachment_kind_check("Reply"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "'Reply'"));
	ck_assert_int_eq(xfa_attachment_kind_check("2reply"), XFA_EINVALID);
	ck_assert_int_eq(xfa_attachment_kind_check("a b"), XFA_EINVALID);
	ck_assert_int_eq(xfa_attachment_kind_check("授权"), XFA_EINVALID);
	ck_assert_int_eq(xfa_attachment_kind_check(""), XFA_EINVALID);
	ck_assert_int_eq(xfa_attachment_kind_check(NULL), XFA_EINVALID);
	ck_assert_int_eq(xfa_attachment_kind_check("abcdefghijabcdefghijabcdefghijab"), 0);
	ck_assert_int_eq(xfa_attachment_kind_check("abcdefghijabcdefghijabcdefghijabc"),
			 XFA_EINVALID);

	ck_assert_int_eq(xfa_attachment_spec(&kind, &path, "authorization:scans/授权.pdf"), 0);
	ck_assert_str_eq(kind, "authorization");
	ck_assert_str_eq(path, "scans/授权.pdf");
	free(kind);
	ck_assert_int_eq(xfa_attachment_spec(&kind, &path, "reply:c:/x.pdf"), 0);
	ck_assert_str_eq(kind, "reply");
	ck_assert_str_eq(path, "c:/x.pdf");
	free(kind);
	ck_assert_int_eq(xfa_attachment_spec(&kind, &path, "no-colon.pdf"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "KIND:PATH"));
	ck_assert_ptr_null(kind);
	ck_assert_int_eq(xfa_attachment_spec(&kind, &path, ":x.pdf"), XFA_EINVALID);
	ck_assert_int_eq(xfa_attachment_spec(&kind, &path, "reply:"), XFA_EINVALID);
}
END_TEST

static void stage_fails(int code, const char *kind, const char *path, uint64_t max,
			const char *msg)
{
	xfa_staged s;

	ck_assert_int_eq(xfa_attachment_stage(&s, st, kind, path, max), code);
	ck_assert_ptr_null(s.rec);
	ck_assert_msg(strstr(xfa_error_last(), msg), "'%s' lacks '%s'",
		      xfa_error_last(), msg);
}

START_TEST(streams_into_a_blob_while_hashing)
{
	size_t n = 3 * 256 * 1024 + 17, len = 0;   /* several chunks and a tail */
	unsigned char *data = malloc(n), digest[32];
	char hex[65], *back = NULL;
	xfa_staged s;
	xfa_oid id;

	ck_assert_ptr_nonnull(data);
	xfa_random(data, n);
	fx_spit(at("授权委托书.PDF"), data, n);
	ck_assert_msg(xfa_attachment_stage(&s, st, "authorization", at("授权委托书.PDF"),
					   n) == 0, "%s", xfa_error_last());
	xfa_sha256(digest, data, n);
	xfa_hex(hex, digest, 32);
	ck_assert_str_eq(xfa_json_str(s.rec, "name"), "授权委托书.PDF");
	ck_assert_str_eq(xfa_json_str(s.rec, "kind"), "authorization");
	ck_assert_str_eq(xfa_json_str(s.rec, "media_type"), "application/pdf");
	ck_assert_int_eq(xfa_json_int(s.rec, "size", -1), (long long)n);
	ck_assert_str_eq(xfa_json_str(s.rec, "sha256"), hex);
	ck_assert_uint_eq(json_object_size(s.rec), 5);
	/* the blob holds exactly the file's bytes, under git's own id */
	ck_assert_int_eq(xfa_store_read_blob(&back, &len, st, &s.blob, n), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_int_eq(memcmp(back, data, n), 0);
	ck_assert_int_eq(xfa_store_put_blob(&id, st, data, n), 0);
	ck_assert(xfa_oid_equal(&id, &s.blob));
	free(back);
	xfa_staged_release(&s);
	ck_assert_ptr_null(s.rec);
	xfa_staged_release(&s);
	free(data);
}
END_TEST

START_TEST(media_types_and_empty_files)
{
	xfa_staged s;

	fx_spit(at("note.unknownext"), "", 0);
	ck_assert_int_eq(xfa_attachment_stage(&s, st, "note", at("note.unknownext"), 10), 0);
	ck_assert_str_eq(xfa_json_str(s.rec, "media_type"), "application/octet-stream");
	ck_assert_int_eq(xfa_json_int(s.rec, "size", -1), 0);
	ck_assert_str_eq(xfa_json_str(s.rec, "sha256"),
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	xfa_staged_release(&s);
	fx_spit(at("photo.jpeg"), "x", 1);
	ck_assert_int_eq(xfa_attachment_stage(&s, st, "photo", at("photo.jpeg"), 10), 0);
	ck_assert_str_eq(xfa_json_str(s.rec, "media_type"), "image/jpeg");
	xfa_staged_release(&s);
}
END_TEST

START_TEST(refuses_what_is_not_a_safe_regular_file)
{
	fx_spit(at("real.pdf"), "%PDF", 4);
	ck_assert_int_eq(symlink(at("real.pdf"), at("link.pdf")), 0);
	stage_fails(XFA_EINVALID, "reply", at("link.pdf"), 100, "symbolic link");
	ck_assert_int_eq(mkfifo(at("fifo.pdf"), 0600), 0);
	stage_fails(XFA_EINVALID, "reply", at("fifo.pdf"), 100, "not a regular file");
	ck_assert_int_eq(mkdir(at("folder.pdf"), 0700), 0);
	stage_fails(XFA_EINVALID, "reply", at("folder.pdf"), 100, "not a regular file");
	stage_fails(XFA_EINVALID, "reply", "/dev/null", 100, "not a regular file");
	stage_fails(XFA_ENOTFOUND, "reply", at("missing.pdf"), 100, "no such file");
	stage_fails(XFA_EIO, "reply", at("real.pdf/inside.pdf"), 100, "inside.pdf");
	stage_fails(XFA_EINVALID, "reply", at("real.pdf"), 3, "over the limit");
	stage_fails(XFA_EINVALID, "Reply", at("real.pdf"), 100, "lower-case");
	fx_spit(at("bad\nname.pdf"), "x", 1);
	stage_fails(XFA_EINVALID, "reply", at("bad\nname.pdf"), 100, "control character");
	fx_spit(at("-flag.pdf"), "x", 1);
	stage_fails(XFA_EINVALID, "reply", at("-flag.pdf"), 100, "'-'");
	/* a sparse file over the default limit is refused before it is read */
	fx_spit(at("big.pdf"), "", 0);
	ck_assert_int_eq(truncate(at("big.pdf"), (off_t)(XFA_ATTACHMENT_MAX_DEFAULT + 1)), 0);
	stage_fails(XFA_EINVALID, "reply", at("big.pdf"), XFA_ATTACHMENT_MAX_DEFAULT,
		    "over the limit");
}
END_TEST

Suite *attachment_suite(void); /* found by the runner: see the Makefile */

Suite *attachment_suite(void)
{
	Suite *s = suite_create("attachment");
	TCase *tc = tcase_create("attachment");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, safe_names);
	tcase_add_test(tc, kinds_and_specs);
	tcase_add_test(tc, streams_into_a_blob_while_hashing);
	tcase_add_test(tc, media_types_and_empty_files);
	tcase_add_test(tc, refuses_what_is_not_a_safe_regular_file);
	suite_add_tcase(s, tc);
	return s;
}

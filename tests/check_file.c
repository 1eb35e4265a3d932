/* check_file.c - tests for file.c: size-limited reads of regular files
 * only (no symlinks, FIFOs, devices, folders) and atomic writes. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_fixture.h"
#include "error.h"
#include "file.h"

static char dir[64];

static void setup(void)
{
	fx_tmpdir(dir, "/tmp/xfa-check-file-XXXXXX");
}

static void teardown(void)
{
	fx_rmrf(dir);
}

static const char *at(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void read_fails(int code, const char *path, size_t max, const char *msg)
{
	char *buf = (char *)1;
	size_t len = 99;

	ck_assert_int_eq(xfa_file_read(&buf, &len, path, max), code);
	ck_assert_ptr_null(buf);
	ck_assert_msg(strstr(xfa_error_last(), path) != NULL, "%s", xfa_error_last());
	if (msg)
		ck_assert_msg(strstr(xfa_error_last(), msg) != NULL, "%s", xfa_error_last());
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

START_TEST(reads_a_regular_file)
{
	char *buf = NULL;
	size_t len = 0;

	fx_spit(at("f"), "abc\0def", 7);
	ck_assert_int_eq(xfa_file_read(&buf, &len, at("f"), 7), 0);
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(memcmp(buf, "abc\0def", 8), 0);   /* NUL-terminated */
	free(buf);
	fx_spit(at("empty"), "", 0);
	ck_assert_int_eq(xfa_file_read(&buf, NULL, at("empty"), 0), 0);
	ck_assert_str_eq(buf, "");
	free(buf);
}
END_TEST

START_TEST(refuses_what_is_not_a_regular_file)
{
	fx_spit(at("target"), "x", 1);
	ck_assert_int_eq(symlink(at("target"), at("link")), 0);
	read_fails(XFA_EINVALID, at("link"), 100, "symbolic link");
	ck_assert_int_eq(symlink(at("nowhere"), at("dangling")), 0);
	read_fails(XFA_EINVALID, at("dangling"), 100, "symbolic link");
	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	read_fails(XFA_EINVALID, at("fifo"), 100, "not a regular file");
	ck_assert_int_eq(mkdir(at("sub"), 0700), 0);
	read_fails(XFA_EINVALID, at("sub"), 100, "not a regular file");
	read_fails(XFA_EINVALID, "/dev/null", 100, "not a regular file");
	read_fails(XFA_EINVALID, "/dev/zero", 100, "not a regular file");
}
END_TEST

START_TEST(refuses_missing_and_oversized_files)
{
	char *buf = NULL;

	read_fails(XFA_ENOTFOUND, at("missing"), 100, "no such file");
	fx_spit(at("ten"), "0123456789", 10);
	read_fails(XFA_EINVALID, at("ten"), 9, "larger than the limit");
	ck_assert_int_eq(xfa_file_read(&buf, NULL, at("ten"), 10), 0);
	free(buf);
	/* a sparse file far over the limit is refused without being read */
	ck_assert_int_eq(truncate(at("ten"), (off_t)65 << 20), 0);
	read_fails(XFA_EINVALID, at("ten"), (size_t)64 << 20, "larger than the limit");
	/* a path through a file: neither missing nor a file -> I/O error */
	read_fails(XFA_EIO, at("ten/inside"), 100, NULL);
}
END_TEST

START_TEST(writes_atomically)
{
	struct stat sb;
	char *buf = NULL;
	mode_t old = umask(0);

	ck_assert_int_eq(xfa_file_write_atomic(at("w"), "first", 5, 0600, 1), 0);
	ck_assert_int_eq(stat(at("w"), &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	/* excl: refuses to overwrite, and leaves the file as it was */
	ck_assert_int_eq(xfa_file_write_atomic(at("w"), "second", 6, 0600, 1), XFA_EEXISTS);
	ck_assert(strstr(xfa_error_last(), "already exists"));
	ck_assert_int_eq(xfa_file_read(&buf, NULL, at("w"), 100), 0);
	ck_assert_str_eq(buf, "first");
	free(buf);
	/* without excl: replaces it */
	ck_assert_int_eq(xfa_file_write_atomic(at("w"), "second", 6, 0644, 0), 0);
	ck_assert_int_eq(xfa_file_read(&buf, NULL, at("w"), 100), 0);
	ck_assert_str_eq(buf, "second");
	free(buf);
	ck_assert_int_eq(stat(at("w"), &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0644);
	ck_assert_int_eq(entries(), 1);    /* no temporary file left */
	umask(old);
}
END_TEST

START_TEST(write_excl_refuses_symlinks_and_replace_does_not_follow_them)
{
	char *buf = NULL;

	fx_spit(at("victim"), "keep", 4);
	ck_assert_int_eq(symlink(at("victim"), at("link")), 0);
	ck_assert_int_eq(xfa_file_write_atomic(at("link"), "x", 1, 0600, 1), XFA_EEXISTS);
	ck_assert_int_eq(symlink(at("nowhere"), at("dangling")), 0);
	ck_assert_int_eq(xfa_file_write_atomic(at("dangling"), "x", 1, 0600, 1), XFA_EEXISTS);
	ck_assert_int_eq(access(at("nowhere"), F_OK), -1);
	/* replacing a symlink replaces the link, never writes through it */
	ck_assert_int_eq(xfa_file_write_atomic(at("link"), "new", 3, 0600, 0), 0);
	ck_assert_int_eq(xfa_file_read(&buf, NULL, at("victim"), 100), 0);
	ck_assert_str_eq(buf, "keep");
	free(buf);
	ck_assert_int_eq(xfa_file_read(&buf, NULL, at("link"), 100), 0);
	ck_assert_str_eq(buf, "new");
	free(buf);
	ck_assert_int_eq(entries(), 3);
}
END_TEST

START_TEST(write_into_a_missing_folder_is_an_io_error)
{
	ck_assert_int_eq(xfa_file_write_atomic(at("no/such/f"), "x", 1, 0600, 0), XFA_EIO);
	ck_assert(strstr(xfa_error_last(), "no/such/f"));
	ck_assert_int_eq(xfa_file_write_atomic(at("no/such/f"), "x", 1, 0600, 1), XFA_EIO);
}
END_TEST

Suite *file_suite(void); /* found by the runner: see the Makefile */

Suite *file_suite(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reads_a_regular_file);
	tcase_add_test(tc, refuses_what_is_not_a_regular_file);
	tcase_add_test(tc, refuses_missing_and_oversized_files);
	tcase_add_test(tc, writes_atomically);
	tcase_add_test(tc, write_excl_refuses_symlinks_and_replace_does_not_follow_them);
	tcase_add_test(tc, write_into_a_missing_folder_is_an_io_error);
	suite_add_tcase(s, tc);
	return s;
}

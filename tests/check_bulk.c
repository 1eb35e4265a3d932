/* check_bulk.c - tests for the bulk writes of store.c (xfa_store_bulk_*):
 * batches built in memory and written as one pack per flush, checked by
 * git fsck; nothing lands when a bulk ends unflushed; misuse is refused. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "check_fixture.h"
#include "error.h"

static fx_archive fx;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

/* Files in `dir` whose names end in `suffix`. */
static int count_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = strlen(suffix);
	int count = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > n && !strcmp(e->d_name + len - n, suffix))
			count++;
	}
	closedir(d);
	return count;
}

static int packs(void)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "%s/objects/pack", fx.path);
	return count_files(dir, ".pack");
}

/* Loose objects: files in objects/xx/ folders. */
static int loose(void)
{
	char dir[300];
	int i, n = 0;

	for (i = 0; i < 256; i++) {
		snprintf(dir, sizeof(dir), "%s/objects/%02x", fx.path, i);
		n += count_files(dir, "");
	}
	return n;
}

static int fsck_ok(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "git --git-dir='%s' fsck --strict --no-dangling "
		 ">/dev/null 2>&1", fx.path);
	return system(cmd) == 0;
}

/* Register `n` cases in one batch; *last receives the last id (malloc'd). */
static void register_batch(xfa_batch *b, int n, char **last)
{
	xfa_case_opts o;
	json_t *input = fx_case_input();
	int i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < n; i++) {
		char *id = NULL, *code = NULL;
		ck_assert_msg(xfa_case_register_batch(&id, &code, b, fx.clerk, input, &o) == 0,
			      "%s", xfa_error_last());
		free(code);
		if (last && i == n - 1)
			*last = id;
		else
			free(id);
	}
	json_decref(input);
}

START_TEST(bulk_writes_one_pack_per_flush)
{
	xfa_store *st = xfa_archive_store(fx.a);
	xfa_batch *b = NULL;
	char *last = NULL, *last2 = NULL;
	json_t *doc = NULL;
	int loose_before = loose();

	ck_assert_int_eq(xfa_store_bulk_begin(st), 0);
	ck_assert_int_eq(xfa_batch_begin(&b, fx.a), 0);
	register_batch(b, 30, &last);
	ck_assert_int_eq(loose(), loose_before);      /* all in memory */
	ck_assert_int_eq(xfa_store_bulk_flush(st), 0);
	ck_assert_int_eq(packs(), 1);
	/* the batch goes on from objects now only in the pack */
	register_batch(b, 5, &last2);
	ck_assert_int_eq(xfa_store_bulk_flush(st), 0);
	ck_assert_int_eq(packs(), 2);
	ck_assert_int_eq(xfa_store_bulk_flush(st), 0); /* nothing new: no pack */
	ck_assert_int_eq(packs(), 2);
	ck_assert_int_eq(xfa_batch_publish(b), 0);
	xfa_batch_free(b);
	xfa_store_bulk_end(st);
	ck_assert_int_eq(loose(), loose_before);
	ck_assert_str_eq(last, "XF-2026-000030");
	ck_assert_str_eq(last2, "XF-2026-000035");
	ck_assert_msg(xfa_case_load(&doc, fx.a, last2) == 0, "%s", xfa_error_last());
	ck_assert_str_eq(json_string_value(json_object_get(doc, "status")), "registered");
	json_decref(doc);
	ck_assert(fsck_ok());
	/* ordinary writes go on as loose objects on top */
	{
		unsigned seq = 0;
		xfa_case_opts o;
		memset(&o, 0, sizeof(o));
		ck_assert_msg(xfa_case_move(&seq, fx.a, fx.clerk, last, "accepted", &o) == 0,
			      "%s", xfa_error_last());
		ck_assert_uint_eq(seq, 2);
	}
	ck_assert_int_gt(loose(), loose_before);
	ck_assert(fsck_ok());
	free(last);
	free(last2);
}
END_TEST

START_TEST(unflushed_bulk_leaves_nothing)
{
	xfa_store *st = xfa_archive_store(fx.a);
	xfa_batch *b = NULL;
	char before[41], after[41];
	int loose_before = loose();
	json_t *doc = NULL;

	fx_head(before, fx.a);
	ck_assert_int_eq(xfa_store_bulk_begin(st), 0);
	ck_assert_int_eq(xfa_batch_begin(&b, fx.a), 0);
	register_batch(b, 3, NULL);
	xfa_batch_free(b);
	xfa_store_bulk_end(st);
	xfa_store_bulk_end(st); /* twice is harmless */
	fx_head(after, fx.a);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(packs(), 0);
	ck_assert_int_eq(loose(), loose_before);
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, "XF-2026-000001"), XFA_ENOTFOUND);
	ck_assert(fsck_ok());
}
END_TEST

START_TEST(bulk_misuse_is_refused)
{
	xfa_store *st = xfa_archive_store(fx.a);

	ck_assert_int_eq(xfa_store_bulk_flush(st), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "not begun"));
	ck_assert_int_eq(xfa_store_bulk_begin(st), 0);
	ck_assert_int_eq(xfa_store_bulk_begin(st), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "begun already"));
	ck_assert_int_eq(xfa_store_bulk_flush(st), 0); /* nothing to write */
	ck_assert_int_eq(packs(), 0);
	xfa_store_bulk_end(st);
}
END_TEST

Suite *bulk_suite(void); /* found by the runner: see the Makefile */

Suite *bulk_suite(void)
{
	Suite *s = suite_create("bulk");
	TCase *tc = tcase_create("bulk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bulk_writes_one_pack_per_flush);
	tcase_add_test(tc, unflushed_bulk_leaves_nothing);
	tcase_add_test(tc, bulk_misuse_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

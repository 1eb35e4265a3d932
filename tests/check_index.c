/* check_index.c - tests for index.c: built on first use, current, brought
 * forward after new commits, the same as a scan, rebuilt when the file is
 * missing, damaged or stale (a head that was rolled back), lookups by id,
 * filters and the overdue day. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "index.h"
#include "json.h"

static fx_archive fx;
static char ids[3][XFA_CASE_ID_MAX + 1];

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	fx_register(&fx, 3, ids[0], sizeof(ids[0]));
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

static int open_ix(xfa_index **ix, int flags)
{
	int how = -1, err = xfa_index_open(ix, &how, fx.a, flags);

	ck_assert_msg(err == 0, "%s", xfa_error_last());
	return how;
}

static int count_cb(const xfa_index_row *r, void *payload)
{
	(void)r;
	++*(int *)payload;
	return 0;
}

static int count(const xfa_index *ix, const char *status)
{
	xfa_index_filter q;
	int n = 0;

	memset(&q, 0, sizeof(q));
	q.status = status;
	ck_assert_int_eq(xfa_index_query(ix, &q, count_cb, &n), 0);
	return n;
}

static char *index_file(void)
{
	static char p[300];

	snprintf(p, sizeof(p), "%s/" XFA_INDEX_FILE, fx.path);
	return p;
}

START_TEST(built_then_current)
{
	xfa_index *ix = NULL;
	xfa_index_row r;

	ck_assert_int_eq(open_ix(&ix, 0), XFA_INDEX_REBUILT);
	ck_assert_int_eq(xfa_index_count(ix), 3);
	ck_assert_int_eq(count(ix, "registered"), 3);
	ck_assert_int_eq(count(ix, "accepted"), 0);
	ck_assert_int_eq(xfa_index_get(&r, ix, ids[1]), 0);
	ck_assert_str_eq(r.id, ids[1]);
	ck_assert_str_eq(r.unit, "民政局");
	ck_assert_str_eq(r.category, "civil-affairs");
	ck_assert_str_eq(r.received_at, "2026-02-09T10:05:00+08:00");
	ck_assert(strstr(r.summary, "…") != NULL);
	ck_assert_int_eq(xfa_index_get(&r, ix, "XF-2026-999999"), XFA_ENOTFOUND);
	xfa_index_free(ix);
	ck_assert_int_eq(open_ix(&ix, 0), XFA_INDEX_CURRENT);
	xfa_index_free(ix);
}
END_TEST

START_TEST(follows_new_commits)
{
	xfa_case_opts o;
	xfa_index *ix = NULL;

	memset(&o, 0, sizeof(o));
	xfa_index_free((open_ix(&ix, 0), ix));
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[2], "accepted", &o), 0);
	ck_assert_int_eq(open_ix(&ix, 0), XFA_INDEX_UPDATED);
	ck_assert_int_eq(count(ix, "accepted"), 1);
	ck_assert_int_eq(count(ix, "registered"), 2);
	xfa_index_free(ix);
	ck_assert_int_eq(open_ix(&ix, XFA_INDEX_NOFILE), XFA_INDEX_SCANNED);
	ck_assert_int_eq(count(ix, "accepted"), 1);
	xfa_index_free(ix);
}
END_TEST

START_TEST(missing_or_damaged_is_rebuilt)
{
	xfa_index *ix = NULL;
	FILE *f;

	xfa_index_free((open_ix(&ix, 0), ix));
	ck_assert_int_eq(remove(index_file()), 0);
	ck_assert_int_eq(open_ix(&ix, 0), XFA_INDEX_REBUILT);
	xfa_index_free(ix);
	f = fopen(index_file(), "r+b");
	ck_assert_ptr_nonnull(f);
	fseek(f, 64 + 4, SEEK_SET);   /* the first record's status */
	fputc(0x7f, f);
	fclose(f);
	ck_assert_int_eq(open_ix(&ix, 0), XFA_INDEX_REBUILT);
	ck_assert_int_eq(count(ix, "registered"), 3);
	xfa_index_free(ix);
	fx_spit(index_file(), "XFAIDX1\n", 8);
	ck_assert_int_eq(open_ix(&ix, 0), XFA_INDEX_REBUILT);
	ck_assert_int_eq(xfa_index_count(ix), 3);
	xfa_index_free(ix);
}
END_TEST

START_TEST(rolled_back_head_is_stale)
{
	char old[41], cmd[400];
	xfa_case_opts o;
	xfa_index *ix = NULL;

	memset(&o, 0, sizeof(o));
	fx_head(old, fx.a);
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[0], "accepted", &o), 0);
	xfa_index_free((open_ix(&ix, 0), ix));
	snprintf(cmd, sizeof(cmd), "git --git-dir=%s update-ref refs/heads/main %s", fx.path, old);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(open_ix(&ix, 0), XFA_INDEX_REBUILT);
	ck_assert_int_eq(count(ix, "accepted"), 0);
	xfa_index_free(ix);
}
END_TEST

START_TEST(overdue_day)
{
	xfa_index_row r;

	memset(&r, 0, sizeof(r));
	r.overdue_from = INT32_MAX;
	ck_assert(!xfa_index_row_overdue(&r, 100000));
	r.overdue_from = 20000;
	ck_assert(!xfa_index_row_overdue(&r, 19999));
	ck_assert(xfa_index_row_overdue(&r, 20000));
	r.overdue_from = INT32_MIN;
	ck_assert(xfa_index_row_overdue(&r, 0));
}
END_TEST

START_TEST(registered_cases_become_overdue)
{
	xfa_index *ix = NULL;
	xfa_index_row r;

	open_ix(&ix, 0);
	ck_assert_int_eq(xfa_index_get(&r, ix, ids[0]), 0);
	/* received 2026-02-09: the 15-day acceptance deadline has a due date */
	ck_assert_int_ne(r.overdue_from, INT32_MAX);
	ck_assert(!xfa_index_row_overdue(&r, 20493));   /* 2026-02-09 */
	ck_assert(xfa_index_row_overdue(&r, 20493 + 60));
	xfa_index_free(ix);
}
END_TEST

Suite *index_suite(void); /* found by the runner: see the Makefile */
Suite *index_suite(void)
{
	Suite *s = suite_create("index");
	TCase *t = tcase_create("index");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, built_then_current);
	tcase_add_test(t, follows_new_commits);
	tcase_add_test(t, missing_or_damaged_is_rebuilt);
	tcase_add_test(t, rolled_back_head_is_stale);
	tcase_add_test(t, overdue_day);
	tcase_add_test(t, registered_cases_become_overdue);
	suite_add_tcase(s, t);
	return s;
}

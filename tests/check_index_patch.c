/* check_index_patch.c - tests for the patched update of index.c (an index
 * brought forward by copying its records and replacing the changed ones):
 * after moves, new cases and repeated updates its rows equal a scan of the
 * archive, row by row, and a fresh build. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "index.h"
#include "json.h"

static fx_archive fx;
static char ids[6][XFA_CASE_ID_MAX + 1];

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	fx_register(&fx, 6, ids[0], sizeof(ids[0]));
	xfa_index_set_patch_min(0);
}

static void teardown(void)
{
	xfa_index_set_patch_min(10000);
	fx_archive_teardown(&fx);
}

/* All rows of an index as one text, a line per case. */
static int row_text(const xfa_index_row *r, void *payload)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s|%s|%s|%s|%s|%s|%s|%ld\n", r->id, r->status,
		 r->unit, r->category, r->lead, r->received_at, r->summary,
		 (long)r->overdue_from);
	strncat(payload, line, 65536 - strlen(payload) - 1);
	return 0;
}

static char *rows(int flags, int *how)
{
	char *text = calloc(1, 65536);
	xfa_index_filter q;
	xfa_index *ix = NULL;

	memset(&q, 0, sizeof(q));
	ck_assert_msg(xfa_index_open(&ix, how, fx.a, flags) == 0, "%s", xfa_error_last());
	ck_assert_int_eq(xfa_index_query(ix, &q, row_text, text), 0);
	xfa_index_free(ix);
	return text;
}

/* The file's rows equal a scan's; returns how the file was opened. */
static int same_as_scan(void)
{
	int how = -1, scanned = -1;
	char *a = rows(0, &how), *b = rows(XFA_INDEX_NOFILE, &scanned);

	ck_assert_int_eq(scanned, XFA_INDEX_SCANNED);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	return how;
}

START_TEST(patched_rows_equal_a_scan)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	char *id = NULL, *code = NULL, *fresh, *patched;
	char path[300];
	int i;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	/* a move in the middle, one at each end, a new case after the last */
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[2], "accepted", &o), 0);
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[0], "withdrawn", &o), 0);
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[5], "accepted", &o), 0);
	ck_assert_int_eq(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	/* update after update: appended strings pile up, then a full build */
	for (i = 0; i < 4; i++) {
		static const char *to[] = { "accepted", "assigned", "withdrawn", "accepted" };
		ck_assert_msg(xfa_case_move(NULL, fx.a, fx.clerk, ids[1 + i], to[i], &o) == 0,
			      "%s", xfa_error_last());
		ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	}
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, id, "accepted", &o), 0);
	patched = rows(0, NULL);
	snprintf(path, sizeof(path), "%s/" XFA_INDEX_FILE, fx.path);
	ck_assert_int_eq(remove(path), 0);
	fresh = rows(0, NULL);
	ck_assert_str_eq(patched, fresh);
	free(patched);
	free(fresh);
	free(id);
	free(code);
	json_decref(in);
}
END_TEST

Suite *index_patch_suite(void); /* found by the runner: see the Makefile */
Suite *index_patch_suite(void)
{
	Suite *s = suite_create("index_patch");
	TCase *tc = tcase_create("patch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, patched_rows_equal_a_scan);
	suite_add_tcase(s, tc);
	return s;
}

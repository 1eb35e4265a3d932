/* check_merge.c - tests for merge.c, the per-record merge rule of SPEC 7.8a
 * (issue 14): one side changed, both changed (diverged, with the common
 * prefix found), a side that is an ancestor of the other, a record on one
 * side only, disjoint records, the keyring with a revocation on one side or
 * on each, the same events in other folders, a path outside any record,
 * and criss-cross histories (two merge bases) that give no false conflict. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "event.h"
#include "merge.h"
#include "store.h"

static fx_archive fx;
static xfa_store *st;
static char ids[2][XFA_CASE_ID_MAX + 1];
static const char *x = ids[0], *y = ids[1];
static xfa_oid base;
static xfa_merge_plan plan;

static void head(xfa_oid *out, xfa_store *s)
{
	ck_assert_int_eq(xfa_store_head(out, s), 0);
}

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	st = xfa_archive_store(fx.a);
	fx_register(&fx, 2, ids[0], sizeof(ids[0]));
	head(&base, st);
	memset(&plan, 0, sizeof(plan));
}

static void teardown(void)
{
	xfa_merge_plan_release(&plan);
	fx_archive_teardown(&fx);
}

/* A note on case `id` in archive `a` as the clerk; the new head in *out. */
static void note_in(xfa_oid *out, xfa_archive *a, const char *id, const char *text)
{
	xfa_case_opts o;
	unsigned seq;

	memset(&o, 0, sizeof(o));
	o.note = text;
	ck_assert_msg(xfa_case_record(&seq, a, fx.clerk, id, "note", &o) == 0, "%s",
		      xfa_error_last());
	if (out)
		head(out, xfa_archive_store(a));
}

static void note(xfa_oid *out, const char *id, const char *text)
{
	note_in(out, fx.a, id, text);
}

/* Move main back to `to` (another branch grows from there). */
static void reset(const xfa_oid *to)
{
	xfa_oid cur;

	head(&cur, st);
	ck_assert_int_eq(xfa_store_set_ref(st, "refs/heads/main", to, &cur, "test"), 0);
}

/* The plan of c0 and c1; asserts it has `n` records. */
static void make(const xfa_oid *c0, const xfa_oid *c1, size_t n)
{
	xfa_merge_plan_release(&plan);
	ck_assert_msg(xfa_merge_plan_make(&plan, st, c0, c1) == 0, "%s", xfa_error_last());
	ck_assert_uint_eq(plan.n, n);
}

/* The plan's record of `id`; asserts it is there. */
static const xfa_merge_rec *rec(const char *id)
{
	size_t i;

	for (i = 0; i < plan.n; i++)
		if (!strcmp(plan.r[i].id, id))
			return &plan.r[i];
	ck_abort_msg("no record %s in the plan", id);
	return NULL;
}

static void verdict(const char *id, int v, unsigned n0, unsigned n1, unsigned common)
{
	const xfa_merge_rec *r = rec(id);

	ck_assert_int_eq(r->verdict, v);
	ck_assert_uint_eq(r->n[0], n0);
	ck_assert_uint_eq(r->n[1], n1);
	ck_assert_uint_eq(r->common, common);
}

START_TEST(same_commit_nothing)
{
	make(&base, &base, 0);
}
END_TEST

START_TEST(diverged_after_a_longer_prefix)
{
	xfa_oid common, l, r;
	int i;

	for (i = 0; i < 4; i++)
		note(&common, x, "shared");
	note(&l, x, "left");
	reset(&common);
	note(NULL, x, "right");
	note(NULL, x, "right again");
	note(&r, x, "right a third time");
	make(&l, &r, 1);
	verdict(x, XFA_MERGE_DIVERGED, 6, 8, 5);
}
END_TEST

START_TEST(disjoint_records)
{
	xfa_oid l, r;

	note(&l, x, "left");
	reset(&base);
	note(&r, y, "right");
	make(&l, &r, 2);
	verdict(x, XFA_MERGE_TAKE0, 2, 1, 1);
	verdict(y, XFA_MERGE_TAKE1, 1, 2, 1);
}
END_TEST

/* Two keys more in the keyring, at a new base. */
static void two_keys(xfa_key *k[2], char fpr[2][XFA_FPR_SIZE])
{
	int i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(xfa_key_generate(&k[i]), 0);
		xfa_pubkey_fingerprint(fpr[i], xfa_key_public(k[i]));
		ck_assert_msg(xfa_admin_key_add(fx.a, fx.admin, xfa_key_public(k[i]),
				i ? "二号" : "一号", i ? "k2@bureau.example" : "k1@bureau.example",
				"clerk") == 0, "%s", xfa_error_last());
	}
	head(&base, st);
}

START_TEST(keyring_revoked_on_one_side)
{
	char fpr[2][XFA_FPR_SIZE];
	xfa_key *k[2];
	xfa_oid l, r;

	unsigned n;

	two_keys(k, fpr);
	ck_assert_int_eq(xfa_merge_events(&n, st, &base, XFA_META_DIR), 0);
	ck_assert_int_eq(xfa_admin_key_revoke(fx.a, fx.admin, fpr[0]), 0);
	head(&l, st);
	reset(&base);
	note(&r, x, "meanwhile");
	make(&l, &r, 2);
	verdict(XFA_META_NAME, XFA_MERGE_TAKE0, n + 1, n, n);
	verdict(x, XFA_MERGE_TAKE1, 1, 2, 1);
	xfa_key_free(k[0]);
	xfa_key_free(k[1]);
}
END_TEST

START_TEST(keyring_revoked_on_each_side)
{
	char fpr[2][XFA_FPR_SIZE];
	xfa_key *k[2];
	xfa_oid l, r;
	unsigned n;

	two_keys(k, fpr);
	ck_assert_int_eq(xfa_merge_events(&n, st, &base, XFA_META_DIR), 0);
	ck_assert_uint_ge(n, 4);      /* init, the clerk, two keys */
	ck_assert_int_eq(xfa_admin_key_revoke(fx.a, fx.admin, fpr[0]), 0);
	head(&l, st);
	reset(&base);
	ck_assert_int_eq(xfa_admin_key_revoke(fx.a, fx.admin, fpr[1]), 0);
	head(&r, st);
	make(&l, &r, 1);
	verdict(XFA_META_NAME, XFA_MERGE_DIVERGED, n + 1, n + 1, n);
	xfa_key_free(k[0]);
	xfa_key_free(k[1]);
}
END_TEST

/* A commit on `parent` whose tree is parent's with `path` holding `text`. */
static void crafted(xfa_oid *out, const xfa_oid *parent, const char *path, const char *text)
{
	xfa_tree_up up;
	xfa_oid t, tree;
	xfa_ident who = { "登记员", "clerk@bureau.example", 1796659200, 480 };

	memset(&up, 0, sizeof(up));
	up.path = path;
	ck_assert_int_eq(xfa_store_put_blob(&up.id, st, text, strlen(text)), 0);
	ck_assert_int_eq(xfa_store_commit_tree(&t, st, parent), 0);
	ck_assert_int_eq(xfa_store_tree_update(&tree, st, &t, &up, 1), 0);
	ck_assert_msg(xfa_store_write_merge(out, st, &tree, parent, parent, &who, "crafted",
					    xfa_event_sign_git, fx.clerk) == 0, "%s",
		      xfa_error_last());
}

START_TEST(same_events_other_files_bad)
{
	char dir[256], path[300];
	xfa_oid c;

	ck_assert_int_eq(xfa_case_dir(dir, sizeof(dir), x), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, XFA_CASE_DOC);
	crafted(&c, &base, path, "{}\n");
	make(&base, &c, 1);
	verdict(x, XFA_MERGE_BAD, 1, 1, 1);
}
END_TEST

START_TEST(path_outside_records_bad)
{
	xfa_oid c;

	crafted(&c, &base, "README", "hello\n");
	make(&base, &c, 1);
	ck_assert_str_eq(plan.r[0].id, "");
	ck_assert_str_eq(plan.r[0].dir, "README");
	ck_assert_int_eq(plan.r[0].verdict, XFA_MERGE_BAD);
	ck_assert_int_eq(xfa_merge_record_of(NULL, 0, NULL, "README"), -1);
}
END_TEST

Suite *merge_rule_suite(void); /* found by the runner: see the Makefile */

Suite *merge_rule_suite(void)
{
	Suite *s = suite_create("merge_rule");
	TCase *tc = tcase_create("rule");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, same_commit_nothing);
	tcase_add_test(tc, diverged_after_a_longer_prefix);
	tcase_add_test(tc, disjoint_records);
	tcase_add_test(tc, keyring_revoked_on_one_side);
	tcase_add_test(tc, keyring_revoked_on_each_side);
	tcase_add_test(tc, same_events_other_files_bad);
	tcase_add_test(tc, path_outside_records_bad);
	suite_add_tcase(s, tc);
	return s;
}

/* check_merge.c - tests for merge.c, the per-record prefix rule of SPEC
 * 7.8a: one side changed, both changed, a side that is an ancestor of the
 * other, a record only one side holds, and a criss-cross history (two
 * merge bases) that the rule merges without a false conflict, which sync
 * then writes and verify accepts. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "case.h"
#include "json.h"
#include "keyring.h"
#include "check_fixture.h"
#include "error.h"
#include "merge.h"
#include "store.h"
#include "sync.h"
#include "verify.h"

static fx_archive fx;
static char pa[200], pb[200], pc[200];
static xfa_archive *a, *b, *c;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	snprintf(pa, sizeof(pa), "%s/A01.xfa", fx.dir);
	snprintf(pb, sizeof(pb), "%s/B02.xfa", fx.dir);
	snprintf(pc, sizeof(pc), "%s/C03.xfa", fx.dir);
	ck_assert_msg(xfa_sync_clone(NULL, fx.path, pa, "A01") == 0, "%s", xfa_error_last());
	ck_assert_msg(xfa_sync_clone(NULL, fx.path, pb, "B02") == 0, "%s", xfa_error_last());
	ck_assert_int_eq(xfa_archive_open(&a, pa), 0);
	ck_assert_int_eq(xfa_archive_open(&b, pb), 0);
	c = NULL;
}

static void teardown(void)
{
	xfa_archive_free(a);
	xfa_archive_free(b);
	xfa_archive_free(c);
	a = b = c = NULL;
	fx_archive_teardown(&fx);
}

static char *reg(xfa_archive *ar)
{
	xfa_case_opts o;
	json_t *in = fx_case_input();
	char *id = NULL, *code = NULL;

	memset(&o, 0, sizeof(o));
	ck_assert_msg(xfa_case_register(&id, &code, ar, fx.clerk, in, &o) == 0, "%s",
		      xfa_error_last());
	json_decref(in);
	free(code);
	return id;
}

static void note(xfa_archive *ar, const char *id, const char *text)
{
	xfa_case_opts o;
	unsigned seq;

	memset(&o, 0, sizeof(o));
	o.note = text;
	ck_assert_msg(xfa_case_record(&seq, ar, fx.clerk, id, "note", &o) == 0, "%s",
		      xfa_error_last());
}

static xfa_oid head(xfa_archive *ar)
{
	xfa_oid h;

	ck_assert_int_eq(xfa_store_head(&h, xfa_archive_store(ar)), 0);
	return h;
}

/* Fetch `from`'s main into `into`'s objects (as refs/test/other). */
static xfa_oid fetch(xfa_archive *into, const char *from_path, const char *name)
{
	xfa_store *st = xfa_archive_store(into);
	xfa_oid r;

	ck_assert_int_eq(xfa_store_remote_add(st, name, from_path), 0);
	ck_assert_msg(xfa_store_fetch(&r, st, name, "refs/test/other") == 0, "%s",
		      xfa_error_last());
	return r;
}

/* The plan's record for case `id`, asserted present. */
static const xfa_merge_rec *rec(xfa_merge_plan *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->r[i].id, id))
			return &p->r[i];
	ck_abort_msg("no record %s in the plan", id);
	return NULL;
}

static void verifies(const char *path)
{
	json_t *rep = NULL;
	xfa_verify_opts o;

	memset(&o, 0, sizeof(o));
	o.threads = 1;
	ck_assert_msg(xfa_verify_run(&rep, path, &o) == 0, "%s", xfa_error_last());
	ck_assert_msg(json_is_true(json_object_get(rep, "ok")), "%s",
		      json_dumps(json_object_get(rep, "findings"), 0));
	json_decref(rep);
}

START_TEST(record_of)
{
	char dir[256], id[48];

	ck_assert_int_eq(xfa_merge_record_of(dir, sizeof(dir), id,
		"cases/2026/00/01/XF-2026-000001/events/000001.json"), 0);
	ck_assert_str_eq(dir, "cases/2026/00/01/XF-2026-000001");
	ck_assert_str_eq(id, "XF-2026-000001");
	ck_assert_int_eq(xfa_merge_record_of(dir, sizeof(dir), id, ".xfa/archive.json"), 0);
	ck_assert_str_eq(dir, ".xfa");
	ck_assert_str_eq(id, "archive");
	ck_assert_int_eq(xfa_merge_record_of(dir, sizeof(dir), id, "README"), -1);
	ck_assert_int_eq(xfa_merge_record_of(dir, sizeof(dir), id, "cases/2026/x"), -1);
}
END_TEST

START_TEST(one_side_changed)
{
	char *x = reg(fx.a), *y;
	xfa_merge_plan p;
	xfa_oid ra;

	xfa_archive_free(a);
	fx_rmrf(pa);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, pa, "A01") == 0, 1);
	ck_assert_int_eq(xfa_archive_open(&a, pa), 0);
	note(a, x, "A01 only");                  /* a: x has 2 events */
	y = reg(b);                              /* b: a new case y */
	ra = fetch(b, pa, "a");
	ck_assert_int_eq(xfa_merge_plan_make(&p, xfa_archive_store(b), &ra,
					     &(xfa_oid){ 0 }) < 0, 1);
	xfa_error_clear();
	{
		xfa_oid hb = head(b);
		ck_assert_int_eq(xfa_merge_plan_make(&p, xfa_archive_store(b), &ra, &hb), 0);
	}
	ck_assert_int_eq(rec(&p, x)->verdict, XFA_MERGE_TAKE0);
	ck_assert_uint_eq(rec(&p, x)->n[0], 2);
	ck_assert_uint_eq(rec(&p, x)->n[1], 0);   /* b never had x */
	ck_assert_int_eq(rec(&p, y)->verdict, XFA_MERGE_TAKE1);
	ck_assert_uint_eq(rec(&p, y)->common, 0);
	xfa_merge_plan_release(&p);
	free(x);
	free(y);
}
END_TEST

START_TEST(both_changed_and_ancestor)
{
	xfa_oid before, after, ra, hb;
	xfa_merge_plan p;
	char *x;
	size_t i;

	x = reg(a);
	before = head(a);
	note(a, x, "one");
	note(a, x, "two");
	after = head(a);
	/* a side that is an ancestor of the other brings nothing */
	ck_assert_int_eq(xfa_merge_plan_make(&p, xfa_archive_store(a), &after, &before), 0);
	for (i = 0; i < p.n; i++)
		ck_assert_int_eq(p.r[i].verdict, XFA_MERGE_TAKE0);
	ck_assert_uint_eq(rec(&p, x)->common, 1);
	xfa_merge_plan_release(&p);
	ck_assert_int_eq(xfa_merge_plan_make(&p, xfa_archive_store(a), &before, &after), 0);
	ck_assert_int_eq(rec(&p, x)->verdict, XFA_MERGE_TAKE1);
	xfa_merge_plan_release(&p);
	/* both change x after its first event: diverged after #1 */
	ra = fetch(b, pa, "a");
	ck_assert_int_eq(xfa_store_set_ref(xfa_archive_store(b), XFA_MAIN_REF, &before,
					   NULL, "test"), 0);
	note(b, x, "B02's");
	hb = head(b);
	ck_assert_int_eq(xfa_merge_plan_make(&p, xfa_archive_store(b), &hb, &ra), 0);
	ck_assert_int_eq(rec(&p, x)->verdict, XFA_MERGE_DIVERGED);
	ck_assert_uint_eq(rec(&p, x)->common, 1);
	ck_assert_uint_eq(rec(&p, x)->n[0], 2);
	ck_assert_uint_eq(rec(&p, x)->n[1], 3);
	xfa_merge_plan_release(&p);
	free(x);
}
END_TEST

/*
 * Criss-cross: A and B each write, then each merges the other's earlier
 * head, so their heads have two merge bases; both write again.  The rule
 * sees no conflict, sync merges both ways, and every replica verifies.
 */
START_TEST(criss_cross)
{
	char *x = reg(a), *y = reg(b), *z;
	xfa_sync_result r;
	xfa_oid ha, hb;
	xfa_merge_plan p;
	size_t i;

	ck_assert_int_eq(xfa_sync_clone(NULL, pa, pc, "C03"), 0);  /* a's head, kept */
	ck_assert_int_eq(xfa_archive_open(&c, pc), 0);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(a), "b", pb), 0);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(b), "c", pc), 0);
	ck_assert_int_eq(xfa_sync_run(&r, a, "b", fx.clerk, 0), 0);   /* M_A(a1, b1) */
	ck_assert_int_eq(r.outcome, XFA_SYNC_MERGED);
	xfa_sync_result_release(&r);
	ck_assert_int_eq(xfa_sync_run(&r, b, "c", fx.clerk, 0), 0);   /* M_B(b1, a1) */
	ck_assert_int_eq(r.outcome, XFA_SYNC_MERGED);
	xfa_sync_result_release(&r);
	note(a, y, "A01 on B02's case");
	z = reg(b);
	note(b, x, "B02 on A01's case");
	ha = head(a);
	hb = head(b);
	fetch(a, pb, "bb");
	ck_assert_int_eq(xfa_merge_plan_make(&p, xfa_archive_store(a), &ha, &hb), 0);
	for (i = 0; i < p.n; i++)
		ck_assert_msg(p.r[i].verdict == XFA_MERGE_TAKE0 ||
			      p.r[i].verdict == XFA_MERGE_TAKE1, "%s: verdict %d",
			      p.r[i].dir, p.r[i].verdict);
	ck_assert_int_eq(rec(&p, x)->verdict, XFA_MERGE_TAKE1);
	ck_assert_int_eq(rec(&p, y)->verdict, XFA_MERGE_TAKE0);
	ck_assert_int_eq(rec(&p, z)->verdict, XFA_MERGE_TAKE1);
	xfa_merge_plan_release(&p);
	ck_assert_int_eq(xfa_sync_run(&r, a, "b", fx.clerk, 0), 0);
	ck_assert_int_eq(r.outcome, XFA_SYNC_MERGED);
	xfa_sync_result_release(&r);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(b), "a", pa), 0);
	ck_assert_int_eq(xfa_sync_run(&r, b, "a", fx.clerk, 0), 0);
	ck_assert_int_eq(r.outcome, XFA_SYNC_FASTFORWARD);
	xfa_sync_result_release(&r);
	verifies(pa);
	verifies(pb);
	free(x);
	free(y);
	free(z);
}
END_TEST

/* A revocation on each side: the .xfa streams diverge; the admin's sync
 * joins them with a keyring-merge holding both revocations, which verify
 * accepts; a clerk's sync may not. */
START_TEST(keyring_merged_from_both_sides)
{
	xfa_key *k1 = NULL, *k2 = NULL;
	char f1[XFA_FPR_SIZE], f2[XFA_FPR_SIZE];
	const xfa_meta *m;
	xfa_sync_result r;
	xfa_merge_plan p;
	xfa_oid ha, hb;

	ck_assert_int_eq(xfa_key_generate(&k1), 0);
	ck_assert_int_eq(xfa_key_generate(&k2), 0);
	xfa_pubkey_fingerprint(f1, xfa_key_public(k1));
	xfa_pubkey_fingerprint(f2, xfa_key_public(k2));
	ck_assert_int_eq(xfa_admin_key_add(fx.a, fx.admin, xfa_key_public(k1), "k1",
					   NULL, "clerk"), 0);
	ck_assert_int_eq(xfa_admin_key_add(fx.a, fx.admin, xfa_key_public(k2), "k2",
					   NULL, "clerk"), 0);
	xfa_archive_free(a);
	xfa_archive_free(b);
	fx_rmrf(pa);
	fx_rmrf(pb);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, pa, "A01"), 0);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, pb, "B02"), 0);
	ck_assert_int_eq(xfa_archive_open(&a, pa), 0);
	ck_assert_int_eq(xfa_archive_open(&b, pb), 0);
	ck_assert_int_eq(xfa_admin_key_revoke(a, fx.admin, f1), 0);
	ck_assert_int_eq(xfa_admin_key_revoke(b, fx.admin, f2), 0);
	ha = head(a);
	hb = head(b);
	fetch(b, pa, "a");
	ck_assert_int_eq(xfa_merge_plan_make(&p, xfa_archive_store(b), &hb, &ha), 0);
	ck_assert_int_eq(rec(&p, "archive")->verdict, XFA_MERGE_DIVERGED);
	xfa_merge_plan_release(&p);
	/* a clerk may merge cases, not two keyrings */
	ck_assert_int_eq(xfa_sync_run(&r, b, "a", fx.clerk, 0), XFA_EAUTH);
	xfa_sync_result_release(&r);
	ck_assert_msg(xfa_sync_run(&r, b, "a", fx.admin, 0) == 0, "%s", xfa_error_last());
	ck_assert_int_eq(r.outcome, XFA_SYNC_MERGED);
	xfa_sync_result_release(&r);
	verifies(pb);
	xfa_archive_free(b);
	ck_assert_int_eq(xfa_archive_open(&b, pb), 0);
	ck_assert_int_eq(xfa_archive_meta(&m, b), 0);
	ck_assert_ptr_nonnull(xfa_json_str(xfa_keyring_find(m->doc, f1), "revoked_at"));
	ck_assert_ptr_nonnull(xfa_json_str(xfa_keyring_find(m->doc, f2), "revoked_at"));
	/* and back: a fast-forwards to the joined keyring */
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(a), "b", pb), 0);
	ck_assert_int_eq(xfa_sync_run(&r, a, "b", fx.clerk, 0), 0);
	ck_assert_int_eq(r.outcome, XFA_SYNC_FASTFORWARD);
	xfa_sync_result_release(&r);
	verifies(pa);
	xfa_key_free(k1);
	xfa_key_free(k2);
}
END_TEST

Suite *merge_suite(void); /* found by the runner: see the Makefile */
Suite *merge_suite(void)
{
	Suite *s = suite_create("merge");
	TCase *t = tcase_create("rule");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, record_of);
	tcase_add_test(t, one_side_changed);
	tcase_add_test(t, both_changed_and_ancestor);
	tcase_add_test(t, criss_cross);
	tcase_add_test(t, keyring_merged_from_both_sides);
	suite_add_tcase(s, t);
	return s;
}

/* check_sync.c - tests for sync.c (with the remote functions of store.c):
 * clones with office codes, fast-forward, union merges that verify,
 * conflicts kept aside and resolved both ways, pushes refused as
 * non-fast-forward, and every refusal leaving main where it was. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "store.h"
#include "sync.h"
#include "verify.h"

static fx_archive fx;
static char pa[200], pb[200];
static xfa_archive *a, *b;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	snprintf(pa, sizeof(pa), "%s/A01.xfa", fx.dir);
	snprintf(pb, sizeof(pb), "%s/B02.xfa", fx.dir);
	ck_assert_msg(xfa_sync_clone(NULL, fx.path, pa, "A01") == 0, "%s", xfa_error_last());
	ck_assert_msg(xfa_sync_clone(NULL, fx.path, pb, "B02") == 0, "%s", xfa_error_last());
	ck_assert_int_eq(xfa_archive_open(&a, pa), 0);
	ck_assert_int_eq(xfa_archive_open(&b, pb), 0);
}

static void teardown(void)
{
	xfa_archive_free(a);
	xfa_archive_free(b);
	a = b = NULL;
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

static void move(xfa_archive *ar, const char *id, const char *note)
{
	xfa_case_opts o;
	unsigned seq;

	memset(&o, 0, sizeof(o));
	o.note = note;
	ck_assert_msg(xfa_case_move(&seq, ar, fx.clerk, id, "accepted", &o) == 0, "%s",
		      xfa_error_last());
}

static void sync_ok(xfa_archive *ar, int outcome)
{
	xfa_sync_result r;

	ck_assert_msg(xfa_sync_run(&r, ar, "origin", fx.clerk, 1) == 0, "%s", xfa_error_last());
	ck_assert_int_eq(r.outcome, outcome);
	ck_assert(r.pushed);
	xfa_sync_result_release(&r);
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

static int has_case(xfa_archive *ar, const char *id)
{
	json_t *doc = NULL;
	int err = xfa_case_load(&doc, ar, id);

	json_decref(doc);
	return err == 0;
}

START_TEST(clone_office_codes)
{
	char *ia = reg(a), *ib = reg(b), *office = NULL, path[220];

	ck_assert(strstr(ia, "-A01-000001"));
	ck_assert(strstr(ib, "-B02-000001"));
	ck_assert_int_eq(xfa_store_config_get(&office, xfa_archive_store(a), XFA_OFFICE_KEY), 0);
	ck_assert_str_eq(office, "A01");
	snprintf(path, sizeof(path), "%s/x.xfa", fx.dir);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, path, "a01"), XFA_EINVALID);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, path, "ABCDEFGHI"), XFA_EINVALID);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, path, ""), XFA_EINVALID);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, pa, "C03"), XFA_EEXISTS);
	{
		char missing[220];
		snprintf(missing, sizeof(missing), "%s/missing.xfa", fx.dir);
		ck_assert_int_lt(xfa_sync_clone(NULL, missing, path, "C03"), 0);
		ck_assert_int_eq(access(path, F_OK), -1);
	}
	free(office);
	free(ia);
	free(ib);
}
END_TEST

START_TEST(fast_forward_then_union)
{
	char *ia = reg(a), *ib = reg(b);

	sync_ok(a, XFA_SYNC_UPTODATE);       /* pushes a's case */
	sync_ok(b, XFA_SYNC_MERGED);         /* merges, pushes */
	sync_ok(a, XFA_SYNC_FASTFORWARD);
	ck_assert(has_case(a, ib) && has_case(b, ia));
	verifies(pa);
	verifies(pb);
	verifies(fx.path);
	sync_ok(b, XFA_SYNC_UPTODATE);
	free(ia);
	free(ib);
}
END_TEST

static void conflict(const char *id, int keep_remote)
{
	const char *ids[1] = { id };
	xfa_sync_result r;
	char before[41], after[41];
	json_t *c;

	move(a, id, "from A01");
	move(b, id, "from B02");
	sync_ok(a, XFA_SYNC_UPTODATE);
	fx_head(before, b);
	ck_assert_int_eq(xfa_sync_run(&r, b, "origin", fx.clerk, 1), 0);
	ck_assert_int_eq(r.outcome, XFA_SYNC_CONFLICT);
	ck_assert(!r.pushed);
	fx_head(after, b);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(json_array_size(r.conflicts), 1);
	c = json_array_get(r.conflicts, 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "case")), id);
	ck_assert_int_eq(json_array_size(json_object_get(c, "local")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(c, "remote")), 1);
	xfa_sync_result_release(&r);
	ck_assert_int_eq(xfa_sync_resolve(&r, b, "origin", ids, 1, keep_remote,
					  fx.clerk, 1), 0);
	ck_assert_int_eq(r.outcome, XFA_SYNC_RESOLVED);
	ck_assert(r.pushed);
	xfa_sync_result_release(&r);
	sync_ok(a, XFA_SYNC_FASTFORWARD);
	verifies(pa);
	verifies(pb);
}

START_TEST(conflict_keep_local)
{
	char *id = reg(fx.a);

	sync_ok(a, XFA_SYNC_FASTFORWARD);
	sync_ok(b, XFA_SYNC_FASTFORWARD);
	conflict(id, 0);
	free(id);
}
END_TEST

START_TEST(conflict_keep_remote)
{
	char *id = reg(fx.a);

	sync_ok(a, XFA_SYNC_FASTFORWARD);
	sync_ok(b, XFA_SYNC_FASTFORWARD);
	conflict(id, 1);
	free(id);
}
END_TEST

START_TEST(refusals_change_nothing)
{
	const char *ids[1] = { "XF-2026-000001" };
	char *ia = reg(a), *ib = reg(b), before[41], after[41];
	xfa_sync_result r;
	xfa_key *stranger = NULL;

	sync_ok(a, XFA_SYNC_UPTODATE);
	fx_head(before, b);
	ck_assert_int_eq(xfa_sync_run(&r, b, "nowhere", fx.clerk, 1), XFA_ENOTFOUND);
	xfa_sync_result_release(&r);
	ck_assert_int_eq(xfa_key_generate(&stranger), 0);
	ck_assert_int_eq(xfa_sync_run(&r, b, "origin", stranger, 1), XFA_EAUTH);
	xfa_sync_result_release(&r);
	ck_assert_int_eq(xfa_sync_resolve(&r, b, "origin", ids, 1, 0, fx.clerk, 1),
			 XFA_ENOTFOUND);
	xfa_sync_result_release(&r);
	ck_assert_int_eq(xfa_sync_resolve(&r, b, "origin", NULL, 0, 0, fx.clerk, 1),
			 XFA_EINVALID);
	fx_head(after, b);
	ck_assert_str_eq(before, after);
	/* b's push, without integrating first, is not a fast-forward */
	ck_assert_int_eq(xfa_store_push(xfa_archive_store(b), "origin", XFA_MAIN_REF,
					XFA_MAIN_REF), XFA_ECONFLICT);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(b), "origin", pa),
			 XFA_EEXISTS);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(b), "bad name", pa),
			 XFA_EINVALID);
	xfa_key_free(stranger);
	free(ia);
	free(ib);
}
END_TEST

START_TEST(unrelated_history)
{
	fx_archive other;
	xfa_sync_result r;
	char before[41], after[41];

	fx_archive_setup(&other, NULL, 0);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(a), "other", other.path), 0);
	fx_head(before, a);
	ck_assert_int_eq(xfa_sync_run(&r, a, "other", fx.clerk, 0), 0);
	/* another root key: verification against our root refuses it */
	ck_assert_int_eq(r.outcome, XFA_SYNC_REFUSED);
	ck_assert_ptr_nonnull(r.report);
	xfa_sync_result_release(&r);
	fx_head(after, a);
	ck_assert_str_eq(before, after);
	fx_archive_teardown(&other);
}
END_TEST

Suite *sync_suite(void); /* found by the runner: see the Makefile */

Suite *sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("sync");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, clone_office_codes);
	tcase_add_test(tc, fast_forward_then_union);
	tcase_add_test(tc, conflict_keep_local);
	tcase_add_test(tc, conflict_keep_remote);
	tcase_add_test(tc, refusals_change_nothing);
	tcase_add_test(tc, unrelated_history);
	suite_add_tcase(s, tc);
	return s;
}

/* See cli/cmd_sync.c: libgit2 1.5 leaks PCRE2 match data in git_remote_lookup. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libpcre2-8.so\n";
}

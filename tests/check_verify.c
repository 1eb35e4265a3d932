/* check_verify.c - the verification run: a clean archive, case selection,
 * the root of trust, thread counts, progress, tamperings made with git,
 * checkpoints in the report, the reason table and the report schema. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "checkpoint.h"
#include "check_fixture.h"
#include "error.h"
#include "json.h"
#include "schema.h"
#include "verify.h"

static fx_archive fx;
static char case_id[64];

static void setup(void)
{
	json_t *in = fx_case_input();
	char *id = NULL, *code = NULL;
	xfa_case_opts o;
	unsigned seq;
	int err;

	memset(&o, 0, sizeof(o));
	fx_archive_setup(&fx, NULL, 1);
	err = xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o);
	ck_assert_msg(err == 0, "register: %s", xfa_error_last());
	snprintf(case_id, sizeof(case_id), "%s", id);
	err = xfa_case_move(&seq, fx.a, fx.clerk, id, "accepted", &o);
	ck_assert_msg(err == 0, "move: %s", xfa_error_last());
	json_decref(in);
	free(id);
	free(code);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

static json_t *run(const xfa_verify_opts *o)
{
	xfa_verify_opts none;
	json_t *r = NULL;
	int err;

	memset(&none, 0, sizeof(none));
	err = xfa_verify_run(&r, fx.path, o ? o : &none);
	ck_assert_msg(err == 0, "verify: %s", xfa_error_last());
	ck_assert_int_eq(xfa_schema_check("verify-report.schema.json", r, "report"), 0);
	return r;
}

/* Does the report list a finding with this reason (and case, if given)? */
static int has(const json_t *r, const char *reason, const char *cs)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(r, "findings"), i, f)
		if (!strcmp(xfa_json_str(f, "reason"), reason) &&
		    (!cs || (xfa_json_str(f, "case") && !strcmp(xfa_json_str(f, "case"), cs))))
			return 1;
	return 0;
}

static long long total(const json_t *r, const char *what)
{
	return xfa_json_int(json_object_get(r, "totals"), what, -1);
}

/* Run a git command on the fixture's archive (asserts it succeeds). */
static void git(const char *fmt, const char *arg)
{
	char cmd[1024], tail[512];

	snprintf(tail, sizeof(tail), fmt, arg);
	snprintf(cmd, sizeof(cmd), "git --git-dir=%s %s >/dev/null 2>&1", fx.path, tail);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

START_TEST(test_clean)
{
	json_t *r = run(NULL);

	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_uint_eq(json_array_size(json_object_get(r, "findings")), 0);
	/* init, key-add, register, accept: 4 commits and events, 8 signatures */
	ck_assert_int_eq(total(r, "commits"), 4);
	ck_assert_int_eq(total(r, "events"), 4);
	ck_assert_int_eq(total(r, "signatures"), 8);
	ck_assert_int_eq(total(r, "cases"), 1);
	ck_assert_str_eq(xfa_json_str(r, "trust"), "archive");
	ck_assert_str_eq(xfa_json_str(r, "root"), fx.admin_fpr);
	ck_assert_str_eq(xfa_json_str(r, "scope"), "all");
	ck_assert_ptr_null(json_object_get(r, "checkpoint"));
	json_decref(r);
}
END_TEST

START_TEST(test_threads_agree)
{
	xfa_verify_opts o;
	json_t *a, *b;

	memset(&o, 0, sizeof(o));
	o.threads = 1;
	a = run(&o);
	o.threads = 7;
	b = run(&o);
	ck_assert(json_equal(json_object_get(a, "findings"), json_object_get(b, "findings")));
	ck_assert_int_eq(total(a, "signatures"), total(b, "signatures"));
	json_decref(a);
	json_decref(b);
}
END_TEST

START_TEST(test_select_cases)
{
	const char *ids[1] = { case_id };
	xfa_verify_opts o;
	json_t *r;

	memset(&o, 0, sizeof(o));
	o.cases = ids;
	o.ncases = 1;
	r = run(&o);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(r, "scope"), 0)), case_id);
	ck_assert_int_eq(total(r, "cases"), 1);
	json_decref(r);
}
END_TEST

START_TEST(test_errors)
{
	const char *missing[1] = { "XF-2026-999999" }, *bad[1] = { "nonsense" };
	xfa_verify_opts o;
	json_t *r = NULL;

	memset(&o, 0, sizeof(o));
	o.cases = missing;
	o.ncases = 1;
	ck_assert_int_eq(xfa_verify_run(&r, fx.path, &o), XFA_ENOTFOUND);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "XF-2026-999999"));
	o.cases = bad;
	ck_assert_int_eq(xfa_verify_run(&r, fx.path, &o), XFA_EINVALID);
	memset(&o, 0, sizeof(o));
	o.trust = "SHA256:short";
	ck_assert_int_eq(xfa_verify_run(&r, fx.path, &o), XFA_EINVALID);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(xfa_verify_run(&r, "/nonexistent/xfa", &o), XFA_ENOTFOUND);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_trust)
{
	xfa_verify_opts o;
	json_t *r;

	memset(&o, 0, sizeof(o));
	o.trust = fx.admin_fpr;
	r = run(&o);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_str_eq(xfa_json_str(r, "trust"), "given");
	json_decref(r);
	o.trust = fx.clerk_fpr;
	r = run(&o);
	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert(has(r, "untrusted-root", "archive"));
	json_decref(r);
}
END_TEST

static size_t last_done, last_total, calls;

static void on_progress(size_t done, size_t all, void *payload)
{
	(void)payload;
	last_done = done;
	last_total = all;
	calls++;
}

START_TEST(test_progress)
{
	xfa_verify_opts o;
	json_t *r;

	memset(&o, 0, sizeof(o));
	o.progress = on_progress;
	calls = 0;
	r = run(&o);
	ck_assert_uint_ge(calls, 1);
	ck_assert_uint_eq(last_done, 4);
	ck_assert_uint_eq(last_total, 4);
	json_decref(r);
}
END_TEST

START_TEST(test_unsigned_empty_commit)
{
	json_t *r;

	/* a commit made by git: unsigned, and records no event */
	git("update-ref refs/heads/main $(git --git-dir=%s commit-tree "
	    "refs/heads/main^{tree} -p refs/heads/main -m tampered)", fx.path);
	r = run(NULL);
	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert(has(r, "unsigned-commit", NULL));
	ck_assert(has(r, "missing-event", NULL));
	json_decref(r);
}
END_TEST

START_TEST(test_checkpoint_in_report)
{
	const xfa_meta *m;
	xfa_verify_opts o;
	char *note = NULL;
	json_t *r;

	ck_assert_int_eq(xfa_archive_meta(&m, fx.a), 0);
	ck_assert_int_eq(xfa_checkpoint_make(&note, xfa_archive_store(fx.a), m->doc,
					     fx.clerk), 0);
	memset(&o, 0, sizeof(o));
	o.checkpoint = note;
	o.checkpoint_len = strlen(note);
	r = run(&o);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_str_eq(xfa_json_str(json_object_get(r, "checkpoint"), "status"), "ok");
	ck_assert_str_eq(xfa_json_str(json_object_get(r, "checkpoint"), "signer"), fx.clerk_fpr);
	json_decref(r);
	/* main goes back one commit: rollback */
	git("update-ref refs/heads/main refs/heads/main~1%s", "");
	r = run(&o);
	ck_assert(has(r, "rollback", NULL));
	ck_assert_str_eq(xfa_json_str(json_object_get(r, "checkpoint"), "status"), "rollback");
	json_decref(r);
	/* and on to another commit: the checkpointed head is not in history */
	git("update-ref refs/heads/main $(git --git-dir=%s commit-tree "
	    "refs/heads/main^{tree} -p refs/heads/main -m other)", fx.path);
	r = run(&o);
	ck_assert(has(r, "history-rewritten", NULL));
	json_decref(r);
	/* a note that is not one */
	o.checkpoint = "not a note";
	o.checkpoint_len = strlen(o.checkpoint);
	r = run(&o);
	ck_assert(has(r, "bad-checkpoint", NULL));
	ck_assert_str_eq(xfa_json_str(json_object_get(r, "checkpoint"), "status"),
			 "bad-checkpoint");
	json_decref(r);
	free(note);
}
END_TEST

/* Past the limit, deadline findings are counted, not listed. */
START_TEST(test_deadlines_omitted)
{
	xfa_verify_opts o;
	size_t all;
	json_t *r;

	fx_register(&fx, 3, NULL, 0);   /* received 2026-02-09, never accepted: late */
	r = run(NULL);
	all = json_array_size(json_object_get(r, "deadlines"));
	ck_assert_uint_ge(all, 3);
	ck_assert_ptr_null(json_object_get(r, "deadlines_omitted"));
	json_decref(r);
	memset(&o, 0, sizeof(o));
	o.deadlines_listed = 2;
	r = run(&o);
	ck_assert_uint_eq(json_array_size(json_object_get(r, "deadlines")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "deadlines_omitted")),
			 (json_int_t)all - 2);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
}
END_TEST

START_TEST(test_reason_table)
{
	const json_t *schema = xfa_schema_get("verify-report.schema.json");
	const json_t *en = json_object_get(json_object_get(json_object_get(json_object_get(
		json_array_get(json_object_get(json_object_get(json_object_get(schema,
		"definitions"), "finding"), "allOf"), 0), "then"), "properties"), "reason"),
		"enum");
	size_t i, j;

	ck_assert_ptr_nonnull(schema);
	for (i = 0; xfa_verify_reasons[i].code; i++) {
		ck_assert_ptr_nonnull(xfa_verify_reasons[i].what);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(xfa_verify_reasons[i].code, xfa_verify_reasons[j].code);
		ck_assert_str_eq(json_string_value(json_array_get(en, i)),
				 xfa_verify_reasons[i].code);
	}
	ck_assert_uint_eq(i, json_array_size(en));
	ck_assert_uint_eq(i, 42);
}
END_TEST

Suite *verify_suite(void); /* found by the runner: see the Makefile */

Suite *verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("run");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_threads_agree);
	tcase_add_test(tc, test_select_cases);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_trust);
	tcase_add_test(tc, test_progress);
	tcase_add_test(tc, test_unsigned_empty_commit);
	tcase_add_test(tc, test_checkpoint_in_report);
	tcase_add_test(tc, test_deadlines_omitted);
	suite_add_tcase(s, tc);
	tc = tcase_create("reasons");
	tcase_add_test(tc, test_reason_table);
	suite_add_tcase(s, tc);
	return s;
}

/* check_ledger.c - tests for the risk ledger 矛盾纠纷台账 stored in the
 * archive: the register table (xfa_kind_of_dir/_of_id, xfa_record_dir),
 * risk registration and moves through case.c, ledger.c's report (counts
 * per list, items due for 销号), lists and yearly counts, and the rules of
 * adding the ledger to an archive made without one (ledger-enable). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "event.h"
#include "json.h"
#include "keyring.h"
#include "ledger.h"
#include "stamp.h"

static fx_archive fx;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

#define OK(x) ck_assert_msg((x) == 0, "%s", xfa_error_last())

static long day(const char *s)
{
	long d;

	ck_assert(xfa_date_parse(&d, s) == 0);
	return d;
}

/* Register a risk found on `found` (YYYY-MM-DD); its id in out. */
static void add_risk(char out[64], const char *found)
{
	char buf[512];
	json_t *in;
	char *id = NULL;
	xfa_case_opts o;

	snprintf(buf, sizeof(buf), "{\"received_at\": \"%sT10:00:00+08:00\", "
		 "\"found_by\": \"东升村周排查\", \"locality\": \"东升村\", "
		 "\"category\": \"land-dispute\", \"headcount\": 4, "
		 "\"summary\": \"宅基地边界争议\"}", found);
	in = json_loads(buf, 0, NULL);
	memset(&o, 0, sizeof(o));
	OK(xfa_risk_register(&id, fx.a, fx.clerk, in, &o));
	snprintf(out, 64, "%s", id);
	free(id);
	json_decref(in);
}

static int move(const char *id, const char *to, const char *when,
		const json_t *patch)
{
	xfa_case_opts o;

	memset(&o, 0, sizeof(o));
	o.note = "理由";
	o.effective = when;
	o.patch = patch;
	return xfa_case_move(NULL, fx.a, fx.clerk, id, to, &o);
}

START_TEST(registers_by_folder_and_prefix)
{
	const xfa_meta *m;
	const xfa_kind *k;
	char dir[200];

	OK(xfa_archive_meta(&m, fx.a));
	k = xfa_kind_of_dir(m, "risks/2026/00/00/FX-2026-000001");
	ck_assert_ptr_nonnull(k->wf);
	ck_assert_str_eq(k->schema, "risk.schema.json");
	ck_assert_str_eq(xfa_workflow_id(k->wf), "risk-ledger");
	k = xfa_kind_of_dir(m, "cases/2026/00/00/XF-2026-000001");
	ck_assert_ptr_eq(k->wf, m->wf);
	ck_assert_str_eq(k->schema, "case.schema.json");
	/* an id in the other register's folder has no workflow */
	k = xfa_kind_of_dir(m, "risks/2026/00/00/XF-2026-000001");
	ck_assert_ptr_null(k->wf);
	ck_assert(strstr(k->why, "prefix"));
	ck_assert_ptr_null(xfa_kind_of_dir(m, "cases/2026/00/00/FX-2026-000001")->wf);
	ck_assert_ptr_null(xfa_kind_of_dir(NULL, "risks/2026/00/00/FX-2026-000001")->wf);
	ck_assert_str_eq(xfa_kind_of_id(m, "FX-2026-000001")->root, "risks");
	ck_assert_str_eq(xfa_kind_of_id(m, "FXR-2026-000001")->root, "cases");
	OK(xfa_record_dir(dir, sizeof(dir), m, "FX-2026-001234"));
	ck_assert_str_eq(dir, "risks/2026/00/12/FX-2026-001234");
	OK(xfa_case_dir_under(dir, sizeof(dir), "risks/2026/x", "FX-2026-000002"));
	ck_assert_str_eq(dir, "risks/2026/00/00/FX-2026-000002");
	ck_assert_int_eq(xfa_case_dir_under(dir, sizeof(dir), ".xfa/x", "FX-2026-000002"),
			 XFA_EINVALID);
}
END_TEST

START_TEST(report_counts_lists_and_due_items)
{
	char r1[64], r2[64], r3[64], r4[64], head[41], head2[41];
	json_t *rep = NULL, *lv, *due, *p;
	long long s = 0, r = 0;

	add_risk(r1, "2026-01-02");
	add_risk(r2, "2026-01-03");
	add_risk(r3, "2026-01-04");
	add_risk(r4, "2025-03-01");
	ck_assert_str_eq(r1, "FX-2026-000001");
	ck_assert_str_eq(r4, "FX-2025-000001");
	OK(move(r1, "level3", "2026-01-05", NULL));
	OK(move(r2, "level1", "2026-01-10", NULL));
	OK(move(r4, "level1", "2025-03-02", NULL));
	/* 销号 before the observation ends: refused, nothing written */
	fx_head(head, fx.a);
	ck_assert_int_eq(move(r2, "struck", "2026-03-01", NULL), XFA_EINVALID);
	ck_assert_int_eq(move(r1, "struck", "2026-11-01", NULL), XFA_EINVALID);
	p = json_pack("{s:s}", "petition", "XF-2026-000077");
	ck_assert_int_eq(move(r3, "level3", "2026-01-06", p), XFA_ENOTFOUND);
	json_decref(p);
	fx_head(head2, fx.a);
	ck_assert_str_eq(head, head2);
	OK(move(r4, "struck", "2025-10-01", NULL));

	OK(xfa_ledger_report(&rep, fx.a, day("2026-06-01")));
	ck_assert_int_eq(xfa_json_int(rep, "total", -1), 4);
	ck_assert_int_eq(xfa_json_int(rep, "struck", -1), 1);
	ck_assert_int_eq(xfa_json_int(rep, "open", -1), 3);
	lv = json_object_get(rep, "levels");
	ck_assert_int_eq(json_array_size(lv), 5);
	ck_assert_str_eq(xfa_json_str(json_array_get(lv, 0), "state"), "screened");
	ck_assert_int_eq(xfa_json_int(json_array_get(lv, 0), "count", -1), 1);
	ck_assert_int_eq(xfa_json_int(json_array_get(lv, 1), "count", -1), 1);
	ck_assert_int_eq(xfa_json_int(json_array_get(lv, 2), "count", -1), 0);
	ck_assert_int_eq(xfa_json_int(json_array_get(lv, 3), "count", -1), 1);
	ck_assert_int_eq(xfa_json_int(json_array_get(lv, 4), "count", -1), 1);
	ck_assert_int_eq(json_array_size(json_object_get(rep, "due")), 0);
	json_decref(rep);

	/* 2026-01-10 + 180 days = 07-09 (a Thursday): 销号 from 07-10 */
	OK(xfa_ledger_report(&rep, fx.a, day("2026-07-09")));
	ck_assert_int_eq(json_array_size(json_object_get(rep, "due")), 0);
	json_decref(rep);
	OK(xfa_ledger_report(&rep, fx.a, day("2026-07-20")));
	due = json_object_get(rep, "due");
	ck_assert_int_eq(json_array_size(due), 1);
	ck_assert_str_eq(xfa_json_str(json_array_get(due, 0), "id"), r2);
	ck_assert_str_eq(xfa_json_str(json_array_get(due, 0), "due"), "2026-07-09");
	ck_assert_int_eq(xfa_json_int(json_array_get(due, 0), "days_over", -1), 11);
	json_decref(rep);

	OK(xfa_ledger_year(&s, &r, fx.a, 2026));
	ck_assert_int_eq(s, 3);
	ck_assert_int_eq(r, 0);
	OK(xfa_ledger_year(&s, &r, fx.a, 2025));
	ck_assert_int_eq(s, 1);
	ck_assert_int_eq(r, 1);
}
END_TEST

START_TEST(lists_by_state)
{
	char r1[64], r2[64];
	json_t *rows = NULL;

	add_risk(r1, "2026-02-02");
	add_risk(r2, "2026-02-03");
	OK(move(r2, "level2", "2026-02-04", NULL));
	OK(xfa_ledger_list(&rows, fx.a, "level2"));
	ck_assert_int_eq(json_array_size(rows), 1);
	ck_assert_str_eq(xfa_json_str(json_array_get(rows, 0), "id"), r2);
	json_decref(rows);
	OK(xfa_ledger_list(&rows, fx.a, NULL));
	ck_assert_int_eq(json_array_size(rows), 2);
	json_decref(rows);
	ck_assert_int_eq(xfa_ledger_list(&rows, fx.a, "accepted"), XFA_EINVALID);
	ck_assert_ptr_null(rows);
	/* a risk is not a case: the case walk does not see it */
	ck_assert_int_eq(move(r1, "accepted", "2026-02-04", NULL), XFA_EINVALID);
}
END_TEST

/* A ledger-enable event by `fpr` now, with `patch` (stolen). */
static json_t *enable_event(const char *fpr, const char *role, json_t *patch)
{
	char at[XFA_STAMP_SIZE];
	xfa_stamp now;

	ck_assert(xfa_stamp_now(&now, 480) == 0);
	xfa_stamp_format(at, &now);
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:o}", "case", "archive",
			 "seq", 3, "type", "ledger-enable", "at", at, "effective", at,
			 "by", fpr, "role", role, "patch", patch);
}

static int check_enable(const json_t *before, json_t *ev)
{
	json_t *after = xfa_event_replay(before, ev);
	int err = xfa_keyring_check_event(before, ev, after);

	json_decref(after);
	json_decref(ev);
	return err;
}

#define LEDGER(p, w) json_pack("{s:{s:s, s:s}}", "ledger", "prefix", p, "workflow", w)

START_TEST(ledger_enable_rules)
{
	const xfa_meta *m;
	json_t *old, *p;

	OK(xfa_archive_meta(&m, fx.a));
	old = json_deep_copy(m->doc);
	json_object_del(old, "ledger");
	/* an admin adds the ledger to an archive without one */
	OK(check_enable(old, enable_event(fx.admin_fpr, "admin",
					   LEDGER("FX", "risk-ledger.json"))));
	/* a clerk may not, nor an admin outside the admin role */
	ck_assert_int_eq(check_enable(old, enable_event(fx.clerk_fpr, "admin",
			 LEDGER("FX", "risk-ledger.json"))), XFA_EAUTH);
	ck_assert(strstr(xfa_error_last(), "not an admin"));
	ck_assert_int_eq(check_enable(old, enable_event(fx.admin_fpr, "clerk",
			 LEDGER("FX", "risk-ledger.json"))), XFA_EINVALID);
	/* once only; the ledger and nothing else; its own prefix */
	ck_assert_int_eq(check_enable(m->doc, enable_event(fx.admin_fpr, "admin",
			 LEDGER("FY", "risk-ledger.json"))), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "already"));
	p = LEDGER("FX", "risk-ledger.json");
	json_object_set_new(p, "name", json_string("新名称"));
	ck_assert_int_eq(check_enable(old, enable_event(fx.admin_fpr, "admin", p)),
			 XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "nothing else"));
	ck_assert_int_eq(check_enable(old, enable_event(fx.admin_fpr, "admin",
			 LEDGER("XF", "risk-ledger.json"))), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "cases' prefix"));
	ck_assert_int_eq(check_enable(old, enable_event(fx.admin_fpr, "admin",
			 json_pack("{s:{s:s}}", "ledger", "prefix", "FX"))), XFA_EINVALID);
	/* nor can a config event, the other way to change archive.json */
	p = enable_event(fx.admin_fpr, "admin", LEDGER("FX", "risk-ledger.json"));
	json_object_set_new(p, "type", json_string("config"));
	ck_assert_int_eq(check_enable(old, p), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "'ledger'"));
	json_decref(old);
}
END_TEST

START_TEST(ledger_enable_refused_when_present)
{
	char head[41], head2[41];

	fx_head(head, fx.a);
	ck_assert_int_eq(xfa_ledger_enable_check(fx.a, NULL), XFA_EEXISTS);
	ck_assert_int_eq(xfa_ledger_enable(fx.a, fx.admin, NULL), XFA_EEXISTS);
	ck_assert(strstr(xfa_error_last(), "already"));
	ck_assert_int_eq(xfa_ledger_enable(fx.a, fx.clerk, "FY"), XFA_EEXISTS);
	fx_head(head2, fx.a);
	ck_assert_str_eq(head, head2);
}
END_TEST

Suite *ledger_suite(void); /* found by the runner: see the Makefile */

Suite *ledger_suite(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc = tcase_create("ledger");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, registers_by_folder_and_prefix);
	tcase_add_test(tc, report_counts_lists_and_due_items);
	tcase_add_test(tc, lists_by_state);
	tcase_add_test(tc, ledger_enable_rules);
	tcase_add_test(tc, ledger_enable_refused_when_present);
	suite_add_tcase(s, tc);
	return s;
}

/* check_deadline.c - due dates of deadline rules (archive/deadline.c) on the
 * shipped 2025-2026 holiday calendar: month and year ends, leap days,
 * holidays and adjusted working days, extensions, hour rules, windows. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "calendar.h"
#include "deadline.h"
#include "error.h"
#include "file.h"
#include "json.h"

static xfa_calendar *cn;
static json_t *wfdef;

static void setup(void)
{
	json_t *def = fx_read_json("schemas/calendar/cn.json");

	ck_assert_msg(xfa_calendar_load(&cn, def) == 0, "%s", xfa_error_last());
	json_decref(def);
	wfdef = fx_read_json("schemas/workflow/xinfang-2022.json");
}

static void teardown(void)
{
	xfa_calendar_free(cn);
	json_decref(wfdef);
	cn = NULL;
	wfdef = NULL;
}

/* The due date of a rule of `amount` `unit` counted from stamp `start`. */
static const char *due(const char *unit, int amount, const char *start)
{
	static char out[XFA_STAMP_SIZE];
	char def[200];
	json_t *j;
	xfa_deadline r;
	xfa_stamp s;

	snprintf(def, sizeof(def), "{\"id\": \"t\", \"from\": \"received_at\", "
		 "\"amount\": %d, \"unit\": \"%s\", \"set_on\": [], "
		 "\"enforce\": \"report\"}", amount, unit);
	j = json_loads(def, 0, NULL);
	ck_assert_int_eq(xfa_deadline_init(&r, j), 0);
	ck_assert_msg(xfa_stamp_parse(&s, start) == 0, "bad stamp %s", start);
	xfa_deadline_due(out, &r, &s, cn);
	xfa_deadline_release(&r);
	json_decref(j);
	return out;
}

/* `due` moved by `days` calendar days under a calendar-day rule. */
static const char *extended(const char *d, int days)
{
	static char out[XFA_STAMP_SIZE];
	xfa_deadline r;

	memset(&r, 0, sizeof(r));
	r.id = "handle";
	r.unit = XFA_DL_CALENDAR_DAYS;
	ck_assert_int_eq(xfa_deadline_extend(out, &r, d, days, cn), 0);
	return out;
}

START_TEST(calendar_days_over_month_and_year_ends)
{
	/* the start day is not counted: 01-20 + 15 = 02-04 (Wednesday) */
	ck_assert_str_eq(due("calendar_days", 15, "2026-01-20T09:00:00+08:00"), "2026-02-04");
	ck_assert_str_eq(due("calendar_days", 1, "2026-03-31T23:59:00+08:00"), "2026-04-01");
	/* 12-20 + 15 = 2026-01-04, a Sunday but an adjusted working day */
	ck_assert_str_eq(due("calendar_days", 15, "2025-12-20T09:00:00+08:00"), "2026-01-04");
	/* 12-17 + 15 = 01-01, New Year (01-01..03) -> the 01-04 working Sunday */
	ck_assert_str_eq(due("calendar_days", 15, "2025-12-17T09:00:00+08:00"), "2026-01-04");
	/* 60 days: 01-15 + 16 = 01-31, + 28 = 02-28, + 16 = 03-16 (Monday) */
	ck_assert_str_eq(due("calendar_days", 60, "2026-01-15T09:00:00+08:00"), "2026-03-16");
	/* the day is the start's own: 16:30Z on 03-31 is 00:30 on 04-01 in Beijing */
	ck_assert_str_eq(due("calendar_days", 1, "2026-03-31T16:30:00Z"), "2026-04-01");
	ck_assert_str_eq(due("calendar_days", 1, "2026-04-01T00:30:00+08:00"), "2026-04-02");
}
END_TEST

START_TEST(calendar_days_over_leap_days)
{
	/* 2024 is a leap year: 01-15 + 16 = 01-31, + 29 = 02-29, + 15 = 03-15 */
	ck_assert_str_eq(due("calendar_days", 60, "2024-01-15T09:00:00+08:00"), "2024-03-15");
	/* 2028-02-14 + 15 = 02-29 (a Tuesday) */
	ck_assert_str_eq(due("calendar_days", 15, "2028-02-14T09:00:00+08:00"), "2028-02-29");
	/* 2100 is not a leap year: 02-14 + 15 = 03-01 (a Monday) */
	ck_assert_str_eq(due("calendar_days", 15, "2100-02-14T09:00:00+08:00"), "2100-03-01");
	/* 2000 is: 02-28 + 1 = 02-29, a Tuesday */
	ck_assert_str_eq(due("calendar_days", 1, "2000-02-28T09:00:00+08:00"), "2000-02-29");
	/* an extension across the leap day: 2028-01-31 + 29 = 02-29 */
	ck_assert_str_eq(extended("2028-01-31", 29), "2028-02-29");
	/* and without one: 2026-01-31 + 29 = 03-01, a Sunday -> 03-02 */
	ck_assert_str_eq(extended("2026-01-31", 29), "2026-03-02");
}
END_TEST

START_TEST(calendar_days_roll_past_holidays)
{
	/* 09-10 + 15 = 09-25, Mid-Autumn (09-25..27) -> Monday 09-28 */
	ck_assert_str_eq(due("calendar_days", 15, "2026-09-10T16:20:00+08:00"), "2026-09-28");
	/* 09-20 + 15 = 10-05, National Day (10-01..07) -> 10-08 */
	ck_assert_str_eq(due("calendar_days", 15, "2026-09-20T09:00:00+08:00"), "2026-10-08");
	/* 03-05 + 60 = 05-04, Labour Day (05-01..05) -> 05-06 */
	ck_assert_str_eq(due("calendar_days", 60, "2026-03-05T12:00:00+08:00"), "2026-05-06");
	/* 02-01 + 15 = 02-16, inside the Spring Festival (02-15..23) -> 02-24 */
	ck_assert_str_eq(due("calendar_days", 15, "2026-02-01T09:00:00+08:00"), "2026-02-24");
	/* 2025: 01-15 + 15 = 01-30, Spring Festival (01-28..02-04) -> 02-05 */
	ck_assert_str_eq(due("calendar_days", 15, "2025-01-15T09:00:00+08:00"), "2025-02-05");
	/* an extension that ends on a holiday rolls too: 09-07 + 30 = 10-07 -> 10-08 */
	ck_assert_str_eq(extended("2026-09-07", 30), "2026-10-08");
	ck_assert_str_eq(extended("2026-08-04", 30), "2026-09-03");
	/* zero days: the start day itself, rolled if it is a rest day */
	ck_assert_str_eq(due("calendar_days", 0, "2026-10-03T09:00:00+08:00"), "2026-10-08");
}
END_TEST

START_TEST(working_days_over_holidays)
{
	/* 09-30: 10-08, 10-09, 10-10 (a working Saturday), 10-12, 10-13 */
	ck_assert_str_eq(due("working_days", 5, "2026-09-30T09:00:00+08:00"), "2026-10-13");
	/* 02-13: 02-14 (a working Saturday), then 02-24, 25, 26, 27 */
	ck_assert_str_eq(due("working_days", 5, "2026-02-13T09:00:00+08:00"), "2026-02-27");
	/* 09-14: 15, 16, 17, 18, then Sunday 09-20 (a working day) */
	ck_assert_str_eq(due("working_days", 5, "2026-09-14T09:00:00+08:00"), "2026-09-20");
	/* over a month end: 2026-04-27 Mon: 28, 29, 30, (05-01..05 off), 05-06, 05-07 */
	ck_assert_str_eq(due("working_days", 5, "2026-04-27T09:00:00+08:00"), "2026-05-07");
	/* over a year end: 2025-12-29 Mon: 30, 31, (01-01..03 off), 01-04 Sun working, 01-05 */
	ck_assert_str_eq(due("working_days", 4, "2025-12-29T09:00:00+08:00"), "2026-01-05");
}
END_TEST

START_TEST(hour_rules_do_not_roll)
{
	ck_assert_str_eq(due("hours", 48, "2026-08-27T21:40:00+08:00"),
			 "2026-08-29T21:40:00+08:00");
	/* across the leap day, in the start's own offset */
	ck_assert_str_eq(due("hours", 24, "2028-02-28T23:00:00-05:00"),
			 "2028-02-29T23:00:00-05:00");
}
END_TEST

START_TEST(passed_is_by_day_in_the_acts_offset)
{
	xfa_stamp w;

	ck_assert_int_eq(xfa_stamp_parse(&w, "2026-03-23T23:59:59+08:00"), 0);
	ck_assert_int_eq(xfa_deadline_passed("2026-03-23", &w), 0);
	ck_assert_int_eq(xfa_stamp_parse(&w, "2026-03-24T00:00:00+08:00"), 0);
	ck_assert_int_eq(xfa_deadline_passed("2026-03-24", &w), 0);
	ck_assert_int_eq(xfa_deadline_passed("2026-03-23", &w), 1);
	ck_assert_int_eq(xfa_deadline_passed("2026-02-29", &w), XFA_EINVALID);
	ck_assert_int_eq(xfa_deadline_passed("2026-08-29T21:40:00+08:00", &w), 0);
	ck_assert_int_eq(xfa_stamp_parse(&w, "2026-08-29T21:40:01+08:00"), 0);
	ck_assert_int_eq(xfa_deadline_passed("2026-08-29T21:40:00+08:00", &w), 1);
}
END_TEST

START_TEST(windows_refuse_late_steps)
{
	xfa_deadline *rules = NULL;
	const xfa_deadline *hit = (const xfa_deadline *)1;
	size_t n = 0;
	json_t *d = json_pack("{s:s, s:s}", "review_request", "2026-04-20",
			      "handle", "2026-04-13");
	xfa_stamp w;

	ck_assert_msg(xfa_deadlines_load(&rules, &n, wfdef) == 0, "%s", xfa_error_last());
	ck_assert_int_eq(xfa_stamp_parse(&w, "2026-04-20T18:00:00+08:00"), 0);
	ck_assert_int_eq(xfa_deadline_window(&hit, rules, n, "request-review", d, &w), 0);
	ck_assert_ptr_null(hit);
	ck_assert_int_eq(xfa_stamp_parse(&w, "2026-04-21T08:00:00+08:00"), 0);
	ck_assert_int_eq(xfa_deadline_window(&hit, rules, n, "request-review", d, &w), 0);
	ck_assert_ptr_nonnull(hit);
	ck_assert_str_eq(hit->id, "review_request");
	/* a late reply is a duty reported late, never refused */
	ck_assert_int_eq(xfa_deadline_window(&hit, rules, n, "reply", d, &w), 0);
	ck_assert_ptr_null(hit);
	ck_assert_ptr_nonnull(xfa_deadline_find(rules, n, "objection"));
	ck_assert_ptr_null(xfa_deadline_find(rules, n, "nothing"));
	xfa_deadlines_free(rules, n);
	json_decref(d);
}
END_TEST

/* The shipped rule `id` under the variant a case at `level` selects. */
static xfa_deadline at_level(const xfa_deadline *rules, size_t n,
			     const char *id, const char *level)
{
	json_t *doc = level ? json_pack("{s:s}", "level", level) : json_object();
	const xfa_deadline *r = xfa_deadline_find(rules, n, id);
	xfa_deadline v;

	ck_assert_ptr_nonnull(r);
	xfa_deadline_variant(&v, r, doc);
	json_decref(doc);
	return v;
}

START_TEST(level_variants_choose_hours_below_the_county)
{
	xfa_deadline *rules = NULL, v;
	size_t n = 0;

	ck_assert_msg(xfa_deadlines_load(&rules, &n, wfdef) == 0, "%s", xfa_error_last());
	/* 社区 reviews within 3 hours and answers within 48 (report 004) */
	v = at_level(rules, n, "accept", "village");
	ck_assert_int_eq(v.amount, 3);
	ck_assert_int_eq(v.unit, XFA_DL_HOURS);
	v = at_level(rules, n, "handle", "village");
	ck_assert_int_eq(v.amount, 48);
	ck_assert_int_eq(v.unit, XFA_DL_HOURS);
	/* 街道 answers within 72 hours; its acceptance keeps the 15 days */
	v = at_level(rules, n, "handle", "township");
	ck_assert_int_eq(v.amount, 72);
	ck_assert_int_eq(v.unit, XFA_DL_HOURS);
	v = at_level(rules, n, "accept", "township");
	ck_assert_int_eq(v.amount, 15);
	ck_assert_int_eq(v.unit, XFA_DL_CALENDAR_DAYS);
	/* the county, and a case with no level: the statutory 15 and 60 days */
	v = at_level(rules, n, "handle", "county");
	ck_assert_int_eq(v.amount, 60);
	ck_assert_int_eq(v.unit, XFA_DL_CALENDAR_DAYS);
	v = at_level(rules, n, "accept", NULL);
	ck_assert_int_eq(v.amount, 15);
	ck_assert_int_eq(v.unit, XFA_DL_CALENDAR_DAYS);
	xfa_deadlines_free(rules, n);
}
END_TEST

START_TEST(set_on_counts_the_cases_level)
{
	xfa_deadline *rules = NULL;
	size_t n = 0;
	json_t *due = json_object();
	json_t *doc = json_pack("{s:s, s:s, s:{s:s}}", "level", "village",
				"received_at", "2026-03-02T09:00:00+08:00",
				"milestones", "accepted", "2026-03-02T10:30:00+08:00");

	ck_assert_msg(xfa_deadlines_load(&rules, &n, wfdef) == 0, "%s", xfa_error_last());
	ck_assert_int_eq(xfa_deadline_set_on(due, rules, n, "register", doc, cn), 0);
	ck_assert_str_eq(xfa_json_str(due, "accept"), "2026-03-02T12:00:00+08:00");
	ck_assert_int_eq(xfa_deadline_set_on(due, rules, n, "accept", doc, cn), 0);
	ck_assert_str_eq(xfa_json_str(due, "handle"), "2026-03-04T10:30:00+08:00");
	/* the same case at the county: 15 and 60 calendar days */
	json_object_set_new(doc, "level", json_string("county"));
	ck_assert_int_eq(xfa_deadline_set_on(due, rules, n, "register", doc, cn), 0);
	ck_assert_str_eq(xfa_json_str(due, "accept"), "2026-03-17");
	ck_assert_int_eq(xfa_deadline_set_on(due, rules, n, "accept", doc, cn), 0);
	ck_assert_str_eq(xfa_json_str(due, "handle"), "2026-05-06");
	xfa_deadlines_free(rules, n);
	json_decref(due);
	json_decref(doc);
}
END_TEST

START_TEST(escalation_restarts_unmet_due_dates)
{
	xfa_deadline *rules = NULL;
	size_t n = 0;
	json_t *out = json_object();
	/* accepted at the village, escalated to the township before a reply */
	json_t *doc = json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}}",
				"level", "township",
				"received_at", "2026-03-02T09:00:00+08:00",
				"milestones", "registered", "2026-03-02T09:00:00+08:00",
				"accepted", "2026-03-02T10:30:00+08:00",
				"due", "accept", "2026-03-02T12:00:00+08:00",
				"handle", "2026-03-04T10:30:00+08:00");
	xfa_stamp w;

	ck_assert_msg(xfa_deadlines_load(&rules, &n, wfdef) == 0, "%s", xfa_error_last());
	ck_assert_int_eq(xfa_stamp_parse(&w, "2026-03-03T15:00:00+08:00"), 0);
	ck_assert_int_eq(xfa_deadline_restart(out, rules, n, "escalate", doc,
					      &w, cn), 0);
	/* 72 hours from the escalation; the met acceptance is left alone */
	ck_assert_str_eq(xfa_json_str(out, "handle"), "2026-03-06T15:00:00+08:00");
	ck_assert_ptr_null(json_object_get(out, "accept"));
	/* at the county the 60 days run from the escalation (03-03 + 60 =
	 * 05-02, in the Labour Day holiday 05-01..05 -> 05-06) */
	json_object_set_new(doc, "level", json_string("county"));
	ck_assert_int_eq(xfa_deadline_restart(out, rules, n, "escalate", doc,
					      &w, cn), 0);
	ck_assert_str_eq(xfa_json_str(out, "handle"), "2026-05-06");
	/* once replied, nothing runs again; other steps restart nothing */
	json_object_clear(out);
	json_object_set_new(json_object_get(doc, "milestones"), "replied",
			    json_string("2026-03-03T11:00:00+08:00"));
	ck_assert_int_eq(xfa_deadline_restart(out, rules, n, "escalate", doc,
					      &w, cn), 0);
	ck_assert_int_eq(json_object_size(out), 0);
	json_object_del(json_object_get(doc, "milestones"), "replied");
	ck_assert_int_eq(xfa_deadline_restart(out, rules, n, "note", doc,
					      &w, cn), 0);
	ck_assert_int_eq(json_object_size(out), 0);
	xfa_deadlines_free(rules, n);
	json_decref(out);
	json_decref(doc);
}
END_TEST

START_TEST(hour_due_dates_extend_by_whole_days)
{
	char out[XFA_STAMP_SIZE];
	xfa_deadline r;

	/* a day rule whose variant set a time: 24-hour days, no rolling */
	memset(&r, 0, sizeof(r));
	r.id = "handle";
	r.unit = XFA_DL_CALENDAR_DAYS;
	ck_assert_int_eq(xfa_deadline_extend(out, &r, "2026-04-30T10:30:00+08:00",
					     2, cn), 0);
	ck_assert_str_eq(out, "2026-05-02T10:30:00+08:00");
}
END_TEST

START_TEST(malformed_variants_are_refused)
{
	static const char *const bad[] = {
		"{\"id\":\"t\",\"from\":\"received_at\",\"amount\":1,\"unit\":\"hours\","
		"\"set_on\":[],\"variants\":[{\"when\":{\"field\":\"level\",\"in\":[\"x\"]},"
		"\"amount\":3,\"unit\":\"weeks\"}]}",
		"{\"id\":\"t\",\"from\":\"received_at\",\"amount\":1,\"unit\":\"hours\","
		"\"set_on\":[],\"variants\":[{\"when\":{\"in\":[\"x\"]},\"amount\":3,"
		"\"unit\":\"hours\"}]}",
		"{\"id\":\"t\",\"from\":\"received_at\",\"amount\":1,\"unit\":\"hours\","
		"\"set_on\":[],\"variants\":{}}",
		"{\"id\":\"t\",\"from\":\"received_at\",\"amount\":1,\"unit\":\"hours\","
		"\"set_on\":[],\"restart_on\":\"escalate\"}",
	};
	xfa_deadline r, *rules = NULL;
	json_t *j, *def;
	size_t i, n = 0;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		j = json_loads(bad[i], 0, NULL);
		ck_assert_ptr_nonnull(j);
		ck_assert_int_eq(xfa_deadline_init(&r, j), XFA_EINVALID);
		xfa_deadline_release(&r);
		json_decref(j);
	}
	/* restart_on must name a step of the definition */
	def = json_deep_copy(wfdef);
	json_array_append_new(json_object_get(json_array_get(
		json_object_get(def, "deadlines"), 0), "restart_on"),
		json_string("no-such-step"));
	ck_assert_int_eq(xfa_deadlines_load(&rules, &n, def), XFA_EINVALID);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "no-such-step"));
	json_decref(def);
}
END_TEST

Suite *deadline_suite(void); /* found by the runner: see the Makefile */

Suite *deadline_suite(void)
{
	Suite *s = suite_create("deadline");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, calendar_days_over_month_and_year_ends);
	tcase_add_test(tc, calendar_days_over_leap_days);
	tcase_add_test(tc, calendar_days_roll_past_holidays);
	tcase_add_test(tc, working_days_over_holidays);
	tcase_add_test(tc, hour_rules_do_not_roll);
	tcase_add_test(tc, passed_is_by_day_in_the_acts_offset);
	tcase_add_test(tc, windows_refuse_late_steps);
	tcase_add_test(tc, level_variants_choose_hours_below_the_county);
	tcase_add_test(tc, set_on_counts_the_cases_level);
	tcase_add_test(tc, escalation_restarts_unmet_due_dates);
	tcase_add_test(tc, hour_due_dates_extend_by_whole_days);
	tcase_add_test(tc, malformed_variants_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

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
	suite_add_tcase(s, tc);
	return s;
}

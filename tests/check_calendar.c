/* check_calendar.c - working days, holidays, adjusted working days and the
 * deadline arithmetic of archive/calendar.c, on the shipped 2025-2026 data. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "calendar.h"
#include "error.h"
#include "file.h"
#include "json.h"

#define CN_CALENDAR "schemas/calendar/cn.json"

static xfa_calendar *cn;

static long day(const char *s)
{
	long d;

	ck_assert_msg(xfa_date_parse(&d, s) == 0, "bad test date %s", s);
	return d;
}

/* Compare a computed day with the expected date, printing both. */
#define ck_day(got, want) do { \
	char g_[XFA_DATE_SIZE]; \
	xfa_date_format(g_, (got)); \
	ck_assert_str_eq(g_, (want)); \
} while (0)

static void setup_cn(void)
{
	json_t *def = fx_read_json(CN_CALENDAR);

	ck_assert_msg(xfa_calendar_load(&cn, def) == 0, "%s", xfa_error_last());
	json_decref(def);
}

static void teardown_cn(void)
{
	xfa_calendar_free(cn);
	cn = NULL;
}

START_TEST(add_days_month_and_year_ends)
{
	xfa_calendar *plain = NULL;

	ck_assert_int_eq(xfa_calendar_load(&plain, NULL), 0);
	ck_day(xfa_calendar_add_days(cn, day("2026-03-31"), 1), "2026-04-01");
	ck_day(xfa_calendar_add_days(plain, day("2027-01-31"), 1), "2027-02-01");
	ck_day(xfa_calendar_add_days(plain, day("2026-12-31"), 1), "2027-01-01");
	/* 2026-01-01..03 are 元旦; Sunday 2026-01-04 is a working day */
	ck_day(xfa_calendar_add_days(cn, day("2025-12-31"), 1), "2026-01-04");
	ck_day(xfa_calendar_add_days(cn, day("2026-01-10"), 0), "2026-01-12");
	xfa_calendar_free(plain);
}
END_TEST

START_TEST(add_days_leap_years)
{
	ck_day(xfa_calendar_add_days(cn, day("2028-02-28"), 1), "2028-02-29");
	ck_day(xfa_calendar_add_days(cn, day("2024-02-28"), 1), "2024-02-29");
	ck_day(xfa_calendar_add_days(cn, day("2024-02-29"), 1), "2024-03-01");
	/* 2025 is no leap year: Feb 28 (Fri) + 1 is Saturday Mar 1 -> Mon */
	ck_day(xfa_calendar_add_days(cn, day("2025-02-28"), 1), "2025-03-03");
}
END_TEST

START_TEST(add_days_rolls_past_rest_days)
{
	/* Friday + 1 = Saturday, moved to Monday */
	ck_day(xfa_calendar_add_days(cn, day("2026-03-13"), 1), "2026-03-16");
	/* inside 春节 2026 (Feb 15-23): moves to Tuesday Feb 24 */
	ck_day(xfa_calendar_add_days(cn, day("2026-02-10"), 10), "2026-02-24");
	ck_day(xfa_calendar_add_days(cn, day("2026-02-10"), 15), "2026-02-25");
	/* 国庆 2026 */
	ck_day(xfa_calendar_add_days(cn, day("2026-09-01"), 30), "2026-10-08");
	/* 2025: 国庆+中秋 Oct 1-8 */
	ck_day(xfa_calendar_add_days(cn, day("2025-09-01"), 30), "2025-10-09");
}
END_TEST

START_TEST(adjusted_saturdays_are_working_days)
{
	ck_assert(xfa_calendar_is_workday(cn, day("2026-02-14")));
	ck_assert(xfa_calendar_is_workday(cn, day("2026-02-28")));
	ck_assert(xfa_calendar_is_workday(cn, day("2026-01-04")));
	ck_assert(xfa_calendar_is_workday(cn, day("2025-01-26")));
	ck_assert(!xfa_calendar_is_workday(cn, day("2026-02-21")));
	ck_assert(!xfa_calendar_is_workday(cn, day("2026-03-07")));
	ck_assert(!xfa_calendar_is_workday(cn, day("2026-10-05")));
	ck_assert(xfa_calendar_is_workday(cn, day("2026-10-09")));
	/* Friday + 1 lands on the adjusted Saturday, which stays */
	ck_day(xfa_calendar_add_days(cn, day("2026-02-13"), 1), "2026-02-14");
	ck_day(xfa_calendar_next_workday(cn, day("2026-02-15")), "2026-02-24");
}
END_TEST

START_TEST(add_workdays_over_national_day)
{
	long start = day("2026-09-29");     /* a Tuesday */

	/* Sep 30 is working day 1; Oct 1-7 off; Oct 8 (2), Oct 9 (3),
	 * Saturday Oct 10 is adjusted (4), Sunday Oct 11 off, Oct 12 (5) */
	ck_day(xfa_calendar_add_workdays(cn, start, 1), "2026-09-30");
	ck_day(xfa_calendar_add_workdays(cn, start, 2), "2026-10-08");
	ck_day(xfa_calendar_add_workdays(cn, start, 3), "2026-10-09");
	ck_day(xfa_calendar_add_workdays(cn, start, 4), "2026-10-10");
	ck_day(xfa_calendar_add_workdays(cn, start, 5), "2026-10-12");
	ck_day(xfa_calendar_add_workdays(cn, start, 0), "2026-09-29");
	/* Friday Sep 18 + 1: Sunday Sep 20 is an adjusted working day */
	ck_day(xfa_calendar_add_workdays(cn, day("2026-09-18"), 1), "2026-09-20");
}
END_TEST

START_TEST(covers_listed_years_only)
{
	xfa_calendar *plain = NULL;

	ck_assert(xfa_calendar_covers(cn, day("2025-06-01")));
	ck_assert(xfa_calendar_covers(cn, day("2026-12-31")));
	ck_assert(!xfa_calendar_covers(cn, day("2027-01-01")));
	ck_assert_int_eq(xfa_calendar_load(&plain, NULL), 0);
	ck_assert(!xfa_calendar_covers(plain, day("2026-01-01")));
	/* no holidays: only weekends rest */
	ck_assert(xfa_calendar_is_workday(plain, day("2026-01-01")));
	ck_assert(!xfa_calendar_is_workday(plain, day("2026-01-03")));
	xfa_calendar_free(plain);
}
END_TEST

/* Load a calendar built from `text`; expect XFA_EINVALID naming `needle`. */
static void refuse(const char *text, const char *needle)
{
	xfa_calendar *c = (xfa_calendar *)1;
	json_t *def = NULL;

	ck_assert_msg(xfa_json_parse(&def, text, strlen(text), "test") == 0,
		      "%s", xfa_error_last());
	ck_assert_int_eq(xfa_calendar_load(&c, def), XFA_EINVALID);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(xfa_error_last(), needle), "message '%s' lacks '%s'",
		      xfa_error_last(), needle);
	json_decref(def);
}

#define NAME "{\"zh\": \"节\", \"en\": \"day\"}"

START_TEST(invalid_calendars_refused)
{
	refuse("{\"id\": \"x\", \"holidays\": [{\"name\": " NAME ", \"from\": "
	       "\"2026-02-30\", \"until\": \"2026-03-01\"}], \"workdays\": []}",
	       "2026-02-30");
	refuse("{\"id\": \"x\", \"holidays\": [], \"workdays\": [{\"name\": "
	       NAME ", \"date\": \"2026-13-01\"}]}", "2026-13-01");
	refuse("{\"id\": \"x\", \"holidays\": [{\"name\": " NAME ", \"from\": "
	       "\"2026-02-23\", \"until\": \"2026-02-15\"}], \"workdays\": []}",
	       "until");
	refuse("{\"id\": \"x\", \"holidays\": [{\"name\": " NAME ", \"from\": "
	       "\"2026-01-01\", \"until\": \"2026-03-01\"}], \"workdays\": []}",
	       "until");
	refuse("{\"id\": \"x\", \"holidays\": [{\"name\": " NAME ", \"from\": "
	       "\"2026-02-15\", \"until\": \"2026-02-23\"}], \"workdays\": "
	       "[{\"name\": " NAME ", \"date\": \"2026-02-21\"}]}", "2026-02-21");
	refuse("{\"id\": \"x\", \"holidays\": [{\"name\": " NAME ", \"from\": "
	       "\"2026-02-15\", \"until\": \"2026-02-16\"}, {\"name\": " NAME
	       ", \"from\": \"2026-02-16\", \"until\": \"2026-02-17\"}], "
	       "\"workdays\": []}", "2026-02-16");
	refuse("{\"id\": \"x\", \"holidays\": [], \"workdays\": [], "
	       "\"rest_weekdays\": [1, 2, 3, 4, 5, 6, 7]}", "rest_weekdays");
	refuse("{\"id\": \"x\", \"holidays\": [], \"workdays\": [], "
	       "\"typo\": 1}", "typo");
}
END_TEST

Suite *calendar_suite(void); /* found by the runner: see the Makefile */

Suite *calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = tcase_create("cn");

	tcase_add_checked_fixture(tc, setup_cn, teardown_cn);
	tcase_add_test(tc, add_days_month_and_year_ends);
	tcase_add_test(tc, add_days_leap_years);
	tcase_add_test(tc, add_days_rolls_past_rest_days);
	tcase_add_test(tc, adjusted_saturdays_are_working_days);
	tcase_add_test(tc, add_workdays_over_national_day);
	tcase_add_test(tc, covers_listed_years_only);
	tcase_add_test(tc, invalid_calendars_refused);
	suite_add_tcase(s, tc);
	return s;
}

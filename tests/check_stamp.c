/* check_stamp.c - tests for stamp.c: RFC 3339 times with offsets, civil
 * dates, weekdays and the XFA_NOW clock override. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "stamp.h"

static void parses(const char *s, int64_t t, int off)
{
	xfa_stamp st;

	ck_assert_msg(xfa_stamp_parse(&st, s) == 0, "%s: %s", s, xfa_error_last());
	ck_assert_int_eq(st.t, t);
	ck_assert_int_eq(st.off, off);
}

static void refuses(const char *s)
{
	xfa_stamp st;

	ck_assert_msg(xfa_stamp_parse(&st, s) == XFA_EINVALID, "accepted %s", s ? s : "NULL");
	if (s)
		ck_assert_msg(strstr(xfa_error_last(), s) != NULL, "%s", xfa_error_last());
}

START_TEST(parses_rfc3339_with_offsets)
{
	/* 2026-11-22T07:03:00Z */
	int64_t t = (int64_t)xfa_days_from_civil(2026, 11, 22) * 86400 + 7 * 3600 + 3 * 60;

	ck_assert_int_eq(t, 1795330980);
	parses("2026-11-22T15:03:00+08:00", t, 480);
	parses("2026-11-22T07:03:00Z", t, 0);
	parses("2026-11-22T07:03:00+00:00", t, 0);
	parses("2026-11-22t01:33:00-05:30", t, -330);
	parses("1970-01-01T00:00:00Z", 0, 0);
	parses("2024-02-29T23:59:59+14:00", (int64_t)xfa_days_from_civil(2024, 2, 29) * 86400
	       + 86399 - 14 * 3600, 840);
}
END_TEST

START_TEST(refuses_bad_stamps)
{
	refuses("2026-11-22T15:03:00.5+08:00");   /* fractions */
	refuses("2026-11-22T15:03:00");           /* no offset */
	refuses("2026-11-22 15:03:00+08:00");
	refuses("2026-13-01T00:00:00Z");
	refuses("2026-02-29T00:00:00Z");          /* not a leap year */
	refuses("2026-04-31T00:00:00Z");
	refuses("2026-11-22T24:00:00Z");
	refuses("2026-11-22T23:60:00Z");
	refuses("2026-11-22T23:59:60Z");          /* no leap seconds */
	refuses("2026-11-22T15:03:00+15:00");
	refuses("2026-11-22T15:03:00+08:60");
	refuses("2026-11-22T15:03:00+0800");
	refuses("2026-11-22T15:03:00+08:00 ");
	refuses("1899-12-31T00:00:00Z");
	refuses("２０２６-11-22T15:03:00Z");
	refuses("");
	refuses(NULL);
}
END_TEST

START_TEST(formats_in_its_own_offset)
{
	const char *const ok[] = {
		"2026-11-22T15:03:00+08:00", "2026-11-22T07:03:00+00:00",
		"1969-12-31T19:00:00-05:00", "2000-02-29T12:00:00-09:30",
		"1900-01-01T00:00:00+00:00", "2099-12-31T23:59:59+14:00",
	};
	char out[XFA_STAMP_SIZE];
	xfa_stamp st;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_int_eq(xfa_stamp_parse(&st, ok[i]), 0);
		xfa_stamp_format(out, &st);
		ck_assert_str_eq(out, ok[i]);
	}
	ck_assert_int_eq(xfa_stamp_parse(&st, "2026-11-22T07:03:00Z"), 0);
	xfa_stamp_format(out, &st);
	ck_assert_str_eq(out, "2026-11-22T07:03:00+00:00");
	st.off = 480;
	xfa_stamp_format(out, &st);
	ck_assert_str_eq(out, "2026-11-22T15:03:00+08:00");
}
END_TEST

START_TEST(offsets)
{
	int off;

	ck_assert_int_eq(xfa_offset_parse(&off, "Z"), 0);
	ck_assert_int_eq(off, 0);
	ck_assert_int_eq(xfa_offset_parse(&off, "+08:00"), 0);
	ck_assert_int_eq(off, 480);
	ck_assert_int_eq(xfa_offset_parse(&off, "-05:30"), 0);
	ck_assert_int_eq(off, -330);
	ck_assert_int_eq(xfa_offset_parse(&off, "+8:00"), XFA_EINVALID);
	ck_assert_int_eq(xfa_offset_parse(&off, "08:00"), XFA_EINVALID);
	ck_assert_int_eq(xfa_offset_parse(&off, "+15:00"), XFA_EINVALID);
	ck_assert_int_eq(xfa_offset_parse(&off, "z"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "UTC offset"));
}
END_TEST

START_TEST(dates)
{
	char out[XFA_DATE_SIZE];
	long day;

	ck_assert_int_eq(xfa_date_parse(&day, "1970-01-01"), 0);
	ck_assert_int_eq(day, 0);
	ck_assert_int_eq(xfa_date_parse(&day, "2026-12-01"), 0);
	ck_assert_int_eq(day, xfa_days_from_civil(2026, 12, 1));
	xfa_date_format(out, day);
	ck_assert_str_eq(out, "2026-12-01");
	ck_assert_int_eq(xfa_date_parse(&day, "2024-02-29"), 0);
	ck_assert_int_eq(xfa_date_parse(&day, "2100-02-29"), XFA_EINVALID);
	ck_assert_int_eq(xfa_date_parse(&day, "2000-02-29"), 0);
	ck_assert_int_eq(xfa_date_parse(&day, "2026-1-01"), XFA_EINVALID);
	ck_assert_int_eq(xfa_date_parse(&day, "2026-01-01T00:00:00Z"), XFA_EINVALID);
	ck_assert_int_eq(xfa_date_parse(&day, "2026-00-10"), XFA_EINVALID);
	ck_assert_int_eq(xfa_date_parse(&day, NULL), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "not a date"));
}
END_TEST

START_TEST(day_of_a_stamp_is_in_its_offset)
{
	long day;

	ck_assert_int_eq(xfa_day_parse(&day, "2026-01-01T01:00:00+08:00"), 0);
	ck_assert_int_eq(day, xfa_days_from_civil(2026, 1, 1));
	ck_assert_int_eq(xfa_day_parse(&day, "2025-12-31T20:00:00-05:00"), 0);
	ck_assert_int_eq(day, xfa_days_from_civil(2025, 12, 31));
	ck_assert_int_eq(xfa_day_parse(&day, "2026-03-02"), 0);
	ck_assert_int_eq(day, xfa_days_from_civil(2026, 3, 2));
	ck_assert_int_eq(xfa_day_parse(&day, "yesterday"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "yesterday"));
	ck_assert_int_eq(xfa_day_parse(&day, "2026-02-30"), XFA_EINVALID);
}
END_TEST

START_TEST(civil_round_trip_and_weekdays)
{
	long z;

	for (z = -800000; z <= 800000; z += 97) {
		int y;
		unsigned m, d;
		xfa_civil_from_days(z, &y, &m, &d);
		ck_assert_int_eq(xfa_days_from_civil(y, m, d), z);
		ck_assert(m >= 1 && m <= 12 && d >= 1 && d <= 31);
	}
	ck_assert_int_eq(xfa_weekday(0), 3);                                 /* Thursday */
	ck_assert_int_eq(xfa_weekday(xfa_days_from_civil(2026, 12, 1)), 1);  /* Tuesday */
	ck_assert_int_eq(xfa_weekday(xfa_days_from_civil(2026, 10, 1)), 3);  /* Thursday */
	ck_assert_int_eq(xfa_weekday(-1), 2);
	ck_assert_int_eq(xfa_weekday(xfa_days_from_civil(1900, 1, 1)), 0);   /* Monday */
}
END_TEST

START_TEST(now_and_xfa_now)
{
	xfa_stamp st;
	time_t before = time(NULL);

	unsetenv("XFA_NOW");
	ck_assert_int_eq(xfa_stamp_now(&st, 480), 0);
	ck_assert_int_eq(st.off, 480);
	ck_assert(st.t >= before && st.t <= time(NULL));
	setenv("XFA_NOW", "2026-03-01T09:00:00+08:00", 1);
	ck_assert_int_eq(xfa_stamp_now(&st, 0), 0);
	ck_assert_int_eq(st.off, 480);
	ck_assert_int_eq(st.t, (int64_t)xfa_days_from_civil(2026, 3, 1) * 86400 + 3600);
	setenv("XFA_NOW", "tomorrow", 1);
	ck_assert_int_eq(xfa_stamp_now(&st, 0), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "XFA_NOW"));
	ck_assert(strstr(xfa_error_last(), "tomorrow"));
	unsetenv("XFA_NOW");
}
END_TEST

Suite *stamp_suite(void); /* found by the runner: see the Makefile */

Suite *stamp_suite(void)
{
	Suite *s = suite_create("stamp");
	TCase *tc = tcase_create("stamp");

	tcase_add_test(tc, parses_rfc3339_with_offsets);
	tcase_add_test(tc, refuses_bad_stamps);
	tcase_add_test(tc, formats_in_its_own_offset);
	tcase_add_test(tc, offsets);
	tcase_add_test(tc, dates);
	tcase_add_test(tc, day_of_a_stamp_is_in_its_offset);
	tcase_add_test(tc, civil_round_trip_and_weekdays);
	tcase_add_test(tc, now_and_xfa_now);
	suite_add_tcase(s, tc);
	return s;
}

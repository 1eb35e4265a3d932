/* check_report.c - the reports of archive/report.c counted per level (the
 * workflow report section's "per"): each level's cases, matters settled and
 * rates judged by the level's own limits, and the overdue duties per level. */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "case.h"
#include "error.h"
#include "json.h"
#include "report.h"
#include "stamp.h"

static fx_archive fx;
static char *ids[4];

/* Register the fixture case at `level` (NULL: none), received 03-02 09:00. */
static char *reg(const char *level)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	char *id = NULL, *code = NULL;

	json_object_set_new(in, "received_at",
			    json_string("2026-03-02T09:00:00+08:00"));
	if (level)
		json_object_set_new(in, "level", json_string(level));
	else
		json_object_del(in, "level");
	memset(&o, 0, sizeof(o));
	ck_assert_msg(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o) == 0,
		      "%s", xfa_error_last());
	free(code);
	json_decref(in);
	return id;
}

static void accept_at(const char *id, const char *when)
{
	xfa_case_opts o;
	unsigned seq;

	memset(&o, 0, sizeof(o));
	o.effective = when;
	ck_assert_msg(xfa_case_move(&seq, fx.a, fx.clerk, id, "accepted", &o) == 0,
		      "%s", xfa_error_last());
}

/* A village, a township, a county case and one without a level; the
 * village one accepted in its 3 hours, the township one the next day. */
static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	ids[0] = reg("village");
	ids[1] = reg("township");
	ids[2] = reg("county");
	ids[3] = reg(NULL);
	accept_at(ids[0], "2026-03-02T11:00:00+08:00");
	accept_at(ids[1], "2026-03-03T09:00:00+08:00");
}

static void teardown(void)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		free(ids[i]);
		ids[i] = NULL;
	}
	fx_archive_teardown(&fx);
}

static void opts(xfa_report_opts *o, const char *as_of, int within)
{
	ck_assert_int_eq(xfa_report_opts_init(o, fx.a), 0);
	ck_assert_int_eq(xfa_date_parse(&o->as_of, as_of), 0);
	o->within = within;
}

/* (numerator, denominator) of rate `rid` of level `lv` in report `r`. */
static void rate_is(const json_t *r, const char *lv, const char *rid,
		    long long num, long long den)
{
	const json_t *x = json_object_get(json_object_get(json_object_get(
		json_object_get(json_object_get(r, "per"), "counts"), lv),
		"rates"), rid);

	ck_assert_msg(x, "no rate %s for %s", rid, lv);
	ck_assert_int_eq(xfa_json_int(x, "numerator", -1), num);
	ck_assert_int_eq(xfa_json_int(x, "denominator", -1), den);
}

START_TEST(rates_per_level)
{
	xfa_report_opts o;
	json_t *r = NULL;
	const json_t *c;

	opts(&o, "2026-12-01", -1);
	ck_assert_msg(xfa_report_rates(&r, fx.a, &o) == 0, "%s", xfa_error_last());
	ck_assert_str_eq(xfa_json_str(json_object_get(r, "per"), "field"), "level");
	c = json_object_get(json_object_get(r, "per"), "counts");
	ck_assert_int_eq(json_object_size(c), 4);
	ck_assert_int_eq(xfa_json_int(json_object_get(c, "village"), "cases", 0), 1);
	ck_assert_int_eq(xfa_json_int(json_object_get(c, "village"), "settled", -1), 0);
	ck_assert_str_eq(xfa_json_str(json_object_get(c, "village"), "label"),
			 "村（社区）");
	/* village: accepted at 11:00, due 12:00; no reply in 48 hours */
	rate_is(r, "village", "timely_acceptance", 1, 1);
	rate_is(r, "village", "on_time", 0, 1);
	/* township: acceptance keeps 15 days (met); no reply in 72 hours */
	rate_is(r, "township", "timely_acceptance", 1, 1);
	rate_is(r, "township", "on_time", 0, 1);
	/* county and no level: never decided within the 15 days */
	rate_is(r, "county", "timely_acceptance", 0, 1);
	rate_is(r, "county", "on_time", 0, 0);
	rate_is(r, "(none)", "timely_acceptance", 0, 1);
	/* the levels add up to the whole */
	ck_assert_int_eq(xfa_json_int(json_object_get(json_object_get(r, "rates"),
		"timely_acceptance"), "denominator", 0), 4);
	json_decref(r);
}
END_TEST

/* The per-level counts of an overdue report: {level: "overdue/near"}. */
static void overdue_is(const char *as_of, int within, const char *want)
{
	xfa_report_opts o;
	json_t *r = NULL, *v;
	const char *key;
	char got[256] = "";
	size_t n = 0;

	opts(&o, as_of, within);
	ck_assert_msg(xfa_report_overdue(&r, fx.a, &o) == 0, "%s", xfa_error_last());
	json_object_foreach(json_object_get(json_object_get(r, "per"), "counts"),
			    key, v)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s=%lld/%lld",
				      n ? " " : "", key,
				      xfa_json_int(v, "overdue", 0),
				      xfa_json_int(v, "near", 0));
	ck_assert_str_eq(got, want);
	json_decref(r);
}

START_TEST(overdue_per_level)
{
	xfa_report_opts o;
	json_t *r = NULL;

	/* 03-05: the village reply (due 03-04 11:00) is late */
	overdue_is("2026-03-05", 0, "village=1/0");
	/* within a day: the township reply (due 03-06 09:00) is near */
	overdue_is("2026-03-05", 1, "village=1/0 township=0/1");
	/* 03-18: the county and level-less acceptances (due 03-17) too */
	overdue_is("2026-03-18", 0, "village=1/0 township=1/0 county=1/0 (none)=1/0");
	opts(&o, "2026-03-05", 0);
	ck_assert_int_eq(xfa_report_overdue(&r, fx.a, &o), 0);
	ck_assert_str_eq(xfa_json_str(json_array_get(json_object_get(r, "items"), 0),
				      "level"), "village");
	json_decref(r);
}
END_TEST

Suite *report_suite(void); /* found by the runner: see the Makefile */

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("per-level");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rates_per_level);
	tcase_add_test(tc, overdue_per_level);
	suite_add_tcase(s, tc);
	return s;
}

/* stats.c - the yearly statistics (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "ledger.h"
#include "report.h"
#include "stamp.h"

const char *const xfa_stats_keys[] = {
	"cases", "visits_times", "visits_people", "first_visits_times",
	"first_visits_people", "collective_batches", "collective_people",
	"collective_first_batches", "collective_first_people", "online_times",
	"online_forwarded_times",
	"skip_level_times", "skip_national", "skip_province", "skip_city",
	"skip_county", "repeats", "settled_village", "settled_township",
	"settled_county", "reception_days", "reception_batches",
	"reception_people", "risks_screened", "risks_resolved"
};
const size_t xfa_stats_nkeys = sizeof(xfa_stats_keys) / sizeof(*xfa_stats_keys);

static int add(json_t *c, const char *key, json_int_t n)
{
	return json_object_set_new(c, key, json_integer(
		json_integer_value(json_object_get(c, key)) + n)) ?
		xfa_error_set(XFA_ERROR, "out of memory") : 0;
}

static int is_true(const json_t *doc, const char *key)
{
	return json_is_true(json_object_get(doc, key));
}

static int str_is(const json_t *doc, const char *key, const char *want)
{
	const char *s = xfa_json_str(doc, key);
	return s && !strcmp(s, want);
}

/* 领导接访: one day per leader and date; its 批次 and 人次. */
static int count_reception(json_t *c, const json_t *doc, json_int_t times,
			   json_int_t people)
{
	const json_t *r = json_object_get(doc, "reception");
	json_t *days = json_object_get(c, "_days");
	char key[512];
	int err = 0;

	if (!r)
		return 0;
	snprintf(key, sizeof(key), "%s\n%s", xfa_json_str(r, "leader") ?
		 xfa_json_str(r, "leader") : "", xfa_json_str(r, "date") ?
		 xfa_json_str(r, "date") : "");
	if (!json_object_get(days, key)) {
		if (json_object_set_new(days, key, json_true()))
			return XFA_ERROR;
		err |= add(c, "reception_days", 1);
	}
	err |= add(c, "reception_batches", times);
	err |= add(c, "reception_people", people);
	return err;
}

static int count_one(const json_t *doc, void *payload)
{
	json_t *c = payload;
	json_int_t times = xfa_json_int(doc, "batches", 1);
	json_int_t people = xfa_json_int(doc, "headcount", 0);
	const char *skip = xfa_json_str(doc, "skip_level");
	const char *level = xfa_json_str(doc, "level");
	char key[64];
	int err = 0, visit = str_is(doc, "channel", "visit");
	int first = is_true(doc, "first_visit");
	int coll = is_true(doc, "collective");

	if (people <= 0)
		people = (json_int_t)json_array_size(json_object_get(doc, "petitioners"));
	if (people <= 0)
		people = 1;
	if (times <= 0)
		times = 1;
	err |= add(c, "cases", 1);
	if (visit) {
		err |= add(c, "visits_times", times);
		err |= add(c, "visits_people", people);
		if (first) {
			err |= add(c, "first_visits_times", times);
			err |= add(c, "first_visits_people", people);
		}
		if (coll) {
			err |= add(c, "collective_batches", times);
			err |= add(c, "collective_people", people);
		}
		if (coll && first) {
			err |= add(c, "collective_first_batches", times);
			err |= add(c, "collective_first_people", people);
		}
	}
	if (str_is(doc, "channel", "online"))
		err |= add(c, "online_times", times);
	/* 国家、省、市转送网上信访事项: online and forwarded from above */
	if (str_is(doc, "channel", "online") &&
	    xfa_json_str(doc, "forwarded_from"))
		err |= add(c, "online_forwarded_times", times);
	if (skip) {
		snprintf(key, sizeof(key), "skip_%s", skip);
		if (json_object_get(c, key))
			err |= add(c, key, times);
		if (strcmp(skip, "county"))
			err |= add(c, "skip_level_times", times);
	}
	if (xfa_json_str(doc, "repeat_of"))
		err |= add(c, "repeats", 1);
	if (level && xfa_json_str(json_object_get(doc, "milestones"), "closed")) {
		snprintf(key, sizeof(key), "settled_%s", level);
		if (json_object_get(c, key))
			err |= add(c, key, 1);
	}
	err |= count_reception(c, doc, times, people);
	return err ? xfa_error_set(XFA_ERROR, "out of memory") : 0;
}

static int year_opts(xfa_report_opts *o, xfa_archive *a, int year, long as_of)
{
	char d[16];
	int err;

	if (year < 1901 || year > 9998)
		return xfa_error_set(XFA_EINVALID, "year %d is out of range "
				     "(1901..9998)", year);
	if ((err = xfa_report_opts_init(o, a)) < 0)
		return err;
	snprintf(d, sizeof(d), "%04d-01-01", year);
	xfa_date_parse(&o->from, d);
	snprintf(d, sizeof(d), "%04d-12-31", year);
	xfa_date_parse(&o->to, d);
	if (as_of != LONG_MIN)
		o->as_of = as_of;
	return 0;
}

int xfa_stats_count(json_t **out, xfa_archive *a, int year)
{
	xfa_report_opts o;
	json_t *c;
	size_t i;
	int err;

	*out = NULL;
	if ((err = year_opts(&o, a, year, LONG_MIN)) < 0)
		return err;
	if (!(c = json_object()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < xfa_stats_nkeys; i++)
		if (json_object_set_new(c, xfa_stats_keys[i], json_integer(0))) {
			json_decref(c);
			return xfa_error_set(XFA_ERROR, "out of memory");
		}
	if (json_object_set_new(c, "_days", json_object()) ||
	    (err = xfa_report_each(a, &o, count_one, c)) < 0) {
		json_decref(c);
		return err < 0 ? err : xfa_error_set(XFA_ERROR, "out of memory");
	}
	json_object_del(c, "_days");
	{	/* the risk ledger 矛盾纠纷台账: screened and struck off in the year */
		long long scr, res;
		if ((err = xfa_ledger_year(&scr, &res, a, year)) < 0) {
			json_decref(c);
			return err;
		}
		json_object_set_new(c, "risks_screened", json_integer(scr));
		json_object_set_new(c, "risks_resolved", json_integer(res));
	}
	*out = c;
	return 0;
}

/* Percent change of `cur` against `prev`, one decimal; null if prev is 0. */
static json_t *yoy(json_int_t cur, json_int_t prev)
{
	if (prev == 0)
		return json_null();
	return json_real(round((double)(cur - prev) * 1000.0 / (double)prev) / 10.0);
}

static int pair_counts(json_t *out, const json_t *cur, const json_t *prev)
{
	json_t *counts = json_object();
	size_t i;

	if (!counts || json_object_set_new(out, "counts", counts))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < xfa_stats_nkeys; i++) {
		const char *k = xfa_stats_keys[i];
		json_int_t c = json_integer_value(json_object_get(cur, k));
		json_int_t p = json_integer_value(json_object_get(prev, k));
		if (json_object_set_new(counts, k, json_pack("{s:I,s:I,s:o}",
				"value", c, "previous", p, "yoy", yoy(c, p))))
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

static int pair_rates(json_t *out, const json_t *cur, const json_t *prev)
{
	const json_t *rc = json_object_get(cur, "rates"), *r;
	json_t *rates = json_object();
	const char *k;

	if (!rates || json_object_set_new(out, "rates", rates))
		return xfa_error_set(XFA_ERROR, "out of memory");
	json_object_foreach((json_t *)rc, k, r) {
		const json_t *p = json_object_get(json_object_get(prev, "rates"), k);
		json_t *pc = json_object_get(r, "percent");
		json_t *pp = json_object_get(p, "percent");
		if (json_object_set_new(rates, k, json_pack("{s:O,s:O,s:O,s:O,s:O}",
				"label", json_object_get(r, "label"),
				"percent", pc ? pc : json_null(),
				"previous", pp ? pp : json_null(),
				"numerator", json_object_get(r, "numerator"),
				"denominator", json_object_get(r, "denominator"))))
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

int xfa_stats_year(json_t **out, xfa_archive *a, int year, long as_of)
{
	json_t *c = NULL, *p = NULL, *rc = NULL, *rp = NULL, *r = NULL;
	xfa_report_opts o;
	int err;

	*out = NULL;
	if ((err = xfa_stats_count(&c, a, year)) < 0 ||
	    (err = xfa_stats_count(&p, a, year - 1)) < 0 ||
	    (err = year_opts(&o, a, year, as_of)) < 0 ||
	    (err = xfa_report_rates(&rc, a, &o)) < 0 ||
	    (err = year_opts(&o, a, year - 1, as_of)) < 0 ||
	    (err = xfa_report_rates(&rp, a, &o)) < 0)
		goto done;
	if (!(r = json_pack("{s:i,s:i}", "year", year, "previous_year", year - 1))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = pair_counts(r, c, p)) < 0 || (err = pair_rates(r, rc, rp)) < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	json_decref(c);
	json_decref(p);
	json_decref(rc);
	json_decref(rp);
	json_decref(r);
	return err;
}

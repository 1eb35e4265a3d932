/* report.c - reports over the cases of an archive: open cases past or near
 * a deadline, and the three rates (三率) with counts by channel, category
 * and locality, all defined by the workflow's "report" section. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "store.h"
#include "workflow.h"

int xfa_report_opts_init(xfa_report_opts *o, xfa_archive *a)
{
	const xfa_meta *m;
	xfa_stamp now;
	int err;

	memset(o, 0, sizeof(*o));
	o->from = LONG_MIN;
	o->to = LONG_MAX;
	o->within = -1;
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_stamp_now(&now, m->off)) < 0)
		return err;
	o->as_of = xfa_stamp_day(&now);
	return 0;
}

struct each_job {
	xfa_store *st;
	const xfa_oid *head;
	const xfa_report_opts *o;
	int (*fn)(const json_t *doc, void *payload);
	void *payload;
};

static int each_one(const char *id, const char *dir, void *payload)
{
	struct each_job *j = payload;
	json_t *doc;
	long day;
	int err;

	if ((err = xfa_case_doc_at(&doc, j->st, j->head, dir)) < 0)
		goto done;
	if (j->o) {
		if (xfa_day_parse(&day, xfa_json_str(doc, "received_at")) < 0) {
			err = xfa_error_set(XFA_EINVALID, "case %s: received_at "
					    "is not a time", id);
			goto done;
		}
		if (day < j->o->from || day > j->o->to)
			goto done;
	}
	err = j->fn(doc, j->payload);
done:
	json_decref(doc);
	return err;
}

int xfa_report_each(xfa_archive *a, const xfa_report_opts *o,
		    int (*fn)(const json_t *doc, void *payload), void *payload)
{
	struct each_job j = { xfa_archive_store(a), NULL, o, fn, payload };
	xfa_oid head;
	int err;

	if ((err = xfa_store_head(&head, j.st)) < 0)
		return err;
	j.head = &head;
	return xfa_case_each(j.st, &head, each_one, &j);
}

/* ---- overdue ---- */

struct overdue_job {
	const xfa_meta *m;
	const xfa_report_opts *o;
	const char *per;             /* the report's "per" field, or NULL */
	int within;
	json_t *items;
};

static int overdue_one(const json_t *doc, void *payload)
{
	struct overdue_job *j = payload;
	const char *status = xfa_json_str(doc, "status");
	json_t *dl, *d;
	size_t i;

	if (!xfa_workflow_is_open(j->m->wf, status))
		return 0;
	if (!(dl = xfa_workflow_deadlines(j->m->wf, doc, j->m->cal, j->o->as_of)))
		return xfa_error_wrap(XFA_EINVALID, "case %s",
				      xfa_json_str(doc, "id"));
	json_array_foreach(dl, i, d) {
		const json_t *left = json_object_get(d, "days_left");
		json_int_t n = json_integer_value(left);
		if (strcmp(xfa_json_str(d, "enforce"), "report") ||
		    xfa_json_str(d, "done") || !json_is_integer(left) ||
		    n > j->within)
			continue;
		json_array_append_new(j->items, json_pack(
			"{s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:I, s:b}",
			"case", xfa_json_str(doc, "id"), "status", status,
			"unit", xfa_json_str(doc, "unit"),
			"level", j->per ? xfa_json_str(doc, j->per) : NULL,
			"deadline", xfa_json_str(d, "id"),
			"label", xfa_json_str(d, "label"),
			"due", xfa_json_str(d, "due"), "days_left", n,
			"overdue", n < 0));
	}
	json_decref(dl);
	return 0;
}

static int by_days_left(const void *pa, const void *pb)
{
	const json_t *a = *(const json_t *const *)pa, *b = *(const json_t *const *)pb;
	json_int_t x = xfa_json_int(a, "days_left", 0);
	json_int_t y = xfa_json_int(b, "days_left", 0);

	if (x != y)
		return x < y ? -1 : 1;
	return strcmp(xfa_json_str(a, "case"), xfa_json_str(b, "case"));
}

/* A new array: `arr`'s items sorted by days left, then case id. */
static json_t *sorted(const json_t *arr)
{
	return xfa_json_sorted(arr, by_days_left);
}

static void bump(json_t *obj, const char *key, json_int_t by);

/* The overdue report's "per": {field, label, counts: {value: {label,
 * overdue, near}}} from its items, or null when the workflow has none. */
static json_t *overdue_per(const xfa_meta *m, const json_t *rep,
			   const json_t *items)
{
	const json_t *per = json_object_get(rep, "per"), *it;
	const char *v, *voc = xfa_json_str(per, "vocabulary"), *lab;
	json_t *counts, *c;
	size_t i;

	if (!per)
		return json_null();
	if (!(counts = json_object()))
		return NULL;
	json_array_foreach(items, i, it) {
		if (!(v = xfa_json_str(it, "level")) || !*v)
			v = "(none)";
		if (!(c = json_object_get(counts, v))) {
			lab = xfa_workflow_label(m->wf, voc, v, "zh");
			c = json_pack("{s:s, s:I, s:I}", "label", lab ? lab : v,
				      "overdue", (json_int_t)0,
				      "near", (json_int_t)0);
			if (!c || json_object_set_new(counts, v, c)) {
				json_decref(counts);
				return NULL;
			}
		}
		bump(c, json_is_true(json_object_get(it, "overdue")) ?
		     "overdue" : "near", 1);
	}
	return json_pack("{s:s, s:s, s:o}", "field", xfa_json_str(per, "field"),
			 "label", xfa_json_str(json_object_get(per, "label"), "zh"),
			 "counts", counts);
}

int xfa_report_overdue(json_t **out, xfa_archive *a, const xfa_report_opts *o)
{
	struct overdue_job j;
	char day[XFA_DATE_SIZE];
	const json_t *rep;
	json_t *items;
	int err;

	*out = NULL;
	memset(&j, 0, sizeof(j));
	if ((err = xfa_archive_meta(&j.m, a)) < 0)
		return err;
	rep = xfa_workflow_report(j.m->wf);
	j.o = o;
	j.per = xfa_json_str(json_object_get(rep, "per"), "field");
	j.within = o->within >= 0 ? o->within : (int)xfa_json_int(rep, "near_days", 0);
	if (!(j.items = json_array()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = xfa_report_each(a, NULL, overdue_one, &j)) < 0) {
		json_decref(j.items);
		return err;
	}
	items = sorted(j.items);
	json_decref(j.items);
	xfa_date_format(day, o->as_of);
	if (!items || !(*out = json_pack("{s:s, s:i, s:o, s:o*}", "as_of", day,
					 "within", j.within, "items", items,
					 "per", overdue_per(j.m, rep, items))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

/* ---- rates ---- */

struct rates_job {
	const xfa_meta *m;
	const json_t *rep;           /* the workflow's "report" section */
	const xfa_report_opts *o;
	json_int_t cases, matters, times, people;
	json_t *rates;               /* {id: {...}} */
	json_t *breakdowns;          /* {field: {label, counts}} */
	const json_t *per;           /* the report's "per", or NULL */
	json_t *blank;               /* empty rates, copied for each value */
	json_t *levels;              /* {value: {label, cases, settled, rates}} */
};

/* Value of dotted `path` in `doc`, or NULL. */
static const json_t *get_path(const json_t *doc, const char *path)
{
	char seg[128];
	const char *dot;

	while (doc && (dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(seg))
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		doc = json_object_get(doc, seg);
		path = dot + 1;
	}
	return doc ? json_object_get(doc, path) : NULL;
}

static void bump(json_t *obj, const char *key, json_int_t by)
{
	json_object_set_new(obj, key, json_integer(xfa_json_int(obj, key, 0) + by));
}

static int listed(const json_t *arr, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (s && json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* One deadline rate: judged met or late on as_of, or still pending. */
static void count_deadline(json_t *r, const char *rule, const json_t *dl)
{
	const json_t *d;
	size_t i;

	json_array_foreach(dl, i, d) {
		const json_t *met = json_object_get(d, "met");
		if (strcmp(xfa_json_str(d, "id"), rule))
			continue;
		if (json_is_true(met)) {
			bump(r, "numerator", 1);
			bump(r, "denominator", 1);
		} else if (json_is_false(met)) {
			bump(r, "late", 1);
			bump(r, "denominator", 1);
		} else {
			bump(r, "pending", 1);
		}
	}
}

/* One field rate: good among the values given and not excluded. */
static void count_field(json_t *r, const json_t *def, const json_t *doc)
{
	const char *v = json_string_value(get_path(doc, xfa_json_str(def, "field")));

	if (!v)
		return;
	bump(json_object_get(r, "values"), v, 1);
	if (listed(json_object_get(def, "excluded"), v)) {
		bump(r, "excluded", 1);
		return;
	}
	bump(r, "denominator", 1);
	if (listed(json_object_get(def, "good"), v))
		bump(r, "numerator", 1);
}

static void count_breakdowns(struct rates_job *j, const json_t *doc,
			     json_int_t times, json_int_t people)
{
	const json_t *b;
	size_t i;

	json_array_foreach(json_object_get(j->rep, "breakdowns"), i, b) {
		const char *field = xfa_json_str(b, "field");
		const char *v = json_string_value(get_path(doc, field));
		json_t *counts = json_object_get(json_object_get(j->breakdowns, field), "counts");
		json_t *c;
		if (!v || !*v)
			v = "(none)";
		if (!(c = json_object_get(counts, v))) {
			const char *voc = xfa_json_str(b, "vocabulary");
			c = json_pack("{s:s, s:I, s:I, s:I}", "label",
				      voc ? xfa_workflow_label(j->m->wf, voc, v, "zh") : v,
				      "cases", (json_int_t)0, "times", (json_int_t)0,
				      "people", (json_int_t)0);
			json_object_set_new(counts, v, c);
		}
		bump(c, "cases", 1);
		bump(c, "times", times);
		bump(c, "people", people);
	}
}

/* Every rate of the report section, for one case, into `rates`. */
static void count_rates(json_t *rates, const json_t *rep, const json_t *dl,
			const json_t *doc)
{
	const json_t *def;
	size_t i;

	json_array_foreach(json_object_get(rep, "rates"), i, def) {
		json_t *r = json_object_get(rates, xfa_json_str(def, "id"));
		if (xfa_json_str(def, "deadline"))
			count_deadline(r, xfa_json_str(def, "deadline"), dl);
		else
			count_field(r, def, doc);
	}
}

/* "per" (the level): the case's value, its rates, cases and settled. */
static int count_per(struct rates_job *j, const json_t *doc,
		     const json_t *dl)
{
	const char *v = xfa_json_str(doc, xfa_json_str(j->per, "field")), *lab;
	const json_t *ms = json_object_get(doc, "milestones"), *st;
	json_t *c;
	size_t i;
	int settled = 0;

	if (!v || !*v)
		v = "(none)";
	if (!(c = json_object_get(j->levels, v))) {
		lab = xfa_workflow_label(j->m->wf, xfa_json_str(j->per,
					 "vocabulary"), v, "zh");
		c = json_pack("{s:s, s:I, s:I, s:o}", "label", lab ? lab : v,
			      "cases", (json_int_t)0, "settled", (json_int_t)0,
			      "rates", json_deep_copy(j->blank));
		if (!c || json_object_set_new(j->levels, v, c))
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	json_array_foreach(json_object_get(j->per, "settled"), i, st)
		if (xfa_json_str(ms, json_string_value(st)))
			settled = 1;
	bump(c, "cases", 1);
	bump(c, "settled", settled);
	count_rates(json_object_get(c, "rates"), j->rep, dl, doc);
	return 0;
}

static int rates_one(const json_t *doc, void *payload)
{
	struct rates_job *j = payload;
	const char *tf = xfa_json_str(j->rep, "times_field");
	const char *pf = xfa_json_str(j->rep, "people_field");
	const char *rf = xfa_json_str(j->rep, "repeat_field");
	json_int_t times = tf ? xfa_json_int(doc, tf, 1) : 1;
	json_int_t people = pf ? xfa_json_int(doc, pf, 0) : 0;
	json_t *dl;
	int err = 0;

	if (people <= 0)
		people = (json_int_t)json_array_size(json_object_get(doc, "petitioners"));
	if (people <= 0)
		people = 1;
	if (times <= 0)
		times = 1;
	j->cases++;
	j->times += times;
	j->people += people;
	if (!rf || !xfa_json_str(doc, rf))
		j->matters++;
	if (!(dl = xfa_workflow_deadlines(j->m->wf, doc, j->m->cal, j->o->as_of)))
		return xfa_error_wrap(XFA_EINVALID, "case %s", xfa_json_str(doc, "id"));
	count_rates(j->rates, j->rep, dl, doc);
	if (j->per)
		err = count_per(j, doc, dl);
	json_decref(dl);
	count_breakdowns(j, doc, times, people);
	return err;
}

/* Empty counters for every rate and breakdown of the definition. */
static int rates_init(struct rates_job *j)
{
	const json_t *def;
	size_t i;

	if (!(j->rates = json_object()) || !(j->breakdowns = json_object()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	json_array_foreach(json_object_get(j->rep, "rates"), i, def) {
		json_t *r = json_pack("{s:s, s:I, s:I}", "label",
				      xfa_json_str(json_object_get(def, "label"), "zh"),
				      "numerator", (json_int_t)0,
				      "denominator", (json_int_t)0);
		if (!r)
			return xfa_error_set(XFA_ERROR, "out of memory");
		if (xfa_json_str(def, "deadline")) {
			json_object_set_new(r, "deadline", json_string(xfa_json_str(def, "deadline")));
			json_object_set_new(r, "late", json_integer(0));
			json_object_set_new(r, "pending", json_integer(0));
		} else {
			json_object_set_new(r, "field", json_string(xfa_json_str(def, "field")));
			json_object_set_new(r, "excluded", json_integer(0));
			json_object_set_new(r, "values", json_object());
		}
		json_object_set_new(j->rates, xfa_json_str(def, "id"), r);
	}
	json_array_foreach(json_object_get(j->rep, "breakdowns"), i, def)
		json_object_set_new(j->breakdowns, xfa_json_str(def, "field"),
			json_pack("{s:s, s:{}}", "label",
				  xfa_json_str(json_object_get(def, "label"), "zh"),
				  "counts"));
	if ((j->per = json_object_get(j->rep, "per")) &&
	    (!(j->blank = json_deep_copy(j->rates)) ||
	     !(j->levels = json_object())))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

/* Set "percent" of every rate: 100 * numerator / denominator, 2 decimals. */
static void rates_finish(json_t *rates)
{
	const char *key;
	json_t *r;

	json_object_foreach(rates, key, r) {
		json_int_t num = xfa_json_int(r, "numerator", 0);
		json_int_t den = xfa_json_int(r, "denominator", 0);
		json_object_set_new(r, "percent", den ? json_real(
			(double)llround((double)num * 10000.0 / (double)den) / 100.0)
			: json_null());
	}
}

static json_t *date_or_null(long day, long none)
{
	char s[XFA_DATE_SIZE];

	if (day == none)
		return json_null();
	xfa_date_format(s, day);
	return json_string(s);
}

int xfa_report_rates(json_t **out, xfa_archive *a, const xfa_report_opts *o)
{
	struct rates_job j;
	const char *key;
	json_t *lv;
	int err;

	*out = NULL;
	memset(&j, 0, sizeof(j));
	j.o = o;
	if ((err = xfa_archive_meta(&j.m, a)) < 0)
		return err;
	if (!(j.rep = xfa_workflow_report(j.m->wf)))
		return xfa_error_set(XFA_EINVALID, "workflow %s defines no "
				     "\"report\" section (rates)",
				     xfa_workflow_id(j.m->wf));
	if ((err = rates_init(&j)) < 0 ||
	    (err = xfa_report_each(a, o, rates_one, &j)) < 0)
		goto done;
	rates_finish(j.rates);
	json_object_foreach(j.levels, key, lv)
		rates_finish(json_object_get(lv, "rates"));
	*out = json_pack("{s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:O, s:O}",
			 "from", date_or_null(o->from, LONG_MIN),
			 "to", date_or_null(o->to, LONG_MAX),
			 "as_of", date_or_null(o->as_of, LONG_MIN),
			 "cases", j.cases, "matters", j.matters, "times", j.times,
			 "people", j.people, "rates", j.rates,
			 "breakdowns", j.breakdowns);
	if (*out && json_object_set_new(*out, "per", !j.per ? json_null() :
			json_pack("{s:s, s:s, s:O}", "field",
				  xfa_json_str(j.per, "field"), "label",
				  xfa_json_str(json_object_get(j.per, "label"), "zh"),
				  "counts", j.levels))) {
		json_decref(*out);
		*out = NULL;
	}
	if (!*out)
		err = xfa_error_set(XFA_ERROR, "out of memory");
done:
	json_decref(j.rates);
	json_decref(j.breakdowns);
	json_decref(j.blank);
	json_decref(j.levels);
	return err;
}

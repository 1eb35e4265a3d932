/* deadline.c - deadline rules of a workflow: due dates counted from a
 * milestone or a case field, windows that refuse a late step, and the
 * evaluation of a case's deadlines (met, late, open); loaded from a workflow
 * definition's "deadlines". */
#include "deadline.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"

static const char *const unit_names[] = {
	[XFA_DL_CALENDAR_DAYS] = "calendar_days",
	[XFA_DL_WORKING_DAYS] = "working_days",
	[XFA_DL_HOURS] = "hours",
};

static int unit_of(const char *unit)
{
	size_t i;

	for (i = 0; unit && i < sizeof(unit_names) / sizeof(*unit_names); i++)
		if (!strcmp(unit, unit_names[i]))
			return (int)i;
	return -1;
}

/* Each variant: {"when": {"field", "in": [text...]}, "amount", "unit"}. */
static int variants_ok(const json_t *variants)
{
	const json_t *v, *when;
	size_t i;

	if (!variants)
		return 1;
	if (!json_is_array(variants))
		return 0;
	json_array_foreach(variants, i, v) {
		when = json_object_get(v, "when");
		if (!xfa_json_str(when, "field") ||
		    !json_is_array(json_object_get(when, "in")) ||
		    unit_of(xfa_json_str(v, "unit")) < 0 ||
		    xfa_json_int(v, "amount", -1) < 0)
			return 0;
	}
	return 1;
}

int xfa_deadline_init(xfa_deadline *r, const json_t *def)
{
	const char *enforce = xfa_json_str(def, "enforce");

	memset(r, 0, sizeof(*r));
	r->id = xfa_json_str(def, "id");
	r->label = json_object_get(def, "label");
	r->from = xfa_json_str(def, "from");
	r->amount = (int)xfa_json_int(def, "amount", -1);
	r->unit = unit_of(xfa_json_str(def, "unit"));
	r->refuse = enforce && !strcmp(enforce, "refuse");
	r->wait = enforce && !strcmp(enforce, "wait");
	r->set_on = json_object_get(def, "set_on");
	r->variants = json_object_get(def, "variants");
	r->restart_on = json_object_get(def, "restart_on");
	if (!r->id || !r->from || r->unit < 0 || r->amount < 0 ||
	    !json_is_array(r->set_on) || !variants_ok(r->variants) ||
	    (r->restart_on && !json_is_array(r->restart_on)))
		return xfa_error_set(XFA_EINVALID, "deadline rule '%s' is "
				     "malformed", r->id ? r->id : "?");
	r->met_steps = json_array();
	r->met_states = json_array();
	if (!r->met_steps || !r->met_states)
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

void xfa_deadline_variant(xfa_deadline *out, const xfa_deadline *r,
			  const json_t *doc)
{
	const json_t *v, *when, *x;
	const char *val;
	size_t i, j;

	*out = *r;
	json_array_foreach(r->variants, i, v) {
		when = json_object_get(v, "when");
		val = xfa_json_str(doc, xfa_json_str(when, "field"));
		json_array_foreach(json_object_get(when, "in"), j, x) {
			if (val && json_is_string(x) &&
			    !strcmp(json_string_value(x), val)) {
				out->amount = (int)xfa_json_int(v, "amount", 0);
				out->unit = unit_of(xfa_json_str(v, "unit"));
				return;
			}
		}
	}
}

void xfa_deadline_release(xfa_deadline *r)
{
	json_decref(r->met_steps);
	json_decref(r->met_states);
	r->met_steps = r->met_states = NULL;
}

int xfa_deadline_start(xfa_stamp *out, const xfa_deadline *r,
		       const json_t *doc)
{
	const json_t *src = r->from_state ?
		json_object_get(doc, "milestones") : doc;
	const char *s = xfa_json_str(src, r->from);

	if (!s)
		return xfa_error_set(XFA_ENOTFOUND, "deadline '%s' counts from "
				     "'%s', which is not set", r->id, r->from);
	if (xfa_stamp_parse(out, s) < 0)
		return xfa_error_set(XFA_EINVALID, "deadline '%s' counts from "
				     "'%s': '%s' is not an RFC 3339 time",
				     r->id, r->from, s);
	return 0;
}

void xfa_deadline_due(char out[XFA_STAMP_SIZE], const xfa_deadline *r,
		      const xfa_stamp *start, const xfa_calendar *cal)
{
	xfa_stamp s = *start;
	long day = xfa_stamp_day(start);

	if (r->unit == XFA_DL_HOURS) {
		s.t += (int64_t)r->amount * 3600;
		xfa_stamp_format(out, &s);
		return;
	}
	if (r->unit == XFA_DL_WORKING_DAYS)
		day = xfa_calendar_add_workdays(cal, day, r->amount);
	else
		day = xfa_calendar_add_days(cal, day, r->amount);
	xfa_date_format(out, day);
}

int xfa_deadline_extend(char out[XFA_STAMP_SIZE], const xfa_deadline *r,
			const char *due, int days, const xfa_calendar *cal)
{
	xfa_stamp s;
	long day;

	/* a variant may make a day rule's due date a time (社区 48 hours) */
	if (r->unit == XFA_DL_HOURS || (due && strlen(due) != 10)) {
		if (xfa_stamp_parse(&s, due) < 0)
			return xfa_error_wrap(XFA_EINVALID, "deadline '%s'", r->id);
		s.t += (int64_t)days * 86400;
		xfa_stamp_format(out, &s);
		return 0;
	}
	if (xfa_date_parse(&day, due) < 0)
		return xfa_error_wrap(XFA_EINVALID, "deadline '%s'", r->id);
	xfa_date_format(out, xfa_calendar_add_days(cal, day, days));
	return 0;
}

int xfa_deadline_passed(const char *due, const xfa_stamp *when)
{
	xfa_stamp s;
	long day;

	if (due && strlen(due) == 10) {
		if (xfa_date_parse(&day, due) < 0)
			return XFA_EINVALID;
		return xfa_stamp_day(when) > day;
	}
	if (xfa_stamp_parse(&s, due) < 0)
		return XFA_EINVALID;
	return when->t > s.t;
}

/*
 * The earliest milestone of one of `states` in `doc` at or after instant
 * `from`: its text (borrowed) and time, or NULL.  Earlier milestones belong
 * to an earlier round of the case (a state re-entered keeps the latest).
 */
static const char *earliest(xfa_stamp *out, const json_t *doc,
			    const json_t *states, int64_t from)
{
	const json_t *ms = json_object_get(doc, "milestones"), *v;
	const char *best = NULL, *t;
	xfa_stamp s;
	size_t i;

	json_array_foreach(states, i, v) {
		t = xfa_json_str(ms, json_string_value(v));
		if (!t || xfa_stamp_parse(&s, t) < 0 || s.t < from)
			continue;
		if (!best || s.t < out->t) {
			*out = s;
			best = t;
		}
	}
	return best;
}

/* met and days_left of a rule not yet fulfilled. */
static void eval_open(json_t **met, json_t **left, const xfa_deadline *r,
		      const json_t *doc, const json_t *stop, int64_t from,
		      long due_day, long today)
{
	xfa_stamp end;

	if (earliest(&end, doc, stop, from)) {
		/* the case stopped (withdrawn, closed...): late if after due */
		if (!r->refuse && !r->wait && xfa_stamp_day(&end) > due_day)
			*met = json_false();
		return;
	}
	/* an unused window is not late: it lapses; nor is a waiting period */
	if (!r->refuse && !r->wait && today > due_day)
		*met = json_false();
	if (!r->refuse || today <= due_day)
		*left = json_integer(due_day - today);
}

json_t *xfa_deadline_eval(const xfa_deadline *r, const char *due,
			  const json_t *doc, const json_t *stop, long today)
{
	json_t *met = json_null(), *left = json_null(), *done = json_null();
	const char *zh = xfa_json_str(r->label, "zh"), *done_s;
	char buf[XFA_DATE_SIZE];
	xfa_stamp start, fin;
	int64_t from = INT64_MIN;
	long due_day;
	int late;

	if (xfa_day_parse(&due_day, due) < 0) {
		xfa_error_wrap(XFA_EINVALID, "deadline '%s'", r->id);
		return NULL;
	}
	if (xfa_deadline_start(&start, r, doc) == 0)
		from = start.t;
	if ((done_s = earliest(&fin, doc, r->met_states,
			       from))) {
		late = xfa_deadline_passed(due, &fin);
		met = json_boolean(late == 0 || r->wait);  /* a wait is met after its date */
		if (r->unit == XFA_DL_HOURS || strlen(due) != 10) {
			done = json_string(done_s);
		} else {
			xfa_date_format(buf, xfa_stamp_day(&fin));
			done = json_string(buf);
		}
	} else {
		eval_open(&met, &left, r, doc, stop, from, due_day, today);
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s}", "id", r->id,
			 "label", zh ? zh : r->id, "due", due, "done", done,
			 "met", met, "days_left", left,
			 "enforce", r->refuse ? "refuse" : r->wait ? "wait" : "report");
}

static int listed(const json_t *arr, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

int xfa_deadline_set_on(json_t *due, const xfa_deadline *rules, size_t n,
			const char *step, const json_t *doc,
			const xfa_calendar *cal)
{
	char out[XFA_STAMP_SIZE];
	xfa_deadline v;
	xfa_stamp start;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!listed(rules[i].set_on, step))
			continue;
		if (xfa_deadline_start(&start, &rules[i], doc) < 0)
			return XFA_EINVALID;
		xfa_deadline_variant(&v, &rules[i], doc);
		xfa_deadline_due(out, &v, &start, cal);
		if (json_object_set_new(due, rules[i].id, json_string(out)))
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

int xfa_deadline_restart(json_t *due, const xfa_deadline *rules, size_t n,
			 const char *step, const json_t *doc,
			 const xfa_stamp *when, const xfa_calendar *cal)
{
	const json_t *have = json_object_get(doc, "due");
	char out[XFA_STAMP_SIZE];
	xfa_deadline v;
	xfa_stamp start, fin;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!listed(rules[i].restart_on, step) ||
		    !json_object_get(have, rules[i].id))
			continue;
		if (xfa_deadline_start(&start, &rules[i], doc) < 0)
			start.t = INT64_MIN;
		if (earliest(&fin, doc, rules[i].met_states, start.t))
			continue;       /* met already: nothing to count */
		xfa_deadline_variant(&v, &rules[i], doc);
		xfa_deadline_due(out, &v, when, cal);
		if (json_object_set_new(due, rules[i].id, json_string(out)))
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

int xfa_deadline_window(const xfa_deadline **out, const xfa_deadline *rules,
			size_t n, const char *step, const json_t *due,
			const xfa_stamp *when)
{
	const char *d;
	size_t i;
	int passed;

	*out = NULL;
	for (i = 0; i < n; i++) {
		if (!rules[i].refuse || !listed(rules[i].met_steps, step) ||
		    !(d = json_string_value(json_object_get(due, rules[i].id))))
			continue;
		if ((passed = xfa_deadline_passed(d, when)) < 0)
			return xfa_error_set(XFA_EINVALID, "deadline '%s': "
				"'%s' is not a due date", rules[i].id, d);
		if (passed) {
			*out = &rules[i];
			return 0;
		}
	}
	return 0;
}

int xfa_deadline_waiting(const xfa_deadline **out, const xfa_deadline *rules,
			 size_t n, const char *step, const json_t *due,
			 const xfa_stamp *when)
{
	const char *d;
	size_t i;
	int passed;

	*out = NULL;
	for (i = 0; i < n; i++) {
		if (!rules[i].wait || !listed(rules[i].met_steps, step))
			continue;
		if (!(d = json_string_value(json_object_get(due, rules[i].id))))
			return xfa_error_set(XFA_EINVALID, "deadline '%s' has no "
					     "due date", rules[i].id);
		if ((passed = xfa_deadline_passed(d, when)) < 0)
			return xfa_error_set(XFA_EINVALID, "deadline '%s': "
				"'%s' is not a due date", rules[i].id, d);
		if (!passed) {
			*out = &rules[i];
			return 0;
		}
	}
	return 0;
}

static int has_rule(const xfa_deadline *rules, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(rules[i].id, id))
			return 1;
	return 0;
}

json_t *xfa_deadline_eval_all(const xfa_deadline *rules, size_t n,
			      const json_t *doc, const json_t *stop,
			      long today)
{
	const json_t *due = json_object_get(doc, "due");
	json_t *out = json_array(), *item, *v;
	xfa_deadline other;
	const char *key, *d;
	size_t i;

	for (i = 0; out && i < n; i++) {
		if (!(d = json_string_value(json_object_get(due, rules[i].id))))
			continue;
		item = xfa_deadline_eval(&rules[i], d, doc, stop, today);
		if (!item || json_array_append_new(out, item))
			goto fail;
	}
	/* a due date no rule of this definition names: judged by date */
	json_object_foreach((json_t *)due, key, v) {
		if (!out || has_rule(rules, n, key) || !json_is_string(v))
			continue;
		memset(&other, 0, sizeof(other));
		other.id = key;
		other.from = "";
		other.unit = json_string_length(v) == 10 ?
			     XFA_DL_CALENDAR_DAYS : XFA_DL_HOURS;
		item = xfa_deadline_eval(&other, json_string_value(v), doc,
					 stop, today);
		if (!item || json_array_append_new(out, item))
			goto fail;
	}
	if (!out)
		xfa_error_set(XFA_ERROR, "out of memory");
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* ---- loading the rules of a definition ---- */

static int bad(const json_t *def, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(const json_t *def, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), xfa_tr(fmt), ap);
	va_end(ap);
	return xfa_error_set(XFA_EINVALID, "workflow %s: %s",
			     xfa_json_str(def, "id") ? xfa_json_str(def, "id") :
			     "?", msg);
}

/* The object of array `arr` whose "id" is `id`, or NULL. */
static const json_t *find_id(const json_t *arr, const char *id)
{
	const json_t *v;
	const char *s;
	size_t i;

	json_array_foreach(arr, i, v)
		if (id && (s = xfa_json_str(v, "id")) && !strcmp(s, id))
			return v;
	return NULL;
}

static const json_t *find_step(const json_t *def, const char *id)
{
	const json_t *t = find_id(json_object_get(def, "transitions"), id);

	return t ? t : find_id(json_object_get(def, "events"), id);
}

static int append_once(json_t *arr, const char *s)
{
	if (!listed(arr, s) && json_array_append_new(arr, json_string(s)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

/* "met_by" names a transition that enters a new state, or a state. */
static int resolve_met(xfa_deadline *r, const json_t *def,
		       const json_t *rule)
{
	const json_t *trans = json_object_get(def, "transitions"), *v, *st;
	const char *name, *to;
	size_t i, j;

	json_array_foreach(json_object_get(rule, "met_by"), i, v) {
		name = json_string_value(v);
		if ((st = find_step(def, name))) {
			to = xfa_json_str(st, "to");
			if (!to || listed(json_object_get(st, "from"), to))
				return bad(def, "deadline '%s': step '%s' enters "
					   "no new state", r->id, name);
			if (append_once(r->met_steps, name) < 0 ||
			    append_once(r->met_states, to) < 0)
				return XFA_ERROR;
		} else if (find_id(json_object_get(def, "states"), name)) {
			json_array_foreach(trans, j, st)
				if ((to = xfa_json_str(st, "to")) &&
				    !strcmp(to, name) &&
				    append_once(r->met_steps,
						xfa_json_str(st, "id")) < 0)
					return XFA_ERROR;
			if (append_once(r->met_states, name) < 0)
				return XFA_ERROR;
		} else {
			return bad(def, "deadline '%s': met_by names no step or "
				   "state '%s'", r->id, name);
		}
	}
	return 0;
}

static int load_rule(xfa_deadline *rules, size_t i, const json_t *def,
		     const json_t *rule)
{
	xfa_deadline *r = &rules[i];
	const json_t *v;
	size_t j;
	int err;

	if ((err = xfa_deadline_init(r, rule)) < 0)
		return xfa_error_wrap(err, "workflow %s", xfa_json_str(def, "id"));
	if (xfa_deadline_find(rules, i, r->id))
		return bad(def, "deadline '%s' is defined twice", r->id);
	r->from_state = find_id(json_object_get(def, "states"), r->from) != NULL;
	json_array_foreach(r->set_on, j, v)
		if (!find_step(def, json_string_value(v)))
			return bad(def, "deadline '%s': set_on names no step "
				   "'%s'", r->id, json_string_value(v));
	json_array_foreach(r->restart_on, j, v)
		if (!find_step(def, json_string_value(v)))
			return bad(def, "deadline '%s': restart_on names no "
				   "step '%s'", r->id, json_string_value(v));
	return resolve_met(r, def, rule);
}

/* Each "extends" names a rule and a field its step's patch may set. */
static int check_extends(const xfa_deadline *rules, size_t n,
			 const json_t *def)
{
	const json_t *t, *ex;
	const char *id;
	size_t i;

	json_array_foreach(json_object_get(def, "transitions"), i, t) {
		if (!(ex = json_object_get(t, "extends")))
			continue;
		id = xfa_json_str(t, "id");
		if (!xfa_deadline_find(rules, n, xfa_json_str(ex, "deadline")))
			return bad(def, "step '%s' extends no deadline '%s'", id,
				   xfa_json_str(ex, "deadline"));
		if (!listed(json_object_get(t, "fields"),
			    xfa_json_str(ex, "days_field")))
			return bad(def, "step '%s' must let its patch set '%s'",
				   id, xfa_json_str(ex, "days_field"));
	}
	return 0;
}

int xfa_deadlines_load(xfa_deadline **out, size_t *n, const json_t *def)
{
	const json_t *arr = json_object_get(def, "deadlines"), *rule;
	xfa_deadline *rules;
	size_t i, count = 0;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!(rules = calloc(json_array_size(arr) + 1, sizeof(*rules))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	json_array_foreach(arr, i, rule) {
		count = i + 1;
		if ((err = load_rule(rules, i, def, rule)) < 0)
			break;
	}
	if (err < 0 || (err = check_extends(rules, count, def)) < 0) {
		xfa_deadlines_free(rules, count);
		return err;
	}
	*out = rules;
	*n = count;
	return 0;
}

void xfa_deadlines_free(xfa_deadline *rules, size_t n)
{
	size_t i;

	for (i = 0; rules && i < n; i++)
		xfa_deadline_release(&rules[i]);
	free(rules);
}

const xfa_deadline *xfa_deadline_find(const xfa_deadline *rules, size_t n,
				      const char *id)
{
	size_t i;

	for (i = 0; id && i < n; i++)
		if (rules[i].id && !strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

int xfa_deadline_extension(json_t *due, long long *count,
			   const xfa_deadline *rules, size_t n,
			   const json_t *ex, const json_t *days,
			   const json_t *before, const xfa_calendar *cal)
{
	const char *dl = xfa_json_str(ex, "deadline"), *old;
	long long lo = xfa_json_int(ex, "min_days", 1);
	long long hi = xfa_json_int(ex, "max_days", 0), d;
	char out[XFA_STAMP_SIZE];

	*count = xfa_json_int(before, "extensions", 0);
	if (*count >= xfa_json_int(ex, "max_count", 1))
		return xfa_error_set(XFA_EINVALID, "deadline '%s' was already "
				     "extended the most times allowed (%lld)",
				     dl, *count);
	if (!json_is_integer(days))
		return xfa_error_set(XFA_EINVALID, "the patch must give '%s', a "
				     "number of days", xfa_json_str(ex, "days_field"));
	if ((d = json_integer_value(days)) < lo || d > hi)
		return xfa_error_set(XFA_EINVALID, "an extension of %lld days "
				     "is outside %lld..%lld", d, lo, hi);
	if (!(old = xfa_json_str(json_object_get(before, "due"), dl)))
		return xfa_error_set(XFA_EINVALID, "the case has no '%s' "
				     "deadline to extend", dl);
	if (xfa_deadline_extend(out, xfa_deadline_find(rules, n, dl), old,
				(int)d, cal) < 0)
		return XFA_EINVALID;
	if (json_object_set_new(due, dl, json_string(out)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	*count += 1;
	return 0;
}

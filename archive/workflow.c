/* workflow.c - the workflow definition loaded from data (schemas/workflow/):
 * states, transitions and status-free events with their roles, fields and
 * attachments, checked at load, and the queries over it.  Completing and
 * checking one event is workflow_apply.c. */
#include "workflow_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "error.h"
#include "json.h"
#include "schema.h"

/* Case fields this module always derives (see workflow.h); steps' "counts"
 * name more. */
static const char *const computed[] = {
	"workflow", "due", "milestones", "extensions"
};
#define NCOMPUTED (sizeof(computed) / sizeof(*computed))


/* ---- small helpers over the definition ---- */

int wf_str_in(const json_t *arr, const char *s)
{
	const json_t *v;
	size_t i;

	if (!s)
		return 0;
	json_array_foreach(arr, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* The object of array `arr` whose "id" is `id`, or NULL. */
const json_t *wf_by_id(const json_t *arr, const char *id)
{
	const json_t *v;
	const char *s;
	size_t i;

	json_array_foreach(arr, i, v)
		if (id && (s = xfa_json_str(v, "id")) && !strcmp(s, id))
			return v;
	return NULL;
}

/* The member at dotted path `path` ("decision.reason"), or NULL. */
const json_t *wf_get_path(const json_t *doc, const char *path)
{
	char key[128];
	const char *dot;
	size_t n;

	while ((dot = strchr(path, '.'))) {
		n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		doc = json_object_get(doc, key);
		path = dot + 1;
	}
	return json_object_get(doc, path);
}

int wf_blank(const char *s)
{
	if (!s)
		return 1;
	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			return 0;
	return 1;
}

/* Present and not null, "", whitespace, [] or {}. */
int wf_non_empty(const json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return !wf_blank(json_string_value(v));
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_object(v))
		return json_object_size(v) > 0;
	return 1;
}

/* "a or b or c" from an array of strings. */
void wf_join(char *buf, size_t cap, const json_t *arr, const char *sep)
{
	const json_t *v;
	size_t i, n = 0;

	buf[0] = '\0';
	json_array_foreach(arr, i, v) {
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? sep : "",
				      json_string_value(v));
		if (n >= cap)
			return;
	}
}

int wf_set_str(json_t *obj, const char *key, const char *val)
{
	if (json_object_set_new(obj, key, val ? json_string(val) : json_null()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

static int is_fixed(const char *key)
{
	size_t i;

	for (i = 0; i < NCOMPUTED; i++)
		if (!strcmp(key, computed[i]))
			return 1;
	return 0;
}

/* Is `key` a field the workflow derives (so a patch may only repeat it)? */
int wf_is_computed(const xfa_workflow *wf, const char *key)
{
	return is_fixed(key) || wf_str_in(wf->counters, key);
}

const json_t *wf_vocabulary(const xfa_workflow *wf, const char *name)
{
	return json_object_get(json_object_get(wf->def, "vocabularies"), name);
}

const json_t *wf_state_def(const xfa_workflow *wf, const char *id)
{
	return wf_by_id(json_object_get(wf->def, "states"), id);
}

const struct wf_step *wf_find_step(const xfa_workflow *wf,
				       const char *id)
{
	size_t i;

	for (i = 0; id && i < wf->nsteps; i++)
		if (!strcmp(wf->steps[i].id, id))
			return &wf->steps[i];
	return NULL;
}

const json_t *wf_step_get(const struct wf_step *st, const char *key)
{
	return json_object_get(st->def, key);
}

int wf_step_flag(const struct wf_step *st, const char *key)
{
	return json_is_true(json_object_get(st->def, key));
}

/* ---- loading ---- */

static int bad(const xfa_workflow *wf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(const xfa_workflow *wf, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), xfa_tr(fmt), ap);
	va_end(ap);
	return xfa_error_set(XFA_EINVALID, "workflow %s: %s",
			     wf->id ? wf->id : "?", msg);
}

static int load_states(xfa_workflow *wf)
{
	const json_t *states = json_object_get(wf->def, "states"), *s;
	const char *id;
	size_t i;

	if (!json_array_size(states))
		return bad(wf, "no states");
	json_array_foreach(states, i, s) {
		if (!(id = xfa_json_str(s, "id")))
			return bad(wf, "states[%zu] has no id", i);
		if (wf_by_id(states, id) != s)
			return bad(wf, "state '%s' is defined twice", id);
		if ((json_is_true(json_object_get(s, "terminal")) ||
		     json_is_true(json_object_get(s, "archivable"))) &&
		    json_array_append_new(wf->stop, json_string(id)))
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

/* Every name in `names` must be an id of `list` (a vocabulary, the states). */
static int check_names(const xfa_workflow *wf, const char *owner,
		       const json_t *names, const json_t *list,
		       const char *what)
{
	const json_t *v;
	size_t i;

	json_array_foreach(names, i, v)
		if (!wf_by_id(list, json_string_value(v)))
			return bad(wf, "%s: unknown %s '%s'", owner, what,
				   json_string_value(v));
	return 0;
}

/* Field lists: users may not set derived fields; the caller only those. */
static int check_step_fields(const xfa_workflow *wf, const struct wf_step *st)
{
	const json_t *derived = json_object_get(wf->def, "derived_fields");
	const json_t *v;
	size_t i;

	json_array_foreach(wf_step_get(st, "fields"), i, v)
		if (wf_str_in(derived, json_string_value(v)))
			return bad(wf, "step '%s': field '%s' is derived", st->id,
				   json_string_value(v));
	json_array_foreach(wf_step_get(st, "system_fields"), i, v)
		if (!wf_str_in(derived, json_string_value(v)) ||
		    wf_is_computed(wf, json_string_value(v)))
			return bad(wf, "step '%s': system field '%s' must be a "
				   "derived field the workflow does not compute",
				   st->id, json_string_value(v));
	return 0;
}

static int check_step(const xfa_workflow *wf, const struct wf_step *st)
{
	const json_t *states = json_object_get(wf->def, "states");
	const json_t *kinds = wf_vocabulary(wf, "attachment"), *c;
	char owner[96];
	size_t i;
	int err;

	snprintf(owner, sizeof(owner), "step '%s'", st->id);
	if (!strcmp(st->id, "move"))
		return bad(wf, "'move' is reserved and cannot name a step");
	if (st->to && !wf_state_def(wf, st->to))
		return bad(wf, "step '%s': unknown state '%s'", st->id, st->to);
	if (st->to && !st->initial != !!json_array_size(wf_step_get(st, "from")))
		return bad(wf, "step '%s': only the initial transition, and it "
			   "alone, starts from no state", st->id);
	if ((err = check_names(wf, owner, wf_step_get(st, "from"), states,
			       "state")) < 0 ||
	    (err = check_names(wf, owner, wf_step_get(st, "roles"),
			       wf_vocabulary(wf, "role"), "role")) < 0 ||
	    (err = check_names(wf, owner, wf_step_get(st, "require_attachments"),
			       kinds, "attachment kind")) < 0 ||
	    (err = check_step_fields(wf, st)) < 0)
		return err;
	json_array_foreach(wf_step_get(st, "attachments_if"), i, c)
		if (!wf_by_id(kinds, xfa_json_str(c, "kind")))
			return bad(wf, "step '%s': unknown attachment kind '%s'",
				   st->id, xfa_json_str(c, "kind"));
	return 0;
}

static int add_steps(xfa_workflow *wf, const char *key, int events)
{
	const json_t *def;
	struct wf_step *st;
	size_t i;
	int err;

	json_array_foreach(json_object_get(wf->def, key), i, def) {
		st = &wf->steps[wf->nsteps];
		st->def = def;
		st->id = xfa_json_str(def, "id");
		st->to = events ? NULL : xfa_json_str(def, "to");
		st->initial = !events && wf_step_flag(st, "initial");
		st->internal = wf_step_flag(st, "internal");
		if (!st->id || (!events && !st->to))
			return events ? bad(wf, "%s[%zu] needs an id", key, i) :
				bad(wf, "%s[%zu] needs an id and a target state", key, i);
		if (wf_find_step(wf, st->id))
			return bad(wf, "step '%s' is defined twice", st->id);
		wf->nsteps++;
		if ((err = check_step(wf, st)) < 0)
			return err;
	}
	return 0;
}

/* One initial transition; (from, to) pairs unique, so "move" is unambiguous. */
static int check_moves(const xfa_workflow *wf)
{
	const struct wf_step *a, *b;
	const json_t *v;
	size_t i, j, k, initial = 0;

	for (i = 0; i < wf->nsteps; i++) {
		a = &wf->steps[i];
		initial += a->initial;
		for (j = i + 1; a->to && j < wf->nsteps; j++) {
			b = &wf->steps[j];
			if (!b->to || strcmp(a->to, b->to))
				continue;
			json_array_foreach(wf_step_get(a, "from"), k, v)
				if (wf_str_in(wf_step_get(b, "from"),
					   json_string_value(v)))
					return bad(wf, "steps '%s' and '%s' both "
						   "go from '%s' to '%s'", a->id,
						   b->id, json_string_value(v), a->to);
		}
	}
	if (initial != 1)
		return bad(wf, "exactly one transition must be initial, not %zu",
			   initial);
	return 0;
}

/* Fields that steps count ("counts"): derived, and not one of the fixed. */
static int load_counters(xfa_workflow *wf, const char *key)
{
	const json_t *derived = json_object_get(wf->def, "derived_fields"), *t;
	const char *c;
	size_t i;

	json_array_foreach(json_object_get(wf->def, key), i, t) {
		if (!(c = xfa_json_str(t, "counts")) || wf_str_in(wf->counters, c))
			continue;
		if (!wf_str_in(derived, c) || is_fixed(c))
			return bad(wf, "step '%s' counts '%s', which must be a "
				   "derived field of its own",
				   xfa_json_str(t, "id"), c);
		if (json_array_append_new(wf->counters, json_string(c)))
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

/* A step's "advances" names a vocabulary of the definition and a field the
 * step lets the user set. */
static int check_advances(xfa_workflow *wf, const char *key)
{
	const json_t *t, *adv;
	const char *voc, *field;
	size_t i;

	json_array_foreach(json_object_get(wf->def, key), i, t) {
		if (!(adv = json_object_get(t, "advances")))
			continue;
		voc = xfa_json_str(adv, "vocabulary");
		field = xfa_json_str(adv, "field");
		if (!json_array_size(json_object_get(json_object_get(wf->def,
				"vocabularies"), voc)))
			return bad(wf, "step '%s' advances along vocabulary "
				   "'%s', which does not exist",
				   xfa_json_str(t, "id"), voc);
		if (!wf_str_in(json_object_get(t, "fields"), field))
			return bad(wf, "step '%s' advances '%s', which is not "
				   "one of its fields", xfa_json_str(t, "id"), field);
	}
	return 0;
}

static int load_steps(xfa_workflow *wf)
{
	size_t n = json_array_size(json_object_get(wf->def, "transitions")) +
		   json_array_size(json_object_get(wf->def, "events"));
	int err;

	if (!(wf->steps = calloc(n + 1, sizeof(*wf->steps))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = load_counters(wf, "transitions")) < 0 ||
	    (err = load_counters(wf, "events")) < 0 ||
	    (err = check_advances(wf, "transitions")) < 0 ||
	    (err = check_advances(wf, "events")) < 0 ||
	    (err = add_steps(wf, "transitions", 0)) < 0 ||
	    (err = add_steps(wf, "events", 1)) < 0)
		return err;
	return check_moves(wf);
}

/* Names used by derived_fields, coded_fields and repeat_terminated. */
static int check_refs(const xfa_workflow *wf)
{
	const json_t *derived = json_object_get(wf->def, "derived_fields");
	const json_t *rep = json_object_get(wf->def, "repeat_terminated"), *v;
	const json_t *states = json_object_get(wf->def, "states");
	size_t i;
	int err;

	for (i = 0; i < NCOMPUTED; i++)
		if (!wf_str_in(derived, computed[i]))
			return bad(wf, "derived_fields must list '%s'", computed[i]);
	json_array_foreach(json_object_get(wf->def, "coded_fields"), i, v)
		if (!wf_vocabulary(wf, xfa_json_str(v, "vocabulary")))
			return bad(wf, "coded field '%s': no vocabulary '%s'",
				   xfa_json_str(v, "field"),
				   xfa_json_str(v, "vocabulary"));
	if ((err = check_names(wf, "repeat_terminated", json_object_get(rep,
			       "after"), states, "state")) < 0 ||
	    (err = check_names(wf, "repeat_terminated", json_object_get(rep,
			       "in"), states, "state")) < 0)
		return err;
	json_array_foreach(json_object_get(rep, "only"), i, v)
		if (!wf_find_step(wf, json_string_value(v)))
			return bad(wf, "repeat_terminated: no step '%s'",
				   json_string_value(v));
	return 0;
}

/* The report's "per" (counts per level): a vocabulary and states that exist. */
static int check_report_per(const xfa_workflow *wf, const json_t *per)
{
	const json_t *v;
	size_t i;

	if (!per)
		return 0;
	if (!wf_vocabulary(wf, xfa_json_str(per, "vocabulary")))
		return bad(wf, "report per '%s': no vocabulary '%s'",
			   xfa_json_str(per, "field"),
			   xfa_json_str(per, "vocabulary"));
	json_array_foreach(json_object_get(per, "settled"), i, v)
		if (!wf_state_def(wf, json_string_value(v)))
			return bad(wf, "report per '%s': settled names no state "
				   "'%s'", xfa_json_str(per, "field"),
				   json_string_value(v));
	return 0;
}

/* The "report" section: rates name rules and vocabulary ids that exist. */
static int check_report(const xfa_workflow *wf)
{
	const json_t *rep = json_object_get(wf->def, "report"), *r, *v;
	const json_t *coded = json_object_get(wf->def, "coded_fields");
	size_t i, j;

	json_array_foreach(json_object_get(rep, "rates"), i, r) {
		const char *dl = xfa_json_str(r, "deadline");
		const char *field = xfa_json_str(r, "field");
		const json_t *voc = NULL, *c;
		if (dl && !wf_by_id(json_object_get(wf->def, "deadlines"), dl))
			return bad(wf, "rate '%s': no deadline '%s'",
				   xfa_json_str(r, "id"), dl);
		json_array_foreach(coded, j, c)
			if (field && !strcmp(xfa_json_str(c, "field"), field))
				voc = wf_vocabulary(wf, xfa_json_str(c, "vocabulary"));
		if (field && !voc)
			return bad(wf, "rate '%s': '%s' is not a coded field",
				   xfa_json_str(r, "id"), field);
		json_array_foreach(json_object_get(r, "good"), j, v)
			if (!wf_by_id(voc, json_string_value(v)))
				return bad(wf, "rate '%s': '%s' is not a value of "
					   "'%s'", xfa_json_str(r, "id"),
					   json_string_value(v), field);
		json_array_foreach(json_object_get(r, "excluded"), j, v)
			if (!wf_by_id(voc, json_string_value(v)))
				return bad(wf, "rate '%s': '%s' is not a value of "
					   "'%s'", xfa_json_str(r, "id"),
					   json_string_value(v), field);
	}
	json_array_foreach(json_object_get(rep, "breakdowns"), i, r)
		if (xfa_json_str(r, "vocabulary") &&
		    !wf_vocabulary(wf, xfa_json_str(r, "vocabulary")))
			return bad(wf, "breakdown '%s': no vocabulary '%s'",
				   xfa_json_str(r, "field"),
				   xfa_json_str(r, "vocabulary"));
	return check_report_per(wf, json_object_get(rep, "per"));
}

int xfa_workflow_load(xfa_workflow **out, const json_t *def)
{
	xfa_workflow *wf = NULL;
	int err;

	*out = NULL;
	if (!json_is_object(def))
		return xfa_error_set(XFA_EINVALID,
				     "workflow definition: not a JSON object");
	if ((err = xfa_schema_check("workflow.schema.json", def,
				    "workflow definition")) < 0)
		return err;
	if (!(wf = calloc(1, sizeof(*wf))) ||
	    !(wf->def = json_deep_copy(def)) || !(wf->stop = json_array()) ||
	    !(wf->counters = json_array())) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	wf->id = xfa_json_str(wf->def, "id");
	if (!wf->id) {
		err = xfa_error_set(XFA_EINVALID, "workflow definition: no id");
		goto done;
	}
	if ((err = load_states(wf)) < 0 || (err = load_steps(wf)) < 0 ||
	    (err = check_refs(wf)) < 0 || (err = check_report(wf)) < 0 ||
	    (err = xfa_deadlines_load(&wf->rules, &wf->nrules, wf->def)) < 0)
		goto done;
	*out = wf;
	wf = NULL;
done:
	xfa_workflow_free(wf);
	return err;
}

void xfa_workflow_free(xfa_workflow *wf)
{
	if (!wf)
		return;
	xfa_deadlines_free(wf->rules, wf->nrules);
	free(wf->steps);
	json_decref(wf->stop);
	json_decref(wf->counters);
	json_decref(wf->def);
	free(wf);
}

/* ---- queries ---- */

const char *xfa_workflow_id(const xfa_workflow *wf)
{
	return wf->id;
}

const json_t *xfa_workflow_states(const xfa_workflow *wf)
{
	return json_object_get(wf->def, "states");
}

int xfa_workflow_has_state(const xfa_workflow *wf, const char *state)
{
	return wf_state_def(wf, state) != NULL;
}

int xfa_workflow_is_terminal(const xfa_workflow *wf, const char *state)
{
	return json_is_true(json_object_get(wf_state_def(wf, state), "terminal"));
}

int xfa_workflow_is_archivable(const xfa_workflow *wf, const char *state)
{
	return json_is_true(json_object_get(wf_state_def(wf, state),
					    "archivable"));
}

int xfa_workflow_is_open(const xfa_workflow *wf, const char *state)
{
	return xfa_workflow_has_state(wf, state) && !wf_str_in(wf->stop, state);
}

const char *xfa_workflow_label(const xfa_workflow *wf, const char *vocab,
			       const char *id, const char *lang)
{
	const json_t *item;
	const char *s;

	if (!strcmp(vocab, "state"))
		item = wf_state_def(wf, id);
	else if (!strcmp(vocab, "deadline"))
		item = wf_by_id(json_object_get(wf->def, "deadlines"), id);
	else if (!strcmp(vocab, "event"))
		item = wf_find_step(wf, id) ? wf_find_step(wf, id)->def : NULL;
	else
		item = wf_by_id(wf_vocabulary(wf, vocab), id);
	s = xfa_json_str(json_object_get(item, "label"), lang);
	return s ? s : id;
}

const char *xfa_workflow_internal_state(const xfa_workflow *wf)
{
	size_t i;

	for (i = 0; i < wf->nsteps; i++)
		if (wf->steps[i].internal && wf->steps[i].to)
			return wf->steps[i].to;
	return NULL;
}

const json_t *xfa_workflow_report(const xfa_workflow *wf)
{
	return json_object_get(wf->def, "report");
}

json_t *xfa_workflow_deadlines(const xfa_workflow *wf, const json_t *doc,
			       const xfa_calendar *cal, long today)
{
	(void)cal;
	return xfa_deadline_eval_all(wf->rules, wf->nrules, doc, wf->stop,
				     today);
}

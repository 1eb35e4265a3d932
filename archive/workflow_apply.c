/* workflow_apply.c - xfa_workflow_apply(): complete one event under the
 * workflow definition and check it (the step, role, fields, attachments,
 * history, windows), deriving due dates and milestones. */
#include "workflow_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "schema.h"

/* ---- completing and checking one event ---- */

/* The state of one xfa_workflow_apply() call. */
struct apply {
	const xfa_workflow *wf;
	const xfa_wf_ctx *ctx;
	const xfa_calendar *cal;
	json_t *ev;                  /* borrowed, completed in place */
	const struct wf_step *step;
	const char *cid;             /* the case, for messages */
	const char *from;            /* status before; NULL when registering */
	xfa_stamp eff, at;
	json_t *user;                /* owned: the user's part of the patch */
	json_t *given;               /* owned: derived keys the patch held */
	json_t *derived;             /* owned: what the workflow derives */
	json_t *doc;                 /* owned: before + the user's part */
};

static int fail(const struct apply *a, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const struct apply *a, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), xfa_tr(fmt), ap);
	va_end(ap);
	/* a registration refused never got its id: do not name one */
	if (!a->ctx->before)
		return xfa_error_set(code, "new case: %s", msg);
	return xfa_error_set(code, "case %s: %s", a->cid, msg);
}

static int oom(void)
{
	return xfa_error_set(XFA_ERROR, "out of memory");
}

/* The transition leaving `from` (NULL: none, registration) for `to`. */
static const struct wf_step *find_move(const xfa_workflow *wf,
				       const char *from, const char *to)
{
	const struct wf_step *st;
	size_t i;

	for (i = 0; i < wf->nsteps; i++) {
		st = &wf->steps[i];
		if (st->to && !strcmp(st->to, to) &&
		    (from ? wf_str_in(wf_step_get(st, "from"), from) : st->initial))
			return st;
	}
	return NULL;
}

static const struct wf_step *initial_step(const xfa_workflow *wf)
{
	size_t i;

	for (i = 0; i < wf->nsteps; i++)
		if (wf->steps[i].initial)
			return &wf->steps[i];
	return NULL;
}

/* A transition: may it leave the current state; record from and to. */
static int check_transition(struct apply *a, const char *to)
{
	const struct wf_step *st = a->step;
	int err;

	if (st->initial && a->ctx->before)
		return fail(a, XFA_EINVALID, "step '%s': the case is already "
			    "registered", st->id);
	if (!st->initial && !a->ctx->before)
		return fail(a, XFA_EINVALID, "step '%s' needs a registered case",
			    st->id);
	if (!st->initial && !wf_str_in(wf_step_get(st, "from"), a->from))
		return fail(a, XFA_EINVALID, "no transition '%s' from '%s' in "
			    "workflow %s", st->id, a->from, a->wf->id);
	if (to && strcmp(to, st->to))
		return fail(a, XFA_EINVALID, "step '%s' goes to '%s', not '%s'",
			    st->id, st->to, to);
	if ((err = wf_set_str(a->ev, "from", a->from)) < 0)
		return err;
	return wf_set_str(a->ev, "to", st->to);
}

/* A status-free event: the case exists and still takes events. */
static int check_event(struct apply *a)
{
	const json_t *to = json_object_get(a->ev, "to");
	int err;

	if (!a->ctx->before)
		return fail(a, XFA_EINVALID, "step '%s' needs a registered case",
			    a->step->id);
	if (xfa_workflow_is_terminal(a->wf, a->from))
		return fail(a, XFA_EINVALID, "step '%s': the case is %s "
			    "(terminal) and takes no more events", a->step->id,
			    a->from);
	if (to && !json_is_null(to))
		return fail(a, XFA_EINVALID, "step '%s' does not change the "
			    "status", a->step->id);
	if ((err = wf_set_str(a->ev, "from", NULL)) < 0)
		return err;
	return wf_set_str(a->ev, "to", NULL);
}

/* Step 1: which step the event takes. */
static int resolve(struct apply *a)
{
	const char *type = xfa_json_str(a->ev, "type");
	const char *to = xfa_json_str(a->ev, "to");
	int err;

	if (!type)
		return fail(a, XFA_EINVALID, "event has no type");
	if (a->ctx->before) {
		a->from = xfa_json_str(a->ctx->before, "status");
		if (!wf_state_def(a->wf, a->from))
			return fail(a, XFA_EINVALID, "document status '%s' is "
				    "not a state of workflow %s",
				    a->from ? a->from : "", a->wf->id);
	}
	if (!strcmp(type, "register")) {
		a->step = initial_step(a->wf);
	} else if (!strcmp(type, "move")) {
		if (!to)
			return fail(a, XFA_EINVALID, "a move needs a target "
				    "state ('to')");
		if (!(a->step = find_move(a->wf, a->from, to)))
			return fail(a, XFA_EINVALID, "no transition from '%s' to "
				    "'%s' in workflow %s",
				    a->from ? a->from : "(new)", to, a->wf->id);
	} else if (!(a->step = wf_find_step(a->wf, type))) {
		return fail(a, XFA_EINVALID, "unknown event type '%s' in "
			    "workflow %s", type, a->wf->id);
	}
	if (a->step->internal && !a->ctx->allow_internal)
		return fail(a, XFA_EINVALID, "step '%s' is internal: only xfa "
			    "itself (export) takes it", a->step->id);
	if ((err = wf_set_str(a->ev, "type", a->step->id)) < 0)
		return err;
	return a->step->to ? check_transition(a, to) : check_event(a);
}

static int ctx_has(const xfa_wf_ctx *ctx, const char *role)
{
	const char *const *r;

	for (r = ctx->roles; r && *r; r++)
		if (!strcmp(*r, role))
			return 1;
	return 0;
}

/* Step 2: the role the signer acts in. */
static int check_role(struct apply *a)
{
	const json_t *roles = wf_step_get(a->step, "roles"), *v;
	const json_t *given = json_object_get(a->ev, "role");
	const char *role = json_string_value(given);
	char need[256];
	size_t i;

	wf_join(need, sizeof(need), roles, " or ");
	if (given && !json_is_null(given)) {
		if (!role || !wf_str_in(roles, role))
			return fail(a, XFA_EAUTH, "role '%s' may not take step "
				    "'%s' (needs %s)", role ? role : "?",
				    a->step->id, need);
		if (!ctx_has(a->ctx, role))
			return fail(a, XFA_EAUTH, "signer lacks role: step '%s' "
				    "needs %s, and the signer does not hold '%s'",
				    a->step->id, need, role);
		return 0;
	}
	json_array_foreach(roles, i, v)
		if (ctx_has(a->ctx, json_string_value(v)))
			return wf_set_str(a->ev, "role", json_string_value(v));
	return fail(a, XFA_EAUTH, "signer lacks role: step '%s' needs %s",
		    a->step->id, need);
}

/* Step 3: "at" and "effective" (defaults to "at"), effective <= at. */
static int check_times(struct apply *a)
{
	const char *at = xfa_json_str(a->ev, "at"), *eff;
	const json_t *e = json_object_get(a->ev, "effective");
	int err;

	if (!at || xfa_stamp_parse(&a->at, at) < 0)
		return fail(a, XFA_EINVALID, "step '%s': 'at' is not an RFC 3339 "
			    "time", a->step->id);
	if ((!e || json_is_null(e)) &&
	    (err = wf_set_str(a->ev, "effective", at)) < 0)
		return err;
	eff = xfa_json_str(a->ev, "effective");
	if (!eff || xfa_stamp_parse(&a->eff, eff) < 0)
		return fail(a, XFA_EINVALID, "step '%s': 'effective' is not an "
			    "RFC 3339 time", a->step->id);
	if (a->eff.t > a->at.t)
		return fail(a, XFA_EINVALID, "step '%s': effective time %s is "
			    "later than the recording time %s", a->step->id,
			    eff, at);
	return 0;
}

/* Step 4: sort the patch into the user's part and derived keys. */
static int split_patch(struct apply *a)
{
	const json_t *patch = json_object_get(a->ev, "patch");
	const json_t *derived = json_object_get(a->wf->def, "derived_fields");
	const char *key, *id = a->step->id;
	json_t *val, *dst;

	if (patch && !json_is_null(patch) && !json_is_object(patch))
		return fail(a, XFA_EINVALID, "step '%s': the patch is not an "
			    "object", id);
	if (!(a->user = json_object()) || !(a->given = json_object()))
		return oom();
	json_object_foreach((json_t *)patch, key, val) {
		dst = a->user;
		if (wf_is_computed(a->wf, key))
			dst = a->given;
		else if (wf_str_in(wf_step_get(a->step, "system_fields"), key))
			;
		else if (wf_str_in(derived, key))
			return fail(a, XFA_EINVALID, "step '%s': field '%s' is "
				    "derived and may not be set by a patch", id, key);
		else if (!wf_step_flag(a->step, "any_field") &&
			 !wf_str_in(wf_step_get(a->step, "fields"), key))
			return fail(a, XFA_EINVALID, "step '%s' may not set field "
				    "'%s'", id, key);
		if (json_object_set(dst, key, val))
			return oom();
	}
	a->doc = xfa_json_merge_patch(a->ctx->before ?
				      json_deep_copy(a->ctx->before) : NULL,
				      a->user);
	return a->doc ? 0 : oom();
}

/* Step 5: required fields, coded values, the note. */
static int check_fields(struct apply *a)
{
	const json_t *coded = json_object_get(a->wf->def, "coded_fields");
	const json_t *v, *val;
	const char *field, *voc;
	size_t i;

	json_array_foreach(wf_step_get(a->step, "require"), i, v)
		if (!wf_non_empty(wf_get_path(a->doc, json_string_value(v))))
			return fail(a, XFA_EINVALID, "step '%s' requires field "
				    "'%s'", a->step->id, json_string_value(v));
	json_array_foreach(coded, i, v) {
		field = xfa_json_str(v, "field");
		voc = xfa_json_str(v, "vocabulary");
		val = wf_get_path(a->doc, field);
		if (!val || json_is_null(val))
			continue;
		if (!wf_by_id(wf_vocabulary(a->wf, voc), json_string_value(val)))
			return fail(a, XFA_EINVALID, "field '%s': '%s' is not a "
				    "known %s", field, json_is_string(val) ?
				    json_string_value(val) : "(not text)", voc);
	}
	if (wf_step_flag(a->step, "require_note") &&
	    wf_blank(xfa_json_str(a->ev, "note")))
		return fail(a, XFA_EINVALID, "step '%s' requires a note giving "
			    "the reason", a->step->id);
	return 0;
}

/* An attachment of `kind` (and name `name`, unless NULL) in `atts`. */
static int has_att(const json_t *atts, const char *kind, const char *name)
{
	const json_t *v;
	const char *k, *n;
	size_t i;

	json_array_foreach(atts, i, v) {
		k = xfa_json_str(v, "kind");
		n = xfa_json_str(v, "name");
		if (k && !strcmp(k, kind) && (!name || (n && !strcmp(n, name))))
			return 1;
	}
	return 0;
}

/* "attachments_if": a field that needs a document, maybe by name. */
static int check_att_if(struct apply *a, const json_t *atts,
			const json_t *cond)
{
	const char *field = xfa_json_str(cond, "field");
	const char *kind = xfa_json_str(cond, "kind");
	const char *nf = xfa_json_str(cond, "name_field"), *name;

	if (!wf_non_empty(wf_get_path(a->doc, field)))
		return 0;
	if (!has_att(atts, kind, NULL))
		return fail(a, XFA_EINVALID, "step '%s': a case with '%s' "
			    "requires an attachment of kind '%s' (%s)", a->step->id,
			    field, kind, xfa_workflow_label(a->wf, "attachment",
							    kind, "zh"));
	name = nf ? json_string_value(wf_get_path(a->doc, nf)) : NULL;
	if (name && !has_att(atts, kind, name))
		return fail(a, XFA_EINVALID, "step '%s': '%s' names '%s', but "
			    "no '%s' attachment of that name is attached",
			    a->step->id, nf, name, kind);
	return 0;
}

/* Step 6: this event's attachments. */
static int check_attachments(struct apply *a)
{
	const json_t *atts = json_object_get(a->ev, "attachments"), *v;
	const json_t *kinds = wf_vocabulary(a->wf, "attachment");
	const char *kind;
	size_t i;
	int err;

	if (atts && !json_is_array(atts))
		return fail(a, XFA_EINVALID, "'attachments' is not a list");
	json_array_foreach(atts, i, v)
		if (!wf_by_id(kinds, (kind = xfa_json_str(v, "kind"))))
			return fail(a, XFA_EINVALID, "attachment '%s': unknown "
				    "kind '%s'", xfa_json_str(v, "name") ?
				    xfa_json_str(v, "name") : "?",
				    kind ? kind : "");
	json_array_foreach(wf_step_get(a->step, "require_attachments"), i, v)
		if (!has_att(atts, json_string_value(v), NULL))
			return fail(a, XFA_EINVALID, "step '%s' requires an "
				    "attachment of kind '%s' (%s)", a->step->id,
				    json_string_value(v), xfa_workflow_label(a->wf,
				    "attachment", json_string_value(v), "zh"));
	if (wf_step_flag(a->step, "require_any_attachment") &&
	    !json_array_size(atts))
		return fail(a, XFA_EINVALID, "step '%s' requires an attachment",
			    a->step->id);
	json_array_foreach(wf_step_get(a->step, "attachments_if"), i, v)
		if ((err = check_att_if(a, atts, v)) < 0)
			return err;
	return 0;
}

/* Step 7: received_at <= effective; moves never precede the last milestone. */
static int check_history(struct apply *a)
{
	const char *recv = xfa_json_str(a->doc, "received_at");
	const char *key, *last = NULL, *lastkey = NULL, *t;
	const json_t *ms;
	xfa_stamp s, lt;
	json_t *v;

	if (recv && xfa_stamp_parse(&s, recv) < 0)
		return fail(a, XFA_EINVALID, "field 'received_at': '%s' is not "
			    "an RFC 3339 time", recv);
	if (recv && a->eff.t < s.t)
		return fail(a, XFA_EINVALID, "step '%s': effective time %s "
			    "precedes received_at %s", a->step->id,
			    xfa_json_str(a->ev, "effective"), recv);
	if (!a->step->to || !a->ctx->before)
		return 0;
	ms = json_object_get(a->ctx->before, "milestones");
	json_object_foreach((json_t *)ms, key, v) {
		if (!(t = json_string_value(v)) || xfa_stamp_parse(&s, t) < 0)
			return fail(a, XFA_EINVALID, "milestone '%s' is not an "
				    "RFC 3339 time", key);
		if (!last || s.t > lt.t) {
			lt = s;
			last = t;
			lastkey = key;
		}
	}
	if (last && a->eff.t < lt.t)
		return fail(a, XFA_EINVALID, "step '%s': effective time %s "
			    "precedes the case's last step ('%s' at %s)",
			    a->step->id, xfa_json_str(a->ev, "effective"),
			    lastkey, last);
	return 0;
}

/* Step 8: a repeat of a matter terminated after 复核 can only be rejected. */
static int check_repeat(struct apply *a)
{
	const json_t *rule = json_object_get(a->wf->def, "repeat_terminated");
	const json_t *prev = a->ctx->repeat_of, *v;
	const char *earlier, *pid, *after = NULL, *st, *status;
	char only[256];
	size_t i;

	if (!rule || !prev || !a->step->to ||
	    !wf_str_in(json_object_get(rule, "in"), a->from) ||
	    !(earlier = xfa_json_str(a->doc, xfa_json_str(rule, "field"))))
		return 0;
	pid = xfa_json_str(prev, "id");
	if (pid && strcmp(pid, earlier))
		return fail(a, XFA_EINVALID, "'%s' names %s, but the context "
			    "holds case %s", xfa_json_str(rule, "field"),
			    earlier, pid);
	status = xfa_json_str(prev, "status");
	json_array_foreach(json_object_get(rule, "after"), i, v) {
		st = json_string_value(v);
		if (xfa_json_str(json_object_get(prev, "milestones"), st) ||
		    (status && !strcmp(status, st)))
			after = st;
	}
	if (!after || wf_str_in(json_object_get(rule, "only"), a->step->id))
		return 0;
	wf_join(only, sizeof(only), json_object_get(rule, "only"), "', '");
	return xfa_error_set(XFA_EINVALID, "case %s repeats %s, whose matter "
		"was terminated after %s (%s): it can only take step '%s', not "
		"'%s'", a->cid, earlier, xfa_workflow_label(a->wf, "state",
		after, "zh"), after, only, a->step->id);
}

/* Step 8b: a step that "advances" a coded field (逐级上报: village, township,
 * county) must give the entry after the case's current one. */
static int check_advance(struct apply *a)
{
	const json_t *adv = wf_step_get(a->step, "advances"), *voc, *v;
	const char *field, *cur, *want, *next = NULL;
	size_t i, n;

	if (!adv)
		return 0;
	field = xfa_json_str(adv, "field");
	voc = json_object_get(json_object_get(a->wf->def, "vocabularies"),
			      xfa_json_str(adv, "vocabulary"));
	if (!(n = json_array_size(voc)))
		return fail(a, XFA_EINVALID, "step '%s' advances '%s' along "
			    "vocabulary '%s', which has no entries",
			    a->step->id, field, xfa_json_str(adv, "vocabulary"));
	cur = xfa_json_str(a->ctx->before, field);
	want = xfa_json_str(a->user, field);
	if (!cur)
		return fail(a, XFA_EINVALID, "step '%s': the case has no '%s' "
			    "to move on from", a->step->id, field);
	json_array_foreach(voc, i, v)
		if (!strcmp(xfa_json_str(v, "id") ? xfa_json_str(v, "id") : "",
			    cur) && i + 1 < n)
			next = xfa_json_str(json_array_get(voc, i + 1), "id");
	if (!next)
		return fail(a, XFA_EINVALID, "step '%s': '%s' is already '%s' "
			    "(%s), the top of the list", a->step->id, field,
			    cur, xfa_workflow_label(a->wf, xfa_json_str(adv,
			    "vocabulary"), cur, "zh"));
	if (!want || strcmp(want, next))
		return fail(a, XFA_EINVALID, "step '%s': '%s' moves one step at "
			    "a time, from '%s' to '%s', not to '%s'", a->step->id,
			    field, cur, next, want ? want : "(none)");
	return 0;
}

/* Step 9: a window (a "refuse" rule) this step would use has closed. */
static int check_windows(struct apply *a)
{
	const json_t *due = json_object_get(a->ctx->before, "due");
	const xfa_deadline *r;

	if (xfa_deadline_window(&r, a->wf->rules, a->wf->nrules, a->step->id,
				due, &a->eff) < 0)
		return xfa_error_wrap(XFA_EINVALID, "case %s", a->cid);
	if (r)
		return fail(a, XFA_EINVALID, "step '%s' is too late: the window "
			    "'%s' (%s) closed on %s", a->step->id, r->id,
			    xfa_workflow_label(a->wf, "deadline", r->id, "zh"),
			    xfa_json_str(due, r->id));
	if (xfa_deadline_waiting(&r, a->wf->rules, a->wf->nrules, a->step->id,
				 due, &a->eff) < 0)
		return xfa_error_wrap(XFA_EINVALID, "case %s: step '%s'",
				      a->cid, a->step->id);
	if (r)
		return fail(a, XFA_EINVALID, "step '%s' is too early: the period "
			    "'%s' (%s) runs until %s", a->step->id, r->id,
			    xfa_workflow_label(a->wf, "deadline", r->id, "zh"),
			    xfa_json_str(due, r->id));
	return 0;
}

/* An extension: move the deadline and count it, within the limits. */
static int extend(struct apply *a, json_t *due)
{
	const json_t *ex = wf_step_get(a->step, "extends");
	const json_t *days = json_object_get(a->user,
					     xfa_json_str(ex, "days_field"));
	long long count;
	int err;

	if ((err = xfa_deadline_extension(due, &count, a->wf->rules,
					  a->wf->nrules, ex, days,
					  a->ctx->before, a->cal)) < 0)
		return xfa_error_wrap(err, "case %s: step '%s'", a->cid,
				      a->step->id);
	if (json_object_set_new(a->derived, "extensions", json_integer(count)))
		return oom();
	return 0;
}

/*
 * A deadline counted again (its rule's "restart_on": the organ a matter is
 * escalated to handles it anew) may be extended again when the step that
 * extends it says "per_run": its count belongs to one run of the deadline.
 */
static int restart_extensions(struct apply *a, const json_t *due)
{
	const json_t *ex;
	const xfa_deadline *r;
	const char *dl;
	size_t i;

	if (xfa_json_int(a->ctx->before, "extensions", 0) == 0)
		return 0;
	for (i = 0; i < a->wf->nsteps; i++) {
		ex = wf_step_get(&a->wf->steps[i], "extends");
		dl = xfa_json_str(ex, "deadline");
		r = dl ? xfa_deadline_find(a->wf->rules, a->wf->nrules, dl) : NULL;
		if (!r || !json_is_true(json_object_get(ex, "per_run")) ||
		    !wf_str_in(r->restart_on, a->step->id) ||
		    !json_object_get(due, dl))
			continue;
		if (json_object_set_new(a->derived, "extensions", json_integer(0)))
			return oom();
		return 0;
	}
	return 0;
}

/* Step 10: milestones, due dates (set, or counted again from this step for
 * a rule's "restart_on"), counts, the workflow id. */
static int derive(struct apply *a)
{
	const char *eff = xfa_json_str(a->ev, "effective");
	const char *to = a->step->to, *counter;
	json_t *due = json_object(), *base = NULL;
	int err = 0;

	if (!(a->derived = json_object()) || !due)
		goto oom;
	if (a->step->initial && json_object_set_new(a->derived, "workflow",
						    json_string(a->wf->id)))
		goto oom;
	if (to && (!a->from || strcmp(a->from, to)) &&
	    json_object_set_new(a->derived, "milestones",
				json_pack("{s:s}", to, eff)))
		goto oom;
	if ((counter = xfa_json_str(a->step->def, "counts")) &&
	    json_object_set_new(a->derived, counter, json_integer(
		xfa_json_int(a->ctx->before, counter, 0) + 1)))
		goto oom;
	if (!(base = xfa_json_merge_patch(json_deep_copy(a->doc), a->derived)))
		goto oom;
	if (wf_step_get(a->step, "extends") && (err = extend(a, due)) < 0)
		goto done;
	if ((err = xfa_deadline_set_on(due, a->wf->rules, a->wf->nrules,
				       a->step->id, base, a->cal)) < 0 ||
	    (err = xfa_deadline_restart(due, a->wf->rules, a->wf->nrules,
					a->step->id, base, &a->eff,
					a->cal)) < 0 ||
	    (err = restart_extensions(a, due)) < 0) {
		err = xfa_error_wrap(err, "case %s: step '%s'", a->cid,
				     a->step->id);
		goto done;
	}
	if (json_object_size(due) &&
	    json_object_set(a->derived, "due", due))
		goto oom;
	goto done;
oom:
	err = oom();
done:
	json_decref(due);
	json_decref(base);
	return err;
}

/* Step 11: derived keys given must be what we derive; write the patch. */
static int finish(struct apply *a)
{
	const char *key;
	json_t *val, *patch;

	json_object_foreach(a->given, key, val)
		if (!json_equal(json_object_get(a->derived, key), val))
			return fail(a, XFA_EINVALID, "step '%s': field '%s' is "
				    "derived by the workflow and may not be set",
				    a->step->id, key);
	if (!(patch = json_copy(a->user)) || json_object_update(patch,
								a->derived)) {
		json_decref(patch);
		return oom();
	}
	if (!json_object_size(patch)) {
		json_decref(patch);
		json_object_del(a->ev, "patch");
		return 0;
	}
	return json_object_set_new(a->ev, "patch", patch) ? oom() : 0;
}

/* The checks and derivations of apply(), in order; each reads the last. */
static int (*const stages[])(struct apply *) = {
	resolve, check_role, check_times, split_patch, check_fields,
	check_attachments, check_history, check_repeat, check_advance,
	check_windows,
	derive, finish
};

int xfa_workflow_apply(json_t *ev, const xfa_workflow *wf,
		       const xfa_wf_ctx *ctx)
{
	struct apply a = { .wf = wf, .ctx = ctx, .ev = ev };
	xfa_calendar *plain = NULL;
	size_t i;
	int err = 0;

	a.cid = xfa_json_str(ev, "case");
	if (!a.cid)
		a.cid = ctx->before && xfa_json_str(ctx->before, "id") ?
			xfa_json_str(ctx->before, "id") : "(new)";
	if (!(a.cal = ctx->cal) && (err = xfa_calendar_load(&plain, NULL)) == 0)
		a.cal = plain;
	if (err == 0 && !json_is_object(ev))
		err = fail(&a, XFA_EINVALID, "the event is not an object");
	for (i = 0; err == 0 && i < sizeof(stages) / sizeof(*stages); i++)
		err = stages[i](&a);
	json_decref(a.user);
	json_decref(a.given);
	json_decref(a.derived);
	json_decref(a.doc);
	xfa_calendar_free(plain);
	return err;
}

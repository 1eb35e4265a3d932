/* deadline.h - the deadline rules of a workflow (used by workflow.c only):
 * due dates counted in calendar days, working days or hours, windows that
 * refuse a late step, and the evaluation of a case's deadlines. */
#ifndef XFA_DEADLINE_H
#define XFA_DEADLINE_H

#include <jansson.h>

#include "calendar.h"
#include "stamp.h"

enum { XFA_DL_CALENDAR_DAYS, XFA_DL_WORKING_DAYS, XFA_DL_HOURS };

/* One rule of the definition's "deadlines" list. */
typedef struct xfa_deadline {
	const char *id;          /* borrowed from the definition (to set_on) */
	const json_t *label;     /* {"zh", "en"} */
	const char *from;        /* a state (its milestone) or a case field */
	int from_state;          /* `from` names a state */
	int amount;
	int unit;                /* XFA_DL_* */
	int refuse;              /* "refuse": a window; "report": a duty */
	int wait;                /* "wait": met_by steps refused until the due
				  * date has passed (an observation period) */
	const json_t *set_on;    /* step ids that set the due date */
	const json_t *variants;  /* "variants" [{when, amount, unit}] or NULL:
				  * the first whose "when" the case matches
				  * replaces amount and unit (社区 3 hours) */
	const json_t *restart_on; /* step ids that count an unmet due date
				   * again from the step (逐级上报), or NULL */
	json_t *met_steps;       /* owned: step ids that fulfil the rule */
	json_t *met_states;      /* owned: states whose entry fulfils it */
} xfa_deadline;

/*
 * Read the "deadlines" of workflow definition `def` (borrowed; must outlive
 * the rules), resolving "met_by" (transitions that enter a new state, or
 * states) and checking "set_on" and every transition's "extends".  *out
 * (*n rules) is the caller's (xfa_deadlines_free).  Returns 0, XFA_EINVALID
 * or XFA_ERROR.
 */
int xfa_deadlines_load(xfa_deadline **out, size_t *n, const json_t *def);
void xfa_deadlines_free(xfa_deadline *rules, size_t n);

/* The rule `id` of rules[0..n), or NULL. */
const xfa_deadline *xfa_deadline_find(const xfa_deadline *rules, size_t n,
				      const char *id);

/*
 * Read rule `def` (borrowed; must outlive `r`).  `from_state` and the met_*
 * lists start empty: the workflow loader resolves names.  Returns 0 or
 * XFA_ERROR (out of memory).
 */
int xfa_deadline_init(xfa_deadline *r, const json_t *def);
void xfa_deadline_release(xfa_deadline *r);

/*
 * When rule `r` starts counting in case document `doc`: the milestone of
 * its state or the time in its field.  Returns 0, XFA_ENOTFOUND (not set)
 * or XFA_EINVALID (not an RFC 3339 time).
 */
int xfa_deadline_start(xfa_stamp *out, const xfa_deadline *r,
		       const json_t *doc);

/*
 * Rule `r` as it applies to case document `doc` (borrowed): a copy of `r`
 * with the amount and unit of the first of its "variants" whose "when"
 * ({"field", "in"}) matches `doc` (the field's text is one of "in"), else
 * `r` itself.  The copy borrows everything from `r`.
 */
void xfa_deadline_variant(xfa_deadline *out, const xfa_deadline *r,
			  const json_t *doc);

/*
 * The due date of `r` counted from `start`: "YYYY-MM-DD" for day rules
 * (calendar days roll to the next working day), a full RFC 3339 stamp in
 * the start's offset for hour rules.
 */
void xfa_deadline_due(char out[XFA_STAMP_SIZE], const xfa_deadline *r,
		      const xfa_stamp *start, const xfa_calendar *cal);

/*
 * Move due date `due` of `r` by `days` calendar days (rolled to a working
 * day like any calendar-day deadline; 24-hour days for a due time, as an
 * hour rule or variant sets).  Returns 0 or XFA_EINVALID (`due` malformed).
 */
int xfa_deadline_extend(char out[XFA_STAMP_SIZE], const xfa_deadline *r,
			const char *due, int days, const xfa_calendar *cal);

/*
 * Is `when` past `due`?  A date is past once `when` falls on a later day
 * (in `when`'s own offset); a stamp once `when` is a later instant.
 * Returns 1, 0 or XFA_EINVALID (`due` malformed).
 */
int xfa_deadline_passed(const char *due, const xfa_stamp *when);

/*
 * Evaluate rule `r`, due `due`, in document `doc` on day `today`: a new
 * object {id, label (zh), due, done, met, days_left, enforce}.  `stop` lists
 * the states in which a case no longer runs (borrowed).  Returns NULL with
 * XFA_EINVALID set if `due` is malformed.
 */
json_t *xfa_deadline_eval(const xfa_deadline *r, const char *due,
			  const json_t *doc, const json_t *stop, long today);

/*
 * Set in object `due` the due date of every rule of rules[0..n) whose
 * set_on lists step `step`, counted in document `doc` (which already holds
 * the step's own milestone).  Returns 0, XFA_EINVALID (a rule's start is
 * missing or malformed; the message names the rule) or XFA_ERROR.
 */
int xfa_deadline_set_on(json_t *due, const xfa_deadline *rules, size_t n,
			const char *step, const json_t *doc,
			const xfa_calendar *cal);

/*
 * Count again from `when` (the step's effective time) every due date of
 * `doc`'s "due" whose rule lists step `step` in "restart_on" and that `doc`
 * has not met, under the variant `doc` (the case after the step, e.g. at
 * its new level) selects; set them in object `due`.  Returns 0 or
 * XFA_ERROR.
 */
int xfa_deadline_restart(json_t *due, const xfa_deadline *rules, size_t n,
			 const char *step, const json_t *doc,
			 const xfa_stamp *when, const xfa_calendar *cal);

/*
 * The first window of rules[0..n) (a "refuse" rule) that step `step` would
 * fulfil but whose due date in `due` (a case's "due" object) `when` has
 * passed: *out, or NULL if none.  Returns 0 or XFA_EINVALID (a due date is
 * malformed).
 */
int xfa_deadline_window(const xfa_deadline **out, const xfa_deadline *rules,
			size_t n, const char *step, const json_t *due,
			const xfa_stamp *when);

/*
 * The first "wait" rule of rules[0..n) that step `step` would fulfil but
 * whose due date in `due` `when` has not yet passed (the observation period
 * still runs): *out, or NULL if none.  Returns 0 or XFA_EINVALID.
 */
int xfa_deadline_waiting(const xfa_deadline **out, const xfa_deadline *rules,
			 size_t n, const char *step, const json_t *due,
			 const xfa_stamp *when);

/*
 * Extension `ex` (a transition's "extends") of a case whose document before
 * the step is `before`: refuse it past "max_count" extensions (the case's
 * "extensions") or when `days` (from the patch) is not an integer within
 * "min_days".."max_days"; else move the deadline's due date by `days`
 * calendar days into `due` and set *count to the new extension count.
 * Returns 0, XFA_EINVALID (message without the case) or XFA_ERROR.
 */
int xfa_deadline_extension(json_t *due, long long *count,
			   const xfa_deadline *rules, size_t n,
			   const json_t *ex, const json_t *days,
			   const json_t *before, const xfa_calendar *cal);

/*
 * Evaluate every due date of `doc`: rules[0..n) in order, then keys of
 * "due" no rule names (judged by date alone).  A new array, or NULL with
 * a message set.  See xfa_workflow_deadlines().
 */
json_t *xfa_deadline_eval_all(const xfa_deadline *rules, size_t n,
			      const json_t *doc, const json_t *stop,
			      long today);

#endif

/* workflow.h - the petition workflow as data: states, transitions, roles,
 * required fields and attachments, deadlines, labels (schemas/workflow/). */
#ifndef XFA_WORKFLOW_H
#define XFA_WORKFLOW_H

#include <jansson.h>

#include "calendar.h"

typedef struct xfa_workflow xfa_workflow;

/*
 * Build a workflow from its definition (`def` borrowed; copied), after
 * validating it against schemas/workflow.schema.json and checking that
 * every state, step, role, attachment kind, vocabulary and deadline it
 * names exists, that exactly one transition is initial and that no two
 * transitions share both a source state and a target.  *out is the
 * caller's (xfa_workflow_free).  Returns 0, XFA_EINVALID or XFA_ERROR.
 */
int xfa_workflow_load(xfa_workflow **out, const json_t *def);
void xfa_workflow_free(xfa_workflow *wf);

/* The definition's "states" array (objects with "id", "label", "terminal",
 * "archivable"), in its order; borrowed.  For reports that list every state. */
const json_t *xfa_workflow_states(const xfa_workflow *wf);

/* The definition's "id", e.g. "xinfang-2022"; borrowed. */
const char *xfa_workflow_id(const xfa_workflow *wf);

/*
 * Does `state` exist / is it terminal (no event may follow) / may it be
 * archived / is it open (neither terminal nor archivable: the case still
 * runs)?
 */
int xfa_workflow_has_state(const xfa_workflow *wf, const char *state);
int xfa_workflow_is_terminal(const xfa_workflow *wf, const char *state);
int xfa_workflow_is_archivable(const xfa_workflow *wf, const char *state);
int xfa_workflow_is_open(const xfa_workflow *wf, const char *state);

/*
 * Display label of `id` in vocabulary `vocab` in `lang` ("zh" or "en"):
 * "state", "event" (transitions and status-free events), "deadline", or a
 * list of the definition's "vocabularies": "channel", "category", "kind",
 * "role", "satisfaction", "attachment", "decision_channel", "outcome",
 * "level".  Borrowed; falls back to `id` itself.
 */
const char *xfa_workflow_label(const xfa_workflow *wf, const char *vocab,
			       const char *id, const char *lang);

/*
 * Vocabularies as input (workflow_vocab.c).  `vocab` is "state", "event"
 * (transitions and status-free events) or a name of the definition's
 * "vocabularies" ("channel", "category", "kind", "role", "outcome",
 * "satisfaction", "decision_channel", "level", "attachment"...).
 *
 * xfa_workflow_has_vocab: does the definition have vocabulary `vocab`?
 * xfa_workflow_resolve: the id (borrowed) whose id or label, in any
 *   language, is `s`; NULL if none.  An id wins over a label.
 * xfa_workflow_choices: the allowed values as one malloc'd line in `lang`
 *   ("zh": "来信 (letter)、来访 (visit)…", "en": "letter, visit…"); NULL if
 *   out of memory.  Internal steps are not offered.
 * xfa_workflow_refuse_value: sets the message "WHAT: 'VALUE' is not one of:
 *   CHOICES" in `lang` and returns XFA_EINVALID.
 * xfa_workflow_resolve_codes: every coded field of `doc` (the definition's
 *   "coded_fields", dotted paths such as "decision.channel") that holds a
 *   label is replaced by its id, in place; a value that is neither is
 *   refused (XFA_EINVALID, the field and the choices named); null and
 *   non-text values are left for the schema.  Returns 0, XFA_EINVALID or
 *   XFA_ERROR.
 */
int xfa_workflow_has_vocab(const xfa_workflow *wf, const char *vocab);
const char *xfa_workflow_resolve(const xfa_workflow *wf, const char *vocab,
				 const char *s);
char *xfa_workflow_choices(const xfa_workflow *wf, const char *vocab,
			   const char *lang);
int xfa_workflow_refuse_value(const xfa_workflow *wf, const char *vocab,
			      const char *what, const char *value,
			      const char *lang);
int xfa_workflow_resolve_codes(const xfa_workflow *wf, json_t *doc,
			       const char *lang);

/*
 * The state the first "internal" transition enters (in xinfang-2022:
 * "archived", which only `xfa export` may take), or NULL.  Borrowed.  So
 * that export need not name the state in C.
 */
const char *xfa_workflow_internal_state(const xfa_workflow *wf);

/*
 * The definition's "report" section (borrowed; NULL if it has none): the
 * rates (三率) with the deadline or coded field behind each, the breakdowns,
 * and the case fields counted as 件次 and 人次.  See
 * schemas/workflow.schema.json; xfa_workflow_load() checked every name.
 */
const json_t *xfa_workflow_report(const xfa_workflow *wf);

/* What the workflow needs to know besides the event itself. */
typedef struct xfa_wf_ctx {
	const json_t *before;      /* the case document before the event; NULL when registering */
	const json_t *repeat_of;   /* document of the case named by "repeat_of", or NULL */
	const char *const *roles;  /* roles the signer holds at the event's time, NULL-terminated */
	const xfa_calendar *cal;   /* the archive's holiday calendar; NULL: weekends only */
	int allow_internal;        /* set only by xfa itself (export): permits
				    * "internal" steps such as "archive" */
} xfa_wf_ctx;

/*
 * Complete and check the event `ev` (borrowed, modified in place) against
 * the workflow.  See schemas/event.schema.json for the event's fields.
 *
 * On input `ev` holds "type" ("register", "move", a transition id, or a
 * status-free event type such as "attach", "amend", "note", "supervise",
 * "urge", "evaluate"), "to" (for "register" and moves), "effective" (the
 * time of the act; "at" if missing), "at", optionally "role", "note",
 * "patch" (the user's merge patch) and "attachments" (this event's).
 * On success "type" is the step id (e.g. "accept"), "from" is the state
 * before and "to" the state after (both null for a status-free event),
 * "role" is the role the signer acts in, and "patch" is the user's part
 * plus what the workflow derives (the key is removed when both are empty):
 *   "workflow": the definition id (registration only);
 *   "milestones": {"<state entered>": "<effective>"} when the step enters
 *       a new state (a self-loop such as "extend" does not);
 *   "due": {"<deadline id>": "YYYY-MM-DD" or an RFC 3339 stamp for hour
 *       rules} for the rules set on this step, and for an extension the
 *       moved deadline;
 *   "extensions": the new extension count (extension steps only);
 *   the field a step "counts" (e.g. "escalations" for 督办 and 催办),
 *       incremented.
 * A patch key listed in the definition's "derived_fields" is refused unless
 * the step lists it in "system_fields" (set by the calling module, e.g.
 * "id" and "query_hash" at registration, "archive" when archiving) or it is
 * one of those the workflow derives and equals what it derives.
 *
 * The function is idempotent and deterministic (it reads no clock): applied
 * to a completed event with the same context it gives the same event,
 * which is how verification recomputes and compares.
 *
 * Returns 0, XFA_EINVALID (illegal transition, missing field or attachment
 * kind, unknown code, window passed, a second extension, a repeat of a
 * terminated matter not rejected, an internal step without allow_internal,
 * effective after at or before received_at or the last milestone...),
 * XFA_EAUTH (the signer lacks every role the step allows) or XFA_ERROR (out
 * of memory).  The message names the case, the step and the rule.
 */
int xfa_workflow_apply(json_t *ev, const xfa_workflow *wf,
		       const xfa_wf_ctx *ctx);

/*
 * The deadlines of case document `doc` (borrowed) as a new JSON array, one
 * entry per key of doc "due" (rules in definition order first):
 *   {"id", "label" (zh), "due", "enforce": "report"|"refuse",
 *    "done": the date (stamp for hour rules) of the milestone that met it,
 *            or null,
 *    "met": true (done by the due date) | false (done late, or not done and
 *           past due) | null (open and not yet due),
 *    "days_left": due - today while open, else null}
 * evaluated on day `today` (days since 1970-01-01).  A "refuse" rule is a
 * window (e.g. for asking a review): unused, it lapses and is never false.
 * A case that stopped (reached a state that is not open) without meeting a
 * rule is late only if it stopped after the due date.  `cal` is unused
 * today (due dates are already rolled).  Returns NULL (message set) if a
 * due date is malformed or memory runs out.
 */
json_t *xfa_workflow_deadlines(const xfa_workflow *wf, const json_t *doc,
			       const xfa_calendar *cal, long today);

#endif

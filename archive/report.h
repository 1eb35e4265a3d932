/* report.h - reports over the cases of an archive: open cases past or near
 * a deadline, and the rates (三率) with the counts behind them, counted by
 * the rules in the workflow's "report" section (schemas/workflow/). */
#ifndef XFA_REPORT_H
#define XFA_REPORT_H

#include <jansson.h>
#include <limits.h>

#include "archive.h"

/* What a report covers. */
typedef struct xfa_report_opts {
	long as_of;   /* "today" (days since 1970-01-01) for deadlines */
	long from;    /* first day of received_at counted (LONG_MIN: no limit) */
	long to;      /* last day of received_at counted (LONG_MAX: no limit) */
	int within;   /* overdue: also duties due within this many days;
		       * < 0: the workflow's "near_days" (0 if it has none) */
} xfa_report_opts;

/* Defaults: today in the archive's offset (or XFA_NOW), all dates. */
int xfa_report_opts_init(xfa_report_opts *o, xfa_archive *a);

/*
 * Call `fn` with the document of every case at the archive's head (in id
 * order) whose received_at falls in o->from .. o->to (NULL `o`: every
 * case).  `doc` is borrowed for the call.  Stops when fn returns non-zero
 * and returns that.  Returns 0, XFA_EINVALID (a malformed case document) or
 * XFA_ERROR.  For reports written elsewhere (ledger, statistics).
 */
int xfa_report_each(xfa_archive *a, const xfa_report_opts *o,
		    int (*fn)(const json_t *doc, void *payload), void *payload);

/*
 * Open cases (xfa_workflow_is_open) with a duty (an "enforce": "report"
 * deadline) not done that is past due on o->as_of or due within o->within
 * days.  *out (new, the caller's):
 *   {"as_of": "YYYY-MM-DD", "within": N,
 *    "items": [{"case", "status", "unit" (or null), "level" (the
 *               report's "per" field, or null), "deadline" (rule id),
 *               "label" (zh), "due", "days_left" (negative: days overdue),
 *               "overdue": bool}, ...],
 *    "per": {"field", "label", "counts": {"<value>": {"label", "overdue",
 *            "near"}}} (null when the workflow's report has no "per")}
 * most overdue first; a case without the field counts under "(none)".  Returns 0 or a code (see xfa_report_each).
 */
int xfa_report_overdue(json_t **out, xfa_archive *a, const xfa_report_opts *o);

/*
 * The rates and counts of the cases received in o->from .. o->to, with
 * deadlines judged on o->as_of.  *out (new, the caller's):
 *   {"from", "to" (dates or null), "as_of",
 *    "cases": 件数 (registrations), "matters": 件 (cases that are not a
 *    repeat of an earlier case), "times": 件次, "people": 人次,
 *    "rates": {"<rate id>": {"label", "numerator", "denominator",
 *              "percent" (2 decimals, null when the denominator is 0), ...}},
 *    "breakdowns": {"<field>": {"label", "counts": {"<value>":
 *              {"label", "cases", "times", "people"}}}},
 *    "per": {"field", "label", "counts": {"<value>": {"label", "cases",
 *            "settled" (reached a state of "settled"), "rates": {as
 *            above}}}} (null when the report has no "per")}
 * A deadline rate also gives "late" and "pending" (not yet judged); the
 * satisfaction rate "values" {"<value>": n} and "excluded".  Returns
 * 0, XFA_EINVALID (the workflow has no "report" section) or a code of
 * xfa_report_each.
 */
int xfa_report_rates(json_t **out, xfa_archive *a, const xfa_report_opts *o);

#endif

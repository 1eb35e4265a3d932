/* ledger.h - the dispute-risk ledger 矛盾纠纷台账 (report 002) read back:
 * risk items per list (三级清单), the items due for 销号, lists, and the
 * yearly counts of the statistics; adding the ledger to an archive made
 * without one.  Writing risk items is case.c's. */
#ifndef XFA_LEDGER_H
#define XFA_LEDGER_H

#include <jansson.h>

#include "archive.h"

/*
 * The ledger at the archive's head, its waiting periods judged on day
 * `at` (days since 1970-01-01; the observation period has elapsed when a
 * 销号 on that day would be legal).  *out (new, the caller's):
 *   {"workflow": id, "at": "YYYY-MM-DD", "total": items registered,
 *    "open": items not struck off, "struck": items struck off,
 *    "levels": [{"state", "label" (zh), "count"}, ...] every state of the
 *              ledger's workflow in its order, the terminal one included,
 *    "due": [{"id", "status", "found_by", "locality", "summary",
 *             "due" (the waiting rule's due date), "days_over": days
 *             since it}, ...] items a 销号 could strike off on `at`,
 *             longest waiting first}
 * An item is due when the ledger's workflow would accept a step into a
 * terminal state on `at` by a clerk: which states, roles and periods that
 * takes is the workflow data's.  Returns 0, XFA_EINVALID (the archive keeps
 * no ledger, or a malformed risk document) or XFA_ERROR.
 */
int xfa_ledger_report(json_t **out, xfa_archive *a, long at);

/*
 * The risk items at the head whose status is `status` (NULL: all), in id
 * order: *out a new array of their documents.  XFA_EINVALID (no ledger, or
 * `status` is not a state of the ledger's workflow).
 */
int xfa_ledger_list(json_t **out, xfa_archive *a, const char *status);

/*
 * For the yearly statistics: the risk items found in `year` (received_at,
 * in its own offset) into *screened and those struck off in `year` (their
 * milestone of a terminal state) into *resolved.  Zero for an archive with
 * no ledger.  Returns 0 or a code.
 */
int xfa_ledger_year(long long *screened, long long *resolved, xfa_archive *a,
		    int year);

/*
 * Add the ledger to an archive made without one: one "ledger-enable" event
 * on the archive's own stream, signed by `admin` in the admin role, whose
 * patch names the ledger ({"prefix", "workflow": "risk-ledger.json"}) and
 * which attaches the shipped ledger workflow to .xfa/attachments/ (unless
 * that very file is there already).  `prefix` NULL: "FX" ("FXR" when the
 * cases use FX).  Returns 0, XFA_EEXISTS (a ledger already, or another
 * file of the workflow's name in .xfa/attachments/), XFA_EINVALID (a bad
 * prefix or the cases' one), XFA_EAUTH (not an admin), XFA_ECONFLICT.
 */
int xfa_ledger_enable(xfa_archive *a, const xfa_key *admin, const char *prefix);

/* What xfa_ledger_enable checks before signing (all but the signer), with
 * the same codes and nothing written: to refuse before a key is unlocked. */
int xfa_ledger_enable_check(xfa_archive *a, const char *prefix);

#endif

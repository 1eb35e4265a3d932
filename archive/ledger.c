/* ledger.c - the dispute-risk ledger read back: counts per list, items due
 * for 销号, lists and yearly counts; and its adding to an archive made
 * without one, as an admin's event of the archive's stream (see ledger.h). */
#include "ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachment.h"
#include "case.h"
#include "embedded.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "report.h"
#include "schema.h"
#include "stamp.h"

/* One walk over the risk items. */
struct walk {
	xfa_store *st;
	const xfa_oid *head;
	int (*fn)(const json_t *doc, void *payload);
	void *payload;
};

static int read_one(const char *id, const char *dir, void *payload)
{
	struct walk *w = payload;
	json_t *doc;
	int err;

	(void)id;
	if ((err = xfa_case_doc_at(&doc, w->st, w->head, dir)) == 0) {
		if (!json_is_object(doc) || !xfa_json_str(doc, "status"))
			err = xfa_error_set(XFA_EINVALID, "%s/%s: not a risk document",
					    dir, XFA_CASE_DOC);
		else
			err = w->fn(doc, w->payload);
	}
	json_decref(doc);
	return err;
}

/* Call fn with each risk document at the head; *m the metadata there. */
static int each_risk(const xfa_meta **m, xfa_archive *a, int need_ledger,
		     int (*fn)(const json_t *doc, void *payload), void *payload)
{
	struct walk w;
	xfa_oid head;
	int err;

	if ((err = xfa_archive_meta(m, a)) < 0 ||
	    (err = xfa_store_head(&head, xfa_archive_store(a))) < 0)
		return err;
	if (!(*m)->kinds[XFA_KIND_RISK].wf)
		return need_ledger ? xfa_error_set(XFA_EINVALID, "%s",
				     (*m)->kinds[XFA_KIND_RISK].why) : 0;
	w.st = xfa_archive_store(a);
	w.head = &head;
	w.fn = fn;
	w.payload = payload;
	return xfa_risk_each(w.st, &head, read_one, &w);
}

struct rep {
	const xfa_meta *m;
	const xfa_workflow *wf;
	long at;
	json_t *counts;     /* state -> count */
	json_t *due;
	long long total, struck;
};

/* Would a step into a terminal state be legal on day r->at? */
static int could_strike(const struct rep *r, const json_t *doc)
{
	const json_t *states = xfa_workflow_states(r->wf), *s;
	char at[XFA_STAMP_SIZE];
	xfa_stamp noon;
	size_t i;
	int ok = 0;

	noon.off = r->m->off;
	noon.t = (int64_t)r->at * 86400 + 12 * 3600 - (int64_t)r->m->off * 60;
	xfa_stamp_format(at, &noon);
	json_array_foreach(states, i, s) {
		const char *id = xfa_json_str(s, "id");
		xfa_wf_ctx w;
		json_t *ev;
		if (!id || !xfa_workflow_is_terminal(r->wf, id))
			continue;
		ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{}}", "type", "move",
			       "to", id, "at", at, "effective", at, "note", "销号",
			       "patch");
		memset(&w, 0, sizeof(w));
		w.before = doc;
		w.roles = xfa_roles;
		w.cal = r->m->cal;
		ok = ev && xfa_workflow_apply(ev, r->wf, &w) == 0;
		json_decref(ev);
		if (ok)
			break;
	}
	xfa_error_clear();
	return ok;
}

/* The latest "wait" due date of `doc` that has passed on r->at, or NULL. */
static const char *waited(const struct rep *r, const json_t *doc, long *days)
{
	json_t *dl = xfa_workflow_deadlines(r->wf, doc, r->m->cal, r->at), *d;
	const char *best = NULL;
	long day;
	size_t i;

	json_array_foreach(dl, i, d) {
		const char *due = xfa_json_str(d, "due");
		const char *enf = xfa_json_str(d, "enforce");
		if (!due || !enf || strcmp(enf, "wait") || xfa_day_parse(&day, due) < 0)
			continue;
		if (!best || r->at - day < *days) {
			best = xfa_json_str(json_object_get(doc, "due"), xfa_json_str(d, "id"));
			*days = r->at - day;
		}
	}
	json_decref(dl);
	xfa_error_clear();
	return best;
}

static int count_one(const json_t *doc, void *payload)
{
	struct rep *r = payload;
	const char *st = xfa_json_str(doc, "status");
	json_t *row;
	long days = 0;
	const char *due;

	r->total++;
	if (xfa_workflow_is_terminal(r->wf, st))
		r->struck++;
	json_object_set_new(r->counts, st, json_integer(
		json_integer_value(json_object_get(r->counts, st)) + 1));
	if (xfa_workflow_is_terminal(r->wf, st) || !could_strike(r, doc))
		return 0;
	due = waited(r, doc, &days);
	row = json_pack("{s:O, s:s, s:O, s:O, s:O, s:s?, s:I}",
		"id", json_object_get(doc, "id"), "status", st,
		"found_by", json_object_get(doc, "found_by"),
		"locality", json_object_get(doc, "locality"),
		"summary", json_object_get(doc, "summary"), "due", due,
		"days_over", (json_int_t)days);
	if (!row || json_array_append_new(r->due, row))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

static int by_days_over(const void *x, const void *y)
{
	const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	long long da = xfa_json_int(a, "days_over", 0), db = xfa_json_int(b, "days_over", 0);

	if (da != db)
		return da > db ? -1 : 1;
	return strcmp(xfa_json_str(a, "id"), xfa_json_str(b, "id"));
}

/* r->due sorted, longest waiting first (a new array). */
static json_t *sorted_due(const json_t *due)
{
	return xfa_json_sorted(due, by_days_over);
}

/* {"state", "label", "count"} for every state of the workflow. */
static json_t *level_rows(const struct rep *r)
{
	const json_t *s;
	json_t *rows = json_array();
	size_t i;

	json_array_foreach(xfa_workflow_states(r->wf), i, s) {
		const char *id = xfa_json_str(s, "id");
		json_array_append_new(rows, json_pack("{s:s, s:s, s:I}", "state", id,
			"label", xfa_workflow_label(r->wf, "state", id, "zh"),
			"count", json_integer_value(json_object_get(r->counts, id))));
	}
	return rows;
}

int xfa_ledger_report(json_t **out, xfa_archive *a, long at)
{
	char day[XFA_DATE_SIZE];
	struct rep r;
	json_t *due = NULL;
	int err;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.at = at;
	r.counts = json_object();
	r.due = json_array();
	if (!r.counts || !r.due) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = xfa_archive_meta(&r.m, a)) < 0)
		goto done;
	r.wf = r.m->kinds[XFA_KIND_RISK].wf;
	if ((err = each_risk(&r.m, a, 1, count_one, &r)) < 0)
		goto done;
	if (!(due = sorted_due(r.due))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	xfa_date_format(day, at);
	*out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o}",
		"workflow", xfa_workflow_id(r.wf), "at", day,
		"total", (json_int_t)r.total, "open", (json_int_t)(r.total - r.struck),
		"struck", (json_int_t)r.struck, "levels", level_rows(&r), "due", due);
	due = NULL;
	if (!*out)
		err = xfa_error_set(XFA_ERROR, "out of memory");
done:
	json_decref(r.counts);
	json_decref(r.due);
	json_decref(due);
	return err;
}

struct list {
	const char *status;
	json_t *rows;
};

static int list_one(const json_t *doc, void *payload)
{
	struct list *l = payload;

	if (l->status && strcmp(l->status, xfa_json_str(doc, "status")))
		return 0;
	return json_array_append(l->rows, (json_t *)doc) ?
		xfa_error_set(XFA_ERROR, "out of memory") : 0;
}

int xfa_ledger_list(json_t **out, xfa_archive *a, const char *status)
{
	const xfa_meta *m;
	struct list l;
	int err;

	*out = NULL;
	if ((err = xfa_archive_meta(&m, a)) < 0)
		return err;
	if (!m->kinds[XFA_KIND_RISK].wf)
		return xfa_error_set(XFA_EINVALID, "%s", m->kinds[XFA_KIND_RISK].why);
	if (status && !xfa_workflow_has_state(m->kinds[XFA_KIND_RISK].wf, status))
		return xfa_error_set(XFA_EINVALID, "'%s' is not a list of the ledger "
				     "(workflow %s)", status,
				     xfa_workflow_id(m->kinds[XFA_KIND_RISK].wf));
	l.status = status;
	if (!(l.rows = json_array()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = each_risk(&m, a, 1, list_one, &l)) < 0) {
		json_decref(l.rows);
		return err;
	}
	*out = l.rows;
	return 0;
}

struct year {
	const xfa_workflow *wf;
	char y[16];
	long long screened, resolved;
};

static int year_one(const json_t *doc, void *payload)
{
	struct year *y = payload;
	const char *got = xfa_json_str(doc, "received_at"), *key;
	const json_t *v;

	if (got && !strncmp(got, y->y, 4))
		y->screened++;
	json_object_foreach((json_t *)json_object_get(doc, "milestones"), key, v)
		if (xfa_workflow_is_terminal(y->wf, key) && json_is_string(v) &&
		    !strncmp(json_string_value(v), y->y, 4)) {
			y->resolved++;
			break;
		}
	return 0;
}

int xfa_ledger_year(long long *screened, long long *resolved, xfa_archive *a,
		    int year)
{
	const xfa_meta *m;
	struct year y;
	int err;

	*screened = *resolved = 0;
	memset(&y, 0, sizeof(y));
	if ((err = xfa_archive_meta(&m, a)) < 0)
		return err;
	y.wf = m->kinds[XFA_KIND_RISK].wf;
	snprintf(y.y, sizeof(y.y), "%04d", year % 10000);
	if ((err = each_risk(&m, a, 0, year_one, &y)) < 0)
		return err;
	*screened = y.screened;
	*resolved = y.resolved;
	return 0;
}

/* --- adding the ledger to an archive made without one ------------------- */

#define LEDGER_WORKFLOW "risk-ledger.json"
#define LEDGER_PATH XFA_META_DIR "/attachments/" LEDGER_WORKFLOW

struct enable_job {
	const char *prefix;
	const xfa_staged *att;   /* the workflow file to attach */
	int attach;              /* 0: the same file is in .xfa/attachments/ */
};

/* Is the ledger's workflow file at `commit` absent (0), the shipped one (1),
 * or another (XFA_EEXISTS)?  Compared byte for byte, nothing written. */
static int ledger_file(xfa_store *st, const xfa_oid *commit)
{
	const struct xfa_embedded *e = xfa_embedded_find("workflow/" LEDGER_WORKFLOW);
	char *buf = NULL;
	size_t len;
	int err, same;

	err = xfa_store_read(&buf, &len, st, commit, LEDGER_PATH);
	if (err == XFA_ENOTFOUND) {
		xfa_error_clear();
		return 0;
	}
	if (err < 0)
		return err;
	same = e && len == e->len && !memcmp(buf, e->data, len);
	free(buf);
	return same ? 1 : xfa_error_set(XFA_EEXISTS, "'%s' exists and is not the "
					"shipped ledger workflow", LEDGER_PATH);
}

/* The ledger's prefix: `prefix`, or FX (FXR beside cases numbered FX). */
static int ledger_prefix(const char **out, const xfa_meta *m, const char *prefix)
{
	const char *cases = xfa_json_str(m->doc, "prefix");
	size_t i, n;

	*out = prefix ? prefix : strcmp(cases ? cases : "", "FX") ? "FX" : "FXR";
	n = strlen(*out);
	for (i = 0; i < n && (*out)[i] >= 'A' && (*out)[i] <= 'Z'; i++)
		;
	if (n < 1 || n > 8 || i < n)
		return xfa_error_set(XFA_EINVALID, "the ledger's prefix '%s' is not "
				     "1 to 8 capital letters", *out);
	if (cases && !strcmp(*out, cases))
		return xfa_error_set(XFA_EINVALID, "the ledger's prefix '%s' is the "
				     "cases' prefix", *out);
	return 0;
}

/* What xfa_ledger_enable_check checks; *attach: the file is to be attached. */
static int can_enable(const char **out_prefix, int *attach, xfa_archive *a,
		      const char *prefix)
{
	const xfa_meta *m;
	xfa_oid head;
	int err;

	if ((err = xfa_archive_meta(&m, a)) < 0)
		return err;
	if (json_object_get(m->doc, "ledger"))
		return xfa_error_set(XFA_EEXISTS, "this archive keeps a risk ledger already");
	if ((err = ledger_prefix(out_prefix, m, prefix)) < 0 ||
	    (err = xfa_store_head(&head, xfa_archive_store(a))) < 0 ||
	    (err = ledger_file(xfa_archive_store(a), &head)) < 0)
		return err;
	*attach = err == 0;
	return 0;
}

int xfa_ledger_enable_check(xfa_archive *a, const char *prefix)
{
	const char *p;
	int attach;

	return can_enable(&p, &attach, a, prefix);
}

static int build_enable(json_t *ev, xfa_append_ctx *c, void *payload)
{
	const struct enable_job *j = payload;
	json_t *after = NULL;
	int err;

	if ((err = xfa_append_stream(c, XFA_META_NAME, XFA_META_DIR, XFA_META_DOC)) < 0)
		return err;
	if (json_object_get(c->stream.doc, "ledger"))
		return xfa_error_set(XFA_EEXISTS, "this archive keeps a risk ledger already");
	if ((err = ledger_file(xfa_archive_store(c->a), c->base)) < 0)
		return err;
	if (err != !j->attach)   /* the file came or went since we looked */
		return xfa_error_set(XFA_ECONFLICT, "'%s' changed meanwhile", LEDGER_PATH);
	json_object_set_new(ev, "type", json_string("ledger-enable"));
	json_object_set_new(ev, "role", json_string("admin"));
	json_object_set_new(ev, "effective", json_string(xfa_json_str(ev, "at")));
	json_object_set_new(ev, "patch", json_pack("{s:{s:s, s:s}}", "ledger",
		"prefix", j->prefix, "workflow", LEDGER_WORKFLOW));
	if (j->attach)
		json_object_set_new(ev, "attachments", json_pack("[O]", j->att->rec));
	if (!(after = xfa_event_replay(c->stream.doc, ev)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	err = xfa_keyring_check_event(c->stream.doc, ev, after);
	json_decref(after);
	return err;
}

/* The shipped ledger workflow as an attachment of the archive's stream. */
static int stage_workflow(xfa_staged *out, xfa_store *st)
{
	const struct xfa_embedded *e = xfa_embedded_find("workflow/" LEDGER_WORKFLOW);
	xfa_workflow *wf = NULL;
	unsigned char h[32];
	char hex[65];
	int err;

	memset(out, 0, sizeof(*out));
	if (!e)
		return xfa_error_set(XFA_ERROR, "the ledger workflow is not built in");
	if ((err = xfa_workflow_load(&wf, xfa_schema_get("workflow/" LEDGER_WORKFLOW))) < 0 ||
	    (err = xfa_store_put_blob(&out->blob, st, e->data, e->len)) < 0) {
		xfa_workflow_free(wf);
		return err;
	}
	xfa_workflow_free(wf);
	xfa_sha256(h, e->data, e->len);
	xfa_hex(hex, h, 32);
	out->rec = json_pack("{s:s, s:s, s:s, s:I, s:s}", "name", LEDGER_WORKFLOW,
			     "kind", "workflow", "media_type", "application/json",
			     "size", (json_int_t)e->len, "sha256", hex);
	return out->rec ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

int xfa_ledger_enable(xfa_archive *a, const xfa_key *admin, const char *prefix)
{
	struct enable_job j;
	xfa_staged att;
	xfa_append ap;
	int err;

	memset(&att, 0, sizeof(att));
	memset(&j, 0, sizeof(j));
	if ((err = can_enable(&j.prefix, &j.attach, a, prefix)) < 0 ||
	    (err = stage_workflow(&att, xfa_archive_store(a))) < 0)
		goto done;
	j.att = &att;
	memset(&ap, 0, sizeof(ap));
	ap.doc_schema = "archive.schema.json";
	ap.build = build_enable;
	ap.payload = &j;
	ap.att = j.attach ? &att : NULL;
	ap.natt = j.attach ? 1 : 0;
	err = xfa_archive_append(NULL, NULL, a, admin, &ap);
done:
	xfa_staged_release(&att);
	return err;
}

/* check_workflow.c - the shipped 2022 workflow (schemas/workflow/) driven
 * through xfa_workflow_apply(): every transition of SPEC section 4, each
 * refusal, idempotence, due dates over the 2026 holidays, and deadlines(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "calendar.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "workflow.h"

#define WORKFLOW_FILE "schemas/workflow/xinfang-2022.json"
#define CALENDAR_FILE "schemas/calendar/cn.json"
#define CASE_ID "XF-2026-000001"
#define EARLIER "XF-2025-000042"
#define RECEIVED "2026-02-10T09:00:00+08:00"
#define REG_PATCH "{\"channel\": \"visit\", \"received_at\": \"" RECEIVED \
	"\", \"petitioners\": [{\"name\": \"李某\"}], \"summary\": " \
	"\"院子雨天被淹\", \"category\": \"water\", \"kind\": \"claim\"}"

static const char *const CLERK[] = { "clerk", NULL };
static const char *const HANDLER[] = { "handler", NULL };
static const char *const LEADER[] = { "leader", NULL };
static const char *const REVIEWER[] = { "reviewer", NULL };
static const char *const ARCHIVIST[] = { "archivist", NULL };
static const char *const AUDITOR[] = { "auditor", NULL };
static const char *const CLERK_LEADER[] = { "leader", "clerk", NULL };

static json_t *def;
static xfa_workflow *wf;
static xfa_calendar *cal;

/* ---- fixtures and helpers ---- */

static json_t *parse(const char *text)
{
	json_t *v = NULL;

	ck_assert_msg(xfa_json_parse(&v, text, strlen(text), "test") == 0,
		      "%s", xfa_error_last());
	return v;
}

static void setup(void)
{
	json_t *c = fx_read_json(CALENDAR_FILE);

	def = fx_read_json(WORKFLOW_FILE);
	ck_assert_msg(xfa_workflow_load(&wf, def) == 0, "%s", xfa_error_last());
	ck_assert_msg(xfa_calendar_load(&cal, c) == 0, "%s", xfa_error_last());
	json_decref(c);
}

static void teardown(void)
{
	xfa_workflow_free(wf);
	xfa_calendar_free(cal);
	json_decref(def);
	wf = NULL;
	cal = NULL;
	def = NULL;
}

static void expect(int got, int want, const char *needle)
{
	ck_assert_msg(got == want, "got %d (%s), want %d", got,
		      xfa_error_last(), want);
	if (needle)
		ck_assert_msg(strstr(xfa_error_last(), needle),
			      "message '%s' lacks '%s'", xfa_error_last(),
			      needle);
}

#define OK(x) expect((x), 0, NULL)

/* A stamp for `when`: a date means 09:00 Beijing time that day. */
static void stamp_of(char *out, size_t n, const char *when)
{
	snprintf(out, n, strlen(when) == 10 ? "%sT09:00:00+08:00" : "%s", when);
}

/* One attachment record of kind `kind` named `name`. */
static json_t *att(const char *kind, const char *name)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s}", "name", name, "kind",
			 kind, "media_type", "application/pdf", "size", 1024,
			 "sha256", "00000000000000000000000000000000"
			 "00000000000000000000000000000000");
}

/*
 * A new event.  `to` only for moves; `patch` JSON text or NULL; `atts` a
 * comma-separated list of attachment kinds ("kind" or "kind=name").
 */
static json_t *mkev(const char *type, const char *to, const char *when,
		    const char *patch, const char *atts)
{
	char st[64], buf[256], name[128], *tok, *save = NULL, *eq;
	json_t *ev, *list;

	stamp_of(st, sizeof(st), when);
	ev = json_pack("{s:s, s:s, s:s, s:s}", "case", CASE_ID, "type", type,
		       "effective", st, "at", st);
	if (to)
		json_object_set_new(ev, "to", json_string(to));
	if (patch)
		json_object_set_new(ev, "patch", parse(patch));
	if (atts) {
		list = json_array();
		snprintf(buf, sizeof(buf), "%s", atts);
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if ((eq = strchr(tok, '=')))
				*eq++ = '\0';
			snprintf(name, sizeof(name), "%s.pdf", tok);
			json_array_append_new(list, att(tok, eq ? eq : name));
		}
		json_object_set_new(ev, "attachments", list);
	}
	return ev;
}

/* What the caller does with an accepted event (see event.h). */
static json_t *replay(json_t *doc, const json_t *ev)
{
	const json_t *patch = json_object_get(ev, "patch");
	const json_t *to = json_object_get(ev, "to");
	const json_t *atts = json_object_get(ev, "attachments");
	json_t *list;

	doc = patch ? xfa_json_merge_patch(doc, patch) :
	      doc ? doc : json_object();
	if (json_is_string(to))
		json_object_set_new(doc, "status",
				    json_string(json_string_value(to)));
	if (json_array_size(atts)) {
		if (!(list = json_object_get(doc, "attachments"))) {
			list = json_array();
			json_object_set_new(doc, "attachments", list);
		}
		json_array_extend(list, (json_t *)atts);
	}
	return doc;
}

/*
 * Apply `ev` (stolen) to case *doc as a signer holding `roles`.  On
 * success, check that applying again changes nothing (what verification
 * does) and replay the event into *doc.
 */
static int go_ctx(json_t **doc, json_t *ev, const char *const *roles,
		  const json_t *repeat_of, int internal)
{
	xfa_wf_ctx ctx = { .before = *doc, .repeat_of = repeat_of,
			   .roles = roles, .cal = cal,
			   .allow_internal = internal };
	json_t *again;
	int err = xfa_workflow_apply(ev, wf, &ctx);

	if (err == 0) {
		again = json_deep_copy(ev);
		ck_assert_msg(xfa_workflow_apply(again, wf, &ctx) == 0,
			      "re-apply: %s", xfa_error_last());
		ck_assert_msg(json_equal(again, ev), "apply is not idempotent");
		json_decref(again);
		*doc = replay(*doc, ev);
	}
	json_decref(ev);
	return err;
}

static int go(json_t **doc, json_t *ev, const char *const *roles)
{
	return go_ctx(doc, ev, roles, NULL, 0);
}

/* doc[a] (b NULL) or doc[a][b] as a string. */
static const char *str(const json_t *doc, const char *a, const char *b)
{
	const json_t *v = json_object_get(doc, a);

	return json_string_value(b ? json_object_get(v, b) : v);
}

static json_t *registered(void)
{
	json_t *doc = NULL;

	OK(go(&doc, mkev("register", NULL, RECEIVED, REG_PATCH, NULL), CLERK));
	return doc;
}

/* The main path of SPEC section 4, with the dates the tests rely on. */
static const struct {
	const char *type, *when, *patch, *atts;
	const char *const *roles;
} path[] = {
	{ "accept", "2026-02-12", NULL, NULL, CLERK },
	{ "assign", "2026-02-13", "{\"unit\": \"水利局\"}", NULL, CLERK },
	{ "sign-in", "2026-02-24", NULL, NULL, HANDLER },
	{ "extend", "2026-03-20", "{\"extension_days\": 30}", "approval",
	  LEADER },
	{ "reply", "2026-04-20", "{\"outcome\": \"explain\"}", "reply",
	  HANDLER },
	{ "request-review", "2026-05-06", NULL, NULL, CLERK },
	{ "review", "2026-05-25", "{\"outcome\": \"explain\"}", "review",
	  REVIEWER },
	{ "request-recheck", "2026-06-10", NULL, NULL, CLERK },
	{ "recheck", "2026-07-01", NULL, "recheck", REVIEWER },
	{ "close", "2026-07-05", "{\"satisfaction\": \"basic\"}", NULL, CLERK },
};

/* A registered case taken along the main path up to step `last`. */
static json_t *case_until(const char *last)
{
	json_t *doc = registered();
	size_t i;

	for (i = 0; i < sizeof(path) / sizeof(*path); i++) {
		OK(go(&doc, mkev(path[i].type, NULL, path[i].when,
				 path[i].patch, path[i].atts), path[i].roles));
		if (!strcmp(path[i].type, last))
			return doc;
	}
	ck_abort_msg("no step %s on the path", last);
	return NULL;
}

/* ---- loading and queries ---- */

START_TEST(loads_shipped_definition)
{
	ck_assert_str_eq(xfa_workflow_id(wf), "xinfang-2022");
	ck_assert(xfa_workflow_has_state(wf, "review_requested"));
	ck_assert(!xfa_workflow_has_state(wf, "pending"));
	ck_assert(xfa_workflow_is_terminal(wf, "archived"));
	ck_assert(!xfa_workflow_is_terminal(wf, "closed"));
	ck_assert(xfa_workflow_is_archivable(wf, "closed"));
	ck_assert(xfa_workflow_is_archivable(wf, "rejected"));
	ck_assert(xfa_workflow_is_archivable(wf, "transferred"));
	ck_assert(xfa_workflow_is_archivable(wf, "withdrawn"));
	ck_assert(!xfa_workflow_is_archivable(wf, "replied"));
	ck_assert(xfa_workflow_is_open(wf, "rechecked"));
	ck_assert(!xfa_workflow_is_open(wf, "withdrawn"));
	ck_assert(!xfa_workflow_is_open(wf, "archived"));
	ck_assert_str_eq(xfa_workflow_label(wf, "state", "accepted", "zh"),
			 "已受理");
	ck_assert_str_eq(xfa_workflow_label(wf, "event", "supervise", "zh"),
			 "督办");
	ck_assert_str_eq(xfa_workflow_label(wf, "event", "assign-lead", "zh"),
			 "包案");
	ck_assert_str_eq(xfa_workflow_label(wf, "deadline", "objection", "zh"),
			 "异议期限");
	ck_assert_str_eq(xfa_workflow_label(wf, "channel", "letter", "zh"),
			 "来信");
	ck_assert_str_eq(xfa_workflow_label(wf, "category", "unpaid-wages",
					    "zh"), "拖欠工资");
	ck_assert_str_eq(xfa_workflow_label(wf, "decision_channel",
					    "reconsideration", "zh"), "行政复议");
	ck_assert_str_eq(xfa_workflow_label(wf, "attachment", "authorization",
					    "zh"), "授权委托书");
	ck_assert_str_eq(xfa_workflow_label(wf, "satisfaction", "basic", "en"),
			 "basically satisfied");
	ck_assert_str_eq(xfa_workflow_label(wf, "category", "no-such", "zh"),
			 "no-such");
	ck_assert_str_eq(xfa_workflow_label(wf, "no-vocab", "x", "zh"), "x");
}
END_TEST

/* Load the shipped definition after `edit` (JSON merge patch text). */
static int load_edited(const char *edit)
{
	json_t *patch = parse(edit), *d = json_deep_copy(def);
	xfa_workflow *w = (xfa_workflow *)1;
	int err;

	d = xfa_json_merge_patch(d, patch);
	err = xfa_workflow_load(&w, d);
	if (err == 0)
		xfa_workflow_free(w);
	else
		ck_assert_ptr_null(w);
	json_decref(patch);
	json_decref(d);
	return err;
}

/* Replace transitions[i] member `key` with JSON `val` and load. */
static int load_with(const char *list, size_t i, const char *key,
		     const char *val)
{
	json_t *d = json_deep_copy(def), *v = parse(val);
	xfa_workflow *w = NULL;
	int err;

	json_object_set(json_array_get(json_object_get(d, list), i), key,
			json_object_get(v, "v"));
	err = xfa_workflow_load(&w, d);
	xfa_workflow_free(w);
	json_decref(v);
	json_decref(d);
	return err;
}

START_TEST(refuses_broken_definitions)
{
	/* schema: an unknown member */
	expect(load_edited("{\"typo\": 1}"), XFA_EINVALID, "typo");
	/* transitions[1] is accept: a state that does not exist */
	expect(load_with("transitions", 1, "to", "{\"v\": \"nowhere\"}"),
	       XFA_EINVALID, "nowhere");
	expect(load_with("transitions", 1, "roles", "{\"v\": [\"janitor\"]}"),
	       XFA_EINVALID, "janitor");
	expect(load_with("transitions", 1, "require_attachments",
			 "{\"v\": [\"selfie\"]}"), XFA_EINVALID, "selfie");
	expect(load_with("transitions", 1, "id", "{\"v\": \"move\"}"),
	       XFA_EINVALID, "reserved");
	expect(load_with("transitions", 1, "id", "{\"v\": \"reject\"}"),
	       XFA_EINVALID, "twice");
	/* accept would also go from registered to rejected, like reject */
	expect(load_with("transitions", 1, "to", "{\"v\": \"rejected\"}"),
	       XFA_EINVALID, "both go from");
	expect(load_with("transitions", 1, "fields", "{\"v\": [\"status\"]}"),
	       XFA_EINVALID, "derived");
	expect(load_with("transitions", 1, "initial", "{\"v\": true}"),
	       XFA_EINVALID, "initial");
	expect(load_with("deadlines", 0, "met_by", "{\"v\": [\"nothing\"]}"),
	       XFA_EINVALID, "nothing");
	expect(load_with("deadlines", 0, "met_by", "{\"v\": [\"note\"]}"),
	       XFA_EINVALID, "enters no new state");
	expect(load_with("deadlines", 0, "set_on", "{\"v\": [\"nothing\"]}"),
	       XFA_EINVALID, "nothing");
	expect(load_edited("{\"derived_fields\": [\"id\", \"workflow\", "
			   "\"status\", \"query_hash\", \"attachments\", "
			   "\"milestones\", \"extensions\", \"archive\", "
			   "\"escalations\"]}"),
	       XFA_EINVALID, "derived_fields must list 'due'");
	expect(load_edited("{\"derived_fields\": [\"id\", \"workflow\", "
			   "\"status\", \"query_hash\", \"attachments\", "
			   "\"due\", \"milestones\", \"extensions\", "
			   "\"archive\"]}"),
	       XFA_EINVALID, "counts 'escalations'");
	expect(load_edited("{\"coded_fields\": [{\"field\": \"x\", "
			   "\"vocabulary\": \"nope\"}]}"), XFA_EINVALID, "nope");
	expect(load_edited("{\"repeat_terminated\": {\"field\": \"repeat_of\", "
			   "\"after\": [\"gone\"], \"in\": [], \"only\": []}}"),
	       XFA_EINVALID, "gone");
	OK(load_edited("{\"note\": \"a bureau's own copy\"}"));
}
END_TEST

/* The "report" section: rates name rules and values that exist. */
START_TEST(report_section_checked)
{
	const json_t *rep = xfa_workflow_report(wf);

	ck_assert_ptr_nonnull(rep);
	ck_assert_int_eq(json_array_size(json_object_get(rep, "rates")), 3);
	ck_assert_str_eq(xfa_workflow_internal_state(wf), "archived");
	expect(load_edited("{\"report\": {\"rates\": [{\"id\": \"x\", "
			   "\"label\": {\"zh\": \"x\", \"en\": \"x\"}, "
			   "\"deadline\": \"nowhere\"}], \"breakdowns\": []}}"),
	       XFA_EINVALID, "no deadline 'nowhere'");
	expect(load_edited("{\"report\": {\"rates\": [{\"id\": \"x\", "
			   "\"label\": {\"zh\": \"x\", \"en\": \"x\"}, "
			   "\"field\": \"satisfaction\", \"good\": [\"thrilled\"]}], "
			   "\"breakdowns\": []}}"),
	       XFA_EINVALID, "'thrilled' is not a value");
	expect(load_edited("{\"report\": {\"rates\": [{\"id\": \"x\", "
			   "\"label\": {\"zh\": \"x\", \"en\": \"x\"}, "
			   "\"field\": \"summary\", \"good\": []}], "
			   "\"breakdowns\": []}}"),
	       XFA_EINVALID, "not a coded field");
	/* schema: a rate needs either a deadline or a field with good values */
	expect(load_edited("{\"report\": {\"rates\": [{\"id\": \"x\", "
			   "\"label\": {\"zh\": \"x\", \"en\": \"x\"}}], "
			   "\"breakdowns\": []}}"), XFA_EINVALID, "");
	expect(load_edited("{\"report\": {\"rates\": [], \"breakdowns\": "
			   "[{\"field\": \"channel\", \"vocabulary\": \"nope\", "
			   "\"label\": {\"zh\": \"x\", \"en\": \"x\"}}]}}"),
	       XFA_EINVALID, "no vocabulary 'nope'");
	/* counts per level: a vocabulary and "settled" states that exist */
	expect(load_edited("{\"report\": {\"rates\": [], \"breakdowns\": [], "
			   "\"per\": {\"field\": \"level\", \"vocabulary\": \"tiers\", "
			   "\"label\": {\"zh\": \"x\", \"en\": \"x\"}, "
			   "\"settled\": [\"closed\"]}}}"),
	       XFA_EINVALID, "no vocabulary 'tiers'");
	expect(load_edited("{\"report\": {\"rates\": [], \"breakdowns\": [], "
			   "\"per\": {\"field\": \"level\", \"vocabulary\": \"level\", "
			   "\"label\": {\"zh\": \"x\", \"en\": \"x\"}, "
			   "\"settled\": [\"finished\"]}}}"),
	       XFA_EINVALID, "no state 'finished'");
	/* a bureau without rates: no report section at all */
	OK(load_edited("{\"report\": null}"));
}
END_TEST

/* ---- the table of SPEC section 4 ---- */

START_TEST(register_completes_the_event)
{
	json_t *doc = NULL, *ev = mkev("register", NULL, RECEIVED, REG_PATCH,
				       "letter,record");
	xfa_wf_ctx ctx = { .roles = CLERK, .cal = cal };

	OK(xfa_workflow_apply(ev, wf, &ctx));
	ck_assert_str_eq(str(ev, "type", NULL), "register");
	ck_assert(json_is_null(json_object_get(ev, "from")));
	ck_assert_str_eq(str(ev, "to", NULL), "registered");
	ck_assert_str_eq(str(ev, "role", NULL), "clerk");
	ck_assert_str_eq(str(json_object_get(ev, "patch"), "workflow", NULL),
			 "xinfang-2022");
	doc = replay(NULL, ev);
	ck_assert_str_eq(str(doc, "status", NULL), "registered");
	ck_assert_str_eq(str(doc, "milestones", "registered"), RECEIVED);
	/* 15 calendar days after Feb 10: Feb 25, a Wednesday */
	ck_assert_str_eq(str(doc, "due", "accept"), "2026-02-25");
	ck_assert_int_eq(json_array_size(json_object_get(doc, "attachments")), 2);
	json_decref(ev);
	json_decref(doc);
}
END_TEST

START_TEST(main_path_through_recheck_and_archive)
{
	json_t *doc = case_until("close");

	ck_assert_str_eq(str(doc, "status", NULL), "closed");
	ck_assert_str_eq(str(doc, "due", "accept"), "2026-02-25");
	/* 60 days from Feb 12 is Apr 13; extended by 30 days: May 13 */
	ck_assert_str_eq(str(doc, "due", "handle"), "2026-05-13");
	/* 5 working days after Friday Feb 13: Sat Feb 14 (调休), then after
	 * 春节 Feb 24, 25, 26, 27 */
	ck_assert_str_eq(str(doc, "due", "objection"), "2026-02-27");
	ck_assert_str_eq(str(doc, "due", "review_request"), "2026-05-20");
	ck_assert_str_eq(str(doc, "due", "review"), "2026-06-05");
	ck_assert_str_eq(str(doc, "due", "recheck_request"), "2026-06-24");
	ck_assert_str_eq(str(doc, "due", "recheck"), "2026-07-10");
	ck_assert_int_eq(xfa_json_int(doc, "extensions", 0), 1);
	ck_assert_int_eq(xfa_json_int(doc, "extension_days", 0), 30);
	ck_assert_str_eq(str(doc, "milestones", "rechecked"),
			 "2026-07-01T09:00:00+08:00");
	ck_assert_str_eq(str(doc, "satisfaction", NULL), "basic");
	/* handling was entered once: the extension is no new milestone */
	ck_assert_str_eq(str(doc, "milestones", "handling"),
			 "2026-02-24T09:00:00+08:00");
	/* archiving is internal: only export may take it */
	expect(go(&doc, mkev("archive", NULL, "2026-07-10", NULL, NULL),
		  ARCHIVIST), XFA_EINVALID, "internal");
	OK(go_ctx(&doc, mkev("archive", NULL, "2026-07-10", "{\"archive\": "
			     "{\"package_sha256\": \"ab\"}}", NULL),
		  ARCHIVIST, NULL, 1));
	ck_assert_str_eq(str(doc, "status", NULL), "archived");
	/* archived is terminal: nothing follows, not even a note */
	expect(go(&doc, mkev("note", NULL, "2026-07-11", NULL, NULL), CLERK),
	       XFA_EINVALID, "terminal");
	json_decref(doc);
}
END_TEST

START_TEST(moves_resolve_by_target_state)
{
	json_t *doc = registered(), *ev;
	xfa_wf_ctx ctx = { .roles = CLERK, .cal = cal };

	ev = mkev("move", "accepted", "2026-02-11", NULL, NULL);
	ctx.before = doc;
	OK(xfa_workflow_apply(ev, wf, &ctx));
	ck_assert_str_eq(str(ev, "type", NULL), "accept");
	ck_assert_str_eq(str(ev, "from", NULL), "registered");
	ck_assert_str_eq(str(ev, "to", NULL), "accepted");
	ck_assert_str_eq(str(json_object_get(ev, "patch"), "due", "handle"),
			 "2026-04-13");
	json_decref(ev);
	OK(go(&doc, mkev("move", "accepted", "2026-02-11", NULL, NULL), CLERK));
	OK(go(&doc, mkev("move", "assigned", "2026-02-12",
			 "{\"unit\": \"民政局\", \"co_units\": [\"街道办\"]}",
			 NULL), CLERK));
	OK(go(&doc, mkev("move", "handling", "2026-02-13", NULL, NULL),
	      HANDLER));
	OK(go(&doc, mkev("move", "handling", "2026-02-14",
			 "{\"extension_days\": 10}", "approval"), LEADER));
	ck_assert_str_eq(str(doc, "due", "handle"), "2026-04-23");
	OK(go(&doc, mkev("move", "replied", "2026-03-01",
			 "{\"outcome\": \"support\"}", "reply"), HANDLER));
	OK(go(&doc, mkev("move", "closed", "2026-03-02",
			 "{\"satisfaction\": \"satisfied\"}", NULL), CLERK));
	ck_assert_str_eq(str(doc, "status", NULL), "closed");
	json_decref(doc);
}
END_TEST

START_TEST(reject_transfer_withdraw_return)
{
	json_t *doc = registered();

	/* rejection names the reason and the legal channel (case 8) */
	expect(go(&doc, mkev("reject", NULL, "2026-02-11",
			     "{\"decision\": {\"reason\": \"应通过诉讼解决\"}}",
			     NULL), CLERK), XFA_EINVALID, "decision.channel");
	expect(go(&doc, mkev("reject", NULL, "2026-02-11",
			     "{\"decision\": {\"reason\": \"x\", \"channel\": "
			     "\"duel\"}}", NULL), CLERK), XFA_EINVALID, "duel");
	OK(go(&doc, mkev("reject", NULL, "2026-02-11",
			 "{\"decision\": {\"reason\": \"应通过诉讼解决\", "
			 "\"channel\": \"litigation\"}}", NULL), CLERK));
	ck_assert_str_eq(str(doc, "status", NULL), "rejected");
	OK(go_ctx(&doc, mkev("archive", NULL, "2026-02-12", NULL, NULL),
		  ARCHIVIST, NULL, 1));
	json_decref(doc);

	doc = registered();
	expect(go(&doc, mkev("transfer", NULL, "2026-02-11", NULL, NULL),
		  CLERK), XFA_EINVALID, "transferred_to");
	OK(go(&doc, mkev("transfer", NULL, "2026-02-11",
			 "{\"transferred_to\": \"县纪委监委\"}", NULL), CLERK));
	ck_assert_str_eq(str(doc, "status", NULL), "transferred");
	/* transferred is not open: no withdrawal */
	expect(go(&doc, mkev("withdraw", NULL, "2026-02-12", NULL, NULL),
		  CLERK), XFA_EINVALID, "no transition");
	json_decref(doc);

	/* the unit objects within 5 working days and the case comes back */
	doc = case_until("assign");
	expect(go(&doc, mkev("return", NULL, "2026-02-26", NULL, NULL),
		  HANDLER), XFA_EINVALID, "note");
	OK(go(&doc, json_pack("{s:s, s:s, s:s, s:s, s:s}", "case", CASE_ID,
			      "type", "return", "effective",
			      "2026-02-27T17:00:00+08:00", "at",
			      "2026-02-27T17:30:00+08:00", "note",
			      "不属于本单位职权范围"), HANDLER));
	ck_assert_str_eq(str(doc, "status", NULL), "registered");
	OK(go(&doc, mkev("accept", NULL, "2026-02-28", NULL, NULL), CLERK));
	/* every open state may be withdrawn (case 12) */
	OK(go(&doc, mkev("withdraw", NULL, "2026-03-01", NULL, NULL), CLERK));
	ck_assert_str_eq(str(doc, "status", NULL), "withdrawn");
	OK(go_ctx(&doc, mkev("archive", NULL, "2026-03-02", NULL, NULL),
		  ARCHIVIST, NULL, 1));
	json_decref(doc);
}
END_TEST

START_TEST(close_from_replied_and_reviewed)
{
	json_t *doc = case_until("reply");

	expect(go(&doc, mkev("close", NULL, "2026-04-21", NULL, NULL), CLERK),
	       XFA_EINVALID, "satisfaction");
	OK(go(&doc, mkev("close", NULL, "2026-04-21",
			 "{\"satisfaction\": \"satisfied\"}", NULL), CLERK));
	json_decref(doc);
	doc = case_until("review");
	OK(go(&doc, mkev("close", NULL, "2026-05-26",
			 "{\"satisfaction\": \"dissatisfied\"}", NULL), CLERK));
	json_decref(doc);
}
END_TEST

START_TEST(status_free_events)
{
	json_t *doc = case_until("sign-in"), *ev;
	xfa_wf_ctx ctx = { .roles = AUDITOR, .cal = cal };

	OK(go(&doc, mkev("attach", NULL, "2026-02-25", NULL,
			 "assessment,evidence"), HANDLER));
	expect(go(&doc, mkev("attach", NULL, "2026-02-25", NULL, NULL),
		  HANDLER), XFA_EINVALID, "attachment");
	OK(go(&doc, mkev("amend", NULL, "2026-02-25",
			 "{\"summary\": \"院墙倒塌\", \"unit\": \"水务局\"}",
			 NULL), CLERK));
	ck_assert_str_eq(str(doc, "unit", NULL), "水务局");
	OK(go(&doc, mkev("urge", NULL, "2026-02-26", NULL, NULL), CLERK));
	ck_assert_int_eq(xfa_json_int(doc, "escalations", 0), 1);
	expect(go(&doc, mkev("urge", NULL, "2026-02-26", "{\"escalations\": 1}",
			     NULL), CLERK), XFA_EINVALID, "'escalations'");
	expect(go(&doc, mkev("supervise", NULL, "2026-02-26", NULL, NULL),
		  LEADER), XFA_EINVALID, "note");
	expect(go(&doc, mkev("instruct", NULL, "2026-02-26", NULL, NULL),
		  LEADER), XFA_EINVALID, "note");
	ev = mkev("supervise", NULL, "2026-02-26", NULL, NULL);
	json_object_set_new(ev, "note", json_string("限期三日内报告办理情况"));
	OK(go(&doc, ev, LEADER));
	ck_assert_int_eq(xfa_json_int(doc, "escalations", 0), 2);
	ev = mkev("instruct", NULL, "2026-02-26", "{\"instructions\": [{\"by\": "
		  "\"张副县长\", \"at\": \"2026-02-26T09:00:00+08:00\", "
		  "\"text\": \"请水利局妥善处理\"}]}", NULL);
	json_object_set_new(ev, "note", json_string("请水利局妥善处理"));
	OK(go(&doc, ev, LEADER));
	expect(go(&doc, mkev("assign-lead", NULL, "2026-02-26", NULL, NULL),
		  CLERK), XFA_EINVALID, "lead");
	OK(go(&doc, mkev("assign-lead", NULL, "2026-02-26",
			 "{\"lead\": \"张副县长\"}", NULL), CLERK_LEADER));
	expect(go(&doc, mkev("evaluate", NULL, "2026-02-26",
			     "{\"satisfaction\": \"happy\"}", NULL), CLERK),
	       XFA_EINVALID, "happy");
	OK(go(&doc, mkev("evaluate", NULL, "2026-02-26",
			 "{\"satisfaction\": \"none\"}", NULL), CLERK));
	/* a note by any role; the status does not change */
	ev = mkev("note", NULL, "2026-02-26", NULL, NULL);
	json_object_set_new(ev, "note", json_string("已电话联系信访人"));
	ctx.before = doc;
	OK(xfa_workflow_apply(ev, wf, &ctx));
	ck_assert(json_is_null(json_object_get(ev, "from")));
	ck_assert(json_is_null(json_object_get(ev, "to")));
	ck_assert_str_eq(str(ev, "role", NULL), "auditor");
	ck_assert_ptr_null(json_object_get(ev, "patch"));
	json_object_set_new(ev, "note", json_string("督办：三日内报告"));
	json_object_set_new(ev, "type", json_string("supervise"));
	json_object_del(ev, "role");
	ctx.roles = CLERK_LEADER;
	OK(xfa_workflow_apply(ev, wf, &ctx));
	ck_assert_str_eq(str(ev, "role", NULL), "leader");
	ck_assert_str_eq(str(doc, "status", NULL), "handling");
	json_decref(ev);
	json_decref(doc);
}
END_TEST

/* ---- refusals ---- */

START_TEST(refuses_moves_outside_the_table)
{
	json_t *doc = case_until("reply"), *none = NULL;

	expect(go(&doc, mkev("move", "accepted", "2026-04-21", NULL, NULL),
		  CLERK), XFA_EINVALID,
	       "no transition from 'replied' to 'accepted' in workflow "
	       "xinfang-2022");
	expect(go(&doc, mkev("assign", NULL, "2026-04-21",
			     "{\"unit\": \"x\"}", NULL), CLERK), XFA_EINVALID,
	       "no transition 'assign' from 'replied'");
	expect(go(&doc, mkev("frobnicate", NULL, "2026-04-21", NULL, NULL),
		  CLERK), XFA_EINVALID, "unknown event type 'frobnicate'");
	expect(go(&doc, mkev("close", "withdrawn", "2026-04-21",
			     "{\"satisfaction\": \"none\"}", NULL), CLERK),
	       XFA_EINVALID, "goes to 'closed'");
	expect(go(&doc, mkev("register", NULL, "2026-04-21", REG_PATCH, NULL),
		  CLERK), XFA_EINVALID, "already registered");
	expect(go(&doc, mkev("note", "closed", "2026-04-21", NULL, NULL),
		  CLERK), XFA_EINVALID, "does not change the status");
	expect(go(&none, mkev("accept", NULL, "2026-04-21", NULL, NULL),
		  CLERK), XFA_EINVALID, "registered case");
	expect(go(&none, mkev("note", NULL, "2026-04-21", NULL, NULL),
		  CLERK), XFA_EINVALID, "registered case");
	json_decref(doc);
}
END_TEST

START_TEST(refuses_signers_without_the_role)
{
	json_t *doc = case_until("accept");

	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\"}", NULL), HANDLER), XFA_EAUTH,
	       "signer lacks role: step 'assign' needs clerk");
	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\"}", NULL), NULL), XFA_EAUTH,
	       "signer lacks role");
	/* a role the step allows but the signer lacks, and the reverse */
	expect(go(&doc, json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "case",
				  CASE_ID, "type", "assign", "role", "clerk",
				  "effective", "2026-02-13T09:00:00+08:00", "at",
				  "2026-02-13T09:00:00+08:00", "patch", "unit",
				  "x"), LEADER), XFA_EAUTH, "signer lacks role");
	expect(go(&doc, json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "case",
				  CASE_ID, "type", "assign", "role", "leader",
				  "effective", "2026-02-13T09:00:00+08:00", "at",
				  "2026-02-13T09:00:00+08:00", "patch", "unit",
				  "x"), CLERK_LEADER), XFA_EAUTH,
	       "role 'leader' may not take step 'assign'");
	OK(go(&doc, mkev("assign", NULL, "2026-02-13", "{\"unit\": \"x\"}",
			 NULL), CLERK_LEADER));
	expect(go(&doc, mkev("sign-in", NULL, "2026-02-14", NULL, NULL),
		  CLERK), XFA_EAUTH, "needs handler");
	json_decref(doc);
}
END_TEST

START_TEST(refuses_missing_attachments_and_fields)
{
	json_t *doc = case_until("sign-in");

	expect(go(&doc, mkev("reply", NULL, "2026-03-01",
			     "{\"outcome\": \"support\"}", "evidence"), HANDLER),
	       XFA_EINVALID, "attachment of kind 'reply'");
	expect(go(&doc, mkev("reply", NULL, "2026-03-01", NULL, "reply"),
		  HANDLER), XFA_EINVALID, "requires field 'outcome'");
	expect(go(&doc, mkev("reply", NULL, "2026-03-01",
			     "{\"outcome\": \"maybe\"}", "reply"), HANDLER),
	       XFA_EINVALID, "'maybe' is not a known outcome");
	expect(go(&doc, mkev("extend", NULL, "2026-03-01",
			     "{\"extension_days\": 10}", NULL), LEADER),
	       XFA_EINVALID, "'approval'");
	expect(go(&doc, mkev("attach", NULL, "2026-03-01", NULL, "selfie"),
		  HANDLER), XFA_EINVALID, "unknown kind 'selfie'");
	json_decref(doc);
	doc = case_until("request-review");
	expect(go(&doc, mkev("review", NULL, "2026-05-10", NULL, NULL),
		  REVIEWER), XFA_EINVALID, "attachment of kind 'review'");
	json_decref(doc);
	doc = case_until("request-recheck");
	expect(go(&doc, mkev("recheck", NULL, "2026-06-11", NULL, "review"),
		  REVIEWER), XFA_EINVALID, "attachment of kind 'recheck'");
	json_decref(doc);
	doc = case_until("accept");
	expect(go(&doc, mkev("assign", NULL, "2026-02-13", "{\"unit\": \" \"}",
			     NULL), CLERK), XFA_EINVALID, "field 'unit'");
	json_decref(doc);
}
END_TEST

START_TEST(refuses_bad_extensions)
{
	json_t *doc = case_until("sign-in");

	expect(go(&doc, mkev("extend", NULL, "2026-03-01",
			     "{\"extension_days\": 31}", "approval"), LEADER),
	       XFA_EINVALID, "31 days is outside 1..30");
	expect(go(&doc, mkev("extend", NULL, "2026-03-01",
			     "{\"extension_days\": 0}", "approval"), LEADER),
	       XFA_EINVALID, "outside");
	expect(go(&doc, mkev("extend", NULL, "2026-03-01",
			     "{\"extension_days\": \"30\"}", "approval"),
		  LEADER), XFA_EINVALID, "number of days");
	expect(go(&doc, mkev("extend", NULL, "2026-03-01",
			     "{\"extension_days\": 30}", "approval"), HANDLER),
	       XFA_EAUTH, "needs leader");
	OK(go(&doc, mkev("extend", NULL, "2026-03-01",
			 "{\"extension_days\": 30}", "approval"), LEADER));
	expect(go(&doc, mkev("extend", NULL, "2026-03-02",
			     "{\"extension_days\": 5}", "approval"), LEADER),
	       XFA_EINVALID, "already extended the most times allowed (1)");
	json_decref(doc);
}
END_TEST

START_TEST(refuses_steps_after_their_window)
{
	json_t *doc = case_until("reply"), *late;

	/* replied Apr 20: the review may be asked until May 20 */
	late = json_deep_copy(doc);
	expect(go(&late, mkev("request-review", NULL, "2026-05-21", NULL,
			      NULL), CLERK), XFA_EINVALID,
	       "window 'review_request'");
	/* closing after the window is fine */
	OK(go(&late, mkev("close", NULL, "2026-06-01",
			  "{\"satisfaction\": \"none\"}", NULL), CLERK));
	json_decref(late);
	OK(go(&doc, mkev("request-review", NULL, "2026-05-20T23:59:59+08:00",
			 NULL, NULL), CLERK));
	json_decref(doc);

	/* reviewed May 25: a recheck may be asked until Jun 24 */
	doc = case_until("review");
	expect(go(&doc, mkev("request-recheck", NULL, "2026-06-25", NULL, NULL),
		  CLERK), XFA_EINVALID, "recheck_request");
	json_decref(doc);

	/* assigned Fri Feb 13: objection until Feb 27 (5 working days) */
	doc = case_until("assign");
	late = json_pack("{s:s, s:s, s:s, s:s, s:s}", "case", CASE_ID, "type",
			 "return", "effective", "2026-02-28T09:00:00+08:00",
			 "at", "2026-02-28T09:00:00+08:00", "note", "不属于");
	expect(go(&doc, late, HANDLER), XFA_EINVALID, "objection");
	OK(go(&doc, mkev("sign-in", NULL, "2026-03-02", NULL, NULL), HANDLER));
	json_decref(doc);
}
END_TEST

START_TEST(refuses_bad_times)
{
	json_t *doc = case_until("assign"), *ev;

	ev = mkev("sign-in", NULL, "2026-02-20", NULL, NULL);
	json_object_set_new(ev, "at", json_string("2026-02-19T09:00:00+08:00"));
	expect(go(&doc, ev, HANDLER), XFA_EINVALID, "later than the recording");
	expect(go(&doc, mkev("sign-in", NULL, "2026-02-12", NULL, NULL),
		  HANDLER), XFA_EINVALID, "last step");
	expect(go(&doc, mkev("urge", NULL, "2026-02-01", NULL, NULL), CLERK),
	       XFA_EINVALID, "received_at");
	ev = mkev("sign-in", NULL, "2026-02-20", NULL, NULL);
	json_object_set_new(ev, "at", json_string("yesterday"));
	expect(go(&doc, ev, HANDLER), XFA_EINVALID, "'at'");
	json_decref(doc);
	doc = NULL;
	expect(go(&doc, mkev("register", NULL, "2026-02-09", REG_PATCH, NULL),
		  CLERK), XFA_EINVALID, "received_at");
	/* without "effective", the act happened when recorded */
	ev = mkev("register", NULL, "2026-02-11", REG_PATCH, NULL);
	json_object_del(ev, "effective");
	OK(go(&doc, ev, CLERK));
	ck_assert_str_eq(str(doc, "milestones", "registered"),
			 "2026-02-11T09:00:00+08:00");
	json_decref(doc);
}
END_TEST

START_TEST(refuses_patches_outside_the_step)
{
	json_t *doc = case_until("accept");

	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\", \"status\": \"closed\"}", NULL),
		  CLERK), XFA_EINVALID, "'status' is derived");
	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\", \"due\": {\"handle\": "
			     "\"2099-01-01\"}}", NULL), CLERK), XFA_EINVALID,
	       "field 'due' is derived");
	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\", \"extensions\": 0}", NULL),
		  CLERK), XFA_EINVALID, "'extensions'");
	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\", \"attachments\": []}", NULL),
		  CLERK), XFA_EINVALID, "'attachments' is derived");
	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\", \"id\": \"XF-2026-999999\"}",
			     NULL), CLERK), XFA_EINVALID, "'id' is derived");
	expect(go(&doc, mkev("amend", NULL, "2026-02-13",
			     "{\"milestones\": {\"accepted\": null}}", NULL),
		  CLERK), XFA_EINVALID, "'milestones'");
	expect(go(&doc, mkev("amend", NULL, "2026-02-13",
			     "{\"workflow\": \"other\"}", NULL), CLERK),
	       XFA_EINVALID, "'workflow'");
	expect(go(&doc, mkev("assign", NULL, "2026-02-13",
			     "{\"unit\": \"x\", \"satisfaction\": \"basic\"}",
			     NULL), CLERK), XFA_EINVALID,
	       "may not set field 'satisfaction'");
	expect(go(&doc, mkev("amend", NULL, "2026-02-13",
			     "{\"category\": \"aliens\"}", NULL), CLERK),
	       XFA_EINVALID, "'aliens' is not a known category");
	json_decref(doc);
	doc = NULL;
	expect(go(&doc, mkev("register", NULL, RECEIVED,
			     "{\"channel\": \"fax\", \"received_at\": \""
			     RECEIVED "\", \"petitioners\": [{\"name\": \"x\"}],"
			     " \"summary\": \"x\"}", NULL), CLERK),
	       XFA_EINVALID, "'fax' is not a known channel");
	expect(go(&doc, mkev("register", NULL, RECEIVED,
			     "{\"channel\": \"visit\", \"received_at\": \""
			     RECEIVED "\", \"petitioners\": [], \"summary\": "
			     "\"x\"}", NULL), CLERK), XFA_EINVALID,
	       "'petitioners'");
	expect(go(&doc, mkev("register", NULL, RECEIVED,
			     "{\"channel\": \"online\", \"received_at\": \""
			     RECEIVED "\", \"petitioners\": [{\"name\": \"x\"}],"
			     " \"summary\": \"x\", \"category\": \"aliens\"}",
			     NULL), CLERK), XFA_EINVALID, "'aliens'");
	/* the calling module sets id and query_hash at registration */
	OK(go(&doc, mkev("register", NULL, RECEIVED,
			 "{\"id\": \"" CASE_ID "\", \"query_hash\": \"ab\", "
			 "\"channel\": \"online\", \"received_at\": \""
			 RECEIVED "\", \"petitioners\": [{\"name\": \"x\"}], "
			 "\"summary\": \"楼道小广告\", \"category\": "
			 "\"property\"}", NULL), CLERK));
	ck_assert_str_eq(str(doc, "id", NULL), CASE_ID);
	json_decref(doc);
}
END_TEST

START_TEST(proxy_registration_needs_authorization)
{
	static const char proxy[] = "{\"channel\": \"visit\", \"received_at\": \""
		RECEIVED "\", \"petitioners\": [{\"name\": \"李国友\"}], "
		"\"summary\": \"院子被淹\", \"proxy\": {\"agent\": \"李志玲\", "
		"\"principal\": \"李国友\", \"scope\": [\"submit\"], "
		"\"form\": \"委托书.pdf\"}}";
	json_t *doc = NULL;

	expect(go(&doc, mkev("register", NULL, RECEIVED, proxy, NULL), CLERK),
	       XFA_EINVALID, "attachment of kind 'authorization'");
	expect(go(&doc, mkev("register", NULL, RECEIVED, proxy,
			     "evidence=委托书.pdf"), CLERK), XFA_EINVALID,
	       "attachment of kind 'authorization'");
	expect(go(&doc, mkev("register", NULL, RECEIVED, proxy,
			     "authorization=other.pdf"), CLERK), XFA_EINVALID,
	       "names '委托书.pdf'");
	OK(go(&doc, mkev("register", NULL, RECEIVED, proxy,
			 "authorization=委托书.pdf"), CLERK));
	ck_assert_str_eq(str(doc, "proxy", "agent"), "李志玲");
	json_decref(doc);
}
END_TEST

START_TEST(repeat_of_terminated_matter_only_rejected)
{
	json_t *earlier = case_until("recheck"), *doc = NULL, *open;
	static const char rep[] = "{\"channel\": \"visit\", \"received_at\": "
		"\"2026-08-03T09:00:00+08:00\", \"petitioners\": [{\"name\": "
		"\"袁某\"}], \"summary\": \"土地纠纷\", \"repeat_of\": \""
		EARLIER "\"}";

	json_object_set_new(earlier, "id", json_string(EARLIER));
	OK(go_ctx(&doc, mkev("register", NULL, "2026-08-03", rep, NULL), CLERK,
		  earlier, 0));
	expect(go_ctx(&doc, mkev("accept", NULL, "2026-08-04", NULL, NULL),
		      CLERK, earlier, 0), XFA_EINVALID, "repeats " EARLIER);
	expect(go_ctx(&doc, mkev("withdraw", NULL, "2026-08-04", NULL, NULL),
		      CLERK, earlier, 0), XFA_EINVALID, "only take step 'reject'");
	OK(go_ctx(&doc, mkev("attach", NULL, "2026-08-04", NULL, "letter"),
		  CLERK, earlier, 0));
	OK(go_ctx(&doc, mkev("reject", NULL, "2026-08-04",
			     "{\"decision\": {\"reason\": \"已复核终结\", "
			     "\"channel\": \"other\"}}", NULL), CLERK,
		  earlier, 0));
	/* after the earlier case closed (rechecked is in its milestones) */
	OK(go(&earlier, mkev("close", NULL, "2026-07-05",
			     "{\"satisfaction\": \"basic\"}", NULL), CLERK));
	json_decref(doc);
	doc = NULL;
	OK(go_ctx(&doc, mkev("register", NULL, "2026-08-03", rep, NULL), CLERK,
		  earlier, 0));
	expect(go_ctx(&doc, mkev("accept", NULL, "2026-08-04", NULL, NULL),
		      CLERK, earlier, 0), XFA_EINVALID, "已复核");
	json_decref(doc);
	json_decref(earlier);

	/* a repeat of a matter still under review may be accepted */
	open = case_until("review");
	json_object_set_new(open, "id", json_string(EARLIER));
	doc = NULL;
	OK(go_ctx(&doc, mkev("register", NULL, "2026-08-03", rep, NULL), CLERK,
		  open, 0));
	OK(go_ctx(&doc, mkev("accept", NULL, "2026-08-04", NULL, NULL), CLERK,
		  open, 0));
	json_decref(doc);
	json_decref(open);
}
END_TEST

/* ---- idempotence: what verification relies on ---- */

START_TEST(apply_is_idempotent_and_detects_tampering)
{
	json_t *doc = case_until("sign-in"), *ev, *copy;
	xfa_wf_ctx ctx = { .before = doc, .roles = LEADER, .cal = cal };
	char *a = NULL, *b = NULL;

	ev = mkev("move", "handling", "2026-03-01", "{\"extension_days\": 20}",
		  "approval");
	OK(xfa_workflow_apply(ev, wf, &ctx));
	copy = json_deep_copy(ev);
	OK(xfa_workflow_apply(copy, wf, &ctx));
	ck_assert(json_equal(copy, ev));
	OK(xfa_json_dump(&a, NULL, ev));
	OK(xfa_json_dump(&b, NULL, copy));
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(str(json_object_get(ev, "patch"), "due", "handle"),
			 "2026-05-06");
	/* a stored event whose derived part was changed no longer verifies */
	json_object_set_new(json_object_get(json_object_get(copy, "patch"),
					    "due"), "handle",
			    json_string("2026-12-31"));
	expect(xfa_workflow_apply(copy, wf, &ctx), XFA_EINVALID, "'due'");
	json_decref(copy);
	copy = json_deep_copy(ev);
	json_object_set_new(json_object_get(copy, "patch"), "extensions",
			    json_integer(0));
	expect(xfa_workflow_apply(copy, wf, &ctx), XFA_EINVALID, "extensions");
	json_decref(copy);
	/* verified against another signer's roles, it fails */
	ctx.roles = HANDLER;
	copy = json_deep_copy(ev);
	expect(xfa_workflow_apply(copy, wf, &ctx), XFA_EAUTH, "leader");
	json_decref(copy);
	free(a);
	free(b);
	json_decref(ev);
	json_decref(doc);
}
END_TEST

/* ---- deadlines() ---- */

static long day(const char *s)
{
	long d;

	ck_assert_int_eq(xfa_date_parse(&d, s), 0);
	return d;
}

/* The entry `id` of a deadlines() array. */
static const json_t *entry(const json_t *list, const char *id)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (!strcmp(str(v, "id", NULL), id))
			return v;
	ck_abort_msg("no deadline %s", id);
	return NULL;
}

START_TEST(deadlines_met_late_and_open)
{
	json_t *doc = case_until("accept"), *list;
	const json_t *e;

	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-03-01"));
	ck_assert_int_eq(json_array_size(list), 2);
	e = entry(list, "accept");
	ck_assert_str_eq(str(e, "label", NULL), "受理期限");
	ck_assert_str_eq(str(e, "due", NULL), "2026-02-25");
	ck_assert_str_eq(str(e, "done", NULL), "2026-02-12");
	ck_assert(json_is_true(json_object_get(e, "met")));
	ck_assert(json_is_null(json_object_get(e, "days_left")));
	e = entry(list, "handle");
	ck_assert_str_eq(str(e, "due", NULL), "2026-04-13");
	ck_assert(json_is_null(json_object_get(e, "met")));
	ck_assert(json_is_null(json_object_get(e, "done")));
	ck_assert_int_eq(xfa_json_int(e, "days_left", 0), 43);
	json_decref(list);
	/* no reply by Apr 20: late */
	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-04-20"));
	e = entry(list, "handle");
	ck_assert(json_is_false(json_object_get(e, "met")));
	ck_assert_int_eq(xfa_json_int(e, "days_left", 0), -7);
	json_decref(list);
	json_decref(doc);

	/* a late decision is allowed ("report") and reported */
	doc = registered();
	OK(go(&doc, mkev("accept", NULL, "2026-03-02", NULL, NULL), CLERK));
	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-03-03"));
	e = entry(list, "accept");
	ck_assert_str_eq(str(e, "done", NULL), "2026-03-02");
	ck_assert(json_is_false(json_object_get(e, "met")));
	json_decref(list);
	/* withdrawn before the handling deadline: not late */
	OK(go(&doc, mkev("withdraw", NULL, "2026-03-10", NULL, NULL), CLERK));
	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-12-01"));
	e = entry(list, "handle");
	ck_assert(json_is_null(json_object_get(e, "met")));
	ck_assert(json_is_null(json_object_get(e, "days_left")));
	json_decref(list);
	json_decref(doc);
}
END_TEST

START_TEST(deadlines_windows_lapse)
{
	json_t *doc = case_until("reply"), *list;
	const json_t *e;

	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-05-01"));
	e = entry(list, "review_request");
	ck_assert_str_eq(str(e, "enforce", NULL), "refuse");
	ck_assert(json_is_null(json_object_get(e, "met")));
	ck_assert_int_eq(xfa_json_int(e, "days_left", 0), 19);
	e = entry(list, "handle");
	ck_assert_str_eq(str(e, "done", NULL), "2026-04-20");
	ck_assert(json_is_true(json_object_get(e, "met")));
	e = entry(list, "objection");
	ck_assert(json_is_null(json_object_get(e, "met")));
	json_decref(list);
	/* the petitioner did not ask for a review: the window lapsed */
	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-06-30"));
	e = entry(list, "review_request");
	ck_assert(json_is_null(json_object_get(e, "met")));
	ck_assert(json_is_null(json_object_get(e, "days_left")));
	json_decref(list);
	json_decref(doc);
	doc = case_until("close");
	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-12-01"));
	ck_assert_int_eq(json_array_size(list), 7);
	ck_assert(json_is_true(json_object_get(entry(list, "recheck"), "met")));
	ck_assert(json_is_true(json_object_get(entry(list, "review_request"),
					       "met")));
	json_decref(list);
	/* a due date of a rule this definition lacks is judged by date */
	json_object_set_new(json_object_get(doc, "due"), "legacy",
			    json_string("2026-01-05"));
	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-12-01"));
	ck_assert(json_is_false(json_object_get(entry(list, "legacy"), "met")));
	json_decref(list);
	json_object_set_new(json_object_get(doc, "due"), "legacy",
			    json_string("soon"));
	ck_assert_ptr_null(xfa_workflow_deadlines(wf, doc, cal, 0));
	json_decref(doc);
}
END_TEST

START_TEST(hour_rules_give_stamps)
{
	xfa_workflow *saved = wf;
	json_t *d = json_deep_copy(def), *rule, *doc = NULL, *list;

	/* a community answers within 48 hours (case 10) */
	rule = json_array_get(json_object_get(d, "deadlines"), 0);
	json_object_set_new(rule, "unit", json_string("hours"));
	json_object_set_new(rule, "amount", json_integer(48));
	wf = NULL;
	ck_assert_msg(xfa_workflow_load(&wf, d) == 0, "%s", xfa_error_last());
	OK(go(&doc, mkev("register", NULL, RECEIVED, REG_PATCH, NULL), CLERK));
	ck_assert_str_eq(str(doc, "due", "accept"), "2026-02-12T09:00:00+08:00");
	OK(go(&doc, mkev("accept", NULL, "2026-02-12T09:30:00+08:00", NULL,
			 NULL), CLERK));
	list = xfa_workflow_deadlines(wf, doc, cal, day("2026-02-12"));
	ck_assert(json_is_false(json_object_get(entry(list, "accept"), "met")));
	ck_assert_str_eq(str(entry(list, "accept"), "done", NULL),
			 "2026-02-12T09:30:00+08:00");
	json_decref(list);
	xfa_workflow_free(wf);
	wf = saved;
	json_decref(doc);
	json_decref(d);
}
END_TEST

START_TEST(no_calendar_means_weekends_only)
{
	json_t *ev = mkev("register", NULL, "2026-09-26", REG_PATCH, NULL);
	json_t *doc;
	xfa_wf_ctx ctx = { .roles = CLERK };

	json_object_set_new(json_object_get(ev, "patch"), "received_at",
			    json_string("2026-09-26T09:00:00+08:00"));
	OK(xfa_workflow_apply(ev, wf, &ctx));
	doc = replay(NULL, ev);
	/* Sep 26 + 15 = Oct 11, a Sunday: Monday Oct 12 without holidays */
	ck_assert_str_eq(str(doc, "due", "accept"), "2026-10-12");
	json_decref(doc);
	json_decref(ev);
}
END_TEST

Suite *workflow_suite(void); /* found by the runner: see the Makefile */

Suite *workflow_suite(void)
{
	Suite *s = suite_create("workflow");
	TCase *tc = tcase_create("xinfang-2022");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, loads_shipped_definition);
	tcase_add_test(tc, refuses_broken_definitions);
	tcase_add_test(tc, report_section_checked);
	tcase_add_test(tc, register_completes_the_event);
	tcase_add_test(tc, main_path_through_recheck_and_archive);
	tcase_add_test(tc, moves_resolve_by_target_state);
	tcase_add_test(tc, reject_transfer_withdraw_return);
	tcase_add_test(tc, close_from_replied_and_reviewed);
	tcase_add_test(tc, status_free_events);
	tcase_add_test(tc, refuses_moves_outside_the_table);
	tcase_add_test(tc, refuses_signers_without_the_role);
	tcase_add_test(tc, refuses_missing_attachments_and_fields);
	tcase_add_test(tc, refuses_bad_extensions);
	tcase_add_test(tc, refuses_steps_after_their_window);
	tcase_add_test(tc, refuses_bad_times);
	tcase_add_test(tc, refuses_patches_outside_the_step);
	tcase_add_test(tc, proxy_registration_needs_authorization);
	tcase_add_test(tc, repeat_of_terminated_matter_only_rejected);
	tcase_add_test(tc, apply_is_idempotent_and_detects_tampering);
	tcase_add_test(tc, deadlines_met_late_and_open);
	tcase_add_test(tc, deadlines_windows_lapse);
	tcase_add_test(tc, hour_rules_give_stamps);
	tcase_add_test(tc, no_calendar_means_weekends_only);
	suite_add_tcase(s, tc);
	return s;
}

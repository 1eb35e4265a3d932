/* check_stats.c - issue 9 in the workflow engine: 逐级上报 ("advances":
 * one level at a time, refused past the top, skipping or without a level);
 * 领导接访 links; hour-level deadlines (a community reviews within 3 hours
 * and answers within 48) set, met and missed through xfa_workflow_apply(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "workflow.h"

#define WORKFLOW_FILE "schemas/workflow/xinfang-2022.json"
#define CASE_ID "XF-2026-000077"
#define RECEIVED "2026-03-02T21:40:00+08:00"

static const char *const CLERK[] = { "clerk", NULL };
static const char *const HANDLER[] = { "handler", NULL };
static const char *const LEADER[] = { "leader", NULL };

static json_t *def;
static xfa_workflow *wf;

static json_t *parse(const char *text)
{
	json_t *v = NULL;

	ck_assert_msg(xfa_json_parse(&v, text, strlen(text), "test") == 0,
		      "%s", xfa_error_last());
	return v;
}

/* The shipped definition plus the hour rules of a community tier. */
static void setup(void)
{
	json_t *dl;

	def = fx_read_json(WORKFLOW_FILE);
	dl = json_object_get(def, "deadlines");
	json_array_append_new(dl, parse("{\"id\": \"community_review\", "
		"\"label\": {\"zh\": \"社区审核\", \"en\": \"community review\"}, "
		"\"from\": \"received_at\", \"amount\": 3, \"unit\": \"hours\", "
		"\"set_on\": [\"register\"], \"met_by\": [\"accept\", \"reject\", "
		"\"transfer\"], \"enforce\": \"report\"}"));
	json_array_append_new(dl, parse("{\"id\": \"community_answer\", "
		"\"label\": {\"zh\": \"社区答复\", \"en\": \"community answer\"}, "
		"\"from\": \"received_at\", \"amount\": 48, \"unit\": \"hours\", "
		"\"set_on\": [\"register\"], \"met_by\": [\"reply\"], "
		"\"enforce\": \"report\"}"));
	ck_assert_msg(xfa_workflow_load(&wf, def) == 0, "%s", xfa_error_last());
}

static void teardown(void)
{
	xfa_workflow_free(wf);
	json_decref(def);
	wf = NULL;
	def = NULL;
}

static void expect(int got, int want, const char *needle)
{
	ck_assert_msg(got == want, "got %d (%s), want %d", got,
		      xfa_error_last(), want);
	if (needle)
		ck_assert_msg(strstr(xfa_error_last(), needle),
			      "message '%s' lacks '%s'", xfa_error_last(), needle);
}

#define OK(x) expect((x), 0, NULL)

static json_t *mkev(const char *type, const char *to, const char *when,
		    const char *patch, const char *note)
{
	json_t *ev = json_pack("{s:s, s:s, s:s, s:s}", "case", CASE_ID, "type",
			       type, "effective", when, "at", when);

	if (to)
		json_object_set_new(ev, "to", json_string(to));
	if (patch)
		json_object_set_new(ev, "patch", parse(patch));
	if (note)
		json_object_set_new(ev, "note", json_string(note));
	return ev;
}

/* Apply `ev` (stolen); on success check idempotence and replay it. */
static int go(json_t **doc, json_t *ev, const char *const *roles)
{
	xfa_wf_ctx ctx = { .before = *doc, .roles = roles };
	json_t *again, *patch;
	int err = xfa_workflow_apply(ev, wf, &ctx);

	if (err == 0) {
		again = json_deep_copy(ev);
		ck_assert_msg(xfa_workflow_apply(again, wf, &ctx) == 0,
			      "re-apply: %s", xfa_error_last());
		ck_assert_msg(json_equal(again, ev), "apply is not idempotent");
		json_decref(again);
		if ((patch = json_object_get(ev, "patch")))
			*doc = xfa_json_merge_patch(*doc ? *doc : json_object(), patch);
		if (json_is_string(json_object_get(ev, "to")))
			json_object_set(*doc, "status", json_object_get(ev, "to"));
	}
	json_decref(ev);
	return err;
}

static json_t *registered(const char *level)
{
	char patch[512];
	json_t *doc = NULL;

	snprintf(patch, sizeof(patch), "{\"channel\": \"visit\", \"received_at\": "
		 "\"" RECEIVED "\", \"petitioners\": [{\"name\": \"李某\"}], "
		 "\"summary\": \"楼道堆物\", \"level\": \"%s\"}", level);
	OK(go(&doc, mkev("register", "registered", RECEIVED, patch, NULL), CLERK));
	return doc;
}

static const char *level_of(const json_t *doc)
{
	return xfa_json_str(doc, "level");
}

START_TEST(escalate_one_level_at_a_time)
{
	json_t *doc = registered("village");
	const char *t = "2026-03-03T09:00:00+08:00";

	expect(go(&doc, mkev("escalate", NULL, t, "{\"level\": \"township\"}",
			     NULL), CLERK), XFA_EINVALID, "note");
	expect(go(&doc, mkev("escalate", NULL, t, "{\"level\": \"county\"}",
			     "调解未果"), CLERK), XFA_EINVALID, "one step at a time");
	expect(go(&doc, mkev("escalate", NULL, t, NULL, "调解未果"), CLERK),
	       XFA_EINVALID, NULL);
	expect(go(&doc, mkev("escalate", NULL, t, "{\"level\": \"township\"}",
			     "调解未果"), HANDLER), XFA_EAUTH, NULL);
	OK(go(&doc, mkev("escalate", NULL, t, "{\"level\": \"township\"}",
			 "村调解未果"), CLERK));
	ck_assert_str_eq(level_of(doc), "township");
	ck_assert_str_eq(xfa_json_str(doc, "status"), "registered");
	OK(go(&doc, mkev("escalate", NULL, t, "{\"level\": \"county\"}",
			 "镇化解未果"), LEADER));
	ck_assert_str_eq(level_of(doc), "county");
	expect(go(&doc, mkev("escalate", NULL, t, "{\"level\": \"county\"}",
			     "再上报"), LEADER), XFA_EINVALID, "top of the list");
	expect(go(&doc, mkev("escalate", NULL, t, "{\"level\": \"city\"}",
			     "再上报"), LEADER), XFA_EINVALID, NULL);
	ck_assert_str_eq(level_of(doc), "county");
	json_decref(doc);
}
END_TEST

START_TEST(escalate_needs_a_level)
{
	json_t *doc = NULL;

	OK(go(&doc, mkev("register", "registered", RECEIVED, "{\"channel\": "
			 "\"letter\", \"received_at\": \"" RECEIVED "\", "
			 "\"petitioners\": [{\"name\": \"王某\"}], \"summary\": "
			 "\"噪声\"}", NULL), CLERK));
	expect(go(&doc, mkev("escalate", NULL, "2026-03-03T09:00:00+08:00",
			     "{\"level\": \"township\"}", "上报"), CLERK),
	       XFA_EINVALID, "no 'level'");
	json_decref(doc);
}
END_TEST

START_TEST(reception_link)
{
	json_t *doc = registered("township");
	const char *t = "2026-03-03T09:00:00+08:00";

	expect(go(&doc, mkev("reception", NULL, t, "{\"reception\": "
			     "{\"leader\": \"王县长\"}}", NULL), LEADER),
	       XFA_EINVALID, "reception.date");
	expect(go(&doc, mkev("reception", NULL, t, "{\"reception\": {\"leader\": "
			     "\"王县长\", \"date\": \"2026-03-02\"}}", NULL), HANDLER),
	       XFA_EAUTH, NULL);
	OK(go(&doc, mkev("reception", NULL, t, "{\"reception\": {\"leader\": "
			 "\"王县长\", \"date\": \"2026-03-02\"}}", NULL), LEADER));
	ck_assert_str_eq(xfa_json_str(json_object_get(doc, "reception"), "leader"),
			 "王县长");
	json_decref(doc);
}
END_TEST

/* The due stamp of rule `id` and whether it is met, judged on `today`. */
static void judged(const json_t *doc, const char *id, long today,
		   const char *due, int met)
{
	json_t *dl = xfa_workflow_deadlines(wf, doc, NULL, today), *d;
	size_t i;
	int found = 0;

	ck_assert_msg(dl != NULL, "%s", xfa_error_last());
	json_array_foreach(dl, i, d) {
		if (strcmp(xfa_json_str(d, "id"), id))
			continue;
		found = 1;
		ck_assert_str_eq(xfa_json_str(d, "due"), due);
		if (met < 0)
			ck_assert(json_is_null(json_object_get(d, "met")));
		else
			ck_assert_int_eq(json_is_true(json_object_get(d, "met")), met);
	}
	ck_assert_msg(found, "no deadline '%s'", id);
	json_decref(dl);
}

START_TEST(hour_deadlines_of_a_community)
{
	json_t *doc = registered("village");
	long d0302 = 20514, d0304 = 20516, d0310 = 20522;

	/* 21:40 + 3 h crosses midnight; + 48 h lands on a day, neither rolls */
	ck_assert_str_eq(xfa_json_str(json_object_get(doc, "due"),
				      "community_review"), "2026-03-03T00:40:00+08:00");
	ck_assert_str_eq(xfa_json_str(json_object_get(doc, "due"),
				      "community_answer"), "2026-03-04T21:40:00+08:00");
	judged(doc, "community_review", d0302, "2026-03-03T00:40:00+08:00", -1);
	/* accepted at 00:30, ten minutes early: met */
	OK(go(&doc, mkev("accept", "accepted", "2026-03-03T00:30:00+08:00",
			 NULL, NULL), CLERK));
	judged(doc, "community_review", d0304, "2026-03-03T00:40:00+08:00", 1);
	/* never replied: the 48 hours are missed once past */
	judged(doc, "community_answer", d0302, "2026-03-04T21:40:00+08:00", -1);
	judged(doc, "community_answer", d0310, "2026-03-04T21:40:00+08:00", 0);
	json_decref(doc);
}
END_TEST

START_TEST(hour_deadline_missed_by_minutes)
{
	json_t *doc = registered("village");

	OK(go(&doc, mkev("accept", "accepted", "2026-03-03T00:41:00+08:00",
			 NULL, NULL), CLERK));
	judged(doc, "community_review", 20516, "2026-03-03T00:40:00+08:00", 0);
	json_decref(doc);
}
END_TEST

/* The shipped tier limits ("variants" by level) and their restart on 逐级上报,
 * through xfa_workflow_apply() (each step re-applied and compared). */
START_TEST(shipped_tier_limits_follow_the_level)
{
	json_t *doc = registered("village");
	const json_t *due;

	/* 社区: review within 3 hours of 21:40 */
	due = json_object_get(doc, "due");
	ck_assert_str_eq(xfa_json_str(due, "accept"), "2026-03-03T00:40:00+08:00");
	/* a village case escalated before acceptance: the township keeps the
	 * statutory 15 days, counted from the escalation (03-03 + 15) */
	{
		json_t *early = registered("village");
		OK(go(&early, mkev("escalate", NULL, "2026-03-03T09:00:00+08:00",
				   "{\"level\": \"township\"}", "社区无法审核"),
		      CLERK));
		ck_assert_str_eq(xfa_json_str(json_object_get(early, "due"),
					      "accept"), "2026-03-18");
		json_decref(early);
	}
	/* accepted in time: answer within 48 hours */
	OK(go(&doc, mkev("accept", "accepted", "2026-03-03T00:30:00+08:00",
			 NULL, NULL), CLERK));
	due = json_object_get(doc, "due");
	ck_assert_str_eq(xfa_json_str(due, "handle"), "2026-03-05T00:30:00+08:00");
	/* 街道: 72 hours from the escalation; the met acceptance stays */
	OK(go(&doc, mkev("escalate", NULL, "2026-03-04T10:00:00+08:00",
			 "{\"level\": \"township\"}", "社区无法解决"), CLERK));
	due = json_object_get(doc, "due");
	ck_assert_str_eq(xfa_json_str(due, "handle"), "2026-03-07T10:00:00+08:00");
	ck_assert_str_eq(xfa_json_str(due, "accept"), "2026-03-03T00:40:00+08:00");
	/* 县: the statutory 60 days, 03-05 + 60 = 05-04 (this test applies
	 * steps without a holiday calendar: no Labour Day roll) */
	OK(go(&doc, mkev("escalate", NULL, "2026-03-05T09:00:00+08:00",
			 "{\"level\": \"county\"}", "街道化解未果"), LEADER));
	ck_assert_str_eq(xfa_json_str(json_object_get(doc, "due"), "handle"),
			 "2026-05-04");
	json_decref(doc);
}
END_TEST

/* "advances" must name a vocabulary that exists and a field of the step. */
static void load_with_advances(const char *adv, const char *needle)
{
	json_t *d = json_deep_copy(def), *ev;
	xfa_workflow *w = NULL;
	size_t i;

	json_array_foreach(json_object_get(d, "events"), i, ev)
		if (!strcmp(xfa_json_str(ev, "id"), "escalate"))
			json_object_set_new(ev, "advances", parse(adv));
	expect(xfa_workflow_load(&w, d), XFA_EINVALID, needle);
	ck_assert(w == NULL);
	json_decref(d);
}

START_TEST(advances_checked_at_load)
{
	load_with_advances("{\"field\": \"level\", \"vocabulary\": \"levels\"}",
			   "'levels', which does not exist");
	load_with_advances("{\"field\": \"unit\", \"vocabulary\": \"level\"}",
			   "'unit', which is not one of its fields");
}
END_TEST

/* ---- the risk ledger: a second workflow beside the petition one ---- */

#define RISK_FILE "schemas/workflow/risk-ledger.json"

static json_t *rdef;
static xfa_workflow *rwf;

static void rsetup(void)
{
	setup();
	rdef = fx_read_json(RISK_FILE);
	ck_assert_msg(xfa_workflow_load(&rwf, rdef) == 0, "%s", xfa_error_last());
}

static void rteardown(void)
{
	xfa_workflow_free(rwf);
	json_decref(rdef);
	rwf = NULL;
	rdef = NULL;
	teardown();
}

/* Apply `ev` (stolen) under the risk workflow; replay on success. */
static int rgo(json_t **doc, json_t *ev, const char *const *roles)
{
	xfa_workflow *keep = wf;
	int err;

	wf = rwf;
	err = go(doc, ev, roles);
	wf = keep;
	return err;
}

static json_t *risk(void)
{
	json_t *doc = NULL;

	OK(rgo(&doc, mkev("register", "screened", "2026-01-02T10:00:00+08:00",
			  "{\"received_at\": \"2026-01-02T10:00:00+08:00\", "
			  "\"found_by\": \"东升村周排查\", \"locality\": \"东升村\", "
			  "\"parties\": [\"赵某\", \"钱某\"], \"category\": "
			  "\"land-dispute\", \"headcount\": 6, \"summary\": "
			  "\"宅基地边界争议\"}", NULL), CLERK));
	return doc;
}

static const char *due_of(const json_t *doc, const char *id)
{
	return xfa_json_str(json_object_get(doc, "due"), id);
}

START_TEST(two_workflows_side_by_side)
{
	json_t *doc = risk();

	ck_assert_str_eq(xfa_workflow_id(wf), "xinfang-2022");
	ck_assert_str_eq(xfa_workflow_id(rwf), "risk-ledger");
	ck_assert_str_eq(xfa_json_str(doc, "workflow"), "risk-ledger");
	ck_assert_str_eq(xfa_json_str(doc, "status"), "screened");
	ck_assert_str_eq(xfa_workflow_label(rwf, "state", "level3", "zh"),
			 "三级清单（重点管理）");
	/* a petition step is not a step of the ledger, and back */
	expect(rgo(&doc, mkev("accept", "accepted", "2026-01-03T09:00:00+08:00",
			      NULL, NULL), CLERK), XFA_EINVALID, NULL);
	json_decref(doc);
}
END_TEST

START_TEST(levels_move_with_a_reason)
{
	json_t *doc = risk();
	const char *t = "2026-01-03T09:00:00+08:00";

	expect(rgo(&doc, mkev("move", "level3", t, NULL, NULL), CLERK),
	       XFA_EINVALID, "note");
	expect(rgo(&doc, mkev("move", "level3", t, NULL, "双方对立情绪大"),
		   HANDLER), XFA_EAUTH, NULL);
	OK(rgo(&doc, mkev("move", "level3", t, NULL, "双方对立情绪大"), CLERK));
	ck_assert_str_eq(xfa_json_str(doc, "status"), "level3");
	OK(rgo(&doc, mkev("move", "level2", "2026-01-10T09:00:00+08:00",
			  "{\"petition\": \"XF-2026-000009\"}",
			  "已来访，转入信访事项办理"), LEADER));
	ck_assert_str_eq(xfa_json_str(doc, "petition"), "XF-2026-000009");
	expect(rgo(&doc, mkev("move", "struck", "2026-01-11T09:00:00+08:00",
			      NULL, "销号"), CLERK), XFA_EINVALID, NULL);
	json_decref(doc);
}
END_TEST

START_TEST(strike_off_only_after_observation)
{
	json_t *doc = risk();

	OK(rgo(&doc, mkev("move", "level1", "2026-01-05T09:00:00+08:00", NULL,
			  "调解协议已履行"), CLERK));
	/* 2026-01-05 + 180 days = 07-04, a Saturday: 07-06 */
	ck_assert_str_eq(due_of(doc, "observation"), "2026-07-06");
	expect(rgo(&doc, mkev("move", "struck", "2026-03-01T09:00:00+08:00", NULL,
			      "申请销号"), CLERK), XFA_EINVALID, "too early");
	expect(rgo(&doc, mkev("move", "struck", "2026-07-06T17:00:00+08:00", NULL,
			      "申请销号"), CLERK), XFA_EINVALID, "observation");
	/* a petition during observation: back to list 3, then resolved again */
	OK(rgo(&doc, mkev("move", "level3", "2026-03-02T09:00:00+08:00",
			  "{\"petition\": \"XF-2026-000011\"}", "当事人来访"), CLERK));
	expect(rgo(&doc, mkev("move", "level1", "2026-02-02T09:00:00+08:00", NULL,
			      "再次化解"), CLERK), XFA_EINVALID, "precedes");
	OK(rgo(&doc, mkev("move", "level1", "2026-04-01T09:00:00+08:00", NULL,
			  "再次化解"), CLERK));
	/* the observation starts again: 04-01 + 180 = 09-28 (Monday) */
	ck_assert_str_eq(due_of(doc, "observation"), "2026-09-28");
	expect(rgo(&doc, mkev("move", "struck", "2026-07-07T09:00:00+08:00", NULL,
			      "申请销号"), CLERK), XFA_EINVALID, "too early");
	expect(rgo(&doc, mkev("move", "struck", "2026-09-29T09:00:00+08:00", NULL,
			      "申请销号"), LEADER), XFA_EAUTH, NULL);
	OK(rgo(&doc, mkev("move", "struck", "2026-09-29T09:00:00+08:00", NULL,
			  "观察期满无信访，申请销号"), CLERK));
	ck_assert_str_eq(xfa_json_str(doc, "status"), "struck");
	expect(rgo(&doc, mkev("move", "level3", "2026-10-01T09:00:00+08:00", NULL,
			      "复发"), CLERK), XFA_EINVALID, NULL);
	json_decref(doc);
}
END_TEST

Suite *stats_suite(void); /* found by the runner: see the Makefile */

Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("levels");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, escalate_one_level_at_a_time);
	tcase_add_test(tc, escalate_needs_a_level);
	tcase_add_test(tc, advances_checked_at_load);
	tcase_add_test(tc, reception_link);
	tcase_add_test(tc, hour_deadlines_of_a_community);
	tcase_add_test(tc, hour_deadline_missed_by_minutes);
	tcase_add_test(tc, shipped_tier_limits_follow_the_level);
	suite_add_tcase(s, tc);
	tc = tcase_create("ledger");
	tcase_add_checked_fixture(tc, rsetup, rteardown);
	tcase_add_test(tc, two_workflows_side_by_side);
	tcase_add_test(tc, levels_move_with_a_reason);
	tcase_add_test(tc, strike_off_only_after_observation);
	suite_add_tcase(s, tc);
	return s;
}

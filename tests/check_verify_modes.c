/* check_verify_modes.c - checkpoints given together (equivocation, offices,
 * a revoked signer), --since, and `verify ID` against its derived event
 * list (an entry missing, an entry naming a commit not in the chain). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "case.h"
#include "checkpoint.h"
#include "check_fixture.h"
#include "error.h"
#include "evmap.h"
#include "file.h"
#include "json.h"
#include "schema.h"
#include "verify.h"

static fx_archive fx;
static char case_id[64];

static void note_event(void)
{
	static int k;
	char text[32];
	xfa_case_opts o;
	unsigned seq;

	memset(&o, 0, sizeof(o));
	snprintf(text, sizeof(text), "note %d", ++k);   /* no two commits alike */
	o.note = text;
	ck_assert_msg(xfa_case_record(&seq, fx.a, fx.clerk, case_id, "note", &o) == 0,
		      "note: %s", xfa_error_last());
}

static void setup(void)
{
	json_t *in = fx_case_input();
	char *id = NULL, *code = NULL;
	xfa_case_opts o;

	memset(&o, 0, sizeof(o));
	fx_archive_setup(&fx, NULL, 1);
	ck_assert_int_eq(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o), 0);
	snprintf(case_id, sizeof(case_id), "%s", id);
	note_event();
	json_decref(in);
	free(id);
	free(code);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

static void git(const char *fmt, const char *arg)
{
	char cmd[1024], tail[512];

	snprintf(tail, sizeof(tail), fmt, arg);
	snprintf(cmd, sizeof(cmd), "git --git-dir=%s %s >/dev/null 2>&1", fx.path, tail);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

/* A checkpoint of the current head, signed by `k` (malloc'd). */
static char *checkpoint(const xfa_key *k)
{
	const xfa_meta *m;
	char *note = NULL;

	ck_assert_int_eq(xfa_archive_meta(&m, fx.a), 0);
	ck_assert_msg(xfa_checkpoint_make(&note, xfa_archive_store(fx.a), m->doc, k) == 0,
		      "checkpoint: %s", xfa_error_last());
	return note;
}

static json_t *run_with(const char *a, const char *b, const char *since,
			const char *const *cases, size_t ncases)
{
	xfa_verify_note n[2] = { { "a.cp", a, a ? strlen(a) : 0 },
				 { "b.cp", b, b ? strlen(b) : 0 } };
	xfa_verify_note s = { "since.cp", since, since ? strlen(since) : 0 };
	xfa_verify_opts o;
	json_t *r = NULL;

	memset(&o, 0, sizeof(o));
	o.notes = n;
	o.nnotes = (size_t)(a != NULL) + (b != NULL);
	o.since = since ? &s : NULL;
	o.cases = cases;
	o.ncases = ncases;
	ck_assert_msg(xfa_verify_run(&r, fx.path, &o) == 0, "verify: %s", xfa_error_last());
	ck_assert_int_eq(xfa_schema_check("verify-report.schema.json", r, "report"), 0);
	return r;
}

/* The finding with this reason, or NULL. */
static const json_t *finding(const json_t *r, const char *reason)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(r, "findings"), i, f)
		if (!strcmp(xfa_json_str(f, "reason"), reason))
			return f;
	return NULL;
}

static void head_hex(char out[41])
{
	fx_head(out, fx.a);
}

/* Two checkpoints at one count naming different heads: a split view. */
START_TEST(test_equivocation_same_size)
{
	char h1[41], h2[41], *a, *b;
	const json_t *f;
	json_t *r;

	note_event();
	head_hex(h1);
	a = checkpoint(fx.clerk);
	git("update-ref refs/heads/main refs/heads/main~1%s", "");
	note_event();          /* another event on the same parent */
	head_hex(h2);
	ck_assert_str_ne(h1, h2);
	b = checkpoint(fx.admin);
	r = run_with(a, b, NULL, NULL, 0);
	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_ptr_nonnull(f = finding(r, "checkpoint-equivocation"));
	ck_assert_ptr_nonnull(strstr(xfa_json_str(f, "message"), h1));
	ck_assert_ptr_nonnull(strstr(xfa_json_str(f, "message"), h2));
	ck_assert_ptr_nonnull(strstr(xfa_json_str(f, "message"), fx.clerk_fpr));
	ck_assert_ptr_nonnull(strstr(xfa_json_str(f, "message"), fx.admin_fpr));
	ck_assert_ptr_nonnull(finding(r, "history-rewritten"));   /* a's head */
	json_decref(r);
	free(a);
	free(b);
}
END_TEST

/* A larger checkpoint whose head does not descend from a smaller one's. */
START_TEST(test_equivocation_not_descending)
{
	char *a, *b;
	json_t *r;

	note_event();
	a = checkpoint(fx.clerk);
	git("update-ref refs/heads/main refs/heads/main~1%s", "");
	note_event();
	note_event();
	b = checkpoint(fx.clerk);
	r = run_with(a, b, NULL, NULL, 0);
	ck_assert_ptr_nonnull(finding(r, "checkpoint-equivocation"));
	json_decref(r);
	/* the same two, honest: b taken after a on one line of history */
	free(b);
	git("update-ref refs/heads/main refs/heads/main~2%s", "");
	note_event();
	free(a);
	a = checkpoint(fx.clerk);
	note_event();
	b = checkpoint(fx.clerk);
	r = run_with(a, b, NULL, NULL, 0);
	ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s",
		      json_dumps(r, 0));
	json_decref(r);
	free(a);
	free(b);
}
END_TEST

/* Two offices at one count with different heads: no split view; the
 * other office's head not yet here is a note. */
START_TEST(test_two_offices_same_size)
{
	const json_t *cps, *notes;
	char *a, *b;
	json_t *r;

	note_event();
	git("config xfa.office A01%s", "");
	a = checkpoint(fx.clerk);
	ck_assert_ptr_nonnull(strstr(a, "/A01\n"));
	git("update-ref refs/heads/main refs/heads/main~1%s", "");
	git("config xfa.office B02%s", "");
	note_event();
	b = checkpoint(fx.clerk);
	r = run_with(a, b, NULL, NULL, 0);
	ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s", json_dumps(r, 0));
	cps = json_object_get(r, "checkpoints");
	ck_assert_str_eq(xfa_json_str(json_array_get(cps, 0), "status"), "not-integrated");
	ck_assert_str_eq(xfa_json_str(json_array_get(cps, 0), "office"), "A01");
	ck_assert_str_eq(xfa_json_str(json_array_get(cps, 1), "status"), "ok");
	notes = json_object_get(r, "notes");
	ck_assert_uint_eq(json_array_size(notes), 1);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(notes, 0)),
				     "not yet integrated"));
	json_decref(r);
	free(a);
	free(b);
}
END_TEST

/* A checkpoint dated after its signer's revocation is refused. */
START_TEST(test_revoked_signer)
{
	char *a;
	json_t *r;

	setenv("XFA_NOW", "2099-01-01T00:00:00+08:00", 1);
	a = checkpoint(fx.clerk);
	unsetenv("XFA_NOW");
	ck_assert_int_eq(xfa_admin_key_revoke(fx.a, fx.admin, fx.clerk_fpr), 0);
	r = run_with(a, NULL, NULL, NULL, 0);
	ck_assert_ptr_nonnull(finding(r, "bad-checkpoint"));
	ck_assert_str_eq(xfa_json_str(json_array_get(json_object_get(r, "checkpoints"), 0),
				      "status"), "bad-checkpoint");
	json_decref(r);
	free(a);
}
END_TEST

/* Dated before the commit it names (less the skew): backdated. */
START_TEST(test_backdated_checkpoint)
{
	char *a;
	json_t *r;

	setenv("XFA_NOW", "2099-01-01T00:00:00+08:00", 1);
	note_event();                /* the head's commit is of 2099 */
	unsetenv("XFA_NOW");
	a = checkpoint(fx.clerk);    /* dated today */
	r = run_with(a, NULL, NULL, NULL, 0);
	ck_assert_ptr_nonnull(finding(r, "bad-checkpoint"));
	ck_assert_ptr_nonnull(strstr(xfa_json_str(finding(r, "bad-checkpoint"),
						  "message"), "backdated"));
	json_decref(r);
	free(a);
}
END_TEST

/* --since: only the commits after the head; a non-ancestor is a finding. */
START_TEST(test_since)
{
	const json_t *c;
	char *a, h[41];
	json_t *r;

	a = checkpoint(fx.clerk);
	head_hex(h);
	note_event();
	note_event();
	r = run_with(NULL, NULL, a, NULL, 0);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	c = json_object_get(r, "coverage");
	ck_assert_str_eq(xfa_json_str(c, "mode"), "since");
	ck_assert_str_eq(xfa_json_str(c, "from"), h);
	ck_assert_int_eq(xfa_json_int(c, "commits", -1), 2);
	ck_assert_int_eq(xfa_json_int(json_object_get(r, "totals"), "commits", -1), 2);
	ck_assert_str_eq(xfa_json_str(json_object_get(c, "rests_on"), "signer"),
			 fx.clerk_fpr);
	json_decref(r);
	/* main rewritten past the checkpoint: history-rewritten, nothing run */
	git("update-ref refs/heads/main refs/heads/main~3%s", "");
	note_event();
	r = run_with(NULL, NULL, a, NULL, 0);
	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_ptr_nonnull(finding(r, "history-rewritten"));
	c = json_object_get(r, "coverage");
	ck_assert(json_is_null(json_object_get(c, "from")));
	ck_assert_int_eq(xfa_json_int(json_object_get(r, "totals"), "commits", -1), 0);
	json_decref(r);
	free(a);
}
END_TEST

/* --- verify ID against the derived list ---------------------------------- */

static const char *const *one_case(void)
{
	static const char *ids[1];

	ids[0] = case_id;
	return ids;
}

static const char *derived(const json_t *r)
{
	return xfa_json_str(json_object_get(r, "coverage"), "derived");
}

/* Rewrite the record of event blob `blob` in the list file: drop it
 * (`to` NULL) or point it at commit `to`. */
static void edit_evmap(const xfa_oid *blob, const xfa_oid *to)
{
	char path[256], *buf = NULL;
	size_t len, i, n, hdr = 8 + 20 + 8;
	uint64_t cnt;
	int found = 0;

	snprintf(path, sizeof(path), "%s/" XFA_EVMAP_FILE, fx.path);
	ck_assert_int_eq(xfa_file_read(&buf, &len, path, 1 << 24), 0);
	n = (len - hdr) / 40;
	for (i = 0; i < n; i++)
		if (!memcmp(buf + hdr + i * 40, blob->id, 20)) {
			found = 1;
			if (to)
				memcpy(buf + hdr + i * 40 + 20, to->id, 20);
			else {
				memmove(buf + hdr + i * 40, buf + hdr + (i + 1) * 40,
					(n - i - 1) * 40);
				len -= 40;
				cnt = n - 1;
				memcpy(buf + 28, &cnt, 8);
			}
			break;
		}
	ck_assert(found);
	fx_spit(path, buf, len);
	free(buf);
}

static void event_blob(xfa_oid *out, unsigned seq)
{
	char dir[200], path[300];
	xfa_oid head;

	ck_assert_int_eq(xfa_case_dir(dir, sizeof(dir), case_id), 0);
	snprintf(path, sizeof(path), "%s/events/%06u.json", dir, seq);
	ck_assert_int_eq(xfa_store_head(&head, xfa_archive_store(fx.a)), 0);
	ck_assert_int_eq(xfa_store_stat(out, NULL, xfa_archive_store(fx.a), &head, path), 0);
}

START_TEST(test_case_traced)
{
	json_t *r;

	r = run_with(NULL, NULL, NULL, one_case(), 1);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_str_eq(derived(r), "rebuilt");
	/* init, key-add, register, note: 4 commits, the case's and .xfa's */
	ck_assert_int_eq(xfa_json_int(json_object_get(r, "totals"), "commits", -1), 4);
	json_decref(r);
	note_event();
	r = run_with(NULL, NULL, NULL, one_case(), 1);
	ck_assert_str_eq(derived(r), "updated");
	json_decref(r);
	r = run_with(NULL, NULL, NULL, one_case(), 1);
	ck_assert_str_eq(derived(r), "current");
	ck_assert_int_eq(xfa_json_int(json_object_get(r, "totals"), "commits", -1), 5);
	ck_assert_ptr_null(json_object_get(r, "notes"));
	json_decref(r);
}
END_TEST

/* An event at the head whose commit the list lacks: not trusted, rebuilt. */
START_TEST(test_case_list_missing_event)
{
	xfa_oid blob;
	json_t *r;

	r = run_with(NULL, NULL, NULL, one_case(), 1);
	json_decref(r);
	event_blob(&blob, 2);
	edit_evmap(&blob, NULL);
	r = run_with(NULL, NULL, NULL, one_case(), 1);
	ck_assert(json_is_true(json_object_get(r, "ok")));
	ck_assert_str_eq(derived(r), "rebuilt");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_array_get(
		json_object_get(r, "notes"), 0)), "no commit listed"));
	ck_assert_int_eq(xfa_json_int(json_object_get(r, "totals"), "commits", -1), 4);
	json_decref(r);
}
END_TEST

/* An entry naming a commit outside the chain (same tree, another commit,
 * not in main): refused, the list rebuilt, the real commit verified. */
START_TEST(test_case_list_commit_not_in_chain)
{
	char cmd[600], hex[41];
	xfa_oid blob, other;
	FILE *p;
	json_t *r;

	r = run_with(NULL, NULL, NULL, one_case(), 1);
	json_decref(r);
	snprintf(cmd, sizeof(cmd), "git --git-dir=%s commit-tree main^{tree} "
		 "-p main~1 -m forged", fx.path);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	ck_assert_ptr_nonnull(fgets(hex, sizeof(hex), p));
	pclose(p);
	ck_assert_int_eq(xfa_oid_parse(&other, hex), 0);
	event_blob(&blob, 2);
	edit_evmap(&blob, &other);
	r = run_with(NULL, NULL, NULL, one_case(), 1);
	ck_assert_msg(json_is_true(json_object_get(r, "ok")), "%s", json_dumps(r, 0));
	ck_assert_str_eq(derived(r), "rebuilt");
	json_decref(r);
	/* the same forged commit made main's head: an event added again by a
	 * commit now in the chain: it is traced, verified and caught */
	git("update-ref refs/heads/main %s", hex);
	r = run_with(NULL, NULL, NULL, one_case(), 1);
	ck_assert(json_is_false(json_object_get(r, "ok")));
	ck_assert_str_eq(derived(r), "rebuilt");
	ck_assert_ptr_nonnull(finding(r, "unsigned-commit"));
	json_decref(r);
}
END_TEST

static int count_id(const xfa_oid *id, void *payload)
{
	(void)id;
	(*(size_t *)payload)++;
	return 0;
}

/* The lean walk of a whole run meets every commit once, merges included. */
START_TEST(test_lean_walk)
{
	char cmd[700], side[41], top[41];
	size_t a = 0, b = 0;
	xfa_oid head;
	FILE *p;

	note_event();
	head_hex(top);
	git("update-ref refs/heads/main refs/heads/main~1%s", "");
	note_event();
	head_hex(side);
	snprintf(cmd, sizeof(cmd), "git --git-dir=%s commit-tree main^{tree} -p %s "
		 "-p %s -m merge", fx.path, top, side);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	ck_assert_ptr_nonnull(fgets(top, sizeof(top), p));
	pclose(p);
	git("update-ref refs/heads/main %s", top);
	ck_assert_int_eq(xfa_oid_parse(&head, top), 0);
	ck_assert_int_eq(xfa_store_walk(xfa_archive_store(fx.a), &head, count_id, &a), 0);
	ck_assert_int_eq(xfa_store_walk_lean(xfa_archive_store(fx.a), &head, count_id, &b), 0);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_eq(a, 7);   /* init, key-add, register, note, two sides, merge */
}
END_TEST

Suite *verify_modes_suite(void); /* found by the runner: see the Makefile */

Suite *verify_modes_suite(void)
{
	Suite *s = suite_create("verify_modes");
	TCase *tc = tcase_create("checkpoints");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_equivocation_same_size);
	tcase_add_test(tc, test_equivocation_not_descending);
	tcase_add_test(tc, test_two_offices_same_size);
	tcase_add_test(tc, test_revoked_signer);
	tcase_add_test(tc, test_backdated_checkpoint);
	tcase_add_test(tc, test_since);
	tcase_add_test(tc, test_lean_walk);
	suite_add_tcase(s, tc);
	tc = tcase_create("cases");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_case_traced);
	tcase_add_test(tc, test_case_list_missing_event);
	tcase_add_test(tc, test_case_list_commit_not_in_chain);
	suite_add_tcase(s, tc);
	return s;
}

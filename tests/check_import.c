/* check_import.c - tests for import.c: a file of cases with histories is
 * imported as one batch; a bad line (JSON, schema, unknown signer, illegal
 * transition) is reported by number and nothing is written; --check mode;
 * a legacy_ref the archive holds, or that an earlier line has, is refused. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "import.h"
#include "json.h"

static fx_archive fx;
static char file[200];

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	snprintf(file, sizeof(file), "%s/in.jsonl", fx.dir);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

/* One line: a case numbered `ref` in the legacy system, received on day `d`
 * of March 2025, and its moves `moves` (a JSON array text with %s for the
 * clerk's fingerprint). */
static void line_ref(FILE *f, int d, const char *ref, const char *moves)
{
	char ev[2048];

	snprintf(ev, sizeof(ev), moves, fx.clerk_fpr, fx.clerk_fpr);
	fprintf(f, "{\"case\": {\"channel\": \"letter\", \"received_at\": "
		"\"2025-03-%02dT09:00:00+08:00\", \"petitioners\": [{\"name\": \"甲\"}], "
		"\"summary\": \"测试\", \"category\": \"water\", \"legacy_ref\": \"%s\"}, "
		"\"by\": \"%s\", \"events\": %s}\n", d, ref, fx.clerk_fpr, ev);
}

/* The same, numbered L-d. */
static void line(FILE *f, int d, const char *moves)
{
	char ref[32];

	snprintf(ref, sizeof(ref), "L-%d", d);
	line_ref(f, d, ref, moves);
}

static const char good_moves[] =
	"[{\"to\": \"accepted\", \"by\": \"%s\", \"effective\": \"2025-03-20\"},"
	" {\"to\": \"assigned\", \"by\": \"%s\", \"effective\": \"2025-03-21T10:00:00+08:00\","
	"  \"set\": {\"unit\": \"水务局\"}}]";

static int run(xfa_import_result *r, int check_only)
{
	const xfa_key *keys[1] = { fx.clerk };
	xfa_import_opts o;

	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = 1;
	o.check_only = check_only;
	return xfa_import_file(r, fx.a, file, &o);
}

static int count_packs(void)
{
	char dir[300];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/objects/pack", fx.path);
	if (!(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".pack") != NULL;
	closedir(d);
	return n;
}

/* The import failed on `want_line` with `code` and wrote nothing. */
static void refused(int code, unsigned want_line)
{
	xfa_import_result r;
	char before[41], after[41];
	int packs = count_packs(), err;

	fx_head(before, fx.a);
	err = run(&r, 0);
	ck_assert_msg(err == code, "got %d (%s), want %d", err, xfa_error_last(), code);
	ck_assert_int_ge(json_array_size(r.problems), 1);
	ck_assert_int_eq(xfa_json_int(json_array_get(r.problems, 0), "line", 0), want_line);
	fx_head(after, fx.a);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(count_packs(), packs);
	xfa_import_result_release(&r);
}

START_TEST(imports_cases_in_one_pack)
{
	FILE *f = fopen(file, "w");
	xfa_import_result r;
	json_t *doc = NULL;
	char before[41], after[41];
	int err;

	line(f, 1, good_moves);
	fputs("\n", f);   /* blank lines are skipped */
	line(f, 2, "[]");
	fclose(f);
	fx_head(before, fx.a);
	ck_assert_int_eq(count_packs(), 0);
	err = run(&r, 0);
	ck_assert_msg(err == 0, "%s", xfa_error_last());
	ck_assert_int_eq(json_array_size(r.cases), 2);
	ck_assert_int_eq(r.events, 4);
	ck_assert_int_eq(r.lines, 3);
	ck_assert_int_eq(count_packs(), 1);
	fx_head(after, fx.a);
	ck_assert_str_ne(before, after);
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, xfa_json_str(json_array_get(r.cases, 0), "id")), 0);
	ck_assert_str_eq(xfa_json_str(doc, "status"), "assigned");
	ck_assert_str_eq(xfa_json_str(doc, "unit"), "水务局");
	ck_assert_int_eq(xfa_json_int(json_array_get(r.cases, 1), "line", 0), 3);
	ck_assert_int_eq(strlen(xfa_json_str(json_array_get(r.cases, 1), "query_code")), 19);
	json_decref(doc);
	xfa_import_result_release(&r);
}
END_TEST

START_TEST(check_only_writes_nothing)
{
	FILE *f = fopen(file, "w");
	xfa_import_result r;
	char before[41], after[41];

	line(f, 1, good_moves);
	fclose(f);
	fx_head(before, fx.a);
	ck_assert_int_eq(run(&r, 1), 0);
	ck_assert_int_eq(r.events, 3);
	fx_head(after, fx.a);
	ck_assert_str_eq(before, after);
	ck_assert_int_eq(count_packs(), 0);
	xfa_import_result_release(&r);
}
END_TEST

START_TEST(bad_json_names_the_line)
{
	FILE *f = fopen(file, "w");

	line(f, 1, "[]");
	fputs("{\"case\": \n", f);
	fclose(f);
	refused(XFA_EINVALID, 2);
}
END_TEST

START_TEST(illegal_transition_names_the_line)
{
	FILE *f = fopen(file, "w");

	line(f, 1, good_moves);
	line(f, 2, "[{\"to\": \"handling\", \"by\": \"%s\", \"effective\": \"2025-03-20\"}]");
	line(f, 3, "[]");
	fclose(f);
	refused(XFA_EINVALID, 2);
}
END_TEST

START_TEST(schema_violation_names_the_line)
{
	FILE *f = fopen(file, "w");

	line(f, 1, "[{\"to\": \"accepted\", \"type\": \"note\", \"by\": \"%s\", \"effective\": \"2025-03-20\"}]");
	fclose(f);
	refused(XFA_EINVALID, 1);
	ck_assert(strstr(xfa_error_last(), "refused"));
}
END_TEST

START_TEST(unknown_signer_names_the_line)
{
	FILE *f = fopen(file, "w");

	line(f, 1, "[]");
	fprintf(f, "{\"case\": {\"channel\": \"letter\", \"received_at\": \"2025-03-01T09:00:00+08:00\","
		" \"petitioners\": [{\"name\": \"乙\"}], \"summary\": \"x\", \"legacy_ref\": \"L-x\"},"
		" \"by\": \"%s\"}\n",
		fx.admin_fpr);
	fclose(f);
	refused(XFA_EAUTH, 2);
}
END_TEST

START_TEST(legacy_ref_required)
{
	FILE *f = fopen(file, "w");

	line(f, 1, "[]");
	fprintf(f, "{\"case\": {\"channel\": \"letter\", \"received_at\": \"2025-03-01T09:00:00+08:00\","
		" \"petitioners\": [{\"name\": \"乙\"}], \"summary\": \"x\"}, \"by\": \"%s\"}\n",
		fx.clerk_fpr);
	fclose(f);
	refused(XFA_EINVALID, 2);
	ck_assert_msg(strstr(xfa_error_last(), "refused"), "%s", xfa_error_last());
}
END_TEST

/* A legacy_ref twice in one file: the second line is refused, naming the
 * first; nothing is written. */
START_TEST(duplicate_within_the_file)
{
	FILE *f = fopen(file, "w");
	xfa_import_result r;
	const char *msg;

	line_ref(f, 1, "旧-0007", good_moves);
	line_ref(f, 2, "旧-0008", "[]");
	line_ref(f, 3, "旧-0007", "[]");
	fclose(f);
	refused(XFA_EINVALID, 3);
	ck_assert_int_eq(run(&r, 1), XFA_EINVALID);
	ck_assert_int_eq(json_array_size(r.problems), 1);
	msg = xfa_json_str(json_array_get(r.problems, 0), "message");
	ck_assert_msg(strstr(msg, "line 3") && strstr(msg, "旧-0007") &&
		      strstr(msg, "repeats line 1"), "%s", msg);
	xfa_import_result_release(&r);
}
END_TEST

/* The same file twice: the second import is refused line by line, naming
 * the cases that hold the numbers; the head stays; a file of new numbers
 * still imports. */
START_TEST(import_twice_is_refused)
{
	FILE *f = fopen(file, "w");
	xfa_import_result r;
	const char *msg, *id;
	char before[41], after[41];
	int err;

	line(f, 1, good_moves);
	line(f, 2, "[]");
	fclose(f);
	err = run(&r, 0);
	ck_assert_msg(err == 0, "%s", xfa_error_last());
	xfa_import_result_release(&r);
	refused(XFA_EINVALID, 1);
	fx_head(before, fx.a);
	ck_assert_int_eq(run(&r, 0), XFA_EINVALID);
	ck_assert_int_eq(json_array_size(r.problems), 2);
	ck_assert_int_eq(json_array_size(r.cases), 0);
	msg = xfa_json_str(json_array_get(r.problems, 1), "message");
	ck_assert_msg(strstr(msg, "line 2") && strstr(msg, "L-2") &&
		      strstr(msg, "in the archive already"), "%s", msg);
	xfa_import_result_release(&r);
	fx_head(after, fx.a);
	ck_assert_str_eq(before, after);
	/* a number with escapes (read through the JSON parser) */
	f = fopen(file, "w");
	line_ref(f, 4, "旧\\\"4\\\\", "[]");
	fclose(f);
	ck_assert_msg(run(&r, 0) == 0, "%s", xfa_error_last());
	xfa_import_result_release(&r);
	refused(XFA_EINVALID, 1);
	ck_assert_msg(strstr(xfa_error_last(), "lines refused: 1;"), "%s", xfa_error_last());
	/* one old number among new ones: only that line is named */
	f = fopen(file, "w");
	line(f, 3, "[]");
	line(f, 2, "[]");
	fclose(f);
	refused(XFA_EINVALID, 2);
	f = fopen(file, "w");
	line(f, 3, "[]");
	fclose(f);
	ck_assert_int_eq(run(&r, 0), 0);
	id = xfa_json_str(json_array_get(r.cases, 0), "id");
	ck_assert_str_eq(id, "XF-2025-000004");
	xfa_import_result_release(&r);
}
END_TEST

START_TEST(missing_file)
{
	xfa_import_result r;

	ck_assert_int_eq(run(&r, 0), XFA_ENOTFOUND);
	xfa_import_result_release(&r);
}
END_TEST

Suite *import_suite(void); /* found by the runner: see the Makefile */
Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *t = tcase_create("import");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, imports_cases_in_one_pack);
	tcase_add_test(t, check_only_writes_nothing);
	tcase_add_test(t, bad_json_names_the_line);
	tcase_add_test(t, illegal_transition_names_the_line);
	tcase_add_test(t, schema_violation_names_the_line);
	tcase_add_test(t, unknown_signer_names_the_line);
	tcase_add_test(t, legacy_ref_required);
	tcase_add_test(t, duplicate_within_the_file);
	tcase_add_test(t, import_twice_is_refused);
	tcase_add_test(t, missing_file);
	suite_add_tcase(s, t);
	return s;
}

/* check_index_patch.c - tests for bringing the case index forward: the
 * overlay (index_overlay.c: the base file left as it is, the changed cases
 * in xfa-index.overlay, folded into the base past its bound; damaged,
 * mismatched, stale or deleted files) and the patched base (its records
 * copied, the changed ones replaced): after moves, new cases, a case that
 * left the archive and repeated updates the rows equal a scan of the
 * archive, row by row, and a fresh build. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "index.h"
#include "json.h"

static fx_archive fx;
static char ids[6][XFA_CASE_ID_MAX + 1];

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	fx_register(&fx, 6, ids[0], sizeof(ids[0]));
	xfa_index_set_patch_min(0);
	xfa_index_set_overlay_max(0);   /* every update patches the base */
}

static void teardown(void)
{
	xfa_index_set_patch_min(10000);
	xfa_index_set_overlay_max((size_t)-1);
	fx_archive_teardown(&fx);
}

/* All rows of an index as one text, a line per case. */
static int row_text(const xfa_index_row *r, void *payload)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s|%s|%s|%s|%s|%s|%s|%ld\n", r->id, r->status,
		 r->unit, r->category, r->lead, r->received_at, r->summary,
		 (long)r->overdue_from);
	strncat(payload, line, 65536 - strlen(payload) - 1);
	return 0;
}

static char *rows_of(int flags, int *how, const char *status)
{
	char *text = calloc(1, 65536);
	xfa_index_filter q;
	xfa_index *ix = NULL;

	memset(&q, 0, sizeof(q));
	q.status = status;
	ck_assert_msg(xfa_index_open(&ix, how, fx.a, flags) == 0, "%s", xfa_error_last());
	ck_assert_int_eq(xfa_index_query(ix, &q, row_text, text), 0);
	xfa_index_free(ix);
	return text;
}

static char *rows(int flags, int *how)
{
	return rows_of(flags, how, NULL);
}

/* The file's rows equal a scan's; returns how the file was opened. */
static int same_as_scan(void)
{
	int how = -1, scanned = -1;
	char *a = rows(0, &how), *b = rows(XFA_INDEX_NOFILE, &scanned);

	ck_assert_int_eq(scanned, XFA_INDEX_SCANNED);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	a = rows_of(0, NULL, "accepted");
	b = rows_of(XFA_INDEX_NOFILE, NULL, "accepted");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	return how;
}

START_TEST(patched_rows_equal_a_scan)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	char *id = NULL, *code = NULL, *fresh, *patched;
	char path[300];
	int i;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	/* a move in the middle, one at each end, a new case after the last */
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[2], "accepted", &o), 0);
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[0], "withdrawn", &o), 0);
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, ids[5], "accepted", &o), 0);
	ck_assert_int_eq(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	/* update after update: appended strings pile up, then a full build */
	for (i = 0; i < 4; i++) {
		static const char *to[] = { "accepted", "assigned", "withdrawn", "accepted" };
		ck_assert_msg(xfa_case_move(NULL, fx.a, fx.clerk, ids[1 + i], to[i], &o) == 0,
			      "%s", xfa_error_last());
		ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	}
	ck_assert_int_eq(xfa_case_move(NULL, fx.a, fx.clerk, id, "accepted", &o), 0);
	patched = rows(0, NULL);
	snprintf(path, sizeof(path), "%s/" XFA_INDEX_FILE, fx.path);
	ck_assert_int_eq(remove(path), 0);
	fresh = rows(0, NULL);
	ck_assert_str_eq(patched, fresh);
	free(patched);
	free(fresh);
	free(id);
	free(code);
	json_decref(in);
}
END_TEST

/* --- the overlay ---------------------------------------------------------- */

static void setup_overlay(void)
{
	fx_archive_setup(&fx, NULL, 1);
	fx_register(&fx, 6, ids[0], sizeof(ids[0]));
}

static const char *file_of(const char *name)
{
	static char p[2][300];
	static int k;

	k = !k;
	snprintf(p[k], sizeof(p[k]), "%s/%s", fx.path, name);
	return p[k];
}

#define BASE file_of(XFA_INDEX_FILE)
#define OVERLAY file_of(XFA_INDEX_OVERLAY_FILE)

/* The bytes of `path` (malloc'd; *len) or NULL when it is missing. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;

	*len = 0;
	if (!f)
		return NULL;
	b = malloc(1 << 20);
	*len = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

/* Does the file at `path` hold exactly `b` (len bytes)? */
static int holds(const char *path, const unsigned char *b, size_t len)
{
	size_t n;
	unsigned char *c = slurp(path, &n);
	int same = c && n == len && !memcmp(b, c, len);

	free(c);
	return same;
}

static int exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* The 20-byte head at `at` of the file at `path`, as hex. */
static void head_in(char out[41], const char *path, size_t at)
{
	size_t n, i;
	unsigned char *b = slurp(path, &n);

	ck_assert(b && n >= at + 20);
	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", b[at + i]);
	free(b);
}

static void move(const char *id, const char *to)
{
	xfa_case_opts o;

	memset(&o, 0, sizeof(o));
	ck_assert_msg(xfa_case_move(NULL, fx.a, fx.clerk, id, to, &o) == 0, "%s",
		      xfa_error_last());
}

static void status_is(const char *id, const char *status)
{
	xfa_index *ix = NULL;
	xfa_index_row r;

	ck_assert_int_eq(xfa_index_open(&ix, NULL, fx.a, 0), 0);
	if (!status) {
		ck_assert_int_eq(xfa_index_get(&r, ix, id), XFA_ENOTFOUND);
	} else {
		ck_assert_int_eq(xfa_index_get(&r, ix, id), 0);
		ck_assert_str_eq(r.status, status);
	}
	xfa_index_free(ix);
}

static size_t count_now(void)
{
	xfa_index *ix = NULL;
	size_t n;

	ck_assert_int_eq(xfa_index_open(&ix, NULL, fx.a, 0), 0);
	n = xfa_index_count(ix);
	xfa_index_free(ix);
	return n;
}

START_TEST(overlay_leaves_the_base)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	struct stat s0, s1;
	unsigned char *b0;
	char *id = NULL, *code = NULL, hx[41], want[41];
	size_t n0;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert(!exists(OVERLAY));
	b0 = slurp(BASE, &n0);
	ck_assert_int_eq(stat(BASE, &s0), 0);
	move(ids[2], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(exists(OVERLAY));
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_CURRENT);
	status_is(ids[2], "accepted");
	ck_assert_int_eq(count_now(), 6);
	/* a new case, then a move of a case the overlay holds already */
	ck_assert_int_eq(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o), 0);
	move(ids[0], "withdrawn");
	move(ids[2], "withdrawn");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	status_is(ids[2], "withdrawn");
	status_is(id, "registered");
	ck_assert_int_eq(count_now(), 7);
	/* the base was never written: same bytes, same file */
	ck_assert(holds(BASE, b0, n0));
	ck_assert_int_eq(stat(BASE, &s1), 0);
	ck_assert_int_eq(s0.st_ino, s1.st_ino);
	ck_assert(s0.st_mtim.tv_sec == s1.st_mtim.tv_sec && s0.st_mtim.tv_nsec == s1.st_mtim.tv_nsec);
	fx_head(want, fx.a);
	head_in(hx, OVERLAY, 24);       /* the overlay names the head... */
	ck_assert_str_eq(hx, want);
	head_in(hx, OVERLAY, 44);       /* ...and its base */
	head_in(want, BASE, 24);
	ck_assert_str_eq(hx, want);
	free(b0);
	free(id);
	free(code);
	json_decref(in);
}
END_TEST

START_TEST(overlay_folded_past_its_bound)
{
	unsigned char *b0, *folded;
	char hx[41], want[41];
	size_t n0, n1;

	xfa_index_set_overlay_max(2);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	b0 = slurp(BASE, &n0);
	move(ids[1], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	move(ids[2], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(holds(BASE, b0, n0));
	ck_assert(exists(OVERLAY));
	move(ids[3], "accepted");       /* three cases: past the bound */
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(!holds(BASE, b0, n0));
	ck_assert(!exists(OVERLAY));
	fx_head(want, fx.a);
	head_in(hx, BASE, 24);
	ck_assert_str_eq(hx, want);
	/* a small base is folded by a full build: the bytes of a fresh one */
	folded = slurp(BASE, &n1);
	ck_assert_int_eq(remove(BASE), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert(holds(BASE, folded, n1));
	xfa_index_set_overlay_max((size_t)-1);
	free(b0);
	free(folded);
}
END_TEST

START_TEST(damaged_overlay_is_made_again)
{
	static const size_t at[] = { 100, 30, 60, 0 };   /* record, head, base, magic */
	unsigned char *good, *bad;
	size_t n, i;

	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	move(ids[1], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	good = slurp(OVERLAY, &n);
	bad = malloc(n);
	for (i = 0; i < sizeof(at) / sizeof(*at) + 2; i++) {
		memcpy(bad, good, n);
		if (i < sizeof(at) / sizeof(*at))
			bad[at[i]] ^= 0x55;
		else if (i == sizeof(at) / sizeof(*at))
			bad[n - 2] ^= 0x01;     /* a string */
		fx_spit(OVERLAY, bad, i == sizeof(at) / sizeof(*at) + 1 ? 50 : n);
		ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
		status_is(ids[1], "accepted");
		/* made again from the base: the same bytes as the first time */
		ck_assert(holds(OVERLAY, good, n));
	}
	free(good);
	free(bad);
}
END_TEST

START_TEST(overlay_of_another_base_is_ignored)
{
	unsigned char *old;
	char hx[41], want[41];
	size_t n;

	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	move(ids[1], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	old = slurp(OVERLAY, &n);
	/* a new base (the old one deleted): its overlay goes with it */
	ck_assert_int_eq(remove(BASE), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert(!exists(OVERLAY));
	/* the old overlay put back names the old base */
	fx_spit(OVERLAY, old, n);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_CURRENT);
	move(ids[2], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(!holds(OVERLAY, old, n));
	head_in(hx, OVERLAY, 44);
	head_in(want, BASE, 24);
	ck_assert_str_eq(hx, want);
	status_is(ids[1], "accepted");
	status_is(ids[2], "accepted");
	free(old);
}
END_TEST

START_TEST(overlay_of_a_rolled_back_head)
{
	char h0[41], cmd[400];

	fx_head(h0, fx.a);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	move(ids[1], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	/* main rolled back past the overlay's head, then a new write */
	snprintf(cmd, sizeof(cmd), "git --git-dir=%s update-ref refs/heads/main %s", fx.path, h0);
	ck_assert_int_eq(system(cmd), 0);
	move(ids[2], "withdrawn");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	status_is(ids[1], "registered");
	status_is(ids[2], "withdrawn");
	/* rolled back behind the base: rebuilt */
	snprintf(cmd, sizeof(cmd), "git --git-dir=%s update-ref refs/heads/main %s~3", fx.path, h0);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert(!exists(OVERLAY));
	ck_assert_int_eq(count_now(), 3);
}
END_TEST

START_TEST(deleted_files_are_made_again)
{
	char hx[41], want[41];

	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	move(ids[4], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert_int_eq(remove(OVERLAY), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(exists(OVERLAY));
	ck_assert_int_eq(remove(BASE), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert(!exists(OVERLAY));
	fx_head(want, fx.a);
	head_in(hx, BASE, 24);
	ck_assert_str_eq(hx, want);
	status_is(ids[4], "accepted");
}
END_TEST

/* Commit main's tree without the folders of cases a and b (git alone). */
static void drop_cases(const char *a, const char *b)
{
	char da[200], db[200], cmd[1500];

	ck_assert_int_eq(xfa_case_dir(da, sizeof(da), a), 0);
	ck_assert_int_eq(xfa_case_dir(db, sizeof(db), b), 0);
	snprintf(cmd, sizeof(cmd),
		 "set -e; export GIT_DIR=%s GIT_INDEX_FILE=%s/drop.index; "
		 "git read-tree refs/heads/main; "
		 "git ls-tree -r refs/heads/main -- %s %s | sed 's/^[^\t]*\t/0 %040d\t/' | "
		 "git update-index --index-info; "
		 "c=$(git -c user.name=t -c user.email=t@t commit-tree $(git write-tree) "
		 "-p refs/heads/main -m drop); git update-ref refs/heads/main $c",
		 fx.path, fx.dir, da, db, 0);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(cases_that_left_the_archive)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	char *id = NULL, *code = NULL;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert_int_eq(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o), 0);
	move(ids[3], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert_int_eq(count_now(), 7);
	/* one case of the base, one of the overlay */
	drop_cases(ids[3], id);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(exists(OVERLAY));
	ck_assert_int_eq(count_now(), 5);
	status_is(ids[3], NULL);
	status_is(id, NULL);
	status_is(ids[4], "registered");
	ck_assert_int_eq(remove(BASE), 0);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert_int_eq(count_now(), 5);
	free(id);
	free(code);
	json_decref(in);
}
END_TEST

/* Opening checks the base's header and records; its strings are checked
 * when an overlay is first made for it: damaged, the base is rebuilt. */
START_TEST(damaged_base_strings_are_rebuilt)
{
	unsigned char *b;
	size_t n;

	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	b = slurp(BASE, &n);
	b[n - 3] ^= 0x01;               /* the last string, a summary */
	fx_spit(BASE, b, n);
	move(ids[1], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	ck_assert(!exists(OVERLAY));
	ck_assert(!holds(BASE, b, n));
	free(b);
}
END_TEST

/* A large base (patch_min 0) folds its overlay by patching: the overlay's
 * records, a new case among them, and two cases that left the archive. */
START_TEST(overlay_folded_by_a_patch)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	char *id = NULL, *code = NULL, *patched, *fresh;
	unsigned char *b0;
	size_t n0;

	memset(&o, 0, sizeof(o));
	xfa_index_set_patch_min(0);
	xfa_index_set_overlay_max(3);
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_REBUILT);
	b0 = slurp(BASE, &n0);
	ck_assert_int_eq(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o), 0);
	move(ids[1], "accepted");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	move(ids[2], "withdrawn");
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(holds(BASE, b0, n0));
	drop_cases(ids[3], ids[4]);     /* five cases: past the bound */
	ck_assert_int_eq(same_as_scan(), XFA_INDEX_UPDATED);
	ck_assert(!exists(OVERLAY));
	ck_assert(!holds(BASE, b0, n0));
	ck_assert_int_eq(count_now(), 5);
	status_is(id, "registered");
	status_is(ids[1], "accepted");
	status_is(ids[2], "withdrawn");
	status_is(ids[3], NULL);
	patched = rows(0, NULL);
	ck_assert_int_eq(remove(BASE), 0);
	fresh = rows(0, NULL);
	ck_assert_str_eq(patched, fresh);
	xfa_index_set_patch_min(10000);
	free(patched);
	free(fresh);
	free(b0);
	free(id);
	free(code);
	json_decref(in);
}
END_TEST

Suite *index_patch_suite(void); /* found by the runner: see the Makefile */
Suite *index_patch_suite(void)
{
	Suite *s = suite_create("index_patch");
	TCase *tc = tcase_create("patch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, patched_rows_equal_a_scan);
	suite_add_tcase(s, tc);
	tc = tcase_create("overlay");
	tcase_add_checked_fixture(tc, setup_overlay, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, overlay_leaves_the_base);
	tcase_add_test(tc, overlay_folded_past_its_bound);
	tcase_add_test(tc, damaged_overlay_is_made_again);
	tcase_add_test(tc, overlay_of_another_base_is_ignored);
	tcase_add_test(tc, overlay_of_a_rolled_back_head);
	tcase_add_test(tc, deleted_files_are_made_again);
	tcase_add_test(tc, cases_that_left_the_archive);
	tcase_add_test(tc, overlay_folded_by_a_patch);
	tcase_add_test(tc, damaged_base_strings_are_rebuilt);
	suite_add_tcase(s, tc);
	return s;
}

/* check_remote.c - tests for the remote side of the store (store_remote.c,
 * store_transport.c) as sync uses it: no password ever stored, URLs shown
 * without one, and a remote that holds nothing, no main or no archive
 * refused with the right code and no ref written.  The network transports
 * (ssh, https, git://) are exercised against real servers by
 * tests/e2e/t_remote.sh. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_fixture.h"
#include "error.h"
#include "store.h"
#include "sync.h"

static fx_archive fx;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

/* All refs of the store at `path`, one string (malloc'd). */
static char *all_refs(const char *path)
{
	xfa_store *st = NULL;
	char **names = NULL, *out;
	size_t n, i, len = 1;
	xfa_oid id;
	char hex[XFA_OID_HEX];

	ck_assert_int_eq(xfa_store_open(&st, path), 0);
	ck_assert_int_eq(xfa_store_refs(&names, &n, st, "*"), 0);
	out = calloc(1, 1);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(xfa_store_ref(&id, st, names[i]), 0);
		xfa_oid_fmt(hex, &id);
		len += strlen(names[i]) + strlen(hex) + 2;
		out = realloc(out, len);
		strcat(strcat(strcat(strcat(out, names[i]), " "), hex), "\n");
	}
	xfa_strv_free(names);
	xfa_store_free(st);
	return out;
}

START_TEST(no_password_stored)
{
	char shown[200], **names = NULL, **urls = NULL;
	size_t n;

	xfa_url_shown(shown, sizeof(shown), "https://clerk1:secret@host:8443/git/a.git");
	ck_assert_str_eq(shown, "https://clerk1@host:8443/git/a.git");
	xfa_url_shown(shown, sizeof(shown), "ssh://u@h:22/p:x@y");
	ck_assert_str_eq(shown, "ssh://u@h:22/p:x@y");
	xfa_url_shown(shown, sizeof(shown), "u@h:/srv/a.git");
	ck_assert_str_eq(shown, "u@h:/srv/a.git");
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(fx.a), "county",
		"https://clerk1:secret@host/git/a.git"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "password"));
	ck_assert(!strstr(xfa_error_last(), "secret"));
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(fx.a), "county",
		"https://clerk1@host/git/a.git"), 0);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(fx.a), "scp",
		"clerk1@host:srv/a.git"), 0);
	ck_assert_int_eq(xfa_store_remote_list(&names, &urls, &n, xfa_archive_store(fx.a)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(!strstr(urls[0], "secret") && !strstr(urls[1], "secret"));
	xfa_strv_free(names);
	xfa_strv_free(urls);
}
END_TEST

START_TEST(clone_refuses_non_archives)
{
	char empty[128], master[128], out[128], missing[128];
	xfa_store *st = NULL;
	xfa_oid head;

	snprintf(empty, sizeof(empty), "%s/empty.git", fx.dir);
	snprintf(master, sizeof(master), "%s/master.git", fx.dir);
	snprintf(out, sizeof(out), "%s/out.xfa", fx.dir);
	snprintf(missing, sizeof(missing), "%s/missing.git", fx.dir);
	/* nothing there: no such repository */
	ck_assert_int_eq(xfa_sync_clone(NULL, missing, out, "C03"), XFA_ENOTFOUND);
	ck_assert_int_eq(access(out, F_OK), -1);
	/* an empty repository holds no main */
	ck_assert_int_eq(xfa_store_create(&st, empty), 0);
	xfa_store_free(st);
	ck_assert_int_eq(xfa_sync_clone(NULL, empty, out, "C03"), XFA_EINVALID);
	ck_assert_int_eq(access(out, F_OK), -1);
	/* the archive's history under another branch only */
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, master, "M01"), 0);
	ck_assert_int_eq(xfa_store_open(&st, master), 0);
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert_int_eq(xfa_store_set_ref(st, "refs/heads/master", &head, NULL, "t"), 0);
	ck_assert_int_eq(xfa_store_del_ref(st, XFA_MAIN_REF), 0);
	xfa_store_free(st);
	ck_assert_int_eq(xfa_sync_clone(NULL, master, out, "C03"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "not an xfa archive"));
	ck_assert_int_eq(access(out, F_OK), -1);
}
END_TEST

START_TEST(sync_with_a_non_archive_writes_no_ref)
{
	char other[128], *before, *after;
	xfa_archive *o = NULL;
	xfa_sync_result r;
	xfa_store *st = NULL;
	xfa_oid head, tree;

	/* a copy of the archive whose main then names a tree, not an
	 * archive's commit (t_remote.sh serves real git projects) */
	snprintf(other, sizeof(other), "%s/other.git", fx.dir);
	ck_assert_int_eq(xfa_sync_clone(NULL, fx.path, other, "O01"), 0);
	ck_assert_int_eq(xfa_store_remote_add(xfa_archive_store(fx.a), "other", other), 0);
	ck_assert_int_eq(xfa_store_open(&st, other), 0);
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert_int_eq(xfa_store_commit_tree(&tree, st, &head), 0);
	xfa_store_free(st);
	/* the remote's main must not be an archive's: point it at a tree */
	ck_assert_int_eq(xfa_store_open(&st, other), 0);
	ck_assert_int_eq(xfa_store_set_ref(st, XFA_MAIN_REF, &tree, NULL, "t"), 0);
	xfa_store_free(st);
	before = all_refs(fx.path);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(xfa_archive_open(&o, fx.path), 0);
	ck_assert_int_lt(xfa_sync_run(&r, o, "other", fx.clerk, 1), 0);
	xfa_sync_result_release(&r);
	xfa_archive_free(o);
	after = all_refs(fx.path);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}
END_TEST

Suite *remote_suite(void); /* found by the runner: see the Makefile */

Suite *remote_suite(void)
{
	Suite *s = suite_create("remote");
	TCase *tc = tcase_create("remote");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, no_password_stored);
	tcase_add_test(tc, clone_refuses_non_archives);
	tcase_add_test(tc, sync_with_a_non_archive_writes_no_ref);
	suite_add_tcase(s, tc);
	return s;
}

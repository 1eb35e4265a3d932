/* check_archive.c - tests for archive.c and admin.c: creating and opening
 * archives, metadata, the append loop (conflicts and retries), batches that
 * publish all or nothing, and keyring changes as admin events. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "archive.h"
#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "json.h"
#include "keyring.h"

static fx_archive fx;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

#define REFUSED(code, call) do { \
	char h0_[41], h1_[41]; \
	int got_; \
	fx_head(h0_, fx.a); \
	got_ = (call); \
	ck_assert_msg(got_ == (code), "%s gave %d (%s)", #call, got_, xfa_error_last()); \
	fx_head(h1_, fx.a); \
	ck_assert_str_eq(h0_, h1_); \
} while (0)

static xfa_init_opts opts(void)
{
	xfa_init_opts o;

	memset(&o, 0, sizeof(o));
	o.name = "沽源县信访局";
	o.fonds = "J001";
	o.admin_name = "管理员";
	return o;
}

START_TEST(create_open_and_metadata)
{
	const xfa_meta *m = NULL;
	xfa_archive *b = NULL;
	char *as;

	ck_assert_int_eq(xfa_archive_open(&b, fx.path), 0);
	ck_assert_int_eq(xfa_archive_meta(&m, b), 0);
	ck_assert_str_eq(xfa_json_str(m->doc, "name"), "测试县信访局");
	ck_assert_str_eq(xfa_json_str(m->doc, "fonds"), "J001");
	ck_assert_str_eq(xfa_json_str(m->doc, "prefix"), "XF");
	ck_assert_str_eq(xfa_json_str(m->doc, "root"), fx.admin_fpr);
	ck_assert_ptr_nonnull(m->wf);
	ck_assert_ptr_nonnull(m->cal);
	ck_assert_int_eq(m->off, 480);
	ck_assert_int_eq(xfa_json_int(m->doc, "attachment_max", 0), 64 << 20);
	as = xfa_keyring_allowed_signers(m->doc);
	ck_assert(strstr(as, "admin@bureau.example ") && strstr(as, "clerk@bureau.example "));
	free(as);
	xfa_archive_free(b);
	xfa_archive_free(NULL);
	/* the metadata follows the head */
	ck_assert_int_eq(xfa_archive_meta(&m, fx.a), 0);
	ck_assert_ptr_nonnull(xfa_keyring_find(m->doc, fx.clerk_fpr));
}
END_TEST

START_TEST(create_refuses_and_leaves_nothing)
{
	xfa_init_opts o = opts();
	xfa_archive *b = NULL;
	char path[160];
	struct stat sb;

	/* where an archive is already */
	REFUSED(XFA_EEXISTS, xfa_archive_create(&b, fx.path, &o, fx.admin));
	ck_assert_ptr_null(b);
	/* a folder with something in it */
	snprintf(path, sizeof(path), "%s/full", fx.dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/full/keep", fx.dir);
	fx_spit(path, "x", 1);
	snprintf(path, sizeof(path), "%s/full", fx.dir);
	ck_assert_int_eq(xfa_archive_create(&b, path, &o, fx.admin), XFA_EEXISTS);
	ck_assert(strstr(xfa_error_last(), "not an empty folder"));
	snprintf(path, sizeof(path), "%s/full/keep", fx.dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* bad settings: nothing is left behind */
	snprintf(path, sizeof(path), "%s/bad", fx.dir);
	o.prefix = "xf-lower";
	ck_assert_int_eq(xfa_archive_create(&b, path, &o, fx.admin), XFA_EINVALID);
	ck_assert_int_eq(stat(path, &sb), -1);
	o = opts();
	o.utc_offset = "+25:00";
	ck_assert_int_eq(xfa_archive_create(&b, path, &o, fx.admin), XFA_EINVALID);
	ck_assert_int_eq(stat(path, &sb), -1);
	o = opts();
	o.name = NULL;
	ck_assert_int_eq(xfa_archive_create(&b, path, &o, fx.admin), XFA_EINVALID);
	ck_assert_int_eq(stat(path, &sb), -1);
	/* an empty folder is fine */
	o = opts();
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_msg(xfa_archive_create(&b, path, &o, fx.admin) == 0, "%s", xfa_error_last());
	xfa_archive_free(b);
}
END_TEST

START_TEST(open_refuses_what_is_not_an_archive)
{
	xfa_archive *b = NULL;
	xfa_store *st = NULL;
	char path[160];

	snprintf(path, sizeof(path), "%s/missing", fx.dir);
	ck_assert_int_eq(xfa_archive_open(&b, path), XFA_ENOTFOUND);
	ck_assert(strstr(xfa_error_last(), "missing"));
	ck_assert_ptr_null(b);
	/* a git repository without history */
	snprintf(path, sizeof(path), "%s/empty.git", fx.dir);
	ck_assert_int_eq(xfa_store_create(&st, path), 0);
	ck_assert_int_eq(xfa_archive_open(&b, path), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "not an xfa archive"));
	/* a git repository whose history is not an archive's */
	{
		xfa_ident who = { "x", "x@example", 1795330980, 0 };
		xfa_txn *tx = NULL;
		ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
		ck_assert_int_eq(xfa_txn_put(tx, "README", "hi\n", 3), 0);
		ck_assert_int_eq(xfa_txn_commit(NULL, tx, &who, "m\n", xfa_event_sign_git,
						fx.admin), 0);
		xfa_txn_free(tx);
	}
	xfa_store_free(st);
	ck_assert_int_eq(xfa_archive_open(&b, path), XFA_EINVALID);
	ck_assert_ptr_null(b);
	/* a plain file */
	snprintf(path, sizeof(path), "%s/plain", fx.dir);
	fx_spit(path, "x", 1);
	ck_assert_int_lt(xfa_archive_open(&b, path), 0);
	ck_assert_ptr_null(b);
}
END_TEST

START_TEST(admin_key_changes)
{
	xfa_key *k = NULL, *k2 = NULL;
	const xfa_meta *m;
	const char *roles[16];
	char fpr[XFA_FPR_SIZE];

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	ck_assert_int_eq(xfa_key_generate(&k2), 0);
	xfa_pubkey_fingerprint(fpr, xfa_key_public(k));
	ck_assert_int_eq(xfa_admin_key_add(fx.a, fx.admin, xfa_key_public(k), "复查员", NULL,
					   "reviewer,auditor"), 0);
	ck_assert_int_eq(xfa_archive_meta(&m, fx.a), 0);
	ck_assert_int_eq(xfa_keyring_roles(roles, 16, m->doc, fpr, (int64_t)time(NULL) + 1), 0);
	ck_assert(xfa_roles_has(roles, "reviewer") && xfa_roles_has(roles, "auditor"));
	/* refusals */
	REFUSED(XFA_EINVALID, xfa_admin_key_add(fx.a, fx.admin, xfa_key_public(k), "again",
						NULL, "clerk"));
	ck_assert(strstr(xfa_error_last(), "already in the keyring"));
	REFUSED(XFA_EINVALID, xfa_admin_key_add(fx.a, fx.admin, xfa_key_public(k2), "x",
						NULL, "king"));
	ck_assert(strstr(xfa_error_last(), "unknown role 'king'"));
	REFUSED(XFA_EAUTH, xfa_admin_key_add(fx.a, fx.clerk, xfa_key_public(k2), "x",
					     NULL, "clerk"));
	ck_assert(strstr(xfa_error_last(), "not an admin"));
	REFUSED(XFA_EAUTH, xfa_admin_key_add(fx.a, k2, xfa_key_public(k2), "me", NULL, "admin"));
	REFUSED(XFA_ENOTFOUND, xfa_admin_key_revoke(fx.a, fx.admin, "SHA256:nobody"));
	REFUSED(XFA_EINVALID, xfa_admin_key_revoke(fx.a, fx.admin, fx.admin_fpr));
	ck_assert(strstr(xfa_error_last(), "at least one admin"));
	/* revoke; then the key can no longer sign */
	ck_assert_int_eq(xfa_admin_key_revoke(fx.a, fx.admin, fpr), 0);
	REFUSED(XFA_EINVALID, xfa_admin_key_revoke(fx.a, fx.admin, fpr));
	ck_assert(strstr(xfa_error_last(), "already revoked"));
	ck_assert_int_eq(xfa_archive_meta(&m, fx.a), 0);
	ck_assert_int_eq(xfa_keyring_roles(roles, 16, m->doc, fpr, (int64_t)time(NULL) + 1),
			 XFA_EAUTH);
	xfa_key_free(k);
	xfa_key_free(k2);
}
END_TEST

/* A builder that forgets to name its stream. */
static int build_nothing(json_t *ev, xfa_append_ctx *c, void *payload)
{
	(void)ev; (void)c; (void)payload;
	return 0;
}

/* A builder that refuses. */
static int build_refuse(json_t *ev, xfa_append_ctx *c, void *payload)
{
	(void)ev; (void)c; (void)payload;
	return xfa_error_set(XFA_EINVALID, "refused by the builder");
}

/* A config event, after which another writer moves the head every time. */
struct rival { const char *path; const xfa_key *admin; int attempts; };

static int build_losing_race(json_t *ev, xfa_append_ctx *c, void *payload)
{
	struct rival *r = payload;
	xfa_ident who = { "rival", "admin@bureau.example", 0, 480 };
	xfa_store *st = NULL;
	xfa_txn *tx = NULL;
	char name[32];
	int err;

	if ((err = xfa_append_stream(c, XFA_META_NAME, XFA_META_DIR, XFA_META_DOC)) < 0)
		return err;
	json_object_set_new(ev, "type", json_string("config"));
	json_object_set_new(ev, "role", json_string("admin"));
	json_object_set_new(ev, "patch", json_pack("{s:s}", "name", "改名"));
	who.when = c->now.t;
	snprintf(name, sizeof(name), "noise/%d", r->attempts++);
	if ((err = xfa_store_open(&st, r->path)) < 0 ||
	    (err = xfa_txn_begin(&tx, st)) < 0 ||
	    (err = xfa_txn_put(tx, name, "x", 1)) < 0 ||
	    (err = xfa_txn_commit(NULL, tx, &who, "rival\n", xfa_event_sign_git,
				  (void *)r->admin)) < 0) {
		xfa_txn_free(tx);
		xfa_store_free(st);
		return err;
	}
	xfa_txn_free(tx);
	xfa_store_free(st);
	return 0;
}

START_TEST(append_errors_and_conflicts)
{
	struct rival r = { fx.path, fx.admin, 0 };
	xfa_append ap;
	char h0[41], h1[41];

	memset(&ap, 0, sizeof(ap));
	ap.doc_schema = "archive.schema.json";
	ap.build = build_nothing;
	REFUSED(XFA_ERROR, xfa_archive_append(NULL, NULL, fx.a, fx.admin, &ap));
	ap.build = build_refuse;
	REFUSED(XFA_EINVALID, xfa_archive_append(NULL, NULL, fx.a, fx.admin, &ap));
	ck_assert_str_eq(xfa_error_last(), "refused by the builder");
	/* another writer wins every race: retried, then given up */
	ap.build = build_losing_race;
	ap.payload = &r;
	fx_head(h0, fx.a);
	ck_assert_int_eq(xfa_archive_append(NULL, NULL, fx.a, fx.admin, &ap), XFA_ECONFLICT);
	ck_assert(strstr(xfa_error_last(), "try again"));
	ck_assert_int_gt(r.attempts, 1);
	fx_head(h1, fx.a);
	ck_assert_str_ne(h0, h1);          /* only the rival's commits */
	{
		const xfa_meta *m;
		ck_assert_int_eq(xfa_archive_meta(&m, fx.a), 0);
		ck_assert_str_eq(xfa_json_str(m->doc, "name"), "测试县信访局");
	}
}
END_TEST

static char *reg(void)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	char *id = NULL, *code = NULL;

	memset(&o, 0, sizeof(o));
	ck_assert_msg(xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o) == 0, "%s",
		      xfa_error_last());
	json_decref(in);
	free(code);
	return id;
}

static const char *status_of(const char *id)
{
	static char st[32];
	json_t *doc = NULL;

	ck_assert_int_eq(xfa_case_load(&doc, fx.a, id), 0);
	snprintf(st, sizeof(st), "%s", xfa_json_str(doc, "status"));
	json_decref(doc);
	return st;
}

START_TEST(batches_publish_all_or_nothing)
{
	char *a = reg(), *b = reg(), *c = reg(), h0[41], h1[41];
	xfa_case_opts o;
	xfa_batch *bt = NULL;
	unsigned seq = 0;
	xfa_oid head, tip;

	memset(&o, 0, sizeof(o));
	fx_head(h0, fx.a);
	ck_assert_int_eq(xfa_batch_begin(&bt, fx.a), 0);
	ck_assert_msg(xfa_case_move_batch(&seq, bt, fx.clerk, a, "accepted", &o) == 0, "%s",
		      xfa_error_last());
	ck_assert_uint_eq(seq, 2);
	ck_assert_int_eq(xfa_case_move_batch(&seq, bt, fx.clerk, b, "accepted", &o), 0);
	/* a refused step inside the batch does not spoil it */
	ck_assert_int_eq(xfa_case_move_batch(&seq, bt, fx.clerk, "XF-2026-000099", "accepted", &o),
			 XFA_ENOTFOUND);
	fx_head(h1, fx.a);
	ck_assert_str_eq(h0, h1);                 /* nothing visible yet */
	ck_assert_str_eq(status_of(a), "registered");
	ck_assert_int_eq(xfa_batch_publish(bt), 0);
	xfa_batch_free(bt);
	ck_assert_str_eq(status_of(a), "accepted");
	ck_assert_str_eq(status_of(b), "accepted");
	/* two commits, one per event */
	ck_assert_int_eq(xfa_store_head(&head, xfa_archive_store(fx.a)), 0);
	{
		xfa_commit_info ci;
		xfa_oid parent;
		ck_assert_int_eq(xfa_store_commit_info(&ci, xfa_archive_store(fx.a), &head), 0);
		ck_assert(strstr(ci.message, b));
		parent = ci.parents[0];
		xfa_commit_info_release(&ci);
		ck_assert_int_eq(xfa_store_commit_info(&ci, xfa_archive_store(fx.a), &parent), 0);
		ck_assert(strstr(ci.message, a));
		xfa_oid_parse(&tip, h0);
		ck_assert(xfa_oid_equal(&ci.parents[0], &tip));
		xfa_commit_info_release(&ci);
	}
	/* a stale batch: another writer moved the head; nothing of it appears */
	ck_assert_int_eq(xfa_batch_begin(&bt, fx.a), 0);
	ck_assert_int_eq(xfa_case_move_batch(&seq, bt, fx.clerk, c, "accepted", &o), 0);
	free(reg());
	fx_head(h0, fx.a);
	ck_assert_int_eq(xfa_batch_publish(bt), XFA_ECONFLICT);
	fx_head(h1, fx.a);
	ck_assert_str_eq(h0, h1);
	ck_assert_str_eq(status_of(c), "registered");
	xfa_batch_free(bt);
	xfa_batch_free(NULL);
	/* attachments are not taken in a batch */
	{
		const char *spec[1] = { "evidence:/dev/null" };
		o.attach = spec;
		o.nattach = 1;
		ck_assert_int_eq(xfa_batch_begin(&bt, fx.a), 0);
		ck_assert_int_eq(xfa_case_move_batch(&seq, bt, fx.clerk, c, "accepted", &o),
				 XFA_EINVALID);
		xfa_batch_free(bt);
	}
	free(a); free(b); free(c);
}
END_TEST

Suite *archive_suite(void); /* found by the runner: see the Makefile */

Suite *archive_suite(void)
{
	Suite *s = suite_create("archive");
	TCase *tc = tcase_create("archive");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, create_open_and_metadata);
	tcase_add_test(tc, create_refuses_and_leaves_nothing);
	tcase_add_test(tc, open_refuses_what_is_not_an_archive);
	tcase_add_test(tc, admin_key_changes);
	tcase_add_test(tc, append_errors_and_conflicts);
	tcase_add_test(tc, batches_publish_all_or_nothing);
	suite_add_tcase(s, tc);
	return s;
}

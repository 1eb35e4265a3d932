/* check_case.c - tests for case.c (with event.c and admin.c below it): case
 * ids and folders with office codes, registration, moves and status-free
 * events, query codes, parallel registrations, and every refusal leaving
 * the head where it was. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "event.h"
#include "json.h"
#include "sshsig.h"

static fx_archive fx;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

static void dir_is(const char *id, const char *want)
{
	char out[200];

	ck_assert_msg(xfa_case_dir(out, sizeof(out), id) == 0, "%s: %s", id, xfa_error_last());
	ck_assert_str_eq(out, want);
}

static void not_an_id(const char *id)
{
	char out[200];

	ck_assert_msg(xfa_case_dir(out, sizeof(out), id) == XFA_EINVALID, "accepted %s",
		      id ? id : "NULL");
	ck_assert(strstr(xfa_error_last(), "not a case id"));
}

START_TEST(ids_and_folders)
{
	dir_is("XF-2026-000123", "cases/2026/00/01/XF-2026-000123");
	dir_is("XF-2026-123456", "cases/2026/12/34/XF-2026-123456");
	dir_is("XF-2026-999999", "cases/2026/99/99/XF-2026-999999");
	dir_is("GYX-2027-000001", "cases/2027/00/00/GYX-2027-000001");
	dir_is("XF-2026-A01-000123", "cases/2026/A01/00/01/XF-2026-A01-000123");
	dir_is("XF-2026-12345678-010203", "cases/2026/12345678/01/02/XF-2026-12345678-010203");
	not_an_id("xf-2026-000001");
	not_an_id("XF-26-000001");
	not_an_id("XF-2026-00001");
	not_an_id("XF-2026-0000001");
	not_an_id("XF-2026-000000");
	not_an_id("XF-2026-a01-000001");
	not_an_id("XF-2026-A-B-000001");
	not_an_id("ABCDEFGHI-2026-000001");
	not_an_id("XF-2026-123456789-000001");
	not_an_id("XF-2026-/../-000001");
	not_an_id("XF-2026-000001/..");
	not_an_id("-2026-000001");
	not_an_id("XF--000001");
	not_an_id("");
	not_an_id(NULL);
}
END_TEST

START_TEST(query_codes_are_normalised)
{
	char a[65], b[65], c[65];

	xfa_case_query_hash(a, "7KQ2-M9XD-0I1L-ABCD");
	xfa_case_query_hash(b, "7kq2 m9xd oill abcd");
	xfa_case_query_hash(c, "7KQ2-M9XD-0I1L-ABCE");
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	ck_assert_uint_eq(strlen(a), 64);
}
END_TEST

/* Register the fixture case as the clerk; *id and *code are the caller's. */
static void reg(char **id, char **code, const char *const *attach, size_t n)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;

	memset(&o, 0, sizeof(o));
	o.attach = attach;
	o.nattach = n;
	ck_assert_msg(xfa_case_register(id, code, fx.a, fx.clerk, in, &o) == 0, "%s",
		      xfa_error_last());
	json_decref(in);
}

/* `call` must fail with `code` and leave the head where it was. */
#define REFUSED(code, call) do { \
	char h0_[41], h1_[41]; \
	int got_; \
	fx_head(h0_, fx.a); \
	got_ = (call); \
	ck_assert_msg(got_ == (code), "%s gave %d (%s)", #call, got_, xfa_error_last()); \
	fx_head(h1_, fx.a); \
	ck_assert_str_eq(h0_, h1_); \
} while (0)

START_TEST(register_show_log_and_lookup)
{
	char *id = NULL, *code = NULL, *id2 = NULL, *code2 = NULL, *found = NULL, hash[65];
	json_t *doc = NULL, *evs = NULL;
	size_t i;

	reg(&id, &code, NULL, 0);
	ck_assert_str_eq(id, "XF-2026-000001");
	ck_assert_uint_eq(strlen(code), 19);
	for (i = 0; i < 19; i++)
		ck_assert(i % 5 == 4 ? code[i] == '-' : strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", code[i]) != NULL);
	reg(&id2, &code2, NULL, 0);
	ck_assert_str_eq(id2, "XF-2026-000002");
	ck_assert_str_ne(code, code2);

	ck_assert_int_eq(xfa_case_load(&doc, fx.a, id), 0);
	ck_assert_str_eq(xfa_json_str(doc, "id"), id);
	ck_assert_str_eq(xfa_json_str(doc, "status"), "registered");
	xfa_case_query_hash(hash, code);
	ck_assert_str_eq(xfa_json_str(doc, "query_hash"), hash);
	{
		char *text = json_dumps(doc, 0);
		ck_assert(!strstr(text, code));   /* only the hash is stored */
		free(text);
	}
	json_decref(doc);

	ck_assert_int_eq(xfa_case_events(&evs, fx.a, id), 0);
	ck_assert_uint_eq(json_array_size(evs), 1);
	ck_assert_str_eq(xfa_json_str(json_array_get(evs, 0), "type"), "register");
	ck_assert_str_eq(xfa_json_str(json_array_get(evs, 0), "by"), fx.clerk_fpr);
	ck_assert(json_is_null(json_object_get(json_array_get(evs, 0), "prev")));
	json_decref(evs);

	ck_assert_int_eq(xfa_case_find_code(&found, fx.a, code2), 0);
	ck_assert_str_eq(found, id2);
	free(found);
	ck_assert_int_eq(xfa_case_find_code(&found, fx.a, "0000-0000-0000-0000"), XFA_ENOTFOUND);
	ck_assert_ptr_null(found);
	free(id); free(code); free(id2); free(code2);
}
END_TEST

START_TEST(the_event_signature_verifies_and_tampering_fails)
{
	char *id = NULL, *code = NULL, dir[200], path[300], *ev = NULL, *sig = NULL;
	size_t evlen, siglen;
	xfa_store *st = xfa_archive_store(fx.a);
	xfa_pubkey pk;
	xfa_oid head;

	reg(&id, &code, NULL, 0);
	ck_assert_int_eq(xfa_case_dir(dir, sizeof(dir), id), 0);
	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	xfa_event_path(path, sizeof(path), dir, 1, "json");
	ck_assert_str_eq(path, "cases/2026/00/00/XF-2026-000001/events/000001.json");
	ck_assert_int_eq(xfa_store_read(&ev, &evlen, st, &head, path), 0);
	xfa_event_path(path, sizeof(path), dir, 1, "sig");
	ck_assert_int_eq(xfa_store_read(&sig, &siglen, st, &head, path), 0);
	ck_assert_int_eq(xfa_sshsig_verify(&pk, sig, siglen, XFA_EVENT_NS,
					   (unsigned char *)ev, evlen), 0);
	ck_assert_int_eq(memcmp(&pk, xfa_key_public(fx.clerk), sizeof(pk)), 0);
	ev[evlen / 2] ^= 1;
	ck_assert_int_eq(xfa_sshsig_verify(NULL, sig, siglen, XFA_EVENT_NS,
					   (unsigned char *)ev, evlen), XFA_EBADSIG);
	free(ev); free(sig); free(id); free(code);
}
END_TEST

START_TEST(moves_and_status_free_events)
{
	char *id = NULL, *code = NULL, path[300];
	xfa_case_opts o;
	json_t *doc = NULL, *evs = NULL;
	unsigned seq = 0;
	const char *att[1];

	char today[XFA_DATE_SIZE];
	xfa_stamp now;

	reg(&id, &code, NULL, 0);
	memset(&o, 0, sizeof(o));
	/* a date of today is taken as noon, or now if noon has not come */
	ck_assert_int_eq(xfa_stamp_now(&now, 480), 0);
	xfa_date_format(today, xfa_stamp_day(&now));
	o.effective = today;
	ck_assert_msg(xfa_case_move(&seq, fx.a, fx.clerk, id, "accepted", &o) == 0, "%s",
		      xfa_error_last());
	o.effective = NULL;
	ck_assert_uint_eq(seq, 2);
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, id), 0);
	ck_assert_str_eq(xfa_json_str(doc, "status"), "accepted");
	json_decref(doc);
	o.note = "补充一份材料";
	snprintf(path, sizeof(path), "%s/补充材料.pdf", fx.dir);
	fx_spit(path, "%PDF-1.4\n", 9);
	att[0] = NULL;
	{
		char spec[320];
		snprintf(spec, sizeof(spec), "evidence:%s", path);
		att[0] = spec;
		o.attach = att;
		o.nattach = 1;
		ck_assert_msg(xfa_case_record(&seq, fx.a, fx.clerk, id, "attach", &o) == 0,
			      "%s", xfa_error_last());
		ck_assert_uint_eq(seq, 3);
		/* the same name again */
		REFUSED(XFA_EEXISTS, xfa_case_record(&seq, fx.a, fx.clerk, id, "attach", &o));
		ck_assert(strstr(xfa_error_last(), "补充材料.pdf"));
		/* the same file twice in one event */
		att[0] = spec;
		{
			const char *two[2] = { spec, spec };
			o.attach = two;
			o.nattach = 2;
			snprintf(path, sizeof(path), "%s/other.pdf", fx.dir);
			fx_spit(path, "x", 1);
			snprintf(spec, sizeof(spec), "evidence:%s", path);
			REFUSED(XFA_EINVALID, xfa_case_record(&seq, fx.a, fx.clerk, id, "attach", &o));
			ck_assert(strstr(xfa_error_last(), "two attachments"));
		}
	}
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, id), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "attachments")), 1);
	ck_assert_str_eq(xfa_json_str(json_array_get(json_object_get(doc, "attachments"), 0),
				      "name"), "补充材料.pdf");
	json_decref(doc);
	ck_assert_int_eq(xfa_case_events(&evs, fx.a, id), 0);
	ck_assert_uint_eq(json_array_size(evs), 3);
	ck_assert_int_eq(xfa_json_int(json_array_get(evs, 2), "seq", 0), 3);
	json_decref(evs);
	free(id); free(code);
}
END_TEST

START_TEST(refusals_leave_the_head)
{
	char *id = NULL, *code = NULL, path[300], spec[320], *id0 = NULL, *code0 = NULL;
	const char *att[1] = { spec };
	xfa_case_opts o;
	json_t *in, *doc = NULL;
	unsigned seq;
	xfa_key *stranger = NULL;

	reg(&id0, &code0, NULL, 0);
	id = id0;
	memset(&o, 0, sizeof(o));
	/* no such case */
	REFUSED(XFA_ENOTFOUND, xfa_case_move(&seq, fx.a, fx.clerk, "XF-2026-000099", "accepted", &o));
	ck_assert(strstr(xfa_error_last(), "XF-2026-000099"));
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, "XF-2026-000099"), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_case_events(&doc, fx.a, "XF-2026-000099"), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, "../etc"), XFA_EINVALID);
	REFUSED(XFA_EINVALID, xfa_case_move(&seq, fx.a, fx.clerk, "bogus", "accepted", &o));
	/* an illegal move and an unknown state */
	REFUSED(XFA_EINVALID, xfa_case_move(&seq, fx.a, fx.clerk, id, "closed", &o));
	REFUSED(XFA_EINVALID, xfa_case_move(&seq, fx.a, fx.clerk, id, "nowhere", &o));
	REFUSED(XFA_EINVALID, xfa_case_record(&seq, fx.a, fx.clerk, id, "move", &o));
	/* the future */
	o.effective = "2999-01-01";
	REFUSED(XFA_EINVALID, xfa_case_move(&seq, fx.a, fx.clerk, id, "accepted", &o));
	o.effective = "someday";
	REFUSED(XFA_EINVALID, xfa_case_move(&seq, fx.a, fx.clerk, id, "accepted", &o));
	o.effective = NULL;
	/* a --set value with a control character */
	{
		json_t *p = json_pack("{s:s}", "unit", "民政\x01局");
		o.patch = p;
		REFUSED(XFA_EINVALID, xfa_case_move(&seq, fx.a, fx.clerk, id, "accepted", &o));
		ck_assert(strstr(xfa_error_last(), "unit"));
		o.patch = NULL;
		json_decref(p);
	}
	/* a schema violation names the field */
	in = fx_case_input();
	json_object_set_new(in, "channel", json_string("pigeon"));
	REFUSED(XFA_EINVALID, xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o));
	ck_assert_msg(strstr(xfa_error_last(), "channel"), "%s", xfa_error_last());
	json_object_set_new(in, "channel", json_string("visit"));
	json_object_del(in, "summary");
	REFUSED(XFA_EINVALID, xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o));
	ck_assert_msg(strstr(xfa_error_last(), "summary"), "%s", xfa_error_last());
	json_decref(in);
	/* fields xfa derives */
	in = fx_case_input();
	json_object_set_new(in, "status", json_string("closed"));
	REFUSED(XFA_EINVALID, xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o));
	ck_assert(strstr(xfa_error_last(), "'status'"));
	json_decref(in);
	/* attachments: missing, a symlink, a bad name */
	in = fx_case_input();
	o.attach = att;
	o.nattach = 1;
	snprintf(spec, sizeof(spec), "evidence:%s/missing.pdf", fx.dir);
	REFUSED(XFA_ENOTFOUND, xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o));
	ck_assert(strstr(xfa_error_last(), "missing.pdf"));
	snprintf(path, sizeof(path), "%s/-x.pdf", fx.dir);
	fx_spit(path, "x", 1);
	snprintf(spec, sizeof(spec), "evidence:%s", path);
	REFUSED(XFA_EINVALID, xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o));
	snprintf(spec, sizeof(spec), "nocolon");
	REFUSED(XFA_EINVALID, xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o));
	o.attach = NULL;
	o.nattach = 0;
	/* a key not in the keyring, and the admin (no clerk role) */
	ck_assert_int_eq(xfa_key_generate(&stranger), 0);
	REFUSED(XFA_EAUTH, xfa_case_register(&id, &code, fx.a, stranger, in, &o));
	ck_assert(strstr(xfa_error_last(), "not in the archive's keyring"));
	REFUSED(XFA_EAUTH, xfa_case_register(&id, &code, fx.a, fx.admin, in, &o));
	xfa_key_free(stranger);
	/* a revoked key */
	ck_assert_int_eq(xfa_admin_key_revoke(fx.a, fx.admin, fx.clerk_fpr), 0);
	REFUSED(XFA_EAUTH, xfa_case_register(&id, &code, fx.a, fx.clerk, in, &o));
	ck_assert(strstr(xfa_error_last(), "revoked"));
	REFUSED(XFA_EAUTH, xfa_case_move(&seq, fx.a, fx.clerk, "XF-2026-000001", "accepted", &o));
	json_decref(in);
	free(id0);
	free(code0);
}
END_TEST

START_TEST(office_codes)
{
	fx_archive f;
	json_t *in = fx_case_input();
	char *id = NULL, *code = NULL, *found = NULL;
	xfa_case_opts o;

	fx_archive_setup(&f, "A01", 1);
	memset(&o, 0, sizeof(o));
	ck_assert_msg(xfa_case_register(&id, &code, f.a, f.clerk, in, &o) == 0, "%s",
		      xfa_error_last());
	ck_assert_str_eq(id, "XF-2026-A01-000001");
	ck_assert_int_eq(xfa_case_find_code(&found, f.a, code), 0);
	ck_assert_str_eq(found, id);
	free(found);
	free(id); free(code);
	ck_assert_int_eq(xfa_case_register(&id, &code, f.a, f.clerk, in, &o), 0);
	ck_assert_str_eq(id, "XF-2026-A01-000002");
	free(id); free(code);
	{
		xfa_oid head;
		char *buf = NULL;
		size_t len;
		ck_assert_int_eq(xfa_store_head(&head, xfa_archive_store(f.a)), 0);
		ck_assert_int_eq(xfa_store_read(&buf, &len, xfa_archive_store(f.a), &head,
			"cases/2026/A01/00/00/XF-2026-A01-000002/case.json"), 0);
		free(buf);
	}
	json_decref(in);
	fx_archive_teardown(&f);
}
END_TEST

struct racer {
	const char *path;
	const xfa_key *key;
	char *ids[4];
	int err;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	xfa_archive *a = NULL;
	json_t *in = fx_case_input();
	xfa_case_opts o;
	char *code;
	int i;

	memset(&o, 0, sizeof(o));
	if ((r->err = xfa_archive_open(&a, r->path)) == 0)
		for (i = 0; i < 4 && !r->err; i++) {
			r->err = xfa_case_register(&r->ids[i], &code, a, r->key, in, &o);
			free(code);
		}
	xfa_archive_free(a);
	json_decref(in);
	return NULL;
}

static int count_case(const char *id, const char *dir, void *payload)
{
	(void)id; (void)dir;
	(*(int *)payload)++;
	return 0;
}

START_TEST(parallel_registrations_get_distinct_ids)
{
	struct racer r[2];
	pthread_t t[2];
	xfa_oid head;
	int i, j, n = 0;

	memset(r, 0, sizeof(r));
	for (i = 0; i < 2; i++) {
		r[i].path = fx.path;
		r[i].key = fx.clerk;
		ck_assert_int_eq(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_msg(r[i].err == 0, "racer %d: %d", i, r[i].err);
	}
	for (i = 0; i < 8; i++)
		for (j = 0; j < i; j++)
			ck_assert_str_ne(r[i / 4].ids[i % 4], r[j / 4].ids[j % 4]);
	ck_assert_int_eq(xfa_store_head(&head, xfa_archive_store(fx.a)), 0);
	ck_assert_int_eq(xfa_case_each(xfa_archive_store(fx.a), &head, count_case, &n), 0);
	ck_assert_int_eq(n, 8);
	for (i = 0; i < 8; i++)
		free(r[i / 4].ids[i % 4]);
}
END_TEST

Suite *case_suite(void); /* found by the runner: see the Makefile */

Suite *case_suite(void)
{
	Suite *s = suite_create("case");
	TCase *tc = tcase_create("case");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ids_and_folders);
	tcase_add_test(tc, query_codes_are_normalised);
	tcase_add_test(tc, register_show_log_and_lookup);
	tcase_add_test(tc, the_event_signature_verifies_and_tampering_fails);
	tcase_add_test(tc, moves_and_status_free_events);
	tcase_add_test(tc, refusals_leave_the_head);
	tcase_add_test(tc, office_codes);
	tcase_add_test(tc, parallel_registrations_get_distinct_ids);
	suite_add_tcase(s, tc);
	return s;
}

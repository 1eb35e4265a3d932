/* check_event.c - tests for event.c: event paths, replay, parsing against
 * event.schema.json, and loading streams from the store. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "error.h"
#include "event.h"
#include "json.h"
#include "key.h"

static fx_archive fx;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
}

static void teardown(void)
{
	fx_archive_teardown(&fx);
}

START_TEST(paths)
{
	char p[128];

	xfa_event_path(p, sizeof(p), "cases/2026/00/00/XF-2026-000001", 1, "json");
	ck_assert_str_eq(p, "cases/2026/00/00/XF-2026-000001/events/000001.json");
	xfa_event_path(p, sizeof(p), ".xfa", 42, "sig");
	ck_assert_str_eq(p, ".xfa/events/000042.sig");
	xfa_event_path(p, sizeof(p), "d", 999999, "json");
	ck_assert_str_eq(p, "d/events/999999.json");
}
END_TEST

START_TEST(replay)
{
	json_t *ev1 = json_pack("{s:{s:s, s:{s:i}}, s:s, s:[{s:s}]}",
		"patch", "summary", "原文", "nested", "a", 1, "to", "registered",
		"attachments", "name", "a.pdf");
	json_t *ev2 = json_pack("{s:{s:n, s:{s:i}}, s:[{s:s}]}",
		"patch", "summary", "nested", "b", 2, "attachments", "name", "b.pdf");
	json_t *ev3 = json_pack("{s:s}", "type", "note");
	json_t *d1, *d2, *d3, *copy, *want;

	d1 = xfa_event_replay(NULL, ev1);
	want = json_pack("{s:s, s:{s:i}, s:s, s:[{s:s}]}", "summary", "原文", "nested", "a", 1,
			 "status", "registered", "attachments", "name", "a.pdf");
	ck_assert(json_equal(d1, want));
	json_decref(want);
	copy = json_deep_copy(d1);
	d2 = xfa_event_replay(d1, ev2);
	ck_assert(json_equal(d1, copy));   /* the old document is borrowed, untouched */
	want = json_pack("{s:{s:i, s:i}, s:s, s:[{s:s}, {s:s}]}", "nested", "a", 1, "b", 2,
			 "status", "registered", "attachments", "name", "a.pdf", "name", "b.pdf");
	ck_assert(json_equal(d2, want));
	json_decref(want);
	/* an event with no patch, state or attachments changes nothing */
	d3 = xfa_event_replay(d2, ev3);
	ck_assert(json_equal(d2, d3));
	json_decref(d1); json_decref(d2); json_decref(d3); json_decref(copy);
	json_decref(ev1); json_decref(ev2); json_decref(ev3);
}
END_TEST

/* The stored text of `path` at the head. */
static char *stored(size_t *len, const char *path)
{
	xfa_oid head;
	char *buf = NULL;

	ck_assert_int_eq(xfa_store_head(&head, xfa_archive_store(fx.a)), 0);
	ck_assert_msg(xfa_store_read(&buf, len, xfa_archive_store(fx.a), &head, path) == 0,
		      "%s", xfa_error_last());
	return buf;
}

START_TEST(parse)
{
	size_t len;
	char *buf = stored(&len, ".xfa/events/000002.json");
	json_t *ev = NULL, *bad;
	char *text = NULL;

	ck_assert_msg(xfa_event_parse(&ev, buf, len, "000002.json") == 0, "%s", xfa_error_last());
	ck_assert_str_eq(xfa_json_str(ev, "type"), "key-add");
	ck_assert_int_eq(xfa_json_int(ev, "seq", 0), 2);
	ck_assert_str_eq(xfa_json_str(ev, "by"), fx.admin_fpr);
	free(buf);
	/* not JSON */
	bad = NULL;
	ck_assert_int_eq(xfa_event_parse(&bad, "{\"seq\": ", 8, "e.json"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "e.json"));
	ck_assert_ptr_null(bad);
	/* JSON, but not an event: the schema names the field */
	bad = json_deep_copy(ev);
	json_object_set_new(bad, "seq", json_string("two"));
	ck_assert_int_eq(xfa_json_dump(&text, &len, bad), 0);
	json_decref(bad);
	bad = NULL;
	ck_assert_int_eq(xfa_event_parse(&bad, text, len, "e.json"), XFA_EINVALID);
	ck_assert_msg(strstr(xfa_error_last(), "seq"), "%s", xfa_error_last());
	free(text);
	bad = json_deep_copy(ev);
	json_object_del(bad, "by");
	ck_assert_int_eq(xfa_json_dump(&text, &len, bad), 0);
	json_decref(bad);
	ck_assert_int_eq(xfa_event_parse(&bad, text, len, "e.json"), XFA_EINVALID);
	ck_assert_msg(strstr(xfa_error_last(), "by"), "%s", xfa_error_last());
	free(text);
	json_decref(ev);
}
END_TEST

START_TEST(streams)
{
	xfa_store *st = xfa_archive_store(fx.a);
	xfa_stream s;
	xfa_oid head;
	unsigned char h[32];
	char hex[65], *buf;
	size_t len;

	ck_assert_int_eq(xfa_store_head(&head, st), 0);
	ck_assert_int_eq(xfa_stream_load(&s, st, &head, XFA_META_DIR, XFA_META_DOC), 0);
	ck_assert_uint_eq(s.seq, 2);      /* init, key-add */
	ck_assert_str_eq(s.dir, ".xfa");
	ck_assert_str_eq(s.docname, "archive.json");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(s.doc, "keys"), fx.clerk_fpr));
	ck_assert_str_eq(xfa_json_str(s.last, "type"), "key-add");
	buf = stored(&len, ".xfa/events/000002.json");
	xfa_sha256(h, buf, len);
	xfa_hex(hex, h, 32);
	ck_assert_str_eq(s.prev, hex);
	free(buf);
	xfa_stream_release(&s);
	xfa_stream_release(&s);       /* twice is harmless */
	/* a folder that is not there: a new stream */
	ck_assert_int_eq(xfa_stream_load(&s, st, &head, "cases/2026/00/00/XF-2026-000001",
					 "case.json"), 0);
	ck_assert_uint_eq(s.seq, 0);
	ck_assert_ptr_null(s.doc);
	ck_assert_ptr_null(s.last);
	ck_assert_str_eq(s.prev, "");
	xfa_stream_release(&s);
	/* no commit at all */
	ck_assert_int_eq(xfa_stream_load(&s, st, NULL, "x", "case.json"), 0);
	ck_assert_uint_eq(s.seq, 0);
	xfa_stream_release(&s);
}
END_TEST

static int sign_git(char **armor, const unsigned char *buf, size_t len, void *p)
{
	return xfa_event_sign_git(armor, buf, len, p);
}

START_TEST(malformed_stored_streams_are_refused)
{
	xfa_store *st = xfa_archive_store(fx.a);
	xfa_ident who = { "x", "admin@bureau.example", 1795330980, 480 };
	xfa_txn *tx = NULL;
	xfa_stream s;
	xfa_oid c;

	ck_assert_int_eq(xfa_txn_begin(&tx, st), 0);
	ck_assert_int_eq(xfa_txn_put(tx, "bad/events/000001.json", "{\"seq\": ", 8), 0);
	ck_assert_int_eq(xfa_txn_put(tx, "bad/case.json", "{}\n", 3), 0);
	ck_assert_int_eq(xfa_txn_put(tx, "nodoc/events/000001.json", "{}", 2), 0);
	ck_assert_int_eq(xfa_txn_next(&c, tx, &who, "test\n", sign_git, fx.admin), 0);
	xfa_txn_free(tx);   /* never published */
	ck_assert_int_eq(xfa_stream_load(&s, st, &c, "bad", "case.json"), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "bad/events/000001.json"));
	ck_assert_ptr_null(s.doc);
	ck_assert_int_lt(xfa_stream_load(&s, st, &c, "nodoc", "case.json"), 0);
}
END_TEST

Suite *event_suite(void); /* found by the runner: see the Makefile */

Suite *event_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("event");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, paths);
	tcase_add_test(tc, replay);
	tcase_add_test(tc, parse);
	tcase_add_test(tc, streams);
	tcase_add_test(tc, malformed_stored_streams_are_refused);
	suite_add_tcase(s, tc);
	return s;
}

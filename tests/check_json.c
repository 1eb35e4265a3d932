/* check_json.c - tests for json.c (strict parsing, canonical output,
 * RFC 7396 merge patches) and error.c (codes and per-thread messages). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"

#define STR_LEN(s) (s), strlen(s)

/* Parse `text`; the result code, and the value (or NULL) in *out. */
static int parse(json_t **out, const char *text)
{
	return xfa_json_parse(out, text, strlen(text), "t.json");
}

static void refused(const char *text, const char *msg_part)
{
	json_t *v = (json_t *)1;
	int err = parse(&v, text);

	ck_assert_msg(err == XFA_EINVALID, "accepted %s", text);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
	ck_assert_msg(strstr(xfa_error_last(), "t.json") != NULL,
		      "message does not name the source: %s", xfa_error_last());
	if (msg_part)
		ck_assert_msg(strstr(xfa_error_last(), msg_part) != NULL,
			      "message '%s' lacks '%s'", xfa_error_last(), msg_part);
}

static void accepted(const char *text)
{
	json_t *v = NULL;
	int err = parse(&v, text);

	ck_assert_msg(err == 0, "refused %s: %s", text, xfa_error_last());
	ck_assert_ptr_nonnull(v);
	json_decref(v);
}

START_TEST(parses_an_object)
{
	json_t *v = NULL;

	ck_assert_int_eq(parse(&v, "{\"a\": 1, \"b\": [true, null, \"中文\"]}"), 0);
	ck_assert_int_eq(xfa_json_int(v, "a", 0), 1);
	ck_assert_int_eq(xfa_json_int(v, "missing", 7), 7);
	ck_assert_int_eq(xfa_json_int(v, "b", 7), 7);
	ck_assert_ptr_null(xfa_json_str(v, "a"));
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(v, "b"), 2)),
			 "中文");
	json_decref(v);
	accepted("{}");
	accepted("{\"t\": \"tab\\tnewline\\nreturn\\r\"}");
}
END_TEST

START_TEST(refuses_malformed_and_non_objects)
{
	refused("{\"a\": 1,}", "invalid JSON");
	refused("{\"a\" 1}", "invalid JSON");
	refused("", "invalid JSON");
	refused("{} {}", "invalid JSON");
	refused("[1, 2]", "not a JSON object");
	refused("\"text\"", NULL);
	refused("42", NULL);
}
END_TEST

START_TEST(refuses_duplicate_keys)
{
	refused("{\"a\": 1, \"a\": 2}", "duplicate");
	refused("{\"o\": {\"k\": 1, \"k\": 1}}", "duplicate");
	accepted("{\"a\": {\"k\": 1}, \"b\": {\"k\": 1}}");
}
END_TEST

START_TEST(refuses_invalid_utf8)
{
	refused("{\"a\": \"\xff\"}", "UTF-8");
	refused("{\"a\": \"\xc0\xaf\"}", "UTF-8");         /* overlong '/' */
	refused("{\"a\": \"\xe0\x80\xaf\"}", "UTF-8");     /* overlong, 3 bytes */
	refused("{\"a\": \"\xed\xa0\x80\"}", "UTF-8");     /* a surrogate */
	refused("{\"a\": \"\xf4\x90\x80\x80\"}", "UTF-8"); /* past U+10FFFF */
	refused("{\"a\": \"\xe4\xb8\"}", "UTF-8");         /* cut short */
	refused("{\"\xfe\": 1}", "UTF-8");                  /* in a key */
	accepted("{\"a\": \"\xf0\x9f\x98\x80 \xe4\xb8\xad\"}");

	ck_assert(xfa_utf8_valid(STR_LEN("plain")));
	ck_assert(xfa_utf8_valid(STR_LEN("信访")));
	ck_assert(!xfa_utf8_valid("\xe4\xbf", 2));
	ck_assert(!xfa_utf8_valid("\x80", 1));
	ck_assert(xfa_utf8_valid("", 0));
}
END_TEST

START_TEST(refuses_numbers_past_2_53)
{
	accepted("{\"n\": 9007199254740991}");
	accepted("{\"n\": -9007199254740991}");
	refused("{\"n\": 9007199254740992}", "2^53");
	refused("{\"n\": -9007199254740992}", "2^53");
	refused("{\"deep\": {\"n\": [1, 9007199254740993]}}", "deep.n[1]");
	refused("{\"n\": 99999999999999999999999}", NULL);
	refused("{\"n\": 1.5}", "integers");
	refused("{\"n\": 1e3}", "integers");
	refused("{\"n\": 0.0}", "integers");
}
END_TEST

START_TEST(refuses_control_characters_and_nul)
{
	refused("{\"a\": \"bell\\u0007\"}", "control character");
	refused("{\"a\": \"del\\u007f\"}", "control character");
	refused("{\"a\": \"esc\\u001b[31m\"}", "control character");
	refused("{\"a\": \"nul\\u0000\"}", NULL);
	refused("{\"a\": \"raw\ttab\"}", NULL);       /* raw control char: bad JSON */
	refused("{\"k\\u0001\": 1}", "control character");
	/* a NUL byte inside the buffer */
	{
		json_t *v = NULL;
		ck_assert_int_eq(xfa_json_parse(&v, "{\"a\": 1}\0", 9, "t.json"), XFA_EINVALID);
		ck_assert_ptr_null(v);
	}
}
END_TEST

START_TEST(refuses_deep_nesting)
{
	char deep[256] = "", shallow[256] = "";
	int i;

	for (i = 0; i < 40; i++)
		strcat(deep, "{\"a\":");
	strcat(deep, "1");
	for (i = 0; i < 40; i++)
		strcat(deep, "}");
	refused(deep, "nested deeper");
	for (i = 0; i < 10; i++)
		strcat(shallow, "{\"a\":");
	strcat(shallow, "[1]");
	for (i = 0; i < 10; i++)
		strcat(shallow, "}");
	accepted(shallow);
}
END_TEST

START_TEST(check_names_the_member)
{
	json_t *v = json_pack("{s:{s:[i,s]}}", "petitioners", "names", 1, "bad\x01");

	ck_assert_int_eq(xfa_json_check(v, "--set"), XFA_EINVALID);
	ck_assert_msg(strstr(xfa_error_last(), "--set") &&
		      strstr(xfa_error_last(), "petitioners.names[1]"),
		      "%s", xfa_error_last());
	json_decref(v);
	v = json_pack("{s:f}", "r", 0.5);
	ck_assert_int_eq(xfa_json_check(v, "x"), XFA_EINVALID);
	json_decref(v);
	v = json_pack("{s:I}", "big", (json_int_t)1 << 60);
	ck_assert_int_eq(xfa_json_check(v, "x"), XFA_EINVALID);
	json_decref(v);
	v = json_pack("{s:s}", "fine", "文本\n");
	ck_assert_int_eq(xfa_json_check(v, "x"), 0);
	json_decref(v);
}
END_TEST

START_TEST(dump_is_canonical)
{
	json_t *a = NULL, *b = NULL, *back = NULL;
	char *s = NULL, *t = NULL;
	size_t n = 0, m = 0;
	const char *want =
		"{\n  \"a\": [\n    1,\n    \"信访\"\n  ],\n  \"b\": {\n"
		"    \"x\": null,\n    \"y\": true\n  },\n  \"z\": \"\"\n}\n";

	ck_assert_int_eq(parse(&a, "{\"z\":\"\",\"b\":{\"y\":true,\"x\":null},\"a\":[1,\"信访\"]}"), 0);
	ck_assert_int_eq(parse(&b, "{ \"a\" : [ 1 , \"\\u4fe1\\u8bbf\" ] , \"b\" : { \"x\" : null , \"y\" : true } , \"z\" : \"\" }"), 0);
	ck_assert_int_eq(xfa_json_dump(&s, &n, a), 0);
	ck_assert_int_eq(xfa_json_dump(&t, &m, b), 0);
	ck_assert_str_eq(s, want);
	ck_assert_uint_eq(n, strlen(want));
	ck_assert_str_eq(s, t);
	ck_assert_uint_eq(m, n);
	/* parse(dump(v)) == v, and dumping again gives the same bytes */
	ck_assert_int_eq(xfa_json_parse(&back, s, n, "dump"), 0);
	ck_assert(json_equal(back, a));
	free(t);
	ck_assert_int_eq(xfa_json_dump(&t, NULL, back), 0);
	ck_assert_str_eq(s, t);
	free(s);
	free(t);
	json_decref(a);
	json_decref(b);
	json_decref(back);
}
END_TEST

/* RFC 7396 appendix A: target, patch, result. */
static const char *const rfc7396[][3] = {
	{ "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
	{ "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}" },
	{ "{\"a\":\"b\"}", "{\"a\":null}", "{}" },
	{ "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}" },
	{ "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
	{ "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}" },
	{ "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}" },
	{ "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}" },
	{ "[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]" },
	{ "{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]" },
	{ "{\"a\":\"foo\"}", "null", "null" },
	{ "{\"a\":\"foo\"}", "\"bar\"", "\"bar\"" },
	{ "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}" },
	{ "[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}" },
	{ "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}" },
	/* section 3's example */
	{ "{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
	  "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
	  "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\","
	  "\"author\":{\"familyName\":null},\"tags\":[\"example\"]}",
	  "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
	  "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}" },
};

START_TEST(merge_patch_rfc7396_examples)
{
	size_t i;

	for (i = 0; i < sizeof(rfc7396) / sizeof(rfc7396[0]); i++) {
		json_error_t je;
		json_t *t = json_loads(rfc7396[i][0], JSON_DECODE_ANY, &je);
		json_t *p = json_loads(rfc7396[i][1], JSON_DECODE_ANY, &je);
		json_t *want = json_loads(rfc7396[i][2], JSON_DECODE_ANY, &je);
		json_t *pcopy = json_deep_copy(p), *got;

		ck_assert(t && p && want);
		got = xfa_json_merge_patch(t, p);   /* t is stolen */
		ck_assert_msg(got && json_equal(got, want), "RFC 7396 example %zu", i);
		ck_assert_msg(json_equal(p, pcopy), "example %zu changed the patch", i);
		json_decref(got);
		json_decref(p);
		json_decref(pcopy);
		json_decref(want);
	}
}
END_TEST

START_TEST(merge_patch_onto_nothing)
{
	json_t *p = json_pack("{s:s, s:n, s:{s:n, s:i}}", "a", "b", "gone", "o", "x", "y", 1);
	json_t *want = json_pack("{s:s, s:{s:i}}", "a", "b", "o", "y", 1);
	json_t *got = xfa_json_merge_patch(NULL, p);

	ck_assert(json_equal(got, want));
	json_decref(got);
	json_decref(p);
	json_decref(want);
}
END_TEST

/* --- error.c ---------------------------------------------------------- */

START_TEST(error_set_wrap_clear)
{
	xfa_error_clear();
	ck_assert_str_eq(xfa_error_last(), "");
	ck_assert_int_eq(xfa_error_code(), 0);
	ck_assert_int_eq(xfa_error_set(XFA_ENOTFOUND, "no case '%s'", "XF-2026-000001"),
			 XFA_ENOTFOUND);
	ck_assert_str_eq(xfa_error_last(), "no case 'XF-2026-000001'");
	ck_assert_int_eq(xfa_error_wrap(XFA_EINVALID, "move %d", 3), XFA_EINVALID);
	ck_assert_str_eq(xfa_error_last(), "move 3: no case 'XF-2026-000001'");
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
	xfa_error_clear();
	ck_assert_int_eq(xfa_error_wrap(XFA_EIO, "alone"), XFA_EIO);
	ck_assert_str_eq(xfa_error_last(), "alone");
}
END_TEST

START_TEST(error_long_messages_are_cut)
{
	char big[3000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	xfa_error_set(XFA_ERROR, "%s", big);
	ck_assert_uint_lt(strlen(xfa_error_last()), sizeof(big));
	xfa_error_wrap(XFA_ERROR, "%s", big);
	ck_assert_uint_lt(strlen(xfa_error_last()), sizeof(big));
	xfa_error_set(XFA_ERROR, "short");
	xfa_error_wrap(XFA_ERROR, "%s", big);
	ck_assert_uint_lt(strlen(xfa_error_last()), sizeof(big));
}
END_TEST

START_TEST(error_names)
{
	const int codes[] = { XFA_OK, XFA_ERROR, XFA_ENOTFOUND, XFA_EEXISTS,
			      XFA_EINVALID, XFA_EBADSIG, XFA_ECONFLICT, XFA_EAUTH,
			      XFA_EIO };
	size_t i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_ptr_nonnull(xfa_error_name(codes[i]));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(xfa_error_name(codes[i]), xfa_error_name(codes[j]));
	}
	ck_assert_str_eq(xfa_error_name(-99), xfa_error_name(XFA_ERROR));
}
END_TEST

static void *other_thread(void *arg)
{
	(void)arg;
	xfa_error_set(XFA_EAUTH, "from another thread");
	return NULL;
}

START_TEST(error_is_per_thread)
{
	pthread_t t;

	xfa_error_set(XFA_EEXISTS, "mine");
	ck_assert_int_eq(pthread_create(&t, NULL, other_thread, NULL), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_str_eq(xfa_error_last(), "mine");
	ck_assert_int_eq(xfa_error_code(), XFA_EEXISTS);
}
END_TEST

static int by_int(const void *a, const void *b)
{
	json_int_t x = json_integer_value(*(json_t *const *)a);
	json_int_t y = json_integer_value(*(json_t *const *)b);

	return (x > y) - (x < y);
}

START_TEST(sorted_is_a_sorted_copy)
{
	json_t *in = json_pack("[i,i,i,i]", 3, 1, 2, 1), *out = xfa_json_sorted(in, by_int);
	json_t *want = json_pack("[i,i,i,i]", 1, 1, 2, 3), *empty = json_array(), *e2;

	ck_assert_ptr_nonnull(out);
	ck_assert(json_equal(out, want));
	ck_assert_int_eq(json_integer_value(json_array_get(in, 0)), 3);  /* input kept */
	ck_assert_ptr_nonnull(e2 = xfa_json_sorted(empty, by_int));
	ck_assert_uint_eq(json_array_size(e2), 0);
	json_decref(in);
	json_decref(out);
	json_decref(want);
	json_decref(empty);
	json_decref(e2);
}
END_TEST

Suite *json_suite(void); /* found by the runner: see the Makefile */

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("parse");
	TCase *te = tcase_create("error");

	tcase_add_test(tc, parses_an_object);
	tcase_add_test(tc, refuses_malformed_and_non_objects);
	tcase_add_test(tc, refuses_duplicate_keys);
	tcase_add_test(tc, refuses_invalid_utf8);
	tcase_add_test(tc, refuses_numbers_past_2_53);
	tcase_add_test(tc, refuses_control_characters_and_nul);
	tcase_add_test(tc, refuses_deep_nesting);
	tcase_add_test(tc, check_names_the_member);
	tcase_add_test(tc, dump_is_canonical);
	tcase_add_test(tc, merge_patch_rfc7396_examples);
	tcase_add_test(tc, merge_patch_onto_nothing);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, sorted_is_a_sorted_copy);
	tcase_add_test(te, error_set_wrap_clear);
	tcase_add_test(te, error_long_messages_are_cut);
	tcase_add_test(te, error_names);
	tcase_add_test(te, error_is_per_thread);
	suite_add_tcase(s, te);
	return s;
}

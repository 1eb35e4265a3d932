/* check_schema.c - the schema validator against the official draft-07 test
 * suite, its error messages and limits, and the embedded schemas against the
 * sample documents in tests/fixtures/. */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embedded.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "schema.h"

#define SUITE_DEFAULT "/usr/share/json-schema-test-suite/tests/draft7"
#define FIXTURES "tests/fixtures"

/* ---- (a) the official JSON Schema test suite ----------------------------- */

/* Files of the draft-07 suite we claim: every group in them runs, except the
 * groups listed in `suite_skips`. */
static const char *const suite_files[] = {
	"additionalItems.json", "additionalProperties.json", "allOf.json",
	"anyOf.json", "boolean_schema.json", "const.json", "contains.json",
	"default.json", "definitions.json", "dependencies.json", "enum.json",
	"exclusiveMaximum.json", "exclusiveMinimum.json", "if-then-else.json",
	"items.json", "maxItems.json", "maxLength.json", "maxProperties.json",
	"maximum.json", "minItems.json", "minLength.json", "minProperties.json",
	"minimum.json", "multipleOf.json", "not.json", "oneOf.json",
	"pattern.json", "patternProperties.json", "properties.json",
	"propertyNames.json", "ref.json", "refRemote.json", "required.json",
	"type.json", "uniqueItems.json",
	/* optional tests for what we do assert */
	"optional/zeroTerminatedFloats.json", "optional/format/date-time.json",
	"optional/format/date.json", "optional/format/email.json",
};

/* Groups we do not run (group NULL: the whole file), each with its reason. */
static const struct { const char *file, *group, *why; } suite_skips[] = {
	/* $ref "http://json-schema.org/draft-07/schema#": we resolve no remote
	 * refs, and the meta-schema is not embedded */
	{ "definitions.json", "valid definition", "remote ref to the meta-schema" },
	{ "definitions.json", "invalid definition", "remote ref to the meta-schema" },
	{ "ref.json", "remote ref, containing refs itself", "remote ref to the meta-schema" },
	/* refs "node" and "tree" resolve against "$id": "http://localhost:1234/tree" */
	{ "ref.json", "Recursive references between schemas", "$id-based resolution" },
	/* every group refers to http://localhost:1234/... and most change the
	 * base URI with $id */
	{ "refRemote.json", NULL, "remote refs and $id base URIs" },
	/* integers beyond 64 bits: jansson cannot hold them (our documents stay
	 * within 2^53, see json.h) */
	{ "optional/bignum.json", NULL, "integers beyond 64 bits" },
	/* contentMediaType and contentEncoding are annotations we do not assert */
	{ "optional/content.json", NULL, "content keywords not asserted" },
	/* about format "regex", which we do not assert */
	{ "optional/ecmascript-regex.json", NULL, "format regex not asserted" },
	/* formats other than date-time, date and email are annotations only */
	{ "optional/format/hostname.json", NULL, "format not asserted" },
	{ "optional/format/idn-email.json", NULL, "format not asserted" },
	{ "optional/format/idn-hostname.json", NULL, "format not asserted" },
	{ "optional/format/ipv4.json", NULL, "format not asserted" },
	{ "optional/format/ipv6.json", NULL, "format not asserted" },
	{ "optional/format/iri-reference.json", NULL, "format not asserted" },
	{ "optional/format/iri.json", NULL, "format not asserted" },
	{ "optional/format/json-pointer.json", NULL, "format not asserted" },
	{ "optional/format/regex.json", NULL, "format not asserted" },
	{ "optional/format/relative-json-pointer.json", NULL, "format not asserted" },
	{ "optional/format/time.json", NULL, "format not asserted" },
	{ "optional/format/uri-reference.json", NULL, "format not asserted" },
	{ "optional/format/uri-template.json", NULL, "format not asserted" },
	{ "optional/format/uri.json", NULL, "format not asserted" },
};

#define NSKIPS (sizeof(suite_skips) / sizeof(suite_skips[0]))

struct suite_tally {
	int groups, tests, skipped_groups, skipped_tests, failures;
	int skip_used[NSKIPS];
};

static long skip_index(const char *file, const char *group)
{
	size_t i;

	for (i = 0; i < NSKIPS; i++)
		if (!strcmp(suite_skips[i].file, file) &&
		    (!suite_skips[i].group || !strcmp(suite_skips[i].group, group)))
			return (long)i;
	return -1;
}

/* A suite file; the files we only count are read with big integers as
 * reals, which jansson can hold. */
static json_t *load_suite_file(const char *dir, const char *file, int claimed)
{
	char path[1024];
	json_error_t jerr;
	json_t *v;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	v = json_load_file(path, JSON_ALLOW_NUL | JSON_DECODE_ANY |
			   (claimed ? 0 : JSON_DECODE_INT_AS_REAL), &jerr);
	if (!v)
		fprintf(stderr, "schema suite: %s: %s\n", path, jerr.text);
	return v;
}

static void run_group(struct suite_tally *t, const char *file, const json_t *g)
{
	const char *gdesc = json_string_value(json_object_get(g, "description"));
	const json_t *schema = json_object_get(g, "schema"), *test;
	size_t i;

	t->groups++;
	json_array_foreach(json_object_get(g, "tests"), i, test) {
		const char *tdesc = json_string_value(json_object_get(test, "description"));
		int want = json_is_true(json_object_get(test, "valid"));
		int err = xfa_schema_validate(schema, json_object_get(test, "data"), "data");
		t->tests++;
		if ((want && err == 0) || (!want && err == XFA_EINVALID))
			continue;
		t->failures++;
		fprintf(stderr, "schema suite: %s: %s: %s: expected %s, got %s\n",
			file, gdesc, tdesc, want ? "valid" : "invalid",
			err ? xfa_error_last() : "valid");
	}
}

static void run_suite_file(struct suite_tally *t, const char *dir,
			   const char *file, int claimed)
{
	json_t *groups = load_suite_file(dir, file, claimed), *g;
	size_t i;
	long k;

	if (!groups) {
		if (claimed)
			t->failures++;
		else if ((k = skip_index(file, "")) >= 0)
			t->skip_used[k] = 1;
		return;
	}
	json_array_foreach(groups, i, g) {
		const char *gdesc = json_string_value(json_object_get(g, "description"));
		if ((k = skip_index(file, gdesc ? gdesc : "")) >= 0 || !claimed) {
			if (k >= 0)
				t->skip_used[k] = 1;
			t->skipped_groups++;
			t->skipped_tests += (int)json_array_size(json_object_get(g, "tests"));
			continue;
		}
		run_group(t, file, g);
	}
	json_decref(groups);
}

START_TEST(test_official_suite)
{
	const char *dir = getenv("XFA_SCHEMA_SUITE");
	struct suite_tally t = { 0 };
	size_t i;
	FILE *probe;
	char path[1024];

	if (!dir || !*dir) {
		dir = SUITE_DEFAULT;
		snprintf(path, sizeof(path), "%s/type.json", dir);
		if (!(probe = fopen(path, "r"))) {
			printf("schema suite: %s not found (install json-schema-test-suite"
			       " or set XFA_SCHEMA_SUITE): not run\n", dir);
			return;
		}
		fclose(probe);
	}
	for (i = 0; i < sizeof(suite_files) / sizeof(suite_files[0]); i++)
		run_suite_file(&t, dir, suite_files[i], 1);
	for (i = 0; i < NSKIPS; i++)
		if (!suite_skips[i].group && !t.skip_used[i])
			run_suite_file(&t, dir, suite_skips[i].file, 0);
	for (i = 0; i < NSKIPS; i++)
		if (!t.skip_used[i]) {
			fprintf(stderr, "schema suite: skip entry %s / %s matches nothing\n",
				suite_skips[i].file,
				suite_skips[i].group ? suite_skips[i].group : "(file)");
			t.failures++;
		}
	printf("schema suite: %d groups (%d tests) run, %d groups (%d tests) "
	       "skipped, %d failures\n", t.groups, t.tests, t.skipped_groups,
	       t.skipped_tests, t.failures);
	ck_assert_int_gt(t.tests, 300);
	ck_assert_msg(t.failures == 0, "%d failures in the schema test suite "
		      "(details on stderr)", t.failures);
}
END_TEST

/* ---- (b) messages, limits, patterns ------------------------------------- */

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

	ck_assert_msg(v != NULL, "bad JSON in test: %s: %s", text, jerr.text);
	return v;
}

/* Validate `doc` against `schema` (both JSON text); the return code, with
 * the message copied to `msg`. */
static int validate_text(const char *schema, const char *doc, char *msg,
			 size_t cap)
{
	json_t *s = parse(schema), *d = parse(doc);
	int err;

	xfa_error_clear();
	err = xfa_schema_validate(s, d, "t.json");
	snprintf(msg, cap, "%s", err ? xfa_error_last() : "");
	json_decref(s);
	json_decref(d);
	return err;
}

static const struct { const char *schema, *doc, *msg; } message_cases[] = {
	{ "{\"properties\":{\"petitioners\":{\"items\":{\"required\":[\"name\"]}}}}",
	  "{\"petitioners\":[{\"name\":\"a\"},{}]}",
	  "t.json: petitioners[1].name: required property 'name' missing" },
	{ "{\"properties\":{\"channel\":{\"enum\":[\"letter\",\"visit\",\"online\",\"phone\"]}}}",
	  "{\"channel\":\"fax\"}",
	  "t.json: channel: must be one of: letter, visit, online, phone" },
	{ "{\"properties\":{\"summary\":{\"type\":\"string\"}}}", "{\"summary\":1}",
	  "t.json: summary: must be a string" },
	{ "{\"type\":[\"string\",\"null\"]}", "3",
	  "t.json: (document): must be a string or null" },
	{ "{\"type\":\"object\"}", "[]", "t.json: (document): must be an object" },
	{ "{\"properties\":{\"id\":{\"pattern\":\"^XF-[0-9]+$\"}}}", "{\"id\":\"X-1\"}",
	  "t.json: id: does not match pattern ^XF-[0-9]+$" },
	{ "{\"properties\":{\"a\":{}},\"additionalProperties\":false}",
	  "{\"a\":1,\"foo\":2}", "t.json: foo: unknown property 'foo'" },
	{ "{\"additionalProperties\":{\"properties\":{\"x\":{\"const\":1}}}}",
	  "{\"SHA256:ab/c+d\":{\"x\":2}}", "t.json: [\"SHA256:ab/c+d\"].x: must be 1" },
	{ "{\"properties\":{\"n\":{\"minLength\":3}}}", "{\"n\":\"王某\"}",
	  "t.json: n: must be at least 3 characters long" },
	{ "{\"maxLength\":2}", "\"王某某\"",
	  "t.json: (document): must be at most 2 characters long" },
	{ "{\"minLength\":1}", "\"\"", "t.json: (document): must not be empty" },
	{ "{\"items\":{\"minimum\":1}}", "[3,0]", "t.json: [1]: must be at least 1" },
	{ "{\"minItems\":1}", "[]", "t.json: (document): must have at least 1 item" },
	{ "{\"uniqueItems\":true}", "[1,{\"a\":[2]},{\"a\":[2.0]}]",
	  "t.json: (document): must not contain duplicates (items 1 and 2 are equal)" },
	{ "{\"format\":\"date-time\"}", "\"2026-03-01T09:30:00\"",
	  "t.json: (document): must be a date-time with a UTC offset "
	  "(e.g. 2026-03-01T09:30:00+08:00)" },
	{ "{\"properties\":{\"until\":{\"anyOf\":[{\"type\":\"string\",\"format\":\"date\"},"
	  "{\"const\":\"closed\"}]}}}", "{\"until\":\"later\"}",
	  "t.json: until: must be a date (YYYY-MM-DD), or must be \"closed\"" },
	{ "{\"anyOf\":[{\"type\":\"string\"},{\"properties\":{\"a\":{\"type\":\"integer\"}}}]}",
	  "{\"a\":\"x\"}", "t.json: a: must be an integer" },
	{ "{\"oneOf\":[{\"minimum\":1},{\"maximum\":5}]}", "3",
	  "t.json: (document): must match exactly one alternative, but matches "
	  "alternatives 1 and 2" },
	{ "{\"not\":{\"type\":\"null\"}}", "null",
	  "t.json: (document): must not match the schema under \"not\"" },
	{ "{\"if\":{\"properties\":{\"c\":{\"const\":\"letter\"}}},"
	  "\"then\":{\"required\":[\"address\"]}}", "{\"c\":\"letter\"}",
	  "t.json: address: required property 'address' missing" },
	{ "{\"propertyNames\":{\"pattern\":\"^[a-z]+$\"}}", "{\"Bad\":1}",
	  "t.json: Bad: invalid property name: does not match pattern ^[a-z]+$" },
	{ "{\"dependencies\":{\"proxy\":[\"form\"]}}", "{\"proxy\":1}",
	  "t.json: form: property 'form' required by 'proxy' missing" },
	{ "{\"items\":[{}],\"additionalItems\":false}", "[1,2]",
	  "t.json: (document): must have at most 1 item" },
	{ "{\"multipleOf\":0.5}", "1.25", "t.json: (document): must be a multiple of 0.5" },
	{ "{\"exclusiveMaximum\":30}", "30", "t.json: (document): must be less than 30" },
	{ "{\"definitions\":{\"a~b/c%\":{\"type\":\"integer\"}},"
	  "\"$ref\":\"#/definitions/a~0b~1c%25\"}", "\"x\"",
	  "t.json: (document): must be an integer" },
	{ "false", "1", "t.json: (document): is not allowed" },
};

START_TEST(test_messages)
{
	char msg[1024];
	int err;

	err = validate_text(message_cases[_i].schema, message_cases[_i].doc, msg,
			    sizeof(msg));
	ck_assert_int_eq(err, XFA_EINVALID);
	ck_assert_str_eq(msg, message_cases[_i].msg);
}
END_TEST

/* ECMA-262 patterns as our schemas write them, and what they must match. */
static const struct { const char *pattern, *text; int match; } pattern_cases[] = {
	{ "^\\\\d{4}$", "2026", 1 }, { "^\\\\d{4}$", "20a6", 0 },
	{ "^\\\\w+$", "a_Z9", 1 }, { "^\\\\w+$", "a-b", 0 },
	{ "^[^\\\\s,]+$", "ops@archive", 1 }, { "^[^\\\\s,]+$", "a b", 0 },
	{ "^[^\\\\s,]+$", "a,b", 0 }, { "^\\\\S+$", "ab", 1 },
	{ "^[^/\\\\\\\\\\\\x00-\\\\x1f]+$", "a\\\\b", 0 },
	{ "^[^/\\\\\\\\\\\\x00-\\\\x1f]+$", "a\\tb", 0 },
	{ "^[^/\\\\\\\\\\\\x00-\\\\x1f]+$", "授权委托书.pdf", 1 },
	{ "^a.c$", "a\\nc", 0 }, { "^a.c$", "abc", 1 },
	{ "^a{2}$", "aa", 1 }, { "^a{,2}$", "a{,2}", 1 }, { "^x{$", "x{", 1 },
	{ "^(?:ab)+$", "abab", 1 }, { "^a+?$", "aaa", 1 },
	{ "^[\\\\w.-]+$", "a.b-c", 1 },
	{ "^[\\\\x00]*$", "", 1 }, { "^[\\\\x00]$", "a", 0 }, { "^[^\\\\x00]$", "\\n", 1 },
	{ "^[\\\\]a-]+$", "]-a", 1 }, { "^[a^]$", "^", 1 }, { "^\\\\^$", "^", 1 },
	{ "^\\\\$\\\\.\\\\*$", "$.*", 1 }, { "^\\\\u738b$", "王", 1 },
	{ "^ssh-ed25519 [A-Za-z0-9+/=]+( .*)?$", "ssh-ed25519 AAAA= me", 1 },
	{ "^SHA256:[A-Za-z0-9+/]{43}$",
	  "SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", 1 },
};

START_TEST(test_patterns)
{
	char schema[256], doc[128], msg[1024];
	int err;

	snprintf(schema, sizeof(schema), "{\"pattern\":\"%s\"}",
		 pattern_cases[_i].pattern);
	snprintf(doc, sizeof(doc), "\"%s\"", pattern_cases[_i].text);
	err = validate_text(schema, doc, msg, sizeof(msg));
	ck_assert_msg(err == (pattern_cases[_i].match ? 0 : XFA_EINVALID),
		      "pattern %s on %s: %d %s", pattern_cases[_i].pattern,
		      pattern_cases[_i].text, err, msg);
}
END_TEST

/* Schemas that are broken, or built to exhaust the validator. */
static const struct { const char *schema, *doc, *msg; int code; } fatal_cases[] = {
	{ "{\"$ref\":\"#/definitions/none\"}", "1",
	  "cannot resolve $ref '#/definitions/none'", XFA_ERROR },
	{ "{\"$ref\":\"nope.schema.json#/x\"}", "1",
	  "no such embedded schema", XFA_ERROR },
	{ "{\"$ref\":\"http://example.com/s.json\"}", "1",
	  "no such embedded schema", XFA_ERROR },
	{ "{\"pattern\":\"^(?=a)\"}", "\"a\"", "lookaround", XFA_ERROR },
	{ "{\"pattern\":\"(a\\\\1)\"}", "\"a\"", "unsupported escape", XFA_ERROR },
	/* patterns regcomp would blow up (fuzz_schema found the first) */
	{ "{\"pattern\":\"^[a-z]++++$\"}", "\"a\"", "nothing to repeat", XFA_ERROR },
	{ "{\"pattern\":\"^a*?+$\"}", "\"a\"", "nothing to repeat", XFA_ERROR },
	{ "{\"pattern\":\"^+a$\"}", "\"a\"", "nothing to repeat", XFA_ERROR },
	{ "{\"pattern\":\"^((a{100}){100}){100}$\"}", "\"a\"",
	  "too large once expanded", XFA_ERROR },
	{ "{\"type\":\"text\"}", "1", "names no JSON type", XFA_ERROR },
	{ "{\"minLength\":-1}", "\"a\"", "non-negative integer", XFA_ERROR },
	{ "{\"$ref\":\"#\"}", "1", "nested deeper than", XFA_EINVALID },
	{ "{\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},"
	  "\"b\":{\"$ref\":\"#/definitions/a\"}},\"$ref\":\"#/definitions/a\"}", "1",
	  "nested deeper than", XFA_EINVALID },
	{ "{\"items\":{\"$ref\":\"#\"}}", NULL, "nested deeper than", XFA_EINVALID },
};

START_TEST(test_fatal)
{
	char msg[1024], deep[200];
	int err;

	/* doc NULL: an array nested 99 deep */
	memset(deep, '[', 99);
	memset(deep + 99, ']', 99);
	deep[198] = '\0';
	err = validate_text(fatal_cases[_i].schema,
			    fatal_cases[_i].doc ? fatal_cases[_i].doc : deep, msg,
			    sizeof(msg));
	ck_assert_int_eq(err, fatal_cases[_i].code);
	ck_assert_msg(strstr(msg, fatal_cases[_i].msg) != NULL, "message: %s", msg);
}
END_TEST

/* 2^40 paths through nested anyOf: the step budget stops it quickly. */
START_TEST(test_exponential_schema)
{
	json_t *defs = json_object(), *schema, *doc = json_integer(1);
	char name[16], next[48];
	clock_t t0 = clock();
	int i, err;

	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		snprintf(next, sizeof(next), "#/definitions/d%d", i + 1);
		json_object_set_new(defs, name, json_pack("{s[{ss}{ss}]}", "anyOf",
			"$ref", next, "$ref", next));
	}
	json_object_set_new(defs, "d40", json_false());
	schema = json_pack("{soss}", "definitions", defs, "$ref", "#/definitions/d0");
	err = xfa_schema_validate(schema, doc, "t.json");
	ck_assert_int_ne(err, 0);
	ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0, "too slow");
	json_decref(schema);
	json_decref(doc);
}
END_TEST

static const struct { const char *text; int valid; } date_time_cases[] = {
	{ "2026-03-01T09:30:00+08:00", 1 }, { "2026-03-01t09:30:00.5z", 1 },
	{ "2024-02-29T00:00:00Z", 1 }, { "2026-02-29T00:00:00Z", 0 },
	{ "2026-03-01T24:00:00Z", 0 }, { "2026-03-01T09:30:00", 0 },
	{ "2026-03-01 09:30:00+08:00", 0 }, { "2026-03-01T09:30:00+0800", 0 },
	{ "2026-03-01T09:30:00.+08:00", 0 }, { "2016-12-31T23:59:60Z", 1 },
	{ "2016-12-31T23:59:60+01:00", 0 }, { "2017-01-01T07:59:60+08:00", 1 },
	{ "2026-13-01T00:00:00Z", 0 }, { "2026-03-01T09:30:00+08:00 ", 0 },
};

START_TEST(test_date_time)
{
	char doc[80], msg[1024];

	snprintf(doc, sizeof(doc), "\"%s\"", date_time_cases[_i].text);
	ck_assert_msg(validate_text("{\"format\":\"date-time\"}", doc, msg, sizeof(msg))
		      == (date_time_cases[_i].valid ? 0 : XFA_EINVALID),
		      "%s: %s", date_time_cases[_i].text, msg);
}
END_TEST

START_TEST(test_get_and_check)
{
	json_t *doc = parse("{}");

	ck_assert_ptr_null(xfa_embedded_find("no-such.schema.json"));
	ck_assert_ptr_null(xfa_schema_get("no-such.schema.json"));
	ck_assert_int_eq(xfa_error_code(), XFA_ENOTFOUND);
	ck_assert_int_eq(xfa_schema_check("no-such.schema.json", doc, "x"),
			 XFA_ENOTFOUND);
	ck_assert_ptr_nonnull(xfa_embedded_find("case.schema.json"));
	ck_assert_ptr_eq(xfa_schema_get("case.schema.json"),
			 xfa_schema_get("case.schema.json"));
	ck_assert_int_eq(xfa_schema_check("case-input.schema.json", doc, "in.json"),
			 XFA_EINVALID);
	ck_assert_str_eq(xfa_error_last(),
			 "in.json: channel: required property 'channel' missing");
	/* $refs resolve against the file they are written in, also when the
	 * schema is passed by pointer */
	ck_assert_int_eq(xfa_schema_validate(xfa_schema_get("case.schema.json"),
					     doc, "c.json"), XFA_EINVALID);
	json_decref(doc);
}
END_TEST

/* The shape check the tests make of every embedded schema. */
START_TEST(test_lint)
{
	static const struct { const char *schema, *msg; } bad[] = {
		{ "{\"propertys\":{}}", "unknown keyword 'propertys'" },
		{ "{\"properties\":{\"a\":{\"minLenght\":1}}}", "unknown keyword 'minLenght'" },
		{ "{\"required\":\"a\"}", "value of the wrong kind" },
		{ "{\"$ref\":\"#/definitions/none\"}", "cannot resolve $ref" },
		{ "{\"pattern\":\"^(?=a)\"}", "lookaround" },
		{ "[]", "must be an object or a boolean" },
	};
	json_t *s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = json_loads(bad[i].schema, JSON_DECODE_ANY, NULL);
		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(xfa_schema_lint(s, "t.schema.json"), XFA_ERROR);
		ck_assert_msg(strstr(xfa_error_last(), bad[i].msg) &&
			      strstr(xfa_error_last(), "t.schema.json"),
			      "%s: %s", bad[i].schema, xfa_error_last());
		json_decref(s);
	}
	s = json_loads("{\"type\":\"object\",\"x-label\":\"名称\","
		       "\"properties\":{\"a\":{\"pattern\":\"^[0-9]+$\"}}}", 0, NULL);
	ck_assert_int_eq(xfa_schema_lint(s, "t.schema.json"), 0);
	json_decref(s);
}
END_TEST

/* ---- (c) the embedded schemas and the fixtures -------------------------- */

static int is_schema_file(const char *name)
{
	size_t n = strlen(name);

	return n >= 12 && !strcmp(name + n - 12, ".schema.json");
}

START_TEST(test_embedded_schemas)
{
	const struct xfa_embedded *e;
	int n = 0;

	for (e = xfa_embedded_files; e->name; e++) {
		/* every file parses (strictly); every schema passes the check
		 * of keywords, patterns and $refs (not made at run time) */
		const json_t *s = xfa_schema_get(e->name);
		ck_assert_msg(s != NULL, "%s: %s", e->name, xfa_error_last());
		if (!is_schema_file(e->name))
			continue;
		ck_assert_msg(xfa_schema_lint(s, e->name) == 0, "%s", xfa_error_last());
		ck_assert_str_eq(json_string_value(json_object_get(s, "$schema")),
				 "http://json-schema.org/draft-07/schema#");
		ck_assert_msg(json_is_string(json_object_get(s, "title")) &&
			      json_is_string(json_object_get(s, "description")),
			      "%s: title and description", e->name);
		n++;
	}
	ck_assert_int_ge(n, 5);
}
END_TEST

/* Read and strictly parse a fixture, as `xfa case new` would. */
static json_t *load_fixture(const char *path)
{
	char *buf = NULL;
	size_t len;
	json_t *doc = NULL;

	ck_assert_msg(xfa_file_read(&buf, &len, path, 1 << 20) == 0, "%s: %s",
		      path, xfa_error_last());
	ck_assert_msg(xfa_json_parse(&doc, buf, len, path) == 0, "%s", xfa_error_last());
	free(buf);
	return doc;
}

/* Names of the *.json files in `dir`, sorted; NULL-terminated, caller frees. */
static char **list_json(const char *dir, int *count)
{
	struct dirent **ents = NULL;
	char **out;
	int i, n, k = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_msg(n >= 0, "cannot read %s", dir);
	out = calloc((size_t)n + 1, sizeof(*out));
	for (i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);
		if (len > 5 && !strcmp(ents[i]->d_name + len - 5, ".json"))
			out[k++] = strdup(ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	*count = k;
	return out;
}

static void free_list(char **list)
{
	char **p;

	for (p = list; *p; p++)
		free(*p);
	free(list);
}

START_TEST(test_case_fixtures)
{
	char **names, path[512];
	int i, n;

	names = list_json(FIXTURES "/cases", &n);
	ck_assert_int_eq(n, 12);
	for (i = 0; i < n; i++) {
		json_t *doc, *stored;
		snprintf(path, sizeof(path), FIXTURES "/cases/%s", names[i]);
		doc = load_fixture(path);
		ck_assert_msg(xfa_schema_check("case-input.schema.json", doc, path) == 0,
			      "%s", xfa_error_last());
		/* the stored document: what xfa adds at registration */
		stored = json_deep_copy(doc);
		json_object_set_new(stored, "id", json_sprintf("XF-2026-%06d", i + 1));
		json_object_set_new(stored, "workflow", json_string("xinfang-2022"));
		json_object_set_new(stored, "status", json_string("registered"));
		if (!json_object_get(stored, "headcount"))
			json_object_set_new(stored, "headcount", json_integer(
				(json_int_t)json_array_size(json_object_get(doc, "petitioners"))));
		json_object_set_new(stored, "milestones", json_pack("{ss}", "registered",
			json_string_value(json_object_get(doc, "received_at"))));
		json_object_set_new(stored, "due", json_pack("{ss}", "accept", "2026-10-01"));
		ck_assert_msg(xfa_schema_check("case.schema.json", stored, path) == 0,
			      "%s", xfa_error_last());
		json_decref(stored);
		json_decref(doc);
	}
	free_list(names);
}
END_TEST

/* Each invalid case input and the path its one violation must be named at. */
static const struct { const char *file, *path; } invalid_cases[] = {
	{ "anonymous-not-bool.json", "anonymous" },
	{ "bad-category.json", "category" },
	{ "bad-channel.json", "channel" },
	{ "bad-date.json", "received_at" },
	{ "bad-kind.json", "kind" },
	{ "bad-repeat-of.json", "repeat_of" },
	{ "bad-skip-level.json", "skip_level" },
	{ "co-units-duplicate.json", "co_units" },
	{ "date-without-offset.json", "received_at" },
	{ "decision-empty.json", "decision" },
	{ "extension-too-long.json", "extension_days" },
	{ "headcount-string.json", "headcount" },
	{ "headcount-zero.json", "headcount" },
	{ "missing-petitioners.json", "petitioners" },
	{ "missing-summary.json", "summary" },
	{ "petitioner-name-too-long.json", "petitioners[0].name" },
	{ "petitioner-no-name.json", "petitioners[0].name" },
	{ "petitioner-unknown-field.json", "petitioners[0].gender" },
	{ "petitioners-empty.json", "petitioners" },
	{ "proxy-bad-scope.json", "proxy.scope[0]" },
	{ "proxy-bad-until.json", "proxy.term.until" },
	{ "proxy-form-dotdot.json", "proxy.form" },
	{ "proxy-form-path.json", "proxy.form" },
	{ "proxy-without-term.json", "proxy.term" },
	{ "sets-id.json", "id" },
	{ "summary-empty.json", "summary" },
	{ "summary-too-long.json", "summary" },
	{ "unknown-property.json", "urgent" },
};

START_TEST(test_invalid_fixtures)
{
	size_t ncases = sizeof(invalid_cases) / sizeof(invalid_cases[0]), k;
	char **names, path[512], want[600];
	int i, n;

	names = list_json(FIXTURES "/invalid", &n);
	ck_assert_int_ge(n, 15);
	for (i = 0; i < n; i++) {
		json_t *doc;
		for (k = 0; k < ncases; k++)
			if (!strcmp(invalid_cases[k].file, names[i]))
				break;
		ck_assert_msg(k < ncases, "%s: no expected path in invalid_cases",
			      names[i]);
		snprintf(path, sizeof(path), FIXTURES "/invalid/%s", names[i]);
		doc = load_fixture(path);
		ck_assert_int_eq(xfa_schema_check("case-input.schema.json", doc, path),
				 XFA_EINVALID);
		snprintf(want, sizeof(want), "%s: %s: ", path, invalid_cases[k].path);
		ck_assert_msg(!strncmp(xfa_error_last(), want, strlen(want)),
			      "expected \"%s...\", got \"%s\"", want, xfa_error_last());
		json_decref(doc);
	}
	ck_assert_int_eq(n, (int)ncases);
	free_list(names);
}
END_TEST

/* Sample event, key and archive documents, valid and not. */
#define FPR "SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
#define EVENT "{\"case\":\"XF-2026-000123\",\"seq\":2,\"prev\":\"" \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"," \
	"\"type\":\"move\",\"from\":\"registered\",\"to\":\"accepted\"," \
	"\"at\":\"2026-03-02T10:00:00+08:00\",\"effective\":\"2026-03-02T09:00:00+08:00\"," \
	"\"by\":\"" FPR "\",\"role\":\"clerk\",\"note\":\"受理\",\"patch\":{\"status\":\"accepted\"}"
#define KEY "{\"fingerprint\":\"" FPR "\",\"public_key\":\"ssh-ed25519 AAAAC3Nz= 张某\"," \
	"\"name\":\"张某\",\"email\":\"zhang@example.org\",\"principal\":\"zhang@xfj\"," \
	"\"roles\":[\"clerk\",\"handler\"],\"valid_from\":\"2026-01-01T00:00:00+08:00\""
#define ARCHIVE "{\"format\":1,\"name\":\"某县信访局\",\"fonds\":\"J001\",\"prefix\":\"XF\"," \
	"\"utc_offset\":\"+08:00\",\"root\":\"" FPR "\",\"workflow\":\"workflow/xinfang-2022.json\"," \
	"\"calendar\":\"calendar/cn-2026.json\",\"retention\":[{\"when\":{\"collective\":true," \
	"\"category\":[\"land-acquisition\",\"litigation\"]},\"retention\":\"Y\"}]," \
	"\"retention_default\":\"D30\",\"keys\":{\"" FPR "\":" KEY "}}"

static const struct { const char *schema, *doc, *path; } sample_docs[] = {
	{ "event.schema.json", EVENT "}", NULL },
	{ "event.schema.json", EVENT ",\"attachments\":[{\"name\":\"答复意见书.pdf\","
	  "\"kind\":\"reply\",\"media_type\":\"application/pdf\",\"size\":1024,"
	  "\"sha256\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}]}",
	  NULL },
	{ "event.schema.json", "{\"case\":\"archive\",\"seq\":1,\"prev\":null,"
	  "\"type\":\"key-add\",\"from\":null,\"to\":null,\"at\":\"2026-01-01T00:00:00Z\","
	  "\"effective\":\"2026-01-01T00:00:00Z\",\"by\":\"" FPR "\",\"role\":\"admin\"}",
	  NULL },
	{ "event.schema.json", EVENT ",\"role\":\"mayor\"}", "role" },
	{ "event.schema.json", EVENT ",\"seq\":0}", "seq" },
	{ "event.schema.json", EVENT ",\"case\":\"XF-2026-12\"}", "case" },
	{ "event.schema.json", EVENT ",\"prev\":\"ABC\"}", "prev" },
	{ "event.schema.json", EVENT ",\"attachments\":[{\"name\":\"a/b\",\"kind\":\"reply\","
	  "\"size\":1,\"sha256\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}]}",
	  "attachments[0].name" },
	{ "key.schema.json", KEY "}", NULL },
	{ "key.schema.json", KEY ",\"principal\":\"a b\"}", "principal" },
	{ "key.schema.json", KEY ",\"roles\":[\"clerk\",\"clerk\"]}", "roles" },
	{ "key.schema.json", KEY ",\"public_key\":\"ssh-rsa AAAA\"}", "public_key" },
	{ "archive.schema.json", ARCHIVE "}", NULL },
	{ "archive.schema.json", ARCHIVE ",\"format\":2}", "format" },
	{ "archive.schema.json", ARCHIVE ",\"workflow\":\"../x.json\"}", "workflow" },
};

START_TEST(test_sample_docs)
{
	json_t *doc = parse(sample_docs[_i].doc);
	char want[300];
	int err;

	err = xfa_schema_check(sample_docs[_i].schema, doc, "d.json");
	if (!sample_docs[_i].path) {
		ck_assert_msg(err == 0, "%s", xfa_error_last());
	} else {
		ck_assert_int_eq(err, XFA_EINVALID);
		snprintf(want, sizeof(want), "d.json: %s: ", sample_docs[_i].path);
		ck_assert_msg(!strncmp(xfa_error_last(), want, strlen(want)),
			      "expected \"%s...\", got \"%s\"", want, xfa_error_last());
	}
	json_decref(doc);
}
END_TEST

/* The first use from several threads at once: one load, the same results. */
static void *check_in_thread(void *arg)
{
	json_t *doc = arg;
	intptr_t bad = 0;
	int i;

	for (i = 0; i < 200; i++)
		if (xfa_schema_check("case-input.schema.json", doc, "t") != 0)
			bad++;
	return (void *)bad;
}

START_TEST(test_threads)
{
	json_t *doc = load_fixture(FIXTURES "/cases/04-water.json");
	pthread_t th[4];
	void *bad;
	int i;

	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, check_in_thread, doc), 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(pthread_join(th[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
	json_decref(doc);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *schema_suite(void); /* found by the runner: see the Makefile */

Suite *schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("suite");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_official_suite);
	suite_add_tcase(s, tc);
	tc = tcase_create("validator");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_messages, 0, N(message_cases));
	tcase_add_loop_test(tc, test_patterns, 0, N(pattern_cases));
	tcase_add_loop_test(tc, test_fatal, 0, N(fatal_cases));
	tcase_add_loop_test(tc, test_date_time, 0, N(date_time_cases));
	tcase_add_test(tc, test_exponential_schema);
	tcase_add_test(tc, test_get_and_check);
	suite_add_tcase(s, tc);
	tc = tcase_create("schemas");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_lint);
	tcase_add_test(tc, test_embedded_schemas);
	tcase_add_test(tc, test_case_fixtures);
	tcase_add_test(tc, test_invalid_fixtures);
	tcase_add_loop_test(tc, test_sample_docs, 0, N(sample_docs));
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

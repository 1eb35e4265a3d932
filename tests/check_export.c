/* check_export.c - xfa_export_run and xfa_export_verify on a temporary
 * archive: a package and its archived events, 档号 numbering without gaps
 * across exports, re-export, refusals that write nothing, and the offline
 * check of a good and of a damaged package. */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "case.h"
#include "check_fixture.h"
#include "error.h"
#include "export.h"
#include "json.h"

static fx_archive fx;
static xfa_key *arch;

static void setup(void)
{
	fx_archive_setup(&fx, NULL, 1);
	ck_assert_int_eq(xfa_key_generate(&arch), 0);
	ck_assert_int_eq(xfa_admin_key_add(fx.a, fx.admin, xfa_key_public(arch), "档案员",
					   "archivist@bureau.example", "archivist"), 0);
}

static void teardown(void)
{
	xfa_key_free(arch);
	arch = NULL;
	fx_archive_teardown(&fx);
}

/* A new case moved to rejected (archivable); its id in `id`. */
static void rejected_case(char id[XFA_CASE_ID_MAX + 1])
{
	json_t *in = fx_case_input();
	json_t *patch = json_pack("{s:{s:s, s:s}}", "decision", "reason", "不属于信访事项",
				  "channel", "litigation");
	xfa_case_opts o;
	char *cid = NULL, *code = NULL;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(xfa_case_register(&cid, &code, fx.a, fx.clerk, in, &o), 0);
	o.patch = patch;
	ck_assert_msg(xfa_case_move(NULL, fx.a, fx.clerk, cid, "rejected", &o) == 0,
		      "%s", xfa_error_last());
	snprintf(id, XFA_CASE_ID_MAX + 1, "%s", cid);
	free(cid);
	free(code);
	json_decref(in);
	json_decref(patch);
}

static int run(json_t **res, const char *out, const char *const *ids, size_t n,
	       int closed, int force)
{
	xfa_export_opts o;

	memset(&o, 0, sizeof(o));
	o.out = out;
	o.ids = ids;
	o.nids = n;
	o.closed = closed;
	o.force = force;
	o.threads = 1;
	return xfa_export_run(res, fx.a, arch, &o);
}

static const char *ref_of(const json_t *res, size_t i)
{
	return xfa_json_str(json_array_get(json_object_get(res, "cases"), i), "reference");
}

START_TEST(test_export_numbers_and_events)
{
	char c1[41], c2[41], c3[41], p1[128], p2[128], p3[128];
	const char *ids[1];
	json_t *r1 = NULL, *r2 = NULL, *r3 = NULL, *doc = NULL, *rep = NULL;

	rejected_case(c1);
	rejected_case(c2);
	snprintf(p1, sizeof(p1), "%s/one.tar", fx.dir);
	snprintf(p2, sizeof(p2), "%s/two.zip", fx.dir);
	snprintf(p3, sizeof(p3), "%s/three.tar", fx.dir);
	ck_assert_msg(run(&r1, p1, NULL, 0, 1, 0) == 0, "%s", xfa_error_last());
	ck_assert_uint_eq(json_array_size(json_object_get(r1, "cases")), 2);
	ck_assert_str_eq(ref_of(r1, 0), "J001-XF·2026-D30-0001");
	ck_assert_str_eq(ref_of(r1, 1), "J001-XF·2026-D30-0002");
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, c1), 0);
	ck_assert_str_eq(xfa_json_str(doc, "status"), "archived");
	ck_assert_str_eq(xfa_json_str(json_array_get(json_object_get(doc, "archive"), 0),
				      "package_sha256"), xfa_json_str(r1, "sha256"));
	json_decref(doc);

	/* the next case continues the numbers: the archive remembers them */
	rejected_case(c3);
	ids[0] = c3;
	ck_assert_int_eq(run(&r2, p2, ids, 1, 0, 0), 0);
	ck_assert_str_eq(ref_of(r2, 0), "J001-XF·2026-D30-0003");
	/* a re-export keeps the 档号 and adds a second archived event */
	ids[0] = c1;
	ck_assert_int_eq(run(&r3, p3, ids, 1, 0, 0), 0);
	ck_assert_str_eq(ref_of(r3, 0), "J001-XF·2026-D30-0001");
	ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(r3, "cases"), 0),
					       "reexport")));
	ck_assert_int_eq(xfa_case_load(&doc, fx.a, c1), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "archive")), 2);
	json_decref(doc);

	ck_assert_int_eq(xfa_export_verify(&rep, p2, NULL, NULL), 0);
	ck_assert(json_is_true(json_object_get(rep, "ok")));
	ck_assert_int_eq(xfa_json_int(rep, "cases", 0), 1);
	json_decref(rep);
	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
}
END_TEST

START_TEST(test_refusals_write_nothing)
{
	char c1[41], open_id[41] = "", p[128], before[41], after[41];
	const char *ids[2];
	json_t *in = fx_case_input(), *res = NULL;
	xfa_case_opts o;
	char *cid = NULL, *code = NULL;

	rejected_case(c1);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(xfa_case_register(&cid, &code, fx.a, fx.clerk, in, &o), 0);
	snprintf(open_id, sizeof(open_id), "%s", cid);
	snprintf(p, sizeof(p), "%s/x.tar", fx.dir);
	fx_head(before, fx.a);

	ids[0] = c1;
	ids[1] = open_id;
	ck_assert_int_eq(run(&res, p, ids, 2, 0, 0), XFA_EINVALID);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), open_id));
	ids[0] = "XF-2026-000999";
	ck_assert_int_eq(run(&res, p, ids, 1, 0, 0), XFA_ENOTFOUND);
	ids[0] = c1;
	ck_assert_int_eq(run(&res, "x.tgz", ids, 1, 0, 0), XFA_EINVALID);
	{       /* a key without the archivist role */
		xfa_export_opts eo;
		memset(&eo, 0, sizeof(eo));
		eo.out = p;
		eo.ids = ids;
		eo.nids = 1;
		ck_assert_int_eq(xfa_export_run(&res, fx.a, fx.clerk, &eo), XFA_EAUTH);
	}
	fx_head(after, fx.a);
	ck_assert_str_eq(before, after);
	ck_assert_int_ne(access(p, F_OK), 0);

	/* --force exports an open case without a 档号 or an event for it */
	ids[0] = open_id;
	ck_assert_int_eq(run(&res, p, ids, 1, 0, 1), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(res, "forced")), 1);
	fx_head(after, fx.a);
	ck_assert_str_eq(before, after);
	json_decref(res);
	res = NULL;
	/* an existing package is never overwritten */
	ids[0] = c1;
	ck_assert_int_eq(run(&res, p, ids, 1, 0, 0), XFA_EEXISTS);
	free(cid);
	free(code);
	json_decref(in);
}
END_TEST

START_TEST(test_verify_damaged_package)
{
	char c1[41], p[128], q[128], cmd[512];
	json_t *res = NULL, *rep = NULL;
	FILE *f;
	long size;
	unsigned char *buf;

	rejected_case(c1);
	snprintf(p, sizeof(p), "%s/good.tar", fx.dir);
	snprintf(q, sizeof(q), "%s/bad.tar", fx.dir);
	ck_assert_int_eq(run(&res, p, NULL, 0, 1, 0), 0);
	/* flip one byte inside the first event's JSON: find it in the tar */
	f = fopen(p, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	ck_assert_int_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	{
		unsigned char *hit = memmem(buf, (size_t)size, "\"type\": \"register\"", 18);
		ck_assert_ptr_nonnull(hit);
		hit[10] = 'R';
	}
	fx_spit(q, buf, (size_t)size);
	free(buf);
	ck_assert_int_eq(xfa_export_verify(&rep, q, NULL, NULL), 0);
	ck_assert(json_is_false(json_object_get(rep, "ok")));
	{
		char *js = json_dumps(json_object_get(rep, "findings"), 0);
		snprintf(cmd, sizeof(cmd), "%s", js ? js : "");
		free(js);
	}
	ck_assert_msg(strstr(cmd, "events/000001.json"), "%s", cmd);
	json_decref(rep);
	json_decref(res);
}
END_TEST

struct collect {
	unsigned char *p;
	size_t len, pieces;
};

static int collect(const void *data, size_t len, void *payload)
{
	struct collect *c = payload;

	ck_assert_uint_le(len, 1 << 20);
	memcpy(c->p + c->len, data, len);
	c->len += len;
	c->pieces++;
	return 0;
}

START_TEST(test_blob_stream)
{
	size_t n = (3 << 20) + 12345, i;
	unsigned char *data = malloc(n);
	struct collect c = { malloc(n), 0, 0 };
	xfa_oid id;

	for (i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	ck_assert_int_eq(xfa_store_put_blob(&id, xfa_archive_store(fx.a), data, n), 0);
	ck_assert_int_eq(xfa_store_blob_stream(xfa_archive_store(fx.a), &id, collect, &c), 0);
	ck_assert_uint_eq(c.len, n);
	ck_assert_uint_ge(c.pieces, 4);
	ck_assert_mem_eq(c.p, data, n);
	free(data);
	free(c.p);
}
END_TEST

START_TEST(test_reference_rules)
{
	json_t *conf = json_pack("{s:s, s:s, s:s, s:[{s:{s:b}, s:s}, {s:{s:[s,s]}, s:s}],"
				 " s:s}", "fonds", "J001", "class_code", "XF", "unit_code", "BGS",
				 "retention", "when", "collective", 1, "retention", "Y",
				 "when", "level", "county", "city", "retention", "D10",
				 "retention_default", "D30");
	json_t *group = json_pack("{s:b, s:s}", "collective", 1, "level", "county");
	json_t *county = json_pack("{s:s}", "level", "city");
	json_t *plain = json_pack("{s:s}", "level", "township");
	json_t *used = json_object();
	json_t *filed = json_pack("{s:[{s:s}, {s:s}]}", "archive",
				  "reference", "J001-XF·2026-D30-BGS-0007",
				  "reference", "J001-XF·2026-D30-BGS-0003");
	char ref[128];

	ck_assert_str_eq(xfa_export_retention(conf, group), "Y");     /* first match */
	ck_assert_str_eq(xfa_export_retention(conf, county), "D10");
	ck_assert_str_eq(xfa_export_retention(conf, plain), "D30");
	json_object_del(conf, "retention_default");
	json_object_del(conf, "retention");
	ck_assert_str_eq(xfa_export_retention(conf, group), "D30");
	xfa_export_note_refs(used, filed);
	ck_assert_str_eq(xfa_export_last_ref(filed), "J001-XF·2026-D30-BGS-0003");
	ck_assert_int_eq(xfa_export_next_ref(ref, sizeof(ref), conf, "XF-2026-000042",
					     "D30", used), 0);
	ck_assert_str_eq(ref, "J001-XF·2026-D30-BGS-0008");
	ck_assert_int_eq(xfa_export_next_ref(ref, sizeof(ref), conf, "XF-2025-000001",
					     "Y", used), 0);
	ck_assert_str_eq(ref, "J001-XF·2025-Y-BGS-0001");
	json_object_set_new(used, "J001-XF·2025-Y-BGS", json_integer(9999));
	ck_assert_int_eq(xfa_export_next_ref(ref, sizeof(ref), conf, "XF-2025-000002",
					     "Y", used), XFA_EINVALID);
	json_decref(conf);
	json_decref(group);
	json_decref(county);
	json_decref(plain);
	json_decref(used);
	json_decref(filed);
}
END_TEST

Suite *export_suite(void); /* found by the runner: see the Makefile */
Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("export");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_export_numbers_and_events);
	tcase_add_test(tc, test_refusals_write_nothing);
	tcase_add_test(tc, test_verify_damaged_package);
	tcase_add_test(tc, test_blob_stream);
	tcase_add_test(tc, test_reference_rules);
	suite_add_tcase(s, tc);
	return s;
}

/* check_fixture.c - shared fixtures for the Check suites (see the header). */
#define _XOPEN_SOURCE 700
#include "check_fixture.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "case.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "store.h"

void fx_tmpdir(char out[64], const char *tmpl)
{
	snprintf(out, 64, "%s", tmpl);
	ck_assert_ptr_nonnull(mkdtemp(out));
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

void fx_rmrf(const char *path)
{
	if (path && *path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fx_spit(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot create %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

void fx_archive_setup(fx_archive *f, const char *office, int with_clerk)
{
	xfa_init_opts o;
	int err;

	memset(f, 0, sizeof(*f));
	xfa_store_set_fsync(0);
	fx_tmpdir(f->dir, "/tmp/xfa-check-fx-XXXXXX");
	snprintf(f->path, sizeof(f->path), "%s/a.xfa", f->dir);
	ck_assert_int_eq(xfa_key_generate(&f->admin), 0);
	ck_assert_int_eq(xfa_key_generate(&f->clerk), 0);
	xfa_pubkey_fingerprint(f->admin_fpr, xfa_key_public(f->admin));
	xfa_pubkey_fingerprint(f->clerk_fpr, xfa_key_public(f->clerk));
	memset(&o, 0, sizeof(o));
	o.name = "测试县信访局";
	o.fonds = "J001";
	o.office = office;
	o.admin_name = "管理员";
	o.admin_email = "admin@bureau.example";
	err = xfa_archive_create(&f->a, f->path, &o, f->admin);
	ck_assert_msg(err == 0, "create: %s", xfa_error_last());
	if (with_clerk) {
		err = xfa_admin_key_add(f->a, f->admin, xfa_key_public(f->clerk),
					"登记员", "clerk@bureau.example", "clerk");
		ck_assert_msg(err == 0, "key add: %s", xfa_error_last());
	}
}

void fx_archive_teardown(fx_archive *f)
{
	xfa_archive_free(f->a);
	xfa_key_free(f->admin);
	xfa_key_free(f->clerk);
	fx_rmrf(f->dir);
	memset(f, 0, sizeof(*f));
}

json_t *fx_read_json(const char *path)
{
	char *buf = NULL;
	size_t len;
	json_t *v = NULL;

	ck_assert_msg(xfa_file_read(&buf, &len, path, 1 << 20) == 0, "%s: %s",
		      path, xfa_error_last());
	ck_assert_msg(xfa_json_parse(&v, buf, len, path) == 0, "%s",
		      xfa_error_last());
	free(buf);
	return v;
}

json_t *fx_case_input(void)
{
	return fx_read_json("tests/fixtures/cases/02-civil-affairs.json");
}

void fx_register(fx_archive *f, int n, char *ids, size_t size)
{
	json_t *in = fx_case_input();
	xfa_case_opts o;
	int i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < n; i++) {
		char *id = NULL, *code = NULL;
		ck_assert_msg(xfa_case_register(&id, &code, f->a, f->clerk, in, &o) == 0,
			      "register: %s", xfa_error_last());
		if (ids)
			snprintf(ids + (size_t)i * size, size, "%s", id);
		free(id);
		free(code);
	}
	json_decref(in);
}

void fx_head(char out[41], xfa_archive *a)
{
	xfa_oid h;

	ck_assert_int_eq(xfa_store_head(&h, xfa_archive_store(a)), 0);
	xfa_oid_fmt(out, &h);
}

/* check_keyring.c - tests for keyring.c: key records, roles at a time,
 * the rules for keyring events, and git's allowed-signers lines (checked
 * with ssh-keygen -Y verify at chosen times). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "error.h"
#include "json.h"
#include "key.h"
#include "keyring.h"
#include "sshsig.h"

#define T0 "2026-01-01T00:00:00+08:00"
#define T1 "2026-03-01T09:00:00+08:00"
#define T2 "2026-06-01T00:00:00+08:00"

static xfa_key *admin, *clerk;
static char afpr[XFA_FPR_SIZE], cfpr[XFA_FPR_SIZE];
static json_t *doc;

static int64_t t_of(const char *s)
{
	xfa_stamp st;

	ck_assert_int_eq(xfa_stamp_parse(&st, s), 0);
	return st.t;
}

/* The archive document after init at T0 and adding the clerk at T1. */
static void setup(void)
{
	json_t *rec;

	ck_assert_int_eq(xfa_key_generate(&admin), 0);
	ck_assert_int_eq(xfa_key_generate(&clerk), 0);
	xfa_pubkey_fingerprint(afpr, xfa_key_public(admin));
	xfa_pubkey_fingerprint(cfpr, xfa_key_public(clerk));
	doc = json_pack("{s:s, s:{}}", "root", afpr, "keys");
	rec = xfa_keyring_record(xfa_key_public(admin), "管理员", "admin@bureau.example",
				 "admin", T0, afpr);
	ck_assert_ptr_nonnull(rec);
	json_object_set_new(json_object_get(doc, "keys"), afpr, rec);
	rec = xfa_keyring_record(xfa_key_public(clerk), "登记员", "clerk@bureau.example",
				 "clerk,handler", T1, afpr);
	ck_assert_ptr_nonnull(rec);
	json_object_set_new(json_object_get(doc, "keys"), cfpr, rec);
}

static void teardown(void)
{
	json_decref(doc);
	xfa_key_free(admin);
	xfa_key_free(clerk);
}

START_TEST(roles)
{
	ck_assert(xfa_role_valid("clerk"));
	ck_assert(xfa_role_valid("auditor"));
	ck_assert(!xfa_role_valid("Clerk"));
	ck_assert(!xfa_role_valid("root"));
	ck_assert(!xfa_role_valid(NULL));
	ck_assert_str_eq(xfa_roles[0], "admin");
}
END_TEST

START_TEST(records)
{
	json_t *r = xfa_keyring_record(xfa_key_public(clerk), "王 某", NULL,
				       "clerk,handler,clerk", T1, afpr);
	const char *p;

	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(xfa_json_str(r, "fingerprint"), cfpr);
	ck_assert(!strncmp(xfa_json_str(r, "public_key"), "ssh-ed25519 AAAA", 16));
	ck_assert_uint_eq(json_array_size(json_object_get(r, "roles")), 2);  /* deduplicated */
	ck_assert_str_eq(xfa_json_str(r, "valid_from"), T1);
	ck_assert_str_eq(xfa_json_str(r, "added_by"), afpr);
	ck_assert_ptr_null(json_object_get(r, "email"));
	p = xfa_keyring_principal(r);
	ck_assert_msg(p && !strncmp(p, "key-", 4) && strstr(p, "@xfa"), "%s", p);
	json_decref(r);
	ck_assert_str_eq(xfa_keyring_principal(xfa_keyring_find(doc, cfpr)), "clerk@bureau.example");
	ck_assert_ptr_null(xfa_keyring_find(doc, "SHA256:nope"));

	ck_assert_ptr_null(xfa_keyring_record(xfa_key_public(clerk), "x", NULL, "clerk,root", T1, afpr));
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "unknown role 'root'"));
	ck_assert_ptr_null(xfa_keyring_record(xfa_key_public(clerk), "x", NULL, "", T1, afpr));
	ck_assert(strstr(xfa_error_last(), "at least one role"));
	ck_assert_ptr_null(xfa_keyring_record(xfa_key_public(clerk), "x", NULL, ",,", T1, afpr));
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
	ck_assert_ptr_null(xfa_keyring_record(xfa_key_public(clerk), "a\nb", NULL, "clerk", T1, afpr));
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
	ck_assert_ptr_null(xfa_keyring_record(xfa_key_public(clerk), "", NULL, "clerk", T1, afpr));
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
	ck_assert_ptr_null(xfa_keyring_record(xfa_key_public(clerk), "x", "a b@c", "clerk", T1, afpr));
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
	ck_assert_ptr_null(xfa_keyring_record(xfa_key_public(clerk), "x", "a<b>@c", "clerk", T1, afpr));
	ck_assert_int_eq(xfa_error_code(), XFA_EINVALID);
}
END_TEST

START_TEST(roles_at_a_time)
{
	const char *r[16];

	ck_assert_int_eq(xfa_keyring_roles(r, 16, doc, cfpr, t_of(T1)), 0);
	ck_assert(xfa_roles_has(r, "clerk"));
	ck_assert(xfa_roles_has(r, "handler"));
	ck_assert(!xfa_roles_has(r, "admin"));
	ck_assert_ptr_null(r[2]);
	/* room for one role and the NULL */
	ck_assert_int_eq(xfa_keyring_roles(r, 2, doc, cfpr, t_of(T1)), 0);
	ck_assert_str_eq(r[0], "clerk");
	ck_assert_ptr_null(r[1]);
	ck_assert_int_eq(xfa_keyring_roles(r, 16, doc, cfpr, t_of(T1) - 1), XFA_EAUTH);
	ck_assert(strstr(xfa_error_last(), "not valid before"));
	ck_assert_ptr_null(r[0]);
	ck_assert_int_eq(xfa_keyring_roles(r, 16, doc, "SHA256:unknown", t_of(T1)), XFA_EAUTH);
	ck_assert(strstr(xfa_error_last(), "not in the archive's keyring"));
	/* revoked at T2: valid just before, not at or after */
	json_object_set_new((json_t *)xfa_keyring_find(doc, cfpr), "revoked_at", json_string(T2));
	ck_assert_int_eq(xfa_keyring_roles(r, 16, doc, cfpr, t_of(T2) - 1), 0);
	ck_assert_int_eq(xfa_keyring_roles(r, 16, doc, cfpr, t_of(T2)), XFA_EAUTH);
	ck_assert(strstr(xfa_error_last(), "revoked"));
	ck_assert_int_eq(xfa_keyring_roles(r, 16, doc, cfpr, t_of(T2) + 86400), XFA_EAUTH);
	/* a malformed record */
	json_object_set_new((json_t *)xfa_keyring_find(doc, cfpr), "valid_from", json_string("soon"));
	ck_assert_int_lt(xfa_keyring_roles(r, 16, doc, cfpr, t_of(T1)), 0);
}
END_TEST

static json_t *event(const char *type, const char *by, const char *at, unsigned seq)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s}", "type", type, "by", by,
			 "at", at, "seq", (int)seq, "role", "admin");
}

START_TEST(init_event)
{
	json_t *after = json_pack("{s:s, s:{s:O}}", "root", afpr, "keys", afpr,
				  xfa_keyring_find(doc, afpr));
	json_t *ev = event("init", afpr, T0, 1);

	ck_assert_int_eq(xfa_keyring_check_event(NULL, ev, after), 0);
	ck_assert_int_eq(xfa_keyring_check_event(after, ev, after), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "initialised already"));
	json_object_set_new(ev, "seq", json_integer(2));
	ck_assert_int_eq(xfa_keyring_check_event(NULL, ev, after), XFA_EINVALID);
	json_object_set_new(ev, "seq", json_integer(1));
	json_object_set_new(ev, "by", json_string(cfpr));
	ck_assert_int_eq(xfa_keyring_check_event(NULL, ev, after), XFA_EAUTH);
	ck_assert(strstr(xfa_error_last(), "root key"));
	json_decref(ev);
	/* the first event must be init */
	ev = event("key-add", afpr, T1, 1);
	ck_assert_int_eq(xfa_keyring_check_event(NULL, ev, after), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "first event must be init"));
	json_decref(ev);
	/* init adding two keys */
	ev = event("init", afpr, T1, 1);
	ck_assert_int_eq(xfa_keyring_check_event(NULL, ev, doc), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "exactly the root key"));
	json_decref(ev);
	json_decref(after);
}
END_TEST

/* A key-add event at T2 by `by`, adding a fresh key with `roles`. */
static json_t *key_add(const char *by, const char *valid_from, char *fpr_out)
{
	xfa_key *k = NULL;
	json_t *ev, *rec;

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	xfa_pubkey_fingerprint(fpr_out, xfa_key_public(k));
	rec = xfa_keyring_record(xfa_key_public(k), "新人", NULL, "reviewer", valid_from, by);
	xfa_key_free(k);
	ev = event("key-add", by, T2, 5);
	json_object_set_new(ev, "patch", json_pack("{s:{s:o}}", "keys", fpr_out, rec));
	return ev;
}

START_TEST(key_add_rules)
{
	char fpr[XFA_FPR_SIZE];
	json_t *ev = key_add(afpr, T2, fpr), *after;

	after = xfa_json_merge_patch(json_deep_copy(doc), json_object_get(ev, "patch"));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, after), 0);
	/* signed by a key that is not an admin */
	json_object_set_new(ev, "by", json_string(cfpr));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, after), XFA_EAUTH);
	ck_assert(strstr(xfa_error_last(), "not an admin"));
	/* by a key not in the keyring */
	json_object_set_new(ev, "by", json_string("SHA256:stranger"));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, after), XFA_EAUTH);
	json_object_set_new(ev, "by", json_string(afpr));
	/* in another role */
	json_object_set_new(ev, "role", json_string("clerk"));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, after), XFA_EINVALID);
	json_object_set_new(ev, "role", json_string("admin"));
	json_decref(after);
	json_decref(ev);
	/* valid_from other than the event's time */
	ev = key_add(afpr, T1, fpr);
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "valid_from"));
	json_decref(ev);
	/* a key that is there already */
	ev = event("key-add", afpr, T2, 5);
	json_object_set_new(ev, "patch", json_pack("{s:{s:O}}", "keys", cfpr,
						   xfa_keyring_find(doc, cfpr)));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "already in the keyring"));
	json_decref(ev);
	/* two keys at once */
	ev = key_add(afpr, T2, fpr);
	json_object_set_new(json_object_get(json_object_get(ev, "patch"), "keys"), "SHA256:x",
			    json_object());
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "exactly one key"));
	json_decref(ev);
}
END_TEST

static json_t *revoke(const char *fpr, const char *at)
{
	json_t *ev = event("key-revoke", afpr, at, 6);

	json_object_set_new(ev, "patch", json_pack("{s:{s:{s:s}}}", "keys", fpr, "revoked_at", at));
	return ev;
}

START_TEST(key_revoke_rules)
{
	json_t *ev = revoke(cfpr, T2), *after;

	after = xfa_json_merge_patch(json_deep_copy(doc), json_object_get(ev, "patch"));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, after), 0);
	/* revoked twice */
	ck_assert_int_eq(xfa_keyring_check_event(after, ev, after), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "already revoked"));
	json_decref(after);
	json_decref(ev);
	/* unknown key */
	ev = revoke("SHA256:nobody", T2);
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_ENOTFOUND);
	ck_assert(strstr(xfa_error_last(), "SHA256:nobody"));
	json_decref(ev);
	/* the last admin */
	ev = revoke(afpr, T2);
	after = xfa_json_merge_patch(json_deep_copy(doc), json_object_get(ev, "patch"));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, after), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "at least one admin"));
	json_decref(after);
	json_decref(ev);
	/* revoked_at other than the event's time */
	ev = revoke(cfpr, T2);
	json_object_set_new(json_object_get(json_object_get(json_object_get(ev, "patch"), "keys"),
			    cfpr), "revoked_at", json_string(T1));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	json_decref(ev);
}
END_TEST

START_TEST(config_and_unknown_events)
{
	json_t *ev = event("config", afpr, T2, 7);

	json_object_set_new(ev, "patch", json_pack("{s:i}", "attachment_max", 1024));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), 0);
	json_object_set_new(ev, "patch", json_pack("{s:s}", "root", cfpr));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "'root'"));
	json_object_set_new(ev, "patch", json_pack("{s:{}}", "keys"));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	json_object_set_new(ev, "type", json_string("coup"));
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	ck_assert(strstr(xfa_error_last(), "'coup'"));
	json_object_del(ev, "type");
	ck_assert_int_eq(xfa_keyring_check_event(doc, ev, doc), XFA_EINVALID);
	json_decref(ev);
}
END_TEST

/* ssh-keygen -Y verify at `when` (YYYYMMDD) with `allowed`; 1 if it accepts. */
static int ssh_verifies(const char *dir, const char *principal, const char *when)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "ssh-keygen -Y verify -f %s/allowed -I %s -n git -s %s/msg.sig "
		 "-Overify-time=%s < %s/msg >/dev/null 2>&1",
		 dir, principal, dir, when, dir);
	return system(cmd) == 0;
}

START_TEST(allowed_signers)
{
	char *text, dir[64], path[128], *sig = NULL, *line;

	json_object_set_new((json_t *)xfa_keyring_find(doc, cfpr), "revoked_at", json_string(T2));
	text = xfa_keyring_allowed_signers(doc);
	ck_assert_ptr_nonnull(text);
	/* one line per key; times in UTC; the revoked key has valid-before */
	line = strstr(text, "clerk@bureau.example ");
	ck_assert_ptr_nonnull(line);
	ck_assert(line == text || line[-1] == '\n');
	ck_assert(strstr(line, "namespaces=\"git,xfa-event,xfa-export,xfa-checkpoint\"") == line + 21);
	ck_assert(strstr(line, "valid-after=\"20260301010000Z\""));
	ck_assert(strstr(line, "valid-before=\"20260531160000Z\""));
	line = strstr(text, "admin@bureau.example ");
	ck_assert_ptr_nonnull(line);
	ck_assert(strstr(line, "valid-after=\"20251231160000Z\""));
	{
		const char *end = strchr(line, '\n'), *vb = strstr(line, "valid-before");
		ck_assert(end && (!vb || vb > end));
	}
	ck_assert(text[strlen(text) - 1] == '\n');
	if (system("command -v ssh-keygen >/dev/null 2>&1") != 0) {
		free(text);
		return;
	}
	/* ssh-keygen honours the window */
	fx_tmpdir(dir, "/tmp/xfa-check-kr-XXXXXX");
	snprintf(path, sizeof(path), "%s/allowed", dir);
	fx_spit(path, text, strlen(text));
	snprintf(path, sizeof(path), "%s/msg", dir);
	fx_spit(path, "hello\n", 6);
	ck_assert_int_eq(xfa_sshsig_sign(&sig, clerk, "git", (const unsigned char *)"hello\n", 6), 0);
	snprintf(path, sizeof(path), "%s/msg.sig", dir);
	fx_spit(path, sig, strlen(sig));
	ck_assert(ssh_verifies(dir, "clerk@bureau.example", "20260401"));
	ck_assert(!ssh_verifies(dir, "clerk@bureau.example", "20260201"));
	ck_assert(!ssh_verifies(dir, "clerk@bureau.example", "20260701"));
	ck_assert(!ssh_verifies(dir, "admin@bureau.example", "20260401"));
	fx_rmrf(dir);
	free(sig);
	free(text);
}
END_TEST

Suite *keyring_suite(void); /* found by the runner: see the Makefile */

Suite *keyring_suite(void)
{
	Suite *s = suite_create("keyring");
	TCase *tc = tcase_create("keyring");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, roles);
	tcase_add_test(tc, records);
	tcase_add_test(tc, roles_at_a_time);
	tcase_add_test(tc, init_event);
	tcase_add_test(tc, key_add_rules);
	tcase_add_test(tc, key_revoke_rules);
	tcase_add_test(tc, config_and_unknown_events);
	tcase_add_test(tc, allowed_signers);
	suite_add_tcase(s, tc);
	return s;
}

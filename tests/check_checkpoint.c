/* check_checkpoint.c - signed checkpoints: making one, reading it back, and
 * every way a note is refused (malformed, another archive, a forged count,
 * a key outside the keyring, a bad signature by a known key). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "check_fixture.h"
#include "error.h"
#include "json.h"

static fx_archive fx;
static const xfa_meta *meta;
static char *note;

static void setup(void)
{
	int err;

	fx_archive_setup(&fx, NULL, 1);
	ck_assert_int_eq(xfa_archive_meta(&meta, fx.a), 0);
	err = xfa_checkpoint_make(&note, xfa_archive_store(fx.a), meta->doc, fx.clerk);
	ck_assert_msg(err == 0, "make: %s", xfa_error_last());
}

static void teardown(void)
{
	free(note);
	note = NULL;
	fx_archive_teardown(&fx);
}

static int read_note(xfa_checkpoint *cp, const char *text)
{
	return xfa_checkpoint_read(cp, text, strlen(text), meta->doc);
}

/* `note` with the first `from` replaced by `to` (malloc'd). */
static char *replaced(const char *from, const char *to)
{
	const char *at = strstr(note, from);
	char *out;

	ck_assert_ptr_nonnull(at);
	out = malloc(strlen(note) + strlen(to) + 1);
	memcpy(out, note, (size_t)(at - note));
	strcpy(out + (at - note), to);
	strcat(out, at + strlen(from));
	return out;
}

START_TEST(test_make_and_read)
{
	xfa_checkpoint cp;
	char hex[XFA_OID_HEX], origin[640];
	xfa_oid head;
	size_t n;

	ck_assert_int_eq(read_note(&cp, note), 0);
	ck_assert_int_eq(xfa_store_head(&head, xfa_archive_store(fx.a)), 0);
	ck_assert(xfa_oid_equal(&cp.head, &head));
	ck_assert_int_eq(xfa_checkpoint_count(&n, xfa_archive_store(fx.a), &head), 0);
	ck_assert_uint_eq(n, 2);        /* init and the clerk's key */
	ck_assert_uint_eq(cp.count, 2);
	ck_assert_str_eq(cp.signer, fx.clerk_fpr);
	ck_assert_int_eq(xfa_checkpoint_origin(origin, sizeof(origin), meta->doc, NULL), 0);
	ck_assert_str_eq(cp.origin, origin);
	ck_assert_str_eq(origin, "xfa-checkpoint/J001/测试县信访局");
	/* the layout: four text lines, a blank line, one em-dash signature line */
	xfa_oid_fmt(hex, &head);
	ck_assert_ptr_nonnull(strstr(note, hex));
	ck_assert_ptr_nonnull(strstr(note, "\n\n\xe2\x80\x94 clerk@bureau.example "));
}
END_TEST

START_TEST(test_malformed)
{
	static const char *bad[] = {
		"",
		"no blank line\n",
		"xfa-checkpoint/J001/x\n2\n\n",
		"a\nb\nc\nd\ne\n\n\xe2\x80\x94 k AAAA\n",
	};
	xfa_checkpoint cp;
	char *t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ck_assert_int_eq(read_note(&cp, bad[i]), XFA_EINVALID);
	/* a count with a leading zero, a head that is not hex */
	t = replaced("\n2\n", "\n02\n");
	ck_assert_int_eq(read_note(&cp, t), XFA_EINVALID);
	free(t);
	t = replaced("\n2\n", "\n2\nzz\n");
	ck_assert_int_eq(read_note(&cp, t), XFA_EINVALID);
	free(t);
	/* a control character */
	t = replaced("xfa-checkpoint", "xfa\x01checkpoint");
	ck_assert_int_eq(read_note(&cp, t), XFA_EINVALID);
	free(t);
	/* another archive's checkpoint */
	t = replaced("/J001/", "/J002/");
	ck_assert_int_eq(read_note(&cp, t), XFA_EINVALID);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "not of this archive"));
	free(t);
}
END_TEST

START_TEST(test_forged)
{
	xfa_checkpoint cp;
	char *t = replaced("\n2\n", "\n3\n");

	/* the clerk's key is known and its signature fails */
	ck_assert_int_eq(read_note(&cp, t), XFA_EBADSIG);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "does not verify"));
	free(t);
}
END_TEST

START_TEST(test_unknown_key)
{
	xfa_checkpoint cp;
	xfa_key *k = NULL;
	char *other = NULL, *t;

	ck_assert_int_eq(xfa_key_generate(&k), 0);
	/* a key outside the keyring cannot make one */
	ck_assert_int_eq(xfa_checkpoint_make(&other, xfa_archive_store(fx.a),
					     meta->doc, k), XFA_EAUTH);
	ck_assert_ptr_null(other);
	xfa_key_free(k);
	/* a note whose only signature line names no key of the keyring */
	t = replaced("\xe2\x80\x94 clerk@bureau.example ", "\xe2\x80\x94 stranger@else.example ");
	ck_assert_int_eq(read_note(&cp, t), XFA_EBADSIG);
	ck_assert_ptr_nonnull(strstr(xfa_error_last(), "not signed by any key"));
	free(t);
}
END_TEST

START_TEST(test_bad_origin_name)
{
	char origin[16];
	json_t *doc = json_pack("{s:s, s:s}", "fonds", "J001", "name", "a\nb");

	ck_assert_int_eq(xfa_checkpoint_origin(origin, sizeof(origin), doc, NULL), XFA_EINVALID);
	json_object_set_new(doc, "name", json_string("a very long bureau name indeed"));
	ck_assert_int_eq(xfa_checkpoint_origin(origin, sizeof(origin), doc, NULL), XFA_EINVALID);
	json_object_del(doc, "fonds");
	ck_assert_int_eq(xfa_checkpoint_origin(origin, sizeof(origin), doc, NULL), XFA_EINVALID);
	json_decref(doc);
}
END_TEST

Suite *checkpoint_suite(void); /* found by the runner: see the Makefile */

Suite *checkpoint_suite(void)
{
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("notes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_make_and_read);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_forged);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_bad_origin_name);
	suite_add_tcase(s, tc);
	return s;
}

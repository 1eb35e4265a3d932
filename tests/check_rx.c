/* check_rx.c - tests for rx.c: anchored ECMA-262 patterns matched by code
 * points, the subset it refuses (left to regexec), and giving up. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"

/* `pattern` compiles and gives `want` (1, 0) for `s`. */
static void gives(const char *pattern, const char *s, int want)
{
	xfa_rx *rx = xfa_rx_compile(pattern);

	ck_assert_msg(rx != NULL, "%s: not compiled", pattern);
	ck_assert_msg(xfa_rx_match(rx, s, strlen(s)) == want, "%s on '%s': not %d",
		      pattern, s, want);
	xfa_rx_free(rx);
}

static void refused(const char *pattern)
{
	xfa_rx *rx = xfa_rx_compile(pattern);

	ck_assert_msg(rx == NULL, "%s: compiled", pattern);
}

START_TEST(schema_patterns)
{
	const char *id = "^[A-Z]{1,8}-[0-9]{4}-([A-Z0-9]{1,8}-)?[0-9]{6}$";
	const char *name = "^([^./\\\\\\x00-\\x1f\\x7f][^/\\\\\\x00-\\x1f\\x7f]*|"
		"[.][^./\\\\\\x00-\\x1f\\x7f][^/\\\\\\x00-\\x1f\\x7f]*|"
		"[.][.][^/\\\\\\x00-\\x1f\\x7f]+)$";
	const char *stamp = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:"
		"[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$";

	gives(id, "XF-2026-000123", 1);
	gives(id, "XF-2026-A01-000123", 1);
	gives(id, "XF-2026-00123", 0);
	gives(id, "XF-2026-000123 ", 0);
	gives(id, "xf-2026-000123", 0);
	gives("^[0-9a-f]{64}$", "0123456789abcdef0123456789abcdef"
	      "0123456789abcdef0123456789abcdef", 1);
	gives("^[0-9a-f]{64}$", "0123456789abcdef", 0);
	gives(name, "授权委托书.pdf", 1);
	gives(name, ".hidden", 1);
	gives(name, "..x", 1);
	gives(name, "..", 0);
	gives(name, ".", 0);
	gives(name, "a/b", 0);
	gives(name, "a\tb", 0);
	gives(stamp, "2026-03-01", 1);
	gives(stamp, "2026-03-01T08:00:00.5+08:00", 1);
	gives(stamp, "2026-03-01T08:00:00", 0);
	gives("^[a-z][a-z0-9_-]{0,39}$", "handling", 1);
	gives("^[a-z][a-z0-9_-]{0,39}$", "Handling", 0);
}
END_TEST

START_TEST(code_points_and_quantifiers)
{
	gives("^.{2}$", "中文", 1);          /* two code points, six bytes */
	gives("^.{2}$", "ab", 1);
	gives("^.$", "\n", 0);
	gives("^[^a-c]+$", "中d", 1);
	gives("^[a-c]$", "中", 0);
	gives("^\\u4e2d+$", "中中", 1);
	gives("^(a|ab)*c$", "abaabc", 1);
	gives("^(ab|a)(bc|c)$", "abc", 1);
	gives("^(a*)*b$", "aaaab", 1);
	gives("^(a*)*b$", "aaaa", 0);
	gives("^(a|)+$", "aa", 1);
	gives("^(?:x|y){2,3}z?$", "xyz", 1);
	gives("^(?:x|y){2,3}z?$", "xyxyz", 0);
	gives("^a{2,}$", "aaaa", 1);
	gives("^a{2,}$", "a", 0);
	gives("^a+?b$", "aab", 1);
	gives("^a{,2}$", "a{,2}", 1);       /* no bound: literal in ECMA-262 */
	gives("^\\d{3}-\\w+$", "123-a_Z", 1);
	gives("^\\w$", "中", 0);            /* \w is ASCII */
	gives("^\\D\\W$", "a/", 1);
	gives("^\\D\\W$", "1/", 0);
	gives("^\\D\\W$", "aa", 0);
	gives("^\\$$", "$", 1);
	gives("^a\\\\$", "a\\", 1);
	gives("^$", "", 1);
	gives("^$", "a", 0);
}
END_TEST

START_TEST(refuses_what_it_does_not_do)
{
	refused("abc");                       /* unanchored */
	refused("^abc");
	refused("abc$");
	refused("^a\\$");                     /* the '$' is escaped */
	refused("^x|y$");                     /* top-level alternative */
	refused("^(a|b$");
	refused("^a)$");
	refused("^[a$");
	refused("^a**$");
	refused("^a{2}{3}$");
	refused("^(?=a)b$");
	refused("^[^\\s,]+$");                /* \s: regexec's [:space:] */
	refused("^\\bx$");
	refused("^a{5,2}$");
	refused("^a{100000}$");
	refused("^[]$");
	refused("^*a$");
}
END_TEST

START_TEST(gives_up_rather_than_explode)
{
	char s[4000];
	xfa_rx *rx = xfa_rx_compile("^(a|a)*b$");
	int r;

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	ck_assert_ptr_nonnull(rx);
	r = xfa_rx_match(rx, s, strlen(s));
	ck_assert_int_eq(r, -1);
	xfa_rx_free(rx);
	rx = xfa_rx_compile("^(/[a-z]+)*$");
	ck_assert_ptr_nonnull(rx);
	for (r = 0; r + 2 < (int)sizeof(s); r += 2)
		memcpy(s + r, "/a", 2);
	s[r] = '\0';
	ck_assert_int_eq(xfa_rx_match(rx, s, strlen(s)), -1);   /* too deep */
	ck_assert_int_eq(xfa_rx_match(rx, "/ab/c", 5), 1);
	xfa_rx_free(rx);
}
END_TEST

Suite *rx_suite(void); /* found by the runner: see the Makefile */

Suite *rx_suite(void)
{
	Suite *s = suite_create("rx");
	TCase *tc = tcase_create("rx");

	tcase_add_test(tc, schema_patterns);
	tcase_add_test(tc, code_points_and_quantifiers);
	tcase_add_test(tc, refuses_what_it_does_not_do);
	tcase_add_test(tc, gives_up_rather_than_explode);
	suite_add_tcase(s, tc);
	return s;
}

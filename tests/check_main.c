/* check_main.c - runs every Check suite found in tests/check_*.c. */
#include <check.h>
#include <stdlib.h>

#include "xfa.h"

#define SUITE(name) Suite *name(void);
#include "suites.h"
#undef SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

	if (xfa_init() < 0)
		return 2;
#define SUITE(name) srunner_add_suite(sr, name());
#include "suites.h"
#undef SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

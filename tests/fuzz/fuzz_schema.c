/* fuzz_schema.c - the draft-07 validator on hostile schemas: the input is
 * one JSON object {"schema": S, "doc": D}; S is linted and validates D
 * (both arbitrary), and neither must crash, loop forever nor run out of stack, whatever
 * $refs, patterns or nesting S holds. */
#include "fuzz.h"
#include "json.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL;
	const json_t *s, *d;

	if (xfa_json_parse(&v, (const char *)data, size, "fuzz") < 0)
		return 0;
	s = json_object_get(v, "schema");
	d = json_object_get(v, "doc");
	if (s)
		xfa_schema_lint(s, "fuzz");
	if (s && d)
		xfa_schema_validate(s, d, "fuzz");
	json_decref(v);
	return 0;
}

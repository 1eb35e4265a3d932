/* fuzz_json.c - the strict JSON parser and canonical writer: whatever the
 * parser accepts must pass xfa_json_check, dump canonically, parse back to
 * an equal value whose dump is the same bytes, and merge-patch itself
 * without harm; the embedded case and event schemas validate it without
 * crashing. */
#include "fuzz.h"
#include "json.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL, *w = NULL, *m = NULL;
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	if (xfa_json_parse(&v, (const char *)data, size, "fuzz") < 0)
		return 0;
	if (xfa_json_check(v, "fuzz") < 0)
		abort();                  /* parse and check disagree */
	if (xfa_json_dump(&a, &alen, v) < 0)
		abort();
	if (xfa_json_parse(&w, a, alen, "dump") < 0)
		abort();                  /* canonical output must parse */
	if (!json_equal(v, w))
		abort();
	if (xfa_json_dump(&b, &blen, w) < 0 || blen != alen ||
	    memcmp(a, b, alen) != 0)
		abort();                  /* canonical form is a fixed point */
	xfa_schema_check("case.schema.json", v, "fuzz");
	xfa_schema_check("event.schema.json", v, "fuzz");
	m = xfa_json_merge_patch(json_deep_copy(v), w);
	json_decref(m);
	json_decref(v);
	json_decref(w);
	free(a);
	free(b);
	return 0;
}

/* fuzz_event.c - the event parser (strict JSON + event.schema.json): an
 * accepted event dumps canonically and parses again. */
#include "event.h"
#include "fuzz.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = NULL, *w = NULL;
	char *a = NULL;
	size_t alen;

	if (xfa_event_parse(&v, (const char *)data, size, "fuzz") < 0)
		return 0;
	if (xfa_json_dump(&a, &alen, v) < 0)
		abort();
	if (xfa_event_parse(&w, a, alen, "dump") < 0)
		abort();              /* an accepted event stays accepted */
	json_decref(v);
	json_decref(w);
	free(a);
	return 0;
}

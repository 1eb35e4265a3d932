/* import.h - bulk import: cases and their dated histories from JSON lines
 * (schemas/import-line.schema.json), every event signed by its actor's key
 * and checked exactly as a single write, published as one batch in one pack. */
#ifndef XFA_IMPORT_H
#define XFA_IMPORT_H

#include <jansson.h>

#include "archive.h"
#include "key.h"

/* Called now and then while importing (lines read, events written). */
typedef void (*xfa_import_progress_fn)(unsigned long lines,
				       unsigned long events, void *payload);

typedef struct xfa_import_opts {
	const xfa_key *const *keys;   /* the actors' unlocked keys, borrowed */
	size_t nkeys;
	int check_only;               /* run every check, write nothing */
	xfa_import_progress_fn progress;  /* may be NULL */
	void *payload;
	size_t max_problems;          /* stop collecting after this many (0: 100) */
} xfa_import_opts;

typedef struct xfa_import_result {
	json_t *cases;      /* [{"line", "id", "query_code", "events"}], owned */
	json_t *problems;   /* [{"line", "event"?, "message"}], owned */
	unsigned long lines, events;
	unsigned long refused;  /* problems found (lines refused), all counted */
	int first_code;     /* code of the first problem, 0 if none */
} xfa_import_result;

/*
 * Import the JSON-lines file at `path` into `a` as one batch: each
 * non-blank line registers a case (signed by the line's "by") and appends
 * its events in order (each signed by the event's "by").  New objects go to
 * memory and, if every line passed, into one pack; then refs/heads/main
 * moves once (compare-and-swap).  If any line fails, nothing is kept: no
 * pack is written and the head is unchanged; `out->problems` lists every
 * line that failed the static checks (JSON, schema, unknown key) and the
 * first that failed a workflow rule (later lines are then only checked
 * statically).  Returns 0, the code of the first problem (XFA_EINVALID,
 * XFA_EAUTH, XFA_ENOTFOUND...), XFA_ECONFLICT (another writer moved the
 * head: run again), or XFA_EIO.  Release `out` with
 * xfa_import_result_release whatever the result.
 */
int xfa_import_file(xfa_import_result *out, xfa_archive *a, const char *path,
		    const xfa_import_opts *o);

void xfa_import_result_release(xfa_import_result *r);

#endif

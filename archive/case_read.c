/* case_read.c - reading one case at a commit: its document, its events. */
#include "case.h"

#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "event.h"
#include "json.h"

int xfa_case_doc_at(json_t **out, xfa_store *st, const xfa_oid *commit,
		    const char *dir)
{
	char path[300], *buf = NULL;
	size_t len;
	int err;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/" XFA_CASE_DOC, dir);
	if ((err = xfa_store_read(&buf, &len, st, commit, path)) == 0)
		err = xfa_json_parse(out, buf, len, path);
	free(buf);
	return err;
}

int xfa_case_events(json_t **out, xfa_archive *a, const char *id)
{
	xfa_store *st = xfa_archive_store(a);
	char dir[200], path[300], *buf = NULL;
	json_t *arr = NULL, *ev;
	const xfa_meta *m;
	xfa_stream s;
	xfa_oid head;
	unsigned i;
	size_t len;
	int err;

	*out = NULL;
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_record_dir(dir, sizeof(dir), m, id)) < 0 ||
	    (err = xfa_store_head(&head, st)) < 0 ||
	    (err = xfa_stream_load(&s, st, &head, dir, XFA_CASE_DOC)) < 0)
		return err;
	if (!s.seq) {
		xfa_stream_release(&s);
		return xfa_error_set(XFA_ENOTFOUND, "no %s '%s'",
				     xfa_kind_of_id(m, id)->name, id);
	}
	arr = json_array();
	for (i = 1; i <= s.seq && !err; i++) {
		xfa_event_path(path, sizeof(path), dir, i, "json");
		if ((err = xfa_store_read(&buf, &len, st, &head, path)) == 0 &&
		    (err = xfa_event_parse(&ev, buf, len, path)) == 0)
			json_array_append_new(arr, ev);
		free(buf);
		buf = NULL;
	}
	xfa_stream_release(&s);
	if (err) {
		json_decref(arr);
		return err;
	}
	*out = arr;
	return 0;
}

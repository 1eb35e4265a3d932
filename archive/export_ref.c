/* export_ref.c - 档号 (DA/T 22): retention by the archive's rules, and item
 * numbers without gaps, derived from the 档号 the archive's `archived`
 * events recorded (no counter to keep). */
#define _GNU_SOURCE
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "json.h"

static const json_t *get_path(const json_t *doc, const char *path)
{
	char buf[128], *seg, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = strtok_r(buf, ".", &save); seg && doc;
	     seg = strtok_r(NULL, ".", &save))
		doc = json_object_get(doc, seg);
	return doc;
}

static int rule_matches(const json_t *when, const json_t *doc)
{
	const char *field;
	const json_t *want, *v;
	size_t i;

	json_object_foreach((json_t *)when, field, want) {
		const json_t *have = get_path(doc, field);
		int hit = 0;
		if (!have)
			return 0;
		if (json_is_array(want)) {
			json_array_foreach(want, i, v)
				hit |= json_equal((json_t *)v, (json_t *)have);
		} else {
			hit = json_equal((json_t *)want, (json_t *)have);
		}
		if (!hit)
			return 0;
	}
	return 1;
}

/* 保管期限 by the archive's rules, first match wins; default D30. */
const char *xfa_export_retention(const json_t *conf, const json_t *doc)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(conf, "retention"), i, r)
		if (rule_matches(json_object_get(r, "when"), doc))
			return xfa_json_str(r, "retention");
	return xfa_json_str(conf, "retention_default") ?
	       xfa_json_str(conf, "retention_default") : "D30";
}

void xfa_export_note_refs(json_t *used, const json_t *doc)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(doc, "archive"), i, r) {
		const char *ref = xfa_json_str(r, "reference"), *dash;
		char prefix[96];
		long long num;
		if (!ref || !(dash = strrchr(ref, '-')) ||
		    (size_t)(dash - ref) >= sizeof(prefix))
			continue;
		num = strtoll(dash + 1, NULL, 10);
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(dash - ref), ref);
		if (num > xfa_json_int(used, prefix, 0))
			json_object_set_new(used, prefix, json_integer(num));
	}
}

const char *xfa_export_last_ref(const json_t *doc)
{
	const json_t *arc = json_object_get(doc, "archive");
	size_t n = json_array_size(arc);

	return n ? xfa_json_str(json_array_get(arc, n - 1), "reference") : NULL;
}

int xfa_export_next_ref(char *out, size_t n, const json_t *conf, const char *id,
			const char *retention, json_t *used)
{
	const char *fonds = xfa_json_str(conf, "fonds");
	const char *cls = xfa_json_str(conf, "class_code");
	const char *unit = xfa_json_str(conf, "unit_code");
	const char *y = strchr(id, '-');
	char prefix[96];
	long long num;

	snprintf(prefix, sizeof(prefix), "%s-%s·%.4s-%s%s%s", fonds ? fonds : "0000",
		 cls ? cls : "XF", y ? y + 1 : "0000", retention,
		 unit ? "-" : "", unit ? unit : "");
	num = xfa_json_int(used, prefix, 0) + 1;
	if (num > 9999)
		return xfa_error_set(XFA_EINVALID, "档号 %s: item numbers past 9999",
				     prefix);
	if (json_object_set_new(used, prefix, json_integer(num)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((size_t)snprintf(out, n, "%s-%04lld", prefix, num) >= n)
		return xfa_error_set(XFA_EINVALID, "档号 %s-%04lld is too long", prefix, num);
	return 0;
}

struct used {
	json_t *used;
	xfa_store *st;
	const xfa_oid *head;
};

static int note_case(const char *id, const char *dir, void *payload)
{
	struct used *u = payload;
	json_t *doc;
	int err;

	(void)id;
	if ((err = xfa_case_doc_at(&doc, u->st, u->head, dir)) == 0)
		xfa_export_note_refs(u->used, doc);
	json_decref(doc);
	return err;
}

int xfa_export_used_refs(json_t *used, xfa_store *st, const xfa_oid *head)
{
	struct used u = { used, st, head };

	return xfa_case_each(st, head, note_case, &u);
}

/* workflow_vocab.c - the workflow's vocabularies as input: a value given as
 * its id or as one of its labels (Chinese or English) resolved to the id,
 * and the list of allowed values in the user's language, all from the
 * definition's data (states, steps, "vocabularies", "coded_fields"). */
#include "workflow_int.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"

/* Does `item` (an object with "id" and "label": {lang: text}) answer to `s`? */
static int item_is(const json_t *item, const char *s)
{
	const char *k;
	const json_t *v;

	if (!strcmp(xfa_json_str(item, "id") ? xfa_json_str(item, "id") : "", s))
		return 1;
	json_object_foreach((json_t *)json_object_get(item, "label"), k, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* The arrays of items vocabulary `vocab` is made of (NULL-terminated). */
static void vocab_arrays(const json_t **out, const xfa_workflow *wf, const char *vocab)
{
	out[0] = out[1] = out[2] = NULL;
	if (!strcmp(vocab, "state")) {
		out[0] = json_object_get(wf->def, "states");
	} else if (!strcmp(vocab, "event")) {
		out[0] = json_object_get(wf->def, "transitions");
		out[1] = json_object_get(wf->def, "events");
	} else {
		out[0] = wf_vocabulary(wf, vocab);
	}
}

int xfa_workflow_has_vocab(const xfa_workflow *wf, const char *vocab)
{
	const json_t *arr[3];

	vocab_arrays(arr, wf, vocab);
	return arr[0] != NULL;
}

const char *xfa_workflow_resolve(const xfa_workflow *wf, const char *vocab,
				 const char *s)
{
	const json_t *arr[3], *item;
	size_t i, a;

	if (!s)
		return NULL;
	vocab_arrays(arr, wf, vocab);
	/* an id wins over a label that happens to spell another id */
	for (a = 0; arr[a]; a++)
		json_array_foreach(arr[a], i, item)
			if (xfa_json_str(item, "id") && !strcmp(xfa_json_str(item, "id"), s))
				return xfa_json_str(item, "id");
	for (a = 0; arr[a]; a++)
		json_array_foreach(arr[a], i, item)
			if (item_is(item, s))
				return xfa_json_str(item, "id");
	return NULL;
}

char *xfa_workflow_choices(const xfa_workflow *wf, const char *vocab,
			   const char *lang)
{
	const json_t *arr[3], *item;
	int zh = strcmp(lang ? lang : "zh", "en") != 0;
	size_t i, a, cap = 64, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	vocab_arrays(arr, wf, vocab);
	for (a = 0; arr[a]; a++)
		json_array_foreach(arr[a], i, item) {
			const char *id = xfa_json_str(item, "id");
			const char *zl = xfa_json_str(json_object_get(item, "label"), "zh");
			size_t need = strlen(id ? id : "") + strlen(zl ? zl : "") + 16;
			char *grown;
			if (!id || (a == 0 && !strcmp(vocab, "event") &&
				    json_is_true(json_object_get(item, "internal"))))
				continue;
			if (len + need >= cap) {
				cap = 2 * (len + need);
				if (!(grown = realloc(out, cap))) {
					free(out);
					return NULL;
				}
				out = grown;
			}
			len += (size_t)snprintf(out + len, cap - len, "%s%s%s%s%s",
				len ? (zh ? "、" : ", ") : "", zh && zl ? zl : id,
				zh && zl ? " (" : "", zh && zl ? id : "", zh && zl ? ")" : "");
		}
	return out;
}

int xfa_workflow_refuse_value(const xfa_workflow *wf, const char *vocab,
			      const char *what, const char *value,
			      const char *lang)
{
	char *allowed = xfa_workflow_choices(wf, vocab, lang);
	int err;

	/* the message's language is gettext's; the values' is `lang`'s */
	err = xfa_error_set(XFA_EINVALID, "%s: '%s' is not one of: %s",
			    what, value, allowed ? allowed : "");
	free(allowed);
	return err;
}

/* The object holding the last segment of dotted `path` in `doc`, and that
 * segment's key in `key` (NULL if a segment on the way is missing). */
static json_t *parent_of(json_t *doc, const char *path, char *key, size_t cap)
{
	const char *dot;
	size_t n;

	while (doc && (dot = strchr(path, '.'))) {
		n = (size_t)(dot - path);
		if (n >= cap)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		doc = json_object_get(doc, key);
		path = dot + 1;
	}
	if (!json_is_object(doc) || strlen(path) >= cap)
		return NULL;
	strcpy(key, path);
	return doc;
}

int xfa_workflow_resolve_codes(const xfa_workflow *wf, json_t *doc,
			       const char *lang)
{
	const json_t *c;
	size_t i;
	char key[128];

	json_array_foreach(json_object_get(wf->def, "coded_fields"), i, c) {
		const char *field = xfa_json_str(c, "field");
		const char *voc = xfa_json_str(c, "vocabulary");
		json_t *obj = field ? parent_of(doc, field, key, sizeof(key)) : NULL;
		const json_t *v = obj ? json_object_get(obj, key) : NULL;
		const char *id;

		if (!json_is_string(v))
			continue;   /* absent, null (a merge patch's removal) or not text: the schema says */
		if (!(id = xfa_workflow_resolve(wf, voc, json_string_value(v))))
			return xfa_workflow_refuse_value(wf, voc, field,
							 json_string_value(v), lang);
		if (strcmp(id, json_string_value(v)) &&
		    json_object_set_new(obj, key, json_string(id)) < 0)
			return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

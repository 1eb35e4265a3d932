/* json.c - strict JSON in, canonical JSON out, and RFC 7396 merge patches. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

int xfa_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], cp, n, k;

		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
		else return 0;
		if (i + n >= len)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Append ".key" or "[i]" to a path buffer. */
static void path_push(char *path, size_t cap, const char *key, size_t idx)
{
	size_t n = strlen(path);

	if (key)
		snprintf(path + n, cap - n, "%s%s", n ? "." : "", key);
	else
		snprintf(path + n, cap - n, "[%zu]", idx);
}

static int check_value(const json_t *v, const char *what, char *path,
		       size_t cap, int depth)
{
	size_t n = strlen(path), i;
	const char *key, *s;
	json_t *m;

	if (depth > XFA_JSON_DEPTH_MAX)
		return xfa_error_set(XFA_EINVALID,
			"%s: %s: nested deeper than %d levels", what,
			n ? path : "(document)", XFA_JSON_DEPTH_MAX);
	switch (json_typeof(v)) {
	case JSON_REAL:
		return xfa_error_set(XFA_EINVALID,
			"%s: %s: numbers must be integers", what,
			n ? path : "(document)");
	case JSON_INTEGER:
		if (json_integer_value(v) > XFA_JSON_INT_MAX ||
		    json_integer_value(v) < -XFA_JSON_INT_MAX)
			return xfa_error_set(XFA_EINVALID,
				"%s: %s: integer beyond 2^53", what,
				n ? path : "(document)");
		return 0;
	case JSON_STRING:
		s = json_string_value(v);
		for (i = 0; i < json_string_length(v); i++) {
			unsigned char c = (unsigned char)s[i];
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			    c == 0x7f)
				return xfa_error_set(XFA_EINVALID,
					"%s: %s: control character in text",
					what, n ? path : "(document)");
		}
		return 0;
	case JSON_OBJECT:
		json_object_foreach((json_t *)v, key, m) {
			int err;
			for (s = key; *s; s++)
				if ((unsigned char)*s < 0x20)
					return xfa_error_set(XFA_EINVALID,
						"%s: control character in a key", what);
			path_push(path, cap, key, 0);
			err = check_value(m, what, path, cap, depth + 1);
			path[n] = '\0';
			if (err)
				return err;
		}
		return 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, m) {
			int err;
			path_push(path, cap, NULL, i);
			err = check_value(m, what, path, cap, depth + 1);
			path[n] = '\0';
			if (err)
				return err;
		}
		return 0;
	default:
		return 0;
	}
}

int xfa_json_check(const json_t *v, const char *what)
{
	char path[512] = "";

	return check_value(v, what, path, sizeof(path), 0);
}

int xfa_json_parse(json_t **out, const char *buf, size_t len, const char *what)
{
	json_error_t jerr;
	json_t *v;
	int err;

	*out = NULL;
	/* refused, not stripped (we do not repair input): named visibly */
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		return xfa_error_set(XFA_EINVALID, "%s: starts with a byte-order mark "
				     "(bytes EF BB BF, U+FEFF): save it as UTF-8 without BOM", what);
	if (!xfa_utf8_valid(buf, len))
		return xfa_error_set(XFA_EINVALID, "%s: not valid UTF-8 text", what);
	v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v)
		return xfa_error_set(XFA_EINVALID, "%s: invalid JSON at line %d: %s",
				     what, jerr.line, jerr.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return xfa_error_set(XFA_EINVALID, "%s: not a JSON object", what);
	}
	if ((err = xfa_json_check(v, what)) < 0) {
		json_decref(v);
		return err;
	}
	*out = v;
	return 0;
}

int xfa_json_dump(char **out, size_t *out_len, const json_t *v)
{
	char *s, *t;
	size_t n;

	*out = NULL;
	s = json_dumps(v, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (!s)
		return xfa_error_set(XFA_ERROR, "cannot serialise JSON");
	n = strlen(s);
	t = realloc(s, n + 2);
	if (!t) {
		free(s);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	*out = t;
	if (out_len)
		*out_len = n + 1;
	return 0;
}

json_t *xfa_json_merge_patch(json_t *target, const json_t *patch)
{
	const char *key;
	json_t *val;

	if (!json_is_object(patch)) {
		json_decref(target);
		return json_deep_copy(patch);
	}
	if (!json_is_object(target)) {
		json_decref(target);
		target = json_object();
		if (!target)
			return NULL;
	}
	json_object_foreach((json_t *)patch, key, val) {
		if (json_is_null(val)) {
			json_object_del(target, key);
		} else {
			json_t *cur = json_object_get(target, key);
			json_t *merged = xfa_json_merge_patch(json_incref(cur), val);
			if (!merged || json_object_set_new(target, key, merged)) {
				json_decref(target);
				return NULL;
			}
		}
	}
	return target;
}

const char *xfa_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

long long xfa_json_int(const json_t *obj, const char *key, long long dflt)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

json_t *xfa_json_sorted(const json_t *arr, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(arr), i;
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array();

	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), cmp);
	for (i = 0; i < n && json_array_append(out, v[i]) == 0; i++)
		;
	free(v);
	if (i < n) {
		json_decref(out);
		return NULL;
	}
	return out;
}

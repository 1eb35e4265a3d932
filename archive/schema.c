/* schema.c - the files of schemas/ embedded at build time (parsed and
 * checked once per process), $ref resolution among them, and the public
 * validation API.  Keywords are evaluated by schema_eval.c; patterns and
 * formats are schema_pattern.c's. */
#include "schema.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "error.h"
#include "json.h"
#include "rx.h"
#include "schema_int.h"

/* ---- context: paths and failures ---------------------------------------- */

/* A JSON pointer segment (used while checking a schema itself). */
static size_t path_ptr(struct vctx *c, const char *seg)
{
	size_t old = c->plen;

	snprintf(c->path + old, PATH_CAP - old, "/%s", seg);
	c->plen = strlen(c->path);
	return old;
}

int schema_fatal(struct vctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	c->fatal_code = code;
	memcpy(c->errpath, c->path, c->plen + 1);
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), xfa_tr(fmt), ap);
	va_end(ap);
	return V_FATAL;
}

/* A pattern's verdict on `s`: 1, 0, or V_FATAL (see schema_pattern_find). */
int schema_rx_match(struct vctx *c, const char *pattern, const char *s)
{
	char err[REASON_CAP];
	int r = schema_pattern_find(pattern, s, err, sizeof(err));

	return r < 0 ? schema_fatal(c, r, "%s", err) : r;
}

/* ---- the embedded files ------------------------------------------------- */

/* Each embedded file is parsed (and a schema linted) the first time it is
 * needed, not all at start-up: a write uses a few of them, `xfa help` none.
 * `state` 0: not yet; 1: parsed, being linted by the thread holding
 * load_lock (its own $refs back into it may use it); 2: done. */
struct loaded {
	json_t *doc;
	int code;   /* 0, or why the file cannot be used */
	char *msg;
	atomic_int state;
};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t load_lock;
static struct loaded *loaded;
static size_t nloaded;

static void ensure_loaded(size_t i);

const struct xfa_embedded *xfa_embedded_find(const char *name)
{
	const struct xfa_embedded *e;

	for (e = xfa_embedded_files; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* Index of embedded file `name` in `loaded`, loaded, or -1 (call after
 * load_once has run). */
static long find_loaded(const char *name)
{
	size_t i;

	for (i = 0; i < nloaded; i++)
		if (!strcmp(xfa_embedded_files[i].name, name)) {
			ensure_loaded(i);
			return (long)i;
		}
	return -1;
}

/* Resolve `ref` (n bytes) relative to the folder of `base` into `out`,
 * folding "." and ".." segments.  -1 if it leaves schemas/ or is too long. */
static int join_name(char *out, size_t cap, const char *base, const char *ref,
		     size_t n)
{
	const char *slash = strrchr(base, '/');
	size_t dir = slash ? (size_t)(slash - base) + 1 : 0, len = 0, i = 0;
	char tmp[256];

	if (dir + n >= sizeof(tmp) || ref[0] == '/')
		return -1;
	memcpy(tmp, base, dir);
	memcpy(tmp + dir, ref, n);
	tmp[dir + n] = '\0';
	while (tmp[i]) {
		size_t seg = strcspn(tmp + i, "/");
		if (seg == 1 && tmp[i] == '.') {
			/* skip */
		} else if (seg == 2 && tmp[i] == '.' && tmp[i + 1] == '.') {
			if (len == 0)
				return -1;
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
		} else if (seg) {
			if (len + seg + 2 > cap)
				return -1;
			if (len)
				out[len++] = '/';
			memcpy(out + len, tmp + i, seg);
			len += seg;
		}
		i += seg + (tmp[i + seg] == '/');
	}
	out[len] = '\0';
	return len ? 0 : -1;
}

/* The node at URI fragment `frag` (without '#') of `root`, or NULL. */
static const json_t *pointer_get(const json_t *root, const char *frag)
{
	const json_t *node = root;
	char *dec = malloc(strlen(frag) + 1), *tok, *save = NULL;
	size_t i, j;

	if (!dec)
		return NULL;
	for (i = j = 0; frag[i]; i++) {
		unsigned h;
		if (frag[i] == '%' && xfa_rx_hexval(frag + i + 1, 2, &h) && h) {
			dec[j++] = (char)h;
			i += 2;
		} else {
			dec[j++] = frag[i];
		}
	}
	dec[j] = '\0';
	if (dec[0] && dec[0] != '/')
		node = NULL;
	for (tok = strtok_r(dec, "/", &save); node && tok;
	     tok = strtok_r(NULL, "/", &save)) {
		for (i = j = 0; tok[i]; i++, j++)
			tok[j] = tok[i] == '~' && tok[i + 1] == '1' ? (i++, '/') :
				 tok[i] == '~' && tok[i + 1] == '0' ? (i++, '~') : tok[i];
		tok[j] = '\0';
		if (json_is_array(node)) {
			char *end;
			unsigned long k = strtoul(tok, &end, 10);
			node = (*end || (tok[0] == '0' && tok[1]) || tok[0] < '0' ||
				tok[0] > '9') ? NULL : json_array_get(node, k);
		} else {
			node = json_object_get(node, tok);
		}
	}
	free(dec);
	return node;
}

/* Resolve `ref` from the current resource: the target, and the resource
 * (root and name) the target lives in. */
int schema_resolve(struct vctx *c, const char *ref, const json_t **target,
		   const json_t **root, const char **base)
{
	const char *hash = strchr(ref, '#');
	size_t flen = hash ? (size_t)(hash - ref) : strlen(ref);
	char name[256];
	long i;

	*root = c->root;
	*base = c->base;
	if (flen) {
		if (join_name(name, sizeof(name), c->base, ref, flen) < 0 ||
		    (i = find_loaded(name)) < 0 || !loaded[i].doc)
			return schema_fatal(c, XFA_ERROR,
				"cannot resolve $ref '%s': no such embedded schema", ref);
		*root = loaded[i].doc;
		*base = xfa_embedded_files[i].name;
	}
	if (hash && hash[1] && hash[1] != '/')
		return schema_fatal(c, XFA_ERROR,
			"cannot resolve $ref '%s': only JSON pointers are supported", ref);
	if (!(*target = pointer_get(*root, hash ? hash + 1 : "")))
		return schema_fatal(c, XFA_ERROR, "cannot resolve $ref '%s'",
				    ref);
	return V_OK;
}

/* ---- checking the embedded schemas themselves --------------------------- */

enum lint_kind {
	LK_SCHEMA, LK_MAP, LK_PATTERN_MAP, LK_LIST, LK_ITEMS, LK_DEPS, LK_COUNT,
	LK_NUMBER, LK_POSITIVE, LK_PATTERN, LK_STRINGS, LK_ARRAY, LK_TYPE,
	LK_BOOL, LK_STRING, LK_REF, LK_ANY
};

static const struct { const char *kw; enum lint_kind kind; } lint_keywords[] = {
	{ "$ref", LK_REF }, { "additionalItems", LK_SCHEMA },
	{ "additionalProperties", LK_SCHEMA }, { "allOf", LK_LIST },
	{ "anyOf", LK_LIST }, { "oneOf", LK_LIST }, { "contains", LK_SCHEMA },
	{ "definitions", LK_MAP }, { "dependencies", LK_DEPS },
	{ "if", LK_SCHEMA }, { "then", LK_SCHEMA }, { "else", LK_SCHEMA },
	{ "enum", LK_ARRAY }, { "const", LK_ANY }, { "format", LK_STRING },
	{ "exclusiveMaximum", LK_NUMBER }, { "exclusiveMinimum", LK_NUMBER },
	{ "maximum", LK_NUMBER }, { "minimum", LK_NUMBER },
	{ "multipleOf", LK_POSITIVE }, { "items", LK_ITEMS },
	{ "maxItems", LK_COUNT }, { "minItems", LK_COUNT },
	{ "maxLength", LK_COUNT }, { "minLength", LK_COUNT },
	{ "maxProperties", LK_COUNT }, { "minProperties", LK_COUNT },
	{ "not", LK_SCHEMA }, { "pattern", LK_PATTERN },
	{ "patternProperties", LK_PATTERN_MAP }, { "properties", LK_MAP },
	{ "propertyNames", LK_SCHEMA }, { "required", LK_STRINGS },
	{ "type", LK_TYPE }, { "uniqueItems", LK_BOOL },
	/* annotations: accepted, not checked */
	{ "$schema", LK_STRING }, { "$id", LK_STRING }, { "$comment", LK_STRING },
	{ "title", LK_STRING }, { "description", LK_STRING },
	{ "default", LK_ANY }, { "examples", LK_ARRAY }, { "readOnly", LK_BOOL },
	{ "writeOnly", LK_BOOL }, { "contentMediaType", LK_STRING },
	{ "contentEncoding", LK_STRING },
};

static int lint(struct vctx *c, const json_t *s);

static int lint_members(struct vctx *c, const json_t *x, enum lint_kind kind)
{
	const char *key;
	json_t *sub;
	size_t old;
	int r;

	if (!json_is_object(x))
		return schema_fatal(c, XFA_ERROR, "must be an object");
	json_object_foreach((json_t *)x, key, sub) {
		old = path_ptr(c, key);
		if (kind == LK_PATTERN_MAP &&
		    (r = schema_rx_match(c, key, "")) < 0)
			return r;
		if (kind == LK_DEPS && json_is_array(sub))
			r = V_OK;
		else
			r = lint(c, sub);
		schema_path_pop(c, old);
		if (r)
			return r;
	}
	return V_OK;
}

static int lint_list(struct vctx *c, const json_t *x)
{
	const json_t *sub;
	size_t i, old;
	int r;

	if (!json_is_array(x) || !json_array_size(x))
		return schema_fatal(c, XFA_ERROR, "must be a non-empty array of schemas");
	json_array_foreach(x, i, sub) {
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		old = path_ptr(c, idx);
		r = lint(c, sub);
		schema_path_pop(c, old);
		if (r)
			return r;
	}
	return V_OK;
}

static int lint_value(struct vctx *c, const json_t *x, enum lint_kind kind)
{
	const json_t *t, *root, *e;
	const char *base;
	size_t i, n;
	int ok = 1;

	switch (kind) {
	case LK_SCHEMA: return lint(c, x);
	case LK_MAP: case LK_PATTERN_MAP: case LK_DEPS:
		return lint_members(c, x, kind);
	case LK_LIST: return lint_list(c, x);
	case LK_ITEMS: return json_is_array(x) ? lint_list(c, x) : lint(c, x);
	case LK_PATTERN:
		if (!json_is_string(x))
			break;
		return schema_rx_match(c, json_string_value(x), "") < 0 ? V_FATAL : V_OK;
	case LK_REF:
		if (!json_is_string(x))
			break;
		if (schema_resolve(c, json_string_value(x), &t, &root, &base))
			return V_FATAL;
		ok = json_is_object(t) || json_is_boolean(t);
		break;
	case LK_TYPE:
		n = json_is_array(x) ? json_array_size(x) : 1;
		for (i = 0; i < n; i++) {
			e = json_is_array(x) ? json_array_get(x, i) : x;
			ok = ok && schema_eval_type_is(e, json_null()) >= 0;
		}
		break;
	case LK_STRINGS:
		ok = json_is_array(x);
		json_array_foreach(x, i, e)
			ok = ok && json_is_string(e);
		break;
	case LK_COUNT:
		ok = schema_eval_is_integral(x) && json_number_value(x) >= 0;
		break;
	case LK_NUMBER: ok = json_is_number(x); break;
	case LK_POSITIVE: ok = json_is_number(x) && json_number_value(x) > 0; break;
	case LK_ARRAY: ok = json_is_array(x); break;
	case LK_BOOL: ok = json_is_boolean(x); break;
	case LK_STRING: ok = json_is_string(x); break;
	case LK_ANY: break;
	}
	return ok ? V_OK :
		schema_fatal(c, XFA_ERROR, "value of the wrong kind");
}

/* Check a schema's shape once at load: known keywords with values of the
 * right kind, patterns we can translate, $refs that resolve. */
static int lint(struct vctx *c, const json_t *s)
{
	const char *key;
	json_t *x;
	size_t i, old;
	int r;

	if (json_is_boolean(s))
		return V_OK;
	if (!json_is_object(s))
		return schema_fatal(c, XFA_ERROR, "a schema must be an object or a boolean");
	if (c->depth >= DEPTH_MAX)
		return schema_fatal(c, XFA_ERROR, "nested too deeply");
	c->depth++;
	json_object_foreach((json_t *)s, key, x) {
		for (i = 0; i < sizeof(lint_keywords) / sizeof(lint_keywords[0]); i++)
			if (!strcmp(key, lint_keywords[i].kw))
				break;
		old = path_ptr(c, key);
		if (i < sizeof(lint_keywords) / sizeof(lint_keywords[0]))
			r = lint_value(c, x, lint_keywords[i].kind);
		else if (strncmp(key, "x-", 2) != 0)
			r = schema_fatal(c, XFA_ERROR, "unknown keyword '%s'",
					 key);
		else
			r = V_OK;
		schema_path_pop(c, old);
		if (r) {
			c->depth--;
			return r;
		}
	}
	c->depth--;
	return V_OK;
}

/* ---- loading and the public functions ----------------------------------- */

static void unload_all(void)
{
	size_t i;

	for (i = 0; i < nloaded; i++) {
		json_decref(loaded[i].doc);
		free(loaded[i].msg);
	}
	free(loaded);
	loaded = NULL;
	nloaded = 0;
	schema_pattern_forget();
}

static void load_failed(struct loaded *l, int code, const char *msg)
{
	l->code = code;
	l->msg = strdup(msg);
}

/* The table of embedded files, nothing parsed yet. */
static void load_all(void)
{
	pthread_mutexattr_t attr;
	size_t n = 0;

	while (xfa_embedded_files[n].name)
		n++;
	/* recursive: linting a schema resolves $refs, which load other files */
	if (pthread_mutexattr_init(&attr) != 0 ||
	    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE) != 0 ||
	    pthread_mutex_init(&load_lock, &attr) != 0)
		return;
	pthread_mutexattr_destroy(&attr);
	if (!(loaded = calloc(n ? n : 1, sizeof(*loaded))))
		return;
	nloaded = n;
	atexit(unload_all);
}

/* Parse embedded file `i`.  The embedded schemas are fixed when xfa is
 * built, so they are linted by the tests (xfa_schema_lint), not again in
 * every process: that was a fifth of what a `case move` executed. */
static void ensure_loaded(size_t i)
{
	const struct xfa_embedded *e = &xfa_embedded_files[i];
	char what[300];

	if (atomic_load_explicit(&loaded[i].state, memory_order_acquire) == 2)
		return;
	pthread_mutex_lock(&load_lock);
	if (atomic_load_explicit(&loaded[i].state, memory_order_relaxed) == 0) {
		snprintf(what, sizeof(what), "schemas/%s", e->name);
		if (xfa_json_parse(&loaded[i].doc, (const char *)e->data, e->len,
				   what) < 0)
			load_failed(&loaded[i], xfa_error_code(), xfa_error_last());
		atomic_store_explicit(&loaded[i].state, 2, memory_order_release);
	}
	pthread_mutex_unlock(&load_lock);
}

/* The parsed file `name` and its index; sets the message on failure. */
static int get_loaded(const json_t **out, long *idx, const char *name)
{
	long i;

	pthread_once(&load_once, load_all);
	if (!loaded)
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((i = find_loaded(name)) < 0)
		return xfa_error_set(XFA_ENOTFOUND, "no embedded schema '%s'", name);
	if (loaded[i].code)
		return xfa_error_set(loaded[i].code, "%s",
				     loaded[i].msg ? loaded[i].msg : "out of memory");
	*out = loaded[i].doc;
	*idx = i;
	return 0;
}

const json_t *xfa_schema_get(const char *name)
{
	const json_t *doc;
	long i;

	return get_loaded(&doc, &i, name) < 0 ? NULL : doc;
}

static int run(const json_t *schema, const json_t *doc, const char *what,
	       const char *base)
{
	struct vctx *c = calloc(1, sizeof(*c));
	int r;

	if (!what)
		what = "document";
	if (!schema || !doc) {
		free(c);
		return xfa_error_set(XFA_ERROR, "%s: no %s to validate", what,
				     schema ? "document" : "schema");
	}
	if (!c)
		return xfa_error_set(XFA_ERROR, "out of memory");
	c->root = schema;
	c->base = base;
	r = schema_eval(c, schema, doc);
	if (r == V_BAD)
		r = xfa_error_set(XFA_EINVALID, "%s: %s: %s", what,
				  c->errpath[0] ? c->errpath : "(document)", c->reason);
	else if (r == V_FATAL && c->fatal_code == XFA_ERROR)
		r = xfa_error_set(XFA_ERROR, "%s: schema %s: at %s: %s", what,
				  base[0] ? base : "(inline)",
				  c->errpath[0] ? c->errpath : "(document)", c->reason);
	else if (r == V_FATAL)
		r = xfa_error_set(c->fatal_code, "%s: %s: %s", what,
				  c->errpath[0] ? c->errpath : "(document)", c->reason);
	free(c);
	return r;
}

int xfa_schema_validate(const json_t *schema, const json_t *doc,
			const char *what)
{
	const char *base = "";
	size_t i;

	pthread_once(&load_once, load_all);
	for (i = 0; i < nloaded; i++)
		if (loaded[i].doc == schema)
			base = xfa_embedded_files[i].name;
	return run(schema, doc, what, base);
}

int xfa_schema_lint(const json_t *schema, const char *what)
{
	struct vctx *c = calloc(1, sizeof(*c));
	const char *base = "";
	size_t i;
	int r = 0;

	pthread_once(&load_once, load_all);
	if (!c)
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < nloaded; i++)
		if (loaded[i].doc == schema)
			base = xfa_embedded_files[i].name;
	c->root = schema;
	c->base = base;
	if (lint(c, schema))
		r = xfa_error_set(XFA_ERROR, "%s: %s: %s", what ? what : "schema",
				  c->errpath[0] ? c->errpath : "(root)", c->reason);
	free(c);
	return r;
}

int xfa_schema_check(const char *name, const json_t *doc, const char *what)
{
	const json_t *schema;
	long i;
	int err;

	if ((err = get_loaded(&schema, &i, name)) < 0)
		return err;
	return run(schema, doc, what, xfa_embedded_files[i].name);
}

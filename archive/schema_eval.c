/* schema_eval.c - the keyword evaluator: validates a JSON instance against a
 * loaded schema (type, enum, numbers, strings, arrays, objects, logic, $ref),
 * naming the first violation.  Loading, $ref resolution and the public API
 * are schema.c's; patterns and formats are schema_pattern.c's. */
#include "schema_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define STEPS_MAX 2000000UL    /* subschema evaluations per validation */

/* ---- values: numbers, equality, text ------------------------------------ */

int schema_eval_is_integral(const json_t *v)
{
	double d;

	if (json_is_integer(v))
		return 1;
	if (!json_is_real(v))
		return 0;
	d = json_real_value(v);
	return isfinite(d) && floor(d) == d;
}

/* -1, 0, 1 as a < b, a == b, a > b; exact when both are integers. */
static int num_cmp(const json_t *a, const json_t *b)
{
	long double x, y;

	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t i = json_integer_value(a), j = json_integer_value(b);
		return i < j ? -1 : i > j;
	}
	x = json_is_integer(a) ? (long double)json_integer_value(a) :
		(long double)json_real_value(a);
	y = json_is_integer(b) ? (long double)json_integer_value(b) :
		(long double)json_real_value(b);
	return x < y ? -1 : x > y;
}

static int is_multiple(const json_t *v, const json_t *m)
{
	double q;

	if (json_is_integer(v) && json_is_integer(m))
		return json_integer_value(v) % json_integer_value(m) == 0;
	q = json_number_value(v) / json_number_value(m);
	if (!isfinite(q))
		return 0;
	return fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
}

/* Equality as JSON Schema defines it: 1 == 1.0, key order irrelevant. */
static int value_eq(const json_t *a, const json_t *b, int depth)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_number(a) && json_is_number(b))
		return num_cmp(a, b) == 0;
	if (json_typeof(a) != json_typeof(b) || depth > 256)
		return 0;
	switch (json_typeof(a)) {
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, key, x) {
			json_t *y = json_object_get(b, key);
			if (!y || !value_eq(x, y, depth + 1))
				return 0;
		}
		return 1;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!value_eq(json_array_get(a, i), json_array_get(b, i),
				      depth + 1))
				return 0;
		return 1;
	case JSON_STRING:
		return json_equal(a, b);
	default:
		return 1;
	}
}

/* Shortest text that reads back as the same number. */
static void fmt_num(char *out, size_t cap, const json_t *n)
{
	int prec;

	if (json_is_integer(n)) {
		snprintf(out, cap, "%lld", (long long)json_integer_value(n));
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(out, cap, "%.*g", prec, json_real_value(n));
		if (strtod(out, NULL) == json_real_value(n))
			return;
	}
}

static void buf_value(struct buf *b, const json_t *x, int quote)
{
	char num[40], *t;

	if (json_is_string(x)) {
		if (quote)
			schema_buf_chr(b, '"');
		schema_buf_add(b, json_string_value(x), json_string_length(x));
		if (quote)
			schema_buf_chr(b, '"');
	} else if (json_is_number(x)) {
		fmt_num(num, sizeof(num), x);
		schema_buf_str(b, num);
	} else if ((t = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT))) {
		schema_buf_str(b, t);
		free(t);
	}
}

/* Unicode code points in well-formed UTF-8. */
static size_t utf8_count(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* ---- context: paths and failures ---------------------------------------- */

static size_t path_key(struct vctx *c, const char *key)
{
	size_t old = c->plen, i;
	int simple = key[0] != '\0';

	for (i = 0; key[i]; i++) {
		unsigned char ch = (unsigned char)key[i];
		if (!(ch >= 0x80 || ch == '_' || ch == '-' ||
		      (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= 'A' && ch <= 'Z')))
			simple = 0;
	}
	if (simple)
		snprintf(c->path + old, PATH_CAP - old, "%s%s", old ? "." : "", key);
	else
		snprintf(c->path + old, PATH_CAP - old, "[\"%s\"]", key);
	c->plen = strlen(c->path);
	return old;
}

static size_t path_index(struct vctx *c, size_t i)
{
	size_t old = c->plen;

	snprintf(c->path + old, PATH_CAP - old, "[%zu]", i);
	c->plen = strlen(c->path);
	return old;
}

static int reject(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int reject(struct vctx *c, const char *fmt, ...)
{
	va_list ap;

	c->errdepth = c->plen;
	if (c->quiet)
		return V_BAD;
	memcpy(c->errpath, c->path, c->plen + 1);
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), xfa_tr(fmt), ap);
	va_end(ap);
	return V_BAD;
}

/* Take the message of a text builder as the reason at the current path. */
static int fail_buf(struct vctx *c, struct buf *b)
{
	int r;

	if (b->oom)
		r = schema_fatal(c, XFA_ERROR, "out of memory");
	else
		r = reject(c, "%s", b->p ? b->p : "");
	free(b->p);
	return r;
}

/* Evaluate `s` on the member `key` or the item `i` of the current value. */
static int eval_key(struct vctx *c, const json_t *s, const json_t *v,
		    const char *key)
{
	size_t old = path_key(c, key);
	int r = schema_eval(c, s, v);

	schema_path_pop(c, old);
	return r;
}

static int eval_index(struct vctx *c, const json_t *s, const json_t *v,
		      size_t i)
{
	size_t old = path_index(c, i);
	int r = schema_eval(c, s, v);

	schema_path_pop(c, old);
	return r;
}

/* 0 if absent, 1 with *out set, or V_FATAL if not a non-negative integer. */
static int get_count(struct vctx *c, const json_t *s, const char *kw,
		     long long *out)
{
	const json_t *x = json_object_get(s, kw);

	if (!x)
		return 0;
	if (!schema_eval_is_integral(x) || json_number_value(x) < 0)
		return schema_fatal(c, XFA_ERROR, "\"%s\" must be a non-negative integer", kw);
	if (json_is_integer(x))
		*out = (long long)json_integer_value(x);
	else
		*out = json_real_value(x) >= 9e18 ? (long long)9e18 :
			(long long)json_real_value(x);
	return 1;
}

/* ---- keywords ----------------------------------------------------------- */

static int eval_ref(struct vctx *c, const json_t *ref, const json_t *v)
{
	const json_t *root = c->root, *target, *nroot;
	const char *base = c->base, *nbase;
	int r;

	if (!json_is_string(ref))
		return schema_fatal(c, XFA_ERROR, "\"$ref\" must be a string");
	if ((r = schema_resolve(c, json_string_value(ref), &target, &nroot,
				&nbase)))
		return r;
	c->root = nroot;
	c->base = nbase;
	r = schema_eval(c, target, v);
	c->root = root;
	c->base = base;
	return r;
}

static const char *type_noun(const char *t)
{
	static const char *const nouns[] = {
		"object", "an object", "array", "an array", "string", "a string",
		"boolean", "a boolean", "null", "null", "number", "a number",
		"integer", "an integer",
	};
	size_t i;

	for (i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i += 2)
		if (!strcmp(t, nouns[i]))
			return nouns[i + 1];
	return NULL;
}

/* 1 if `v` has type `t`, 0 if not, -1 if `t` is no type name. */
int schema_eval_type_is(const json_t *t, const json_t *v)
{
	const char *n = json_string_value(t);

	if (!n || !type_noun(n))
		return -1;
	if (!strcmp(n, "integer"))
		return schema_eval_is_integral(v);
	if (!strcmp(n, "number"))
		return json_is_number(v);
	return (!strcmp(n, "object") && json_is_object(v)) ||
	       (!strcmp(n, "array") && json_is_array(v)) ||
	       (!strcmp(n, "string") && json_is_string(v)) ||
	       (!strcmp(n, "boolean") && json_is_boolean(v)) ||
	       (!strcmp(n, "null") && json_is_null(v));
}

static int kw_type(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *t = json_object_get(s, "type"), *e;
	struct buf b = { 0 };
	size_t i, n;
	int r;

	if (!t)
		return V_OK;
	n = json_is_array(t) ? json_array_size(t) : 1;
	for (i = 0; i < n; i++) {
		e = json_is_array(t) ? json_array_get(t, i) : t;
		if ((r = schema_eval_type_is(e, v)) < 0)
			return schema_fatal(c, XFA_ERROR, "\"type\" names no JSON type");
		if (r)
			return V_OK;
	}
	if (c->quiet)
		return reject(c, "wrong type");
	schema_buf_str(&b, "must be ");
	for (i = 0; i < n; i++) {
		e = json_is_array(t) ? json_array_get(t, i) : t;
		if (i)
			schema_buf_str(&b, i + 1 == n ? " or " : ", ");
		schema_buf_str(&b, type_noun(json_string_value(e)));
	}
	return fail_buf(c, &b);
}

static int kw_enum(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *e = json_object_get(s, "const"), *x;
	struct buf b = { 0 };
	size_t i;

	if (e && !value_eq(e, v, 0)) {
		if (c->quiet)
			return reject(c, "wrong value");
		schema_buf_str(&b, "must be ");
		buf_value(&b, e, 1);
		return fail_buf(c, &b);
	}
	if (!(e = json_object_get(s, "enum")))
		return V_OK;
	if (!json_is_array(e))
		return schema_fatal(c, XFA_ERROR, "\"enum\" must be an array");
	json_array_foreach(e, i, x)
		if (value_eq(x, v, 0))
			return V_OK;
	if (c->quiet)
		return reject(c, "not in enum");
	schema_buf_str(&b, xfa_tr("must be one of: "));
	json_array_foreach(e, i, x) {
		if (i)
			schema_buf_str(&b, ", ");
		buf_value(&b, x, 0);
	}
	return fail_buf(c, &b);
}

static int kw_number(struct vctx *c, const json_t *s, const json_t *v)
{
	static const struct {
		const char *kw, *msg;
		int bad_lt, bad_eq, bad_gt;
	} rules[] = {
		{ "minimum", N_("must be at least"), 1, 0, 0 },
		{ "maximum", N_("must be at most"), 0, 0, 1 },
		{ "exclusiveMinimum", N_("must be greater than"), 1, 1, 0 },
		{ "exclusiveMaximum", N_("must be less than"), 0, 1, 1 },
	};
	const json_t *x;
	char num[40];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int cmp;
		if (!(x = json_object_get(s, rules[i].kw)))
			continue;
		if (!json_is_number(x))
			return schema_fatal(c, XFA_ERROR, "\"%s\" must be a number", rules[i].kw);
		cmp = num_cmp(v, x);
		if ((cmp < 0 && rules[i].bad_lt) || (cmp == 0 && rules[i].bad_eq) ||
		    (cmp > 0 && rules[i].bad_gt)) {
			fmt_num(num, sizeof(num), x);
			return reject(c, "%s %s", xfa_tr(rules[i].msg), num);
		}
	}
	if ((x = json_object_get(s, "multipleOf"))) {
		if (!json_is_number(x) || json_number_value(x) <= 0)
			return schema_fatal(c, XFA_ERROR, "\"multipleOf\" must be a positive number");
		if (!is_multiple(v, x)) {
			fmt_num(num, sizeof(num), x);
			return reject(c, "must be a multiple of %s", num);
		}
	}
	return V_OK;
}

static int kw_format(struct vctx *c, const json_t *s, const json_t *v)
{
	const char *f = json_string_value(json_object_get(s, "format"));
	const char *why;

	if (f && (why = schema_format_problem(f, json_string_value(v),
					      json_string_length(v))))
		return reject(c, "%s", why);
	return V_OK;
}

static int kw_string(struct vctx *c, const json_t *s, const json_t *v)
{
	const char *str = json_string_value(v);
	size_t n = utf8_count(str, json_string_length(v));
	const json_t *p;
	long long lim;
	int r;

	if ((r = get_count(c, s, "minLength", &lim)) < 0)
		return r;
	if (r && n < (unsigned long long)lim)
		return lim == 1 ? reject(c, "must not be empty") :
			reject(c, "must be at least %lld characters long", lim);
	if ((r = get_count(c, s, "maxLength", &lim)) < 0)
		return r;
	if (r && n > (unsigned long long)lim)
		return reject(c, "must be at most %lld characters long", lim);
	if ((p = json_object_get(s, "pattern"))) {
		if (!json_is_string(p))
			return schema_fatal(c, XFA_ERROR, "\"pattern\" must be a string");
		if ((r = schema_rx_match(c, json_string_value(p), str)) < 0)
			return r;
		if (!r)
			return reject(c, "does not match pattern %s", json_string_value(p));
	}
	return kw_format(c, s, v);
}

static int kw_items(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *items = json_object_get(s, "items");
	const json_t *more = json_object_get(s, "additionalItems");
	size_t i, n = json_array_size(v), fixed;
	int r;

	if (!items)
		return V_OK;
	if (!json_is_array(items)) {
		for (i = 0; i < n; i++)
			if ((r = eval_index(c, items, json_array_get(v, i), i)))
				return r;
		return V_OK;
	}
	fixed = json_array_size(items);
	for (i = 0; i < n && i < fixed; i++)
		if ((r = eval_index(c, json_array_get(items, i), json_array_get(v, i), i)))
			return r;
	if (!more || n <= fixed)
		return V_OK;
	if (json_is_false(more))
		return reject(c, fixed == 1 ? N_("must have at most %zu item") :
			      N_("must have at most %zu items"), fixed);
	for (i = fixed; i < n; i++)
		if ((r = eval_index(c, more, json_array_get(v, i), i)))
			return r;
	return V_OK;
}

static int kw_contains(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *sub = json_object_get(s, "contains");
	size_t i;
	int r;

	if (!sub)
		return V_OK;
	c->quiet++;
	for (i = 0; i < json_array_size(v); i++)
		if ((r = eval_index(c, sub, json_array_get(v, i), i)) != V_BAD)
			break;
	c->quiet--;
	if (i < json_array_size(v))
		return r;
	return reject(c, "must contain at least one matching item");
}

static int kw_array(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *u = json_object_get(s, "uniqueItems");
	size_t i, j, n = json_array_size(v);
	long long lim;
	int r;

	if ((r = kw_items(c, s, v)))
		return r;
	if ((r = get_count(c, s, "minItems", &lim)) < 0)
		return r;
	if (r && n < (unsigned long long)lim)
		return reject(c, lim == 1 ? N_("must have at least %lld item") :
			      N_("must have at least %lld items"), lim);
	if ((r = get_count(c, s, "maxItems", &lim)) < 0)
		return r;
	if (r && n > (unsigned long long)lim)
		return reject(c, lim == 1 ? N_("must have at most %lld item") :
			      N_("must have at most %lld items"), lim);
	if (u && !json_is_boolean(u))
		return schema_fatal(c, XFA_ERROR,
				    "\"uniqueItems\" must be a boolean");
	for (i = 0; json_is_true(u) && i < n; i++)
		for (j = i + 1; j < n; j++)
			if (value_eq(json_array_get(v, i), json_array_get(v, j), 0))
				return reject(c, "must not contain duplicates "
					       "(items %zu and %zu are equal)", i, j);
	return kw_contains(c, s, v);
}

/* properties, patternProperties, additionalProperties: member by member. */
static int kw_members(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *props = json_object_get(s, "properties");
	const json_t *pats = json_object_get(s, "patternProperties");
	const json_t *more = json_object_get(s, "additionalProperties");
	const char *key, *pat;
	json_t *m, *sub;
	int r, matched;

	if ((props && !json_is_object(props)) || (pats && !json_is_object(pats)))
		return schema_fatal(c, XFA_ERROR, "\"properties\" and \"patternProperties\" "
				"must be objects");
	json_object_foreach((json_t *)v, key, m) {
		matched = 0;
		if ((sub = json_object_get(props, key))) {
			matched = 1;
			if ((r = eval_key(c, sub, m, key)))
				return r;
		}
		json_object_foreach((json_t *)pats, pat, sub) {
			if ((r = schema_rx_match(c, pat, key)) < 0)
				return r;
			if (r && (matched = 1) && (r = eval_key(c, sub, m, key)))
				return r;
		}
		if (matched || !more)
			continue;
		if (json_is_false(more)) {
			size_t old = path_key(c, key);
			r = reject(c, "unknown property '%s'", key);
			schema_path_pop(c, old);
			return r;
		}
		if ((r = eval_key(c, more, m, key)))
			return r;
	}
	return V_OK;
}

static int kw_names(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *sub = json_object_get(s, "propertyNames");
	const char *key;
	json_t *m, *name;
	int r;

	if (!sub)
		return V_OK;
	json_object_foreach((json_t *)v, key, m) {
		if (!(name = json_string(key)))
			return schema_fatal(c, XFA_ERROR, "out of memory");
		r = eval_key(c, sub, name, key);
		json_decref(name);
		if (r == V_BAD && !c->quiet) {
			static const char pre[] = "invalid property name: ";
			size_t pl = sizeof(pre) - 1, rl = strlen(c->reason);
			if (rl + pl >= REASON_CAP)
				rl = REASON_CAP - pl - 1;
			memmove(c->reason + pl, c->reason, rl);
			memcpy(c->reason, pre, pl);
			c->reason[pl + rl] = '\0';
		}
		if (r)
			return r;
	}
	return V_OK;
}

static int kw_required(struct vctx *c, const json_t *req, const json_t *v,
		       const char *dependent)
{
	const json_t *k;
	size_t i, old;
	int r;

	if (!json_is_array(req))
		return schema_fatal(c, XFA_ERROR,
				    "\"required\" must be an array");
	json_array_foreach(req, i, k) {
		if (!json_is_string(k))
			return schema_fatal(c, XFA_ERROR, "\"required\" must list strings");
		if (json_object_get(v, json_string_value(k)))
			continue;
		old = path_key(c, json_string_value(k));
		if (dependent)
			r = reject(c, "property '%s' required by '%s' missing",
				 json_string_value(k), dependent);
		else
			r = reject(c, "required property '%s' missing",
				 json_string_value(k));
		schema_path_pop(c, old);
		return r;
	}
	return V_OK;
}

static int kw_dependencies(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *deps = json_object_get(s, "dependencies");
	const char *key;
	json_t *d;
	int r;

	json_object_foreach((json_t *)deps, key, d) {
		if (!json_object_get(v, key))
			continue;
		r = json_is_array(d) ? kw_required(c, d, v, key) :
			schema_eval(c, d, v);
		if (r)
			return r;
	}
	return V_OK;
}

static int kw_object(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *req = json_object_get(s, "required");
	size_t n = json_object_size(v);
	long long lim;
	int r;

	if ((r = kw_members(c, s, v)) || (r = kw_names(c, s, v)))
		return r;
	if (req && (r = kw_required(c, req, v, NULL)))
		return r;
	if ((r = get_count(c, s, "minProperties", &lim)) < 0)
		return r;
	if (r && n < (unsigned long long)lim)
		return reject(c, lim == 1 ? N_("must have at least %lld property") :
			      N_("must have at least %lld properties"), lim);
	if ((r = get_count(c, s, "maxProperties", &lim)) < 0)
		return r;
	if (r && n > (unsigned long long)lim)
		return reject(c, lim == 1 ? N_("must have at most %lld property") :
			      N_("must have at most %lld properties"), lim);
	return kw_dependencies(c, s, v);
}

/* Every alternative of anyOf/oneOf failed: say why, naming the deepest
 * failure when one alternative got further than the others. */
static int explain_alternatives(struct vctx *c, const json_t *list,
				const json_t *v, size_t best, size_t deepest)
{
	struct buf b = { 0 };
	const json_t *sub;
	size_t i;
	int r;

	if (c->quiet) {
		c->errdepth = deepest > c->plen ? deepest : c->plen;
		return V_BAD;
	}
	if (deepest > c->plen)
		return schema_eval(c, json_array_get(list, best), v);
	json_array_foreach(list, i, sub) {
		if ((r = schema_eval(c, sub, v)) != V_BAD) {
			free(b.p);
			return r == V_OK ? schema_fatal(c, XFA_ERROR,
				"schema evaluation is not repeatable") : r;
		}
		if (i)
			schema_buf_str(&b, xfa_tr(", or "));
		schema_buf_str(&b, c->reason);
	}
	return fail_buf(c, &b);
}

static int kw_any_one(struct vctx *c, const json_t *list, const json_t *v,
		      int one)
{
	size_t i, best = 0, deepest = 0, hits = 0, first = 0;
	const json_t *sub;
	int r;

	if (!json_is_array(list) || !json_array_size(list))
		return schema_fatal(c, XFA_ERROR, "\"anyOf\" and \"oneOf\" "
				    "must be non-empty arrays");
	c->quiet++;
	json_array_foreach(list, i, sub) {
		r = schema_eval(c, sub, v);
		if (r == V_FATAL || (r == V_OK && !one)) {
			c->quiet--;
			return r;
		}
		if (r == V_OK && hits++ == 0)
			first = i;
		else if (r == V_OK)
			break;
		if (r == V_BAD && (i == 0 || c->errdepth > deepest)) {
			deepest = c->errdepth;
			best = i;
		}
	}
	c->quiet--;
	if (hits == 1)
		return V_OK;
	if (hits > 1)
		return reject(c, "must match exactly one alternative, but matches "
			       "alternatives %zu and %zu", first + 1, i + 1);
	return explain_alternatives(c, list, v, best, deepest);
}

/* The verdict of `s` alone: a failure leaves no message. */
static int eval_quiet(struct vctx *c, const json_t *s, const json_t *v)
{
	int r;

	c->quiet++;
	r = schema_eval(c, s, v);
	c->quiet--;
	return r;
}

static int kw_logic(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *x, *sub;
	size_t i;
	int r;

	if ((x = json_object_get(s, "allOf"))) {
		if (!json_is_array(x))
			return schema_fatal(c, XFA_ERROR, "\"allOf\" must be an array");
		json_array_foreach(x, i, sub)
			if ((r = schema_eval(c, sub, v)))
				return r;
	}
	if ((x = json_object_get(s, "anyOf")) && (r = kw_any_one(c, x, v, 0)))
		return r;
	if ((x = json_object_get(s, "oneOf")) && (r = kw_any_one(c, x, v, 1)))
		return r;
	if ((x = json_object_get(s, "not"))) {
		if ((r = eval_quiet(c, x, v)) == V_FATAL)
			return r;
		if (r == V_OK)
			return reject(c, "must not match the schema under \"not\"");
	}
	if ((x = json_object_get(s, "if"))) {
		if ((r = eval_quiet(c, x, v)) == V_FATAL)
			return r;
		sub = json_object_get(s, r == V_OK ? "then" : "else");
		if (sub && (r = schema_eval(c, sub, v)))
			return r;
	}
	return V_OK;
}

static int eval_keywords(struct vctx *c, const json_t *s, const json_t *v)
{
	int r;

	if ((r = kw_type(c, s, v)) || (r = kw_enum(c, s, v)))
		return r;
	if (json_is_number(v) && (r = kw_number(c, s, v)))
		return r;
	if (json_is_string(v) && (r = kw_string(c, s, v)))
		return r;
	if (json_is_array(v) && (r = kw_array(c, s, v)))
		return r;
	if (json_is_object(v) && (r = kw_object(c, s, v)))
		return r;
	return kw_logic(c, s, v);
}

int schema_eval(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *ref;
	int r;

	if (json_is_true(s))
		return V_OK;
	if (json_is_false(s))
		return reject(c, "is not allowed");
	if (!json_is_object(s))
		return schema_fatal(c, XFA_ERROR, "a schema must be an object or a boolean");
	if (c->depth >= DEPTH_MAX)
		return schema_fatal(c, XFA_EINVALID, "nested deeper than %d "
				    "schema levels (a $ref loop?)", DEPTH_MAX);
	if (++c->steps > STEPS_MAX)
		return schema_fatal(c, XFA_EINVALID, "too complex to validate");
	c->depth++;
	/* draft-07: keywords beside "$ref" are ignored */
	if ((ref = json_object_get(s, "$ref")))
		r = eval_ref(c, ref, v);
	else
		r = eval_keywords(c, s, v);
	c->depth--;
	return r;
}

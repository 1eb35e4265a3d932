/* schema.c - JSON Schema (draft-07) validation of jansson values, the files of
 * schemas/ embedded at build time (parsed and checked once per process).
 * Patterns are schema_pattern.c's. */
#include "schema.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "error.h"
#include "json.h"
#include "rx.h"
#include "schema_int.h"

#define DEPTH_MAX 128          /* nested subschemas and $refs on one path */
#define STEPS_MAX 2000000UL    /* subschema evaluations per validation */
#define PATH_CAP 512
#define REASON_CAP 400

/* Results of evaluating a schema: valid, invalid (message in the context),
 * or fatal (broken schema or a limit reached: stop everything). */
enum { V_OK = 0, V_BAD = 1, V_FATAL = -1 };

struct vctx {
	const json_t *root;   /* the schema document "#" refers to */
	const char *base;     /* its name below schemas/, or "" */
	int depth, quiet, fatal_code;
	unsigned long steps;
	size_t plen, errdepth;
	char path[PATH_CAP];  /* where in the document we are */
	char errpath[PATH_CAP];
	char reason[REASON_CAP];
};

static int eval(struct vctx *c, const json_t *s, const json_t *v);

/* ---- values: numbers, equality, text ------------------------------------ */

static int is_integral(const json_t *v)
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

/* ---- formats ------------------------------------------------------------ */

static int digits(const char *s, int n, int *out)
{
	int i;

	*out = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* RFC 3339 full-date: YYYY-MM-DD, a day that exists. */
static int is_date(const char *s)
{
	int y, m, d;

	return digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &m) &&
	       s[7] == '-' && digits(s + 8, 2, &d) && m >= 1 && m <= 12 &&
	       d >= 1 && d <= days_in_month(y, m);
}

/* RFC 3339 date-time, offset required ("Z" or +hh:mm); a leap second only
 * where it can be, at 23:59:60 UTC. */
static int is_date_time(const char *s, size_t len)
{
	const char *p = s + 19, *end = s + len;
	int hh, mm, ss, oh = 0, om = 0, sign = 0;

	if (len < 20 || !is_date(s) || (s[10] != 'T' && s[10] != 't') ||
	    !digits(s + 11, 2, &hh) || s[13] != ':' || !digits(s + 14, 2, &mm) ||
	    s[16] != ':' || !digits(s + 17, 2, &ss) || hh > 23 || mm > 59 ||
	    ss > 60)
		return 0;
	if (*p == '.') {
		if (++p >= end || *p < '0' || *p > '9')
			return 0;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (end - p == 6 && (*p == '+' || *p == '-')) {
		sign = *p == '+' ? 1 : -1;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return 0;
		p += 6;
	} else {
		return 0;
	}
	if (p != end)
		return 0;
	if (ss == 60) {
		int utc = ((hh * 60 + mm - sign * (oh * 60 + om)) % 1440 + 1440) % 1440;
		return utc == 23 * 60 + 59;
	}
	return 1;
}

/* Loose: one "@" with text either side, no spaces or control characters,
 * a domain that neither starts nor ends with a dot. */
static int is_email(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	size_t i;

	if (!at || at == s || at == s + len - 1 ||
	    memchr(at + 1, '@', (size_t)(s + len - at - 1)) ||
	    at[1] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
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

/* A JSON pointer segment (used while checking a schema itself). */
static size_t path_ptr(struct vctx *c, const char *seg)
{
	size_t old = c->plen;

	snprintf(c->path + old, PATH_CAP - old, "/%s", seg);
	c->plen = strlen(c->path);
	return old;
}

static void path_pop(struct vctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

static int fail(struct vctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct vctx *c, const char *fmt, ...)
{
	va_list ap;

	c->errdepth = c->plen;
	if (c->quiet)
		return V_BAD;
	memcpy(c->errpath, c->path, c->plen + 1);
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	return V_BAD;
}

static int fatal(struct vctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fatal(struct vctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	c->fatal_code = code;
	memcpy(c->errpath, c->path, c->plen + 1);
	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	return V_FATAL;
}

/* Take the message of a text builder as the reason at the current path. */
static int fail_buf(struct vctx *c, struct buf *b)
{
	int r;

	if (b->oom)
		r = fatal(c, XFA_ERROR, "out of memory");
	else
		r = fail(c, "%s", b->p ? b->p : "");
	free(b->p);
	return r;
}

/* Evaluate `s` on the member `key` or the item `i` of the current value. */
static int eval_key(struct vctx *c, const json_t *s, const json_t *v,
		    const char *key)
{
	size_t old = path_key(c, key);
	int r = eval(c, s, v);

	path_pop(c, old);
	return r;
}

static int eval_index(struct vctx *c, const json_t *s, const json_t *v,
		      size_t i)
{
	size_t old = path_index(c, i);
	int r = eval(c, s, v);

	path_pop(c, old);
	return r;
}

/* 0 if absent, 1 with *out set, or V_FATAL if not a non-negative integer. */
static int get_count(struct vctx *c, const json_t *s, const char *kw,
		     long long *out)
{
	const json_t *x = json_object_get(s, kw);

	if (!x)
		return 0;
	if (!is_integral(x) || json_number_value(x) < 0)
		return fatal(c, XFA_ERROR, "\"%s\" must be a non-negative integer", kw);
	if (json_is_integer(x))
		*out = (long long)json_integer_value(x);
	else
		*out = json_real_value(x) >= 9e18 ? (long long)9e18 :
			(long long)json_real_value(x);
	return 1;
}

/* A pattern's verdict on `s`: 1, 0, or V_FATAL (see schema_pattern_find). */
static int rx_match(struct vctx *c, const char *pattern, const char *s)
{
	char err[REASON_CAP];
	int r = schema_pattern_find(pattern, s, err, sizeof(err));

	return r < 0 ? fatal(c, r, "%s", err) : r;
}

/* ---- the embedded files ------------------------------------------------- */

struct loaded {
	json_t *doc;
	int code;   /* 0, or why the file cannot be used */
	char *msg;
};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static struct loaded *loaded;
static size_t nloaded;

const struct xfa_embedded *xfa_embedded_find(const char *name)
{
	const struct xfa_embedded *e;

	for (e = xfa_embedded_files; e->name; e++)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* Index of embedded file `name` in `loaded`, or -1 (no locking: call after
 * load_once has run). */
static long find_loaded(const char *name)
{
	size_t i;

	for (i = 0; i < nloaded; i++)
		if (!strcmp(xfa_embedded_files[i].name, name))
			return (long)i;
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
static int resolve(struct vctx *c, const char *ref, const json_t **target,
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
			return fatal(c, XFA_ERROR,
				"cannot resolve $ref '%s': no such embedded schema", ref);
		*root = loaded[i].doc;
		*base = xfa_embedded_files[i].name;
	}
	if (hash && hash[1] && hash[1] != '/')
		return fatal(c, XFA_ERROR,
			"cannot resolve $ref '%s': only JSON pointers are supported", ref);
	if (!(*target = pointer_get(*root, hash ? hash + 1 : "")))
		return fatal(c, XFA_ERROR, "cannot resolve $ref '%s'", ref);
	return V_OK;
}

/* ---- keywords ----------------------------------------------------------- */

static int eval_ref(struct vctx *c, const json_t *ref, const json_t *v)
{
	const json_t *root = c->root, *target, *nroot;
	const char *base = c->base, *nbase;
	int r;

	if (!json_is_string(ref))
		return fatal(c, XFA_ERROR, "\"$ref\" must be a string");
	if ((r = resolve(c, json_string_value(ref), &target, &nroot, &nbase)))
		return r;
	c->root = nroot;
	c->base = nbase;
	r = eval(c, target, v);
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
static int type_is(const json_t *t, const json_t *v)
{
	const char *n = json_string_value(t);

	if (!n || !type_noun(n))
		return -1;
	if (!strcmp(n, "integer"))
		return is_integral(v);
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
		if ((r = type_is(e, v)) < 0)
			return fatal(c, XFA_ERROR, "\"type\" names no JSON type");
		if (r)
			return V_OK;
	}
	if (c->quiet)
		return fail(c, "wrong type");
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
			return fail(c, "wrong value");
		schema_buf_str(&b, "must be ");
		buf_value(&b, e, 1);
		return fail_buf(c, &b);
	}
	if (!(e = json_object_get(s, "enum")))
		return V_OK;
	if (!json_is_array(e))
		return fatal(c, XFA_ERROR, "\"enum\" must be an array");
	json_array_foreach(e, i, x)
		if (value_eq(x, v, 0))
			return V_OK;
	if (c->quiet)
		return fail(c, "not in enum");
	schema_buf_str(&b, "must be one of: ");
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
		{ "minimum", "must be at least", 1, 0, 0 },
		{ "maximum", "must be at most", 0, 0, 1 },
		{ "exclusiveMinimum", "must be greater than", 1, 1, 0 },
		{ "exclusiveMaximum", "must be less than", 0, 1, 1 },
	};
	const json_t *x;
	char num[40];
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		int cmp;
		if (!(x = json_object_get(s, rules[i].kw)))
			continue;
		if (!json_is_number(x))
			return fatal(c, XFA_ERROR, "\"%s\" must be a number", rules[i].kw);
		cmp = num_cmp(v, x);
		if ((cmp < 0 && rules[i].bad_lt) || (cmp == 0 && rules[i].bad_eq) ||
		    (cmp > 0 && rules[i].bad_gt)) {
			fmt_num(num, sizeof(num), x);
			return fail(c, "%s %s", rules[i].msg, num);
		}
	}
	if ((x = json_object_get(s, "multipleOf"))) {
		if (!json_is_number(x) || json_number_value(x) <= 0)
			return fatal(c, XFA_ERROR, "\"multipleOf\" must be a positive number");
		if (!is_multiple(v, x)) {
			fmt_num(num, sizeof(num), x);
			return fail(c, "must be a multiple of %s", num);
		}
	}
	return V_OK;
}

static int kw_format(struct vctx *c, const json_t *s, const json_t *v)
{
	const char *f = json_string_value(json_object_get(s, "format"));
	const char *str = json_string_value(v);
	size_t len = json_string_length(v);

	if (!f)
		return V_OK;
	if (!strcmp(f, "date-time") && !is_date_time(str, len))
		return fail(c, "must be a date-time with a UTC offset "
			       "(e.g. 2026-03-01T09:30:00+08:00)");
	if (!strcmp(f, "date") && !(len == 10 && is_date(str)))
		return fail(c, "must be a date (YYYY-MM-DD)");
	if (!strcmp(f, "email") && !is_email(str, len))
		return fail(c, "must be an email address");
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
		return lim == 1 ? fail(c, "must not be empty") :
			fail(c, "must be at least %lld characters long", lim);
	if ((r = get_count(c, s, "maxLength", &lim)) < 0)
		return r;
	if (r && n > (unsigned long long)lim)
		return fail(c, "must be at most %lld characters long", lim);
	if ((p = json_object_get(s, "pattern"))) {
		if (!json_is_string(p))
			return fatal(c, XFA_ERROR, "\"pattern\" must be a string");
		if ((r = rx_match(c, json_string_value(p), str)) < 0)
			return r;
		if (!r)
			return fail(c, "does not match pattern %s", json_string_value(p));
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
		return fail(c, "must have at most %zu item%s", fixed,
			    fixed == 1 ? "" : "s");
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
	return fail(c, "must contain at least one matching item");
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
		return fail(c, "must have at least %lld item%s", lim, lim == 1 ? "" : "s");
	if ((r = get_count(c, s, "maxItems", &lim)) < 0)
		return r;
	if (r && n > (unsigned long long)lim)
		return fail(c, "must have at most %lld item%s", lim, lim == 1 ? "" : "s");
	if (u && !json_is_boolean(u))
		return fatal(c, XFA_ERROR, "\"uniqueItems\" must be a boolean");
	for (i = 0; json_is_true(u) && i < n; i++)
		for (j = i + 1; j < n; j++)
			if (value_eq(json_array_get(v, i), json_array_get(v, j), 0))
				return fail(c, "must not contain duplicates "
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
		return fatal(c, XFA_ERROR, "\"properties\" and \"patternProperties\" "
				"must be objects");
	json_object_foreach((json_t *)v, key, m) {
		matched = 0;
		if ((sub = json_object_get(props, key))) {
			matched = 1;
			if ((r = eval_key(c, sub, m, key)))
				return r;
		}
		json_object_foreach((json_t *)pats, pat, sub) {
			if ((r = rx_match(c, pat, key)) < 0)
				return r;
			if (r && (matched = 1) && (r = eval_key(c, sub, m, key)))
				return r;
		}
		if (matched || !more)
			continue;
		if (json_is_false(more)) {
			size_t old = path_key(c, key);
			r = fail(c, "unknown property '%s'", key);
			path_pop(c, old);
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
			return fatal(c, XFA_ERROR, "out of memory");
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
		return fatal(c, XFA_ERROR, "\"required\" must be an array");
	json_array_foreach(req, i, k) {
		if (!json_is_string(k))
			return fatal(c, XFA_ERROR, "\"required\" must list strings");
		if (json_object_get(v, json_string_value(k)))
			continue;
		old = path_key(c, json_string_value(k));
		if (dependent)
			r = fail(c, "property '%s' required by '%s' missing",
				 json_string_value(k), dependent);
		else
			r = fail(c, "required property '%s' missing",
				 json_string_value(k));
		path_pop(c, old);
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
		r = json_is_array(d) ? kw_required(c, d, v, key) : eval(c, d, v);
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
		return fail(c, "must have at least %lld propert%s", lim,
			    lim == 1 ? "y" : "ies");
	if ((r = get_count(c, s, "maxProperties", &lim)) < 0)
		return r;
	if (r && n > (unsigned long long)lim)
		return fail(c, "must have at most %lld propert%s", lim,
			    lim == 1 ? "y" : "ies");
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
		return eval(c, json_array_get(list, best), v);
	json_array_foreach(list, i, sub) {
		if ((r = eval(c, sub, v)) != V_BAD) {
			free(b.p);
			return r == V_OK ? fatal(c, XFA_ERROR, "schema evaluation "
						 "is not repeatable") : r;
		}
		if (i)
			schema_buf_str(&b, ", or ");
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
		return fatal(c, XFA_ERROR, "\"anyOf\" and \"oneOf\" must be "
				"non-empty arrays");
	c->quiet++;
	json_array_foreach(list, i, sub) {
		r = eval(c, sub, v);
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
		return fail(c, "must match exactly one alternative, but matches "
			       "alternatives %zu and %zu", first + 1, i + 1);
	return explain_alternatives(c, list, v, best, deepest);
}

static int kw_logic(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *x, *sub;
	size_t i;
	int r;

	if ((x = json_object_get(s, "allOf"))) {
		if (!json_is_array(x))
			return fatal(c, XFA_ERROR, "\"allOf\" must be an array");
		json_array_foreach(x, i, sub)
			if ((r = eval(c, sub, v)))
				return r;
	}
	if ((x = json_object_get(s, "anyOf")) && (r = kw_any_one(c, x, v, 0)))
		return r;
	if ((x = json_object_get(s, "oneOf")) && (r = kw_any_one(c, x, v, 1)))
		return r;
	if ((x = json_object_get(s, "not"))) {
		c->quiet++;
		r = eval(c, x, v);
		c->quiet--;
		if (r == V_FATAL)
			return r;
		if (r == V_OK)
			return fail(c, "must not match the schema under \"not\"");
	}
	if ((x = json_object_get(s, "if"))) {
		c->quiet++;
		r = eval(c, x, v);
		c->quiet--;
		if (r == V_FATAL)
			return r;
		sub = json_object_get(s, r == V_OK ? "then" : "else");
		if (sub && (r = eval(c, sub, v)))
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

static int eval(struct vctx *c, const json_t *s, const json_t *v)
{
	const json_t *ref;
	int r;

	if (json_is_true(s))
		return V_OK;
	if (json_is_false(s))
		return fail(c, "is not allowed");
	if (!json_is_object(s))
		return fatal(c, XFA_ERROR, "a schema must be an object or a boolean");
	if (c->depth >= DEPTH_MAX)
		return fatal(c, XFA_EINVALID, "nested deeper than %d schema levels "
			     "(a $ref loop?)", DEPTH_MAX);
	if (++c->steps > STEPS_MAX)
		return fatal(c, XFA_EINVALID, "too complex to validate");
	c->depth++;
	/* draft-07: keywords beside "$ref" are ignored */
	if ((ref = json_object_get(s, "$ref")))
		r = eval_ref(c, ref, v);
	else
		r = eval_keywords(c, s, v);
	c->depth--;
	return r;
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
		return fatal(c, XFA_ERROR, "must be an object");
	json_object_foreach((json_t *)x, key, sub) {
		old = path_ptr(c, key);
		if (kind == LK_PATTERN_MAP && (r = rx_match(c, key, "")) < 0)
			return r;
		if (kind == LK_DEPS && json_is_array(sub))
			r = V_OK;
		else
			r = lint(c, sub);
		path_pop(c, old);
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
		return fatal(c, XFA_ERROR, "must be a non-empty array of schemas");
	json_array_foreach(x, i, sub) {
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		old = path_ptr(c, idx);
		r = lint(c, sub);
		path_pop(c, old);
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
		return rx_match(c, json_string_value(x), "") < 0 ? V_FATAL : V_OK;
	case LK_REF:
		if (!json_is_string(x))
			break;
		if (resolve(c, json_string_value(x), &t, &root, &base))
			return V_FATAL;
		ok = json_is_object(t) || json_is_boolean(t);
		break;
	case LK_TYPE:
		n = json_is_array(x) ? json_array_size(x) : 1;
		for (i = 0; i < n; i++) {
			e = json_is_array(x) ? json_array_get(x, i) : x;
			ok = ok && type_is(e, json_null()) >= 0;
		}
		break;
	case LK_STRINGS:
		ok = json_is_array(x);
		json_array_foreach(x, i, e)
			ok = ok && json_is_string(e);
		break;
	case LK_COUNT: ok = is_integral(x) && json_number_value(x) >= 0; break;
	case LK_NUMBER: ok = json_is_number(x); break;
	case LK_POSITIVE: ok = json_is_number(x) && json_number_value(x) > 0; break;
	case LK_ARRAY: ok = json_is_array(x); break;
	case LK_BOOL: ok = json_is_boolean(x); break;
	case LK_STRING: ok = json_is_string(x); break;
	case LK_ANY: break;
	}
	return ok ? V_OK : fatal(c, XFA_ERROR, "value of the wrong kind");
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
		return fatal(c, XFA_ERROR, "a schema must be an object or a boolean");
	if (c->depth >= DEPTH_MAX)
		return fatal(c, XFA_ERROR, "nested too deeply");
	c->depth++;
	json_object_foreach((json_t *)s, key, x) {
		for (i = 0; i < sizeof(lint_keywords) / sizeof(lint_keywords[0]); i++)
			if (!strcmp(key, lint_keywords[i].kw))
				break;
		old = path_ptr(c, key);
		if (i < sizeof(lint_keywords) / sizeof(lint_keywords[0]))
			r = lint_value(c, x, lint_keywords[i].kind);
		else if (strncmp(key, "x-", 2) != 0)
			r = fatal(c, XFA_ERROR, "unknown keyword '%s'", key);
		else
			r = V_OK;
		path_pop(c, old);
		if (r) {
			c->depth--;
			return r;
		}
	}
	c->depth--;
	return V_OK;
}

/* ---- loading and the public functions ----------------------------------- */

static int is_schema_name(const char *name)
{
	size_t n = strlen(name);

	return n >= 12 && !strcmp(name + n - 12, ".schema.json");
}

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

static void lint_file(size_t i)
{
	struct vctx *c = calloc(1, sizeof(*c));
	char msg[REASON_CAP + PATH_CAP + 300];

	if (!c) {
		load_failed(&loaded[i], XFA_ERROR, "out of memory");
		return;
	}
	c->root = loaded[i].doc;
	c->base = xfa_embedded_files[i].name;
	if (lint(c, c->root)) {
		snprintf(msg, sizeof(msg), "schemas/%s: %s: %s", c->base,
			 c->errpath[0] ? c->errpath : "(root)", c->reason);
		load_failed(&loaded[i], XFA_ERROR, msg);
	}
	free(c);
}

/* Parse every embedded file, then check every *.schema.json (whose $refs
 * may point into the others). */
static void load_all(void)
{
	char what[300];
	size_t i, n = 0;

	while (xfa_embedded_files[n].name)
		n++;
	if (!(loaded = calloc(n ? n : 1, sizeof(*loaded))))
		return;
	nloaded = n;
	for (i = 0; i < n; i++) {
		const struct xfa_embedded *e = &xfa_embedded_files[i];
		snprintf(what, sizeof(what), "schemas/%s", e->name);
		if (xfa_json_parse(&loaded[i].doc, (const char *)e->data, e->len,
				   what) < 0)
			load_failed(&loaded[i], xfa_error_code(), xfa_error_last());
	}
	for (i = 0; i < n; i++)
		if (loaded[i].doc && is_schema_name(xfa_embedded_files[i].name))
			lint_file(i);
	xfa_error_clear();
	atexit(unload_all);
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
	r = eval(c, schema, doc);
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

int xfa_schema_check(const char *name, const json_t *doc, const char *what)
{
	const json_t *schema;
	long i;
	int err;

	if ((err = get_loaded(&schema, &i, name)) < 0)
		return err;
	return run(schema, doc, what, xfa_embedded_files[i].name);
}

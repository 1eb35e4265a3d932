/* schema_int.h - what the validator's files share: schema.c (loading, $ref
 * resolution, the public API), schema_eval.c (the keyword evaluator) and
 * schema_pattern.c (growable text, ECMA-262 patterns matched through rx.c or
 * POSIX EREs, formats).  Not a public header. */
#ifndef XFA_SCHEMA_INT_H
#define XFA_SCHEMA_INT_H

#include <stddef.h>

#include <jansson.h>

#define DEPTH_MAX 128          /* nested subschemas and $refs on one path */
#define PATH_CAP 512
#define REASON_CAP 400

/* Growable text; `oom` is set (and further adds ignored) if memory ran out. */
struct buf {
	char *p;
	size_t len, cap;
	int oom;
};

void schema_buf_add(struct buf *b, const char *s, size_t n);
void schema_buf_str(struct buf *b, const char *s);
void schema_buf_chr(struct buf *b, char ch);

/* Does `pattern` (ECMA-262, unanchored) find a match in `s`?  1, 0, or a
 * negative code (XFA_ERROR: a pattern we cannot translate; XFA_EINVALID:
 * text too long for it) with the reason in `err`.  Patterns are compiled
 * once and cached; safe to call from several threads. */
int schema_pattern_find(const char *pattern, const char *s, char *err,
			size_t errcap);

/* Forget every compiled pattern (when the schemas are unloaded). */
void schema_pattern_forget(void);

/* NULL if the `len` bytes at `s` satisfy `format` ("date-time", "date",
 * "email"; any other format is not checked), else the complaint. */
const char *schema_format_problem(const char *format, const char *s,
				  size_t len);

/* ---- the validation context (schema.c and schema_eval.c) ---------------- */

/* Results of evaluating a schema: valid, invalid (message in the context),
 * or fatal (broken schema or a limit reached: stop everything). */
enum { V_OK = 0, V_BAD = 1, V_FATAL = -1 };

/* One validation (or one check of a schema file at load), on one thread. */
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

/* Cut the path back to the length `old` a path_* push returned. */
static inline void schema_path_pop(struct vctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

/* Stop everything with `code` and the reason at the current path; returns
 * V_FATAL (schema.c). */
int schema_fatal(struct vctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A pattern's verdict on `s`: 1, 0, or V_FATAL (schema.c). */
int schema_rx_match(struct vctx *c, const char *pattern, const char *s);

/* Resolve `ref` from the current resource (c->root, c->base): the target,
 * and the resource (root and name) the target lives in.  V_OK or V_FATAL
 * (schema.c, which holds the embedded files). */
int schema_resolve(struct vctx *c, const char *ref, const json_t **target,
		   const json_t **root, const char **base);

/* Evaluate `v` against the schema `s`: V_OK, V_BAD or V_FATAL, with the
 * path and reason of a failure in `c` (schema_eval.c). */
int schema_eval(struct vctx *c, const json_t *s, const json_t *v);

/* Is `v` an integer, or a real with no fraction (schema_eval.c)? */
int schema_eval_is_integral(const json_t *v);

/* 1 if `v` has type `t`, 0 if not, -1 if `t` is no type name
 * (schema_eval.c). */
int schema_eval_type_is(const json_t *t, const json_t *v);

#endif

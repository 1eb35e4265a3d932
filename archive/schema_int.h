/* schema_int.h - what schema.c (the validator) shares with schema_pattern.c
 * (growable text, and ECMA-262 patterns matched through rx.c or POSIX EREs).
 * Not a public header. */
#ifndef XFA_SCHEMA_INT_H
#define XFA_SCHEMA_INT_H

#include <stddef.h>

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

#endif

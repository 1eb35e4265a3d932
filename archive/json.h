/* json.h - strict JSON in, canonical JSON out, and RFC 7396 merge patches. */
#ifndef XFA_JSON_H
#define XFA_JSON_H

#include <jansson.h>
#include <stddef.h>

/* Largest integer a document may hold (I-JSON: exact in an IEEE double). */
#define XFA_JSON_INT_MAX 9007199254740991LL
/* Deepest nesting a document may have. */
#define XFA_JSON_DEPTH_MAX 32

/*
 * Parse `len` bytes as one JSON object, strictly: valid UTF-8, no duplicate
 * keys, no NUL, no control characters in strings other than tab, CR and LF,
 * no fractions or exponents, integers within +-2^53, nesting within
 * XFA_JSON_DEPTH_MAX.  `what` names the source in the message ("case.json").
 * On success *out is a new reference.  Returns 0 or XFA_EINVALID.
 */
int xfa_json_parse(json_t **out, const char *buf, size_t len, const char *what);

/*
 * Check an already-built value against the same rules as xfa_json_parse
 * (used on values assembled from command-line input).  Returns 0 or
 * XFA_EINVALID naming `what` and the path of the offending member.
 */
int xfa_json_check(const json_t *v, const char *what);

/*
 * The canonical bytes of `v`: keys sorted by byte order, two-space indent,
 * raw UTF-8, a final newline.  The same value always gives the same bytes.
 * *out is malloc'd (NUL-terminated) and the caller's.  Returns 0 or XFA_ERROR.
 */
int xfa_json_dump(char **out, size_t *out_len, const json_t *v);

/*
 * Apply RFC 7396 merge patch `patch` (borrowed) to `target` (stolen; may be
 * NULL) and return the result as a new reference.  Never fails for valid
 * JSON values; returns NULL only when out of memory.
 */
json_t *xfa_json_merge_patch(json_t *target, const json_t *patch);

/* obj[key] as a string, or NULL if missing or not a string; borrowed. */
const char *xfa_json_str(const json_t *obj, const char *key);

/* obj[key] as an integer, or `dflt` if missing or not an integer. */
long long xfa_json_int(const json_t *obj, const char *key, long long dflt);

/* Is `s` (length `len`) well-formed UTF-8 without overlong forms or surrogates? */
int xfa_utf8_valid(const char *s, size_t len);

/*
 * A new array holding the items of array `arr` (new references) in the order
 * of `cmp`, which qsort calls with pointers to json_t pointers.  NULL when
 * out of memory.
 */
json_t *xfa_json_sorted(const json_t *arr, int (*cmp)(const void *, const void *));

#endif

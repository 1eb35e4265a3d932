/* rx.h - a small matcher for the anchored ECMA-262 patterns of our schemas.
 *
 * The schema validator (schema_pattern.c) translates patterns to POSIX EREs for the
 * C library's regexec, which is slow in a UTF-8 locale (a third of the cost
 * of checking a case document).  Most patterns are "^...$" made of literal
 * characters, ASCII classes, '.', groups with alternatives and quantifiers;
 * this matcher compiles such a pattern once and matches it by code points,
 * as ECMA-262 does.  Anything else (no anchors, top-level '|', \s, \b,
 * lookaround...) is refused at compile time, and a match that would take
 * too long or too deep gives up: the caller then uses regexec. */
#ifndef XFA_RX_H
#define XFA_RX_H

#include <stddef.h>

typedef struct xfa_rx xfa_rx;

/* Compile `pattern`; NULL if it is outside the subset (or out of memory). */
xfa_rx *xfa_rx_compile(const char *pattern);

/* Does the whole UTF-8 string `s` (`len` bytes) match?  1, 0, or -1 when
 * the matcher gave up (use another engine). */
int xfa_rx_match(const xfa_rx *rx, const char *s, size_t len);

void xfa_rx_free(xfa_rx *rx);

/* Read `n` hex digits of `s` into *out: 1 if all were hex, else 0. */
int xfa_rx_hexval(const char *s, int n, unsigned *out);

/* A character escape (\t, \xHH, \uHHHH, an escaped punctuation character)
 * at s[0] == '\\': its length, with its code point in *cp; 0 if not one. */
size_t xfa_rx_char_escape(const char *s, unsigned *cp);

#endif

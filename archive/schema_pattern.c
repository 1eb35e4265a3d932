/* schema_pattern.c - what strings must look like, for the schema validator:
 * ECMA-262 patterns, matched by rx.c when the pattern is in its subset, else
 * translated to a POSIX extended regular expression for regexec (compiled
 * once and cached); the formats date, date-time and email; growable text. */
#include "schema_int.h"

#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rx.h"

#define RX_BUCKETS 64
#define RX_MAX 1024            /* cached patterns before the cache is flushed */

/* ---- growable text ---------------------------------------------------- */


void schema_buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 64) + n;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void schema_buf_str(struct buf *b, const char *s)
{
	schema_buf_add(b, s, strlen(s));
}

void schema_buf_chr(struct buf *b, char ch)
{
	schema_buf_add(b, &ch, 1);
}

/* ---- patterns: ECMA-262 to POSIX ERE ------------------------------------ */

struct rx {
	struct rx *next;
	char *src;
	regex_t re;
	xfa_rx *fast;     /* the same pattern for rx.c, or NULL (regexec only) */
};

static struct rx *rx_table[RX_BUCKETS];
static size_t rx_count;
static pthread_rwlock_t rx_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Emit one literal byte so that ERE reads it as itself. */
static void rx_literal(struct buf *b, unsigned char ch)
{
	if (ch == '^') {
		schema_buf_str(b, "\\^");
	} else if (strchr(".[]()*+?{}|$\\", ch) && ch) {
		schema_buf_chr(b, '[');
		schema_buf_chr(b, (char)ch);
		schema_buf_chr(b, ']');
	} else {
		schema_buf_chr(b, (char)ch);
	}
}

/* The ASCII set of a class escape (\d \w \s): 1 if `e` is one. */
static int rx_class_set(char e, unsigned char set[128], int *space)
{
	int i;

	if (e == 'd' || e == 'w')
		for (i = '0'; i <= '9'; i++) set[i] = 1;
	if (e == 'w') {
		for (i = 'a'; i <= 'z'; i++) set[i] = set[i - 32] = 1;
		set['_'] = 1;
	}
	if (e == 's')
		*space = 1;
	return e == 'd' || e == 'w' || e == 's';
}

/* Write a bracket expression for an ASCII set. */
static void rx_emit_class(struct buf *b, const unsigned char set[128],
			  int space, int neg)
{
	int i, j, n = 0;

	for (i = 1; i < 128; i++)
		n += set[i];
	if (!neg && !space && n == 1 && set['^']) {
		schema_buf_str(b, "\\^");
		return;
	}
	if (!space && n == 0) {
		/* only NUL, which no string holds: [^\x00] is any character
		 * (without REG_NEWLINE "." is), [\x00] matches nothing (as
		 * "$x" cannot: an empty ERE class is a syntax error) */
		schema_buf_str(b, neg ? "." : "($x)");
		return;
	}
	schema_buf_str(b, neg ? "[^" : "[");
	if (set[']'])
		schema_buf_chr(b, ']');
	if (space)
		schema_buf_str(b, "[:space:]");
	for (i = 1; i < 128; i = j) {
		if (!set[i] || i == ']' || i == '^' || i == '-') {
			j = i + 1;
			continue;
		}
		for (j = i; j < 128 && set[j] && j != ']' && j != '^' && j != '-'; j++)
			;
		schema_buf_chr(b, (char)i);
		if (j - i > 2)
			schema_buf_chr(b, '-');
		if (j - i > 1)
			schema_buf_chr(b, (char)(j - 1));
	}
	if (set['^'])
		schema_buf_chr(b, '^');
	if (set['-'])
		schema_buf_chr(b, '-');
	schema_buf_chr(b, ']');
}

/* Translate the class starting at s[0] == '['; returns its length or 0. */
static size_t rx_class(struct buf *b, const char *s, const char **err)
{
	unsigned char set[128] = { 0 };
	size_t i = 1;
	int neg = 0, space = 0;

	if (s[i] == '^') {
		neg = 1;
		i++;
	}
	if (s[i] == ']') {
		*err = "empty character classes are not supported";
		return 0;
	}
	while (s[i] && s[i] != ']') {
		unsigned lo, hi;
		size_t n = 1;
		lo = (unsigned char)s[i];
		if (s[i] == '\\' && rx_class_set(s[i + 1], set, &space)) {
			i += 2;
			continue;
		}
		if (s[i] == '\\' && !(n = xfa_rx_char_escape(s + i, &lo))) {
			*err = "unsupported escape in a character class";
			return 0;
		}
		hi = lo;
		if (s[i + n] == '-' && s[i + n + 1] && s[i + n + 1] != ']') {
			size_t m = 1;
			hi = (unsigned char)s[i + n + 1];
			if (s[i + n + 1] == '\\' &&
			    !(m = xfa_rx_char_escape(s + i + n + 1, &hi))) {
				*err = "unsupported escape in a character class";
				return 0;
			}
			n += 1 + m;
		}
		if (hi >= 0x80 || lo > hi) {
			*err = "character classes must be ASCII ranges";
			return 0;
		}
		for (; lo <= hi; lo++)
			set[lo] = lo != 0; /* NUL never occurs in our strings */
		i += n;
	}
	if (s[i] != ']') {
		*err = "unterminated character class";
		return 0;
	}
	rx_emit_class(b, set, space, neg);
	return i + 1;
}

/* One escape outside a class; returns its length or 0. */
static size_t rx_escape(struct buf *b, const char *s, const char **err)
{
	static const char *const cls[] = {
		"d", "[0-9]", "D", "[^0-9]", "w", "[0-9A-Z_a-z]",
		"W", "[^0-9A-Z_a-z]", "s", "[[:space:]]", "S", "[^[:space:]]",
	};
	unsigned cp;
	size_t i, n;

	for (i = 0; i < sizeof(cls) / sizeof(cls[0]); i += 2)
		if (s[1] == cls[i][0]) {
			schema_buf_str(b, cls[i + 1]);
			return 2;
		}
	if (!(n = xfa_rx_char_escape(s, &cp)) || cp == 0) {
		*err = "unsupported escape (back-references, \\b and the like)";
		return 0;
	}
	if (cp < 0x80) {
		rx_literal(b, (unsigned char)cp);
	} else if (cp < 0x800) {
		schema_buf_chr(b, (char)(0xc0 | (cp >> 6)));
		schema_buf_chr(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		schema_buf_chr(b, (char)(0xe0 | (cp >> 12)));
		schema_buf_chr(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		schema_buf_chr(b, (char)(0x80 | (cp & 0x3f)));
	}
	return n;
}

/* Length of a valid interval "{n}", "{n,}", "{n,m}" at s, or 0. */
static size_t rx_interval(const char *s)
{
	size_t i = 1;

	if (s[i] < '0' || s[i] > '9')
		return 0;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (s[i] == ',')
		for (i++; s[i] >= '0' && s[i] <= '9'; i++)
			;
	return s[i] == '}' ? i + 1 : 0;
}

/* ECMA-262 pattern to POSIX ERE: the subset our schemas and the draft-07
 * suite use.  Lazy quantifiers become greedy (only match/no-match counts). */
/* The larger bound of the interval "{n}", "{n,}" or "{n,m}" at s. */
static size_t rx_bound(const char *s)
{
	size_t n = 0, v = 0;

	for (s++; *s != '}'; s++) {
		if (*s == ',') {
			n = v > n ? v : n;
			v = 0;
		} else if (v < 1000000) {
			v = v * 10 + (size_t)(*s - '0');
		}
	}
	return v > n ? v : n;
}

/*
 * What regcomp will build from the pattern, counted as it goes: glibc copies
 * a repeated atom once per repetition, so "(a{100}){100}" or "a+++++..."
 * grows its automaton without bound.  ECMA-262 refuses a quantifier with
 * nothing to repeat (after another quantifier, an anchor or at a start);
 * we refuse that too, and any pattern past RX_NODES once expanded.
 */
#define RX_NODES 100000
#define RX_DEPTH 64
struct rx_size {
	size_t cur, last, stack[RX_DEPTH];
	int depth;
};

static int rx_count_atom(struct rx_size *z)
{
	z->cur++;
	z->last = 1;
	return 0;
}

static int rx_size_add(struct rx_size *z, char ch, const char *s, size_t n,
		    const char **err)
{
	size_t k;

	switch (ch) {
	case '(':
		if (z->depth == RX_DEPTH)
			return *err = "groups nested too deeply", -1;
		z->stack[z->depth++] = z->cur;
		z->cur = z->last = 0;
		return 0;
	case ')':
		k = z->cur;
		z->cur = (z->depth ? z->stack[--z->depth] : 0) + k;
		z->last = k ? k : 1;
		return 0;
	case '|': case '^': case '$':
		z->last = 0;
		return 0;
	case '*': case '+': case '?': case '{':
		if (ch == '{' && n < 2)
			return rx_count_atom(z);
		if (!z->last)
			return *err = "nothing to repeat", -1;
		k = ch == '{' ? rx_bound(s) : ch == '+' ? 2 : 1;
		if (k > RX_NODES || z->last > RX_NODES / (k ? k : 1))
			return *err = "pattern too large once expanded", -1;
		z->cur += z->last * k - z->last;
		z->last = 0;
		break;
	default:
		return rx_count_atom(z);
	}
	return z->cur > RX_NODES ? (*err = "pattern too large once expanded", -1) : 0;
}

static int rx_translate(struct buf *b, const char *s, const char **err)
{
	struct rx_size z = { 0 };
	size_t i = 0, n;

	while (s[i]) {
		char ch = s[i];
		if (ch == '\\') {
			if (!(n = rx_escape(b, s + i, err)))
				return -1;
			ch = 'a';
		} else if (ch == '[') {
			if (!(n = rx_class(b, s + i, err)))
				return -1;
			ch = 'a';
		} else if (ch == '(' && s[i + 1] == '?') {
			if (s[i + 2] != ':') {
				*err = "lookaround and named groups are not supported";
				return -1;
			}
			schema_buf_chr(b, '(');
			n = 3;
		} else if (ch == '{') {
			if ((n = rx_interval(s + i)))
				schema_buf_add(b, s + i, n);
			else
				rx_literal(b, '{'), n = 1;
		} else if (ch == '}') {
			rx_literal(b, '}');
			n = 1;
		} else if (ch == '.') {
			schema_buf_str(b, "[^\n\r]");
			n = 1;
		} else {
			schema_buf_chr(b, ch);
			n = 1;
		}
		if (rx_size_add(&z, ch, s + i, n, err) < 0)
			return -1;
		if ((ch == '*' || ch == '+' || ch == '?' || (ch == '{' && n > 1)) &&
		    s[i + n] == '?')
			n++;
		i += n;
	}
	return b->oom ? (*err = "out of memory", -1) : 0;
}

static unsigned rx_hash(const char *s)
{
	unsigned h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h % RX_BUCKETS;
}

static void rx_flush(void)
{
	size_t i;

	for (i = 0; i < RX_BUCKETS; i++)
		while (rx_table[i]) {
			struct rx *x = rx_table[i];
			rx_table[i] = x->next;
			regfree(&x->re);
			xfa_rx_free(x->fast);
			free(x->src);
			free(x);
		}
	rx_count = 0;
}

/* Compile and cache `pattern`; the write lock is held. */
static struct rx *rx_compile(const char *pattern, const char **err)
{
	struct buf b = { 0 };
	struct rx *x = NULL;
	unsigned h = rx_hash(pattern);

	if (rx_translate(&b, pattern, err) < 0)
		goto done;
	if (!(x = calloc(1, sizeof(*x))) || !(x->src = strdup(pattern))) {
		*err = "out of memory";
		goto done;
	}
	if (regcomp(&x->re, b.p ? b.p : "", REG_EXTENDED | REG_NOSUB) != 0) {
		*err = "not a valid regular expression";
		goto done;
	}
	x->fast = xfa_rx_compile(pattern);
	if (rx_count >= RX_MAX)
		rx_flush();
	x->next = rx_table[h];
	rx_table[h] = x;
	rx_count++;
	free(b.p);
	return x;
done:
	if (x)
		free(x->src);
	free(x);
	free(b.p);
	return NULL;
}

/* regexec's answer for `s`: rx.c's when it has one (much faster). */
static int rx_exec(const struct rx *x, const char *s)
{
	int r = x->fast ? xfa_rx_match(x->fast, s, strlen(s)) : -1;

	if (r >= 0)
		return r ? 0 : REG_NOMATCH;
	return regexec(&x->re, s, 0, NULL, 0);
}

/* Does `pattern` (ECMA-262, unanchored) find a match in `s`?  1, 0, or a
 * negative code with the reason in `err`: XFA_ERROR (a pattern we cannot
 * translate), XFA_EINVALID (text too long for the pattern). */
int schema_pattern_find(const char *pattern, const char *s, char *err,
			size_t errcap)
{
	const char *why = NULL;
	struct rx *x;
	int r = 0;

	pthread_rwlock_rdlock(&rx_lock);
	for (x = rx_table[rx_hash(pattern)]; x; x = x->next)
		if (!strcmp(x->src, pattern))
			break;
	if (x)
		r = rx_exec(x, s);
	pthread_rwlock_unlock(&rx_lock);
	if (!x) {
		pthread_rwlock_wrlock(&rx_lock);
		for (x = rx_table[rx_hash(pattern)]; x; x = x->next)
			if (!strcmp(x->src, pattern))
				break;
		if (x || (x = rx_compile(pattern, &why)))
			r = rx_exec(x, s);
		pthread_rwlock_unlock(&rx_lock);
		if (!x) {
			snprintf(err, errcap, "pattern %s: %s", pattern, why);
			return XFA_ERROR;
		}
	}
	if (r != 0 && r != REG_NOMATCH) {
		snprintf(err, errcap, "text too long for pattern %s", pattern);
		return XFA_EINVALID;
	}
	return r == 0;
}

void schema_pattern_forget(void)
{
	pthread_rwlock_wrlock(&rx_lock);
	rx_flush();
	pthread_rwlock_unlock(&rx_lock);
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

const char *schema_format_problem(const char *format, const char *s,
				  size_t len)
{
	if (!strcmp(format, "date-time") && !is_date_time(s, len))
		return xfa_tr("must be a date-time with a UTC offset "
			      "(e.g. 2026-03-01T09:30:00+08:00)");
	if (!strcmp(format, "date") && !(len == 10 && is_date(s)))
		return xfa_tr("must be a date (YYYY-MM-DD)");
	if (!strcmp(format, "email") && !is_email(s, len))
		return xfa_tr("must be an email address");
	return NULL;
}

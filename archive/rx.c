/* rx.c - a backtracking matcher for anchored ECMA-262 patterns (rx.h). */
#include "rx.h"

#include <stdlib.h>
#include <string.h>

#define RX_REP_MAX 1000        /* the largest {n,m} bound compiled */
#define RX_STEPS 200000        /* steps before a match gives up */
#define RX_DEPTH 1000          /* nesting before a match gives up */

enum { N_SET, N_CP, N_ANY, N_GROUP };

struct rseq;

/* One atom and its quantifier. */
struct rnode {
	int kind;
	unsigned char set[128];   /* N_SET: ASCII members */
	int neg;                  /* N_SET: negated (non-ASCII then matches) */
	unsigned cp;              /* N_CP: a non-ASCII code point */
	struct rseq *alts;        /* N_GROUP: its alternatives */
	int nalts;
	int min, max;             /* max -1: unbounded */
};

struct rseq {
	struct rnode *items;
	int n;
};

struct xfa_rx {
	struct rseq body;
};

/* --- compiling ---------------------------------------------------------- */

struct rparse {
	const char *s;
	size_t i, end;
	int bad;
};

static void seq_free(struct rseq *q);

static void node_free(struct rnode *x)
{
	int j;

	if (x->kind != N_GROUP)
		return;
	for (j = 0; j < x->nalts; j++)
		seq_free(&x->alts[j]);
	free(x->alts);
	x->alts = NULL;
	x->nalts = 0;
}

static void seq_free(struct rseq *q)
{
	int i;

	for (i = 0; i < q->n; i++)
		node_free(&q->items[i]);
	free(q->items);
	q->items = NULL;
	q->n = 0;
}

int xfa_rx_hexval(const char *s, int n, unsigned *out)
{
	int i;

	*out = 0;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		unsigned d;
		if (ch >= '0' && ch <= '9') d = (unsigned)(ch - '0');
		else if (ch >= 'a' && ch <= 'f') d = (unsigned)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F') d = (unsigned)(ch - 'A' + 10);
		else return 0;
		*out = *out * 16 + d;
	}
	return 1;
}

size_t xfa_rx_char_escape(const char *s, unsigned *cp)
{
	const char *ctl = s[1] ? strchr("tnrfv", s[1]) : NULL;

	if (s[1] == '\0')
		return 0;
	if (ctl) {
		*cp = (unsigned)"\t\n\r\f\v"[ctl - "tnrfv"];
		return 2;
	}
	if (s[1] == 'x')
		return xfa_rx_hexval(s + 2, 2, cp) ? 4 : 0;
	if (s[1] == 'u')
		return xfa_rx_hexval(s + 2, 4, cp) && (*cp < 0xd800 || *cp > 0xdfff) ? 6 : 0;
	if ((unsigned char)s[1] < 0x80 &&
	    strchr("^$\\.*+?()[]{}|/-,:=!<>#&~'\"%@` ", s[1])) {
		*cp = (unsigned char)s[1];
		return 2;
	}
	return 0;
}

/* \d or \w into `set`; 1 if `e` is one of them. */
static int class_escape(char e, unsigned char set[128])
{
	int i;

	if (e != 'd' && e != 'w')
		return 0;
	for (i = '0'; i <= '9'; i++)
		set[i] = 1;
	if (e == 'w') {
		for (i = 'a'; i <= 'z'; i++)
			set[i] = set[i - 32] = 1;
		set['_'] = 1;
	}
	return 1;
}

/* Decode one UTF-8 code point at s[*i] (< end); advances *i. */
static unsigned utf8_next(const char *s, size_t *i, size_t end)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 :
		   p[0] >= 0xc0 ? 2 : 1;
	unsigned cp;
	size_t k;

	if (*i + n > end)
		n = 1;
	cp = n == 1 ? p[0] : n == 2 ? p[0] & 0x1fu : n == 3 ? p[0] & 0x0fu : p[0] & 0x07u;
	for (k = 1; k < n; k++)
		cp = (cp << 6) | (p[k] & 0x3fu);
	*i += n;
	return cp;
}

/* The class at s[i] == '['. */
static void parse_class(struct rparse *p, struct rnode *x)
{
	const char *s = p->s;
	size_t i = p->i + 1;

	x->kind = N_SET;
	if (s[i] == '^') {
		x->neg = 1;
		i++;
	}
	if (s[i] == ']')
		p->bad = 1;
	while (!p->bad && i < p->end && s[i] != ']') {
		unsigned lo = (unsigned char)s[i], hi;
		size_t n = 1, m = 1;
		if (s[i] == '\\' && class_escape(s[i + 1], x->set)) {
			i += 2;
			continue;
		}
		if (s[i] == '\\' && !(n = xfa_rx_char_escape(s + i, &lo)))
			break;
		hi = lo;
		if (i + n + 1 < p->end && s[i + n] == '-' && s[i + n + 1] != ']') {
			hi = (unsigned char)s[i + n + 1];
			if (s[i + n + 1] == '\\' && !(m = xfa_rx_char_escape(s + i + n + 1, &hi)))
				break;
			n += 1 + m;
		}
		if (hi >= 0x80 || lo > hi)
			break;
		for (; lo <= hi; lo++)
			x->set[lo] = lo != 0;
		i += n;
	}
	if (i >= p->end || s[i] != ']')
		p->bad = 1;
	p->i = i + 1;
}

/* A bound "{n}", "{n,}", "{n,m}" at s[p->i]: 1 with min/max set, or 0. */
static int parse_interval(struct rparse *p, int *min, int *max)
{
	const char *s = p->s;
	size_t i = p->i + 1;
	long a = 0, b;

	if (i >= p->end || s[i] < '0' || s[i] > '9')
		return 0;
	for (; i < p->end && s[i] >= '0' && s[i] <= '9'; i++)
		a = a > RX_REP_MAX ? a : a * 10 + (s[i] - '0');
	b = a;
	if (i < p->end && s[i] == ',') {
		b = -1;
		if (i + 1 < p->end && s[i + 1] >= '0' && s[i + 1] <= '9')
			for (b = 0, i++; i < p->end && s[i] >= '0' && s[i] <= '9'; i++)
				b = b > RX_REP_MAX ? b : b * 10 + (s[i] - '0');
		else
			i++;
	}
	if (i >= p->end || s[i] != '}')
		return 0;
	if (a > RX_REP_MAX || b > RX_REP_MAX || (b >= 0 && a > b))
		p->bad = 1;
	*min = (int)a;
	*max = (int)b;
	p->i = i + 1;
	return 1;
}

static void parse_alts(struct rparse *p, struct rnode *g);

/* One atom at s[p->i]; 0 at the end of a sequence. */
static int parse_atom(struct rparse *p, struct rnode *x)
{
	const char *s = p->s;
	unsigned cp;
	size_t n;
	int lo, hi;

	memset(x, 0, sizeof(*x));
	x->min = x->max = 1;
	if (p->i >= p->end || s[p->i] == '|' || s[p->i] == ')')
		return 0;
	switch (s[p->i]) {
	case '(':
		if (s[p->i + 1] == '?' && s[p->i + 2] != ':')
			return p->bad = 1, 0;
		p->i += s[p->i + 1] == '?' ? 3 : 1;
		parse_alts(p, x);
		if (p->bad || p->i >= p->end || s[p->i] != ')')
			return p->bad = 1, 0;
		p->i++;
		break;
	case '[':
		parse_class(p, x);
		break;
	case '\\':
		x->kind = N_SET;
		if (class_escape(s[p->i + 1], x->set) ||
		    ((s[p->i + 1] == 'D' || s[p->i + 1] == 'W') &&
		     class_escape((char)(s[p->i + 1] + 32), x->set))) {
			x->neg = s[p->i + 1] == 'D' || s[p->i + 1] == 'W';
			p->i += 2;
			break;
		}
		if (!(n = xfa_rx_char_escape(s + p->i, &cp)) || cp == 0)
			return p->bad = 1, 0;
		p->i += n;
		goto literal;
	case '.':
		x->kind = N_ANY;
		p->i++;
		break;
	case '^': case '$': case '*': case '+': case '?':
		return p->bad = 1, 0;
	case '{':
		if (parse_interval(p, &lo, &hi))
			return p->bad = 1, 0;
		/* a '{' that is no bound is itself */
		/* fall through */
	default:
		cp = utf8_next(s, &p->i, p->end);
	literal:
		if (cp < 0x80) {
			x->kind = N_SET;
			x->set[cp] = cp != 0;
		} else {
			x->kind = N_CP;
			x->cp = cp;
		}
	}
	if (p->bad || p->i >= p->end)
		return !p->bad;
	if (s[p->i] == '*' || s[p->i] == '+' || s[p->i] == '?') {
		x->min = s[p->i] == '+';
		x->max = s[p->i] == '?' ? 1 : -1;
		p->i++;
	} else if (s[p->i] == '{' && !parse_interval(p, &x->min, &x->max)) {
		return 1;     /* a literal '{' follows */
	} else if (s[p->i] != '{') {
		return 1;
	}
	if (p->i < p->end && s[p->i] == '?')
		p->i++;       /* lazy: the same for match or no match */
	if (p->i < p->end && strchr("*+?", s[p->i]))
		p->bad = 1;
	if (p->i < p->end && s[p->i] == '{' && parse_interval(p, &lo, &hi))
		p->bad = 1;
	return !p->bad;
}

static void parse_seq(struct rparse *p, struct rseq *q)
{
	struct rnode x;
	int cap = 0;

	q->items = NULL;
	q->n = 0;
	while (parse_atom(p, &x)) {
		if (q->n == cap) {
			struct rnode *n = realloc(q->items, (size_t)(cap = cap ? cap * 2 : 8) *
						  sizeof(*n));
			if (!n) {
				p->bad = 1;
				break;
			}
			q->items = n;
		}
		q->items[q->n++] = x;
	}
	if (p->bad && x.kind == N_GROUP)
		node_free(&x);
}

static void parse_alts(struct rparse *p, struct rnode *g)
{
	int cap = 0;

	g->kind = N_GROUP;
	g->alts = NULL;
	g->nalts = 0;
	for (;;) {
		if (g->nalts == cap) {
			struct rseq *n = realloc(g->alts, (size_t)(cap = cap ? cap * 2 : 2) *
						 sizeof(*n));
			if (!n) {
				p->bad = 1;
				return;
			}
			g->alts = n;
		}
		parse_seq(p, &g->alts[g->nalts++]);
		if (p->bad || p->i >= p->end || p->s[p->i] != '|')
			return;
		p->i++;
	}
}

xfa_rx *xfa_rx_compile(const char *pattern)
{
	size_t len = strlen(pattern), bs = 0;
	struct rparse p;
	xfa_rx *rx;

	/* "^...$" with the '$' not escaped */
	while (len >= 2 + bs && pattern[len - 2 - bs] == '\\')
		bs++;
	if (len < 2 || pattern[0] != '^' || pattern[len - 1] != '$' || bs % 2)
		return NULL;
	if (!(rx = calloc(1, sizeof(*rx))))
		return NULL;
	memset(&p, 0, sizeof(p));
	p.s = pattern;
	p.i = 1;
	p.end = len - 1;
	parse_seq(&p, &rx->body);
	if (p.bad || p.i != p.end) {      /* a top-level '|' or ')' stops it */
		xfa_rx_free(rx);
		return NULL;
	}
	return rx;
}

void xfa_rx_free(xfa_rx *rx)
{
	if (!rx)
		return;
	seq_free(&rx->body);
	free(rx);
}

/* --- matching ----------------------------------------------------------- */

struct rm {
	const char *s;
	size_t len;
	long steps;
	int depth;
};

/* What remains to match: the rest of a sequence, then `next`.  `loop`: the
 * sequence is one turn of that group, the count-th, begun at `start`. */
struct rk {
	const struct rseq *seq;
	int i;
	const struct rnode *loop;
	int count;
	size_t start;
	const struct rk *next;
};

/* Does atom `x` take the code point at *pos?  Advances *pos if so. */
static int atom_ok(const struct rnode *x, const struct rm *m, size_t *pos)
{
	size_t i = *pos;
	unsigned cp;

	if (i >= m->len)
		return 0;
	cp = utf8_next(m->s, &i, m->len);
	if (x->kind == N_SET ? (cp < 0x80 ? x->set[cp] != x->neg : x->neg)
	    : x->kind == N_CP ? cp == x->cp : cp != '\n' && cp != '\r') {
		*pos = i;
		return 1;
	}
	return 0;
}

static int m_cont(struct rm *m, const struct rk *k, size_t pos);

/* Group `g` after `count` turns, at `pos`: one more turn (greedy), or on. */
static int m_group(struct rm *m, const struct rnode *g, int count, size_t pos,
		   const struct rk *rest)
{
	struct rk k;
	int a, r;

	if (g->max < 0 || count < g->max)
		for (a = 0; a < g->nalts; a++) {
			k.seq = &g->alts[a];
			k.i = 0;
			k.loop = g;
			k.count = count + 1;
			k.start = pos;
			k.next = rest;
			if ((r = m_cont(m, &k, pos)))
				return r;
		}
	return count >= g->min ? m_cont(m, rest, pos) : 0;
}

static int m_atoms(struct rm *m, const struct rnode *x, size_t pos,
		   const struct rk *rest)
{
	size_t p = pos;
	int c = 0, r;

	while ((x->max < 0 || c < x->max) && atom_ok(x, m, &p))
		c++;
	if (c < x->min)
		return 0;
	for (;;) {
		if ((r = m_cont(m, rest, p)))
			return r;
		if (c == x->min)
			return 0;
		do
			p--;
		while (p > pos && ((unsigned char)m->s[p] & 0xc0) == 0x80);
		c--;
	}
}

static int m_cont(struct rm *m, const struct rk *k, size_t pos)
{
	struct rk rest;
	int r;

	if (--m->steps < 0 || m->depth >= RX_DEPTH)
		return -1;
	if (!k)
		return pos == m->len;
	if (k->i == k->seq->n) {
		if (!k->loop)
			return m_cont(m, k->next, pos);
		if (pos == k->start && k->count > k->loop->min)
			return 0;        /* an empty turn beyond the minimum */
		m->depth++;
		r = m_group(m, k->loop, k->count, pos, k->next);
		m->depth--;
		return r;
	}
	rest = *k;
	rest.i++;
	m->depth++;
	if (k->seq->items[k->i].kind == N_GROUP)
		r = m_group(m, &k->seq->items[k->i], 0, pos, &rest);
	else
		r = m_atoms(m, &k->seq->items[k->i], pos, &rest);
	m->depth--;
	return r;
}

int xfa_rx_match(const xfa_rx *rx, const char *s, size_t len)
{
	struct rm m;
	struct rk k;

	m.s = s;
	m.len = len;
	m.steps = RX_STEPS;
	m.depth = 0;
	memset(&k, 0, sizeof(k));
	k.seq = &rx->body;
	return m_cont(&m, &k, 0);
}

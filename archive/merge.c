/* merge.c - the per-record merge rule: which side's version of each record
 * a merge of two commits holds (see merge.h). */
#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "event.h"

int xfa_merge_record_of(char *dir, size_t n, char *id, const char *path)
{
	const char *s, *slash;

	if (!strncmp(path, XFA_META_DIR "/", sizeof(XFA_META_DIR))) {
		snprintf(dir, n, "%s", XFA_META_DIR);
		if (id)
			snprintf(id, 48, "%s", XFA_META_NAME);
		return 0;
	}
	if (strncmp(path, "cases/", 6) && strncmp(path, "risks/", 6))
		return -1;
	for (s = path + 6; (slash = strchr(s, '/')); s = slash + 1)
		if (memchr(s, '-', (size_t)(slash - s))) {
			if ((size_t)(slash - path) >= n || slash - s >= 48)
				return -1;
			snprintf(dir, n, "%.*s", (int)(slash - path), path);
			if (id)
				snprintf(id, 48, "%.*s", (int)(slash - s), s);
			return 0;
		}
	return -1;
}

/* The id at `path` in `commit`, zero when there is nothing there. */
static int entry_or_zero(xfa_oid *out, xfa_store *st, const xfa_oid *commit,
			 const char *path)
{
	int err = xfa_store_entry_id(out, st, commit, path);

	if (err == XFA_ENOTFOUND) {
		memset(out, 0, sizeof(*out));
		xfa_error_clear();
		return 0;
	}
	return err;
}

int xfa_merge_event_id(xfa_oid *out, xfa_store *st, const xfa_oid *commit,
		       const char *dir, unsigned seq)
{
	char path[320];

	xfa_event_path(path, sizeof(path), dir, seq, "json");
	return entry_or_zero(out, st, commit, path);
}

static int count_json(const char *name, const xfa_oid *id, int mode, void *payload)
{
	size_t n = strlen(name);

	(void)id;
	(void)mode;
	if (n > 5 && !strcmp(name + n - 5, ".json"))
		++*(unsigned *)payload;
	return 0;
}

int xfa_merge_events(unsigned *out, xfa_store *st, const xfa_oid *commit,
		     const char *dir)
{
	char path[300];
	xfa_oid t;
	int err;

	*out = 0;
	snprintf(path, sizeof(path), "%s/events", dir);
	if ((err = entry_or_zero(&t, st, commit, path)) < 0 || xfa_oid_is_zero(&t))
		return err;
	err = xfa_store_tree_each(st, &t, count_json, out);
	return err == XFA_ENOTFOUND ? 0 : err;
}

/* Do c0 and c1 hold the same event `seq` of the record? */
static int same_event(int *same, xfa_store *st, const xfa_merge_plan *p,
		      const char *dir, unsigned seq)
{
	xfa_oid a, b;
	int err;

	if ((err = xfa_merge_event_id(&a, st, &p->c[0], dir, seq)) < 0 ||
	    (err = xfa_merge_event_id(&b, st, &p->c[1], dir, seq)) < 0)
		return err;
	*same = !xfa_oid_is_zero(&a) && xfa_oid_equal(&a, &b);
	return 0;
}

/*
 * The verdict on record r.  A chained stream is a prefix of another when
 * its last event is the other's event of that seq; when it is not, the
 * longest common prefix is found by binary search (equal at k implies
 * equal below k).
 */
static int judge(xfa_merge_rec *r, xfa_store *st, const xfa_merge_plan *p)
{
	unsigned m, lo, hi, mid;
	int same = 0, err, i;

	for (i = 0; i < 2; i++)
		if (!xfa_oid_is_zero(&r->tree[i]) &&
		    (err = xfa_merge_events(&r->n[i], st, &p->c[i], r->dir)) < 0)
			return err;
	m = r->n[0] < r->n[1] ? r->n[0] : r->n[1];
	if (m && (err = same_event(&same, st, p, r->dir, m)) < 0)
		return err;
	if (!m || same) {
		r->common = m;
		if (r->n[0] == r->n[1])
			r->verdict = XFA_MERGE_BAD;   /* same events, other files */
		else
			r->verdict = r->n[0] > r->n[1] ? XFA_MERGE_TAKE0 : XFA_MERGE_TAKE1;
		return 0;
	}
	for (lo = 0, hi = m - 1; lo < hi; ) {   /* lo: known common */
		mid = lo + (hi - lo + 1) / 2;
		if ((err = same_event(&same, st, p, r->dir, mid)) < 0)
			return err;
		if (same)
			lo = mid;
		else
			hi = mid - 1;
	}
	r->common = lo;
	r->verdict = XFA_MERGE_DIVERGED;
	return 0;
}

struct collect {
	xfa_merge_plan *p;
	xfa_store *st;
	int err;
};

static int on_diff(const xfa_change *x, void *payload)
{
	struct collect *k = payload;
	xfa_merge_plan *p = k->p;
	xfa_merge_rec *r;
	char dir[256], id[48];

	if (xfa_merge_record_of(dir, sizeof(dir), id, x->path) < 0) {
		snprintf(dir, sizeof(dir), "%s", x->path);
		id[0] = '\0';
	}
	if (p->n && !strcmp(p->r[p->n - 1].dir, dir))
		return 0;              /* the diff goes in path order */
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		xfa_merge_rec *v = realloc(p->r, cap * sizeof(*v));
		if (!v) {
			k->err = xfa_error_set(XFA_ERROR, "out of memory");
			return 1;
		}
		p->r = v;
		p->cap = cap;
	}
	r = &p->r[p->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	snprintf(r->id, sizeof(r->id), "%s", id);
	r->verdict = id[0] ? XFA_MERGE_TAKE0 : XFA_MERGE_BAD;
	return 0;
}

int xfa_merge_plan_make(xfa_merge_plan *p, xfa_store *st, const xfa_oid *c0,
			const xfa_oid *c1)
{
	struct collect k = { p, st, 0 };
	xfa_oid t0, t1;
	size_t i;
	int err;

	memset(p, 0, sizeof(*p));
	p->c[0] = *c0;
	p->c[1] = *c1;
	if ((err = xfa_store_commit_tree(&t0, st, c0)) < 0 ||
	    (err = xfa_store_commit_tree(&t1, st, c1)) < 0)
		return err;
	err = xfa_store_diff(st, &t0, &t1, on_diff, &k);
	if (k.err < 0 || err < 0) {
		xfa_merge_plan_release(p);
		return k.err < 0 ? k.err : err;
	}
	for (i = 0; i < p->n; i++) {
		xfa_merge_rec *r = &p->r[i];
		if (r->verdict == XFA_MERGE_BAD)
			continue;
		if ((err = entry_or_zero(&r->tree[0], st, c0, r->dir)) < 0 ||
		    (err = entry_or_zero(&r->tree[1], st, c1, r->dir)) < 0 ||
		    (err = judge(r, st, p)) < 0) {
			xfa_merge_plan_release(p);
			return err;
		}
	}
	return 0;
}

void xfa_merge_plan_release(xfa_merge_plan *p)
{
	free(p->r);
	memset(p, 0, sizeof(*p));
}

xfa_merge_rec *xfa_merge_plan_find(xfa_merge_plan *p, const char *dir)
{
	size_t i, k;

	for (k = 0; k < p->n; k++) {
		i = (p->hint + k) % p->n;
		if (!strcmp(p->r[i].dir, dir)) {
			p->hint = i;
			return &p->r[i];
		}
	}
	return NULL;
}

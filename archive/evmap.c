/* evmap.c - the derived event -> commit list: a sorted array of (event
 * blob id, commit id) pairs in a file beside the repository, and how it is
 * built from, and brought forward over, the history of main. */
#include "evmap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "file.h"

#define MAGIC "XFAEVMP1"
#define HDR (8 + XFA_OID_RAW + 8)   /* magic, head, count */
#define REC (2 * XFA_OID_RAW)
/* The largest list read (a 40-byte record per event: 50M events). */
#define FILE_MAX ((size_t)2 << 30)

struct rec {
	xfa_oid blob, commit;
	size_t order;            /* the commit's place, oldest first */
};

struct xfa_evmap {
	xfa_oid head;
	struct rec *r;
	size_t n, cap;
};

size_t xfa_evmap_count(const xfa_evmap *m)
{
	return m ? m->n : 0;
}

void xfa_evmap_free(xfa_evmap *m)
{
	if (!m)
		return;
	free(m->r);
	free(m);
}

static int by_blob(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	int c = memcmp(a->blob.id, b->blob.id, XFA_OID_RAW);

	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

int xfa_evmap_find(xfa_oid *commit, const xfa_evmap *m, const xfa_oid *blob)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(m->r[mid].blob.id, blob->id, XFA_OID_RAW);
		if (c == 0) {
			*commit = m->r[mid].commit;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return XFA_ENOTFOUND;
}

static int push(xfa_evmap *m, const xfa_oid *blob, const xfa_oid *commit,
		size_t order)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		struct rec *n = realloc(m->r, cap * sizeof(*n));
		if (!n)
			return xfa_error_set(XFA_ERROR, "out of memory");
		m->r = n;
		m->cap = cap;
	}
	m->r[m->n].blob = *blob;
	m->r[m->n].commit = *commit;
	m->r[m->n].order = order;
	m->n++;
	return 0;
}

/* --- the file -------------------------------------------------------------- */

static void file_path(char *out, size_t n, xfa_store *st)
{
	const char *repo = xfa_store_path(st);
	size_t l = strlen(repo);

	snprintf(out, n, "%s%s" XFA_EVMAP_FILE, repo,
		 l && repo[l - 1] == '/' ? "" : "/");
}

/* The file's list, or NULL when missing or damaged. */
static xfa_evmap *load(xfa_store *st)
{
	char path[4200], *buf = NULL;
	xfa_evmap *m = NULL;
	uint64_t n;
	size_t len, i;

	file_path(path, sizeof(path), st);
	if (xfa_file_read(&buf, &len, path, FILE_MAX) < 0) {
		xfa_error_clear();
		return NULL;
	}
	if (len < HDR || memcmp(buf, MAGIC, 8))
		goto done;
	memcpy(&n, buf + 8 + XFA_OID_RAW, 8);
	if (n > (len - HDR) / REC || len != HDR + n * REC ||
	    !(m = calloc(1, sizeof(*m))))
		goto done;
	memcpy(m->head.id, buf + 8, XFA_OID_RAW);
	if (n && !(m->r = malloc((size_t)n * sizeof(*m->r)))) {
		free(m);
		m = NULL;
		goto done;
	}
	for (i = 0; i < n; i++) {
		memcpy(m->r[i].blob.id, buf + HDR + i * REC, XFA_OID_RAW);
		memcpy(m->r[i].commit.id, buf + HDR + i * REC + XFA_OID_RAW, XFA_OID_RAW);
		m->r[i].order = i;
	}
	m->n = m->cap = (size_t)n;
done:
	free(buf);
	return m;
}

/* Written back atomically; a failure (read-only archive) is no error. */
static void save(xfa_store *st, const xfa_evmap *m)
{
	char path[4200], *img;
	uint64_t n = m->n;
	size_t i, len = HDR + m->n * REC;

	if (!(img = malloc(len)))
		return;
	memcpy(img, MAGIC, 8);
	memcpy(img + 8, m->head.id, XFA_OID_RAW);
	memcpy(img + 8 + XFA_OID_RAW, &n, 8);
	for (i = 0; i < m->n; i++) {
		memcpy(img + HDR + i * REC, m->r[i].blob.id, XFA_OID_RAW);
		memcpy(img + HDR + i * REC + XFA_OID_RAW, m->r[i].commit.id, XFA_OID_RAW);
	}
	file_path(path, sizeof(path), st);
	if (xfa_file_write_atomic(path, img, len, 0644, 0) < 0)
		xfa_error_clear();
	free(img);
}

/* --- building -------------------------------------------------------------- */

struct ids {
	xfa_oid *v;
	size_t n, cap;
};

static int collect(const xfa_oid *id, void *payload)
{
	struct ids *l = payload;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		xfa_oid *n = realloc(l->v, cap * sizeof(*n));
		if (!n)
			return xfa_error_set(XFA_ERROR, "out of memory");
		l->v = n;
		l->cap = cap;
	}
	l->v[l->n++] = *id;
	return 0;
}

/* Is `path` ".../events/NNNNNN.json"? */
static int event_path(const char *path)
{
	size_t n = strlen(path);

	return n >= 19 && !strcmp(path + n - 5, ".json") &&
	       !strncmp(path + n - 19, "/events/", 8) &&
	       strspn(path + n - 11, "0123456789") == 6;
}

struct add {
	xfa_evmap *m;
	const xfa_oid *commit;
	size_t order;
};

static int on_change(const xfa_change *x, void *payload)
{
	struct add *a = payload;

	if ((x->status != 'A' && x->status != 'M') || !event_path(x->path))
		return 0;
	return push(a->m, &x->new_id, a->commit, a->order);
}

/* Add the events of the commits after `from` (NULL: all) up to `head`. */
static int extend(xfa_evmap *m, xfa_store *st, const xfa_oid *head,
		  const xfa_oid *from)
{
	struct ids l = { NULL, 0, 0 };
	xfa_commit_info ci;
	struct add a;
	size_t i, base = m->n, k, out;
	int err;

	if ((err = xfa_store_walk_hide(st, head, from, 1, collect, &l)) < 0)
		goto done;
	for (i = l.n; i-- > 0;) {      /* oldest first */
		xfa_oid ptree;
		memset(&ci, 0, sizeof(ci));
		if ((err = xfa_store_commit_info(&ci, st, &l.v[i])) < 0)
			goto done;
		if (ci.nparents)
			err = xfa_store_commit_tree(&ptree, st, &ci.parents[0]);
		a.m = m;
		a.commit = &l.v[i];
		a.order = base + (l.n - i);
		if (!err)
			err = xfa_store_diff(st, ci.nparents ? &ptree : NULL, &ci.tree,
					     on_change, &a);
		xfa_commit_info_release(&ci);
		if (err < 0)
			goto done;
	}
	/* sorted by blob, the oldest commit of each blob kept */
	if (m->n)
		qsort(m->r, m->n, sizeof(*m->r), by_blob);
	for (k = out = 0; k < m->n; k++)
		if (!out || !xfa_oid_equal(&m->r[out - 1].blob, &m->r[k].blob))
			m->r[out++] = m->r[k];
	m->n = out;
	m->head = *head;
done:
	free(l.v);
	return err;
}

int xfa_evmap_open(xfa_evmap **out, int *how, xfa_store *st,
		   const xfa_oid *head, int rebuild)
{
	xfa_evmap *m = rebuild ? NULL : load(st);
	int state = XFA_EVMAP_CURRENT, err = 0;
	size_t i;

	*out = NULL;
	if (m && !xfa_oid_equal(&m->head, head)) {
		state = XFA_EVMAP_UPDATED;
		if (xfa_store_is_ancestor(st, &m->head, head) == 1) {
			xfa_oid from = m->head;
			for (i = 0; i < m->n; i++)
				m->r[i].order = 0;   /* older than anything new */
			err = extend(m, st, head, &from);
		} else {
			xfa_error_clear();
			xfa_evmap_free(m);
			m = NULL;
		}
	}
	if (!m) {
		state = XFA_EVMAP_REBUILT;
		if (!(m = calloc(1, sizeof(*m))))
			return xfa_error_set(XFA_ERROR, "out of memory");
		err = extend(m, st, head, NULL);
	}
	if (err < 0) {
		xfa_evmap_free(m);
		return err;
	}
	if (state != XFA_EVMAP_CURRENT)
		save(st, m);
	if (how)
		*how = state;
	*out = m;
	return 0;
}

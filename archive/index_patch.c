/* index_patch.c - bringing the case index forward: the cases changed
 * between two heads (from the tree diff), and a new base image, for a large
 * index by patching (the records of the changed cases replaced, the old
 * strings kept and the new appended) instead of a full build (see index.c
 * for the file layout). */
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "index_int.h"

/* Smaller indexes are rebuilt whole: cheap, and the file stays the same
 * bytes as a fresh build. */
static size_t patch_min = 10000;

void xfa_index_set_patch_min(size_t nrec)
{
	patch_min = nrec;
}

/* Index of the first record of `ix` whose id is not below `id`. */
uint32_t xfa_ix_lower_bound(const xfa_index *ix, const char *id)
{
	uint32_t lo = 0, hi = ix->h->nrec;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(xfa_ix_field(ix, ix->recs[mid].f[F_ID]), id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Copy the records [from, to) of `old` to `out`, skipping the positions
 * listed in gone[*g...] (ascending).  Returns the records written. */
static size_t copy_run(struct rec *out, const xfa_index *old, uint32_t from,
		       uint32_t to, const uint32_t *gone, size_t ngone, size_t *g)
{
	size_t n = 0;

	while (from < to) {
		uint32_t end = to;
		while (*g < ngone && gone[*g] < from)
			(*g)++;
		if (*g < ngone && gone[*g] < to)
			end = gone[*g];
		memcpy(out + n, old->recs + from, (size_t)(end - from) * sizeof(*out));
		n += end - from;
		from = end + (end < to);
	}
	return n;
}

/* The records of `os` as records of a base whose strings end at `strbytes`
 * (their new strings interned in `t`); the GONE ones are not laid out. */
static int new_records(struct rec *nr, size_t *n, struct strtab *t,
		       const struct oents *os, uint64_t strbytes)
{
	size_t i, k;
	int err = 0;

	*n = 0;
	for (i = 0; i < os->n && !err; i++) {
		const struct ent *e = &os->v[i].e;
		if (os->v[i].flags & OV_GONE)
			continue;
		for (k = 0; k < NF && !err; k++) {
			uint32_t off;
			err = xfa_ix_intern(&off, t, e->f[k] ? e->f[k] : "");
			nr[*n].f[k] = e->f[k] && *e->f[k] ? (uint32_t)strbytes + off : 0;
		}
		nr[(*n)++].od = e->od;
	}
	return err;
}

/*
 * A few cases changed: the new image is the old one with their records
 * replaced, the old strings kept as they are and the new ones appended (the
 * header's spare word counts the bytes appended since the last full build).
 * Returns 1 when a full build is better (a small index, many changes, or
 * the appended strings grew past a quarter of the text).
 */
int xfa_ix_patch(unsigned char **img, size_t *len, const struct oents *os,
		 const xfa_oid *head, const xfa_index *old)
{
	struct strtab t;
	struct hdr h;
	struct rec *nr = NULL;
	uint32_t *gone = NULL, at = 0;
	size_t i, j, ngone = 0, g = 0, n = 0, nnew = 0, size;
	int err = 0;

	*img = NULL;
	if (old->h->nrec < patch_min || os->n > old->h->nrec / 8 + 64 ||
	    old->h->zero > old->h->strbytes / 4)
		return 1;
	memset(&t, 0, sizeof(t));
	if (!(gone = calloc(os->n + 1, sizeof(*gone))) ||
	    !(nr = calloc(os->n + 1, sizeof(*nr)))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	for (i = 0; i < os->n; i++)     /* ascending: os is sorted by id */
		if (os->v[i].flags & OV_REPLACES)
			gone[ngone++] = os->v[i].pos;
	if ((err = new_records(nr, &nnew, &t, os, old->h->strbytes)) < 0)
		goto done;
	size = sizeof(h) + (old->h->nrec - ngone + nnew) * sizeof(struct rec) +
	       old->h->strbytes + t.len;
	if (old->h->strbytes + t.len > UINT32_MAX - 1 || !(*img = malloc(size))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	{
		struct rec *out = (struct rec *)(*img + sizeof(h));
		for (i = j = 0; i < os->n; i++) {
			uint32_t p = os->v[i].pos;
			if (os->v[i].flags & OV_GONE)
				continue;
			n += copy_run(out + n, old, at, p, gone, ngone, &g);
			at = p;
			out[n++] = nr[j++];
		}
		n += copy_run(out + n, old, at, old->h->nrec, gone, ngone, &g);
	}
	memcpy(*img + sizeof(h) + n * sizeof(struct rec), old->str, old->h->strbytes);
	if (t.len)
		memcpy(*img + sizeof(h) + n * sizeof(struct rec) + old->h->strbytes, t.buf, t.len);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, 8);
	h.version = VERSION;
	h.nrec = (uint32_t)n;
	h.strbytes = old->h->strbytes + t.len;
	h.zero = old->h->zero + (uint32_t)t.len;
	memcpy(h.head, head->id, 20);
	h.sum = xfa_ix_checksum(*img + sizeof(h), size - sizeof(h));
	h.sum_recs = xfa_ix_checksum((const unsigned char *)&h, 48) ^
		     xfa_ix_checksum(*img + sizeof(h), n * sizeof(struct rec));
	memcpy(*img, &h, sizeof(h));
	*len = size;
done:
	if (err) {
		free(*img);
		*img = NULL;
	}
	free(gone);
	free(nr);
	free(t.buf);
	free(t.slot);
	return err;
}

/* --- updating by a full build ----------------------------------------------- */

/* Entries borrowing the strings of mapped index `ix`. */
int xfa_ix_ents_from_index(struct ents *es, const xfa_index *ix)
{
	struct ent e;
	uint32_t i;
	size_t k;
	int err;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < ix->h->nrec; i++) {
		for (k = 0; k < NF; k++)
			e.f[k] = xfa_ix_field(ix, ix->recs[i].f[k]);
		e.od = ix->recs[i].od;
		if ((err = xfa_ix_ents_push(es, &e)) < 0)
			return err;
	}
	return 0;
}


/* Collect the case ids whose case.json differs between the two trees. */
static int note_change(const xfa_change *c, void *payload)
{
	struct changed *ch = payload;
	const char *end, *start;
	char *id;

	if (strncmp(c->path, "cases/", 6))
		return 0;
	end = strrchr(c->path, '/');
	if (!end || strcmp(end + 1, XFA_CASE_DOC))
		return 0;
	for (start = end; start > c->path && start[-1] != '/'; start--)
		;
	if (ch->n == ch->cap) {
		size_t cap = ch->cap ? ch->cap * 2 : 64;
		char **v = realloc(ch->ids, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		ch->ids = v;
		ch->cap = cap;
	}
	if (!(id = strndup(start, (size_t)(end - start))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	ch->ids[ch->n++] = id;
	return 0;
}

void xfa_ix_changes_free(struct changed *ch)
{
	size_t i;

	for (i = 0; i < ch->n; i++)
		free(ch->ids[i]);
	free(ch->ids);
	memset(ch, 0, sizeof(*ch));
}

/* The ids of the cases whose case.json differs between `from` and `head`. */
int xfa_ix_changes_collect(struct changed *ch, xfa_store *st, const xfa_oid *from,
			   const xfa_oid *head)
{
	xfa_oid ta, tb;
	int err;

	memset(ch, 0, sizeof(*ch));
	if ((err = xfa_store_commit_tree(&ta, st, from)) < 0 ||
	    (err = xfa_store_commit_tree(&tb, st, head)) < 0 ||
	    (err = xfa_store_diff(st, &ta, &tb, note_change, ch)) < 0)
		xfa_ix_changes_free(ch);
	return err;
}

/* Apply the changed cases `ch` (read at `head`) to sorted entries `es`. */
int xfa_ix_apply_changes(struct ents *es, xfa_store *st, const xfa_meta *m,
			 const struct changed *ch, const xfa_oid *head)
{
	size_t i, old_n = es->n;
	int err = 0;

	for (i = 0; i < ch->n && !err; i++) {
		struct ent key, *hit, e;
		char dir[200];
		key.f[F_ID] = ch->ids[i];
		hit = old_n ? bsearch(&key, es->v, old_n, sizeof(*es->v),
				      xfa_ix_ent_cmp) : NULL;
		if (hit)
			hit->dead = 1;
		if (xfa_case_dir(dir, sizeof(dir), ch->ids[i]) < 0)
			continue;
		err = xfa_ix_ent_read(&e, st, head, m, dir);
		if (err == XFA_ENOTFOUND) {     /* the case left the archive */
			err = 0;
			continue;
		}
		if (!err && (err = xfa_ix_ents_push(es, &e)) < 0)
			free(e.block);
	}
	if (!err && es->n)   /* qsort(NULL, 0, ...) is undefined */
		qsort(es->v, es->n, sizeof(*es->v), xfa_ix_ent_cmp);
	xfa_error_clear();
	return err;
}

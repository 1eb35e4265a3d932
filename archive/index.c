/* index.c - the derived case index: a sorted binary file beside the
 * repository, mapped read-only for queries, updated from the tree changes
 * since the indexed head and written atomically.
 *
 * File layout (little-endian, this machine's byte order; a file written on
 * another kind of machine fails the checks and is rebuilt):
 *   header   64 bytes: "XFAIDX1\n", u32 version, u32 nrec, u64 strbytes,
 *            20-byte head commit, u32 zero, u64 checksum of everything
 *            after the header, u64 checksum of the header's first 48 bytes
 *            and the records (checked on every open; the whole file is
 *            checked before an update)
 *   records  nrec x 32 bytes, sorted by case id: u32 string offsets of id,
 *            status, unit, category, lead, received_at, summary; i32 the
 *            first day the case is overdue (INT32_MAX: never)
 *   strings  NUL-terminated, deduplicated; offset 0 is ""
 *
 * After a few writes only the overlay beside it changes (xfa-index.overlay,
 * index_overlay.c): the records of the cases changed since the base's head,
 * merged into the base's by queries; past its bound it is folded into a new
 * base (index_patch.c) and removed.  Both files are replaced by rename, and
 * the overlay names its base, so a reader never mixes unrelated files.
 */
#define _XOPEN_SOURCE 700
#include "index.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "index_int.h"
#include "workflow.h"


/* A fast 64-bit checksum (not cryptographic: the index is never trusted). */
uint64_t xfa_ix_checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001B3ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001B3ull;
	return h;
}

/* --- rows from documents ------------------------------------------------ */

/* The first day `doc` counts as overdue (cf. cmd_case's is_overdue). */
static int32_t overdue_from(const xfa_meta *m, const json_t *doc)
{
	const char *status = xfa_json_str(doc, "status");
	json_t *early, *late, *d;
	int32_t best = INT32_MAX;
	size_t i;

	if (!status || xfa_workflow_is_archivable(m->wf, status) ||
	    xfa_workflow_is_terminal(m->wf, status))
		return INT32_MAX;
	/* late whatever the day (stopped after the due date): always */
	early = xfa_workflow_deadlines(m->wf, doc, m->cal, -1000000L);
	json_array_foreach(early, i, d)
		if (json_is_false(json_object_get(d, "met")) && !xfa_json_str(d, "done"))
			best = INT32_MIN;
	json_decref(early);
	if (best == INT32_MIN)
		return best;
	/* open and not done: late from the day after the due date */
	late = xfa_workflow_deadlines(m->wf, doc, m->cal, 10000000L);
	json_array_foreach(late, i, d) {
		long day;
		if (json_is_false(json_object_get(d, "met")) && !xfa_json_str(d, "done") &&
		    xfa_day_parse(&day, xfa_json_str(d, "due")) == 0 && day + 1 < best)
			best = (int32_t)(day + 1);
	}
	json_decref(late);
	return best;
}

/* The first SUMMARY_CHARS characters of `s`, with "…" if cut. */
static void cut_summary(char *out, size_t n, const char *s)
{
	size_t i = 0, k = 0;

	if (!s)
		s = "";
	while (s[i] && k < SUMMARY_CHARS && i + 8 < n) {
		i++;
		while (s[i] && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		k++;
	}
	snprintf(out, n, "%.*s%s", (int)i, s, s[i] ? "…" : "");
}

/* Fill `e` from case document `doc`; its strings go into one owned block. */
static int ent_from_doc(struct ent *e, const xfa_meta *m, const json_t *doc)
{
	const char *v[NF];
	char sum[128];
	size_t len = 0, i;
	char *p;

	memset(e, 0, sizeof(*e));
	cut_summary(sum, sizeof(sum), xfa_json_str(doc, "summary"));
	v[F_ID] = xfa_json_str(doc, "id");
	v[F_STATUS] = xfa_json_str(doc, "status");
	v[F_UNIT] = xfa_json_str(doc, "unit");
	v[F_CATEGORY] = xfa_json_str(doc, "category");
	v[F_LEAD] = xfa_json_str(doc, "lead");
	v[F_RECEIVED] = xfa_json_str(doc, "received_at");
	v[F_SUMMARY] = sum;
	if (!v[F_ID])
		return xfa_error_set(XFA_EINVALID, "a case document without an id");
	for (i = 0; i < NF; i++)
		len += strlen(v[i] ? v[i] : "") + 1;
	if (!(p = e->block = malloc(len)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < NF; i++) {
		size_t l = strlen(v[i] ? v[i] : "") + 1;
		memcpy(p, v[i] ? v[i] : "", l);
		e->f[i] = p;
		p += l;
	}
	e->od = overdue_from(m, doc);
	return 0;
}

int xfa_ix_ents_push(struct ents *es, const struct ent *e)
{
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 1024;
		struct ent *v = realloc(es->v, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		es->v = v;
		es->cap = cap;
	}
	es->v[es->n++] = *e;
	return 0;
}

void xfa_ix_ents_release(struct ents *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->v[i].block);
	free(es->v);
	memset(es, 0, sizeof(*es));
}

int xfa_ix_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int xfa_ix_ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->f[F_ID], ((const struct ent *)b)->f[F_ID]);
}

/* Read case.json of the case in `dir` at `commit` into an entry. */
int xfa_ix_ent_read(struct ent *e, xfa_store *st, const xfa_oid *commit,
		    const xfa_meta *m, const char *dir)
{
	json_t *doc;
	int err;

	if ((err = xfa_case_doc_at(&doc, st, commit, dir)) == 0)
		err = ent_from_doc(e, m, doc);
	json_decref(doc);
	return err;
}

struct scan {
	struct ents *es;
	xfa_store *st;
	const xfa_oid *head;
	const xfa_meta *m;
};

static int scan_one(const char *id, const char *dir, void *payload)
{
	struct scan *s = payload;
	struct ent e;
	int err;

	(void)id;
	if ((err = xfa_ix_ent_read(&e, s->st, s->head, s->m, dir)) < 0)
		return err;
	if ((err = xfa_ix_ents_push(s->es, &e)) < 0)
		free(e.block);
	return err;
}

/* --- the file ----------------------------------------------------------- */

/* Intern table: offsets of strings already in the string area. */

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int tab_grow(struct strtab *t)
{
	size_t n = t->nslot ? t->nslot * 2 : 4096, i;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < t->nslot; i++)
		if (t->slot[i]) {
			size_t j = str_hash(t->buf + t->slot[i] - 1) & (n - 1);
			while (s[j])
				j = (j + 1) & (n - 1);
			s[j] = t->slot[i];
		}
	free(t->slot);
	t->slot = s;
	t->nslot = n;
	return 0;
}

/* The offset of `s` in the string area, adding it if new. */
int xfa_ix_intern(uint32_t *out, struct strtab *t, const char *s)
{
	size_t l = strlen(s) + 1, j;
	int err;

	if (!*s) {
		*out = 0;
		return 0;
	}
	if ((t->used + 1) * 2 > t->nslot && (err = tab_grow(t)) < 0)
		return err;
	for (j = str_hash(s) & (t->nslot - 1); t->slot[j]; j = (j + 1) & (t->nslot - 1))
		if (!strcmp(t->buf + t->slot[j] - 1, s)) {
			*out = t->slot[j] - 1;
			return 0;
		}
	if (t->len + l > UINT32_MAX - 1)
		return xfa_error_set(XFA_ERROR, "the index outgrew 4 GB of text");
	if (t->len + l > t->cap) {
		size_t cap = (t->len + l) * 2;
		char *b = realloc(t->buf, cap);
		if (!b)
			return xfa_error_set(XFA_ERROR, "out of memory");
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, l);
	*out = (uint32_t)t->len;
	t->slot[j] = (uint32_t)t->len + 1;
	t->len += l;
	t->used++;
	return 0;
}

/* Lay out the live entries of `es` (sorted) as an index image in *out. */
static int serialize(unsigned char **out, size_t *out_len, const struct ents *es,
		     const xfa_oid *head)
{
	struct strtab t;
	struct hdr h;
	struct rec *recs = NULL;
	unsigned char *img = NULL;
	size_t i, k, n = 0, size;
	int err = 0;

	memset(&t, 0, sizeof(t));
	*out = NULL;
	if (!(t.buf = malloc(t.cap = 4096)) ||
	    !(recs = calloc(es->n ? es->n : 1, sizeof(*recs)))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	t.buf[0] = '\0';
	t.len = 1;
	for (i = 0; i < es->n && !err; i++) {
		if (es->v[i].dead)
			continue;
		for (k = 0; k < NF && !err; k++)
			err = xfa_ix_intern(&recs[n].f[k], &t, es->v[i].f[k] ? es->v[i].f[k] : "");
		recs[n++].od = es->v[i].od;
	}
	if (err)
		goto done;
	size = sizeof(h) + n * sizeof(*recs) + t.len;
	if (!(img = malloc(size))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, 8);
	h.version = VERSION;
	h.nrec = (uint32_t)n;
	h.strbytes = t.len;
	memcpy(h.head, head->id, 20);
	memcpy(img + sizeof(h), recs, n * sizeof(*recs));
	memcpy(img + sizeof(h) + n * sizeof(*recs), t.buf, t.len);
	h.sum = xfa_ix_checksum(img + sizeof(h), size - sizeof(h));
	h.sum_recs = xfa_ix_checksum((const unsigned char *)&h, 48) ^
		     xfa_ix_checksum(img + sizeof(h), n * sizeof(*recs));
	memcpy(img, &h, sizeof(h));
	*out = img;
	*out_len = size;
done:
	free(t.buf);
	free(t.slot);
	free(recs);
	return err;
}

/* Point `ix` at an image; 0, or XFA_EINVALID if its structure is wrong. */
static int attach(xfa_index *ix, unsigned char *base, size_t size)
{
	const struct hdr *h = (const struct hdr *)base;

	ix->base = base;
	ix->size = size;
	if (size < sizeof(*h) + 1 || memcmp(h->magic, MAGIC, 8) || h->version != VERSION ||
	    h->strbytes < 1 ||
	    (uint64_t)h->nrec * sizeof(struct rec) + h->strbytes + sizeof(*h) != size ||
	    base[size - 1] != '\0' || base[sizeof(*h) + (size_t)h->nrec * sizeof(struct rec)] ||
	    (xfa_ix_checksum(base, 48) ^ xfa_ix_checksum(base + sizeof(*h), (size_t)h->nrec *
					   sizeof(struct rec))) != h->sum_recs)
		return xfa_error_set(XFA_EINVALID, "the case index is damaged");
	ix->h = h;
	ix->count = h->nrec;
	ix->recs = (const struct rec *)(base + sizeof(*h));
	ix->str = (const char *)(base + sizeof(*h) + (size_t)h->nrec * sizeof(struct rec));
	return 0;
}

const char *xfa_ix_field(const xfa_index *ix, uint32_t off)
{
	if (off < ix->h->strbytes)
		return ix->str + off;
	if (ix->oh && off - ix->h->strbytes < ix->oh->strbytes)
		return ix->ostr + (off - ix->h->strbytes);
	return "";
}

/* Map the file at `path`.  XFA_ENOTFOUND if it is missing. */
static int map_file(xfa_index *ix, const char *path)
{
	struct stat sb;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), err;

	if (fd < 0)
		return xfa_error_set(XFA_ENOTFOUND, "no case index");
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < 64) {
		close(fd);
		return xfa_error_set(XFA_EINVALID, "the case index is damaged");
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return xfa_error_set(XFA_EIO, "cannot map the case index");
	ix->mapped = 1;
	if ((err = attach(ix, p, (size_t)sb.st_size)) < 0) {
		munmap(p, (size_t)sb.st_size);
		memset(ix, 0, sizeof(*ix));
	}
	return err;
}

static void detach(xfa_index *ix)
{
	xfa_ix_ov_detach(ix);
	if (ix->mapped)
		munmap(ix->base, ix->size);
	else
		free(ix->base);
	memset(ix, 0, sizeof(*ix));
}

/* --- opening ------------------------------------------------------------ */

static void index_path(char *out, size_t n, xfa_archive *a, const char *name)
{
	const char *repo = xfa_store_path(xfa_archive_store(a));
	size_t l = strlen(repo);

	snprintf(out, n, "%s%s%s", repo, l && repo[l - 1] == '/' ? "" : "/", name);
}

/* Build the image for `head` in full: from `old` (mapped, at an older
 * head, its overlay detached) or a scan. */
static int build(unsigned char **img, size_t *len, xfa_archive *a,
		 const xfa_oid *head, const xfa_index *old)
{
	struct ents es;
	struct scan s;
	const xfa_meta *m;
	xfa_oid from;
	int err;

	memset(&es, 0, sizeof(es));
	if ((err = xfa_archive_meta(&m, a)) < 0)
		return err;
	if (old) {
		struct changed ch;
		memcpy(from.id, old->h->head, 20);
		if ((err = xfa_ix_changes_collect(&ch, xfa_archive_store(a), &from, head)) < 0)
			return err;
		if ((err = xfa_ix_ents_from_index(&es, old)) == 0)
			err = xfa_ix_apply_changes(&es, xfa_archive_store(a), m, &ch, head);
		xfa_ix_changes_free(&ch);
	} else {
		s.es = &es;
		s.st = xfa_archive_store(a);
		s.head = head;
		s.m = m;
		if ((err = xfa_case_each(s.st, head, scan_one, &s)) == 0 && es.n)
			qsort(es.v, es.n, sizeof(*es.v), xfa_ix_ent_cmp);
	}
	if (!err)
		err = serialize(img, len, &es, head);
	xfa_ix_ents_release(&es);
	return err;
}

/* Can the mapped index be brought forward to `head`?  1, 0, or a code. */
static int usable_base(const xfa_index *ix, xfa_archive *a, const xfa_oid *head)
{
	xfa_oid from;

	if (xfa_ix_checksum(ix->base + sizeof(*ix->h), ix->size - sizeof(*ix->h)) != ix->h->sum)
		return 0;
	memcpy(from.id, ix->h->head, 20);
	return xfa_store_is_ancestor(xfa_archive_store(a), &from, head);
}

/*
 * Bring the mapped base `ix` to `head` with an overlay: the one beside it,
 * if it applies and is current or behind `head`, else one made from the
 * base's changes; written back at `opath`.  Returns 0 (the overlay is
 * attached, *state says how), 1 when the overlay would pass its bound and
 * the base should be brought forward instead (`fold` then holds the
 * records to lay over it, borrowing from `ix`), 2 when the base's head is
 * no longer an ancestor (rebuild), or a code.
 */
static int forward(xfa_index *ix, int *state, struct oents *fold, xfa_archive *a,
		   const xfa_oid *head, const char *opath)
{
	xfa_store *st = xfa_archive_store(a);
	unsigned char *img = NULL;
	struct changed ch;
	struct oents os;
	const xfa_meta *m;
	xfa_oid from;
	size_t len = 0;
	int err;

	if (xfa_ix_ov_map(ix, opath) == 0) {
		if (!memcmp(ix->oh->head, head->id, 20)) {
			*state = XFA_INDEX_CURRENT;
			return 0;
		}
		memcpy(from.id, ix->oh->head, 20);
		if (xfa_store_is_ancestor(st, &from, head) <= 0)
			xfa_ix_ov_detach(ix);
	}
	/* a new overlay: the whole base is checked once (opening checks only
	 * its header and records), as before an update of the base itself */
	if (!ix->oh) {
		memcpy(from.id, ix->h->head, 20);
		if (usable_base(ix, a, head) <= 0)
			return 2;
	}
	xfa_error_clear();
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_ix_changes_collect(&ch, st, &from, head)) < 0)
		return err;
	err = xfa_ix_ov_collect(&os, st, m, &ch, head, ix);
	xfa_ix_changes_free(&ch);
	if (err)
		return err;
	if (os.n > xfa_ix_ov_bound(ix)) {
		*fold = os;
		return 1;
	}
	err = xfa_ix_ov_image(&img, &len, &os, head, ix);
	xfa_ix_oents_release(&os);
	if (err < 0 || (err = xfa_ix_ov_attach(ix, img, len, 0)) < 0)
		return err;
	/* derived data: if it cannot be saved, it is made again next time */
	if (xfa_file_write_atomic(opath, img, len, 0644, 0) < 0)
		xfa_error_clear();
	*state = XFA_INDEX_UPDATED;
	return 0;
}

int xfa_index_open(xfa_index **out, int *how, xfa_archive *a, int flags)
{
	xfa_index *ix = calloc(1, sizeof(*ix)), old;
	struct oents fold;
	unsigned char *img = NULL;
	char path[4200], opath[4200];
	xfa_oid head;
	size_t len = 0;
	int err, state = XFA_INDEX_REBUILT, base = 0;

	*out = NULL;
	memset(&old, 0, sizeof(old));
	memset(&fold, 0, sizeof(fold));
	if (!ix)
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = xfa_store_head(&head, xfa_archive_store(a))) < 0)
		goto fail;
	index_path(path, sizeof(path), a, XFA_INDEX_FILE);
	index_path(opath, sizeof(opath), a, XFA_INDEX_OVERLAY_FILE);
	if (!(flags & XFA_INDEX_NOFILE) && map_file(&old, path) == 0) {
		state = XFA_INDEX_CURRENT;
		err = memcmp(old.h->head, head.id, 20) ?
		      forward(&old, &state, &fold, a, &head, opath) : 0;
		if (err == 0) {
			*ix = old;
			goto done;
		}
		if (err < 0)
			goto fail;
		if (err == 1 && (base = usable_base(&old, a, &head)) < 0)
			base = 0;
		/* fold: the base patched with the overlay's records, or built */
		if (base && (err = xfa_ix_patch(&img, &len, &fold, &head, &old)) < 0)
			goto fail;
		xfa_ix_oents_release(&fold);
		xfa_ix_ov_detach(&old);
		state = base ? XFA_INDEX_UPDATED : XFA_INDEX_REBUILT;
	}
	if (flags & XFA_INDEX_NOFILE)
		state = XFA_INDEX_SCANNED;
	err = img ? 0 : build(&img, &len, a, &head, base ? &old : NULL);
	detach(&old);
	if (err < 0 || (err = attach(ix, img, len)) < 0)
		goto fail;
	/* derived data: if it cannot be saved, it is rebuilt next time; the
	 * overlay of the old base no longer applies (it names that base) */
	if (!(flags & XFA_INDEX_NOFILE)) {
		if (xfa_file_write_atomic(path, img, len, 0644, 0) < 0)
			xfa_error_clear();
		else
			unlink(opath);
	}
done:
	xfa_error_clear();
	if (how)
		*how = state;
	*out = ix;
	return 0;
fail:
	xfa_ix_oents_release(&fold);
	detach(&old);
	free(img);
	free(ix);
	return err;
}

void xfa_index_free(xfa_index *ix)
{
	if (!ix)
		return;
	if (ix->base)
		detach(ix);
	free(ix);
}

size_t xfa_index_count(const xfa_index *ix)
{
	return ix->count;
}

static void row_of(xfa_index_row *r, const xfa_index *ix, const struct rec *rc)
{
	r->id = xfa_ix_field(ix, rc->f[F_ID]);
	r->status = xfa_ix_field(ix, rc->f[F_STATUS]);
	r->unit = xfa_ix_field(ix, rc->f[F_UNIT]);
	r->category = xfa_ix_field(ix, rc->f[F_CATEGORY]);
	r->lead = xfa_ix_field(ix, rc->f[F_LEAD]);
	r->received_at = xfa_ix_field(ix, rc->f[F_RECEIVED]);
	r->summary = xfa_ix_field(ix, rc->f[F_SUMMARY]);
	r->overdue_from = rc->od;
}

int xfa_index_row_overdue(const xfa_index_row *r, long today)
{
	return r->overdue_from != INT32_MAX && today >= (long)r->overdue_from;
}

/* A filter on one field: equal strings are stored once, so a small cache of
 * string offsets already compared spares a strcmp per record. */
struct want {
	const char *s;
	uint32_t off[64];         /* offset + 1; 0 = empty slot */
	unsigned char hit[64];
};

static int match(const xfa_index *ix, uint32_t off, struct want *w)
{
	size_t slot = (off * 2654435761u) >> 26;

	if (!w->s)
		return 1;
	if (w->off[slot] != off + 1) {
		w->off[slot] = off + 1;
		w->hit[slot] = !strcmp(xfa_ix_field(ix, off), w->s);
	}
	return w->hit[slot];
}

static void want_init(struct want *w, const char *s)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
}

/* The filter of a query, one cache per field. */
struct sieve {
	const xfa_index_filter *q;
	struct want ws, wu, wc, wl;
	int (*fn)(const xfa_index_row *r, void *payload);
	void *payload;
};

/* Pass record `rc` to the callback if it matches; the callback's result. */
static inline int visit(const xfa_index *ix, const struct rec *rc, struct sieve *f)
{
	xfa_index_row r;

	if (!match(ix, rc->f[F_STATUS], &f->ws) || !match(ix, rc->f[F_UNIT], &f->wu) ||
	    !match(ix, rc->f[F_CATEGORY], &f->wc) || !match(ix, rc->f[F_LEAD], &f->wl) ||
	    (f->q->overdue && !(rc->od != INT32_MAX && f->q->today >= (long)rc->od)))
		return 0;
	row_of(&r, ix, rc);
	return f->fn(&r, f->payload);
}

/* The base's records in order, the overlay's merged in: each overlay record
 * comes before the base record at its position, and hides it if it has the
 * same id. */
int xfa_index_query(const xfa_index *ix, const xfa_index_filter *q,
		    int (*fn)(const xfa_index_row *r, void *payload),
		    void *payload)
{
	struct sieve f;
	uint32_t i = 0, k, n = ix->oh ? ix->oh->nrec : 0;
	int err;

	f.q = q;
	f.fn = fn;
	f.payload = payload;
	want_init(&f.ws, q->status);
	want_init(&f.wu, q->unit);
	want_init(&f.wc, q->category);
	want_init(&f.wl, q->lead);
	for (k = 0; k <= n; k++) {
		const struct orec *o = k < n ? &ix->orecs[k] : NULL;
		uint32_t end = o ? o->pos : ix->h->nrec;
		for (; i < end; i++)
			if ((err = visit(ix, &ix->recs[i], &f)) != 0)
				return err;
		if (!o)
			break;
		if (!(o->flags & OV_GONE) && (err = visit(ix, &o->r, &f)) != 0)
			return err;
		i += (o->flags & OV_REPLACES) != 0;
	}
	return 0;
}

/* The record of `id` in `recs` (n of them, `stride` bytes apart) or NULL. */
static const struct rec *find(const xfa_index *ix, const unsigned char *recs, size_t n,
			      size_t stride, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct rec *rc = (const struct rec *)(recs + mid * stride);
		int c = strcmp(xfa_ix_field(ix, rc->f[F_ID]), id);
		if (!c)
			return rc;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int xfa_index_get(xfa_index_row *out, const xfa_index *ix, const char *id)
{
	const struct rec *rc = NULL;

	if (ix->oh && (rc = find(ix, (const unsigned char *)ix->orecs, ix->oh->nrec,
				 sizeof(struct orec), id)) != NULL &&
	    (((const struct orec *)rc)->flags & OV_GONE))
		return xfa_error_set(XFA_ENOTFOUND, "no case '%s'", id);
	if (!rc)
		rc = find(ix, (const unsigned char *)ix->recs, ix->h->nrec, sizeof(struct rec), id);
	if (!rc)
		return xfa_error_set(XFA_ENOTFOUND, "no case '%s'", id);
	row_of(out, ix, rc);
	return 0;
}

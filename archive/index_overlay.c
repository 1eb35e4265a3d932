/* index_overlay.c - the overlay of the case index (xfa-index.overlay): the
 * records of the cases changed since the base's head, so that an update
 * after a few writes rewrites a small file instead of the whole base.  It
 * names its base (head, sizes, checksum) and is ignored unless it matches.
 * See index_int.h for the layout and index.c for when it is used. */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "error.h"
#include "index_int.h"

#define OV_CAP 10000
static size_t ov_max = (size_t)-1;

void xfa_index_set_overlay_max(size_t nrec)
{
	ov_max = nrec;
}

size_t xfa_ix_ov_bound(const xfa_index *ix)
{
	size_t n = ix->h->nrec / 16 + 64;

	if (ov_max != (size_t)-1)
		return ov_max;
	return n < OV_CAP ? n : OV_CAP;
}

void xfa_ix_ov_detach(xfa_index *ix)
{
	if (ix->ov_base) {
		if (ix->ov_mapped)
			munmap(ix->ov_base, ix->ov_size);
		else
			free(ix->ov_base);
	}
	ix->ov_base = NULL;
	ix->ov_size = 0;
	ix->ov_mapped = 0;
	ix->oh = NULL;
	ix->orecs = NULL;
	ix->ostr = NULL;
	if (ix->h)
		ix->count = ix->h->nrec;
}

/* Is the header of `img` (len bytes) an overlay of base `ix`? */
static int header_ok(const xfa_index *ix, const unsigned char *img, size_t len)
{
	const struct ohdr *o = (const struct ohdr *)img;

	return len >= sizeof(*o) + 1 && !memcmp(o->magic, OV_MAGIC, 8) &&
	       o->version == OV_VERSION && o->strbytes >= 1 && o->strbytes < len &&
	       (uint64_t)o->nrec * sizeof(struct orec) + o->strbytes + sizeof(*o) == len &&
	       !memcmp(o->base_head, ix->h->head, 20) && o->base_nrec == ix->h->nrec &&
	       o->base_strbytes == ix->h->strbytes && o->base_sum == ix->h->sum &&
	       ((xfa_ix_checksum(img, 88) ^ xfa_ix_checksum(img + sizeof(*o), len - sizeof(*o))) ==
		o->sum);
}

/* Are the records in order and their positions consistent with the base? */
static int records_ok(const xfa_index *ix, size_t *count)
{
	const struct orec *r = ix->orecs;
	uint32_t i, n = ix->oh->nrec;

	*count = ix->h->nrec;
	for (i = 0; i < n; i++) {
		const char *id = xfa_ix_field(ix, r[i].r.f[F_ID]);
		if (!*id || r[i].pos > ix->h->nrec || r[i].flags > (OV_REPLACES | OV_GONE) ||
		    (i && (r[i].pos < r[i - 1].pos ||
			   strcmp(xfa_ix_field(ix, r[i - 1].r.f[F_ID]), id) >= 0)))
			return 0;
		if (r[i].flags & OV_REPLACES) {
			if (r[i].pos == ix->h->nrec || (i + 1 < n && r[i + 1].pos == r[i].pos) ||
			    strcmp(xfa_ix_field(ix, ix->recs[r[i].pos].f[F_ID]), id))
				return 0;
			*count -= (r[i].flags & OV_GONE) != 0;
		} else if (r[i].flags & OV_GONE) {
			return 0;
		} else {
			(*count)++;
		}
	}
	return 1;
}

int xfa_ix_ov_attach(xfa_index *ix, unsigned char *img, size_t len, int mapped)
{
	const struct ohdr *o = (const struct ohdr *)img;
	size_t count;

	xfa_ix_ov_detach(ix);
	ix->ov_base = img;
	ix->ov_size = len;
	ix->ov_mapped = mapped;
	if (!header_ok(ix, img, len) || img[len - 1] || img[len - o->strbytes]) {
		xfa_ix_ov_detach(ix);
		return xfa_error_set(XFA_EINVALID, "the case index overlay is damaged or stale");
	}
	ix->oh = o;
	ix->orecs = (const struct orec *)(img + sizeof(*o));
	ix->ostr = (const char *)(img + len - o->strbytes);
	if (!records_ok(ix, &count)) {
		xfa_ix_ov_detach(ix);
		return xfa_error_set(XFA_EINVALID, "the case index overlay is damaged");
	}
	ix->count = count;
	return 0;
}

int xfa_ix_ov_map(xfa_index *ix, const char *path)
{
	struct stat sb;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return xfa_error_set(XFA_ENOTFOUND, "no case index overlay");
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size < (off_t)sizeof(struct ohdr) + 1) {
		close(fd);
		return xfa_error_set(XFA_EINVALID, "the case index overlay is damaged");
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return xfa_error_set(XFA_EIO, "cannot map the case index overlay");
	return xfa_ix_ov_attach(ix, p, (size_t)sb.st_size, 1);
}

/* --- building ----------------------------------------------------------- */

static int push(struct oents *os, const struct oent *o)
{
	if (os->n == os->cap) {
		size_t cap = os->cap ? os->cap * 2 : 64;
		struct oent *v = realloc(os->v, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		os->v = v;
		os->cap = cap;
	}
	os->v[os->n++] = *o;
	return 0;
}

void xfa_ix_oents_release(struct oents *os)
{
	size_t i;

	for (i = 0; i < os->n; i++)
		free(os->v[i].e.block);
	free(os->v);
	memset(os, 0, sizeof(*os));
}

static int oent_cmp(const void *a, const void *b)
{
	return xfa_ix_ent_cmp(&((const struct oent *)a)->e, &((const struct oent *)b)->e);
}

/* The records of the attached overlay, borrowing its strings. */
static int from_overlay(struct oents *os, const xfa_index *ix)
{
	uint32_t i, k;
	int err;

	for (i = 0; ix->oh && i < ix->oh->nrec; i++) {
		struct oent o;
		memset(&o, 0, sizeof(o));
		for (k = 0; k < NF; k++)
			o.e.f[k] = xfa_ix_field(ix, ix->orecs[i].r.f[k]);
		o.e.od = ix->orecs[i].r.od;
		o.pos = ix->orecs[i].pos;
		o.flags = ix->orecs[i].flags;
		if ((err = push(os, &o)) < 0)
			return err;
	}
	return 0;
}

/* The record of case `id` at `head`: its entry, a tombstone when it left
 * the archive but is in the base, or nothing. */
static int read_case(struct oents *os, xfa_store *st, const xfa_meta *m,
		     const char *id, const xfa_oid *head, const xfa_index *ix)
{
	struct oent o;
	char dir[200];
	int err, k;

	memset(&o, 0, sizeof(o));
	o.pos = xfa_ix_lower_bound(ix, id);
	if (o.pos < ix->h->nrec && !strcmp(xfa_ix_field(ix, ix->recs[o.pos].f[F_ID]), id))
		o.flags = OV_REPLACES;
	if (xfa_case_dir(dir, sizeof(dir), id) < 0)
		return 0;
	err = xfa_ix_ent_read(&o.e, st, head, m, dir);
	if (err == XFA_ENOTFOUND) {
		xfa_error_clear();
		if (!(o.flags & OV_REPLACES))
			return 0;
		o.flags |= OV_GONE;
		if (!(o.e.block = strdup(id)))
			return xfa_error_set(XFA_ERROR, "out of memory");
		o.e.f[F_ID] = o.e.block;
		for (k = 1; k < NF; k++)
			o.e.f[k] = "";
		o.e.od = INT32_MAX;
	} else if (err < 0) {
		return err;
	}
	if ((err = push(os, &o)) < 0)
		free(o.e.block);
	return err;
}

int xfa_ix_ov_image(unsigned char **img, size_t *len, const struct oents *os,
		    const xfa_oid *head, const xfa_index *ix)
{
	struct strtab t;
	struct ohdr h;
	struct orec *r;
	size_t i, k, n = 0, size;
	int err = 0;

	memset(&t, 0, sizeof(t));
	*img = NULL;
	if (!(t.buf = malloc(t.cap = 4096)) ||
	    !(r = calloc(os->n ? os->n : 1, sizeof(*r)))) {
		free(t.buf);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	t.buf[0] = '\0';
	t.len = 1;
	for (i = 0; i < os->n && !err; i++) {
		for (k = 0; k < NF && !err; k++) {
			const char *s = os->v[i].e.f[k] ? os->v[i].e.f[k] : "";
			uint32_t off = 0;
			err = xfa_ix_intern(&off, &t, s);
			r[n].r.f[k] = *s ? (uint32_t)ix->h->strbytes + off : 0;
		}
		r[n].r.od = os->v[i].e.od;
		r[n].pos = os->v[i].pos;
		r[n++].flags = os->v[i].flags;
	}
	size = sizeof(h) + n * sizeof(*r) + t.len;
	if (!err && (ix->h->strbytes + t.len > UINT32_MAX - 1 || !(*img = malloc(size))))
		err = xfa_error_set(XFA_ERROR, "out of memory");
	if (!err) {
		memset(&h, 0, sizeof(h));
		memcpy(h.magic, OV_MAGIC, 8);
		h.version = OV_VERSION;
		h.nrec = (uint32_t)n;
		h.strbytes = t.len;
		memcpy(h.head, head->id, 20);
		memcpy(h.base_head, ix->h->head, 20);
		h.base_nrec = ix->h->nrec;
		h.base_strbytes = ix->h->strbytes;
		h.base_sum = ix->h->sum;
		memcpy(*img + sizeof(h), r, n * sizeof(*r));
		memcpy(*img + sizeof(h) + n * sizeof(*r), t.buf, t.len);
		h.sum = xfa_ix_checksum((const unsigned char *)&h, 88) ^
			xfa_ix_checksum(*img + sizeof(h), size - sizeof(h));
		memcpy(*img, &h, sizeof(h));
		*len = size;
	}
	free(r);
	free(t.buf);
	free(t.slot);
	return err;
}

int xfa_ix_ov_collect(struct oents *os, xfa_store *st, const xfa_meta *m,
		      const struct changed *ch, const xfa_oid *head,
		      const xfa_index *ix)
{
	size_t i, k, old_n;
	int err;

	memset(os, 0, sizeof(*os));
	if ((err = from_overlay(os, ix)) < 0)
		goto done;
	old_n = os->n;
	for (i = 0; i < ch->n && !err; i++) {
		struct oent key, *hit;
		key.e.f[F_ID] = ch->ids[i];
		hit = old_n ? bsearch(&key, os->v, old_n, sizeof(*os->v), oent_cmp) : NULL;
		if (hit)
			hit->e.dead = 1;
		err = read_case(os, st, m, ch->ids[i], head, ix);
	}
	/* the records replaced (borrowed, nothing to free) leave */
	for (i = k = 0; i < os->n && !err; i++)
		if (!os->v[i].e.dead)
			os->v[k++] = os->v[i];
	if (!err) {
		os->n = k;
		if (k)
			qsort(os->v, os->n, sizeof(*os->v), oent_cmp);
	}
done:
	if (err)
		xfa_ix_oents_release(os);
	return err;
}

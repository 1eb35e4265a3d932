/* store_pack.c - the pack of a bulk write, written directly.  Each event of
 * an import rewrites the trees on its case's path and the case document;
 * the version each replaces is known (the parent commit's object at the
 * same path), so a new version is stored as a delta against it (common
 * prefix and suffix copied, the middle inserted) without libgit2's
 * packbuilder searching a window of candidates for every object, which
 * cost more than building the events.  git's indexer reads the stream,
 * hashes every object again and writes the .idx. */
#include "store_pack.h"

#include <pthread.h>
#include <stdint.h>
#include <zlib.h>

#define MAX_DEPTH 50            /* longest delta chain, as git's default */
#define CHUNK (1u << 20)        /* bytes handed to the indexer at once */
#define NAMES 1024              /* file name hashes for blobs' bases */

/* --- SHA-1 of the pack stream (its trailer) ------------------------------ */

struct sha1 {
	uint32_t h[5];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

#define ROL(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

static void sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d); k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d; k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d; k = 0xCA62C1D6;
		}
		t = ROL(a, 5) + f + e + k + w[i];
		e = d; d = c; c = ROL(b, 30); b = a; a = t;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
	static const uint32_t h0[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE,
					0x10325476, 0xC3D2E1F0 };

	memset(s, 0, sizeof(*s));
	memcpy(s->h, h0, sizeof(h0));
}

static void sha1_update(struct sha1 *s, const unsigned char *p, size_t len)
{
	s->len += len;
	if (s->n) {
		size_t k = 64 - s->n < len ? 64 - s->n : len;
		memcpy(s->buf + s->n, p, k);
		s->n += k; p += k; len -= k;
		if (s->n < 64)
			return;
		sha1_block(s, s->buf);
		s->n = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha1_block(s, p);
	memcpy(s->buf, p, len);
	s->n = len;
}

static void sha1_final(struct sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (s->n < 56 ? 56 : 120) - s->n;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, pad, padlen + 8);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

/* --- the objects to pack, in order, each once ---------------------------- */

struct ent {
	git_oid id;
	long base;          /* index of the delta base, -1 for none */
	uint64_t off;       /* offset in the pack, once written */
	int depth;          /* delta chain length, once written */
};

struct pk {
	git_repository *repo;
	git_odb *odb;
	git_odb_backend *mem;   /* the mempack, may be NULL */
	struct ent *e;
	size_t n, cap;
	long *slot;         /* open addressing: index into e, -1 empty */
	size_t nslot;
	long by_name[NAMES];  /* the last blob listed of each file name hash */
	long last_commit;
	/* output: `out` is filled while `feed` hands the other buffer to the
	 * indexer on a second thread */
	struct feed *feed;
	unsigned char *spare;
	git_indexer *idx;
	git_indexer_progress stats;
	struct sha1 sha;
	unsigned char *out;
	size_t nout;
	uint64_t off;
	z_stream z, z0;     /* level 1, and level 0 for small deltas */
	unsigned char *zbuf, *dbuf, *hbuf;
	size_t zcap, dcap, hcap;
};

static size_t slot_of(const struct pk *p, const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h & (p->nslot - 1);
}

/* Index of `id` in the list, or -1. */
static long find(const struct pk *p, const git_oid *id)
{
	size_t i;

	for (i = slot_of(p, id); p->slot[i] >= 0; i = (i + 1) & (p->nslot - 1))
		if (git_oid_equal(&p->e[p->slot[i]].id, id))
			return p->slot[i];
	return -1;
}

static int grow(struct pk *p)
{
	size_t i, j, nslot = p->nslot ? p->nslot * 2 : 1u << 16;
	long *slot = malloc(nslot * sizeof(*slot));

	if (!slot)
		return -1;
	for (i = 0; i < nslot; i++)
		slot[i] = -1;
	free(p->slot);
	p->slot = slot;
	p->nslot = nslot;
	for (i = 0; i < p->n; i++) {
		for (j = slot_of(p, &p->e[i].id); slot[j] >= 0; j = (j + 1) & (nslot - 1))
			;
		slot[j] = (long)i;
	}
	return 0;
}

/* Add `id` unless it is listed already: its delta base is `base` (may be
 * NULL) if listed, else entry `alt` (-1: none).  *added (may be NULL): the
 * new entry's index, or -1. */
static int add(struct pk *p, const git_oid *id, const git_oid *base, long alt,
	       long *added)
{
	size_t j;

	if (added)
		*added = -1;
	if (find(p, id) >= 0)
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4096;
		struct ent *e = realloc(p->e, cap * sizeof(*e));
		if (!e)
			goto oom;
		p->e = e;
		p->cap = cap;
	}
	if ((p->n + 1) * 2 > p->nslot && grow(p) < 0)
		goto oom;
	git_oid_cpy(&p->e[p->n].id, id);
	p->e[p->n].base = base ? find(p, base) : -1;
	if (p->e[p->n].base < 0)
		p->e[p->n].base = alt;
	p->e[p->n].depth = 0;
	if (added)
		*added = (long)p->n;
	for (j = slot_of(p, id); p->slot[j] >= 0; j = (j + 1) & (p->nslot - 1))
		;
	p->slot[j] = (long)p->n++;
	return 0;
oom:
	git_error_set_oom();
	return -1;
}

/* A blob: based on the one it replaces, or else on the last listed blob of
 * the same file name (another case's event of the same number, say). */
static int add_blob(struct pk *p, const git_oid *id, const git_oid *old,
		    const char *name)
{
	uint32_t h = 2166136261u;
	long added;
	int err;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	h %= NAMES;
	if ((err = add(p, id, old, p->by_name[h], &added)) == 0 && added >= 0)
		p->by_name[h] = added;
	return err;
}

/* List tree `b` and what it holds that tree `a` (may be NULL) lacks. */
static int list_tree(struct pk *p, const git_oid *a, const git_oid *b)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t i;
	int err;

	if (a && git_oid_equal(a, b))
		return 0;
	if ((err = add(p, b, a, -1, NULL)) < 0 ||
	    (err = git_tree_lookup(&tb, p->repo, b)) < 0 ||
	    (a && (err = git_tree_lookup(&ta, p->repo, a)) < 0))
		goto done;
	for (i = 0; i < git_tree_entrycount(tb) && !err; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(tb, i);
		const git_tree_entry *ea = ta ? git_tree_entry_byname(ta,
					git_tree_entry_name(eb)) : NULL;
		git_object_t tyb = git_tree_entry_type(eb);
		int same = ea && git_tree_entry_type(ea) == tyb;

		if (ea && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			continue;
		if (tyb == GIT_OBJECT_TREE)
			err = list_tree(p, same ? git_tree_entry_id(ea) : NULL,
					git_tree_entry_id(eb));
		else if (tyb == GIT_OBJECT_BLOB)
			err = add_blob(p, git_tree_entry_id(eb),
				       same ? git_tree_entry_id(ea) : NULL,
				       git_tree_entry_name(eb));
	}
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return err;
}

static int list_commit(struct pk *p, const git_oid *id)
{
	git_commit *c = NULL, *parent = NULL;
	int err;

	if ((err = git_commit_lookup(&c, p->repo, id)) < 0 ||
	    (err = add(p, id, NULL, p->last_commit, &p->last_commit)) < 0)
		goto done;
	if (git_commit_parentcount(c) > 0 &&
	    (err = git_commit_parent(&parent, c, 0)) < 0)
		goto done;
	err = list_tree(p, parent ? git_commit_tree_id(parent) : NULL,
			git_commit_tree_id(c));
done:
	git_commit_free(parent);
	git_commit_free(c);
	return err;
}

/* --- the indexer, fed on a second thread ---------------------------------- */

struct feed {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t tid;
	struct pk *p;
	const unsigned char *buf;   /* handed over, NULL when idle */
	size_t len;
	int stop, err;
	char msg[256];              /* libgit2's message (it is per thread) */
};

/* Hash and index one buffer of the stream; on error keep the message. */
static int feed_one(struct pk *p, const unsigned char *b, size_t n, char *msg,
		    size_t msglen)
{
	const git_error *e;

	sha1_update(&p->sha, b, n);
	if (git_indexer_append(p->idx, b, n, &p->stats) == 0)
		return 0;
	e = git_error_last();
	snprintf(msg, msglen, "%s", e && e->message ? e->message : "cannot index the pack");
	return -1;
}

static void *feeder(void *arg)
{
	struct feed *f = arg;
	const unsigned char *b;
	size_t n;
	int err;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->buf && !f->stop)
			pthread_cond_wait(&f->cv, &f->mu);
		if (!f->buf)
			break;
		b = f->buf;
		n = f->len;
		err = f->err;
		pthread_mutex_unlock(&f->mu);
		if (!err)
			err = feed_one(f->p, b, n, f->msg, sizeof(f->msg));
		pthread_mutex_lock(&f->mu);
		f->err = err;
		f->buf = NULL;
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Start the feeder; without a thread the writer feeds the indexer itself. */
static void feed_start(struct pk *p)
{
	struct feed *f = calloc(1, sizeof(*f));

	if (!f || !(p->spare = malloc(CHUNK)))
		goto none;
	f->p = p;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (pthread_create(&f->tid, NULL, feeder, f) == 0) {
		p->feed = f;
		return;
	}
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
none:
	free(f);
	free(p->spare);
	p->spare = NULL;
}

/* Wait for the feeder to finish and stop it; its error, if any. */
static int feed_end(struct pk *p)
{
	struct feed *f = p->feed;
	int err;

	if (!f)
		return 0;
	pthread_mutex_lock(&f->mu);
	while (f->buf)
		pthread_cond_wait(&f->cv, &f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->tid, NULL);
	if ((err = f->err) < 0)
		git_error_set_str(GIT_ERROR_INDEXER, f->msg);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
	p->feed = NULL;
	return err;
}

/* --- writing ------------------------------------------------------------- */

/* Hand the full buffer to the indexer and go on in the other one. */
static int flush_out(struct pk *p)
{
	struct feed *f = p->feed;
	unsigned char *t;
	char msg[256];
	int err;

	if (!p->nout)
		return 0;
	if (!f) {
		err = feed_one(p, p->out, p->nout, msg, sizeof(msg));
		p->nout = 0;
		if (err < 0)
			git_error_set_str(GIT_ERROR_INDEXER, msg);
		return err;
	}
	pthread_mutex_lock(&f->mu);
	while (f->buf)
		pthread_cond_wait(&f->cv, &f->mu);
	if ((err = f->err) == 0) {
		f->buf = p->out;
		f->len = p->nout;
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	if (err < 0)
		return feed_end(p);
	t = p->out;
	p->out = p->spare;
	p->spare = t;
	p->nout = 0;
	return 0;
}

static int emit(struct pk *p, const void *data, size_t len)
{
	const unsigned char *d = data;
	int err;

	while (len) {
		size_t k = CHUNK - p->nout < len ? CHUNK - p->nout : len;
		memcpy(p->out + p->nout, d, k);
		p->nout += k; d += k; len -= k;
		p->off += k;
		if (p->nout == CHUNK && (err = flush_out(p)) < 0)
			return err;
	}
	return 0;
}

/* Make sure *buf holds `need` bytes. */
static int reserve(unsigned char **buf, size_t *cap, size_t need)
{
	unsigned char *b;

	if (need <= *cap)
		return 0;
	if (!(b = realloc(*buf, need))) {
		git_error_set_oom();
		return -1;
	}
	*buf = b;
	*cap = need;
	return 0;
}

static size_t put_varint(unsigned char *o, size_t v)
{
	size_t n = 0;

	do {
		o[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			o[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

/* A copy instruction: `len` bytes of the base from `from`. */
static size_t put_copy(unsigned char *o, size_t from, size_t len)
{
	size_t n = 1;
	unsigned char cmd = 0x80;
	int i;

	for (i = 0; i < 4; i++)
		if ((from >> (8 * i)) & 0xff) {
			o[n++] = (unsigned char)(from >> (8 * i));
			cmd |= (unsigned char)(1 << i);
		}
	for (i = 0; i < 2; i++)
		if ((len >> (8 * i)) & 0xff) {
			o[n++] = (unsigned char)(len >> (8 * i));
			cmd |= (unsigned char)(0x10 << i);
		}
	o[0] = cmd;
	return n;
}

#define BLK 16                  /* bytes a delta's copies are found by */

static uint32_t blk_hash(const unsigned char *s)
{
	uint64_t x, y;

	memcpy(&x, s, 8);
	memcpy(&y, s + 8, 8);
	return (uint32_t)((x * 0x9E3779B97F4A7C15ull ^ y * 0xC2B2AE3D27D4EB4Full) >> 32);
}

static size_t put_insert(unsigned char *o, const unsigned char *t, size_t len)
{
	size_t n = 0, k;

	for (; len; len -= k, t += k) {
		k = len < 127 ? len : 127;
		o[n++] = (unsigned char)k;
		memcpy(o + n, t, k);
		n += k;
	}
	return n;
}

static size_t put_copies(unsigned char *o, size_t from, size_t len)
{
	size_t n = 0, k;

	for (; len; len -= k, from += k) {
		k = len < 0xffff ? len : 0xffff;
		n += put_copy(o + n, from, k);
	}
	return n;
}

/*
 * The delta turning `b` into `t`, into p->dbuf; returns its length (0: none).
 * The base is indexed in 16-byte blocks; the target is scanned for blocks
 * found there, each match grown both ways and copied, the rest inserted.
 */
static size_t make_delta(struct pk *p, const unsigned char *b, size_t nb,
			 const unsigned char *t, size_t nt)
{
	size_t mask = 64, n = 0, i, j = 0, lit = 0;

	if (nb < BLK || nt < BLK)
		return 0;
	while (mask < 2 * (nb / BLK))
		mask *= 2;
	if (reserve(&p->hbuf, &p->hcap, mask * sizeof(long)) < 0 ||
	    reserve(&p->dbuf, &p->dcap, 64 + nt + nt / 127 + (nt / BLK + 2) * 16) < 0)
		return 0;
	for (i = 0; i < mask; i++)
		((long *)p->hbuf)[i] = -1;
	mask--;
	for (i = 0; i + BLK <= nb; i += BLK)
		((long *)p->hbuf)[blk_hash(b + i) & mask] = (long)i;
	n += put_varint(p->dbuf + n, nb);
	n += put_varint(p->dbuf + n, nt);
	while (j + BLK <= nt) {
		long at = ((long *)p->hbuf)[blk_hash(t + j) & mask];
		size_t k, len = 0;

		if (at < 0 || memcmp(b + at, t + j, BLK)) {
			j++;
			continue;
		}
		for (k = (size_t)at; k > 0 && j > lit && b[k - 1] == t[j - 1]; k--, j--)
			;
		while (k + len < nb && j + len < nt && b[k + len] == t[j + len])
			len++;
		n += put_insert(p->dbuf + n, t + lit, j - lit);
		n += put_copies(p->dbuf + n, k, len);
		j += len;
		lit = j;
	}
	n += put_insert(p->dbuf + n, t + lit, nt - lit);
	return n;
}

/* Write one entry: type and size header, base offset, deflated data. */
static int write_obj(struct pk *p, int type, uint64_t base_off,
		     const void *data, size_t len)
{
	unsigned char h[32];
	size_t n = 0, v = len;
	z_stream *z;
	h[n++] = (unsigned char)((type << 4) | (v & 15));
	for (v >>= 4; v; v >>= 7) {
		h[n - 1] |= 0x80;
		h[n++] = (unsigned char)(v & 0x7f);
	}
	if (type == GIT_OBJECT_OFS_DELTA) {
		unsigned char o[16];
		uint64_t ofs = p->off - base_off;
		size_t pos = sizeof(o) - 1;
		o[pos] = (unsigned char)(ofs & 127);
		while (ofs >>= 7)
			o[--pos] = (unsigned char)(128 | (--ofs & 127));
		memcpy(h + n, o + pos, sizeof(o) - pos);
		n += sizeof(o) - pos;
	}
	/* a small delta does not shrink; storing it costs a tenth of the time */
	z = type == GIT_OBJECT_OFS_DELTA && len < 256 ? &p->z0 : &p->z;
	if (reserve(&p->zbuf, &p->zcap, deflateBound(z, len) + 16) < 0)
		return -1;
	deflateReset(z);
	z->next_in = (unsigned char *)data;
	z->avail_in = (uInt)len;
	z->next_out = p->zbuf;
	z->avail_out = (uInt)p->zcap;
	if (deflate(z, Z_FINISH) != Z_STREAM_END) {
		git_error_set_str(GIT_ERROR_ZLIB, "deflate failed");
		return -1;
	}
	if (emit(p, h, n) < 0)
		return -1;
	return emit(p, p->zbuf, p->zcap - z->avail_out);
}

/* An object's content: straight from the mempack (written by this process
 * a moment ago: no hash check, no cache), else through the odb. */
struct obj {
	void *data;
	size_t len;
	git_object_t type;
	git_odb_object *o;  /* when read through the odb */
};

static int obj_read(struct obj *ob, struct pk *p, const git_oid *id)
{
	int err;

	memset(ob, 0, sizeof(*ob));
	if (p->mem && p->mem->read(&ob->data, &ob->len, &ob->type, p->mem, id) == 0)
		return 0;
	git_error_clear();
	if ((err = git_odb_read(&ob->o, p->odb, id)) < 0)
		return err;
	ob->data = (void *)git_odb_object_data(ob->o);
	ob->len = git_odb_object_size(ob->o);
	ob->type = git_odb_object_type(ob->o);
	return 0;
}

static void obj_free(struct obj *ob, struct pk *p)
{
	if (ob->o)
		git_odb_object_free(ob->o);
	else if (ob->data)
		git_odb_backend_data_free(p->mem, ob->data);
	memset(ob, 0, sizeof(*ob));
}

static int write_ent(struct pk *p, struct ent *e)
{
	struct ent *b = e->base >= 0 ? &p->e[e->base] : NULL;
	struct obj o, bo;
	size_t dl = 0;
	int err;

	memset(&bo, 0, sizeof(bo));
	if ((err = obj_read(&o, p, &e->id)) < 0)
		return err;
	e->off = p->off;
	e->depth = 0;
	if (b && b->depth < MAX_DEPTH && o.len > 64 &&
	    obj_read(&bo, p, &b->id) == 0 && bo.type == o.type)
		dl = make_delta(p, bo.data, bo.len, o.data, o.len);
	if (dl && dl < o.len / 2) {
		e->depth = b->depth + 1;
		err = write_obj(p, GIT_OBJECT_OFS_DELTA, b->off, p->dbuf, dl);
	} else {
		err = write_obj(p, o.type, 0, o.data, o.len);
	}
	obj_free(&bo, p);
	obj_free(&o, p);
	return err;
}

static int write_all(struct pk *p, const char *dir)
{
	git_indexer_options opts = GIT_INDEXER_OPTIONS_INIT;
	unsigned char h[12] = { 'P', 'A', 'C', 'K', 0, 0, 0, 2 }, sum[20];
	size_t i;
	int err;

	for (i = 0; i < 4; i++)
		h[8 + i] = (unsigned char)((uint32_t)p->n >> (24 - 8 * i));
	if ((err = git_indexer_new(&p->idx, dir, 0, NULL, &opts)) < 0)
		return err;
	feed_start(p);
	if ((err = emit(p, h, sizeof(h))) < 0)
		return err;
	for (i = 0; i < p->n; i++)
		if ((err = write_ent(p, &p->e[i])) < 0)
			return err;
	if ((err = flush_out(p)) < 0 || (err = feed_end(p)) < 0)
		return err;
	sha1_final(&p->sha, sum);
	if ((err = git_indexer_append(p->idx, sum, sizeof(sum), &p->stats)) < 0 ||
	    (err = git_indexer_commit(p->idx, &p->stats)) < 0)
		return err;
	return 0;
}

int store_pack_commits(git_repository *repo, git_odb_backend *mem,
		       const git_oid *commits, size_t n, const char *dir)
{
	struct pk p;
	size_t i;
	int err;

	memset(&p, 0, sizeof(p));
	p.repo = repo;
	p.mem = mem;
	p.last_commit = -1;
	for (i = 0; i < NAMES; i++)
		p.by_name[i] = -1;
	sha1_init(&p.sha);
	/* memLevel 4: deflateReset clears a 4 KiB hash, not 64 KiB, per object */
	if (deflateInit2(&p.z, Z_BEST_SPEED, Z_DEFLATED, 15, 4,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		git_error_set_str(GIT_ERROR_ZLIB, "cannot start deflate");
		return -1;
	}
	if (deflateInit2(&p.z0, Z_NO_COMPRESSION, Z_DEFLATED, 15, 1,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		deflateEnd(&p.z);
		git_error_set_str(GIT_ERROR_ZLIB, "cannot start deflate");
		return -1;
	}
	if (!(p.out = malloc(CHUNK)) || grow(&p) < 0) {
		git_error_set_oom();
		err = -1;
		goto done;
	}
	if ((err = git_repository_odb(&p.odb, repo)) < 0)
		goto done;
	for (i = 0; i < n && !err; i++)
		err = list_commit(&p, &commits[i]);
	if (!err)
		err = write_all(&p, dir);
done:
	feed_end(&p);   /* stopped before what it reads is freed */
	deflateEnd(&p.z);
	deflateEnd(&p.z0);
	git_indexer_free(p.idx);
	git_odb_free(p.odb);
	free(p.out);
	free(p.spare);
	free(p.zbuf);
	free(p.dbuf);
	free(p.hbuf);
	free(p.e);
	free(p.slot);
	return err;
}

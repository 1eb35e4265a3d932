/* index_int.h - the inside of the case index, shared by index.c (the file,
 * building, queries), index_patch.c (the changed cases; updating a large
 * base in place) and index_overlay.c (the overlay of the changed cases).
 * Not a public header; see index.c for the base file's layout. */
#ifndef XFA_INDEX_INT_H
#define XFA_INDEX_INT_H

#include <stdint.h>

#include "index.h"
#include "store.h"

#define MAGIC "XFAIDX1\n"
#define VERSION 1
#define NF 7                      /* string fields of a record */
#define SUMMARY_CHARS 16

enum { F_ID, F_STATUS, F_UNIT, F_CATEGORY, F_LEAD, F_RECEIVED, F_SUMMARY };

struct hdr {
	char magic[8];
	uint32_t version, nrec;
	uint64_t strbytes;
	unsigned char head[20];
	uint32_t zero;
	uint64_t sum;             /* records and strings */
	uint64_t sum_recs;        /* header bytes 0-47 and records */
};

struct rec {
	uint32_t f[NF];
	int32_t od;
};

/*
 * The overlay file (index_overlay.c): the records of the cases changed since
 * the base's head, for one base.  Layout: this 96-byte header, nrec x
 * struct orec sorted by case id, then its strings (NUL-terminated, offset 0
 * is "").  A record's string offsets are counted from the base's string
 * area: those below base_strbytes are the base's strings, the others
 * base_strbytes + an offset into the overlay's.
 */
#define OV_MAGIC "XFAIXO1\n"
#define OV_VERSION 1
#define OV_REPLACES 1             /* the base record at pos has this id */
#define OV_GONE 2                 /* the case left the archive: hide it */

struct ohdr {
	char magic[8];
	uint32_t version, nrec;
	uint64_t strbytes;
	unsigned char head[20];   /* the head the overlay brings the base to */
	unsigned char base_head[20];
	uint32_t base_nrec, zero;
	uint64_t base_strbytes;
	uint64_t base_sum;        /* the base header's sum */
	uint64_t sum;             /* header bytes 0-87 and everything after it */
};

struct orec {
	struct rec r;
	uint32_t pos;             /* the first base record whose id is not below */
	uint32_t flags;           /* OV_* */
};

_Static_assert(sizeof(struct ohdr) == 96, "overlay header is 96 bytes");
_Static_assert(sizeof(struct orec) == 40, "overlay record is 40 bytes");

struct xfa_index {
	unsigned char *base;
	size_t size;
	int mapped;
	const struct hdr *h;
	const struct rec *recs;
	const char *str;
	size_t count;             /* cases, the overlay's counted in */
	/* the overlay, when one applies (oh NULL otherwise) */
	unsigned char *ov_base;
	size_t ov_size;
	int ov_mapped;
	const struct ohdr *oh;
	const struct orec *orecs;
	const char *ostr;
};

/* A case while building: strings point into a mapped index or own a block. */
struct ent {
	const char *f[NF];
	int32_t od;
	char *block;              /* owned strings, or NULL */
	int dead;
};

struct ents {
	struct ent *v;
	size_t n, cap;
};

_Static_assert(sizeof(struct hdr) == 64, "index header is 64 bytes");
_Static_assert(sizeof(struct rec) == 32, "index record is 32 bytes");

/* Interned strings of a new image: offsets into buf, by open addressing. */
struct strtab {
	char *buf;
	size_t len, cap;
	uint32_t *slot;           /* offset + 1; 0 = empty */
	size_t nslot, used;
};

/* The case ids whose case.json changed between two heads. */
struct changed {
	char **ids;
	size_t n, cap;
};

uint64_t xfa_ix_checksum(const unsigned char *p, size_t n);
const char *xfa_ix_field(const xfa_index *ix, uint32_t off);
int xfa_ix_ents_push(struct ents *es, const struct ent *e);
void xfa_ix_ents_release(struct ents *es);
int xfa_ix_cmp_u32(const void *a, const void *b);
int xfa_ix_ent_cmp(const void *a, const void *b);
int xfa_ix_ent_read(struct ent *e, xfa_store *st, const xfa_oid *commit,
		    const xfa_meta *m, const char *dir);
int xfa_ix_intern(uint32_t *out, struct strtab *t, const char *s);
/* The first base record of `ix` whose id is not below `id` (index_patch.c). */
uint32_t xfa_ix_lower_bound(const xfa_index *ix, const char *id);

/* Attach the overlay image `img` (mapped: from mmap, else malloc'd; taken
 * over either way) to base `ix`: 0, or XFA_EINVALID when it is damaged or
 * names another base (then it is released). */
int xfa_ix_ov_attach(xfa_index *ix, unsigned char *img, size_t len, int mapped);
/* Map and attach the overlay file `path`: 0, XFA_ENOTFOUND, XFA_EINVALID. */
int xfa_ix_ov_map(xfa_index *ix, const char *path);
void xfa_ix_ov_detach(xfa_index *ix);

/* A record to lay over the base: a case's entry, the first base record
 * whose id is not below its id, OV_* flags. */
struct oent {
	struct ent e;
	uint32_t pos, flags;
};

struct oents {
	struct oent *v;
	size_t n, cap;
};

void xfa_ix_oents_release(struct oents *os);
/*
 * The records that bring base `ix` to `head`, sorted by id, one a case:
 * those of its overlay, if attached (`ch` are then the changes since the
 * overlay's head, else since the base's), with the cases of `ch` read
 * again at `head`.  Strings are borrowed from `ix` or owned.
 */
int xfa_ix_ov_collect(struct oents *os, xfa_store *st, const xfa_meta *m,
		      const struct changed *ch, const xfa_oid *head,
		      const xfa_index *ix);
/* The most records an overlay of base `ix` may hold. */
size_t xfa_ix_ov_bound(const xfa_index *ix);
/* `os` as an overlay image of base `ix` for `head` (malloc'd). */
int xfa_ix_ov_image(unsigned char **img, size_t *len, const struct oents *os,
		    const xfa_oid *head, const xfa_index *ix);

/* Entries borrowing the strings of mapped index `ix` (index_patch.c). */
int xfa_ix_ents_from_index(struct ents *es, const xfa_index *ix);
/* The ids of the cases whose case.json differs between `from` and `head`. */
int xfa_ix_changes_collect(struct changed *ch, xfa_store *st, const xfa_oid *from,
			   const xfa_oid *head);
void xfa_ix_changes_free(struct changed *ch);
/* Apply the changed cases `ch` (read at `head`) to sorted entries `es`. */
int xfa_ix_apply_changes(struct ents *es, xfa_store *st, const xfa_meta *m,
			 const struct changed *ch, const xfa_oid *head);

/*
 * A few cases changed: the base image for `head` from base `old` with the
 * records `os` laid over it (index_patch.c).  Returns 0, 1 when a full
 * build is better, or a code.
 */
int xfa_ix_patch(unsigned char **img, size_t *len, const struct oents *os,
		 const xfa_oid *head, const xfa_index *old);

#endif

/* index_int.h - the inside of the case index, shared by index.c (the file,
 * building, queries) and index_patch.c (updating a large index in place).
 * Not a public header; see index.c for the file layout. */
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

struct xfa_index {
	unsigned char *base;
	size_t size;
	int mapped;
	const struct hdr *h;
	const struct rec *recs;
	const char *str;
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

/*
 * A few cases changed: the image for `head` from `old` with their records
 * replaced (index_patch.c).  Returns 0, 1 when a full build is better, or a
 * code.
 */
int xfa_ix_patch(unsigned char **img, size_t *len, xfa_store *st,
		 const xfa_meta *m, const struct changed *ch,
		 const xfa_oid *head, const xfa_index *old);

#endif

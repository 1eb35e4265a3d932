/* export_int.h - what export.c (choosing, checking and recording the cases)
 * shares with export_pkg.c (writing the package's files).  Not a public
 * header. */
#ifndef XFA_EXPORT_INT_H
#define XFA_EXPORT_INT_H

#include <pthread.h>

#include "case.h"
#include "export.h"

/* Where the archive's own stream (.xfa) goes in a package. */
#define XFA_PKG_META "data/archive"

/* One stream being exported: a case, or the archive's own (.xfa). */
struct ecase {
	char id[XFA_CASE_ID_MAX + 1];
	char dir[256];
	json_t *doc;             /* case.json as of the export's head */
	unsigned seq;            /* its last event */
	char ref[128];           /* 档号 */
	const char *retention;
	int reexport, forced;
	char **commits;          /* commit ids, oldest first */
	size_t ncommits, capcommits;
	unsigned archived_seq;
};

struct exp {
	xfa_archive *a;
	xfa_store *st;
	const xfa_key *key;
	const xfa_export_opts *o;
	const xfa_meta *meta;
	xfa_oid head;
	char head_hex[XFA_OID_HEX];
	xfa_stamp now;
	char now_s[XFA_STAMP_SIZE];
	struct ecase *c;
	size_t n, cap;
	struct ecase arc;        /* the archive's own stream */
	json_t *verify;          /* the verification report */
	pthread_t vthread;       /* the verification, while the package is written */
	int vrunning, verr;
	char vmsg[1024];
	json_t *manifest;        /* data/export.json */
	unsigned char sha[32];
	char sha_hex[65];
	uint64_t bytes;
};

/* Write the whole package to the open file `fd` (export_pkg.c), calling
 * `verified` once the cases are written and before the verification report
 * is: it waits for the verification and returns 0 if it passed. */
int xfa_export_write(struct exp *e, int fd, int format,
		     int (*verified)(struct exp *e));

#endif

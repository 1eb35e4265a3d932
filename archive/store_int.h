/* store_int.h - what the files of the store module share (store.c: objects,
 * transactions and publishing; store_history.c: reading history;
 * store_bulk.c: bulk packs; store_remote.c: remotes and exchange).  Only
 * these files include git2.h.  Not a public header. */
#ifndef XFA_STORE_INT_H
#define XFA_STORE_INT_H

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "store.h"

struct xfa_store {
	git_repository *repo;
	char *path;
	/* bulk mode (xfa_store_bulk_begin): repo writes into `mempack` */
	git_repository *plain;     /* the repository outside bulk mode */
	git_odb_backend *mempack;  /* owned by repo's object database */
	git_oid *bulk;             /* commits written since the last flush */
	size_t nbulk, capbulk;
};

/* Turn libgit2's last error `gerr` into ours: "<what>: <libgit2 message>". */
int store_fail(int gerr, const char *what);

/* The tree entry at `path` in `commit`'s tree (the caller frees it). */
int store_entry_at(git_tree_entry **out, xfa_store *st, const xfa_oid *commit,
		   const char *path);

#endif

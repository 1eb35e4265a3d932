/* store_pack.h - the pack of a bulk write (store_pack.c), for store_bulk.c.
 * Not a public header; includes git2.h through store_int.h. */
#ifndef XFA_STORE_PACK_H
#define XFA_STORE_PACK_H

#include "store_int.h"

/*
 * Write one pack into `dir` (the objects/pack folder) holding commits
 * `commits[0..n)` (oldest first, each the child of the one before or of a
 * commit already stored) and every object each adds over its first
 * parent.  A tree or blob that replaces the one at the same path in the
 * parent is stored as a delta against it when that one is in the pack too
 * (chains at most 50 long); everything else whole.  The stream is checked
 * and indexed by libgit2's indexer (it hashes every object again).
 * Objects are read from `mem` (the mempack, may be NULL) when there.
 * Returns 0 or a libgit2 error (its message set).
 */
int store_pack_commits(git_repository *repo, git_odb_backend *mem,
		       const git_oid *commits, size_t n, const char *dir);

#endif

/* store.h - the git store: a bare repository, blobs and trees by path,
 * signed commits, compare-and-swap updates of refs/heads/main, and the
 * history reads verification needs.  Only store*.c include git2.h. */
#ifndef XFA_STORE_H
#define XFA_STORE_H

#include <stddef.h>
#include <stdint.h>

#define XFA_OID_RAW 20
#define XFA_OID_HEX 41

/* The ref that holds the archive's history. */
#define XFA_MAIN_REF "refs/heads/main"

typedef struct xfa_oid {
	unsigned char id[XFA_OID_RAW];
} xfa_oid;

typedef struct xfa_store xfa_store;
typedef struct xfa_txn xfa_txn;
typedef struct xfa_blobw xfa_blobw;

/* Initialise libgit2 once per process; called by xfa_init(). */
int xfa_store_global_init(void);
void xfa_store_global_shutdown(void);

/* Turn fsync of objects and refs on (the default) or off for this process. */
void xfa_store_set_fsync(int on);

/*
 * Cap the memory libgit2 spends caching parsed objects, per repository
 * handle (its default is 256 MiB each); verification, which opens one
 * handle per thread and reads every tree of the history once, sets it low
 * to keep its memory bounded.  Process-wide.
 */
void xfa_store_set_cache_max(size_t bytes);

/*
 * Create a bare repository at `path` (which must not exist or be an empty
 * folder), with HEAD pointing at refs/heads/main.  Returns 0, XFA_EEXISTS,
 * XFA_EIO.
 */
int xfa_store_create(xfa_store **out, const char *path);

/* Open the bare repository at `path`.  Returns 0, XFA_ENOTFOUND, XFA_EIO. */
int xfa_store_open(xfa_store **out, const char *path);

void xfa_store_free(xfa_store *st);

/* The repository's folder; borrowed. */
const char *xfa_store_path(const xfa_store *st);

/* The commit refs/heads/main points at.  XFA_ENOTFOUND if it has none. */
int xfa_store_head(xfa_oid *out, xfa_store *st);

/* Read the blob at `path` in commit `commit`'s tree into a malloc'd,
 * NUL-terminated buffer.  XFA_ENOTFOUND if there is no blob there. */
int xfa_store_read(char **out, size_t *out_len, xfa_store *st,
		   const xfa_oid *commit, const char *path);

/* Read a blob by id (NUL-terminated, malloc'd).  `max` bounds its size. */
int xfa_store_read_blob(char **out, size_t *out_len, xfa_store *st,
			const xfa_oid *blob, size_t max);

/*
 * Pass the bytes of blob `blob` to `fn` in pieces (at most 1 MiB each), in
 * order, without holding the whole blob in memory where the object
 * database can stream it (loose objects); packed objects are read whole
 * and passed in pieces.  Stops and returns fn's value if it is non-zero.
 * Returns 0, XFA_ENOTFOUND or XFA_EIO.  (Added for export.)
 */
int xfa_store_blob_stream(xfa_store *st, const xfa_oid *blob,
			  int (*fn)(const void *data, size_t len, void *payload),
			  void *payload);

/* The size of blob `blob` from its object header, without reading it:
 * 0, XFA_ENOTFOUND, or XFA_EINVALID when the object is not a blob. */
int xfa_store_blob_size(uint64_t *out, xfa_store *st, const xfa_oid *blob);

/* The id and size of the blob at `path` in `commit`, without reading it. */
int xfa_store_stat(xfa_oid *out_blob, uint64_t *out_size, xfa_store *st,
		   const xfa_oid *commit, const char *path);

/*
 * The entry names of the tree at `dir` in `commit` (sorted as git sorts
 * them), as a malloc'd NULL-terminated array of malloc'd strings; free with
 * xfa_strv_free.  XFA_ENOTFOUND if there is no tree there.
 */
int xfa_store_list(char ***out, size_t *out_n, xfa_store *st,
		   const xfa_oid *commit, const char *dir);

void xfa_strv_free(char **v);

/* --- writing blobs ---------------------------------------------------- */

/* Write a blob of `len` bytes; *out receives its id. */
int xfa_store_put_blob(xfa_oid *out, xfa_store *st, const void *data,
		       size_t len);

/* Stream a blob of exactly `size` bytes: open, write pieces, finish. */
int xfa_blobw_open(xfa_blobw **out, xfa_store *st, uint64_t size);
int xfa_blobw_write(xfa_blobw *w, const void *data, size_t len);
/* Finish and free; XFA_EINVALID if fewer or more bytes than declared came. */
int xfa_blobw_finish(xfa_oid *out, xfa_blobw *w);
/* Abandon without writing; NULL-safe. */
void xfa_blobw_free(xfa_blobw *w);

/* --- transactions: one commit on top of the head ----------------------- */

/*
 * Start a change on top of the current head (or an empty tree when the
 * archive has no commit yet).  Nothing is visible until xfa_txn_commit.
 */
int xfa_txn_begin(xfa_txn **out, xfa_store *st);

/* The commit the transaction builds on; XFA_ENOTFOUND when there is none. */
int xfa_txn_base(xfa_oid *out, const xfa_txn *tx);

/* Stage the blob `blob` (already written) or `len` bytes at `path`. */
int xfa_txn_put_oid(xfa_txn *tx, const char *path, const xfa_oid *blob);
int xfa_txn_put(xfa_txn *tx, const char *path, const void *data, size_t len);

/*
 * Signs `len` bytes (the commit object without its signature) and returns
 * an armored SSH signature in *armor (malloc'd).  Returns 0 or a code.
 */
typedef int (*xfa_sign_fn)(char **armor, const unsigned char *buf,
			   size_t len, void *payload);

/* Who and when, for the commit's author and committer lines. */
typedef struct xfa_ident {
	const char *name;
	const char *email;
	int64_t when;        /* seconds since the epoch */
	int offset;          /* minutes east of UTC */
} xfa_ident;

/*
 * Write the staged tree and a commit signed through `sign` (git's gpgsig
 * header, SSH format), then move refs/heads/main from the base to it with a
 * compare-and-swap.  Returns 0, or XFA_ECONFLICT when the head moved since
 * xfa_txn_begin (the caller starts again on the new head).
 */
int xfa_txn_commit(xfa_oid *out, xfa_txn *tx, const xfa_ident *who,
		   const char *message, xfa_sign_fn sign, void *payload);

/*
 * Write the staged tree and a signed commit on top of the transaction's
 * tip without moving any ref; the transaction then builds on that commit.
 * Several xfa_txn_next calls followed by one xfa_txn_publish write a batch
 * of commits that becomes visible all at once, or not at all.
 */
int xfa_txn_next(xfa_oid *out, xfa_txn *tx, const xfa_ident *who,
		 const char *message, xfa_sign_fn sign, void *payload);

/*
 * Move refs/heads/main from where it was at xfa_txn_begin to the
 * transaction's tip (compare-and-swap).  XFA_ECONFLICT if it moved.
 */
int xfa_txn_publish(xfa_txn *tx, const char *reflog);

void xfa_txn_free(xfa_txn *tx);

/* --- bulk writes ------------------------------------------------------- */

/*
 * Bulk writing (import, benchmarks): between xfa_store_bulk_begin and
 * xfa_store_bulk_end every new object of this store goes to memory (a
 * libgit2 mempack) instead of one loose file each.  xfa_store_bulk_flush
 * writes the commits made since the last flush, with the trees and blobs
 * each adds over its parent, into ONE pack file (fsync'd when fsync is on)
 * and empties the memory.  Flush before publishing a ref that points at
 * the new commits: xfa_batch_begin, appends, xfa_store_bulk_flush,
 * xfa_batch_publish.  Begin before, and end after, any transaction or
 * batch that uses the bulk objects (they belong to the bulk view).
 * xfa_store_bulk_end drops what was not flushed; NULL-safe to repeat.
 */
int xfa_store_bulk_begin(xfa_store *st);
int xfa_store_bulk_flush(xfa_store *st);
void xfa_store_bulk_end(xfa_store *st);

/* --- reading history --------------------------------------------------- */

/* One commit, as verification needs it.  Free with xfa_commit_info_release. */
typedef struct xfa_commit_info {
	xfa_oid id;
	xfa_oid tree;
	size_t nparents;
	xfa_oid parents[2];      /* the first two parents */
	char *author_name, *author_email;
	int64_t author_time;
	int author_offset;
	char *committer_email;
	int64_t commit_time;
	int commit_offset;
	char *message;
	char *signature;         /* armor, or NULL if unsigned */
	char *signed_data;       /* the bytes the signature covers */
	size_t signed_len;
} xfa_commit_info;

int xfa_store_commit_info(xfa_commit_info *out, xfa_store *st,
			  const xfa_oid *commit);
void xfa_commit_info_release(xfa_commit_info *ci);

/* A blob that differs between two trees. */
typedef struct xfa_change {
	const char *path;        /* full path, e.g. "cases/2026/00/00/XF-2026-000001/case.json" */
	int status;              /* 'A' added, 'M' modified, 'D' deleted, 'T' type changed */
	xfa_oid old_id, new_id;  /* zero where absent */
	int new_mode;            /* git file mode of the new entry (0 if deleted) */
	xfa_oid old_tree;        /* the folder holding the old entry, zero if */
	xfa_oid new_tree;        /* none; the same for the new entry */
} xfa_change;

typedef int (*xfa_change_fn)(const xfa_change *c, void *payload);

/*
 * Call `fn` for every blob path that differs between tree `a` (NULL for
 * the empty tree) and tree `b`, skipping subtrees whose ids are equal.
 * Stops and returns fn's value if it is non-zero.
 */
int xfa_store_diff(xfa_store *st, const xfa_oid *a, const xfa_oid *b,
		   xfa_change_fn fn, void *payload);

/*
 * Call `fn` with the name, id and git file mode of every entry of tree
 * `tree`, in git's order.  Stops and returns fn's value if it is non-zero.
 * Returns 0, XFA_ENOTFOUND or XFA_EIO.
 */
int xfa_store_tree_each(xfa_store *st, const xfa_oid *tree,
			int (*fn)(const char *name, const xfa_oid *id, int mode,
				  void *payload), void *payload);

/*
 * Walk the history from `from` (all parents, newest first), calling `fn`
 * with each commit id.  Stops and returns fn's value if non-zero.
 */
int xfa_store_walk(xfa_store *st, const xfa_oid *from,
		   int (*fn)(const xfa_oid *id, void *payload), void *payload);

/*
 * Every commit reachable from `from`, each once, depth first along first
 * parents (not in date order), in memory of about 40 bytes a commit
 * (libgit2's revwalk keeps some 130): for whole-history verification.  Stops and returns fn's value if non-zero.
 */
int xfa_store_walk_lean(xfa_store *st, const xfa_oid *from,
			int (*fn)(const xfa_oid *id, void *payload), void *payload);

/*
 * The same walk with the history of `hide` (may be NULL) left out, as
 * `git rev-list from ^hide`: the commits after it.  `topo` orders parents
 * after all their children (and the walk reads every commit first).
 */
int xfa_store_walk_hide(xfa_store *st, const xfa_oid *from,
			const xfa_oid *hide, int topo,
			int (*fn)(const xfa_oid *id, void *payload),
			void *payload);

/* Is `ancestor` reachable from `descendant` (or equal)?  1, 0, or a code. */
/* The same, leaving out the `nhide` commits `hide` and all they reach. */
int xfa_store_walk_hiding(xfa_store *st, const xfa_oid *from, const xfa_oid *hide,
			  size_t nhide, int (*fn)(const xfa_oid *id, void *payload),
			  void *payload);

int xfa_store_is_ancestor(xfa_store *st, const xfa_oid *ancestor,
			  const xfa_oid *descendant);

/* Resolve a ref name to a commit; XFA_ENOTFOUND if absent. */
int xfa_store_ref(xfa_oid *out, xfa_store *st, const char *name);

/* The tree of commit `commit`.  XFA_ENOTFOUND if there is no such commit. */
int xfa_store_commit_tree(xfa_oid *out, xfa_store *st, const xfa_oid *commit);

/* The tree (may be NULL) and committer time (may be NULL) of `commit`. */
int xfa_store_commit_tree_time(xfa_oid *out, int64_t *time, xfa_store *st,
			       const xfa_oid *commit);

/*
 * The id of the entry (blob or tree) at `path` in `commit`'s tree; the
 * tree itself for "".  XFA_ENOTFOUND if there is nothing there.
 */
int xfa_store_entry_id(xfa_oid *out, xfa_store *st, const xfa_oid *commit,
		       const char *path);

/* Hex form of an id, and back. */
void xfa_oid_fmt(char out[XFA_OID_HEX], const xfa_oid *id);
int xfa_oid_parse(xfa_oid *out, const char *hex);
int xfa_oid_is_zero(const xfa_oid *id);
int xfa_oid_equal(const xfa_oid *a, const xfa_oid *b);

/* --- remotes and exchange (sync) -------------------------------------- */

/* Add remote `name` at `url`, fetching its main into
 * refs/xfa/remotes/<name>/main.  XFA_EEXISTS, XFA_EINVALID (bad name, or a
 * URL holding a password: the configuration never stores one). */
int xfa_store_remote_add(xfa_store *st, const char *name, const char *url);

/* The configured remotes: two malloc'd NULL-terminated arrays of *n names
 * and URLs (free each with xfa_strv_free). */
int xfa_store_remote_list(char ***names, char ***urls, size_t *n, xfa_store *st);

/* `url` as it may be shown: "user:password@" becomes "user@". */
void xfa_url_shown(char *out, size_t n, const char *url);

/* The URL of remote `name` (malloc'd).  XFA_ENOTFOUND if there is none. */
int xfa_store_remote_url(char **out, xfa_store *st, const char *name);

/*
 * Fetch the remote's refs/heads/main and return the commit it names; with
 * `into`, also point that ref at it (forced).  Over the network the objects
 * are downloaded and no ref moves otherwise (credentials, host keys and CAs:
 * store_transport.c).  XFA_ENOTFOUND (no such remote or local path, or an
 * empty repository), XFA_EINVALID (it holds refs but no main, or its main is
 * not a commit), XFA_EAUTH (credentials refused, host key or certificate not
 * trusted), XFA_EIO (unreachable, or another transport failure).
 */
int xfa_store_fetch(xfa_oid *out, xfa_store *st, const char *remote,
		    const char *into);

/*
 * Push local ref `src` to the remote's ref `dst` (never forced: the server
 * moves it only from the value it listed).  The pack holds what `src` adds
 * over the remote's `dst`, found from what changed (store_push.c).  Returns
 * 0, XFA_ECONFLICT when the push is not a fast-forward (found locally, or
 * the server's rejection for a head that moved meanwhile), XFA_EIO when the
 * server refuses it otherwise (a hook, a permission: its words in the
 * message) or cannot be reached, XFA_EAUTH, XFA_ENOTFOUND.
 */
int xfa_store_push(xfa_store *st, const char *remote, const char *src,
		   const char *dst);

/* The best common ancestor of `a` and `b`.  XFA_ENOTFOUND if none. */
int xfa_store_merge_base(xfa_oid *out, xfa_store *st, const xfa_oid *a,
			 const xfa_oid *b);

/*
 * Point ref `name` at `id`.  `old` NULL: unconditionally; a zero id: the ref
 * must not exist; otherwise compare-and-swap from `old` (XFA_ECONFLICT).
 */
int xfa_store_set_ref(xfa_store *st, const char *name, const xfa_oid *id,
		      const xfa_oid *old, const char *reflog);
int xfa_store_del_ref(xfa_store *st, const char *name);

/* Names of the refs matching `glob` (malloc'd, NULL-terminated; xfa_strv_free). */
int xfa_store_refs(char ***out, size_t *n, xfa_store *st, const char *glob);

/* The repository's own (per-clone) git configuration file, e.g. "xfa.office"
 * (get reads that file only, not the user's or the system's). */
int xfa_store_config_get(char **out, xfa_store *st, const char *key);
int xfa_store_config_set(xfa_store *st, const char *key, const char *value);

/* One change of a tree: put blob `id` at `path`, or remove `path`. */
typedef struct xfa_tree_up {
	const char *path;
	xfa_oid id;
	int remove;
} xfa_tree_up;

/* Apply `ups` to tree `base` (a tree id); *out receives the new tree. */
int xfa_store_tree_update(xfa_oid *out, xfa_store *st, const xfa_oid *base,
			  const xfa_tree_up *ups, size_t n);

/* Write a signed merge commit of tree `tree` with parents p0, p1; no ref moves. */
int xfa_store_write_merge(xfa_oid *out, xfa_store *st, const xfa_oid *tree,
			  const xfa_oid *p0, const xfa_oid *p1,
			  const xfa_ident *who, const char *message,
			  xfa_sign_fn sign, void *payload);

/*
 * Create a bare repository at `path` that borrows st's objects (git
 * alternates) and whose main is `head`: a view of a fetched history that
 * verification can open without touching the archive's own main.
 */
int xfa_store_shadow(const char *path, xfa_store *st, const xfa_oid *head);

#endif

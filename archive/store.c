/* store.c - the git store over libgit2: blobs and trees by path, signed
 * commits, compare-and-swap ref updates, and history reads. */
#include "store.h"

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

struct xfa_store {
	git_repository *repo;
	char *path;
	/* bulk mode (xfa_store_bulk_begin): repo writes into `mempack` */
	git_repository *plain;     /* the repository outside bulk mode */
	git_odb_backend *mempack;  /* owned by repo's object database */
	git_oid *bulk;             /* commits written since the last flush */
	size_t nbulk, capbulk;
};

struct xfa_txn {
	xfa_store *st;
	int had_head;            /* the ref's value when the transaction began */
	git_oid head;
	int has_base;            /* the commit the next one builds on */
	git_oid base;
	git_tree *base_tree;
	git_tree_update *up;
	size_t nup, cap;
};

struct xfa_blobw {
	git_odb *odb;
	git_odb_stream *stream;
};

/* Turn libgit2's last error into ours. */
static int git_fail(int gerr, const char *what)
{
	const git_error *e = git_error_last();
	const char *msg = e && e->message ? e->message : "unknown error";
	int code;

	switch (gerr) {
	case GIT_ENOTFOUND: code = XFA_ENOTFOUND; break;
	case GIT_EEXISTS:   code = XFA_EEXISTS; break;
	case GIT_EMODIFIED:
	case GIT_ELOCKED:   code = XFA_ECONFLICT; break;
	default:            code = XFA_EIO; break;
	}
	return xfa_error_set(code, "%s: %s", what, msg);
}

int xfa_store_global_init(void)
{
	if (git_libgit2_init() < 0)
		return git_fail(-1, "cannot initialise libgit2");
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	return 0;
}

void xfa_store_global_shutdown(void)
{
	git_libgit2_shutdown();
}

void xfa_store_set_fsync(int on)
{
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, on ? 1 : 0);
}

void xfa_store_set_cache_max(size_t bytes)
{
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
	/* libgit2 caches no tree above 4 KiB by default: a fan-out folder of
	 * 100 cases is larger, and every path lookup would read it again */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE,
			 (size_t)64 << 10);
}

static int store_new(xfa_store **out, git_repository *repo, const char *path)
{
	xfa_store *st = calloc(1, sizeof(*st));

	if (!st || !(st->path = strdup(path))) {
		free(st);
		git_repository_free(repo);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	st->repo = repo;
	*out = st;
	return 0;
}

int xfa_store_create(xfa_store **out, const char *path)
{
	git_repository_init_options opts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	git_repository *repo = NULL;
	int err;

	*out = NULL;
	opts.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_NO_REINIT |
		     GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = "main";
	if ((err = git_repository_init_ext(&repo, path, &opts)) < 0) {
		if (err == GIT_EEXISTS &&
		    git_repository_open_ext(NULL, path, GIT_REPOSITORY_OPEN_NO_SEARCH |
					    GIT_REPOSITORY_OPEN_BARE, NULL) == 0)
			return xfa_error_set(XFA_EEXISTS,
				"'%s': a repository already exists there", path);
		if (err == GIT_EEXISTS)   /* e.g. a file where a folder should be */
			return xfa_error_set(XFA_EEXISTS,
				"'%s': something that is not a folder is in the way", path);
		return git_fail(err, path);
	}
	return store_new(out, repo, path);
}

int xfa_store_open(xfa_store **out, const char *path)
{
	git_repository *repo = NULL;
	int err;

	*out = NULL;
	err = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH |
				      GIT_REPOSITORY_OPEN_BARE, NULL);
	if (err < 0) {
		if (err == GIT_ENOTFOUND)
			return xfa_error_set(XFA_ENOTFOUND,
				"'%s': no archive there (not a git repository)", path);
		return git_fail(err, path);
	}
	return store_new(out, repo, path);
}

void xfa_store_free(xfa_store *st)
{
	if (!st)
		return;
	xfa_store_bulk_end(st);
	git_repository_free(st->repo);
	free(st->path);
	free(st);
}

const char *xfa_store_path(const xfa_store *st)
{
	return st->path;
}

int xfa_store_ref(xfa_oid *out, xfa_store *st, const char *name)
{
	git_oid id;
	int err = git_reference_name_to_id(&id, st->repo, name);

	if (err == GIT_ENOTFOUND)
		return xfa_error_set(XFA_ENOTFOUND, "no ref '%s'", name);
	if (err < 0)
		return git_fail(err, name);
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

int xfa_store_head(xfa_oid *out, xfa_store *st)
{
	int err = xfa_store_ref(out, st, XFA_MAIN_REF);

	if (err == XFA_ENOTFOUND)
		return xfa_error_set(XFA_ENOTFOUND,
			"'%s': the archive has no history (not initialised)", st->path);
	return err;
}

/* The tree entry at `path` in commit `commit`; the caller frees it. */
static int entry_at(git_tree_entry **out, xfa_store *st, const xfa_oid *commit,
		    const char *path)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	int err;

	if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)commit->id)) < 0)
		return git_fail(err, "cannot read commit");
	if ((err = git_commit_tree(&t, c)) < 0) {
		err = git_fail(err, "cannot read tree");
		goto done;
	}
	if ((err = git_tree_entry_bypath(out, t, path)) < 0)
		err = err == GIT_ENOTFOUND
			? xfa_error_set(XFA_ENOTFOUND, "no '%s' in the archive", path)
			: git_fail(err, path);
done:
	git_tree_free(t);
	git_commit_free(c);
	return err;
}

int xfa_store_read_blob(char **out, size_t *out_len, xfa_store *st,
			const xfa_oid *blob, size_t max)
{
	git_blob *b = NULL;
	size_t n;
	char *buf;
	int err;

	*out = NULL;
	if ((err = git_blob_lookup(&b, st->repo, (const git_oid *)blob->id)) < 0)
		/* a tree names it: a missing blob is a damaged archive */
		return git_fail(err == GIT_ENOTFOUND ? GIT_ERROR : err,
				"cannot read blob");
	n = (size_t)git_blob_rawsize(b);
	if (n > max) {
		git_blob_free(b);
		return xfa_error_set(XFA_EINVALID, "blob larger than %zu bytes", max);
	}
	if (!(buf = malloc(n + 1))) {
		git_blob_free(b);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	memcpy(buf, git_blob_rawcontent(b), n);
	buf[n] = '\0';
	git_blob_free(b);
	*out = buf;
	if (out_len)
		*out_len = n;
	return 0;
}

#define STREAM_PIECE (1 << 20)

/* A blob read whole (packed objects), passed on in pieces. */
static int blob_pieces(xfa_store *st, const xfa_oid *blob,
		       int (*fn)(const void *, size_t, void *), void *payload)
{
	git_blob *b = NULL;
	const char *p;
	size_t n, off;
	int err = 0;

	if ((err = git_blob_lookup(&b, st->repo, (const git_oid *)blob->id)) < 0)
		/* a tree names it: a missing blob is a damaged archive */
		return git_fail(err == GIT_ENOTFOUND ? GIT_ERROR : err,
				"cannot read blob");
	p = git_blob_rawcontent(b);
	n = (size_t)git_blob_rawsize(b);
	for (off = 0; off < n && !err; off += STREAM_PIECE)
		err = fn(p + off, n - off < STREAM_PIECE ? n - off : STREAM_PIECE, payload);
	git_blob_free(b);
	return err;
}

int xfa_store_blob_stream(xfa_store *st, const xfa_oid *blob,
			  int (*fn)(const void *data, size_t len, void *payload),
			  void *payload)
{
	git_odb *odb = NULL;
	git_odb_stream *s = NULL;
	git_object_t type;
	size_t size, got = 0;
	char *buf = NULL;
	int err = 0, n;

	if (git_repository_odb(&odb, st->repo) < 0)
		return git_fail(-1, "cannot open the object database");
	if (git_odb_open_rstream(&s, &size, &type, odb, (const git_oid *)blob->id) < 0 ||
	    type != GIT_OBJECT_BLOB || !(buf = malloc(STREAM_PIECE))) {
		/* no backend streams it (packed): read it whole */
		if (s)
			git_odb_stream_free(s);
		git_odb_free(odb);
		free(buf);
		git_error_clear();
		return blob_pieces(st, blob, fn, payload);
	}
	while (!err && got < size) {
		n = git_odb_stream_read(s, buf, STREAM_PIECE);
		if (n <= 0)
			err = xfa_error_set(XFA_EIO, "cannot read blob: %s",
					    n < 0 && git_error_last() ? git_error_last()->message
					    : "short object");
		else {
			got += (size_t)n;
			err = fn(buf, (size_t)n, payload);
		}
	}
	free(buf);
	git_odb_stream_free(s);
	git_odb_free(odb);
	return err;
}

int xfa_store_read(char **out, size_t *out_len, xfa_store *st,
		   const xfa_oid *commit, const char *path)
{
	git_tree_entry *e = NULL;
	xfa_oid id;
	int err;

	*out = NULL;
	if ((err = entry_at(&e, st, commit, path)) < 0)
		return err;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		return xfa_error_set(XFA_ENOTFOUND, "'%s' is not a file", path);
	}
	memcpy(id.id, git_tree_entry_id(e)->id, XFA_OID_RAW);
	git_tree_entry_free(e);
	return xfa_store_read_blob(out, out_len, st, &id, SIZE_MAX - 1);
}

int xfa_store_stat(xfa_oid *out_blob, uint64_t *out_size, xfa_store *st,
		   const xfa_oid *commit, const char *path)
{
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	size_t size;
	int err;

	if ((err = entry_at(&e, st, commit, path)) < 0)
		return err;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		err = xfa_error_set(XFA_ENOTFOUND, "'%s' is not a file", path);
		goto done;
	}
	memcpy(out_blob->id, git_tree_entry_id(e)->id, XFA_OID_RAW);
	if (out_size) {
		if ((err = git_repository_odb(&odb, st->repo)) < 0 ||
		    (err = git_odb_read_header(&size, &type, odb,
					       git_tree_entry_id(e))) < 0) {
			err = git_fail(err, path);
			goto done;
		}
		*out_size = size;
	}
done:
	git_odb_free(odb);
	git_tree_entry_free(e);
	return err;
}

void xfa_strv_free(char **v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

int xfa_store_list(char ***out, size_t *out_n, xfa_store *st,
		   const xfa_oid *commit, const char *dir)
{
	git_tree_entry *e = NULL;
	git_tree *t = NULL;
	git_commit *c = NULL;
	char **v = NULL;
	size_t n, i;
	int err;

	*out = NULL;
	if (!dir || !*dir) {
		if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)commit->id)) < 0 ||
		    (err = git_commit_tree(&t, c)) < 0) {
			err = git_fail(err, "cannot read tree");
			goto done;
		}
	} else {
		if ((err = entry_at(&e, st, commit, dir)) < 0)
			goto done;
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			err = xfa_error_set(XFA_ENOTFOUND, "'%s' is not a folder", dir);
			goto done;
		}
		if ((err = git_tree_lookup(&t, st->repo, git_tree_entry_id(e))) < 0) {
			err = git_fail(err, dir);
			goto done;
		}
	}
	n = git_tree_entrycount(t);
	if (!(v = calloc(n + 1, sizeof(*v)))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++)
		if (!(v[i] = strdup(git_tree_entry_name(git_tree_entry_byindex(t, i))))) {
			err = xfa_error_set(XFA_ERROR, "out of memory");
			goto done;
		}
	*out = v;
	v = NULL;
	if (out_n)
		*out_n = n;
done:
	xfa_strv_free(v);
	git_tree_free(t);
	git_tree_entry_free(e);
	git_commit_free(c);
	return err;
}

/* --- blobs ------------------------------------------------------------- */

int xfa_store_put_blob(xfa_oid *out, xfa_store *st, const void *data, size_t len)
{
	git_oid id;
	int err = git_blob_create_from_buffer(&id, st->repo, data, len);

	if (err < 0)
		return git_fail(err, "cannot write blob");
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

int xfa_blobw_open(xfa_blobw **out, xfa_store *st, uint64_t size)
{
	xfa_blobw *w = calloc(1, sizeof(*w));
	int err;

	*out = NULL;
	if (!w)
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = git_repository_odb(&w->odb, st->repo)) < 0 ||
	    (err = git_odb_open_wstream(&w->stream, w->odb, size, GIT_OBJECT_BLOB)) < 0) {
		err = git_fail(err, "cannot write blob");
		xfa_blobw_free(w);
		return err;
	}
	*out = w;
	return 0;
}

int xfa_blobw_write(xfa_blobw *w, const void *data, size_t len)
{
	int err = git_odb_stream_write(w->stream, data, len);

	if (err < 0)
		return git_fail(err, "cannot write blob");
	return 0;
}

int xfa_blobw_finish(xfa_oid *out, xfa_blobw *w)
{
	git_oid id;
	int err = git_odb_stream_finalize_write(&id, w->stream);

	xfa_blobw_free(w);
	if (err < 0)
		return xfa_error_set(XFA_EINVALID, "blob does not have the declared size");
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

void xfa_blobw_free(xfa_blobw *w)
{
	if (!w)
		return;
	git_odb_stream_free(w->stream);
	git_odb_free(w->odb);
	free(w);
}

/* --- transactions ------------------------------------------------------ */

int xfa_txn_begin(xfa_txn **out, xfa_store *st)
{
	xfa_txn *tx = calloc(1, sizeof(*tx));
	git_commit *c = NULL;
	int err;

	*out = NULL;
	if (!tx)
		return xfa_error_set(XFA_ERROR, "out of memory");
	tx->st = st;
	err = git_reference_name_to_id(&tx->base, st->repo, XFA_MAIN_REF);
	if (err == 0) {
		tx->has_base = tx->had_head = 1;
		tx->head = tx->base;
		if ((err = git_commit_lookup(&c, st->repo, &tx->base)) < 0 ||
		    (err = git_commit_tree(&tx->base_tree, c)) < 0) {
			err = git_fail(err, "cannot read the head commit");
			goto fail;
		}
		git_commit_free(c);
	} else if (err != GIT_ENOTFOUND) {
		err = git_fail(err, "cannot read " XFA_MAIN_REF);
		goto fail;
	}
	*out = tx;
	return 0;
fail:
	git_commit_free(c);
	xfa_txn_free(tx);
	return err;
}

int xfa_txn_base(xfa_oid *out, const xfa_txn *tx)
{
	if (!tx->has_base)
		return xfa_error_set(XFA_ENOTFOUND, "the archive has no history yet");
	memcpy(out->id, tx->base.id, XFA_OID_RAW);
	return 0;
}

int xfa_txn_put_oid(xfa_txn *tx, const char *path, const xfa_oid *blob)
{
	git_tree_update *u;

	if (tx->nup == tx->cap) {
		size_t cap = tx->cap ? tx->cap * 2 : 8;
		git_tree_update *n = realloc(tx->up, cap * sizeof(*n));
		if (!n)
			return xfa_error_set(XFA_ERROR, "out of memory");
		tx->up = n;
		tx->cap = cap;
	}
	u = &tx->up[tx->nup];
	memset(u, 0, sizeof(*u));
	u->action = GIT_TREE_UPDATE_UPSERT;
	u->filemode = GIT_FILEMODE_BLOB;
	memcpy(u->id.id, blob->id, XFA_OID_RAW);
	if (!(u->path = strdup(path)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	tx->nup++;
	return 0;
}

int xfa_txn_put(xfa_txn *tx, const char *path, const void *data, size_t len)
{
	xfa_oid id;
	int err;

	if ((err = xfa_store_put_blob(&id, tx->st, data, len)) < 0)
		return err;
	return xfa_txn_put_oid(tx, path, &id);
}

/* The tree of the base with the staged updates applied. */
static int txn_tree(git_tree **out, xfa_txn *tx)
{
	git_treebuilder *tb = NULL;
	git_tree *base = tx->base_tree;
	git_oid id;
	int err;

	if (!base) {
		if ((err = git_treebuilder_new(&tb, tx->st->repo, NULL)) < 0 ||
		    (err = git_treebuilder_write(&id, tb)) < 0 ||
		    (err = git_tree_lookup(&base, tx->st->repo, &id)) < 0) {
			git_treebuilder_free(tb);
			return git_fail(err, "cannot build the empty tree");
		}
		git_treebuilder_free(tb);
	}
	err = git_tree_create_updated(&id, tx->st->repo, base, tx->nup, tx->up);
	if (base != tx->base_tree)
		git_tree_free(base);
	if (err < 0)
		return git_fail(err, "cannot build the new tree");
	if ((err = git_tree_lookup(out, tx->st->repo, &id)) < 0)
		return git_fail(err, "cannot read the new tree");
	return 0;
}

/* In bulk mode: remember a commit written into memory, to pack it later. */
static int bulk_note(xfa_store *st, const git_oid *id)
{
	if (st->nbulk == st->capbulk) {
		size_t cap = st->capbulk ? st->capbulk * 2 : 256;
		git_oid *n = realloc(st->bulk, cap * sizeof(*n));
		if (!n)
			return xfa_error_set(XFA_ERROR, "out of memory");
		st->bulk = n;
		st->capbulk = cap;
	}
	st->bulk[st->nbulk++] = *id;
	return 0;
}

/* Build and sign the commit object; *out receives its id. */
static int write_commit(git_oid *out, xfa_txn *tx, git_tree *tree,
			const xfa_ident *who, const char *message,
			xfa_sign_fn sign, void *payload)
{
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_buf buf = GIT_BUF_INIT;
	char *armor = NULL;
	size_t n;
	int err;

	if ((err = git_signature_new(&sig, who->name, who->email,
				     (git_time_t)who->when, who->offset)) < 0) {
		err = git_fail(err, "invalid author");
		goto done;
	}
	if (tx->has_base &&
	    (err = git_commit_lookup(&parent, tx->st->repo, &tx->base)) < 0) {
		err = git_fail(err, "cannot read the parent commit");
		goto done;
	}
	if ((err = git_commit_create_buffer(&buf, tx->st->repo, sig, sig, NULL,
			message, tree, tx->has_base ? 1 : 0,
			(const git_commit **)&parent)) < 0) {
		err = git_fail(err, "cannot build the commit");
		goto done;
	}
	if ((err = sign(&armor, (const unsigned char *)buf.ptr, buf.size, payload)) < 0)
		goto done;
	/* libgit2 writes an extra " " line if the armor ends in a newline */
	for (n = strlen(armor); n && armor[n - 1] == '\n'; n--)
		armor[n - 1] = '\0';
	if ((err = git_commit_create_with_signature(out, tx->st->repo, buf.ptr,
						    armor, NULL)) < 0)
		err = git_fail(err, "cannot write the commit");
	else if (tx->st->mempack)
		err = bulk_note(tx->st, out);
done:
	free(armor);
	git_buf_dispose(&buf);
	git_commit_free(parent);
	git_signature_free(sig);
	return err;
}

int xfa_txn_next(xfa_oid *out, xfa_txn *tx, const xfa_ident *who,
		 const char *message, xfa_sign_fn sign, void *payload)
{
	git_tree *tree = NULL;
	git_oid id;
	size_t i;
	int err;

	if ((err = txn_tree(&tree, tx)) < 0)
		return err;
	err = write_commit(&id, tx, tree, who, message, sign, payload);
	if (err < 0) {
		git_tree_free(tree);
		return err;
	}
	/* the next commit builds on this one */
	git_tree_free(tx->base_tree);
	tx->base_tree = tree;
	tx->base = id;
	tx->has_base = 1;
	for (i = 0; i < tx->nup; i++)
		free((char *)tx->up[i].path);
	tx->nup = 0;
	if (out)
		memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

/*
 * A writer killed inside git_reference_create_matching leaves
 * refs/heads/main.lock behind, and every later compare-and-swap would fail
 * with GIT_ELOCKED forever.  So xfa writers publish under an exclusive
 * flock on "<repo>/xfa-publish.lock" (the kernel drops it when a process
 * dies): a main.lock seen while holding it belongs to no live xfa, and once
 * it is two seconds old (no other git process holds a ref lock that long)
 * it is removed.  Returns the flock's fd (or -1: then publish unguarded).
 */
static int publish_guard(const xfa_store *st)
{
	char path[4096];
	struct stat sb;
	const char *dir = git_repository_path(st->repo);
	int fd;

	snprintf(path, sizeof(path), "%sxfa-publish.lock", dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return -1;
	if (flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	snprintf(path, sizeof(path), "%s" XFA_MAIN_REF ".lock", dir);
	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    time(NULL) - sb.st_mtime >= 2)
		unlink(path);
	return fd;
}

int xfa_txn_publish(xfa_txn *tx, const char *reflog)
{
	git_reference *ref = NULL;
	git_oid zero;
	int err, guard;

	if (!tx->has_base)
		return xfa_error_set(XFA_EINVALID, "nothing to publish");
	if (tx->had_head && git_oid_equal(&tx->head, &tx->base))
		return 0;
	memset(&zero, 0, sizeof(zero));
	guard = publish_guard(tx->st);
	err = git_reference_create_matching(&ref, tx->st->repo, XFA_MAIN_REF,
			&tx->base, 1, tx->had_head ? &tx->head : &zero, reflog);
	if (guard >= 0)
		close(guard);
	git_reference_free(ref);
	if (err == GIT_EMODIFIED || err == GIT_ELOCKED ||
	    (err == GIT_ENOTFOUND && tx->had_head))
		return xfa_error_set(XFA_ECONFLICT,
			"the archive changed while writing (concurrent update)");
	if (err < 0)
		return git_fail(err, "cannot update " XFA_MAIN_REF);
	tx->head = tx->base;
	tx->had_head = 1;
	return 0;
}

int xfa_txn_commit(xfa_oid *out, xfa_txn *tx, const xfa_ident *who,
		   const char *message, xfa_sign_fn sign, void *payload)
{
	int err;

	if ((err = xfa_txn_next(out, tx, who, message, sign, payload)) < 0)
		return err;
	return xfa_txn_publish(tx, message);
}

void xfa_txn_free(xfa_txn *tx)
{
	size_t i;

	if (!tx)
		return;
	for (i = 0; i < tx->nup; i++)
		free((char *)tx->up[i].path);
	free(tx->up);
	git_tree_free(tx->base_tree);
	free(tx);
}

/* --- history ----------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int xfa_store_commit_info(xfa_commit_info *out, xfa_store *st,
			  const xfa_oid *commit)
{
	git_buf sig = GIT_BUF_INIT, data = GIT_BUF_INIT;
	git_commit *c = NULL;
	const git_signature *a, *cm;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	memcpy(out->id.id, commit->id, XFA_OID_RAW);
	if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)commit->id)) < 0)
		return git_fail(err, "cannot read commit");
	memcpy(out->tree.id, git_commit_tree_id(c)->id, XFA_OID_RAW);
	out->nparents = git_commit_parentcount(c);
	for (i = 0; i < out->nparents && i < 2; i++)
		memcpy(out->parents[i].id, git_commit_parent_id(c, (unsigned)i)->id,
		       XFA_OID_RAW);
	a = git_commit_author(c);
	cm = git_commit_committer(c);
	out->author_name = dup_or_null(a->name);
	out->author_email = dup_or_null(a->email);
	out->author_time = a->when.time;
	out->author_offset = a->when.offset;
	out->committer_email = dup_or_null(cm->email);
	out->commit_time = cm->when.time;
	out->commit_offset = cm->when.offset;
	out->message = dup_or_null(git_commit_message_raw(c));
	err = git_commit_extract_signature(&sig, &data, st->repo,
					   (git_oid *)commit->id, NULL);
	if (err == 0) {
		out->signature = dup_or_null(sig.ptr);
		if ((out->signed_data = malloc(data.size + 1))) {
			memcpy(out->signed_data, data.ptr, data.size);
			out->signed_data[data.size] = '\0';
			out->signed_len = data.size;
		}
	} else if (err != GIT_ENOTFOUND) {
		err = git_fail(err, "cannot read the commit signature");
		goto done;
	}
	err = 0;
	if (!out->author_name || !out->author_email || !out->committer_email ||
	    !out->message || (out->signature && !out->signed_data))
		err = xfa_error_set(XFA_ERROR, "out of memory");
done:
	git_buf_dispose(&sig);
	git_buf_dispose(&data);
	git_commit_free(c);
	if (err)
		xfa_commit_info_release(out);
	return err;
}

void xfa_commit_info_release(xfa_commit_info *ci)
{
	free(ci->author_name);
	free(ci->author_email);
	free(ci->committer_email);
	free(ci->message);
	free(ci->signature);
	free(ci->signed_data);
	memset(ci, 0, sizeof(*ci));
}

static int tree_or_null(git_tree **out, xfa_store *st, const git_oid *id)
{
	int err;

	*out = NULL;
	if (!id)
		return 0;
	if ((err = git_tree_lookup(out, st->repo, id)) < 0)
		return git_fail(err, "cannot read tree");
	return 0;
}

static int diff_trees(xfa_store *st, const git_oid *a, const git_oid *b,
		      char *path, size_t plen, xfa_change_fn fn, void *payload);

/* Report one entry present in `ea` and/or `eb` (NULL where absent). */
static int diff_entry(xfa_store *st, const git_tree_entry *ea,
		      const git_tree_entry *eb, char *path, size_t plen,
		      xfa_change_fn fn, void *payload)
{
	const git_tree_entry *e = eb ? eb : ea;
	const char *name = git_tree_entry_name(e);
	int ta = ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE;
	int tb = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE;
	size_t n = strlen(path);
	xfa_change c;
	int err = 0;

	if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
	    git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
		return 0;
	if (n + strlen(name) + 2 >= plen)
		return xfa_error_set(XFA_EINVALID, "path too long under '%s'", path);
	snprintf(path + n, plen - n, "%s%s", n ? "/" : "", name);
	if (ta || tb) {
		err = diff_trees(st, ta ? git_tree_entry_id(ea) : NULL,
				 tb ? git_tree_entry_id(eb) : NULL, path, plen,
				 fn, payload);
		/* a blob replaced by a folder or back: report the blob side too */
		if (!err && ((ea && !ta) || (eb && !tb))) {
			memset(&c, 0, sizeof(c));
			c.path = path;
			c.status = 'T';
			if (ea && !ta)
				memcpy(c.old_id.id, git_tree_entry_id(ea)->id, XFA_OID_RAW);
			if (eb && !tb) {
				memcpy(c.new_id.id, git_tree_entry_id(eb)->id, XFA_OID_RAW);
				c.new_mode = (int)git_tree_entry_filemode(eb);
			}
			err = fn(&c, payload);
		}
	} else {
		memset(&c, 0, sizeof(c));
		c.path = path;
		c.status = !ea ? 'A' : !eb ? 'D' : 'M';
		if (ea)
			memcpy(c.old_id.id, git_tree_entry_id(ea)->id, XFA_OID_RAW);
		if (eb) {
			memcpy(c.new_id.id, git_tree_entry_id(eb)->id, XFA_OID_RAW);
			c.new_mode = (int)git_tree_entry_filemode(eb);
		}
		err = fn(&c, payload);
	}
	path[n] = '\0';
	return err;
}

static int diff_trees(xfa_store *st, const git_oid *a, const git_oid *b,
		      char *path, size_t plen, xfa_change_fn fn, void *payload)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t i;
	int err;

	if (a && b && git_oid_equal(a, b))
		return 0;
	if ((err = tree_or_null(&ta, st, a)) < 0 ||
	    (err = tree_or_null(&tb, st, b)) < 0)
		goto done;
	for (i = 0; ta && i < git_tree_entrycount(ta); i++) {
		const git_tree_entry *ea = git_tree_entry_byindex(ta, i);
		const git_tree_entry *eb = tb ?
			git_tree_entry_byname(tb, git_tree_entry_name(ea)) : NULL;
		if ((err = diff_entry(st, ea, eb, path, plen, fn, payload)))
			goto done;
	}
	for (i = 0; tb && i < git_tree_entrycount(tb); i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(tb, i);
		if (ta && git_tree_entry_byname(ta, git_tree_entry_name(eb)))
			continue;
		if ((err = diff_entry(st, NULL, eb, path, plen, fn, payload)))
			goto done;
	}
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return err;
}

int xfa_store_diff(xfa_store *st, const xfa_oid *a, const xfa_oid *b,
		   xfa_change_fn fn, void *payload)
{
	char path[1024] = "";

	return diff_trees(st, a ? (const git_oid *)a->id : NULL,
			  b ? (const git_oid *)b->id : NULL, path, sizeof(path),
			  fn, payload);
}

int xfa_store_walk(xfa_store *st, const xfa_oid *from,
		   int (*fn)(const xfa_oid *id, void *payload), void *payload)
{
	git_revwalk *w = NULL;
	git_oid id;
	int err;

	if ((err = git_revwalk_new(&w, st->repo)) < 0 ||
	    (err = git_revwalk_push(w, (const git_oid *)from->id)) < 0) {
		err = git_fail(err, "cannot walk the history");
		goto done;
	}
	while ((err = git_revwalk_next(&id, w)) == 0) {
		xfa_oid x;
		memcpy(x.id, id.id, XFA_OID_RAW);
		if ((err = fn(&x, payload)))
			goto done;
	}
	err = err == GIT_ITEROVER ? 0 : git_fail(err, "cannot walk the history");
done:
	git_revwalk_free(w);
	return err;
}

int xfa_store_is_ancestor(xfa_store *st, const xfa_oid *ancestor,
			  const xfa_oid *descendant)
{
	int r;

	if (xfa_oid_equal(ancestor, descendant))
		return 1;
	r = git_graph_descendant_of(st->repo, (const git_oid *)descendant->id,
				    (const git_oid *)ancestor->id);
	if (r < 0)
		return r == GIT_ENOTFOUND ? 0 : git_fail(r, "cannot compare histories");
	return r;
}

void xfa_oid_fmt(char out[XFA_OID_HEX], const xfa_oid *id)
{
	git_oid_tostr(out, XFA_OID_HEX, (const git_oid *)id->id);
}

int xfa_oid_parse(xfa_oid *out, const char *hex)
{
	git_oid id;

	if (!hex || strlen(hex) != XFA_OID_HEX - 1 || git_oid_fromstr(&id, hex) < 0)
		return xfa_error_set(XFA_EINVALID, "'%s' is not a commit id",
				     hex ? hex : "");
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

int xfa_oid_is_zero(const xfa_oid *id)
{
	size_t i;

	for (i = 0; i < XFA_OID_RAW; i++)
		if (id->id[i])
			return 0;
	return 1;
}

int xfa_oid_equal(const xfa_oid *a, const xfa_oid *b)
{
	return memcmp(a->id, b->id, XFA_OID_RAW) == 0;
}

int xfa_store_commit_tree(xfa_oid *out, xfa_store *st, const xfa_oid *commit)
{
	git_commit *c = NULL;
	int err;

	if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)commit->id)) < 0)
		return git_fail(err, "cannot read commit");
	memcpy(out->id, git_commit_tree_id(c)->id, XFA_OID_RAW);
	git_commit_free(c);
	return 0;
}

int xfa_store_entry_id(xfa_oid *out, xfa_store *st, const xfa_oid *commit,
		       const char *path)
{
	git_tree_entry *e = NULL;
	int err;

	if (!path || !*path)
		return xfa_store_commit_tree(out, st, commit);
	if ((err = entry_at(&e, st, commit, path)) < 0)
		return err;
	memcpy(out->id, git_tree_entry_id(e)->id, XFA_OID_RAW);
	git_tree_entry_free(e);
	return 0;
}

/* --- bulk writes: objects in memory, then one pack ---------------------- */

int xfa_store_bulk_begin(xfa_store *st)
{
	git_repository *r = NULL;
	git_odb *odb = NULL;
	git_odb_backend *mp = NULL;
	int err;

	if (st->plain)
		return xfa_error_set(XFA_EINVALID, "bulk writing has begun already");
	if ((err = git_repository_open_ext(&r, st->path, GIT_REPOSITORY_OPEN_NO_SEARCH |
					   GIT_REPOSITORY_OPEN_BARE, NULL)) < 0 ||
	    (err = git_repository_odb(&odb, r)) < 0 ||
	    (err = git_mempack_new(&mp)) < 0)
		goto fail;
	/* the highest priority: every new object goes to memory */
	if ((err = git_odb_add_backend(odb, mp, 1000)) < 0) {
		mp->free(mp);
		goto fail;
	}
	git_odb_free(odb);
	st->plain = st->repo;
	st->repo = r;
	st->mempack = mp;
	st->nbulk = 0;
	return 0;
fail:
	err = git_fail(err, "cannot start bulk writing");
	git_odb_free(odb);
	git_repository_free(r);
	return err;
}

/* Add to `pb` every object of tree `b` that tree `a` (may be NULL) lacks,
 * skipping subtrees whose ids are equal; `path` names b for delta hints. */
static int pack_tree(git_packbuilder *pb, git_repository *repo,
		     const git_oid *a, const git_oid *b, char *path, size_t plen)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t i, n = strlen(path);
	int err;

	if (a && git_oid_equal(a, b))
		return 0;
	if ((err = git_packbuilder_insert(pb, b, path)) < 0 ||
	    (err = git_tree_lookup(&tb, repo, b)) < 0 ||
	    (a && (err = git_tree_lookup(&ta, repo, a)) < 0))
		goto done;
	for (i = 0; i < git_tree_entrycount(tb); i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(tb, i);
		const char *name = git_tree_entry_name(eb);
		const git_tree_entry *ea = ta ? git_tree_entry_byname(ta, name) : NULL;
		int sub = git_tree_entry_type(eb) == GIT_OBJECT_TREE;

		if (ea && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			continue;
		if (n + strlen(name) + 2 >= plen) {
			err = -1;
			git_error_set_str(GIT_ERROR_INVALID, "path too long");
			goto done;
		}
		snprintf(path + n, plen - n, "%s%s", n ? "/" : "", name);
		if (sub)
			err = pack_tree(pb, repo, ea && git_tree_entry_type(ea) ==
					GIT_OBJECT_TREE ? git_tree_entry_id(ea) : NULL,
					git_tree_entry_id(eb), path, plen);
		else if (git_tree_entry_type(eb) == GIT_OBJECT_BLOB)
			err = git_packbuilder_insert(pb, git_tree_entry_id(eb), path);
		path[n] = '\0';
		if (err < 0)
			goto done;
	}
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return err;
}

/* Add commit `id` and the objects it adds over its first parent. */
static int pack_commit(git_packbuilder *pb, git_repository *repo,
		       const git_oid *id)
{
	git_commit *c = NULL, *parent = NULL;
	char path[1024] = "";
	int err;

	if ((err = git_commit_lookup(&c, repo, id)) < 0 ||
	    (err = git_packbuilder_insert(pb, id, NULL)) < 0)
		goto done;
	if (git_commit_parentcount(c) > 0 &&
	    (err = git_commit_parent(&parent, c, 0)) < 0)
		goto done;
	err = pack_tree(pb, repo, parent ? git_commit_tree_id(parent) : NULL,
			git_commit_tree_id(c), path, sizeof(path));
done:
	git_commit_free(parent);
	git_commit_free(c);
	return err;
}

/*
 * Build the pack in memory, then index it in one piece: handing the indexer
 * one object at a time (git_packbuilder_write) makes it map and unmap the
 * growing file once per object, which costs more than the packing itself.
 */
static int write_pack(git_packbuilder *pb, const char *dir)
{
	git_indexer_options opts = GIT_INDEXER_OPTIONS_INIT;
	git_indexer_progress stats;
	git_indexer *idx = NULL;
	git_buf buf = GIT_BUF_INIT;
	int err;

	if ((err = git_packbuilder_write_buf(&buf, pb)) < 0 ||
	    (err = git_indexer_new(&idx, dir, 0, NULL, &opts)) < 0 ||
	    (err = git_indexer_append(idx, buf.ptr, buf.size, &stats)) < 0 ||
	    (err = git_indexer_commit(idx, &stats)) < 0)
		goto done;
done:
	git_indexer_free(idx);
	git_buf_dispose(&buf);
	return err;
}

int xfa_store_bulk_flush(xfa_store *st)
{
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	char dir[4096];
	size_t i;
	int err = 0;

	if (!st->mempack)
		return xfa_error_set(XFA_EINVALID, "bulk writing has not begun");
	if (!st->nbulk)
		return 0;
	if ((err = git_packbuilder_new(&pb, st->repo)) < 0)
		goto fail;
	git_packbuilder_set_threads(pb, 0);
	for (i = 0; i < st->nbulk; i++)
		if ((err = pack_commit(pb, st->repo, &st->bulk[i])) < 0)
			goto fail;
	snprintf(dir, sizeof(dir), "%s/objects/pack", git_repository_path(st->repo));
	if ((err = write_pack(pb, dir)) < 0)
		goto fail;
	git_packbuilder_free(pb);
	git_mempack_reset(st->mempack);
	st->nbulk = 0;
	/* both views of the repository must see the new pack */
	if (git_repository_odb(&odb, st->repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
	odb = NULL;
	if (git_repository_odb(&odb, st->plain) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
	return 0;
fail:
	err = git_fail(err, "cannot write the pack");
	git_packbuilder_free(pb);
	return err;
}

void xfa_store_bulk_end(xfa_store *st)
{
	git_odb *odb = NULL;

	if (!st->plain)
		return;
	git_repository_free(st->repo);
	st->repo = st->plain;
	st->plain = NULL;
	st->mempack = NULL;
	free(st->bulk);
	st->bulk = NULL;
	st->nbulk = st->capbulk = 0;
	if (git_repository_odb(&odb, st->repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
}

/* --- remotes and exchange (sync) -------------------------------------- */

int xfa_store_remote_add(xfa_store *st, const char *name, const char *url)
{
	git_remote *r = NULL;
	char spec[300];
	int err, valid = 0;

	if (git_remote_name_is_valid(&valid, name) < 0 || !valid ||
	    strlen(name) > 200)
		return xfa_error_set(XFA_EINVALID, "'%s' is not a valid remote name", name);
	snprintf(spec, sizeof(spec), "+refs/heads/main:refs/xfa/remotes/%s/main", name);
	err = git_remote_create_with_fetchspec(&r, st->repo, name, url, spec);
	git_remote_free(r);
	if (err == GIT_EEXISTS)
		return xfa_error_set(XFA_EEXISTS, "remote '%s' exists already", name);
	return err < 0 ? git_fail(err, "cannot add the remote") : 0;
}

int xfa_store_remote_list(char ***names, char ***urls, size_t *n, xfa_store *st)
{
	git_strarray list = { NULL, 0 };
	size_t i;
	int err;

	*names = *urls = NULL;
	*n = 0;
	if ((err = git_remote_list(&list, st->repo)) < 0)
		return git_fail(err, "cannot list remotes");
	*names = calloc(list.count + 1, sizeof(char *));
	*urls = calloc(list.count + 1, sizeof(char *));
	for (i = 0; *names && *urls && i < list.count; i++) {
		git_remote *r = NULL;
		if (git_remote_lookup(&r, st->repo, list.strings[i]) < 0)
			continue;
		(*names)[*n] = strdup(list.strings[i]);
		(*urls)[*n] = strdup(git_remote_url(r) ? git_remote_url(r) : "");
		git_remote_free(r);
		if (!(*names)[*n] || !(*urls)[*n])
			break;
		(*n)++;
	}
	err = *names && *urls && i == list.count ? 0 :
		xfa_error_set(XFA_ERROR, "out of memory");
	git_strarray_dispose(&list);
	return err;
}

int xfa_store_remote_url(char **out, xfa_store *st, const char *name)
{
	git_remote *r = NULL;
	int err;

	*out = NULL;
	if ((err = git_remote_lookup(&r, st->repo, name)) < 0) {
		if (err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC)
			return xfa_error_set(XFA_ENOTFOUND, "no remote '%s'", name);
		return git_fail(err, name);
	}
	*out = strdup(git_remote_url(r) ? git_remote_url(r) : "");
	git_remote_free(r);
	return *out ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

/* Send the objects of `want` that `dest` lacks (all but `have`'s history)
 * as one pack, built in memory and indexed once on the receiving side. */
static int send_pack(git_repository *dest, git_repository *src, const git_oid *want,
		     const git_oid *have)
{
	git_packbuilder *pb = NULL;
	git_revwalk *w = NULL;
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress prog;
	git_buf buf = GIT_BUF_INIT;
	int err;

	memset(&prog, 0, sizeof(prog));
	if ((err = git_packbuilder_new(&pb, src)) < 0 ||
	    (err = git_revwalk_new(&w, src)) < 0 ||
	    (err = git_revwalk_push(w, want)) < 0 ||
	    (have && (err = git_revwalk_hide(w, have)) < 0) ||
	    (err = git_packbuilder_insert_walk(pb, w)) < 0 ||
	    (err = git_packbuilder_write_buf(&buf, pb)) < 0 ||
	    (err = git_repository_odb(&odb, dest)) < 0 ||
	    (err = git_odb_write_pack(&wp, odb, NULL, NULL)) < 0 ||
	    (err = wp->append(wp, buf.ptr, buf.size, &prog)) < 0 ||
	    (err = wp->commit(wp, &prog)) < 0)
		err = git_fail(err, "cannot push to the remote");
	if (wp)
		wp->free(wp);
	git_odb_free(odb);
	git_buf_dispose(&buf);
	git_revwalk_free(w);
	git_packbuilder_free(pb);
	return err;
}

/* Does repository `r` hold object `id`? */
static int has_object(git_repository *r, const git_oid *id)
{
	git_odb *odb = NULL;
	int yes;

	if (git_repository_odb(&odb, r) < 0)
		return 0;
	yes = git_odb_exists(odb, id);
	git_odb_free(odb);
	return yes;
}

/*
 * A fetch from a bare repository on a local path (or file://): its main's
 * objects that we lack come over as one pack (see send_pack), then ref
 * `into` is set.  1 if the remote is not such a repository, 0, or a code.
 */
static int fetch_local(xfa_store *st, const char *url, const char *into)
{
	git_repository *src = NULL;
	git_reference *ref = NULL;
	git_oid want, mine;
	int err, hide = 0;

	if (!strncmp(url, "file://", 7))
		url += 7;
	if (strstr(url, "://") || git_repository_open_bare(&src, url) < 0) {
		git_error_clear();
		return 1;
	}
	if (git_reference_name_to_id(&want, src, XFA_MAIN_REF) < 0) {
		err = xfa_error_set(XFA_ENOTFOUND, "'%s' has no history", url);
		goto done;
	}
	if (!has_object(st->repo, &want)) {
		if (git_reference_name_to_id(&mine, st->repo, XFA_MAIN_REF) == 0 &&
		    has_object(src, &mine))
			hide = 1;
		else if (git_reference_name_to_id(&mine, st->repo, into) == 0 &&
			 has_object(src, &mine))
			hide = 1;
		if ((err = send_pack(st->repo, src, &want, hide ? &mine : NULL)) < 0)
			goto done;
	}
	if ((err = git_reference_create(&ref, st->repo, into, &want, 1, "xfa sync: fetch")) < 0)
		err = git_fail(err, into);
done:
	git_reference_free(ref);
	git_repository_free(src);
	return err;
}

int xfa_store_fetch(xfa_oid *out, xfa_store *st, const char *remote,
		    const char *into)
{
	git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
	git_remote *r = NULL;
	char spec[400], *specs[1] = { spec };
	git_strarray arr = { specs, 1 };
	int err;

	if ((err = git_remote_lookup(&r, st->repo, remote)) < 0) {
		if (err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC)
			return xfa_error_set(XFA_ENOTFOUND, "no remote '%s'", remote);
		return git_fail(err, remote);
	}
	if (git_remote_url(r) && (err = fetch_local(st, git_remote_url(r), into)) <= 0) {
		git_remote_free(r);
		if (err < 0)
			return err;
		return xfa_store_ref(out, st, into);
	}
	snprintf(spec, sizeof(spec), "+" XFA_MAIN_REF ":%s", into);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.update_fetchhead = 0;
	err = git_remote_fetch(r, &arr, &fo, "xfa sync: fetch");
	git_remote_free(r);
	if (err < 0)
		return git_fail(err == GIT_ENOTFOUND ? GIT_ERROR : err,
				"cannot fetch from the remote");
	err = xfa_store_ref(out, st, into);
	if (err == XFA_ENOTFOUND)
		return xfa_error_set(XFA_ENOTFOUND,
			"remote '%s' has no history (no " XFA_MAIN_REF ")", remote);
	return err;
}

struct push_state {
	char *rejected;     /* the server's reason, malloc'd */
};

static int on_push_update(const char *ref, const char *status, void *data)
{
	struct push_state *ps = data;

	(void)ref;
	if (status && !ps->rejected)
		ps->rejected = strdup(status);
	return 0;
}

/*
 * A push to a bare repository on a local path (or file://): the objects
 * go over as one pack (libgit2's local push writes and syncs every object
 * loose), then the remote's ref moves by compare-and-swap if it is a
 * fast-forward.  1 if the remote is not such a repository (push
 * normally), 0, or a code.
 */
static int push_local(xfa_store *st, const char *url, const char *src,
		      const char *dst)
{
	git_repository *dest = NULL;
	git_reference *ref = NULL;
	git_oid want, have, zero;
	int err, has;

	if (!strncmp(url, "file://", 7))
		url += 7;
	if (strstr(url, "://") || git_repository_open_bare(&dest, url) < 0) {
		git_error_clear();
		return 1;
	}
	memset(&zero, 0, sizeof(zero));
	if ((err = git_reference_name_to_id(&want, st->repo, src)) < 0) {
		err = git_fail(err, src);
		goto done;
	}
	has = git_reference_name_to_id(&have, dest, dst) == 0;
	if (has && git_oid_equal(&have, &want)) {
		err = 0;
		goto done;
	}
	if (has && git_graph_descendant_of(st->repo, &want, &have) != 1) {
		err = xfa_error_set(XFA_ECONFLICT, "push to '%s' refused: not a fast-forward", url);
		goto done;
	}
	if ((err = send_pack(dest, st->repo, &want, has ? &have : NULL)) < 0)
		goto done;
	err = git_reference_create_matching(&ref, dest, dst, &want, 1,
					    has ? &have : &zero, "xfa sync: push");
	if (err == GIT_EMODIFIED || err == GIT_ELOCKED || (err == GIT_ENOTFOUND && has))
		err = xfa_error_set(XFA_ECONFLICT, "push to '%s' refused: "
				    "the remote moved meanwhile", url);
	else if (err < 0)
		err = git_fail(err, "cannot push to the remote");
done:
	git_reference_free(ref);
	git_repository_free(dest);
	git_error_clear();
	return err;
}

int xfa_store_push(xfa_store *st, const char *remote, const char *src,
		   const char *dst)
{
	git_push_options po = GIT_PUSH_OPTIONS_INIT;
	struct push_state ps = { NULL };
	git_remote *r = NULL;
	char spec[600], *specs[1] = { spec };
	git_strarray arr = { specs, 1 };
	int err;

	if ((err = git_remote_lookup(&r, st->repo, remote)) < 0) {
		if (err == GIT_ENOTFOUND || err == GIT_EINVALIDSPEC)
			return xfa_error_set(XFA_ENOTFOUND, "no remote '%s'", remote);
		return git_fail(err, remote);
	}
	if (git_remote_url(r) &&
	    (err = push_local(st, git_remote_url(r), src, dst)) <= 0) {
		git_remote_free(r);
		return err;
	}
	snprintf(spec, sizeof(spec), "%s:%s", src, dst);  /* never '+' */
	po.callbacks.push_update_reference = on_push_update;
	po.callbacks.payload = &ps;
	err = git_remote_push(r, &arr, &po);
	git_remote_free(r);
	if (err == GIT_ENONFASTFORWARD)
		err = xfa_error_set(XFA_ECONFLICT,
			"push to '%s' refused: not a fast-forward", remote);
	else if (err < 0)
		err = git_fail(err, "cannot push to the remote");
	else if (ps.rejected)
		err = xfa_error_set(XFA_ECONFLICT, "push to '%s' refused by the server: %s",
				    remote, ps.rejected);
	free(ps.rejected);
	return err;
}

int xfa_store_merge_base(xfa_oid *out, xfa_store *st, const xfa_oid *a,
			 const xfa_oid *b)
{
	git_oid id;
	int err = git_merge_base(&id, st->repo, (const git_oid *)a->id,
				 (const git_oid *)b->id);

	if (err == GIT_ENOTFOUND)
		return xfa_error_set(XFA_ENOTFOUND, "the two histories have no common commit");
	if (err < 0)
		return git_fail(err, "cannot find the common history");
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

int xfa_store_set_ref(xfa_store *st, const char *name, const xfa_oid *id,
		      const xfa_oid *old, const char *reflog)
{
	git_reference *ref = NULL;
	git_oid zero;
	int err;

	memset(&zero, 0, sizeof(zero));
	if (old)
		err = git_reference_create_matching(&ref, st->repo, name,
			(const git_oid *)id->id, 1,
			xfa_oid_is_zero(old) ? &zero : (const git_oid *)old->id, reflog);
	else
		err = git_reference_create(&ref, st->repo, name,
					   (const git_oid *)id->id, 1, reflog);
	git_reference_free(ref);
	if (err == GIT_EMODIFIED || err == GIT_ELOCKED ||
	    (err == GIT_ENOTFOUND && old && !xfa_oid_is_zero(old)))
		return xfa_error_set(XFA_ECONFLICT,
			"'%s' changed meanwhile (concurrent update)", name);
	return err < 0 ? git_fail(err, name) : 0;
}

int xfa_store_del_ref(xfa_store *st, const char *name)
{
	int err = git_reference_remove(st->repo, name);

	return err < 0 && err != GIT_ENOTFOUND ? git_fail(err, name) : 0;
}

int xfa_store_refs(char ***out, size_t *n, xfa_store *st, const char *glob)
{
	git_reference_iterator *it = NULL;
	const char *name;
	size_t cap = 8;
	int err;

	*n = 0;
	if (!(*out = calloc(cap, sizeof(char *))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = git_reference_iterator_glob_new(&it, st->repo, glob)) < 0)
		return git_fail(err, glob);
	while ((err = git_reference_next_name(&name, it)) == 0) {
		if (*n + 1 >= cap) {
			char **v = realloc(*out, 2 * cap * sizeof(char *));
			if (!v)
				break;
			*out = v;
			cap *= 2;
		}
		if (!((*out)[*n] = strdup(name)))
			break;
		(*out)[++*n] = NULL;
	}
	git_reference_iterator_free(it);
	return err == GIT_ITEROVER ? 0 : xfa_error_set(XFA_ERROR, "cannot list refs");
}

int xfa_store_config_get(char **out, xfa_store *st, const char *key)
{
	git_config *cfg = NULL, *local = NULL;
	git_buf buf = GIT_BUF_INIT;
	int err;

	*out = NULL;
	/* the repository's own file only: never ~/.gitconfig or /etc/gitconfig */
	if ((err = git_repository_config_snapshot(&cfg, st->repo)) < 0 ||
	    (err = git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL)) < 0) {
		git_config_free(cfg);
		return git_fail(err, "cannot read the repository configuration");
	}
	err = git_config_get_string_buf(&buf, local, key);
	git_config_free(local);
	git_config_free(cfg);
	if (err == GIT_ENOTFOUND)
		return xfa_error_set(XFA_ENOTFOUND, "no setting '%s'", key);
	if (err < 0)
		return git_fail(err, key);
	*out = strdup(buf.ptr);
	git_buf_dispose(&buf);
	return *out ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

int xfa_store_config_set(xfa_store *st, const char *key, const char *value)
{
	git_config *cfg = NULL;
	int err;

	if ((err = git_repository_config(&cfg, st->repo)) < 0)
		return git_fail(err, "cannot open the repository configuration");
	err = git_config_set_string(cfg, key, value);
	git_config_free(cfg);
	return err < 0 ? git_fail(err, key) : 0;
}

int xfa_store_tree_update(xfa_oid *out, xfa_store *st, const xfa_oid *base,
			  const xfa_tree_up *ups, size_t n)
{
	git_tree_update *u = NULL;
	git_tree *tree = NULL;
	git_oid id;
	size_t i;
	int err;

	if ((err = git_tree_lookup(&tree, st->repo, (const git_oid *)base->id)) < 0)
		return git_fail(err, "cannot read the tree");
	if (n && !(u = calloc(n, sizeof(*u)))) {
		git_tree_free(tree);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	for (i = 0; i < n; i++) {
		u[i].action = ups[i].remove ? GIT_TREE_UPDATE_REMOVE : GIT_TREE_UPDATE_UPSERT;
		memcpy(u[i].id.id, ups[i].id.id, XFA_OID_RAW);
		u[i].filemode = GIT_FILEMODE_BLOB;
		u[i].path = ups[i].path;
	}
	err = git_tree_create_updated(&id, st->repo, tree, n, u);
	free(u);
	git_tree_free(tree);
	if (err < 0)
		return git_fail(err, "cannot build the tree");
	memcpy(out->id, id.id, XFA_OID_RAW);
	return 0;
}

int xfa_store_write_merge(xfa_oid *out, xfa_store *st, const xfa_oid *tree,
			  const xfa_oid *p0, const xfa_oid *p1,
			  const xfa_ident *who, const char *message,
			  xfa_sign_fn sign, void *payload)
{
	git_signature *sig = NULL;
	git_commit *par[2] = { NULL, NULL };
	git_tree *t = NULL;
	git_buf buf = GIT_BUF_INIT;
	git_oid id;
	char *armor = NULL;
	size_t n;
	int err;

	if ((err = git_signature_new(&sig, who->name, who->email,
				     (git_time_t)who->when, who->offset)) < 0 ||
	    (err = git_tree_lookup(&t, st->repo, (const git_oid *)tree->id)) < 0 ||
	    (err = git_commit_lookup(&par[0], st->repo, (const git_oid *)p0->id)) < 0 ||
	    (err = git_commit_lookup(&par[1], st->repo, (const git_oid *)p1->id)) < 0 ||
	    (err = git_commit_create_buffer(&buf, st->repo, sig, sig, NULL, message,
					    t, 2, (const git_commit **)par)) < 0) {
		err = git_fail(err, "cannot build the merge commit");
		goto done;
	}
	if ((err = sign(&armor, (const unsigned char *)buf.ptr, buf.size, payload)) < 0)
		goto done;
	for (n = strlen(armor); n && armor[n - 1] == '\n'; n--)
		armor[n - 1] = '\0';
	if ((err = git_commit_create_with_signature(&id, st->repo, buf.ptr, armor, NULL)) < 0)
		err = git_fail(err, "cannot write the merge commit");
	else
		memcpy(out->id, id.id, XFA_OID_RAW);
done:
	free(armor);
	git_buf_dispose(&buf);
	git_commit_free(par[0]);
	git_commit_free(par[1]);
	git_tree_free(t);
	git_signature_free(sig);
	return err;
}

int xfa_store_shadow(const char *path, xfa_store *st, const xfa_oid *head)
{
	git_repository_init_options o = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	char alt[4200];
	FILE *f;
	int err;

	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
	o.initial_head = "main";
	if ((err = git_repository_init_ext(&repo, path, &o)) < 0)
		return git_fail(err, path);
	git_repository_free(repo);
	repo = NULL;
	snprintf(alt, sizeof(alt), "%s/objects/info/alternates", path);
	if (!(f = fopen(alt, "w")))
		return xfa_error_set(XFA_EIO, "cannot write '%s'", alt);
	fprintf(f, "%sobjects\n", git_repository_path(st->repo));
	if (fclose(f) != 0)
		return xfa_error_set(XFA_EIO, "cannot write '%s'", alt);
	if ((err = git_repository_open_bare(&repo, path)) < 0 ||
	    (err = git_reference_create(&ref, repo, XFA_MAIN_REF,
					(const git_oid *)head->id, 1, "shadow")) < 0)
		err = git_fail(err, path);
	git_reference_free(ref);
	git_repository_free(repo);
	return err;
}

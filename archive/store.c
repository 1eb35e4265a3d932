/* store.c - the git store over libgit2: blobs and trees by path, signed
 * commits, transactions and compare-and-swap publishing of refs/heads/main.
 * History reads are in store_history.c, bulk packs in store_bulk.c, remotes
 * in store_remote.c. */
#include "store_int.h"

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
	xfa_store *st;
	git_odb *odb;
	git_odb_stream *stream;
};
/* Turn libgit2's last error into ours. */
int store_fail(int gerr, const char *what)
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
	return xfa_error_set(code, "%s: %s", xfa_tr(what), msg);
}
int xfa_store_global_init(void)
{
	int err;

	store_ca_defer(1);
	err = git_libgit2_init();
	store_ca_defer(0);
	if (err < 0)
		return store_fail(-1, "cannot initialise libgit2");
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 1);
	/* libgit2 maps up to 8 GiB of pack files by default, so a whole-archive
	 * read (verify, index rebuild) kept the archive's size resident; 128 MiB
	 * of 32 MiB windows, least recently used first out, bounds it */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)32 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)128 << 20);
	return 0;
}

void xfa_store_global_shutdown(void)
{
	git_libgit2_shutdown();
	store_ca_free();
}

void xfa_store_set_fsync(int on)
{
	store_durable = on != 0;
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, store_durable);
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
	store_incoming_share(st);
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
		return store_fail(err, path);
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
		return store_fail(err, path);
	}
	return store_new(out, repo, path);
}

void xfa_store_free(xfa_store *st)
{
	if (!st)
		return;
	xfa_store_bulk_end(st);
	store_incoming_free(st);
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
		return store_fail(err, name);
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
int store_entry_at(git_tree_entry **out, xfa_store *st, const xfa_oid *commit,
		    const char *path)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	int err;

	if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)commit->id)) < 0)
		return store_fail(err, "cannot read commit");
	if ((err = git_commit_tree(&t, c)) < 0) {
		err = store_fail(err, "cannot read tree");
		goto done;
	}
	if ((err = git_tree_entry_bypath(out, t, path)) < 0)
		err = err == GIT_ENOTFOUND
			? xfa_error_set(XFA_ENOTFOUND, "no '%s' in the archive", path)
			: store_fail(err, path);
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
		return store_fail(err == GIT_ENOTFOUND ? GIT_ERROR : err,
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
		return store_fail(err == GIT_ENOTFOUND ? GIT_ERROR : err,
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
		return store_fail(-1, "cannot open the object database");
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
	if ((err = store_entry_at(&e, st, commit, path)) < 0)
		return err;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		return xfa_error_set(XFA_ENOTFOUND, "'%s' is not a file", path);
	}
	memcpy(id.id, git_tree_entry_id(e)->id, XFA_OID_RAW);
	git_tree_entry_free(e);
	return xfa_store_read_blob(out, out_len, st, &id, SIZE_MAX - 1);
}

int xfa_store_blob_size(uint64_t *out, xfa_store *st, const xfa_oid *blob)
{
	git_odb *odb = NULL;
	git_object_t type;
	size_t size;
	int err;

	if ((err = git_repository_odb(&odb, st->repo)) < 0)
		return store_fail(err, "cannot open the object database");
	err = git_odb_read_header(&size, &type, odb, (const git_oid *)blob->id);
	git_odb_free(odb);
	if (err < 0)
		return store_fail(err, "cannot read an object header");
	if (type != GIT_OBJECT_BLOB)
		return xfa_error_set(XFA_EINVALID, "object is not a blob");
	*out = size;
	return 0;
}

int xfa_store_stat(xfa_oid *out_blob, uint64_t *out_size, xfa_store *st,
		   const xfa_oid *commit, const char *path)
{
	git_tree_entry *e = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	size_t size;
	int err;

	if ((err = store_entry_at(&e, st, commit, path)) < 0)
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
			err = store_fail(err, path);
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
			err = store_fail(err, "cannot read tree");
			goto done;
		}
	} else {
		if ((err = store_entry_at(&e, st, commit, dir)) < 0)
			goto done;
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			err = xfa_error_set(XFA_ENOTFOUND, "'%s' is not a folder", dir);
			goto done;
		}
		if ((err = git_tree_lookup(&t, st->repo, git_tree_entry_id(e))) < 0) {
			err = store_fail(err, dir);
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
	int err;

	if ((err = store_objects_begin(st)) < 0)
		return err;
	err = git_blob_create_from_buffer(&id, st->repo, data, len);
	store_objects_end(st);
	if (err < 0)
		return store_fail(err, "cannot write blob");
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
	if ((err = store_objects_begin(st)) < 0) {
		free(w);
		return err;
	}
	w->st = st;
	if ((err = git_repository_odb(&w->odb, st->repo)) < 0 ||
	    (err = git_odb_open_wstream(&w->stream, w->odb, size, GIT_OBJECT_BLOB)) < 0) {
		store_objects_end(st);
		err = store_fail(err, "cannot write blob");
		xfa_blobw_free(w);
		return err;
	}
	store_objects_end(st);
	*out = w;
	return 0;
}

int xfa_blobw_write(xfa_blobw *w, const void *data, size_t len)
{
	int err = git_odb_stream_write(w->stream, data, len);

	if (err < 0)
		return store_fail(err, "cannot write blob");
	return 0;
}

int xfa_blobw_finish(xfa_oid *out, xfa_blobw *w)
{
	git_oid id;
	int err;

	if ((err = store_objects_begin(w->st)) < 0) {
		xfa_blobw_free(w);
		return err;
	}
	err = git_odb_stream_finalize_write(&id, w->stream);
	store_objects_end(w->st);
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
			err = store_fail(err, "cannot read the head commit");
			goto fail;
		}
		git_commit_free(c);
	} else if (err != GIT_ENOTFOUND) {
		err = store_fail(err, "cannot read refs/heads/main");
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

	if ((err = store_objects_begin(tx->st)) < 0)
		return err;
	if (!base) {
		if ((err = git_treebuilder_new(&tb, tx->st->repo, NULL)) < 0 ||
		    (err = git_treebuilder_write(&id, tb)) < 0 ||
		    (err = git_tree_lookup(&base, tx->st->repo, &id)) < 0) {
			git_treebuilder_free(tb);
			store_objects_end(tx->st);
			return store_fail(err, "cannot build the empty tree");
		}
		git_treebuilder_free(tb);
	}
	err = git_tree_create_updated(&id, tx->st->repo, base, tx->nup, tx->up);
	store_objects_end(tx->st);
	if (base != tx->base_tree)
		git_tree_free(base);
	if (err < 0)
		return store_fail(err, "cannot build the new tree");
	if ((err = git_tree_lookup(out, tx->st->repo, &id)) < 0)
		return store_fail(err, "cannot read the new tree");
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
		err = store_fail(err, "invalid author");
		goto done;
	}
	if (tx->has_base &&
	    (err = git_commit_lookup(&parent, tx->st->repo, &tx->base)) < 0) {
		err = store_fail(err, "cannot read the parent commit");
		goto done;
	}
	if ((err = git_commit_create_buffer(&buf, tx->st->repo, sig, sig, NULL,
			message, tree, tx->has_base ? 1 : 0,
			(const git_commit **)&parent)) < 0) {
		err = store_fail(err, "cannot build the commit");
		goto done;
	}
	if ((err = sign(&armor, (const unsigned char *)buf.ptr, buf.size, payload)) < 0)
		goto done;
	/* libgit2 writes an extra " " line if the armor ends in a newline */
	for (n = strlen(armor); n && armor[n - 1] == '\n'; n--)
		armor[n - 1] = '\0';
	if ((err = store_objects_begin(tx->st)) < 0)
		goto done;
	err = git_commit_create_with_signature(out, tx->st->repo, buf.ptr,
					       armor, NULL);
	store_objects_end(tx->st);
	if (err < 0)
		err = store_fail(err, "cannot write the commit");
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
	if ((err = store_incoming_flush(tx->st)) < 0)
		return err;
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
		return store_fail(err, "cannot update refs/heads/main");
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

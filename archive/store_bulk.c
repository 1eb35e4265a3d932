/* store_bulk.c - bulk writes: new objects kept in a mempack, then written
 * as one pack holding only them (git_mempack_dump repacks everything). */
#include "store_int.h"

/* --- bulk writes: objects in memory, then one pack ---------------------- */

/*
 * The objects already stored, seen through the plain repository's object
 * database, as a read-only backend without freshen or refresh.  libgit2 1.5
 * writes an object only after "freshening" it, and on a miss (every new
 * object) refreshes each backend: the pack backend re-reads the pack folder
 * (one readdir per object written).  An object database of this backend and
 * the mempack alone asks the disk only whether the object exists, without
 * refreshing (GIT_ODB_LOOKUP_NO_REFRESH).
 */
struct stored {
	git_odb_backend parent;
	git_odb *base;
};

static int stored_read(void **data, size_t *len, git_object_t *type,
		       git_odb_backend *b, const git_oid *id)
{
	git_odb_object *o = NULL;
	int err;

	if ((err = git_odb_read(&o, ((struct stored *)b)->base, id)) < 0)
		return err;
	*len = git_odb_object_size(o);
	*type = git_odb_object_type(o);
	if (!(*data = git_odb_backend_data_alloc(b, *len + 1))) {
		git_odb_object_free(o);
		return -1;
	}
	memcpy(*data, git_odb_object_data(o), *len);
	((char *)*data)[*len] = '\0';
	git_odb_object_free(o);
	return 0;
}

static int stored_read_prefix(git_oid *out, void **data, size_t *len,
			      git_object_t *type, git_odb_backend *b,
			      const git_oid *prefix, size_t n)
{
	git_odb_object *o = NULL;
	int err;

	if ((err = git_odb_read_prefix(&o, ((struct stored *)b)->base, prefix, n)) < 0)
		return err;
	git_oid_cpy(out, git_odb_object_id(o));
	*len = git_odb_object_size(o);
	*type = git_odb_object_type(o);
	if (!(*data = git_odb_backend_data_alloc(b, *len + 1))) {
		git_odb_object_free(o);
		return -1;
	}
	memcpy(*data, git_odb_object_data(o), *len);
	((char *)*data)[*len] = '\0';
	git_odb_object_free(o);
	return 0;
}

static int stored_read_header(size_t *len, git_object_t *type,
			      git_odb_backend *b, const git_oid *id)
{
	return git_odb_read_header(len, type, ((struct stored *)b)->base, id);
}

static int stored_exists(git_odb_backend *b, const git_oid *id)
{
	return git_odb_exists_ext(((struct stored *)b)->base, id,
				  GIT_ODB_LOOKUP_NO_REFRESH);
}

/*
 * Before writing an object libgit2 asks each backend whether it has it
 * ("freshen", else "exists"): for the stored objects that is a pack search
 * and an access() of the loose path per new object.  Answer "no": an
 * object that is stored already (rare: events, trees and commits are new)
 * then goes to memory again and at most repeats in the new pack.
 */
static int stored_freshen(git_odb_backend *b, const git_oid *id)
{
	(void)b;
	(void)id;
	return GIT_ENOTFOUND;
}

static void stored_free(git_odb_backend *b)
{
	git_odb_free(((struct stored *)b)->base);
	free(b);
}

static int stored_new(git_odb_backend **out, git_repository *plain)
{
	struct stored *s = calloc(1, sizeof(*s));
	int err;

	if (!s) {
		git_error_set_oom();
		return -1;
	}
	if ((err = git_odb_init_backend(&s->parent, GIT_ODB_BACKEND_VERSION)) < 0 ||
	    (err = git_repository_odb(&s->base, plain)) < 0) {
		free(s);
		return err;
	}
	s->parent.read = stored_read;
	s->parent.read_prefix = stored_read_prefix;
	s->parent.read_header = stored_read_header;
	s->parent.exists = stored_exists;
	s->parent.freshen = stored_freshen;
	s->parent.free = stored_free;
	*out = &s->parent;
	return 0;
}

int xfa_store_bulk_begin(xfa_store *st)
{
	git_repository *r = NULL;
	git_odb *odb = NULL;
	git_odb_backend *mp = NULL, *old = NULL;
	int err;

	if (st->plain)
		return xfa_error_set(XFA_EINVALID, "bulk writing has begun already");
	if ((err = git_repository_open_ext(&r, st->path, GIT_REPOSITORY_OPEN_NO_SEARCH |
					   GIT_REPOSITORY_OPEN_BARE, NULL)) < 0 ||
	    (err = git_odb_new(&odb)) < 0 ||
	    (err = git_mempack_new(&mp)) < 0)
		goto fail;
	/* the highest priority: every new object goes to memory */
	if ((err = git_odb_add_backend(odb, mp, 1000)) < 0) {
		mp->free(mp);
		goto fail;
	}
	if ((err = stored_new(&old, st->repo)) < 0)
		goto fail;
	if ((err = git_odb_add_backend(odb, old, 1)) < 0) {
		old->free(old);
		goto fail;
	}
	git_repository_set_odb(r, odb);
	git_odb_free(odb);
	st->plain = st->repo;
	st->repo = r;
	st->mempack = mp;
	st->nbulk = 0;
	return 0;
fail:
	err = store_fail(err, "cannot start bulk writing");
	git_odb_free(odb);
	git_repository_free(r);
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
		if ((err = store_pack_commit(pb, st->repo, &st->bulk[i])) < 0)
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
	err = store_fail(err, "cannot write the pack");
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

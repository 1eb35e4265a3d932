/* store_pack.c - packs of what new commits add: each commit with the trees
 * and blobs it holds that none of its parents holds at the same path, found
 * by comparing trees and skipping equal subtrees.  Bulk writes, local
 * exchange and pushes pack this way, at a cost proportional to the change. */
#include "store_int.h"

/* Parents compared per commit; an octopus beyond is compared with the first
 * ones only, which packs more than needed, never less. */
#define PARENTS_MAX 8

/*
 * Add tree `b` and what it holds that none of the trees `a[0..na)` (the
 * same folder in the parents) holds under the same name, recursively;
 * `path` names b (delta hints).  An object one parent holds at that path
 * is reachable from that parent, so whoever holds the parent's history
 * holds it; anything else is new, or sent twice at worst.
 */
static int pack_tree(git_packbuilder *pb, git_repository *repo,
		     const git_oid *const *a, size_t na, const git_oid *b,
		     char *path, size_t plen)
{
	git_tree *ta[PARENTS_MAX] = { NULL }, *tb = NULL;
	size_t i, j, n = strlen(path);
	int err;

	for (j = 0; j < na; j++)
		if (git_oid_equal(a[j], b))
			return 0;
	if ((err = git_packbuilder_insert(pb, b, path)) < 0 ||
	    (err = git_tree_lookup(&tb, repo, b)) < 0)
		goto done;
	for (j = 0; j < na; j++)
		if ((err = git_tree_lookup(&ta[j], repo, a[j])) < 0)
			goto done;
	for (i = 0; i < git_tree_entrycount(tb); i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(tb, i);
		const git_oid *id = git_tree_entry_id(eb), *sub[PARENTS_MAX];
		const char *name = git_tree_entry_name(eb);
		size_t nsub = 0;
		int held = 0;

		for (j = 0; j < na && !held; j++) {
			const git_tree_entry *ea = git_tree_entry_byname(ta[j], name);
			if (!ea)
				continue;
			held = git_oid_equal(git_tree_entry_id(ea), id);
			if (git_tree_entry_type(ea) == GIT_OBJECT_TREE)
				sub[nsub++] = git_tree_entry_id(ea);
		}
		if (held)
			continue;
		if (n + strlen(name) + 2 >= plen) {
			err = -1;
			git_error_set_str(GIT_ERROR_INVALID, "path too long");
			goto done;
		}
		snprintf(path + n, plen - n, "%s%s", n ? "/" : "", name);
		if (git_tree_entry_type(eb) == GIT_OBJECT_TREE)
			err = pack_tree(pb, repo, sub, nsub, id, path, plen);
		else if (git_tree_entry_type(eb) == GIT_OBJECT_BLOB)
			err = git_packbuilder_insert(pb, id, path);
		path[n] = '\0';
		if (err < 0)
			goto done;
	}
done:
	for (j = 0; j < na; j++)
		git_tree_free(ta[j]);
	git_tree_free(tb);
	return err;
}

int store_pack_commit(git_packbuilder *pb, git_repository *repo, const git_oid *id)
{
	git_commit *c = NULL, *p[PARENTS_MAX] = { NULL };
	const git_oid *pt[PARENTS_MAX];
	char path[1024] = "";
	size_t i, np = 0;
	int err;

	if ((err = git_commit_lookup(&c, repo, id)) < 0 ||
	    (err = git_packbuilder_insert(pb, id, NULL)) < 0)
		goto done;
	for (i = 0; i < git_commit_parentcount(c) && np < PARENTS_MAX; i++, np++) {
		if ((err = git_commit_parent(&p[np], c, (unsigned)i)) < 0)
			goto done;
		pt[np] = git_commit_tree_id(p[np]);
	}
	err = pack_tree(pb, repo, pt, np, git_commit_tree_id(c), path, sizeof(path));
done:
	for (i = 0; i < np; i++)
		git_commit_free(p[i]);
	git_commit_free(c);
	return err;
}

/*
 * Every commit `want` reaches and `have` does not is either packed here
 * with what it adds over its parents, or a parent of one: reachable from
 * `have`.  By induction over the commits, each object `want` reaches is
 * packed or reachable from `have`.  (libgit2's git_packbuilder_insert_walk
 * reads the whole tree of `have` first to know what to leave out.)
 */
int store_pack_range(git_packbuilder *pb, git_repository *repo,
		     const git_oid *want, const git_oid *have)
{
	git_revwalk *w = NULL;
	git_oid id;
	int err;

	if ((err = git_revwalk_new(&w, repo)) < 0 ||
	    (err = git_revwalk_push(w, want)) < 0 ||
	    (have && (err = git_revwalk_hide(w, have)) < 0))
		goto done;
	while ((err = git_revwalk_next(&id, w)) == 0)
		if ((err = store_pack_commit(pb, repo, &id)) < 0)
			goto done;
	if (err == GIT_ITEROVER)
		err = 0;
done:
	git_revwalk_free(w);
	return err;
}

/* Built in memory and indexed once on the receiving side. */
int store_pack_send(git_repository *dest, git_repository *src, const git_oid *want,
		    const git_oid *have)
{
	git_packbuilder *pb = NULL;
	git_odb *odb = NULL;
	git_odb_writepack *wp = NULL;
	git_indexer_progress prog;
	git_buf buf = GIT_BUF_INIT;
	int err;

	memset(&prog, 0, sizeof(prog));
	if ((err = git_packbuilder_new(&pb, src)) < 0 ||
	    (err = store_pack_range(pb, src, want, have)) < 0 ||
	    (err = git_packbuilder_write_buf(&buf, pb)) < 0 ||
	    (err = git_repository_odb(&odb, dest)) < 0 ||
	    (err = git_odb_write_pack(&wp, odb, NULL, NULL)) < 0 ||
	    (err = wp->append(wp, buf.ptr, buf.size, &prog)) < 0 ||
	    (err = wp->commit(wp, &prog)) < 0)
		err = store_fail(err, "cannot push to the remote");
	if (wp)
		wp->free(wp);
	git_odb_free(odb);
	git_buf_dispose(&buf);
	git_packbuilder_free(pb);
	return err;
}

int store_has_object(git_repository *r, const git_oid *id)
{
	git_odb *odb = NULL;
	int yes;

	if (git_repository_odb(&odb, r) < 0)
		return 0;
	yes = git_odb_exists(odb, id);
	git_odb_free(odb);
	return yes;
}

/* store_history.c - the history reads of the git store: commit details,
 * tree diffs that skip equal subtrees, walks, ancestry, entries. */
#include "store_int.h"

/* --- history ----------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/*
 * The bytes a commit's signature covers: the commit object without its
 * "gpgsig" header (the line and its continuation lines), as git and
 * git_commit_extract_signature give them, taken from the commit already
 * parsed (its raw header, a blank line, its raw message) instead of
 * reading and checking the object a second time.  Only the first gpgsig
 * header is the signature (git_commit_header_field's): a second one stays
 * in the signed bytes, so the signature no longer verifies.
 */
static int signed_part(xfa_commit_info *out, const git_commit *c)
{
	const char *h = git_commit_raw_header(c), *m = git_commit_message_raw(c);
	size_t hl = strlen(h), ml = strlen(m), n = 0;
	const char *p, *eol;
	int state = 0;           /* 0 before, 1 in, 2 after the signature */
	char *d;

	if (!(d = malloc(hl + 1 + ml + 1)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (p = h; *p; p = eol) {
		eol = strchr(p, '\n');
		eol = eol ? eol + 1 : p + strlen(p);
		if (state == 1 && *p != ' ')
			state = 2;
		if (state == 0 && !strncmp(p, "gpgsig ", 7))
			state = 1;
		if (state == 1)
			continue;
		memcpy(d + n, p, (size_t)(eol - p));
		n += (size_t)(eol - p);
	}
	d[n++] = '\n';
	memcpy(d + n, m, ml);
	n += ml;
	d[n] = '\0';
	out->signed_data = d;
	out->signed_len = n;
	return 0;
}

int xfa_store_commit_info(xfa_commit_info *out, xfa_store *st,
			  const xfa_oid *commit)
{
	git_buf sig = GIT_BUF_INIT;
	git_commit *c = NULL;
	const git_signature *a, *cm;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	memcpy(out->id.id, commit->id, XFA_OID_RAW);
	if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)commit->id)) < 0)
		return store_fail(err, "cannot read commit");
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
	err = git_commit_header_field(&sig, c, "gpgsig");
	if (err == 0) {
		out->signature = dup_or_null(sig.ptr);
		if ((err = signed_part(out, c)) < 0)
			goto done;
	} else if (err != GIT_ENOTFOUND) {
		err = store_fail(err, "cannot read the commit signature");
		goto done;
	}
	err = 0;
	if (!out->author_name || !out->author_email || !out->committer_email ||
	    !out->message || (out->signature && !out->signed_data))
		err = xfa_error_set(XFA_ERROR, "out of memory");
done:
	git_buf_dispose(&sig);
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
		return store_fail(err, "cannot read tree");
	return 0;
}

static int diff_trees(xfa_store *st, const git_oid *a, const git_oid *b,
		      char *path, size_t plen, xfa_change_fn fn, void *payload);

/* Report one entry present in `ea` and/or `eb` (NULL where absent). */
static int diff_entry(xfa_store *st, const git_oid *a, const git_oid *b,
		      const git_tree_entry *ea, const git_tree_entry *eb,
		      char *path, size_t plen, xfa_change_fn fn, void *payload)
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
		if (a)
			memcpy(c.old_tree.id, a->id, XFA_OID_RAW);
		if (b)
			memcpy(c.new_tree.id, b->id, XFA_OID_RAW);
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
		if ((err = diff_entry(st, a, b, ea, eb, path, plen, fn, payload)))
			goto done;
	}
	for (i = 0; tb && i < git_tree_entrycount(tb); i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(tb, i);
		if (ta && git_tree_entry_byname(ta, git_tree_entry_name(eb)))
			continue;
		if ((err = diff_entry(st, a, b, NULL, eb, path, plen, fn, payload)))
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

int xfa_store_tree_each(xfa_store *st, const xfa_oid *tree,
			int (*fn)(const char *name, const xfa_oid *id, int mode,
				  void *payload), void *payload)
{
	const git_tree_entry *e;
	git_tree *t = NULL;
	xfa_oid id;
	size_t i;
	int err;

	if ((err = tree_or_null(&t, st, (const git_oid *)tree->id)) < 0)
		return err;
	for (i = err = 0; !err && i < git_tree_entrycount(t); i++) {
		e = git_tree_entry_byindex(t, i);
		memcpy(id.id, git_tree_entry_id(e)->id, XFA_OID_RAW);
		err = fn(git_tree_entry_name(e), &id, (int)git_tree_entry_filemode(e),
			 payload);
	}
	git_tree_free(t);
	return err;
}

int xfa_store_walk(xfa_store *st, const xfa_oid *from,
		   int (*fn)(const xfa_oid *id, void *payload), void *payload)
{
	return xfa_store_walk_hiding(st, from, NULL, 0, fn, payload);
}

static int walk(xfa_store *st, const xfa_oid *from, const xfa_oid *hide,
		size_t nhide, int topo, int (*fn)(const xfa_oid *id, void *payload),
		void *payload);

int xfa_store_walk_hiding(xfa_store *st, const xfa_oid *from, const xfa_oid *hide,
			  size_t nhide, int (*fn)(const xfa_oid *id, void *payload),
			  void *payload)
{
	return walk(st, from, hide, nhide, 0, fn, payload);
}

int xfa_store_walk_hide(xfa_store *st, const xfa_oid *from,
			const xfa_oid *hide, int topo,
			int (*fn)(const xfa_oid *id, void *payload),
			void *payload)
{
	return walk(st, from, hide, hide ? 1 : 0, topo, fn, payload);
}

static int walk(xfa_store *st, const xfa_oid *from, const xfa_oid *hide,
		size_t nhide, int topo, int (*fn)(const xfa_oid *id, void *payload),
		void *payload)
{
	git_revwalk *w = NULL;
	git_oid id;
	size_t i;
	int err;

	if ((err = git_revwalk_new(&w, st->repo)) == 0 && topo)
		err = git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL);
	if (err == 0)
		err = git_revwalk_push(w, (const git_oid *)from->id);
	for (i = 0; err == 0 && i < nhide; i++)
		err = git_revwalk_hide(w, (const git_oid *)hide[i].id);
	if (err < 0) {
		err = store_fail(err, "cannot walk the history");
		goto done;
	}
	while ((err = git_revwalk_next(&id, w)) == 0) {
		xfa_oid x;
		memcpy(x.id, id.id, XFA_OID_RAW);
		if ((err = fn(&x, payload)))
			goto done;
	}
	err = err == GIT_ITEROVER ? 0 : store_fail(err, "cannot walk the history");
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
		return r == GIT_ENOTFOUND ? 0 : store_fail(r, "cannot compare histories");
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
	return xfa_store_commit_tree_time(out, NULL, st, commit);
}

int xfa_store_commit_tree_time(xfa_oid *out, int64_t *time, xfa_store *st,
			       const xfa_oid *commit)
{
	git_commit *c = NULL;
	int err;

	if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)commit->id)) < 0)
		return store_fail(err, "cannot read commit");
	if (out)
		memcpy(out->id, git_commit_tree_id(c)->id, XFA_OID_RAW);
	if (time)
		*time = git_commit_committer(c)->when.time;
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
	if ((err = store_entry_at(&e, st, commit, path)) < 0)
		return err;
	memcpy(out->id, git_tree_entry_id(e)->id, XFA_OID_RAW);
	git_tree_entry_free(e);
	return 0;
}

/* --- a walk that keeps 20 bytes and a bit per commit ------------------------ */

/* Open addressing over oids (their first bytes are uniformly random). */
struct oidset {
	xfa_oid *slot;
	unsigned char *used;
	size_t cap, n;
};

static size_t oid_hash(const xfa_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h;
}

static int oidset_grow(struct oidset *s);

/* 1 if `id` was added, 0 if it was there, or XFA_ERROR. */
static int oidset_add(struct oidset *s, const xfa_oid *id)
{
	size_t i;

	if ((s->n + 1) * 10 > s->cap * 7 && oidset_grow(s) < 0)
		return XFA_ERROR;
	for (i = oid_hash(id) & (s->cap - 1); s->used[i]; i = (i + 1) & (s->cap - 1))
		if (!memcmp(s->slot[i].id, id->id, XFA_OID_RAW))
			return 0;
	s->used[i] = 1;
	s->slot[i] = *id;
	s->n++;
	return 1;
}

static int oidset_grow(struct oidset *s)
{
	struct oidset g = { NULL, NULL, s->cap ? s->cap * 2 : 1024, 0 };
	size_t i;

	if (!(g.slot = malloc(g.cap * sizeof(*g.slot))) ||
	    !(g.used = calloc(g.cap, 1))) {
		free(g.slot);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	for (i = 0; i < s->cap; i++)
		if (s->used[i])
			oidset_add(&g, &s->slot[i]);
	free(s->slot);
	free(s->used);
	*s = g;
	return 0;
}

int xfa_store_walk_lean(xfa_store *st, const xfa_oid *from,
			int (*fn)(const xfa_oid *id, void *payload), void *payload)
{
	struct oidset seen = { NULL, NULL, 0, 0 };
	xfa_oid *stack = NULL, id;
	size_t n = 0, cap = 0;
	unsigned k, np;
	git_commit *c;
	int err = 0, added;

	if (!(stack = malloc((cap = 64) * sizeof(*stack))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	stack[n++] = *from;
	while (n && !err) {
		id = stack[--n];
		if ((added = oidset_add(&seen, &id)) <= 0) {
			err = added;
			continue;
		}
		if ((err = fn(&id, payload)))
			break;
		if ((err = git_commit_lookup(&c, st->repo, (const git_oid *)id.id)) < 0) {
			err = store_fail(err, "cannot walk the history");
			break;
		}
		np = git_commit_parentcount(c);
		if (n + np > cap) {
			xfa_oid *g = realloc(stack, (cap = (n + np) * 2) * sizeof(*g));
			if (!g) {
				git_commit_free(c);
				err = xfa_error_set(XFA_ERROR, "out of memory");
				break;
			}
			stack = g;
		}
		/* the first parent on top: the first-parent line comes first */
		for (k = np; k-- > 0;)
			memcpy(stack[n++].id, git_commit_parent_id(c, k)->id, XFA_OID_RAW);
		git_commit_free(c);
	}
	free(stack);
	free(seen.slot);
	free(seen.used);
	return err;
}

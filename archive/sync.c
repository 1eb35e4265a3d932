/* sync.c - exchanging history through git remotes: fetch, verify the
 * fetched history, fast-forward or merge disjoint streams, keep conflicts
 * aside, resolve them with a signed decision, push with bounded retries. */
#define _XOPEN_SOURCE 700
#include "sync.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "verify.h"

/* One change of the remote side since the common ancestor. */
struct rch {
	char *path;
	xfa_oid id;
	int remove;
	size_t stream;           /* index into plan.rs */
};

/* What both sides changed since their common ancestor. */
struct plan {
	xfa_store *st;
	xfa_oid base, local, remote;
	char **ls;               /* streams the local side changed (sorted) */
	size_t nls, capls;
	char **rs;               /* streams the remote side changed, in order */
	int *rstate;             /* per rs: 0 remote only, 1 same both, 2 conflict */
	size_t nrs, caprs;
	struct rch *rc;
	size_t nrc, caprc;
};

/* The stream a path belongs to: the case folder, ".xfa", or the path. */
static void stream_of(char *out, size_t n, const char *path)
{
	const char *s, *slash;

	if (!strncmp(path, XFA_META_DIR "/", sizeof(XFA_META_DIR))) {
		snprintf(out, n, "%s", XFA_META_DIR);
		return;
	}
	if (!strncmp(path, "cases/", 6) || !strncmp(path, "risks/", 6))
		for (s = path + 6; (slash = strchr(s, '/')); s = slash + 1)
			if (memchr(s, '-', (size_t)(slash - s))) {
				snprintf(out, n, "%.*s", (int)(slash - path), path);
				return;
			}
	snprintf(out, n, "%s", path);
}

static int push_str(char ***v, size_t *n, size_t *cap, const char *s)
{
	if (*n + 1 >= *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		char **w = realloc(*v, c * sizeof(char *));
		if (!w)
			return xfa_error_set(XFA_ERROR, "out of memory");
		*v = w;
		*cap = c;
	}
	if (!((*v)[*n] = strdup(s)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	(*v)[++*n] = NULL;
	return 0;
}

static int on_local(const xfa_change *c, void *payload)
{
	struct plan *p = payload;
	char s[512];

	stream_of(s, sizeof(s), c->path);
	if (p->nls && !strcmp(p->ls[p->nls - 1], s))
		return 0;
	return push_str(&p->ls, &p->nls, &p->capls, s);
}

static int on_remote(const xfa_change *c, void *payload)
{
	struct plan *p = payload;
	struct rch *x;
	char s[512];
	int err;

	stream_of(s, sizeof(s), c->path);
	if (!p->nrs || strcmp(p->rs[p->nrs - 1], s)) {
		size_t cap = p->caprs;
		if ((err = push_str(&p->rs, &p->nrs, &p->caprs, s)) < 0)
			return err;
		if (cap != p->caprs) {
			int *w = realloc(p->rstate, p->caprs * sizeof(int));
			if (!w)
				return xfa_error_set(XFA_ERROR, "out of memory");
			p->rstate = w;
		}
		p->rstate[p->nrs - 1] = 0;
	}
	if (p->nrc == p->caprc) {
		size_t n = p->caprc ? 2 * p->caprc : 64;
		struct rch *w = realloc(p->rc, n * sizeof(*w));
		if (!w)
			return xfa_error_set(XFA_ERROR, "out of memory");
		p->rc = w;
		p->caprc = n;
	}
	x = &p->rc[p->nrc];
	if (!(x->path = strdup(c->path)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	x->id = c->new_id;
	x->remove = c->status == 'D';
	x->stream = p->nrs - 1;
	p->nrc++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void plan_release(struct plan *p)
{
	size_t i;

	xfa_strv_free(p->ls);
	xfa_strv_free(p->rs);
	free(p->rstate);
	for (i = 0; i < p->nrc; i++)
		free(p->rc[i].path);
	free(p->rc);
	memset(p, 0, sizeof(*p));
}

/* The entry at `dir` in `commit`, zero if there is none. */
static int entry_or_zero(xfa_oid *out, xfa_store *st, const xfa_oid *commit,
			 const char *dir)
{
	int err = xfa_store_entry_id(out, st, commit, dir);

	if (err == XFA_ENOTFOUND) {
		xfa_error_clear();
		memset(out, 0, sizeof(*out));
		return 0;
	}
	return err;
}

/* Compare both sides against their common ancestor, stream by stream. */
static int plan_make(struct plan *p, xfa_store *st, const xfa_oid *local,
		     const xfa_oid *remote)
{
	xfa_oid bt, lt, rt, le, re;
	size_t i;
	int err;

	memset(p, 0, sizeof(*p));
	p->st = st;
	p->local = *local;
	p->remote = *remote;
	if ((err = xfa_store_merge_base(&p->base, st, local, remote)) < 0)
		return err == XFA_ENOTFOUND ? xfa_error_set(XFA_EINVALID,
			"the remote holds another archive (no common history)") : err;
	if ((err = xfa_store_commit_tree(&bt, st, &p->base)) < 0 ||
	    (err = xfa_store_commit_tree(&lt, st, local)) < 0 ||
	    (err = xfa_store_commit_tree(&rt, st, remote)) < 0 ||
	    (err = xfa_store_diff(st, &bt, &lt, on_local, p)) < 0 ||
	    (err = xfa_store_diff(st, &bt, &rt, on_remote, p)) < 0)
		return err;
	if (p->nls)
		qsort(p->ls, p->nls, sizeof(char *), cmp_str);
	for (i = 0; i < p->nrs; i++) {
		if (!p->nls || !bsearch(&p->rs[i], p->ls, p->nls, sizeof(char *), cmp_str))
			continue;
		if ((err = entry_or_zero(&le, st, local, p->rs[i])) < 0 ||
		    (err = entry_or_zero(&re, st, remote, p->rs[i])) < 0)
			return err;
		p->rstate[i] = xfa_oid_equal(&le, &re) ? 1 : 2;
	}
	return 0;
}

/* --- describing a conflict ------------------------------------------- */

/* The case a stream folder holds ("archive" for .xfa, else the last part). */
static const char *stream_name(const char *dir)
{
	const char *s = strrchr(dir, '/');

	if (!strcmp(dir, XFA_META_DIR))
		return XFA_META_NAME;
	return s ? s + 1 : dir;
}

static int is_case_stream(const char *dir)
{
	return (!strncmp(dir, "cases/", 6) || !strncmp(dir, "risks/", 6)) &&
	       strchr(stream_name(dir), '-');
}

/* The events of a stream after `from`, up to `seq`, as summaries. */
static int event_list(json_t **out, xfa_store *st, const xfa_oid *commit,
		      const char *dir, unsigned from, unsigned to)
{
	unsigned seq;
	int err = 0;

	if (!(*out = json_array()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (seq = from + 1; seq <= to && !err; seq++) {
		char path[400], hex[65];
		unsigned char h[32];
		json_t *ev = NULL;
		char *buf = NULL;
		size_t len, i;

		xfa_event_path(path, sizeof(path), dir, seq, "json");
		if ((err = xfa_store_read(&buf, &len, st, commit, path)) < 0)
			break;
		xfa_sha256(h, buf, len);
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		ev = json_loadb(buf, len, 0, NULL);
		json_array_append_new(*out, json_pack("{s:i, s:s?, s:s?, s:s?, s:s?, s:s?, s:s}",
			"seq", (json_int_t)seq, "type", xfa_json_str(ev, "type"),
			"from", xfa_json_str(ev, "from"), "to", xfa_json_str(ev, "to"),
			"at", xfa_json_str(ev, "at"), "by", xfa_json_str(ev, "by"),
			"sha256", hex));
		json_decref(ev);
		free(buf);
	}
	return err;
}

/* The last seq of the stream in `dir` at `commit` (0 if absent). */
static int stream_seq(unsigned *out, xfa_store *st, const xfa_oid *commit,
		      const char *dir)
{
	xfa_stream s;
	const char *doc = strcmp(dir, XFA_META_DIR) ? XFA_CASE_DOC : XFA_META_DOC;
	int err;

	*out = 0;
	if (!strcmp(dir, XFA_META_DIR) || is_case_stream(dir)) {
		if ((err = xfa_stream_load(&s, st, commit, dir, doc)) < 0)
			return err;
		*out = s.seq;
		xfa_stream_release(&s);
	}
	return 0;
}

/* {case, ref, base_seq, local: [...], remote: [...]} for one stream. */
static int describe(json_t **out, const struct plan *p, const char *dir,
		    const char *ref)
{
	unsigned b, l, r;
	json_t *le = NULL, *re = NULL;
	int err;

	*out = NULL;
	if ((err = stream_seq(&b, p->st, &p->base, dir)) < 0 ||
	    (err = stream_seq(&l, p->st, &p->local, dir)) < 0 ||
	    (err = stream_seq(&r, p->st, &p->remote, dir)) < 0 ||
	    (err = event_list(&le, p->st, &p->local, dir, b, l)) < 0 ||
	    (err = event_list(&re, p->st, &p->remote, dir, b, r)) < 0) {
		json_decref(le);
		json_decref(re);
		return err;
	}
	*out = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "case", stream_name(dir),
			 "folder", dir, "ref", ref, "base_seq", (json_int_t)b,
			 "local", le, "remote", re);
	return *out ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

/* Keep the remote head under refs/xfa/conflicts/<remote>/<case> and report. */
static int record_conflicts(xfa_sync_result *res, const struct plan *p,
			    const char *remote)
{
	size_t i;
	int err;

	json_decref(res->conflicts);
	if (!(res->conflicts = json_array()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < p->nrs; i++) {
		char ref[600];
		json_t *d;
		if (p->rstate[i] != 2)
			continue;
		snprintf(ref, sizeof(ref), "refs/xfa/conflicts/%s/%s", remote,
			 is_case_stream(p->rs[i]) || !strcmp(p->rs[i], XFA_META_DIR) ?
			 stream_name(p->rs[i]) : "head");
		if ((err = xfa_store_set_ref(p->st, ref, &p->remote, NULL,
					     "xfa sync: conflict")) < 0 ||
		    (err = describe(&d, p, p->rs[i], ref)) < 0)
			return err;
		json_array_append_new(res->conflicts, d);
	}
	return 0;
}

/* --- verifying a fetched history --------------------------------------- */

static int rm_entry(const char *path, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Verify the history ending at `head` (in st's objects) as `xfa verify`
 * would, trusting root key `root` (NULL: the history's own).  1 if it
 * passes, 0 if not (the report in *report), or a code.
 */
static int verify_history(json_t **report, xfa_store *st, const xfa_oid *head,
			  const char *root)
{
	xfa_verify_opts o;
	const char *tmp = getenv("TMPDIR");
	char dir[4096], repo[4200];
	json_t *rep = NULL;
	int err;

	*report = NULL;
	snprintf(dir, sizeof(dir), "%s/xfa-sync-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return xfa_error_set(XFA_EIO, "cannot create a temporary folder in '%s'",
				     tmp && *tmp ? tmp : "/tmp");
	snprintf(repo, sizeof(repo), "%s/r.git", dir);
	memset(&o, 0, sizeof(o));
	o.trust = root;
	if ((err = xfa_store_shadow(repo, st, head)) == 0)
		err = xfa_verify_run(&rep, repo, &o);
	rm_tree(dir);
	if (err < 0) {
		json_decref(rep);
		return err == XFA_EINVALID || err == XFA_ENOTFOUND ? 0 : err;
	}
	if (json_is_true(json_object_get(rep, "ok"))) {
		json_decref(rep);
		return 1;
	}
	*report = rep;
	return 0;
}

/* --- writing merges ------------------------------------------------------ */

/* The local signer's identity at `commit`; XFA_EAUTH if not in the keyring. */
static int signer_at(xfa_ident *who, xfa_meta *m, xfa_store *st,
		     const xfa_oid *commit, const xfa_key *key)
{
	char fpr[XFA_FPR_SIZE];
	const json_t *rec;
	const char *roles[16];
	xfa_stamp now;
	int err;

	if ((err = xfa_meta_load(m, st, commit)) < 0)
		return err;
	xfa_pubkey_fingerprint(fpr, xfa_key_public(key));
	if ((err = xfa_stamp_now(&now, m->off)) < 0 ||
	    (err = xfa_keyring_roles(roles, 16, m->doc, fpr, now.t)) < 0)
		return err;
	rec = xfa_keyring_find(m->doc, fpr);
	who->name = xfa_json_str(rec, "name");
	who->email = xfa_keyring_principal(rec);
	who->when = now.t;
	who->offset = now.off;
	return 0;
}

/* The changes that turn one stream folder into the other's. */
struct kr {
	const char *dir;
	xfa_tree_up *u;
	size_t n, cap;
};

static int on_kr(const xfa_change *c, void *payload)
{
	struct kr *k = payload;
	char *path;

	if (k->n == k->cap) {
		size_t n = k->cap ? 2 * k->cap : 32;
		xfa_tree_up *w = realloc(k->u, n * sizeof(*w));
		if (!w)
			return xfa_error_set(XFA_ERROR, "out of memory");
		k->u = w;
		k->cap = n;
	}
	if (!(path = malloc(strlen(k->dir) + strlen(c->path) + 2)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	sprintf(path, "%s/%s", k->dir, c->path);
	k->u[k->n].path = path;
	k->u[k->n].id = c->new_id;
	k->u[k->n++].remove = c->status == 'D';
	return 0;
}

/* In tree *tree (local's), replace each conflicting stream by the remote's. */
static int keep_remote_streams(xfa_oid *tree, const struct plan *p, int keep_remote)
{
	struct kr k;
	xfa_oid le, re;
	size_t i, j;
	int err = 0;

	memset(&k, 0, sizeof(k));
	for (i = 0; keep_remote && i < p->nrs && !err; i++) {
		if (p->rstate[i] != 2)
			continue;
		k.dir = p->rs[i];
		if ((err = entry_or_zero(&le, p->st, &p->local, k.dir)) < 0 ||
		    (err = entry_or_zero(&re, p->st, &p->remote, k.dir)) < 0)
			break;
		err = xfa_store_diff(p->st, xfa_oid_is_zero(&le) ? NULL : &le,
				     xfa_oid_is_zero(&re) ? NULL : &re, on_kr, &k);
	}
	if (!err && k.n)
		err = xfa_store_tree_update(tree, p->st, tree, k.u, k.n);
	for (j = 0; j < k.n; j++)
		free((char *)k.u[j].path);
	free(k.u);
	return err;
}

/*
 * The merge of p->local and p->remote: the union, except that in the
 * streams listed in `keep` (state 2) the folder is the local one
 * (keep_remote 0) or the remote one.  Written, signed, not published.
 */
static int write_merge(xfa_oid *out, const struct plan *p, const xfa_key *key,
		       const char *message, int keep_remote)
{
	xfa_tree_up *u = NULL;
	xfa_oid lt, tree;
	xfa_ident who;
	xfa_meta m;
	size_t i, n = 0;
	int err;

	memset(&m, 0, sizeof(m));
	if ((err = signer_at(&who, &m, p->st, &p->local, key)) < 0)
		goto done;
	if (p->nrc && !(u = calloc(p->nrc, sizeof(*u)))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	for (i = 0; i < p->nrc; i++) {
		int s = p->rstate[p->rc[i].stream];
		if (s != 0)
			continue;
		u[n].path = p->rc[i].path;
		u[n].id = p->rc[i].id;
		u[n++].remove = p->rc[i].remove;
	}
	if ((err = xfa_store_commit_tree(&lt, p->st, &p->local)) < 0 ||
	    (err = keep_remote_streams(&lt, p, keep_remote)) < 0 ||
	    (err = xfa_store_tree_update(&tree, p->st, &lt, u, n)) < 0)
		goto done;
	err = xfa_store_write_merge(out, p->st, &tree, &p->local, &p->remote,
			&who, message, xfa_event_sign_git, (void *)key);
done:
	free(u);
	xfa_meta_release(&m);
	return err;
}

/* --- integrating -------------------------------------------------------- */

/* Is every conflicting stream named in `ids`, and every id in conflict? */
static int check_ids(const struct plan *p, const char *const *ids, size_t nids)
{
	size_t i, j;

	for (j = 0; j < nids; j++) {
		for (i = 0; i < p->nrs; i++)
			if (p->rstate[i] == 2 && !strcmp(ids[j], stream_name(p->rs[i])))
				break;
		if (i == p->nrs)
			return xfa_error_set(XFA_ENOTFOUND, "case %s is not in conflict "
					     "with the remote", ids[j]);
	}
	for (i = 0; i < p->nrs; i++) {
		if (p->rstate[i] != 2)
			continue;
		if (!is_case_stream(p->rs[i]))
			return xfa_error_set(XFA_EINVALID, "the conflict on '%s' cannot "
				"be resolved by --resolve (both sides changed it)",
				stream_name(p->rs[i]));
		for (j = 0; j < nids && strcmp(ids[j], stream_name(p->rs[i])); j++)
			;
		if (j == nids)
			return xfa_error_set(XFA_EINVALID, "case %s is in conflict too: "
				"name it with another --resolve", stream_name(p->rs[i]));
	}
	return 0;
}

/* The signed note recording a resolution: what was kept, what discarded. */
static int resolve_notes(json_t **notes, const struct plan *p, const char *remote,
			 int keep_remote)
{
	char hex[XFA_OID_HEX];
	size_t i, k;
	int err;

	xfa_oid_fmt(hex, &p->remote);
	*notes = json_object();
	for (i = 0; i < p->nrs; i++) {
		char note[4000];
		json_t *d = NULL, *ev;
		size_t len;
		if (p->rstate[i] != 2)
			continue;
		if ((err = describe(&d, p, p->rs[i], "")) < 0)
			return err;
		len = (size_t)snprintf(note, sizeof(note),
			"resolve: keep %s (remote %s at %.12s); discarded %s events:",
			keep_remote ? "remote" : "local", remote, hex,
			keep_remote ? "local" : "remote");
		json_array_foreach(json_object_get(d, keep_remote ? "local" : "remote"), k, ev)
			if (len + 90 < sizeof(note))
				len += (size_t)snprintf(note + len, sizeof(note) - len,
					" #%d sha256:%s", (int)json_integer_value(
					json_object_get(ev, "seq")),
					xfa_json_str(ev, "sha256"));
		json_object_set_new(*notes, stream_name(p->rs[i]), json_string(note));
		json_decref(d);
	}
	return 0;
}

/* Merge, publish, and (resolving) record the notes. */
static int merge_publish(xfa_sync_result *res, xfa_archive *a, struct plan *p,
			 const char *remote, const xfa_key *key,
			 const char *const *ids, size_t nids, int keep_remote)
{
	char msg[600], hex[XFA_OID_HEX];
	json_t *notes = NULL, *n;
	const char *id;
	xfa_oid m;
	int err;

	xfa_oid_fmt(hex, &p->remote);
	if (nids) {
		if ((err = check_ids(p, ids, nids)) < 0 ||
		    (err = resolve_notes(&notes, p, remote, keep_remote)) < 0)
			goto done;
		snprintf(msg, sizeof(msg), "resolve %s keep %s\n\nremote %s at %s\n",
			 ids[0], keep_remote ? "remote" : "local", remote, hex);
	} else {
		snprintf(msg, sizeof(msg), "merge %s\n\nremote %s at %s\n", remote,
			 remote, hex);
	}
	if ((err = write_merge(&m, p, key, msg, keep_remote)) < 0 ||
	    (err = xfa_store_set_ref(p->st, XFA_MAIN_REF, &m, &p->local,
				     nids ? "xfa sync: resolve" : "xfa sync: merge")) < 0)
		goto done;
	res->head = m;
	res->outcome = nids ? XFA_SYNC_RESOLVED : XFA_SYNC_MERGED;
	json_object_foreach(notes, id, n) {
		xfa_case_opts o;
		unsigned seq;
		memset(&o, 0, sizeof(o));
		o.note = json_string_value(n);
		if ((err = xfa_case_record(&seq, a, key, id, "note", &o)) < 0)
			goto done;
		snprintf(msg, sizeof(msg), "refs/xfa/conflicts/%s/%s", remote, id);
		if ((err = xfa_store_del_ref(p->st, msg)) < 0)
			goto done;
	}
	err = xfa_store_head(&res->head, p->st);
done:
	json_decref(notes);
	return err;
}

/* Bring remote head `r` into local main. */
static int integrate(xfa_sync_result *res, xfa_archive *a, const char *remote,
		     const xfa_oid *r, const xfa_key *key,
		     const char *const *ids, size_t nids, int keep_remote)
{
	xfa_store *st = xfa_archive_store(a);
	struct plan p;
	xfa_meta m;
	xfa_oid l;
	int err, ok;

	memset(&p, 0, sizeof(p));
	if ((err = xfa_store_head(&l, st)) < 0)
		return err;
	res->head = l;
	res->outcome = XFA_SYNC_UPTODATE;
	if ((err = xfa_store_is_ancestor(st, r, &l)) != 0)
		return err < 0 ? err : nids ? xfa_error_set(XFA_ENOTFOUND,
			"nothing to resolve: the remote has nothing new") : 0;
	if ((err = xfa_meta_load(&m, st, &l)) < 0)
		return err;
	json_decref(res->report);
	res->report = NULL;
	ok = verify_history(&res->report, st, r, xfa_json_str(m.doc, "root"));
	xfa_meta_release(&m);
	if (ok <= 0) {
		res->outcome = XFA_SYNC_REFUSED;
		return ok;
	}
	if ((err = xfa_store_is_ancestor(st, &l, r)) == 1) {
		if (nids)
			return xfa_error_set(XFA_ENOTFOUND, "nothing to resolve: "
					     "the remote only adds to the local history");
		if ((err = xfa_store_set_ref(st, XFA_MAIN_REF, r, &l,
					     "xfa sync: fast-forward")) == 0) {
			res->head = *r;
			res->outcome = XFA_SYNC_FASTFORWARD;
		}
		return err;
	}
	if (err < 0 || (err = plan_make(&p, st, &l, r)) < 0)
		goto done;
	for (size_t i = 0; i < p.nrs; i++)
		if (p.rstate[i] == 2 && !nids) {
			res->outcome = XFA_SYNC_CONFLICT;
			err = record_conflicts(res, &p, remote);
			goto done;
		}
	err = merge_publish(res, a, &p, remote, key, ids, nids, keep_remote);
done:
	plan_release(&p);
	return err;
}

/* A fetched main must be an archive's: .xfa/ at the top of its tree.
 * 0, or XFA_EINVALID naming `url`. */
static int fetched_archive(xfa_store *st, const xfa_oid *head, const char *url)
{
	xfa_oid e;
	int err = xfa_store_entry_id(&e, st, head, XFA_META_DIR);

	if (err == XFA_ENOTFOUND)
		return xfa_error_set(XFA_EINVALID, "'%s' is not an xfa archive: its "
				     XFA_MAIN_REF " holds no " XFA_META_DIR "/", url);
	return err;
}

/* The ref that tracks a remote's main. */
static void tracking_ref(char *out, size_t n, const char *remote)
{
	snprintf(out, n, "refs/xfa/remotes/%s/main", remote);
}

static int sync_loop(xfa_sync_result *res, xfa_archive *a, const char *remote,
		     const xfa_key *key, const char *const *ids, size_t nids,
		     int keep_remote, int push)
{
	xfa_store *st = xfa_archive_store(a);
	char into[400], *url = NULL;
	xfa_oid r;
	unsigned i;
	int err;

	memset(res, 0, sizeof(*res));
	if ((err = xfa_store_remote_url(&url, st, remote)) < 0)
		return err;
	tracking_ref(into, sizeof(into), remote);
	for (i = 1; i <= XFA_SYNC_TRIES; i++) {
		res->attempts = i;
		err = xfa_store_fetch(&r, st, remote, NULL);
		if (err == XFA_ENOTFOUND && !nids) {  /* an empty remote */
			memset(&r, 0, sizeof(r));
			xfa_error_clear();
			if ((err = xfa_store_head(&res->head, st)) < 0)
				break;
		} else if (err < 0 || (err = fetched_archive(st, &r, url)) < 0 ||
			   (err = xfa_store_set_ref(st, into, &r, NULL, "xfa sync: fetch")) < 0) {
			break;
		} else {
			res->remote = r;
			err = integrate(res, a, remote, &r, key, ids, nids, keep_remote);
			if (err == XFA_ECONFLICT)
				continue;        /* our main moved meanwhile */
			if (err < 0 || res->outcome == XFA_SYNC_CONFLICT ||
			    res->outcome == XFA_SYNC_REFUSED)
				break;
			nids = 0;                /* resolved once */
		}
		if (!push || xfa_oid_equal(&res->head, &r)) {
			res->pushed = xfa_oid_equal(&res->head, &r);
			err = 0;
			break;
		}
		err = xfa_store_push(st, remote, XFA_MAIN_REF, XFA_MAIN_REF);
		if (err == 0) {
			res->pushed = 1;
			err = xfa_store_set_ref(st, into, &res->head, NULL, "xfa sync: push");
			break;
		}
		if (err != XFA_ECONFLICT)
			break;
	}
	if (i > XFA_SYNC_TRIES)
		err = xfa_error_set(XFA_ECONFLICT, "remote '%s' still refuses our history "
				    "after %d tries (others keep pushing)", remote, XFA_SYNC_TRIES);
	free(url);
	return err;
}

int xfa_sync_run(xfa_sync_result *res, xfa_archive *a, const char *remote,
		 const xfa_key *key, int push)
{
	return sync_loop(res, a, remote, key, NULL, 0, 0, push);
}

int xfa_sync_resolve(xfa_sync_result *res, xfa_archive *a, const char *remote,
		     const char *const *ids, size_t nids, int keep_remote,
		     const xfa_key *key, int push)
{
	if (!nids)
		return xfa_error_set(XFA_EINVALID, "name a case to resolve");
	return sync_loop(res, a, remote, key, ids, nids, keep_remote, push);
}

void xfa_sync_result_release(xfa_sync_result *r)
{
	if (!r)
		return;
	json_decref(r->conflicts);
	json_decref(r->report);
	r->conflicts = r->report = NULL;
}

/* --- cloning ------------------------------------------------------------- */

int xfa_sync_office_check(const char *office)
{
	size_t n = office ? strlen(office) : 0;

	if (n < 1 || n > 8 || strspn(office, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != n)
		return xfa_error_set(XFA_EINVALID, "'%s' is not an office code "
				     "(1 to 8 of A-Z and 0-9)", office ? office : "");
	return 0;
}

int xfa_sync_clone(json_t **report, const char *url, const char *dir,
		   const char *office)
{
	xfa_store *st = NULL;
	xfa_oid r, zero;
	char into[400];
	int err, ok;

	if (report)
		*report = NULL;
	if ((err = xfa_sync_office_check(office)) < 0)
		return err;
	if (access(dir, F_OK) == 0)
		return xfa_error_set(XFA_EEXISTS, "'%s' exists already", dir);
	if (!strchr(url, ':') && access(url, F_OK) != 0)     /* a plain path */
		return xfa_error_set(XFA_ENOTFOUND, "no repository at '%s'", url);
	if ((err = xfa_store_create(&st, dir)) < 0)
		return err;
	tracking_ref(into, sizeof(into), "origin");
	memset(&zero, 0, sizeof(zero));
	if ((err = xfa_store_config_set(st, XFA_OFFICE_KEY, office)) < 0 ||
	    (err = xfa_store_remote_add(st, "origin", url)) < 0)
		goto done;
	if ((err = xfa_store_fetch(&r, st, "origin", NULL)) == XFA_ENOTFOUND)
		err = xfa_error_wrap(XFA_EINVALID, "nothing to clone");
	if (err < 0 || (err = fetched_archive(st, &r, url)) < 0 ||
	    (err = xfa_store_set_ref(st, into, &r, NULL, "xfa clone: fetch")) < 0)
		goto done;
	{
		json_t *rep = NULL;
		if ((ok = verify_history(&rep, st, &r, NULL)) < 0) {
			err = ok;
			goto done;
		}
		if (!ok) {
			err = xfa_error_set(XFA_EBADSIG, "the history at '%s' fails "
					    "verification: refused", url);
			if (report)
				*report = rep;
			else
				json_decref(rep);
			goto done;
		}
	}
	err = xfa_store_set_ref(st, XFA_MAIN_REF, &r, &zero, "xfa clone");
done:
	xfa_store_free(st);
	if (err < 0)
		rm_tree(dir);
	return err;
}

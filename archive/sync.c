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
#include "merge.h"
#include "sync_int.h"
#include "verify.h"

/* What the two sides hold differently, record by record (merge.h). */
struct plan {
	xfa_store *st;
	xfa_oid local, remote;
	xfa_merge_plan mp;       /* c[0] local, c[1] remote */
};

static void plan_release(struct plan *p)
{
	xfa_merge_plan_release(&p->mp);
	memset(p, 0, sizeof(*p));
}

/* Is record r in conflict: diverged, or held in no mergeable way? */
static int in_conflict(const xfa_merge_rec *r)
{
	return (r->verdict == XFA_MERGE_DIVERGED && !r->seen) ||
	       r->verdict == XFA_MERGE_BAD;
}

/*
 * A .xfa stream both sides extended is joined by a keyring-merge when the
 * remote's new events are key changes only (marked seen: no conflict).
 */
static int plan_meta(struct plan *p)
{
	xfa_merge_rec *x = xfa_merge_plan_find(&p->mp, XFA_META_DIR);
	int ok;

	if (!x || x->verdict != XFA_MERGE_DIVERGED)
		return 0;
	if ((ok = xfa_sync_meta_mergeable(p->st, &p->mp, x)) < 0)
		return ok;
	x->seen = ok;
	return 0;
}

/*
 * Judge every record both sides hold differently by the prefix rule of
 * SPEC 7.8a: no merge base is used, so criss-cross histories (several
 * merge bases) give no false conflict.
 */
static int plan_make(struct plan *p, xfa_store *st, const xfa_oid *local,
		     const xfa_oid *remote)
{
	xfa_oid base;
	int err;

	memset(p, 0, sizeof(*p));
	p->st = st;
	p->local = *local;
	p->remote = *remote;
	if ((err = xfa_store_merge_base(&base, st, local, remote)) < 0)
		return err == XFA_ENOTFOUND ? xfa_error_set(XFA_EINVALID,
			"the remote holds another archive (no common history)") : err;
	if ((err = xfa_merge_plan_make(&p->mp, st, local, remote)) < 0)
		return err;
	return plan_meta(p);
}

/* --- describing a conflict ------------------------------------------- */

/* The events of a record after `from`, up to `to`, as summaries. */
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
		size_t len;

		xfa_event_path(path, sizeof(path), dir, seq, "json");
		if ((err = xfa_store_read(&buf, &len, st, commit, path)) < 0)
			break;
		xfa_sha256(h, buf, len);
		xfa_hex(hex, h, 32);
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

/* {case, folder, ref, base_seq, local: [...], remote: [...]}: the events
 * each side would lose if the other were kept. */
static int describe(json_t **out, const struct plan *p, const xfa_merge_rec *r,
		    const char *ref)
{
	json_t *le = NULL, *re = NULL;
	int err;

	*out = NULL;
	if ((err = event_list(&le, p->st, &p->local, r->dir, r->common, r->n[0])) < 0 ||
	    (err = event_list(&re, p->st, &p->remote, r->dir, r->common, r->n[1])) < 0) {
		json_decref(le);
		json_decref(re);
		return err;
	}
	*out = json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "case",
			 r->id[0] ? r->id : r->dir, "folder", r->dir, "ref", ref,
			 "base_seq", (json_int_t)r->common, "local", le, "remote", re);
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
	for (i = 0; i < p->mp.n; i++) {
		const xfa_merge_rec *r = &p->mp.r[i];
		char ref[600];
		json_t *d;
		if (!in_conflict(r))
			continue;
		snprintf(ref, sizeof(ref), "refs/xfa/conflicts/%s/%s", remote,
			 r->id[0] ? r->id : "head");
		if ((err = xfa_store_set_ref(p->st, ref, &p->remote, NULL,
					     "xfa sync: conflict")) < 0 ||
		    (err = describe(&d, p, r, ref)) < 0)
			return err;
		json_array_append_new(res->conflicts, d);
	}
	return 0;
}

/* --- verifying what comes in -------------------------------------------- */

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
 * Verify, as `xfa verify` would, every commit that `head` reaches and the
 * `nproven` commits `proven` (already verified here) do not, each against
 * its parent, trusting root key `root` (NULL: the history's own).  1 if it
 * passes, 0 if not (the report in *report), or a code.
 */
static int verify_history(json_t **report, xfa_store *st, const xfa_oid *head,
			  const xfa_oid *proven, size_t nproven, const char *root)
{
	char hex[3][XFA_OID_HEX];
	const char *hide[2];
	xfa_verify_opts o;
	json_t *rep = NULL;
	size_t i;
	int err;

	*report = NULL;
	memset(&o, 0, sizeof(o));
	xfa_oid_fmt(hex[0], head);
	for (i = 0; i < nproven && i < 2; i++) {
		xfa_oid_fmt(hex[i + 1], &proven[i]);
		hide[i] = hex[i + 1];
	}
	o.head = hex[0];
	o.hide = hide;
	o.nhide = i;
	o.trust = root;
	o.integrity_only = 1;
	err = xfa_verify_run(&rep, xfa_store_path(st), &o);
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

/* The changes that turn one record folder into the other's. */
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

static void kr_release(struct kr *k)
{
	size_t j;

	for (j = 0; j < k->n; j++)
		free((char *)k->u[j].path);
	free(k->u);
	memset(k, 0, sizeof(*k));
}

/* Does this merge keep the remote's version of record r? */
static int takes_remote(const xfa_merge_rec *r, int keep_remote)
{
	return r->verdict == XFA_MERGE_TAKE1 ||
	       (r->verdict == XFA_MERGE_DIVERGED && keep_remote);
}

/* Local's tree with every record the rule takes from the remote replaced
 * by the remote's folder. */
static int union_tree(xfa_oid *tree, const struct plan *p, int keep_remote)
{
	struct kr k;
	size_t i;
	int err = 0;

	memset(&k, 0, sizeof(k));
	if ((err = xfa_store_commit_tree(tree, p->st, &p->local)) < 0)
		return err;
	for (i = 0; i < p->mp.n && !err; i++) {
		const xfa_merge_rec *r = &p->mp.r[i];
		if (!takes_remote(r, keep_remote))
			continue;
		k.dir = r->dir;
		err = xfa_store_diff(p->st, xfa_oid_is_zero(&r->tree[0]) ? NULL : &r->tree[0],
				     xfa_oid_is_zero(&r->tree[1]) ? NULL : &r->tree[1],
				     on_kr, &k);
	}
	if (!err && k.n)
		err = xfa_store_tree_update(tree, p->st, tree, k.u, k.n);
	kr_release(&k);
	return err;
}

/*
 * The merge of p->local and p->remote (SPEC 7.8a): the union by the
 * prefix rule; each diverged record (only when resolving) is the kept
 * side's folder plus a signed resolution event.  Written, signed, not
 * published.
 */
static int write_merge(xfa_oid *out, const struct plan *p, xfa_archive *a,
		       const xfa_key *key, const char *message, int keep_remote,
		       const char *remote)
{
	const xfa_merge_rec *x = xfa_merge_plan_find((xfa_merge_plan *)&p->mp, XFA_META_DIR);
	const xfa_oid *meta_at = x && x->verdict == XFA_MERGE_TAKE1 ? &p->remote : &p->local;
	struct sync_res rs;
	xfa_ident who;
	xfa_oid tree;
	size_t i;
	int err;

	memset(&rs, 0, sizeof(rs));
	if ((err = xfa_sync_signer(&rs, &who, p->st, meta_at, key)) < 0 ||
	    (err = union_tree(&tree, p, keep_remote)) < 0)
		goto done;
	for (i = 0; i < p->mp.n && !err; i++)
		if (p->mp.r[i].verdict == XFA_MERGE_DIVERGED)
			err = xfa_sync_resolution_time(&rs, p->st, &p->mp, &p->mp.r[i],
						       p->mp.r[i].seen ? 0 : keep_remote);
	who.when = rs.now.t;
	for (i = 0; i < p->mp.n && !err; i++) {
		const xfa_merge_rec *r = &p->mp.r[i];
		if (r->verdict != XFA_MERGE_DIVERGED)
			continue;
		if (r->seen) {                   /* the .xfa stream */
			xfa_meta rm;
			if ((err = xfa_meta_load(&rm, p->st, &p->remote)) < 0)
				break;
			err = xfa_sync_keyring_merge(&rs, a, key, &p->mp, r, rm.doc, remote);
			xfa_meta_release(&rm);
		} else {
			err = xfa_sync_resolution(&rs, a, key, &p->mp, r, keep_remote,
						  remote);
		}
	}
	if (!err && rs.n)
		err = xfa_store_tree_update(&tree, p->st, &tree, rs.u, rs.n);
	if (!err)
		err = xfa_store_write_merge(out, p->st, &tree, &p->local, &p->remote,
				&who, message, xfa_event_sign_git, (void *)key);
done:
	xfa_sync_res_release(&rs);
	return err;
}

/* --- integrating -------------------------------------------------------- */

/* Is every diverged record named in `ids`, and every id diverged? */
static int check_ids(struct plan *p, const char *const *ids, size_t nids)
{
	size_t i, j;

	for (j = 0; j < nids; j++) {
		for (i = 0; i < p->mp.n; i++)
			if (in_conflict(&p->mp.r[i]) && !strcmp(ids[j], p->mp.r[i].id))
				break;
		if (i == p->mp.n)
			return xfa_error_set(XFA_ENOTFOUND, "case %s is not in conflict "
					     "with the remote", ids[j]);
	}
	for (i = 0; i < p->mp.n; i++) {
		const xfa_merge_rec *r = &p->mp.r[i];
		if (!in_conflict(r))
			continue;
		if (r->verdict == XFA_MERGE_BAD || !strcmp(r->id, XFA_META_NAME))
			return xfa_error_set(XFA_EINVALID, "the conflict on '%s' cannot "
				"be resolved by --resolve (both sides changed the "
				"archive's keyring or configuration)", r->id[0] ? r->id : r->dir);
		for (j = 0; j < nids && strcmp(ids[j], r->id); j++)
			;
		if (j == nids)
			return xfa_error_set(XFA_EINVALID, "case %s is in conflict too: "
				"name it with another --resolve", r->id);
	}
	return 0;
}

/* Merge, prove the merged result, publish. */
static int merge_publish(xfa_sync_result *res, xfa_archive *a, struct plan *p,
			 const char *remote, const xfa_key *key, const char *root,
			 const char *const *ids, size_t nids, int keep_remote)
{
	char msg[600], hex[XFA_OID_HEX], ref[600];
	xfa_oid m, both[2] = { p->local, p->remote };
	size_t j;
	int err, ok;

	xfa_oid_fmt(hex, &p->remote);
	if (nids) {
		if ((err = check_ids(p, ids, nids)) < 0)
			return err;
		snprintf(msg, sizeof(msg), "resolve %s keep %s\n\nremote %s at %s\n",
			 ids[0], keep_remote ? "remote" : "local", remote, hex);
	} else {
		snprintf(msg, sizeof(msg), "merge %s\n\nremote %s at %s\n", remote,
			 remote, hex);
	}
	if ((err = write_merge(&m, p, a, key, msg, keep_remote, remote)) < 0)
		return err;
	/* SPEC 10: prove the merged result, not only what was fetched */
	json_decref(res->report);
	if ((ok = verify_history(&res->report, p->st, &m, both, 2, root)) <= 0) {
		res->outcome = XFA_SYNC_REFUSED;
		return ok;
	}
	if ((err = xfa_store_set_ref(p->st, XFA_MAIN_REF, &m, &p->local,
				     nids ? "xfa sync: resolve" : "xfa sync: merge")) < 0)
		return err;
	res->head = m;
	res->outcome = nids ? XFA_SYNC_RESOLVED : XFA_SYNC_MERGED;
	for (j = 0; j < nids; j++) {
		snprintf(ref, sizeof(ref), "refs/xfa/conflicts/%s/%s", remote, ids[j]);
		if ((err = xfa_store_del_ref(p->st, ref)) < 0)
			return err;
	}
	return 0;
}

/* Bring remote head `r` into local main. */
static int integrate(xfa_sync_result *res, xfa_archive *a, const char *remote,
		     const xfa_oid *r, const xfa_key *key,
		     const char *const *ids, size_t nids, int keep_remote)
{
	xfa_store *st = xfa_archive_store(a);
	char hex[XFA_OID_HEX], root[XFA_FPR_SIZE];
	struct plan p;
	xfa_meta m;
	xfa_oid l, t;
	int err, ok;

	memset(&p, 0, sizeof(p));
	xfa_oid_fmt(hex, r);
	if (xfa_store_commit_tree(&t, st, r) < 0)
		return xfa_error_set(XFA_EINVALID, "the remote's main names %s, which "
			"is not a commit (missing or another kind of object): %s",
			hex, xfa_error_last());
	if ((err = xfa_store_head(&l, st)) < 0)
		return err;
	res->head = l;
	res->outcome = XFA_SYNC_UPTODATE;
	if ((err = xfa_store_is_ancestor(st, r, &l)) != 0)
		return err < 0 ? err : nids ? xfa_error_set(XFA_ENOTFOUND,
			"nothing to resolve: the remote has nothing new") : 0;
	if ((err = xfa_meta_load(&m, st, &l)) < 0)
		return err;
	snprintf(root, sizeof(root), "%s", xfa_json_str(m.doc, "root") ?
		 xfa_json_str(m.doc, "root") : "");
	xfa_meta_release(&m);
	/* what the remote brings, each commit against its parent */
	json_decref(res->report);
	res->report = NULL;
	ok = verify_history(&res->report, st, r, &l, 1, root);
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
	for (size_t i = 0; i < p.mp.n; i++)
		if (in_conflict(&p.mp.r[i]) && !nids) {
			res->outcome = XFA_SYNC_CONFLICT;
			err = record_conflicts(res, &p, remote);
			goto done;
		}
	err = merge_publish(res, a, &p, remote, key, root, ids, nids, keep_remote);
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
				     "%s holds no %s/", url, XFA_MAIN_REF, XFA_META_DIR);
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
		if ((ok = verify_history(&rep, st, &r, NULL, 0, NULL)) < 0) {
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

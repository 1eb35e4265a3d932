/* verify_merge.c - a merge commit judged per record (SPEC 7.8a): the tree
 * the rule of merge.h gives and nothing else, a signed resolution for each
 * record that diverged, the keyring of both sides (a revocation on either
 * holds, for the merge and for every event it carries in), who may merge,
 * and its time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "merge.h"
#include "verify_int.h"

/* One merge being checked. */
struct vm {
	struct vc *c;
	xfa_merge_plan plan;
	const xfa_meta *meta[2];     /* at each parent */
	xfa_oid ptree[2];
	int64_t ptime[2];
	int keep_meta;               /* the side whose .xfa/ the merge holds */
	int revokes[2];              /* side i's keyring revokes a key the
				      * other side's does not (or later) */
	char last_bad[256];          /* the last record reported from the diff */
};

static int64_t stamp_of(const char *s)
{
	xfa_stamp t;

	return s && xfa_stamp_parse(&t, s) == 0 ? t.t : INT64_MAX;
}

/* Does keyring document `a` revoke a key that `b` does not revoke as early? */
static int revokes_more(const json_t *a, const json_t *b)
{
	const char *fpr, *ra;
	json_t *rec;

	json_object_foreach(json_object_get(a, "keys"), fpr, rec) {
		const json_t *other = xfa_keyring_find(b, fpr);
		if (!(ra = xfa_json_str(rec, "revoked_at")))
			continue;
		if (!other || stamp_of(xfa_json_str(other, "revoked_at")) > stamp_of(ra))
			return 1;
	}
	return 0;
}

/* --- who merged, and when ---------------------------------------------- */

static int check_signer(struct vm *m)
{
	struct vc *c = m->c;
	const json_t *other = m->meta[1 - m->keep_meta]->doc, *rec;
	const char *roles[16], *rev;
	int err;

	if ((err = xfa_verify_signature(c)) < 0 || !c->signer[0] ||
	    c->seen[R_UNKNOWN_KEY] || c->seen[R_KEY_REVOKED])
		return err;
	rec = xfa_keyring_find(other, c->signer);
	if (rec && (rev = xfa_json_str(rec, "revoked_at")) &&
	    stamp_of(rev) <= c->ci.commit_time)
		return xfa_verify_find(c, R_KEY_REVOKED, NULL, 0, NULL,
			"merge %.12s signed by %s, which the %s parent's keyring "
			"revoked at %s", c->hex, c->signer,
			m->keep_meta ? xfa_tr("first") : xfa_tr("second"), rev);
	if (xfa_keyring_roles(roles, 16, c->keyring, c->signer, c->ci.commit_time) < 0)
		return xfa_verify_find(c, R_ROLE_NOT_ALLOWED, NULL, 0, NULL,
			"merge %.12s: %s", c->hex, xfa_error_last());
	if (!xfa_meta_may_integrate(c->keyring, roles))
		return xfa_verify_find(c, R_MERGE_NOT_ALLOWED, NULL, 0, NULL,
			"merge %.12s signed by %s, whose roles may not integrate "
			"(archive.json \"integrators\")", c->hex, c->signer);
	return 0;
}

static int check_when(struct vm *m)
{
	struct vc *c = m->c;
	int64_t skew = c->meta->skew, t = c->ci.commit_time;
	const char *msg = c->ci.message ? c->ci.message : "";

	c->parent_time = m->ptime[0] > m->ptime[1] ? m->ptime[0] : m->ptime[1];
	if (t > c->t->sh->now + skew)
		return xfa_verify_find(c, R_FUTURE_TIME, NULL, 0, NULL,
			"merge %.12s is dated after the verifier's clock plus the "
			"allowed skew", c->hex);
	if (t < c->parent_time - skew)
		return xfa_verify_find(c, R_TIME_BEFORE_PARENT, NULL, 0, NULL,
			"merge %.12s is dated before its later parent less the "
			"allowed skew", c->hex);
	if (c->ci.author_time != t ||
	    (strncmp(msg, "merge ", 6) && strncmp(msg, "resolve ", 8)))
		return xfa_verify_find(c, R_MESSAGE_MISMATCH, NULL, 0, NULL,
			"merge %.12s: the message must begin 'merge ' or 'resolve ' "
			"and author and committer times agree", c->hex);
	return 0;
}

/* --- the tree ---------------------------------------------------------- */

static int bad(struct vm *m, const char *id, const char *dir, const char *fmt,
	       const char *a, unsigned x, unsigned y)
{
	return xfa_verify_find(m->c, R_MERGE_COMMIT, id && *id ? id : NULL, 0, dir,
			       fmt, m->c->hex, dir, a, x, y);
}

/* A record the merge changes against its first parent must be one the
 * rule takes from the second (or a resolution). */
static int on_merge_change(const xfa_change *x, void *payload)
{
	struct vm *m = payload;
	xfa_merge_rec *r;
	char dir[256], id[48];
	int err;

	if (xfa_merge_record_of(dir, sizeof(dir), id, x->path) < 0) {
		snprintf(dir, sizeof(dir), "%s", x->path);
		id[0] = '\0';
	}
	if ((r = xfa_merge_plan_find(&m->plan, dir)) && r->verdict != XFA_MERGE_BAD) {
		r->seen = 1;             /* TAKE0: judged in check_record */
		return 0;
	}
	if (!strcmp(m->last_bad, dir))
		return 0;
	snprintf(m->last_bad, sizeof(m->last_bad), "%s", dir);
	if (r)
		r->seen = 1;
	err = xfa_verify_find(m->c, R_MERGE_COMMIT, id[0] ? id : NULL, 0, dir,
		"merge %.12s changes %s, %s", m->c->hex, dir, r ? xfa_tr("which its "
		"parents hold outside any record") : xfa_tr("which both parents hold alike"));
	return err < 0 ? err : 0;
}

/*
 * Events `from`..`to` of record r on side `side`, carried into the merge:
 * none may be signed by a key the other side revoked before it.
 */
static int carried(struct vm *m, const xfa_merge_rec *r, int side, unsigned from,
		   unsigned to)
{
	const json_t *other = m->meta[1 - side]->doc, *rec;
	char path[320], *buf = NULL;
	json_t *ev = NULL;
	const char *rev;
	unsigned seq;
	size_t len;
	int err = 0;

	if (!m->revokes[1 - side])
		return 0;
	for (seq = from; seq <= to && !err; seq++) {
		xfa_event_path(path, sizeof(path), r->dir, seq, "json");
		if ((err = xfa_store_read(&buf, &len, m->c->t->st, &m->plan.c[side],
					  path)) < 0)
			return xfa_verify_soft(m->c, err, r->id, path);
		err = xfa_json_parse(&ev, buf, len, path);
		free(buf);
		if (err < 0)
			return err == XFA_ERROR ? err : 0;   /* judged on its side */
		rec = xfa_keyring_find(other, xfa_json_str(ev, "by"));
		if (rec && (rev = xfa_json_str(rec, "revoked_at")) &&
		    stamp_of(rev) <= stamp_of(xfa_json_str(ev, "at")))
			err = xfa_verify_find(m->c, R_KEY_REVOKED, r->id, (long)seq, path,
				"event #%u (at %s) is signed by %s, which the %s parent's "
				"keyring revoked at %s", seq, xfa_json_str(ev, "at"),
				xfa_json_str(ev, "by"), side ? xfa_tr("first") : xfa_tr("second"), rev);
		json_decref(ev);
		ev = NULL;
	}
	return err;
}

/* --- resolutions -------------------------------------------------------- */

/* The changes of one record folder, into c->ch. */
struct folder {
	struct vc *c;
	const char *dir;
};

static int on_folder_change(const xfa_change *x, void *payload)
{
	struct folder *f = payload;
	size_t n = strlen(f->dir);

	if (strncmp(x->path, f->dir, n) || x->path[n] != '/')
		return 0;
	return xfa_verify_on_change(x, f->c);
}

static void reset_changes(struct vc *c)
{
	size_t i;

	for (i = 0; i < c->nch; i++)
		free(c->ch[i].path);
	c->nch = c->more = c->nstreams = 0;
}

/* Is this discarded archive event a key-add or key-revoke? */
static int keyring_only(const char *buf, size_t len)
{
	json_t *ev = json_loadb(buf, len, 0, NULL);
	const char *t = xfa_json_str(ev, "type");
	int ok = t && (!strcmp(t, "key-add") || !strcmp(t, "key-revoke"));

	json_decref(ev);
	return ok;
}

/* A keyring-merge carries exactly the other side's keys and revocations:
 * 1 if not, 0 if it does, or a code. */
static int keyring_decision(struct vm *m, const json_t *ev, int keep)
{
	json_t *want = xfa_keyring_merge_patch(m->meta[keep]->doc, m->meta[1 - keep]->doc);
	int same;

	if (!want)
		return xfa_error_set(XFA_ERROR, "out of memory");
	same = json_equal(want, json_object_get(ev, "patch"));
	json_decref(want);
	return !same;
}

/* The resolution event's "resolution" names side `keep` and discards
 * exactly the other side's events after the common prefix. */
static int check_decision(struct vm *m, const xfa_merge_rec *r, int keep,
			  const xfa_oid *merge)
{
	const json_t *res, *d, *want;
	char path[320], *buf = NULL, hex[65];
	unsigned char h[32];
	json_t *ev = NULL;
	unsigned seq, other = r->n[1 - keep];
	int meta = !strcmp(r->id, XFA_META_NAME), err;
	size_t len, i;

	xfa_event_path(path, sizeof(path), r->dir, r->n[keep] + 1, "json");
	if ((err = xfa_store_read(&buf, &len, m->c->t->st, merge, path)) < 0)
		return xfa_verify_soft(m->c, err, r->id, path);
	err = xfa_json_parse(&ev, buf, len, path);
	free(buf);
	if (err < 0)
		return err == XFA_ERROR ? err : 0;   /* malformed-event, reported */
	res = json_object_get(ev, "resolution");
	d = json_object_get(res, "discarded");
	err = meta ? keyring_decision(m, ev, keep) : 0;
	if (err < 0) {
		json_decref(ev);
		return err;
	}
	if (err || !res || strcmp(xfa_json_str(ev, "type") ? xfa_json_str(ev, "type") : "",
			   meta ? "keyring-merge" : "note") ||
	    strcmp(xfa_json_str(res, "keep") ? xfa_json_str(res, "keep") : "",
		   keep ? "remote" : "local") ||
	    json_array_size(d) != other - r->common)
		err = 1;
	for (i = 0, seq = r->common + 1; !err && seq <= other; seq++, i++) {
		xfa_event_path(path, sizeof(path), r->dir, seq, "json");
		if ((err = xfa_store_read(&buf, &len, m->c->t->st, &m->plan.c[1 - keep],
					  path)) < 0) {
			json_decref(ev);
			return xfa_verify_soft(m->c, err, r->id, path);
		}
		xfa_sha256(h, buf, len);
		if (meta && !keyring_only(buf, len))
			err = 1;         /* a configuration change cannot be merged */
		free(buf);
		xfa_hex(hex, h, 32);
		want = json_array_get(d, i);
		err = xfa_json_int(want, "seq", 0) != (long long)seq ||
		      strcmp(xfa_json_str(want, "sha256") ? xfa_json_str(want, "sha256") : "", hex);
	}
	json_decref(ev);
	if (!err)
		return 0;
	return xfa_verify_find(m->c, R_BAD_RESOLUTION, r->id, (long)r->n[keep] + 1, NULL,
		"the resolution of %s must be a %s keeping %s and listing the "
		"%u discarded events #%u-#%u of the %s side with their sha256%s",
		r->id, meta ? "keyring-merge" : "note", keep ? "remote" : "local",
		other - r->common, r->common + 1, other, keep ? "local" : "remote",
		meta ? xfa_tr(" (key events only), carrying exactly the other side's keys "
		"and revocations") : "");
}

/* The merge holds side `keep`'s folder plus one event: check that event
 * against that side, as a linear commit, then what it decides. */
static int check_resolved(struct vm *m, const xfa_merge_rec *r, int keep)
{
	struct vc *c = m->c;
	struct vstream *s = NULL;
	size_t i;
	int err;
	struct folder f = { c, r->dir };

	reset_changes(c);
	c->parent = &c->ci.parents[keep];
	c->parent_tree = m->ptree[keep];
	if ((err = xfa_store_diff(c->t->st, &m->ptree[keep], &c->ci.tree,
				  on_folder_change, &f)) < 0)
		return xfa_verify_soft(c, err, r->id, r->dir);
	if ((err = xfa_verify_group(c)) < 0 || (err = xfa_verify_modes(c)) < 0)
		return err;
	for (i = 0; i < c->nstreams; i++)
		if (c->streams[i].event >= 0)
			s = &c->streams[i];
	c->cid = r->id;
	if (!s || c->nstreams != 1)
		return xfa_verify_find(c, R_BAD_RESOLUTION, r->id, 0, r->dir,
			"merge %.12s resolves %s without one new event", c->hex, r->id);
	if ((err = xfa_verify_event(c, s)) < 0 || (err = xfa_verify_leftovers(c)) < 0)
		return err;
	if ((err = check_decision(m, r, keep, &c->ci.id)) < 0)
		return err;
	return carried(m, r, keep, r->common + 1, r->n[keep]);
}

static int check_diverged(struct vm *m, const xfa_merge_rec *r, const xfa_oid *mt)
{
	xfa_oid e, side[2];
	unsigned n;
	int err, keep;

	if (xfa_oid_is_zero(mt) ||
	    xfa_oid_equal(mt, &r->tree[0]) || xfa_oid_equal(mt, &r->tree[1]))
		return xfa_verify_find(m->c, R_MERGE_DIVERGED, r->id, 0, r->dir,
			"merge %.12s: %s diverged after event #%u (first parent %u "
			"events, second %u) and the merge holds no signed resolution",
			m->c->hex, r->id, r->common, r->n[0], r->n[1]);
	if ((err = xfa_merge_event_id(&e, m->c->t->st, &m->c->ci.id, r->dir,
				      r->common + 1)) < 0 ||
	    (err = xfa_merge_event_id(&side[0], m->c->t->st, &m->plan.c[0], r->dir,
				      r->common + 1)) < 0 ||
	    (err = xfa_merge_event_id(&side[1], m->c->t->st, &m->plan.c[1], r->dir,
				      r->common + 1)) < 0 ||
	    (err = xfa_merge_events(&n, m->c->t->st, &m->c->ci.id, r->dir)) < 0)
		return xfa_verify_soft(m->c, err, r->id, r->dir);
	keep = xfa_oid_equal(&e, &side[0]) ? 0 : xfa_oid_equal(&e, &side[1]) ? 1 : -1;
	if (keep >= 0 && n == r->n[keep] + 1 &&
	    (err = xfa_merge_event_id(&e, m->c->t->st, &m->c->ci.id, r->dir,
				      r->n[keep])) == 0 &&
	    (err = xfa_merge_event_id(&side[0], m->c->t->st, &m->plan.c[keep],
				      r->dir, r->n[keep])) == 0 &&
	    xfa_oid_equal(&e, &side[0]))
		return check_resolved(m, r, keep);
	if (err < 0)
		return xfa_verify_soft(m->c, err, r->id, r->dir);
	return xfa_verify_find(m->c, R_BAD_RESOLUTION, r->id, 0, r->dir,
		"merge %.12s: %s holds neither side's events followed by one "
		"resolution event", m->c->hex, r->id);
}

/*
 * The merge does not hold the longer side's folder of record r: a
 * resolution where nothing diverged (that folder plus one event), or any
 * other version (a record rolled back, or edited in the merge).
 */
static int not_taken(struct vm *m, const xfa_merge_rec *r, int take,
		     const char *const side[2])
{
	xfa_oid e, want;
	unsigned n = 0;
	int err;

	if ((err = xfa_merge_events(&n, m->c->t->st, &m->c->ci.id, r->dir)) < 0 ||
	    (err = xfa_merge_event_id(&e, m->c->t->st, &m->c->ci.id, r->dir,
				      r->n[take])) < 0 ||
	    (err = xfa_merge_event_id(&want, m->c->t->st, &m->plan.c[take], r->dir,
				      r->n[take])) < 0)
		return xfa_verify_soft(m->c, err, r->id, r->dir);
	if (n == r->n[take] + 1 && xfa_oid_equal(&e, &want))
		return xfa_verify_find(m->c, R_BAD_RESOLUTION, r->id, (long)n, r->dir,
			"merge %.12s adds an event to %s, which did not diverge (the "
			"%s parent's %u events extend the other's %u)", m->c->hex,
			r->id, side[take], r->n[take], r->n[1 - take]);
	return bad(m, r->id, r->dir, N_("merge %.12s: %s must hold the %s parent's "
		   "%u events exactly (the other's %u are a prefix of them)"),
		   side[take], r->n[take], r->n[1 - take]);
}

/* Each record of the plan as the merge holds it. */
static int check_record(struct vm *m, xfa_merge_rec *r)
{
	const char *side[2] = { xfa_tr("first"), xfa_tr("second") };
	xfa_oid mt;
	int err, take;

	if (r->verdict == XFA_MERGE_BAD)
		return bad(m, r->id, r->dir, N_("merge %.12s: its parents hold %s %s "
			   "(%u, %u events)"), r->id[0] ? xfa_tr("with the same events "
			   "but other files") : xfa_tr("outside any record"), r->n[0], r->n[1]);
	if ((err = xfa_store_entry_id(&mt, m->c->t->st, &m->c->ci.id, r->dir)) < 0 &&
	    err != XFA_ENOTFOUND)
		return xfa_verify_soft(m->c, err, r->id, r->dir);
	if (err)
		memset(&mt, 0, sizeof(mt));
	xfa_error_clear();
	if (r->verdict == XFA_MERGE_DIVERGED)
		return check_diverged(m, r, &mt);
	take = r->verdict == XFA_MERGE_TAKE1;
	if (!xfa_oid_equal(&mt, &r->tree[take]))
		return not_taken(m, r, take, side);
	return carried(m, r, take, r->common + 1, r->n[take]);
}

/* Which side a merge keeps of diverged record x (its next event is that
 * side's); the first when neither (reported when the record is checked). */
static int kept_side(int *keep, struct vm *m, const xfa_merge_rec *x)
{
	xfa_oid e, s1;
	int err;

	*keep = 0;
	if ((err = xfa_merge_event_id(&e, m->c->t->st, &m->c->ci.id, x->dir,
				      x->common + 1)) < 0 ||
	    (err = xfa_merge_event_id(&s1, m->c->t->st, &m->plan.c[1], x->dir,
				      x->common + 1)) < 0)
		return xfa_verify_soft(m->c, err, x->id, x->dir);
	*keep = !xfa_oid_is_zero(&e) && xfa_oid_equal(&e, &s1);
	return 0;
}

static int load_sides(struct vm *m)
{
	struct vc *c = m->c;
	xfa_merge_rec *x;
	int err, i;

	for (i = 0; i < 2; i++) {
		if ((err = xfa_store_commit_tree_time(&m->ptree[i], &m->ptime[i],
						      c->t->st, &c->ci.parents[i])) < 0)
			return xfa_verify_soft(c, err, NULL, NULL);
		if ((err = xfa_verify_meta(&m->meta[i], c->t, &c->ci.parents[i])) < 0)
			return err == XFA_ERROR ? err : 1;  /* reported where it broke */
	}
	if ((err = xfa_merge_plan_make(&m->plan, c->t->st, &c->ci.parents[0],
				       &c->ci.parents[1])) < 0)
		return xfa_verify_soft(c, err, NULL, NULL);
	x = xfa_merge_plan_find(&m->plan, XFA_META_DIR);
	m->keep_meta = x && x->verdict == XFA_MERGE_TAKE1;
	if (x && x->verdict == XFA_MERGE_DIVERGED &&
	    (err = kept_side(&m->keep_meta, m, x)) < 0)
		return err;
	for (i = 0; i < 2; i++)
		m->revokes[i] = revokes_more(m->meta[i]->doc, m->meta[1 - i]->doc);
	c->meta = m->meta[m->keep_meta];
	c->keyring = c->meta->doc;
	return 0;
}

int xfa_verify_merge(struct vc *c)
{
	struct vm m;
	size_t i;
	int err;

	memset(&m, 0, sizeof(m));
	m.c = c;
	if (c->ci.nparents > 2)
		return xfa_verify_find(c, R_MERGE_COMMIT, NULL, 0, NULL,
			"commit %.12s merges %zu parents", c->hex, c->ci.nparents);
	if ((err = load_sides(&m)) != 0)
		goto done;
	if ((err = check_signer(&m)) < 0 || (err = check_when(&m)) < 0)
		goto done;
	if ((err = xfa_store_diff(c->t->st, &m.ptree[0], &c->ci.tree,
				  on_merge_change, &m)) < 0) {
		err = xfa_verify_soft(c, err, NULL, NULL);
		goto done;
	}
	for (i = 0; i < m.plan.n && err == 0; i++)
		err = check_record(&m, &m.plan.r[i]);
done:
	xfa_merge_plan_release(&m.plan);
	return err < 0 ? err : 0;
}

/* verify_event.c - the event a commit records, against the stream as it
 * was at the parent: its file, place in the chain, signature, times and
 * signer's role, the workflow or keyring rules, its attachments, and the
 * document it must leave behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "schema.h"
#include "sshsig.h"
#include "verify_int.h"

#define SIG_MAX (64 << 10)

/* One event being checked, and its stream at the parent. */
struct vev {
	struct vc *c;
	struct vstream *s;
	struct vchange *evc;      /* the added event file */
	unsigned n;               /* the seq its file name gives */
	char *buf;                /* its bytes */
	size_t len;
	json_t *ev;               /* NULL while unreadable */
	long seq;
	xfa_stamp at;
	int has_at;
	unsigned last;            /* the stream's last seq at the parent */
	xfa_oid last_id;          /* the blob of that event */
	char prev[65];            /* hex SHA-256 of that event; "" if none */
	xfa_stamp last_at;
	int has_last_at;
	json_t *pdoc;             /* the document at the parent, or NULL */
	json_t *after;            /* the replay of the event over pdoc */
	const char *roles[16];    /* roles of the signer's record */
};

static int find(struct vev *e, int reason, const char *path, const char *fmt,
		const char *a, const char *b)
{
	char msg[900];

	snprintf(msg, sizeof(msg), xfa_tr(fmt), a ? a : "", b ? b : "");
	return xfa_verify_find(e->c, reason, e->s->id,
			       e->seq > 0 ? e->seq : (long)e->n, path, "%s", msg);
}

/* --- the file and the stream at the parent ----------------------------- */

static int read_event(struct vev *e)
{
	struct vc *c = e->c;
	char *canon = NULL;
	size_t clen;
	int err;

	e->evc->used = 1;
	e->n = (unsigned)strtoul(e->evc->path + strlen(e->s->dir) + 8, NULL, 10);
	if ((err = xfa_store_read_blob(&e->buf, &e->len, c->t->st, &e->evc->new_id,
				       XFA_EVENT_MAX)) < 0)
		return err == XFA_EINVALID ? find(e, R_MALFORMED_EVENT, e->evc->path,
			"%s", xfa_error_last(), NULL)
			: xfa_verify_soft(c, err, e->s->id, e->evc->path);
	if (xfa_event_parse(&e->ev, e->buf, e->len, e->evc->path) < 0)
		return find(e, R_MALFORMED_EVENT, e->evc->path, "%s",
			    xfa_error_last(), NULL);
	c->t->events++;
	e->seq = (long)xfa_json_int(e->ev, "seq", 0);
	if ((err = xfa_json_dump(&canon, &clen, e->ev)) < 0)
		return err;
	if (clen != e->len || memcmp(canon, e->buf, clen))
		err = find(e, R_MALFORMED_EVENT, e->evc->path,
			   "%s is not in canonical form", e->evc->path, NULL);
	free(canon);
	return err;
}

/* An entry of the parent's events/: keep the highest NNNNNN.json. */
static int on_event_name(const char *name, const xfa_oid *id, int mode,
			 void *payload)
{
	struct vev *e = payload;

	(void)mode;
	if (strlen(name) == 11 && strspn(name, "0123456789") == 6 &&
	    !strcmp(name + 6, ".json") && (unsigned)atoi(name) > e->last) {
		e->last = (unsigned)atoi(name);
		e->last_id = *id;
	}
	return 0;
}

/*
 * The highest NNNNNN.json in the stream's events/ at the parent: the diff
 * names the parent's folder that held the new event file (zero when the
 * stream had no events), so no path is looked up again.
 */
static int last_seq(struct vev *e)
{
	char path[300];
	int err;

	if (xfa_oid_is_zero(&e->evc->old_tree))
		return 0;
	err = xfa_store_tree_each(e->c->t->st, &e->evc->old_tree, on_event_name, e);
	if (err < 0) {
		snprintf(path, sizeof(path), "%s/events", e->s->dir);
		return xfa_verify_soft(e->c, err, e->s->id, path);
	}
	return 0;
}

/* Parse `buf` (from `path`) into *out, hashing it into `hash` if asked. */
static int parse_read(json_t **out, struct vev *e, int err, char *buf,
		      size_t len, const char *path, unsigned char *hash)
{
	if (err == XFA_ENOTFOUND)
		return 0;
	if (err < 0)
		return xfa_verify_soft(e->c, err, e->s->id, path);
	if (hash)
		xfa_sha256(hash, buf, len);
	err = xfa_json_parse(out, buf, len, path) == XFA_ERROR ? XFA_ERROR : 0;
	free(buf);
	return err;
}

/* A file of the stream at the parent, parsed; *out NULL if absent. */
static int parent_json(json_t **out, struct vev *e, const char *path,
		       unsigned char *hash)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	err = xfa_store_read(&buf, &len, e->c->t->st, e->c->parent, path);
	return parse_read(out, e, err, buf, len, path, hash);
}

/* Blob `id` (the parent's `path`, at most `max` bytes), parsed. */
static int parent_blob_json(json_t **out, struct vev *e, const xfa_oid *id,
			    size_t max, const char *path, unsigned char *hash)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	err = xfa_store_read_blob(&buf, &len, e->c->t->st, id, max);
	return parse_read(out, e, err, buf, len, path, hash);
}

static int load_parent(struct vev *e)
{
	unsigned char h[32];
	char path[300];
	const struct vchange *x;
	json_t *last = NULL;
	int err;

	if (!e->c->parent || (err = last_seq(e)) < 0 || !e->last)
		return e->c->parent ? err : 0;
	xfa_event_path(path, sizeof(path), e->s->dir, e->last, "json");
	if ((err = parent_blob_json(&last, e, &e->last_id, XFA_EVENT_MAX, path, h)) < 0)
		return err;
	if (last) {
		xfa_hex(e->prev, h, 32);
		e->has_last_at = xfa_stamp_parse(&e->last_at,
						 xfa_json_str(last, "at")) == 0;
		json_decref(last);
	}
	/* the document the commit replaces is the diff's old side */
	snprintf(path, sizeof(path), "%s/%s", e->s->dir, e->s->docname);
	if ((x = xfa_verify_change(e->c, path)) && x->status == 'M')
		return parent_blob_json(&e->pdoc, e, &x->old_id, SIZE_MAX - 1, path,
					NULL);
	return parent_json(&e->pdoc, e, path, NULL);
}

/* case, seq and prev: the event's place in its stream. */
static int check_place(struct vev *e)
{
	const char *cs = xfa_json_str(e->ev, "case"), *prev;
	char num[16];
	int err = 0;

	if (!cs || strcmp(cs, e->s->id))
		err = find(e, R_WRONG_CASE, e->evc->path, "the event names case %s "
			   "but is filed in %s", cs, e->s->dir);
	snprintf(num, sizeof(num), "%u", e->last);
	if (!err && e->seq <= (long)e->last)
		err = find(e, R_DUPLICATE_EVENT, e->evc->path, "seq repeats an "
			   "earlier event (the stream already has %s events)", num, NULL);
	else if (!err && e->seq > (long)e->last + 1)
		err = find(e, R_SEQ_GAP, e->evc->path, "seq skips events (the "
			   "stream's last event is #%s)", num, NULL);
	if (!err && (unsigned long)e->seq != e->n)
		err = find(e, R_MALFORMED_EVENT, e->evc->path,
			   "the file name %s does not match the event's seq",
			   e->evc->path, NULL);
	prev = xfa_json_str(e->ev, "prev");
	if (!err && (e->last ? !prev || strcmp(prev, e->prev) : prev != NULL))
		err = find(e, R_CHAIN_BROKEN, e->evc->path, "prev is %s, but the "
			   "previous event hashes to %s", prev ? prev : "null",
			   e->last ? e->prev : "nothing (first event)");
	return err;
}

/* --- signature, times, key and role ------------------------------------ */

static int check_event_sig(struct vev *e)
{
	char path[300], *sig = NULL, fpr[XFA_FPR_SIZE];
	const char *by = xfa_json_str(e->ev, "by");
	struct vchange *x;
	xfa_pubkey pk;
	size_t len;
	int err;

	xfa_event_path(path, sizeof(path), e->s->dir, e->n, "sig");
	if (!(x = xfa_verify_change(e->c, path)) || x->status != 'A')
		return find(e, R_BAD_EVENT_SIGNATURE, path,
			    "no signature %s added with the event", path, NULL);
	x->used = 1;
	if ((err = xfa_store_read_blob(&sig, &len, e->c->t->st, &x->new_id, SIG_MAX)) < 0)
		return err == XFA_EINVALID ? find(e, R_BAD_EVENT_SIGNATURE, path,
			"%s", xfa_error_last(), NULL)
			: xfa_verify_soft(e->c, err, e->s->id, path);
	err = xfa_sshsig_verify(&pk, sig, len, XFA_EVENT_NS,
				(const unsigned char *)e->buf, e->len);
	free(sig);
	if (err < 0)
		return find(e, R_BAD_EVENT_SIGNATURE, path, "%s", xfa_error_last(), NULL);
	e->c->t->sigs++;
	xfa_pubkey_fingerprint(fpr, &pk);
	if (!by || strcmp(fpr, by))
		return find(e, R_SIGNER_MISMATCH, path, "signed by %s, but the "
			    "event says by %s", fpr, by);
	if (e->c->signer[0] && strcmp(fpr, e->c->signer))
		return find(e, R_SIGNER_MISMATCH, path, "the event is signed by %s, "
			    "the commit by %s", fpr, e->c->signer);
	return 0;
}

/* A key's validity at `at`: key-not-yet-valid before its valid_from. */
static int check_valid_from(struct vev *e)
{
	const json_t *rec = xfa_keyring_find(e->c->keyring, e->c->signer);
	const char *from = xfa_json_str(rec, "valid_from");
	xfa_stamp f;

	if (!rec || !from || xfa_stamp_parse(&f, from) < 0 || e->at.t >= f.t)
		return 0;
	return find(e, R_KEY_NOT_YET_VALID, NULL, "signed at %s by a key "
		    "valid only from %s", xfa_json_str(e->ev, "at"), from);
}

/*
 * SPEC 7.8b: not before the parent commit less the skew (across the whole
 * history, not only the case), not after the verifier's clock plus it.
 */
static int check_clock(struct vev *e, const char *at)
{
	const struct vc *c = e->c;
	int64_t skew = c->meta ? c->meta->skew : XFA_SKEW_DEFAULT;
	char when[XFA_STAMP_SIZE];
	xfa_stamp s;

	if (e->at.t > c->t->sh->now + skew) {
		s.t = c->t->sh->now;
		s.off = e->at.off;
		xfa_stamp_format(when, &s);
		return find(e, R_FUTURE_TIME, e->evc->path, "at %s is later than "
			    "the verifier's clock (%s) plus the allowed skew", at, when);
	}
	if (c->parent && e->at.t < c->parent_time - skew) {
		s.t = c->parent_time;
		s.off = e->at.off;
		xfa_stamp_format(when, &s);
		return find(e, R_TIME_BEFORE_PARENT, e->evc->path, "at %s is earlier "
			    "than its parent commit (%s) less the allowed skew", at, when);
	}
	return 0;
}

static int check_times(struct vev *e)
{
	const xfa_commit_info *ci = &e->c->ci;
	const char *at = xfa_json_str(e->ev, "at");
	const char *eff = xfa_json_str(e->ev, "effective");
	xfa_stamp ef;
	int err = 0;

	if (!at || xfa_stamp_parse(&e->at, at) < 0 || !eff ||
	    xfa_stamp_parse(&ef, eff) < 0)
		return find(e, R_MALFORMED_EVENT, e->evc->path,
			    "'at' or 'effective' is not an RFC 3339 time", NULL, NULL);
	e->has_at = 1;
	if (ci->author_time != e->at.t || ci->commit_time != e->at.t ||
	    ci->author_offset != e->at.off || ci->commit_offset != e->at.off)
		err = find(e, R_AUTHOR_MISMATCH, NULL, "the commit's author or "
			   "committer time is not the event's at %s", at, NULL);
	if (!err && ef.t > e->at.t)
		err = find(e, R_EFFECTIVE_AFTER_AT, e->evc->path, "effective %s "
			   "is later than at %s", eff, at);
	if (!err && e->has_last_at && e->at.t < e->last_at.t)
		err = find(e, R_TIME_REGRESSION, e->evc->path, "at %s is earlier "
			   "than the previous event's (backdated)", at, NULL);
	if (!err)
		err = check_clock(e, at);
	if (!err && e->c->keyring && e->c->signer[0])
		err = check_valid_from(e);
	return err;
}

/* The signer holds "role" at "at", by the keyring at the parent. */
static int check_role(struct vev *e)
{
	const char *by = xfa_json_str(e->ev, "by"), *role = xfa_json_str(e->ev, "role");
	const json_t *rec = xfa_keyring_find(e->c->keyring, by), *r;
	const char *roles[16];
	size_t i, n = 0;

	json_array_foreach(json_object_get(rec, "roles"), i, r)
		if (json_is_string(r) && n + 1 < 16)
			e->roles[n++] = json_string_value(r);
	e->roles[n] = NULL;
	if (!e->c->keyring || e->c->seen[R_UNKNOWN_KEY] ||
	    e->c->seen[R_KEY_REVOKED] || e->c->seen[R_KEY_NOT_YET_VALID] ||
	    e->c->seen[R_SIGNER_MISMATCH] || e->c->seen[R_BAD_EVENT_SIGNATURE])
		return 0;
	if (xfa_keyring_roles(roles, 16, e->c->keyring, by, e->at.t) < 0)
		return find(e, R_ROLE_NOT_ALLOWED, NULL, "%s", xfa_error_last(), NULL);
	if (!xfa_roles_has(roles, role))
		return find(e, R_ROLE_NOT_ALLOWED, NULL, "the signer does not hold "
			    "role '%s' (key %s)", role, by);
	return 0;
}

/* --- the rules of the stream ------------------------------------------- */

/* Name `key` (or "key.sub") in `out` if `v` and `w` differ; 1 if they do. */
static int diff_key(char *out, size_t n, const char *key, const json_t *v,
		    const json_t *w)
{
	const char *k2;
	json_t *v2;

	if (json_equal(v, w))
		return 0;
	snprintf(out, n, "%s", key);
	if (!json_is_object(v) || !json_is_object(w))
		return 1;
	json_object_foreach((json_t *)v, k2, v2)
		if (!json_equal(v2, json_object_get(w, k2))) {
			snprintf(out, n, "%s.%s", key, k2);
			return 1;
		}
	json_object_foreach((json_t *)w, k2, v2)
		if (!json_object_get(v, k2)) {
			snprintf(out, n, "%s.%s", key, k2);
			return 1;
		}
	return 1;
}

/* Name the first member where objects `a` and `b` differ ("patch.due"). */
static void first_diff(char *out, size_t n, const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;

	snprintf(out, n, "(the whole document)");
	json_object_foreach((json_t *)a, key, v)
		if (diff_key(out, n, key, v, json_object_get(b, key)))
			return;
	json_object_foreach((json_t *)b, key, v)
		if (!json_object_get(a, key)) {
			snprintf(out, n, "%s", key);
			return;
		}
}

/* The document at the parent of the case `id`, or NULL. */
static json_t *case_doc(struct vev *e, const char *id)
{
	char dir[200], path[256];
	json_t *doc = NULL;

	if (xfa_case_dir(dir, sizeof(dir), id) < 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/" XFA_CASE_DOC, dir);
	parent_json(&doc, e, path, NULL);
	return doc;
}

/*
 * A risk item's `petition` link names a case of the archive at the parent,
 * as the writer checked.  0, 1 (a finding was recorded) or XFA_ERROR.
 */
static int check_link(struct vev *e)
{
	const char *id = xfa_json_str(json_object_get(e->ev, "patch"), "petition");
	json_t *doc;
	int err;

	if (!id)
		return 0;
	if (xfa_kind_of_id(e->c->meta, id) == &e->c->meta->kinds[XFA_KIND_CASE] &&
	    (doc = case_doc(e, id))) {
		json_decref(doc);
		return 0;
	}
	err = find(e, R_ILLEGAL_TRANSITION, e->evc->path, "petition names %s, "
		   "which is not a case in the archive", id, NULL);
	return err < 0 ? err : 1;
}

/* Recompute the event with the workflow in force at the parent. */
static int check_workflow(struct vev *e)
{
	const json_t *src = e->pdoc ? e->pdoc : json_object_get(e->ev, "patch");
	const char *rep = xfa_json_str(src, "repeat_of");
	json_t *copy = json_deep_copy(e->ev), *repeat = NULL;
	const xfa_kind *k;
	char where[128];
	xfa_wf_ctx w;
	int err;

	if (!copy)
		return xfa_error_set(XFA_ERROR, "out of memory");
	memset(&w, 0, sizeof(w));
	if (rep && !(repeat = case_doc(e, rep))) {
		err = find(e, R_ILLEGAL_TRANSITION, e->evc->path, "repeat_of names "
			   "%s, which is not in the archive", rep, NULL);
		goto done;
	}
	k = xfa_kind_of_dir(e->c->meta, e->s->dir);   /* cases/ or risks/ */
	if (k == &e->c->meta->kinds[XFA_KIND_RISK] && (err = check_link(e)) != 0)
		goto done;
	w.before = e->pdoc;
	w.repeat_of = repeat;
	w.roles = e->roles;
	w.cal = e->c->meta->cal;
	w.allow_internal = 1;
	err = k->wf ? xfa_workflow_apply(copy, k->wf, &w)
		    : xfa_error_set(XFA_EINVALID, "%s", k->why);
	if (err == XFA_EAUTH)   /* once: check_role may have said it */
		err = e->c->seen[R_ROLE_NOT_ALLOWED] ? 0 : find(e, R_ROLE_NOT_ALLOWED,
			e->evc->path, "%s", xfa_error_last(), NULL);
	else if (err < 0 && err != XFA_ERROR)
		err = find(e, R_ILLEGAL_TRANSITION, e->evc->path, "%s", xfa_error_last(), NULL);
	else if (!err && !json_equal(copy, e->ev)) {
		first_diff(where, sizeof(where), copy, e->ev);
		err = find(e, R_DERIVED_MISMATCH, e->evc->path, "the workflow derives "
			   "another %s than the event holds", where, NULL);
	}
done:
	json_decref(copy);
	json_decref(repeat);
	return err < 0 ? err : 0;
}

/* Events of the archive's own stream: the keyring's rules. */
/* Every key record the event adds names the key its fingerprint is of. */
static int check_key_records(struct vev *e)
{
	json_t *keys = json_object_get(json_object_get(e->ev, "patch"), "keys"), *rec;
	const char *fpr;

	json_object_foreach(keys, fpr, rec) {
		if (!json_is_object(rec) || !json_object_get(rec, "public_key"))
			continue;
		if (xfa_keyring_record_check(fpr, rec) < 0)
			return find(e, R_KEY_MISMATCH, e->evc->path, "%s",
				    xfa_error_last(), NULL);
	}
	return 0;
}

static int check_keyring(struct vev *e)
{
	int err = check_key_records(e);

	if (err < 0 || e->c->seen[R_KEY_MISMATCH])
		return err;
	err = xfa_keyring_check_event(e->last ? e->pdoc : NULL, e->ev, e->after);

	if (err == 0 || err == XFA_ERROR)
		return err;
	if (!e->c->parent)
		return find(e, R_BAD_ROOT, e->evc->path, "%s", xfa_error_last(), NULL);
	return find(e, err == XFA_EAUTH ? R_KEYRING_UNAUTHORISED
					: R_ILLEGAL_KEYRING_CHANGE,
		    e->evc->path, "%s", xfa_error_last(), NULL);
}

/* --- attachments, document, message ------------------------------------ */

static int check_one_attachment(struct vev *e, const json_t *rec)
{
	const char *name = xfa_json_str(rec, "name"), *want = xfa_json_str(rec, "sha256");
	long long size = xfa_json_int(rec, "size", -1);
	char path[600], hex[65], *buf = NULL;
	unsigned char h[32];
	struct vchange *x;
	size_t len;
	int err;

	snprintf(path, sizeof(path), "%s/attachments/%s", e->s->dir, name ? name : "");
	if (!(x = xfa_verify_change(e->c, path)) || x->status != 'A')
		return find(e, R_ATTACHMENT_MISMATCH, path, "attachment '%s' is "
			    "not added with the event", name, NULL);
	x->used = 1;
	if (size < 0 || (x->mode && x->mode != 0100644))
		return find(e, R_ATTACHMENT_MISMATCH, path, "attachment '%s' is "
			    "not a regular file of the recorded size", name, NULL);
	if (e->c->t->sh->caller_hashes && !strcmp(e->s->docname, XFA_CASE_DOC)) {
		uint64_t got;
		if ((err = xfa_store_blob_size(&got, e->c->t->st, &x->new_id)) < 0)
			return xfa_verify_soft(e->c, err, e->s->id, path);
		e->c->t->atts++;
		if (got != (uint64_t)size)
			return find(e, R_ATTACHMENT_MISMATCH, path, "attachment '%s' is "
				    "not a regular file of the recorded size", name, NULL);
		return 0;
	}
	err = xfa_store_read_blob(&buf, &len, e->c->t->st, &x->new_id, (size_t)size);
	if (err == XFA_EINVALID)
		return find(e, R_ATTACHMENT_MISMATCH, path, "attachment '%s' is "
			    "larger than its recorded size", name, NULL);
	if (err < 0)
		return xfa_verify_soft(e->c, err, e->s->id, path);
	e->c->t->atts++;
	xfa_sha256(h, buf, len);
	free(buf);
	xfa_hex(hex, h, 32);
	if ((long long)len != size || !want || strcmp(hex, want))
		return find(e, R_ATTACHMENT_MISMATCH, path, "attachment '%s' "
			    "hashes to %s, not the recorded one", name, hex);
	return 0;
}

static int check_attachments(struct vev *e)
{
	const json_t *rec;
	size_t i;
	int err;

	json_array_foreach(json_object_get(e->ev, "attachments"), i, rec)
		if ((err = check_one_attachment(e, rec)) < 0)
			return err;
	return 0;
}

/* The stored document is the replay, byte for byte, and fits its schema. */
static int check_document(struct vev *e)
{
	char path[300], *want = NULL, *got = NULL, where[128];
	const char *schema = strcmp(e->s->id, XFA_META_NAME) ?
		xfa_kind_of_dir(e->c->meta, e->s->dir)->schema : "archive.schema.json";
	struct vchange *x;
	json_t *stored = NULL;
	size_t wlen, glen;
	int err;

	snprintf(path, sizeof(path), "%s/%s", e->s->dir, e->s->docname);
	if ((x = xfa_verify_change(e->c, path)) && (x->status == 'M' ||
	    (x->status == 'A' && !e->last)) && (!x->mode || x->mode == 0100644))
		x->used = 1;
	if ((err = xfa_json_dump(&want, &wlen, e->after)) < 0)
		return err;
	if (x && (x->status == 'A' || x->status == 'M'))
		err = xfa_store_read_blob(&got, &glen, e->c->t->st, &x->new_id,
					  SIZE_MAX - 1);   /* documents have no cap */
	else
		err = xfa_store_read(&got, &glen, e->c->t->st, &e->c->ci.id, path);
	if (err == XFA_ENOTFOUND)
		err = find(e, R_DOCUMENT_MISMATCH, path, "%s is missing", path, NULL);
	else if (err < 0)
		err = xfa_verify_soft(e->c, err, e->s->id, path);
	else if (glen != wlen || memcmp(got, want, wlen)) {
		if (xfa_json_parse(&stored, got, glen, path) == 0)
			first_diff(where, sizeof(where), e->after, stored);
		else
			snprintf(where, sizeof(where), "(not JSON)");
		err = find(e, R_DOCUMENT_MISMATCH, path, "%s is not the replay of its "
			   "events (differs at %s)", path, where);
	} else if (xfa_schema_check(schema, e->after, path) < 0)
		err = find(e, R_MALFORMED_DOCUMENT, path, "%s", xfa_error_last(), NULL);
	json_decref(stored);
	free(want);
	free(got);
	return err;
}

/* The message is exactly the one the writer makes (xfa_event_message). */
static int check_message(struct vev *e)
{
	const char *msg = e->c->ci.message ? e->c->ci.message : "";
	unsigned char h[32];
	char hex[65], *want, first[160];
	int err = 0;

	if (e->c->ci.nparents > 1)
		return 0;   /* a resolution merge: verify_merge.c checks it */
	xfa_sha256(h, e->buf, e->len);
	xfa_hex(hex, h, 32);
	if (!(want = xfa_event_message(e->ev, hex)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if (strcmp(msg, want)) {
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(want, "\n"), want);
		err = find(e, R_MESSAGE_MISMATCH, NULL, "the commit message is not "
			   "the event's ('%s', event-sha256 %.12s...)", first, hex);
	}
	free(want);
	return err;
}

/* After a change to .xfa/: the workflow and calendar it names must load. */
static int check_meta_after(struct vev *e)
{
	const xfa_meta *m;
	int err = xfa_verify_meta(&m, e->c->t, &e->c->ci.id);

	if (err == 0 || err == XFA_ERROR)
		return err;
	return find(e, R_MALFORMED_DOCUMENT, XFA_META_DIR "/" XFA_META_DOC,
		    "%s", xfa_error_last(), NULL);
}

/* The checks in order; each may rely on the ones before. */
static int check_all(struct vev *e)
{
	int meta = !strcmp(e->s->id, XFA_META_NAME), err;

	if ((err = read_event(e)) < 0 || !e->ev || (err = load_parent(e)) < 0 ||
	    (err = check_place(e)) < 0 || (err = check_event_sig(e)) < 0 ||
	    (err = check_times(e)) < 0 || !e->has_at)
		return err;
	if (!(e->after = xfa_event_replay(e->last ? e->pdoc : NULL, e->ev)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = check_role(e)) < 0 ||
	    (err = meta ? check_keyring(e) : e->c->meta ? check_workflow(e) : 0) < 0 ||
	    (err = check_attachments(e)) < 0 || (err = check_document(e)) < 0 ||
	    (err = check_message(e)) < 0)
		return err;
	return meta && e->c->parent ? check_meta_after(e) : 0;
}

int xfa_verify_event(struct vc *c, struct vstream *s)
{
	struct vev e;
	int err;

	memset(&e, 0, sizeof(e));
	e.c = c;
	e.s = s;
	e.evc = &c->ch[s->event];
	err = check_all(&e);
	json_decref(e.ev);
	json_decref(e.pdoc);
	json_decref(e.after);
	free(e.buf);
	return err;
}

/* export_prove.c - re-proving a filing package's contents from the signed
 * history it carries, as `xfa verify` proves an archive: the archive's own
 * stream replayed from its self-signed init (keyring rules of keyring.c),
 * then every case's events against the keyring and workflow in force at
 * their time (workflow_apply.c), the replay equal to case.json. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "event.h"
#include "export_vx.h"
#include "json.h"
#include "keyring.h"
#include "schema.h"
#include "sshsig.h"
#include "stamp.h"

/* One event file of a stream being read back. */
struct pev {
	const char *dir;          /* "data/archive", "data/<folder>" */
	const char *id;           /* the stream's name: "archive" or a case id */
	unsigned seq;
	const xfa_bag_file *prev; /* the event before, or NULL */
	int64_t last_at;          /* its time, or INT64_MIN */
	char path[700], sigp[700];
	json_t *ev;               /* parsed (owned) */
	xfa_stamp at;
	char fpr[XFA_FPR_SIZE];   /* the key that signed it; "" if it did not */
};

/*
 * The event file `p->seq` of `p->dir`: present, canonical, schema-valid,
 * its place (case, seq, prev), its signature by `by`, its times.  Returns
 * 0 with p->ev set (findings may have been recorded), or -1 when nothing
 * more can be said of it.
 */
static int read_event(struct vx *v, struct pev *p)
{
	const xfa_bag_file *f, *s;
	char prevhex[65], *canon = NULL;
	const char *cs, *pv, *by;
	xfa_pubkey pk;
	xfa_stamp ef;
	size_t clen;

	snprintf(p->path, sizeof(p->path), "%s/events/%06u.json", p->dir, p->seq);
	snprintf(p->sigp, sizeof(p->sigp), "%s/events/%06u.sig", p->dir, p->seq);
	p->ev = NULL;
	p->fpr[0] = '\0';
	if (!(f = xfa_bag_find(v->b, p->path)) || !f->data) {
		xfa_vx_find(v, p->path, "missing-event", "event %u of %s is missing",
			    p->seq, p->id);
		return -1;
	}
	if (xfa_event_parse(&p->ev, f->data, f->size, p->path) < 0) {
		xfa_vx_find(v, p->path, "malformed-event", "%s", xfa_error_last());
		return -1;
	}
	if (xfa_json_dump(&canon, &clen, p->ev) == 0 &&
	    (clen != f->size || memcmp(canon, f->data, clen)))
		xfa_vx_find(v, p->path, "malformed-event", "not in canonical form");
	free(canon);
	cs = xfa_json_str(p->ev, "case");
	if (xfa_json_int(p->ev, "seq", 0) != p->seq || !cs || strcmp(cs, p->id))
		xfa_vx_find(v, p->path, "wrong-case", "the event is not event %u of %s",
			    p->seq, p->id);
	pv = xfa_json_str(p->ev, "prev");
	if (p->prev)
		xfa_hex(prevhex, p->prev->sha256, 32);
	if (p->prev ? !pv || strcmp(pv, prevhex) : pv != NULL)
		xfa_vx_find(v, p->path, "chain-broken", "'prev' is not the SHA-256 of "
			    "event %u", p->seq - 1);
	if (xfa_stamp_parse(&p->at, xfa_json_str(p->ev, "at")) < 0 ||
	    xfa_stamp_parse(&ef, xfa_json_str(p->ev, "effective")) < 0) {
		xfa_vx_find(v, p->path, "malformed-event", "'at' or 'effective' is "
			    "not an RFC 3339 time");
		return -1;
	}
	if (ef.t > p->at.t)
		xfa_vx_find(v, p->path, "effective-after-at", "effective is later than at");
	if (p->at.t > v->exported)
		xfa_vx_find(v, p->path, "after-export", "signed at %s, after the "
			    "export (%s)", xfa_json_str(p->ev, "at"),
			    xfa_json_str(v->manifest, "exported_at"));
	if (p->at.t < p->last_at)
		xfa_vx_find(v, p->path, "time-regression", "at is earlier than the "
			    "previous event's (backdated)");
	by = xfa_json_str(p->ev, "by");
	if (!(s = xfa_bag_find(v->b, p->sigp)) || !s->data)
		xfa_vx_find(v, p->sigp, "bad-event-signature", "the event's signature "
			    "is missing");
	else if (xfa_sshsig_verify(&pk, s->data, s->size, XFA_EVENT_NS,
				   (const unsigned char *)f->data, f->size) < 0)
		xfa_vx_find(v, p->sigp, "bad-event-signature", "%s", xfa_error_last());
	else if (xfa_pubkey_fingerprint(p->fpr, &pk), !by || strcmp(by, p->fpr)) {
		xfa_vx_find(v, p->sigp, "signer-mismatch", "signed by %s, the event "
			    "names %s", p->fpr, by ? by : "nobody");
		p->fpr[0] = '\0';
	}
	return 0;
}

/* Does the signer hold the event's role at its time, by `keyring`?  A
 * finding and 0 if not. */
static int signer_holds(struct vx *v, struct pev *p, const json_t *keyring,
			const char **roles, size_t cap)
{
	const char *role = xfa_json_str(p->ev, "role");

	if (!p->fpr[0])
		return 0;       /* the signature finding said it */
	if (!keyring) {
		xfa_vx_find(v, p->sigp, "unknown-key", "signed at %s, before the "
			    "archive's init", xfa_json_str(p->ev, "at"));
		return 0;
	}
	if (xfa_keyring_roles(roles, cap, keyring, p->fpr, p->at.t) < 0) {
		xfa_vx_find(v, p->sigp, xfa_keyring_find(keyring, p->fpr) ?
			    "key-revoked" : "unknown-key", "by the replayed keyring "
			    "at %s: %s", xfa_json_str(p->ev, "at"), xfa_error_last());
		return 0;
	}
	if (!role || !xfa_roles_has(roles, role)) {
		xfa_vx_find(v, p->sigp, "role-not-allowed", "key %s does not hold "
			    "role '%s' at %s by the replayed keyring", p->fpr,
			    role ? role : "?", xfa_json_str(p->ev, "at"));
		return 0;
	}
	return 1;
}

/* Count the events/NNNNNN.json files below `dir`. */
static unsigned count_events(struct vx *v, const char *dir)
{
	char prefix[600];
	size_t i, pl;
	unsigned n = 0;

	snprintf(prefix, sizeof(prefix), "%s/events/", dir);
	pl = strlen(prefix);
	for (i = 0; i < v->b->n; i++) {
		const char *p = v->b->files[i].path;
		size_t l = strlen(p);
		if (!strncmp(p, prefix, pl) && l > 5 && !strcmp(p + l - 5, ".json"))
			n++;
	}
	return n;
}

/* `dir`/commits.txt: one commit id a line, one per event, none twice. */
static void check_commits(struct vx *v, const char *dir, unsigned events)
{
	char path[600];
	const xfa_bag_file *f;
	const char *p, *end;
	json_t *seen = json_object();
	unsigned n = 0;

	snprintf(path, sizeof(path), "%s/commits.txt", dir);
	if (!(f = xfa_bag_find(v->b, path)) || !f->data) {
		xfa_vx_find(v, path, "missing-file", "the package has no %s", path);
		json_decref(seen);
		return;
	}
	for (p = f->data, end = f->data + f->size; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char id[41];
		if (!nl || nl - p != 40 || strspn(p, "0123456789abcdef") < 40) {
			xfa_vx_find(v, path, "commits-mismatch", "line %u is not a "
				    "commit id", n + 1);
			break;
		}
		memcpy(id, p, 40);
		id[40] = '\0';
		if (seen && json_object_get(seen, id))
			xfa_vx_find(v, path, "commits-mismatch", "commit %s is listed "
				    "twice", id);
		json_object_set_new(seen, id, json_true());
		p = nl + 1;
	}
	if (n != events)
		xfa_vx_find(v, path, "commits-mismatch", "commits listed %u, "
			    "events %u: every event is one commit", n, events);
	json_decref(seen);
}

/* The stream's attachments against the records of its document `doc`;
 * no other file in `dir`/attachments/. */
static void check_attachments(struct vx *v, const char *dir, const json_t *doc)
{
	char prefix[700], path[1400], hex[65];
	const json_t *a;
	size_t i, pl;

	snprintf(prefix, sizeof(prefix), "%s/attachments/", dir);
	pl = strlen(prefix);
	json_array_foreach(json_object_get(doc, "attachments"), i, a) {
		const xfa_bag_file *f;
		snprintf(path, sizeof(path), "%s%s", prefix, xfa_json_str(a, "name") ?
			 xfa_json_str(a, "name") : "");
		if (!(f = xfa_bag_find(v->b, path))) {
			xfa_vx_find(v, path, "missing-file", "an attachment its events "
				    "record is missing");
			continue;
		}
		v->attachments++;
		xfa_hex(hex, f->sha256, 32);
		if ((long long)f->size != xfa_json_int(a, "size", -1) ||
		    !xfa_json_str(a, "sha256") || strcmp(hex, xfa_json_str(a, "sha256")))
			xfa_vx_find(v, path, "attachment-mismatch", "bytes do not match "
				    "the signed record's size and sha256");
	}
	for (i = 0; i < v->b->n; i++) {
		const char *p = v->b->files[i].path;
		const json_t *r;
		size_t j;
		int hit = 0;
		if (strncmp(p, prefix, pl))
			continue;
		json_array_foreach(json_object_get(doc, "attachments"), j, r)
			hit |= xfa_json_str(r, "name") && !strcmp(p + pl, xfa_json_str(r, "name"));
		if (!hit)
			xfa_vx_find(v, p, "unaccounted-file", "no event records this file");
	}
}

/* The stored document `path` is `doc` byte for byte, and fits `schema`. */
static void check_document(struct vx *v, const char *path, const json_t *doc,
			   const char *schema)
{
	const xfa_bag_file *f = xfa_bag_find(v->b, path);
	char *canon = NULL;
	size_t clen;

	if (!f || !f->data)
		xfa_vx_find(v, path, "missing-file", "the package has no %s", path);
	else if (!doc || xfa_json_dump(&canon, &clen, doc) < 0 || clen != f->size ||
		 memcmp(canon, f->data, clen))
		xfa_vx_find(v, path, "document-mismatch", "not the replay of its events");
	else if (xfa_schema_check(schema, doc, path) < 0)
		xfa_vx_find(v, path, "malformed-document", "%s", xfa_error_last());
	free(canon);
}

/* --- the archive's own stream ------------------------------------------ */

static int push_snap(struct vx *v, int64_t at, json_t *doc)
{
	struct vsnap *n = realloc(v->snap, (v->nsnap + 1) * sizeof(*n));

	if (!n)
		return -1;
	v->snap = n;
	memset(&n[v->nsnap], 0, sizeof(*n));
	n[v->nsnap].at = at;
	n[v->nsnap].doc = doc;
	v->nsnap++;
	return 0;
}

/* One event of the archive's stream; *doc becomes the document after it. */
static int replay_one(struct vx *v, struct pev *p, json_t **doc)
{
	const char *roles[16];
	json_t *after;
	int err, ok;

	if (read_event(v, p) < 0)
		return -1;
	if (!(after = xfa_event_replay(*doc, p->ev)))
		return -1;
	/* init is signed by the key it adds; every later event by the keyring
	 * before it */
	ok = signer_holds(v, p, p->seq == 1 ? after : *doc, roles, 16);
	if ((err = xfa_keyring_check_event(*doc, p->ev, after)) < 0)
		xfa_vx_find(v, p->path, p->seq == 1 ? "bad-root" : err == XFA_EAUTH ?
			    "keyring-unauthorised" : "illegal-keyring-change", "%s",
			    xfa_error_last());
	if (!ok || err < 0) {
		/* an event that does not prove changes nothing: the keyring
		 * stays what the proven events made it */
		json_decref(after);
		return 1;
	}
	json_decref(*doc);
	*doc = after;
	if (push_snap(v, p->at.t, json_incref(after)) < 0)
		return -1;
	return ok && err == 0 ? 0 : 1;
}

void xfa_vx_replay_archive(struct vx *v)
{
	const char *dir = "data/archive";
	const json_t *decl = json_object_get(v->manifest, "archive");
	json_t *doc = NULL, *keys;
	struct pev p;
	unsigned n = count_events(v, dir), want = (unsigned)xfa_json_int(decl, "events", 0);
	int bad = 0, r;

	v->stream_ok = 0;
	if (!n) {
		xfa_vx_find(v, dir, "missing-event", "the package does not carry the "
			    "archive's own stream");
		return;
	}
	if (n != want)
		xfa_vx_find(v, dir, "manifest-mismatch", "events of the archive's "
			    "stream %u, export.json says %u", n, want);
	memset(&p, 0, sizeof(p));
	p.dir = dir;
	p.id = XFA_META_NAME;
	p.last_at = INT64_MIN;
	for (p.seq = 1; p.seq <= n; p.seq++) {
		r = replay_one(v, &p, &doc);
		json_decref(p.ev);
		if (r < 0) {
			bad = 1;
			break;
		}
		bad |= r;
		p.prev = xfa_bag_find(v->b, p.path);
		p.last_at = p.at.t;
	}
	if (doc) {
		size_t counted = v->attachments;   /* case attachments only */
		check_document(v, "data/archive/archive.json", doc, "archive.schema.json");
		check_attachments(v, dir, doc);
		v->attachments = counted;
		if (json_is_string(json_object_get(decl, "root")) &&
		    !json_equal(json_object_get(decl, "root"), json_object_get(doc, "root")))
			xfa_vx_find(v, "data/export.json", "manifest-mismatch", "export.json "
				    "names root %s, the archive's stream %s",
				    xfa_json_str(decl, "root"), xfa_json_str(doc, "root"));
		const xfa_bag_file *as = xfa_bag_find(v->b, "data/keys/allowed_signers");
		char *as_want = NULL, *canon = NULL;
		json_t *stored = NULL;   /* as the writer read it: keys in file order */
		size_t clen;

		if (xfa_json_dump(&canon, &clen, doc) == 0 &&
		    xfa_json_parse(&stored, canon, clen, "archive.json") == 0)
			as_want = xfa_keyring_allowed_signers(stored);
		json_decref(stored);
		free(canon);

		keys = json_object_get(doc, "keys");
		if (v->keys && !json_equal(v->keys, keys))
			xfa_vx_find(v, "data/keys/keyring.json", "keyring-mismatch",
				    "keyring.json is not the keyring the archive's signed "
				    "stream gives (a key or role added, removed or changed)");
		if (as_want && (!as || !as->data || as->size != strlen(as_want) ||
				memcmp(as->data, as_want, as->size)))
			xfa_vx_find(v, "data/keys/allowed_signers", "keyring-mismatch",
				    "allowed_signers is not the one the archive's signed "
				    "stream gives");
		free(as_want);
	}
	check_commits(v, dir, n);
	v->stream_ok = !bad && doc;
	json_decref(doc);
}

const json_t *xfa_vx_keyring_at(const struct vx *v, int64_t t)
{
	size_t i;
	const json_t *doc = NULL;

	for (i = 0; i < v->nsnap && v->snap[i].at <= t; i++)
		doc = v->snap[i].doc;
	return doc;
}

/* Read data/archive/attachments/<name> of the package (xfa_meta_file_fn). */
static int pkg_file(json_t **out, const char *name, void *payload)
{
	struct vx *v = payload;
	char path[600];
	const xfa_bag_file *f;

	*out = NULL;
	if (!name || !*name || strchr(name, '/'))
		return xfa_error_set(XFA_EINVALID, "archive.json names a bad file '%s'",
				     name ? name : "");
	snprintf(path, sizeof(path), "data/archive/attachments/%s", name);
	if (!(f = xfa_bag_find(v->ctx, path)) || !f->data)
		return xfa_error_set(XFA_ENOTFOUND, "the package has no %s", path);
	return xfa_json_parse(out, f->data, f->size, path);
}

/* The metadata (workflow, calendar) in force at `t`, or NULL. */
static const xfa_meta *meta_at(struct vx *v, int64_t t, const char *file)
{
	struct vsnap *s = NULL;
	size_t i;

	for (i = 0; i < v->nsnap && v->snap[i].at <= t; i++)
		s = &v->snap[i];
	if (!s)
		return NULL;
	if (!s->loaded) {
		json_t *doc = json_deep_copy(s->doc);
		s->loaded = doc && xfa_meta_from_doc(&s->meta, doc, pkg_file, v) == 0 ? 1 : -1;
		if (s->loaded < 0)
			xfa_vx_find(v, file, "malformed-document", "the workflow in "
				    "force: %s", xfa_error_last());
	}
	return s->loaded > 0 ? &s->meta : NULL;
}

/* --- one case ----------------------------------------------------------- */

/* The workflow in force recomputes the event the same, for this signer. */
static void check_step(struct vx *v, struct pev *p, const json_t *before,
		       const char *const *roles)
{
	const xfa_meta *m = meta_at(v, p->at.t, p->path);
	const char *rep = xfa_json_str(before ? before : json_object_get(p->ev, "patch"),
				       "repeat_of");
	const xfa_kind *k;
	json_t *copy;
	xfa_wf_ctx w;
	int err;

	if (!m)
		return;
	k = xfa_kind_of_id(m, p->id);
	if (!k || !k->wf) {
		xfa_vx_find(v, p->path, "illegal-transition", "%s is not a record of "
			    "this archive: %s", p->id, k && k->why ? k->why : "unknown prefix");
		return;
	}
	if (!(copy = json_deep_copy(p->ev)))
		return;
	memset(&w, 0, sizeof(w));
	w.before = before;
	w.repeat_of = rep ? json_object_get(v->docs, rep) : NULL;
	w.roles = roles;
	w.cal = m->cal;
	w.allow_internal = 1;
	if (rep && !w.repeat_of)
		json_array_append_new(v->unproven, json_sprintf(xfa_tr("%s event %u: repeat_of "
			"names %s, which the package does not hold: the rule for repeat "
			"petitions was applied without it"), p->id, p->seq, rep));
	err = xfa_workflow_apply(copy, k->wf, &w);
	if (err == XFA_EAUTH)
		xfa_vx_find(v, p->path, "role-not-allowed", "%s", xfa_error_last());
	else if (err < 0 && err != XFA_ERROR)
		xfa_vx_find(v, p->path, "illegal-transition", "%s", xfa_error_last());
	else if (!err && !json_equal(copy, p->ev))
		xfa_vx_find(v, p->path, "derived-mismatch", "the workflow in force "
			    "derives other values than the event holds");
	json_decref(copy);
}

/* One case event against the replayed keyring (or, without the stream,
 * the package's keyring.json); *doc becomes the document after it. */
static int case_event(struct vx *v, struct pev *p, json_t **doc)
{
	const char *roles[16];
	json_t *wrap = NULL, *after;
	const json_t *kr;

	if (read_event(v, p) < 0)
		return -1;
	v->events++;
	if (v->stream)
		kr = xfa_vx_keyring_at(v, p->at.t);
	else
		kr = wrap = json_pack("{s:O}", "keys", v->keys ? v->keys : json_object());
	if (signer_holds(v, p, kr, roles, 16) && v->stream && v->stream_ok)
		check_step(v, p, *doc, roles);
	json_decref(wrap);
	if (!(after = xfa_event_replay(*doc, p->ev)))
		return -1;
	json_decref(*doc);
	*doc = after;
	return 0;
}

/* The case matches what export.json lists of it. */
static void check_entry(struct vx *v, const json_t *entry, const char *dir,
			const json_t *doc, unsigned last)
{
	const char *id = xfa_json_str(entry, "id"), *st = xfa_json_str(doc, "status");
	const char *lst = xfa_json_str(entry, "status");
	const xfa_meta *m = v->nsnap ? meta_at(v, v->snap[v->nsnap - 1].at, dir) : NULL;
	const char *arch = m ? xfa_workflow_internal_state(m->wf) : NULL;

	if ((unsigned)xfa_json_int(entry, "events", 0) != last)
		xfa_vx_find(v, dir, "manifest-mismatch", "%s ends at event %u, "
			    "export.json lists %lld", id, last, xfa_json_int(entry, "events", 0));
	if (!st || !lst || strcmp(st, lst))
		xfa_vx_find(v, dir, "manifest-mismatch", "%s is %s by its events, "
			    "export.json lists it as %s", id, st ? st : "?", lst ? lst : "?");
	if (xfa_json_int(entry, "attachments", -1) !=
	    (long long)json_array_size(json_object_get(doc, "attachments")))
		xfa_vx_find(v, dir, "manifest-mismatch", "%s: the number of attachments "
			    "differs from export.json's", id);
	if (m && st && !xfa_workflow_is_archivable(m->wf, st) &&
	    !(arch && !strcmp(st, arch)) &&
	    !(json_is_true(json_object_get(entry, "forced")) &&
	      json_is_true(json_object_get(v->manifest, "forced"))))
		xfa_vx_find(v, dir, "not-closed", "%s ends in state %s, which is not "
			    "one a case is filed in, and the package does not record "
			    "an export with --force", id, st);
	if (!m)
		json_array_append_new(v->unproven, json_sprintf(xfa_tr("%s: whether its "
			"final state may be filed was not re-proved (no workflow in "
			"the package)"), id ? id : dir));
}

void xfa_vx_check_case(struct vx *v, const json_t *entry)
{
	const char *id = xfa_json_str(entry, "id"), *folder = xfa_json_str(entry, "folder");
	char dir[512], docp[600];
	json_t *doc = NULL;
	unsigned n, want = (unsigned)xfa_json_int(entry, "events", 0), last = 0;
	struct pev p;

	if (!id || !folder)
		return;
	v->cases++;
	snprintf(dir, sizeof(dir), "data/%s", folder);
	snprintf(docp, sizeof(docp), "%s/" XFA_CASE_DOC, dir);
	if (!(n = count_events(v, dir)) && !xfa_bag_find(v->b, docp)) {
		xfa_vx_find(v, dir, "missing-case", "%s is listed in export.json but "
			    "its folder is not in the package", id);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.dir = dir;
	p.id = id;
	p.last_at = INT64_MIN;
	for (p.seq = 1; p.seq <= (n > want ? n : want); p.seq++) {
		int r = case_event(v, &p, &doc);
		json_decref(p.ev);
		if (r < 0)
			break;
		last = p.seq;
		p.prev = xfa_bag_find(v->b, p.path);
		p.last_at = p.at.t;
	}
	check_document(v, docp, doc, "case.schema.json");
	if (doc) {
		check_attachments(v, dir, doc);
		check_entry(v, entry, dir, doc, last);
		/* what a repeat petition's rule reads of the case it repeats */
		json_object_set_new(v->docs, id, json_pack("{s:O?, s:O?, s:O?}",
			"id", json_object_get(doc, "id"), "status",
			json_object_get(doc, "status"), "milestones",
			json_object_get(doc, "milestones")));
	}
	check_commits(v, dir, n);
	json_decref(doc);
}

void xfa_vx_release(struct vx *v)
{
	size_t i;

	for (i = 0; i < v->nsnap; i++) {
		json_decref(v->snap[i].doc);
		if (v->snap[i].loaded > 0)
			xfa_meta_release(&v->snap[i].meta);
	}
	free(v->snap);
	json_decref(v->keys);
	json_decref(v->manifest);
	json_decref(v->docs);
	json_decref(v->unproven);
	json_decref(v->checked);
	json_decref(v->byfolder);
	free(v->view.files);
	free(v->pend);
	memset(v, 0, sizeof(*v));
}

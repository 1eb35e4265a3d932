/* sync_resolve.c - the signer of a merge and the signed resolution event
 * each diverged record of a resolution merge carries (SPEC 7.8a). */
#include "sync_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "schema.h"
#include "sshsig.h"

int xfa_sync_signer(struct sync_res *rs, xfa_ident *who, xfa_store *st,
		    const xfa_oid *meta_at, const xfa_key *key)
{
	const json_t *rec;
	int err;

	if ((err = xfa_meta_load(&rs->meta, st, meta_at)) < 0)
		return err;
	rs->has_meta = 1;
	xfa_pubkey_fingerprint(rs->fpr, xfa_key_public(key));
	if ((err = xfa_stamp_now(&rs->now, rs->meta.off)) < 0)
		return err;
	rs->clock = rs->now.t;
	if ((err = xfa_keyring_roles(rs->roles, 16, rs->meta.doc, rs->fpr,
				     rs->now.t)) < 0)
		return err;
	if (!xfa_meta_may_integrate(rs->meta.doc, rs->roles))
		return xfa_error_set(XFA_EAUTH, "key %s holds no role that may sign "
			"merges (archive.json \"integrators\"; by default admin and "
			"clerk)", rs->fpr);
	rec = xfa_keyring_find(rs->meta.doc, rs->fpr);
	who->name = xfa_json_str(rec, "name");
	who->email = xfa_keyring_principal(rec);
	who->when = rs->now.t;
	who->offset = rs->now.off;
	return 0;
}

static int add_up(struct sync_res *rs, const char *path, const void *data,
		  size_t len, xfa_store *st)
{
	xfa_tree_up *u;
	int err;

	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 8;
		if (!(u = realloc(rs->u, cap * sizeof(*u))))
			return xfa_error_set(XFA_ERROR, "out of memory");
		rs->u = u;
		rs->cap = cap;
	}
	u = &rs->u[rs->n];
	memset(u, 0, sizeof(*u));
	if ((err = xfa_store_put_blob(&u->id, st, data, len)) < 0)
		return err;
	if (!(u->path = strdup(path)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	rs->n++;
	return 0;
}

/* {"keep": ..., "discarded": [{seq, sha256}...]} of record r. */
static int decision(json_t **out, xfa_store *st, const xfa_merge_plan *mp,
		    const xfa_merge_rec *r, int keep)
{
	json_t *list = json_array();
	unsigned seq;
	int err = 0;

	*out = NULL;
	if (!list)
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (seq = r->common + 1; seq <= r->n[1 - keep] && !err; seq++) {
		char path[320], hex[65], *buf = NULL;
		unsigned char h[32];
		size_t len;
		xfa_event_path(path, sizeof(path), r->dir, seq, "json");
		if ((err = xfa_store_read(&buf, &len, st, &mp->c[1 - keep], path)) < 0)
			break;
		xfa_sha256(h, buf, len);
		free(buf);
		xfa_hex(hex, h, 32);
		json_array_append_new(list, json_pack("{s:i, s:s}", "seq",
					(json_int_t)seq, "sha256", hex));
	}
	if (err < 0) {
		json_decref(list);
		return err;
	}
	*out = json_pack("{s:s, s:o}", "keep", keep ? "remote" : "local",
			 "discarded", list);
	return *out ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

int xfa_sync_resolution_time(struct sync_res *rs, xfa_store *st,
			     const xfa_merge_plan *mp, const xfa_merge_rec *r,
			     int keep)
{
	char path[320], *buf = NULL;
	json_t *ev = NULL;
	xfa_stamp last;
	size_t len;
	int err;

	if (!r->n[keep])
		return 0;
	xfa_event_path(path, sizeof(path), r->dir, r->n[keep], "json");
	if ((err = xfa_store_read(&buf, &len, st, &mp->c[keep], path)) < 0)
		return err;
	err = xfa_json_parse(&ev, buf, len, path);
	free(buf);
	if (err < 0)
		return err;
	err = xfa_stamp_parse(&last, xfa_json_str(ev, "at"));
	json_decref(ev);
	if (err < 0 || last.t <= rs->now.t)
		return 0;
	if (last.t - rs->clock > rs->meta.skew)
		return xfa_error_set(XFA_EINVALID, "the clock is behind the last event "
			"of %s by more than the allowed %lld minutes: set the clock right",
			r->id, (long long)(rs->meta.skew / 60));
	rs->now.t = last.t;
	return 0;
}

/* A fresh append context for an event built on side `keep` of the plan. */
static int begin(xfa_append_ctx *c, struct sync_res *rs, xfa_archive *a,
		 const xfa_merge_plan *mp, int keep)
{
	char now[XFA_STAMP_SIZE];
	size_t i;

	memset(c, 0, sizeof(*c));
	c->a = a;
	c->base = &mp->c[keep];
	c->meta = &rs->meta;
	c->now = rs->now;
	for (i = 0; i < 16; i++)
		c->roles[i] = rs->roles[i];
	xfa_stamp_format(now, &rs->now);
	if (!(c->ev = json_pack("{s:s, s:s}", "at", now, "by", rs->fpr)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

/* Check the built event, sign it, and stage its three files in rs. */
static int stage(struct sync_res *rs, xfa_append_ctx *c, const xfa_key *key,
		 const char *dir, const char *schema)
{
	xfa_store *st = xfa_archive_store(c->a);
	char *evbuf = NULL, *docbuf = NULL, *sig = NULL, path[320];
	json_t *newdoc;
	size_t evlen, doclen;
	int err;

	if (!(newdoc = xfa_event_replay(c->stream.doc, c->ev)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = xfa_schema_check("event.schema.json", c->ev, "resolution event")) < 0 ||
	    (schema && (err = xfa_schema_check(schema, newdoc, c->stream.docname)) < 0) ||
	    (err = xfa_json_dump(&evbuf, &evlen, c->ev)) < 0 ||
	    (err = xfa_json_dump(&docbuf, &doclen, newdoc)) < 0 ||
	    (err = xfa_sshsig_sign(&sig, key, XFA_EVENT_NS,
				   (const unsigned char *)evbuf, evlen)) < 0)
		goto done;
	xfa_event_path(path, sizeof(path), dir, c->stream.seq + 1, "json");
	if ((err = add_up(rs, path, evbuf, evlen, st)) < 0)
		goto done;
	xfa_event_path(path, sizeof(path), dir, c->stream.seq + 1, "sig");
	if ((err = add_up(rs, path, sig, strlen(sig), st)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/%s", dir, c->stream.docname);
	err = add_up(rs, path, docbuf, doclen, st);
done:
	json_decref(newdoc);
	free(evbuf);
	free(docbuf);
	free(sig);
	return err;
}

static void end(xfa_append_ctx *c)
{
	if (c->has_stream)
		xfa_stream_release(&c->stream);
	json_decref(c->ev);
}

int xfa_sync_resolution(struct sync_res *rs, xfa_archive *a, const xfa_key *key,
			const xfa_merge_plan *mp, const xfa_merge_rec *r,
			int keep_remote, const char *remote)
{
	char note[600], hex[XFA_OID_HEX];
	int keep = keep_remote ? 1 : 0, err;
	json_t *res = NULL;
	xfa_append_ctx c;
	xfa_case_opts o;

	memset(&o, 0, sizeof(o));
	if ((err = begin(&c, rs, a, mp, keep)) < 0)
		return err;
	xfa_oid_fmt(hex, &mp->c[1]);
	snprintf(note, sizeof(note), "resolve: keep %s (remote %s at %.12s); "
		 "discard %u %s events after #%u", keep ? "remote" : "local",
		 remote, hex, r->n[1 - keep] - r->common, keep ? "local" : "remote",
		 r->common);
	o.note = note;
	if ((err = decision(&res, xfa_archive_store(a), mp, r, keep)) < 0 ||
	    (err = xfa_case_build_event(c.ev, &c, r->id, "note", &o)) < 0)
		goto done;
	json_object_set(c.ev, "resolution", res);
	err = stage(rs, &c, key, r->dir, c.doc_schema);
done:
	json_decref(res);
	end(&c);
	return err;
}

int xfa_sync_meta_mergeable(xfa_store *st, const xfa_merge_plan *mp,
			    const xfa_merge_rec *r)
{
	unsigned seq;
	int err, ok = 1;

	for (seq = r->common + 1; seq <= r->n[1] && ok; seq++) {
		char path[320], *buf = NULL;
		const char *t;
		json_t *ev;
		size_t len;
		xfa_event_path(path, sizeof(path), r->dir, seq, "json");
		if ((err = xfa_store_read(&buf, &len, st, &mp->c[1], path)) < 0)
			return err;
		ev = json_loadb(buf, len, 0, NULL);
		free(buf);
		t = xfa_json_str(ev, "type");
		ok = t && (!strcmp(t, "key-add") || !strcmp(t, "key-revoke"));
		json_decref(ev);
	}
	return ok;
}

int xfa_sync_keyring_merge(struct sync_res *rs, xfa_archive *a, const xfa_key *key,
			   const xfa_merge_plan *mp, const xfa_merge_rec *r,
			   const json_t *remote_doc, const char *remote)
{
	char note[300];
	json_t *res = NULL, *patch = NULL, *after = NULL;
	xfa_append_ctx c;
	int err;

	if (!xfa_roles_has(rs->roles, "admin"))
		return xfa_error_set(XFA_EAUTH, "both sides changed the archive's keyring: "
			"the sync that joins them must be signed by an admin key "
			"(key %s is not one)", rs->fpr);
	if ((err = begin(&c, rs, a, mp, 0)) < 0)
		return err;
	snprintf(note, sizeof(note), "keyring-merge: the keys and revocations of "
		 "remote %s after #%u", remote, r->common);
	if ((err = decision(&res, xfa_archive_store(a), mp, r, 0)) < 0 ||
	    (err = xfa_append_stream(&c, XFA_META_NAME, XFA_META_DIR, XFA_META_DOC)) < 0)
		goto done;
	if (!(patch = xfa_keyring_merge_patch(c.stream.doc, remote_doc))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	json_object_set_new(c.ev, "type", json_string("keyring-merge"));
	json_object_set_new(c.ev, "role", json_string("admin"));
	json_object_set(c.ev, "effective", json_object_get(c.ev, "at"));
	json_object_set_new(c.ev, "note", json_string(note));
	json_object_set(c.ev, "patch", patch);
	json_object_set(c.ev, "resolution", res);
	if (!(after = xfa_event_replay(c.stream.doc, c.ev))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = xfa_keyring_check_event(c.stream.doc, c.ev, after)) < 0)
		goto done;
	err = stage(rs, &c, key, XFA_META_DIR, "archive.schema.json");
done:
	json_decref(res);
	json_decref(patch);
	json_decref(after);
	end(&c);
	return err;
}

void xfa_sync_res_release(struct sync_res *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free((char *)rs->u[i].path);
	free(rs->u);
	if (rs->has_meta)
		xfa_meta_release(&rs->meta);
	memset(rs, 0, sizeof(*rs));
}

/* archive.c - open and create archives, load their metadata, and append one
 * signed event as one commit with compare-and-swap retries. */
#define _XOPEN_SOURCE 700
#include "archive.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attachment.h"
#include "embedded.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "schema.h"

#define APPEND_TRIES 64
#define SHIPPED_WORKFLOW "xinfang-2022.json"
#define SHIPPED_CALENDAR "cn.json"
#define SHIPPED_LEDGER "risk-ledger.json"

struct xfa_archive {
	xfa_store *st;
	xfa_meta meta;
	int has_meta;
	xfa_oid meta_at;
};

/* Where the files .xfa/archive.json names come from: a commit. */
struct at_commit {
	xfa_store *st;
	const xfa_oid *commit;
};

/* Read and parse ".xfa/attachments/<name>" at the commit (an xfa_meta_file_fn). */
static int meta_file(json_t **out, const char *name, void *payload)
{
	const struct at_commit *ac = payload;
	char path[300], *buf = NULL;
	size_t len;
	int err;

	*out = NULL;
	if (!name || !*name || strchr(name, '/'))
		return xfa_error_set(XFA_EINVALID, "archive.json names a bad file '%s'",
				     name ? name : "");
	snprintf(path, sizeof(path), XFA_META_DIR "/attachments/%s", name);
	if ((err = xfa_store_read(&buf, &len, ac->st, ac->commit, path)) < 0)
		return err;
	err = xfa_json_parse(out, buf, len, path);
	free(buf);
	return err;
}

/*
 * The registers of the archive: cases always; the risk ledger when
 * archive.json names one ("ledger": {"prefix", "workflow"}), with its own
 * prefix (which must differ from the cases') and workflow.
 */
static int load_kinds(xfa_meta *m, xfa_meta_file_fn file, void *payload)
{
	const json_t *led = json_object_get(m->doc, "ledger");
	xfa_kind *c = &m->kinds[XFA_KIND_CASE], *r = &m->kinds[XFA_KIND_RISK];
	json_t *wf = NULL;
	int err = 0;

	c->name = "case";
	c->root = "cases";
	c->prefix = xfa_json_str(m->doc, "prefix");
	c->schema = "case.schema.json";
	c->wf = m->wf;
	r->name = "risk";
	r->root = "risks";
	r->schema = "risk.schema.json";
	r->why = "this archive keeps no risk ledger (archive.json names no 'ledger'; "
		 "archives made before the ledger cannot take risk items)";
	if (!led)
		return 0;
	r->prefix = xfa_json_str(led, "prefix");
	if (r->prefix && c->prefix && !strcmp(r->prefix, c->prefix))
		return xfa_error_set(XFA_EINVALID, "archive.json: the ledger's prefix "
				     "'%s' is the cases' prefix", r->prefix);
	if ((err = file(&wf, xfa_json_str(led, "workflow"), payload)) == 0 &&
	    (err = xfa_workflow_load(&m->ledger, wf)) == 0) {
		r->wf = m->ledger;
		r->why = NULL;
	}
	json_decref(wf);
	return err;
}

/* clock_skew_minutes (the schema bounds it), or the default. */
static int meta_skew(xfa_meta *m)
{
	json_t *v = json_object_get(m->doc, "clock_skew_minutes");

	m->skew = json_is_integer(v) ? (int64_t)json_integer_value(v) * 60
				     : XFA_SKEW_DEFAULT;
	return 0;
}

int xfa_meta_from_doc(xfa_meta *m, json_t *doc, xfa_meta_file_fn file,
		      void *payload)
{
	json_t *wf = NULL, *cal = NULL;
	int err;

	memset(m, 0, sizeof(*m));
	m->doc = doc;
	if ((err = xfa_schema_check("archive.schema.json", m->doc,
				    XFA_META_DIR "/" XFA_META_DOC)) < 0 ||
	    (err = xfa_offset_parse(&m->off, xfa_json_str(m->doc, "utc_offset"))) < 0 ||
	    (err = meta_skew(m)) < 0 ||
	    (err = file(&wf, xfa_json_str(m->doc, "workflow"), payload)) < 0 ||
	    (err = xfa_workflow_load(&m->wf, wf)) < 0 ||
	    (err = file(&cal, xfa_json_str(m->doc, "calendar"), payload)) < 0 ||
	    (err = xfa_calendar_load(&m->cal, cal)) < 0 ||
	    (err = load_kinds(m, file, payload)) < 0)
		goto done;
done:
	json_decref(wf);
	json_decref(cal);
	if (err)
		xfa_meta_release(m);
	return err;
}

int xfa_meta_load(xfa_meta *m, xfa_store *st, const xfa_oid *commit)
{
	struct at_commit ac = { st, commit };
	xfa_oid blob;
	json_t *doc = NULL;
	char *buf = NULL;
	size_t len;
	int err;

	memset(m, 0, sizeof(*m));
	err = xfa_store_stat(&blob, NULL, st, commit,
			     XFA_META_DIR "/" XFA_META_DOC);
	if (err == XFA_ENOTFOUND)
		return xfa_error_set(XFA_EINVALID,
			"'%s' is not an xfa archive (no .xfa/archive.json)",
			xfa_store_path(st));
	if (err < 0 ||
	    (err = xfa_store_read_blob(&buf, &len, st, &blob, XFA_EVENT_MAX)) < 0 ||
	    (err = xfa_json_parse(&doc, buf, len, XFA_META_DIR "/" XFA_META_DOC)) < 0) {
		free(buf);
		return err;
	}
	free(buf);
	if ((err = xfa_meta_from_doc(m, doc, meta_file, &ac)) == 0)
		m->doc_blob = blob;
	return err;
}

int xfa_meta_may_integrate(const json_t *doc, const char *const *roles)
{
	static const char *const fallback[] = { "admin", "clerk", NULL };
	const json_t *list = json_object_get(doc, "integrators"), *r;
	size_t i;

	if (!json_is_array(list)) {
		for (i = 0; fallback[i]; i++)
			if (xfa_roles_has(roles, fallback[i]))
				return 1;
		return 0;
	}
	json_array_foreach(list, i, r)
		if (json_is_string(r) && xfa_roles_has(roles, json_string_value(r)))
			return 1;
	return 0;
}

void xfa_meta_release(xfa_meta *m)
{
	json_decref(m->doc);
	xfa_workflow_free(m->wf);
	xfa_workflow_free(m->ledger);
	xfa_calendar_free(m->cal);
	memset(m, 0, sizeof(*m));
}

int xfa_archive_open(xfa_archive **out, const char *path)
{
	xfa_archive *a = calloc(1, sizeof(*a));
	xfa_oid head;
	int err;

	*out = NULL;
	if (!a)
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = xfa_store_open(&a->st, path)) < 0)
		goto fail;
	if ((err = xfa_store_head(&head, a->st)) < 0) {
		err = xfa_error_set(XFA_EINVALID,
			"'%s' is not an xfa archive (no history on main)", path);
		goto fail;
	}
	if ((err = xfa_meta_load(&a->meta, a->st, &head)) < 0)
		goto fail;
	a->has_meta = 1;
	a->meta_at = head;
	*out = a;
	return 0;
fail:
	xfa_archive_free(a);
	return err;
}

void xfa_archive_free(xfa_archive *a)
{
	if (!a)
		return;
	if (a->has_meta)
		xfa_meta_release(&a->meta);
	xfa_store_free(a->st);
	free(a);
}

xfa_store *xfa_archive_store(xfa_archive *a)
{
	return a->st;
}

int xfa_archive_meta(const xfa_meta **out, xfa_archive *a)
{
	xfa_oid head;
	xfa_meta m;
	int err;

	if ((err = xfa_store_head(&head, a->st)) < 0)
		return err;
	if (!a->has_meta || !xfa_oid_equal(&head, &a->meta_at)) {
		if ((err = xfa_meta_load(&m, a->st, &head)) < 0)
			return err;
		if (a->has_meta)
			xfa_meta_release(&a->meta);
		a->meta = m;
		a->has_meta = 1;
		a->meta_at = head;
	}
	*out = &a->meta;
	return 0;
}

int xfa_append_stream(xfa_append_ctx *c, const char *name, const char *dir,
		      const char *docname)
{
	int err;

	if (c->has_stream)
		xfa_stream_release(&c->stream);
	c->has_stream = 0;
	if ((err = xfa_stream_load(&c->stream, xfa_archive_store(c->a), c->base,
				   dir, docname)) < 0)
		return err;
	c->has_stream = 1;
	json_object_set_new(c->ev, "case", json_string(name));
	json_object_set_new(c->ev, "seq", json_integer(c->stream.seq + 1));
	json_object_set_new(c->ev, "prev", c->stream.seq ? json_string(c->stream.prev)
							 : json_null());
	if (c->stream.last) {
		int64_t skew = c->meta ? c->meta->skew : XFA_SKEW_DEFAULT;
		char at[XFA_STAMP_SIZE];
		xfa_stamp last;
		if (xfa_stamp_parse(&last, xfa_json_str(c->stream.last, "at")) < 0 ||
		    last.t <= c->now.t)
			return 0;
		if (last.t - c->now.t > skew)
			return xfa_error_set(XFA_EINVALID,
				"the clock (%s) is behind the last event of %s (%s) by "
				"more than the allowed %lld minutes: set the clock right",
				xfa_json_str(c->ev, "at"), name,
				xfa_json_str(c->stream.last, "at"), (long long)(skew / 60));
		/* another office's clock is a little ahead (SPEC 7.8b): record
		 * this event at that time, so each stream stays in order */
		c->now.t = last.t;
		xfa_stamp_format(at, &c->now);
		json_object_set_new(c->ev, "at", json_string(at));
	}
	return 0;
}

/*
 * SPEC 7.8b: never record an event that verify would refuse as earlier
 * than its parent: refuse while this clock is further behind the head's
 * commit time than the skew, naming both times.
 */
static int clock_check(xfa_store *st, const xfa_oid *base, const xfa_stamp *now,
		       int64_t skew)
{
	char a[XFA_STAMP_SIZE], b[XFA_STAMP_SIZE];
	xfa_stamp head;
	int err;

	if (xfa_oid_is_zero(base))
		return 0;
	if ((err = xfa_store_commit_tree_time(NULL, &head.t, st, base)) < 0)
		return err;
	if (now->t >= head.t - skew)
		return 0;
	head.off = now->off;
	xfa_stamp_format(a, now);
	xfa_stamp_format(b, &head);
	return xfa_error_set(XFA_EINVALID, "this machine's clock (%s) is behind "
		"the archive's last commit (%s) by more than the allowed %lld "
		"minutes: set the clock right, then try again", a, b,
		(long long)(skew / 60));
}

struct xfa_batch {
	xfa_archive *a;
	xfa_txn *tx;
};

/* Build one event on the tip of `tx` and write its commit (not published). */
static int append_on(xfa_oid *out_commit, unsigned *out_seq, xfa_archive *a,
		     xfa_txn *tx, const xfa_key *key, const xfa_append *ap)
{
	xfa_append_ctx c;
	xfa_meta meta;
	xfa_oid base, blob;
	xfa_signer sg;
	const json_t *rec;
	json_t *newdoc = NULL;
	char now[XFA_STAMP_SIZE];
	int err, has_meta = 0;

	memset(&c, 0, sizeof(c));
	memset(&sg, 0, sizeof(sg));
	c.a = a;
	c.tx = tx;
	if ((err = xfa_txn_base(&base, c.tx)) < 0)
		goto done;
	/* archive.json unchanged since the archive loaded it: borrow that copy
	 * (its blob id names the workflow and calendar too); batches of many
	 * appends would otherwise parse the workflow once per event */
	if (a->has_meta &&
	    xfa_store_stat(&blob, NULL, a->st, &base, XFA_META_DIR "/" XFA_META_DOC) == 0 &&
	    xfa_oid_equal(&blob, &a->meta.doc_blob)) {
		c.meta = &a->meta;
	} else {
		if ((err = xfa_meta_load(&meta, a->st, &base)) < 0)
			goto done;
		has_meta = 1;
		c.meta = &meta;
	}
	c.base = &base;
	xfa_pubkey_fingerprint(sg.fpr, xfa_key_public(key));
	if ((err = xfa_stamp_now(&c.now, c.meta->off)) < 0 ||
	    (err = clock_check(a->st, &base, &c.now, c.meta->skew)) < 0 ||
	    (err = xfa_keyring_roles(c.roles, 16, c.meta->doc, sg.fpr, c.now.t)) < 0)
		goto done;
	rec = xfa_keyring_find(c.meta->doc, sg.fpr);
	sg.key = key;
	sg.name = xfa_json_str(rec, "name");
	sg.principal = xfa_keyring_principal(rec);
	xfa_stamp_format(now, &c.now);
	c.ev = json_pack("{s:s, s:s}", "at", now, "by", sg.fpr);
	if (!c.ev) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = ap->build(c.ev, &c, ap->payload)) < 0)
		goto done;
	if (!c.has_stream) {
		err = xfa_error_set(XFA_ERROR, "internal: event built without a stream");
		goto done;
	}
	if (!json_object_get(c.ev, "effective"))
		json_object_set(c.ev, "effective", json_object_get(c.ev, "at"));
	if (!(newdoc = xfa_event_replay(c.stream.doc, c.ev))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((c.doc_schema || ap->doc_schema) &&
	    (err = xfa_schema_check(c.doc_schema ? c.doc_schema : ap->doc_schema,
				    newdoc, c.stream.docname)) < 0)
		goto done;
	err = xfa_event_commit(out_commit, c.tx, &c.stream, c.ev, newdoc, ap->att,
			       ap->natt, &sg);
	if (!err && out_seq)
		*out_seq = (unsigned)xfa_json_int(c.ev, "seq", 0);
done:
	json_decref(newdoc);
	json_decref(c.ev);
	if (c.has_stream)
		xfa_stream_release(&c.stream);
	if (has_meta)
		xfa_meta_release(&meta);
	return err;
}

/* One attempt of an append.  XFA_ECONFLICT means: try again. */
static int append_once(xfa_oid *out_commit, unsigned *out_seq, xfa_archive *a,
		       const xfa_key *key, const xfa_append *ap)
{
	xfa_txn *tx = NULL;
	int err;

	if ((err = xfa_txn_begin(&tx, a->st)) == 0 &&
	    (err = append_on(out_commit, out_seq, a, tx, key, ap)) == 0)
		err = xfa_txn_publish(tx, "xfa");
	xfa_txn_free(tx);
	return err;
}

int xfa_batch_begin(xfa_batch **out, xfa_archive *a)
{
	xfa_batch *b = calloc(1, sizeof(*b));
	int err;

	*out = NULL;
	if (!b)
		return xfa_error_set(XFA_ERROR, "out of memory");
	b->a = a;
	if ((err = xfa_txn_begin(&b->tx, a->st)) < 0) {
		free(b);
		return err;
	}
	*out = b;
	return 0;
}

int xfa_batch_append(xfa_oid *out_commit, unsigned *out_seq, xfa_batch *b,
		     const xfa_key *key, const xfa_append *ap)
{
	return append_on(out_commit, out_seq, b->a, b->tx, key, ap);
}

int xfa_batch_publish(xfa_batch *b)
{
	return xfa_txn_publish(b->tx, "xfa batch");
}

void xfa_batch_free(xfa_batch *b)
{
	if (!b)
		return;
	xfa_txn_free(b->tx);
	free(b);
}

int xfa_archive_append(xfa_oid *out_commit, unsigned *out_seq, xfa_archive *a,
		       const xfa_key *key, const xfa_append *ap)
{
	int i, err = 0;

	for (i = 0; i < APPEND_TRIES; i++) {
		if ((err = append_once(out_commit, out_seq, a, key, ap)) != XFA_ECONFLICT)
			return err;
		/* another writer won: wait a little, longer each time, then retry */
		{
			unsigned r;
			struct timespec ts;
			xfa_random(&r, sizeof(r));
			ts.tv_sec = 0;
			ts.tv_nsec = (long)(r % (1000000u * (unsigned)(1 + i % 16)));
			nanosleep(&ts, NULL);
		}
	}
	return xfa_error_set(XFA_ECONFLICT,
		"the archive kept changing: gave up after %d attempts, try again", i);
}

/* --- creation ---------------------------------------------------------- */

static int stage_embedded(xfa_staged *out, xfa_store *st, const char *name,
			  const char *kind)
{
	const struct xfa_embedded *e = xfa_embedded_find(name);
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	unsigned char h[32];
	char hex[65];
	int err;

	memset(out, 0, sizeof(*out));
	if (!e)
		return xfa_error_set(XFA_ERROR, "'%s' is not built in", name);
	if ((err = xfa_store_put_blob(&out->blob, st, e->data, e->len)) < 0)
		return err;
	xfa_sha256(h, e->data, e->len);
	xfa_hex(hex, h, 32);
	out->rec = json_pack("{s:s, s:s, s:s, s:I, s:s}", "name", base, "kind", kind,
			     "media_type", "application/json", "size",
			     (json_int_t)e->len, "sha256", hex);
	return out->rec ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

static json_t *initial_doc(const xfa_init_opts *o, const xfa_key *admin,
			   const char *now)
{
	char fpr[XFA_FPR_SIZE];
	json_t *doc, *rec;

	xfa_pubkey_fingerprint(fpr, xfa_key_public(admin));
	rec = xfa_keyring_record(xfa_key_public(admin), o->admin_name,
				 o->admin_email, "admin", now, fpr);
	if (!rec)
		return NULL;
	doc = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:o}}",
		"format", 1, "name", o->name, "fonds", o->fonds,
		"prefix", o->prefix ? o->prefix : "XF",
		"utc_offset", o->utc_offset ? o->utc_offset : "+08:00",
		"timezone", "Asia/Shanghai", "root", fpr,
		"workflow", SHIPPED_WORKFLOW, "calendar", SHIPPED_CALENDAR,
		"attachment_max", (json_int_t)XFA_ATTACHMENT_MAX_DEFAULT,
		"keys", fpr, rec);
	if (doc && o->office)
		json_object_set_new(doc, "office", json_string(o->office));
	/* the risk ledger 矛盾纠纷台账: its own prefix, never the cases' */
	if (doc)
		json_object_set_new(doc, "ledger", json_pack("{s:s, s:s}", "prefix",
			strcmp(xfa_json_str(doc, "prefix"), "FX") ? "FX" : "FXR",
			"workflow", SHIPPED_LEDGER));
	if (!doc)
		xfa_error_set(XFA_EINVALID, "bad archive settings");
	return doc;
}

/* Write the init event and the first commit into a fresh store. */
static int write_init(xfa_store *st, const xfa_init_opts *o, const xfa_key *admin)
{
	xfa_staged att[3];
	xfa_stream s;
	xfa_signer sg;
	xfa_txn *tx = NULL;
	xfa_stamp now;
	json_t *doc = NULL, *ev = NULL, *newdoc = NULL;
	xfa_workflow *wf = NULL, *lwf = NULL;
	char at[XFA_STAMP_SIZE];
	int off, err;

	memset(att, 0, sizeof(att));
	memset(&s, 0, sizeof(s));
	if ((err = xfa_offset_parse(&off, o->utc_offset ? o->utc_offset : "+08:00")) < 0 ||
	    (err = xfa_stamp_now(&now, off)) < 0)
		goto done;
	xfa_stamp_format(at, &now);
	if (!(doc = initial_doc(o, admin, at))) {
		err = xfa_error_code() ? xfa_error_code() : XFA_ERROR;
		goto done;
	}
	if ((err = xfa_schema_check("archive.schema.json", doc, "archive settings")) < 0 ||
	    (err = xfa_workflow_load(&wf, xfa_schema_get("workflow/" SHIPPED_WORKFLOW))) < 0 ||
	    (err = xfa_workflow_load(&lwf, xfa_schema_get("workflow/" SHIPPED_LEDGER))) < 0)
		goto done;
	if ((err = stage_embedded(&att[0], st, "workflow/" SHIPPED_WORKFLOW, "workflow")) < 0 ||
	    (err = stage_embedded(&att[1], st, "calendar/" SHIPPED_CALENDAR, "calendar")) < 0 ||
	    (err = stage_embedded(&att[2], st, "workflow/" SHIPPED_LEDGER, "workflow")) < 0)
		goto done;
	xfa_pubkey_fingerprint(sg.fpr, xfa_key_public(admin));
	ev = json_pack("{s:s, s:i, s:n, s:s, s:n, s:n, s:s, s:s, s:s, s:s, s:O, s:[O,O,O]}",
		"case", XFA_META_NAME, "seq", 1, "prev", "type", "init", "from", "to",
		"at", at, "effective", at, "by", sg.fpr, "role", "admin", "patch", doc,
		"attachments", att[0].rec, att[1].rec, att[2].rec);
	if (!ev || !(newdoc = xfa_event_replay(NULL, ev))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = xfa_keyring_check_event(NULL, ev, newdoc)) < 0 ||
	    (err = xfa_schema_check("archive.schema.json", newdoc, XFA_META_DOC)) < 0 ||
	    (err = xfa_txn_begin(&tx, st)) < 0)
		goto done;
	snprintf(s.dir, sizeof(s.dir), XFA_META_DIR);
	snprintf(s.docname, sizeof(s.docname), XFA_META_DOC);
	sg.key = admin;
	sg.name = o->admin_name;
	sg.principal = xfa_keyring_principal(xfa_keyring_find(newdoc, sg.fpr));
	if ((err = xfa_event_commit(NULL, tx, &s, ev, newdoc, att, 3, &sg)) == 0)
		err = xfa_txn_publish(tx, "xfa init");
done:
	xfa_workflow_free(wf);
	xfa_workflow_free(lwf);
	xfa_txn_free(tx);
	xfa_staged_release(&att[0]);
	xfa_staged_release(&att[1]);
	xfa_staged_release(&att[2]);
	json_decref(doc);
	json_decref(ev);
	json_decref(newdoc);
	return err;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 0;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty;
}

int xfa_archive_create(xfa_archive **out, const char *path,
		       const xfa_init_opts *o, const xfa_key *admin)
{
	struct stat sb;
	xfa_store *st = NULL;
	int existed = stat(path, &sb) == 0, err;

	*out = NULL;
	if (existed && !dir_is_empty(path))
		return xfa_error_set(XFA_EEXISTS,
			"'%s' exists and is not an empty folder", path);
	if ((err = xfa_store_create(&st, path)) < 0)
		return err;
	err = write_init(st, o, admin);
	xfa_store_free(st);
	if (err < 0) {
		int code = err;
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", xfa_error_last());
		/* leave nothing behind: remove what we created */
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		if (existed)
			mkdir(path, sb.st_mode & 07777);
		return xfa_error_set(code, "%s", msg);
	}
	return xfa_archive_open(out, path);
}

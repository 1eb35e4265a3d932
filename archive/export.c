/* export.c - writing a filing package: choosing and checking the cases,
 * giving each its 档号 (DA/T 22), streaming their files into a signed
 * BagIt bag, and the batch of `archived` events that names the package. */
#define _GNU_SOURCE
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "sshsig.h"
#include "verify.h"
#include "export_int.h"

#define MAX_TRIES 4

static void ecase_release(struct ecase *c)
{
	size_t j;

	json_decref(c->doc);
	for (j = 0; j < c->ncommits; j++)
		free(c->commits[j]);
	free(c->commits);
	memset(c, 0, sizeof(*c));
}

static void exp_release(struct exp *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		ecase_release(&e->c[i]);
	ecase_release(&e->arc);
	free(e->c);
	e->c = NULL;
	e->n = e->cap = 0;
	json_decref(e->verify);
	json_decref(e->manifest);
	e->verify = e->manifest = NULL;
}

/* --- choosing the cases ------------------------------------------------ */

static int add_case(struct exp *e, const char *id)
{
	struct ecase *c;
	xfa_stream s;
	size_t i;
	int err;

	for (i = 0; i < e->n; i++)
		if (!strcmp(e->c[i].id, id))
			return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct ecase *v = realloc(e->c, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		e->c = v;
		e->cap = cap;
	}
	c = &e->c[e->n];
	memset(c, 0, sizeof(*c));
	if (strlen(id) > XFA_CASE_ID_MAX ||
	    (err = xfa_case_dir(c->dir, sizeof(c->dir), id)) < 0)
		return xfa_error_set(XFA_EINVALID, "'%s' is not a case id", id);
	strcpy(c->id, id);
	if ((err = xfa_stream_load(&s, e->st, &e->head, c->dir, XFA_CASE_DOC)) < 0)
		return err;
	if (!s.seq || !s.doc) {
		xfa_stream_release(&s);
		return xfa_error_set(XFA_ENOTFOUND, "no case '%s'", id);
	}
	c->doc = json_incref(s.doc);
	c->seq = s.seq;
	xfa_stream_release(&s);
	e->n++;
	return 0;
}

static int collect_closed(const char *id, const char *dir, void *payload)
{
	struct exp *e = payload;
	json_t *doc;
	int err, want;

	if ((err = xfa_case_doc_at(&doc, e->st, &e->head, dir)) < 0)
		return err;
	want = xfa_workflow_is_archivable(e->meta->wf, xfa_json_str(doc, "status"));
	json_decref(doc);
	return want ? add_case(e, id) : 0;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct ecase *)a)->id, ((const struct ecase *)b)->id);
}

/* The state export files cases in: the workflow's internal step's target
 * ("archived" in xinfang-2022). */
static const char *archived_state(const struct exp *e)
{
	const char *s = xfa_workflow_internal_state(e->meta->wf);

	return s ? s : "archived";
}

/* Which cases, and may they be exported? */
static int choose(struct exp *e)
{
	char bad[1024] = "";
	size_t i, nbad = 0;
	int err;

	if (e->o->closed) {
		if ((err = xfa_case_each(e->st, &e->head, collect_closed, e)) < 0)
			return err;
	}
	for (i = 0; i < e->o->nids; i++)
		if ((err = add_case(e, e->o->ids[i])) < 0)
			return err;
	if (!e->n)
		return xfa_error_set(XFA_EINVALID, "nothing to export: no %s",
				     e->o->closed ? "archivable case that is not "
				     "archived yet" : "case named");
	qsort(e->c, e->n, sizeof(*e->c), by_id);
	for (i = 0; i < e->n; i++) {
		const char *st = xfa_json_str(e->c[i].doc, "status");
		if (st && !strcmp(st, archived_state(e))) {
			e->c[i].reexport = 1;
		} else if (!xfa_workflow_is_archivable(e->meta->wf, st)) {
			e->c[i].forced = 1;
			nbad++;
			if (strlen(bad) < sizeof(bad) - 80)
				snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
					 "%s%s (%s)", nbad > 1 ? ", " : "",
					 e->c[i].id, st ? st : "?");
		}
	}
	if (nbad && !e->o->force)
		return xfa_error_set(XFA_EINVALID, "not archivable (only closed, "
				     "rejected, transferred or withdrawn cases are "
				     "filed; --force to export anyway): %s", bad);
	return 0;
}

/* --- verification ------------------------------------------------------ */

static int run_verify(struct exp *e)
{
	const char **ids = calloc(e->n, sizeof(*ids));
	xfa_verify_opts vo;
	const json_t *f;
	size_t i;
	int err;

	if (!ids)
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < e->n; i++)
		ids[i] = e->c[i].id;
	memset(&vo, 0, sizeof(vo));
	vo.cases = ids;
	vo.ncases = e->n;
	vo.threads = e->o->threads;
	vo.head = e->head_hex;     /* prove the commit the package is written from */
	/* the writer hashes every attachment it copies and compares it with
	 * the document's record (export_pkg.c copy_attachment): one read of
	 * the bytes, and they are the bytes that go into the package */
	vo.caller_hashes_attachments = 1;
	err = xfa_verify_run(&e->verify, xfa_store_path(e->st), &vo);
	free(ids);
	if (err < 0)
		return xfa_error_wrap(err, "cannot verify the cases to export");
	if (json_is_true(json_object_get(e->verify, "ok")))
		return 0;
	f = json_array_get(json_object_get(e->verify, "findings"), 0);
	return xfa_error_set(XFA_EINVALID, "verification failed, nothing "
			     "exported: %s event %lld: %s: %s (findings: %zu; "
			     "run xfa verify)",
			     f && xfa_json_str(f, "case") ? xfa_json_str(f, "case") : "archive",
			     f ? xfa_json_int(f, "seq", 0) : 0LL,
			     f && xfa_json_str(f, "reason") ? xfa_json_str(f, "reason") : "?",
			     f && xfa_json_str(f, "message") ? xfa_json_str(f, "message") : "",
			     json_array_size(json_object_get(e->verify, "findings")));
}

/*
 * The verification runs in its own thread while the package is written
 * (reading the cases' blobs twice on one core was half of an export's
 * time); nothing is linked or recorded unless it passed.
 */
static void *verify_main(void *payload)
{
	struct exp *e = payload;

	if ((e->verr = run_verify(e)) < 0)
		snprintf(e->vmsg, sizeof(e->vmsg), "%s", xfa_error_last());
	return NULL;
}

static int verify_start(struct exp *e)
{
	if (pthread_create(&e->vthread, NULL, verify_main, e) != 0)
		return xfa_error_set(XFA_ERROR, "cannot start the verification");
	e->vrunning = 1;
	return 0;
}

static int verify_wait(struct exp *e)
{
	if (e->vrunning) {
		pthread_join(e->vthread, NULL);
		e->vrunning = 0;
		if (e->verr < 0)
			return xfa_error_set(e->verr, "%s", e->vmsg);
	}
	return e->verr;
}

/* --- 档号 ------------------------------------------------------------ */

/*
 * 全宗号-门类代码·年度-保管期限[-机构代码]-件号, numbered without gaps within
 * fonds, year and retention from the highest number the archive's
 * `archived` events recorded.  The year is the case's (its id's).
 */
static int assign_refs(struct exp *e)
{
	const json_t *conf = e->meta->doc;
	size_t i;
	int err;

	if (!(e->manifest = json_object()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = xfa_export_used_refs(e->manifest, e->st, &e->head)) < 0)
		return err;
	for (i = 0; i < e->n && !err; i++) {
		struct ecase *c = &e->c[i];
		const char *old = xfa_export_last_ref(c->doc);

		c->retention = xfa_export_retention(conf, c->doc);
		if (c->forced)
			/* not filed: no 档号, so no number is used up; the
			 * folder is the case id */
			snprintf(c->ref, sizeof(c->ref), "%s", c->id);
		else if (old && c->reexport)
			snprintf(c->ref, sizeof(c->ref), "%s", old);
		else
			err = xfa_export_next_ref(c->ref, sizeof(c->ref), conf, c->id,
						  c->retention, e->manifest);
	}
	json_decref(e->manifest);
	e->manifest = NULL;
	return err;
}

/* --- commit ids of each case ------------------------------------------ */

static int push_commit(struct ecase *c, const xfa_oid *id)
{
	char hex[XFA_OID_HEX];

	if (c->ncommits == c->capcommits) {
		size_t cap = c->capcommits ? c->capcommits * 2 : 16;
		char **v = realloc(c->commits, cap * sizeof(*v));
		if (!v)
			return xfa_error_set(XFA_ERROR, "out of memory");
		c->commits = v;
		c->capcommits = cap;
	}
	xfa_oid_fmt(hex, id);
	if (!(c->commits[c->ncommits] = strdup(hex)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	c->ncommits++;
	return 0;
}

/* Commit messages begin "<case> #<seq> ": the case a commit belongs to. */
static int walk_one(const xfa_oid *id, void *payload)
{
	struct exp *e = payload;
	xfa_commit_info ci;
	struct ecase key, *c;
	const char *sp;
	int err;

	if ((err = xfa_store_commit_info(&ci, e->st, id)) < 0)
		return err;
	sp = ci.message ? strstr(ci.message, " #") : NULL;
	memset(&key, 0, sizeof(key));
	if (sp && (size_t)(sp - ci.message) == strlen(XFA_META_NAME) &&
	    !strncmp(ci.message, XFA_META_NAME, strlen(XFA_META_NAME))) {
		err = push_commit(&e->arc, id);
	} else if (sp && (size_t)(sp - ci.message) <= XFA_CASE_ID_MAX) {
		memcpy(key.id, ci.message, (size_t)(sp - ci.message));
		c = bsearch(&key, e->c, e->n, sizeof(*e->c), by_id);
		err = c ? push_commit(c, id) : 0;
	}
	xfa_commit_info_release(&ci);
	return err;
}

static int find_commits(struct exp *e)
{
	size_t i, j;
	int err;

	if ((err = xfa_store_walk(e->st, &e->head, walk_one, e)) < 0)
		return err;
	for (i = 0; i <= e->n; i++) {     /* newest first -> oldest first */
		struct ecase *c = i < e->n ? &e->c[i] : &e->arc;
		for (j = 0; j < c->ncommits / 2; j++) {
			char *t = c->commits[j];
			c->commits[j] = c->commits[c->ncommits - 1 - j];
			c->commits[c->ncommits - 1 - j] = t;
		}
	}
	return 0;
}

/* The archive's own stream (.xfa), which the package carries whole. */
static int load_arc(struct exp *e)
{
	xfa_stream s;
	int err;

	snprintf(e->arc.id, sizeof(e->arc.id), "%s", XFA_META_NAME);
	snprintf(e->arc.dir, sizeof(e->arc.dir), "%s", XFA_META_DIR);
	if ((err = xfa_stream_load(&s, e->st, &e->head, XFA_META_DIR, XFA_META_DOC)) < 0)
		return err;
	e->arc.seq = s.seq;
	xfa_stream_release(&s);
	return e->arc.seq ? 0 : xfa_error_set(XFA_EINVALID, "the archive has no "
					      "events on its own stream (.xfa)");
}

/* --- the package's documents ------------------------------------------- */

/* The date of the last event that changed the status (办结日期). */
static void closed_date(char out[XFA_DATE_SIZE], const json_t *doc)
{
	const json_t *ms = json_object_get(doc, "milestones");
	const char *best = NULL, *k;
	const json_t *v;

	json_object_foreach((json_t *)ms, k, v)
		if (json_is_string(v) && (!best || strcmp(json_string_value(v), best) > 0))
			best = json_string_value(v);
	if (!best)
		best = xfa_json_str(doc, "received_at");
	snprintf(out, XFA_DATE_SIZE, "%.10s", best ? best : "");
}

static json_t *case_entry(const struct ecase *c)
{
	char closed[XFA_DATE_SIZE], recv[XFA_DATE_SIZE];
	const char *sum = xfa_json_str(c->doc, "summary");

	closed_date(closed, c->doc);
	snprintf(recv, sizeof(recv), "%.10s", xfa_json_str(c->doc, "received_at") ?
		 xfa_json_str(c->doc, "received_at") : "");
	return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:b}",
			 "id", c->id, "reference", c->forced ? NULL : c->ref, "folder", c->ref,
			 "retention", c->retention,
			 "status", xfa_json_str(c->doc, "status") ? xfa_json_str(c->doc, "status") : "",
			 "title", sum ? sum : "", "received", recv, "closed", closed,
			 "events", (json_int_t)c->seq,
			 "attachments", (json_int_t)json_array_size(json_object_get(c->doc, "attachments")),
			 "commits", (json_int_t)c->ncommits,
			 "reexport", c->reexport, "forced", c->forced);
}

static int build_manifest(struct exp *e)
{
	const json_t *conf = e->meta->doc;
	char fpr[XFA_FPR_SIZE];
	const json_t *rec;
	json_t *cases = json_array();
	size_t i;

	xfa_pubkey_fingerprint(fpr, xfa_key_public(e->key));
	rec = xfa_keyring_find(conf, fpr);
	for (i = 0; cases && i < e->n; i++)
		if (json_array_append_new(cases, case_entry(&e->c[i])))
			cases = NULL;
	e->manifest = json_pack("{s:i, s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:b, "
		"s:{s:s, s:s, s:I, s:I}}",
		"format", 2, "source_organization", xfa_json_str(conf, "name"),
		"fonds", xfa_json_str(conf, "fonds"), "archive_head", e->head_hex,
		"exported_at", e->now_s, "archivist", "fingerprint", fpr,
		"name", rec && xfa_json_str(rec, "name") ? xfa_json_str(rec, "name") : "",
		"principal", rec ? xfa_keyring_principal(rec) : "",
		"cases", cases, "forced", e->o->force ? 1 : 0,
		"archive", "folder", XFA_PKG_META, "root", xfa_json_str(conf, "root"),
		"events", (json_int_t)e->arc.seq, "commits", (json_int_t)e->arc.ncommits);
	return e->manifest ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

/* --- the archived events ---------------------------------------------- */

/* Append one `archived` event per archivable case to the batch `b`. */
static int append_events(struct exp *e, xfa_batch *b)
{
	size_t i;
	int err = 0;

	for (i = 0; i < e->n && !err; i++) {
		struct ecase *c = &e->c[i];
		json_t *arc, *patch;
		xfa_case_opts co;
		char note[256];

		if (c->forced)
			continue;
		arc = json_deep_copy(json_object_get(c->doc, "archive"));
		if (!arc)
			arc = json_array();
		json_array_append_new(arc, json_pack("{s:s, s:s, s:s}", "package_sha256",
			e->sha_hex, "at", e->now_s, "reference", c->ref));
		patch = json_pack("{s:o}", "archive", arc);
		snprintf(note, sizeof(note), "%s %s: package sha256 %s",
			 c->reexport ? "再次归档 (second copy)" : "归档", c->ref, e->sha_hex);
		memset(&co, 0, sizeof(co));
		co.note = note;
		co.patch = patch;
		co.role = "archivist";
		co.internal = 1;
		err = xfa_case_move_batch(&c->archived_seq, b, e->key, c->id, archived_state(e), &co);
		if (err < 0)
			err = xfa_error_wrap(err, "cannot record case '%s' as archived", c->id);
		json_decref(patch);
	}
	return err;
}

static json_t *result_of(struct exp *e)
{
	json_t *cases = json_array(), *forced = json_array(), *again = json_array();
	size_t i;

	for (i = 0; i < e->n; i++) {
		struct ecase *c = &e->c[i];
		json_array_append_new(cases, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:I}",
			"id", c->id, "reference", c->ref, "retention", c->retention,
			"status", xfa_json_str(c->doc, "status"), "reexport", c->reexport,
			"forced", c->forced, "archived_seq", (json_int_t)c->archived_seq));
		if (c->forced)
			json_array_append_new(forced, json_string(c->id));
		if (c->reexport)
			json_array_append_new(again, json_string(c->id));
	}
	return json_pack("{s:s, s:s, s:I, s:s, s:o, s:o, s:o}", "package", e->o->out,
			 "sha256", e->sha_hex, "bytes", (json_int_t)e->bytes,
			 "head", e->head_hex, "cases", cases, "forced", forced,
			 "reexported", again);
}

/* Sync the folder holding `path`, so that a rename in it lasts. */
static int sync_dir(const char *path)
{
	char *copy = strdup(path), *dir;
	int fd, err = 0;

	if (!copy)
		return xfa_error_set(XFA_ERROR, "out of memory");
	dir = dirname(copy);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) < 0 || fsync(fd) < 0)
		err = xfa_error_set(XFA_EIO, "'%s': %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(copy);
	return err;
}

static int check_signer(struct exp *e)
{
	const char *roles[16];
	char fpr[XFA_FPR_SIZE];
	int err;

	xfa_pubkey_fingerprint(fpr, xfa_key_public(e->key));
	if ((err = xfa_keyring_roles(roles, 16, e->meta->doc, fpr, e->now.t)) < 0)
		return err;
	if (!xfa_roles_has(roles, "archivist"))
		return xfa_error_set(XFA_EAUTH, "key %s does not hold the archivist "
				     "role: only an archivist exports", fpr);
	return 0;
}

/*
 * The package is written to a file without a name (O_TMPFILE) in the target
 * folder, so that a process killed at any instant leaves nothing behind;
 * where the file system cannot, to a hidden temporary file (*tmp).
 */
static int open_temp(int *fd, char **tmp, const char *out)
{
	char *copy = strdup(out), *dir;

	*tmp = NULL;
	if (!copy)
		return xfa_error_set(XFA_ERROR, "out of memory");
	dir = dirname(copy);
#ifdef O_TMPFILE
	if ((*fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) >= 0) {
		free(copy);
		return 0;
	}
#endif
	if (asprintf(tmp, "%s/.xfa-export.XXXXXX", dir) < 0) {
		*tmp = NULL;
		free(copy);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	free(copy);
	if ((*fd = mkstemp(*tmp)) < 0) {
		free(*tmp);
		*tmp = NULL;
		return xfa_error_set(XFA_EIO, "cannot create a file beside '%s': %s",
				     out, strerror(errno));
	}
	return 0;
}

/* Give the finished file its name; fails (EEXIST) rather than replace one. */
static int link_temp(int fd, const char *tmp, const char *out)
{
	char proc[64];

	if (tmp)
		return link(tmp, out);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, AT_FDCWD, out, AT_SYMLINK_FOLLOW);
}

/* One attempt on the current head. */
static int attempt(struct exp *e, int format)
{
	char *tmp = NULL;
	xfa_batch *b = NULL;
	xfa_oid now_head;
	int fd = -1, err, linked = 0;

	if ((err = xfa_store_head(&e->head, e->st)) < 0 ||
	    (err = xfa_archive_meta(&e->meta, e->a)) < 0)
		return err;
	xfa_oid_fmt(e->head_hex, &e->head);
	if ((err = check_signer(e)) < 0 || (err = load_arc(e)) < 0 || (err = choose(e)) < 0 ||
	    (err = assign_refs(e)) < 0 ||
	    (err = find_commits(e)) < 0 || (err = build_manifest(e)) < 0 ||
	    (err = verify_start(e)) < 0)
		return err;
	if ((err = open_temp(&fd, &tmp, e->o->out)) < 0 ||
	    (err = xfa_export_write(e, fd, format, verify_wait)) < 0)
		goto done;
	if (fsync(fd) < 0 || fchmod(fd, 0644) < 0) {
		err = xfa_error_set(XFA_EIO, "'%s': %s", e->o->out, strerror(errno));
		goto done;
	}
	if ((err = xfa_batch_begin(&b, e->a)) < 0 || (err = append_events(e, b)) < 0)
		goto done;
	if ((err = xfa_store_head(&now_head, e->st)) < 0)
		goto done;
	if (!xfa_oid_equal(&now_head, &e->head)) {
		err = xfa_error_set(XFA_ECONFLICT, "the archive changed during the export");
		goto done;
	}
	if (link_temp(fd, tmp, e->o->out) < 0) {
		err = xfa_error_set(errno == EEXIST ? XFA_EEXISTS : XFA_EIO,
				    "'%s': %s", e->o->out, strerror(errno));
		goto done;
	}
	linked = 1;
	if ((err = sync_dir(e->o->out)) < 0 || (err = xfa_batch_publish(b)) < 0)
		goto done;
	linked = 0;
done:
	verify_wait(e);        /* never leave it running */
	if (linked)
		unlink(e->o->out);
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	xfa_batch_free(b);
	return err;
}

int xfa_export_run(json_t **result, xfa_archive *a, const xfa_key *key,
		   const xfa_export_opts *o)
{
	struct exp e;
	struct stat sb;
	int format, err, tries;

	*result = NULL;
	if ((err = xfa_bag_format_for(&format, o->out)) < 0)
		return err;
	if (lstat(o->out, &sb) == 0)
		return xfa_error_set(XFA_EEXISTS, "'%s' exists: a package is never "
				     "overwritten", o->out);
	memset(&e, 0, sizeof(e));
	e.a = a;
	e.st = xfa_archive_store(a);
	e.key = key;
	e.o = o;
	for (tries = 0; tries < MAX_TRIES; tries++) {
		if ((err = xfa_archive_meta(&e.meta, a)) < 0 ||
		    (err = xfa_stamp_now(&e.now, e.meta->off)) < 0)
			break;
		xfa_stamp_format(e.now_s, &e.now);
		err = attempt(&e, format);
		if (err == 0 || err != XFA_ECONFLICT)
			break;
		exp_release(&e);
	}
	if (err == 0 && !(*result = result_of(&e)))
		err = xfa_error_set(XFA_ERROR, "out of memory");
	exp_release(&e);
	return err;
}

/* verify.c - a verification run: the commits of main checked by worker
 * threads (one repository each, commit ids taken from a shared index),
 * the root of trust, a checkpoint, deadline findings, and the report. */
#define _XOPEN_SOURCE 700
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "checkpoint.h"
#include "error.h"
#include "json.h"
#include "verify_int.h"

#define THREADS_MAX 64
/* libgit2's cache of parsed objects, per repository handle: enough for the
 * hot trees (root, .xfa, fan-out levels), small enough to keep the memory
 * of a run flat however long the history (its default is 256 MiB each). */
#define CACHE_MAX (4u << 20)
/* Commits a worker takes at a time (newest first). */
#define RUN_LEN 32

/* In the order of enum vreason. */
const xfa_verify_reason xfa_verify_reasons[] = {
	{ "unsigned-commit", "a commit has no signature" },
	{ "bad-commit-signature", "a commit's SSH signature does not verify" },
	{ "unknown-key", "a commit's key is not in the keyring" },
	{ "key-revoked", "a commit's key was revoked before it" },
	{ "key-not-yet-valid", "an event precedes its key's validity" },
	{ "author-mismatch", "author or committer is not the key's holder, or not at the event's time" },
	{ "message-mismatch", "the commit message does not name its event" },
	{ "missing-event", "a commit records no event" },
	{ "unaccounted-file", "a changed file no event accounts for" },
	{ "mixed-commit", "one commit changes several cases" },
	{ "merge-commit", "a merge that is not the union of its parents" },
	{ "malformed-event", "an event file is invalid or not canonical" },
	{ "wrong-case", "an event filed under another case" },
	{ "seq-gap", "an event skips sequence numbers" },
	{ "duplicate-event", "an event repeats a sequence number" },
	{ "chain-broken", "prev is not the hash of the previous event" },
	{ "bad-event-signature", "an event's signature is missing or does not verify" },
	{ "signer-mismatch", "the event's signer is not 'by' or not the commit's signer" },
	{ "effective-after-at", "effective is later than at" },
	{ "time-regression", "an event is earlier than the previous one (backdated)" },
	{ "role-not-allowed", "the signer lacks the role, or the role may not take the step" },
	{ "illegal-transition", "the workflow refuses the event" },
	{ "derived-mismatch", "the workflow derives other values than the event holds" },
	{ "keyring-unauthorised", "a keyring change not signed by an admin" },
	{ "illegal-keyring-change", "a keyring change that breaks the keyring rules" },
	{ "attachment-mismatch", "an attachment does not match its record" },
	{ "document-mismatch", "a document is not the replay of its events" },
	{ "malformed-document", "a document breaks its schema, or its metadata files are unusable" },
	{ "unreadable-object", "a git object is missing or corrupt" },
	{ "bad-root", "the first commit is not the archive's self-signed init event" },
	{ "untrusted-root", "the archive's root key is not the trusted one" },
	{ "bad-checkpoint", "a checkpoint is malformed or not signed by a keyring key" },
	{ "rollback", "main went back behind a checkpoint" },
	{ "history-rewritten", "a checkpointed head is no longer in main's history" },
	{ "merge-diverged", "a merge of a record whose two sides diverged, without a resolution" },
	{ "bad-resolution", "a resolution that does not match what diverged" },
	{ "merge-not-allowed", "a merge signed by a key whose role may not integrate" },
	{ "future-time", "a time later than the verifier's clock plus the skew" },
	{ "time-before-parent", "an event earlier than its parent commit less the skew" },
	{ "key-mismatch", "a key record whose public key is not the key its fingerprint names" },
	{ "bad-mode", "a file of a record that is not a regular file (mode 100644)" },
	{ NULL, NULL }
};

/* --- findings ---------------------------------------------------------- */

static int push(struct vshared *sh, struct vfinding *f)
{
	if (sh->n == sh->cap) {
		size_t cap = sh->cap ? sh->cap * 2 : 64;
		struct vfinding *n = realloc(sh->f, cap * sizeof(*n));
		if (!n)
			return XFA_ERROR;
		sh->f = n;
		sh->cap = cap;
	}
	sh->f[sh->n++] = *f;
	return 0;
}

static char *dup_opt(const char *s, int *oom)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*oom = 1;
	return d;
}

static void finding_release(struct vfinding *f)
{
	free(f->code);
	free(f->case_id);
	free(f->path);
	free(f->msg);
}

/* Add `f` (its strings borrowed, copied here) under the lock. */
static int add(struct vshared *sh, const struct vfinding *in)
{
	struct vfinding f = *in;
	int oom = 0, err;

	f.code = dup_opt(in->code, &oom);
	f.case_id = dup_opt(in->case_id, &oom);
	f.path = dup_opt(in->path, &oom);
	f.msg = dup_opt(in->msg ? in->msg : "", &oom);
	pthread_mutex_lock(&sh->mu);
	err = oom ? XFA_ERROR : push(sh, &f);
	pthread_mutex_unlock(&sh->mu);
	if (err) {
		finding_release(&f);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	return 0;
}

int xfa_verify_add(struct vshared *sh, int reason, const char *case_id,
		   long seq, const xfa_oid *commit, const char *path,
		   size_t order, size_t sub, const char *msg)
{
	struct vfinding f;

	memset(&f, 0, sizeof(f));
	f.reason = reason;
	f.case_id = (char *)case_id;
	f.seq = seq;
	if ((f.has_commit = commit != NULL))
		f.commit = *commit;
	f.path = (char *)path;
	f.msg = (char *)msg;
	f.order = order;
	f.sub = sub;
	return add(sh, &f);
}

void xfa_verify_fatal(struct vshared *sh, int code, const char *msg)
{
	pthread_mutex_lock(&sh->mu);
	if (!sh->fatal) {
		sh->fatal = code ? code : XFA_ERROR;
		snprintf(sh->fatal_msg, sizeof(sh->fatal_msg), "%s", msg);
	}
	pthread_mutex_unlock(&sh->mu);
	atomic_store(&sh->stop, 1);
}

/* --- the per-thread metadata cache ------------------------------------- */

int xfa_verify_meta(const xfa_meta **out, struct vthread *t,
		    const xfa_oid *commit)
{
	xfa_oid key;
	xfa_meta m;
	int i, victim = 0, err;

	if ((err = xfa_store_entry_id(&key, t->st, commit, XFA_META_DIR)) < 0)
		return err;
	t->tick++;
	for (i = 0; i < VMETA_SLOTS; i++) {
		if (t->meta[i].used && xfa_oid_equal(&t->meta[i].key, &key)) {
			t->meta[i].used_at = t->tick;
			*out = &t->meta[i].m;
			return 0;
		}
		if (!t->meta[i].used ||
		    (t->meta[victim].used && t->meta[i].used_at < t->meta[victim].used_at))
			victim = i;
	}
	if ((err = xfa_meta_load(&m, t->st, commit)) < 0)
		return err;
	if (t->meta[victim].used)
		xfa_meta_release(&t->meta[victim].m);
	t->meta[victim].used = 1;
	t->meta[victim].used_at = t->tick;
	t->meta[victim].key = key;
	t->meta[victim].m = m;
	*out = &t->meta[victim].m;
	return 0;
}

/* --- the run ----------------------------------------------------------- */

struct vrun {
	const xfa_verify_opts *o;
	xfa_store *st;
	xfa_meta meta;
	int has_meta;
	xfa_oid head;
	xfa_oid *ids;
	size_t cap;
	struct vshared sh;
	struct vthread *th;
	int nth;
	size_t cases;
	size_t dl_listed;         /* deadline findings kept for the report */
	size_t dl_omitted;        /* and those only counted */
	json_t *cp;               /* the checkpoint part of the report */
	struct timespec t0, last_progress;
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Call the progress callback if half a second passed since the last call. */
static void progress(struct vrun *r, int force)
{
	if (!r->o->progress || (!force && since(&r->last_progress) < 0.5))
		return;
	clock_gettime(CLOCK_MONOTONIC, &r->last_progress);
	r->o->progress(atomic_load(&r->sh.done), r->sh.nids, r->o->payload);
}

static int collect_id(const xfa_oid *id, void *payload)
{
	struct vrun *r = payload;

	if (r->sh.nids == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		xfa_oid *n = realloc(r->ids, cap * sizeof(*n));
		if (!n)
			return xfa_error_set(XFA_ERROR, "out of memory");
		r->ids = n;
		r->cap = cap;
	}
	r->ids[r->sh.nids++] = *id;
	return 0;
}

/* The folders of the selected cases; each must exist at the head. */
static int select_cases(struct vrun *r)
{
	char dir[200], path[256];
	xfa_oid blob;
	size_t i;
	int err;

	if (!r->o->cases || !r->o->ncases)
		return 0;
	if (!(r->sh.dirs = calloc(r->o->ncases, sizeof(char *))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < r->o->ncases; i++) {
		if ((err = xfa_record_dir(dir, sizeof(dir), &r->meta, r->o->cases[i])) < 0)
			return err;
		snprintf(path, sizeof(path), "%s/" XFA_CASE_DOC, dir);
		if ((err = xfa_store_stat(&blob, NULL, r->st, &r->head, path)) < 0)
			return err == XFA_ENOTFOUND ? xfa_error_set(XFA_ENOTFOUND,
				"no case '%s'", r->o->cases[i]) : err;
		if (!(r->sh.dirs[i] = strdup(dir)))
			return xfa_error_set(XFA_ERROR, "out of memory");
		r->sh.ndirs++;
	}
	return 0;
}

static int check_trust(const char *fpr)
{
	if (!fpr)
		return 0;
	if (strlen(fpr) != XFA_FPR_SIZE - 1 || strncmp(fpr, "SHA256:", 7))
		return xfa_error_set(XFA_EINVALID,
			"--trust '%s' is not a key fingerprint (SHA256:...)", fpr);
	return 0;
}

static int open_run(struct vrun *r, const char *path)
{
	xfa_oid hide[2], tree;
	size_t i;
	int err;

	if ((err = check_trust(r->o->trust)) < 0 ||
	    (err = xfa_store_open(&r->st, path)) < 0)
		return err;
	if (r->o->head) {
		if (xfa_oid_parse(&r->head, r->o->head) < 0 ||
		    xfa_store_commit_tree(&tree, r->st, &r->head) < 0)
			return xfa_error_set(XFA_EINVALID, "'%s' is not a commit of '%s'",
					     r->o->head, path);
	} else if ((err = xfa_store_head(&r->head, r->st)) < 0)
		return xfa_error_set(XFA_EINVALID,
			"'%s' is not an xfa archive (no history on main)", path);
	if (r->o->nhide > 2)
		return xfa_error_set(XFA_EINVALID, "at most two proven commits");
	for (i = 0; i < r->o->nhide; i++)
		if (xfa_oid_parse(&hide[i], r->o->hide[i]) < 0 ||
		    xfa_store_commit_tree(&tree, r->st, &hide[i]) < 0)
			return xfa_error_set(XFA_EINVALID, "'%s' is not a commit of '%s'",
					     r->o->hide[i], path);
	if ((err = xfa_meta_load(&r->meta, r->st, &r->head)) < 0)
		return err;
	r->has_meta = 1;
	if ((err = select_cases(r)) < 0 ||
	    (err = xfa_store_walk_hiding(r->st, &r->head, hide, r->o->nhide,
					 collect_id, r)) < 0)
		return err;
	r->sh.path = path;
	r->sh.ids = r->ids;
	r->sh.trust = r->o->trust;
	r->sh.now = r->o->now ? (int64_t)r->o->now : (int64_t)time(NULL);
	r->sh.skew = r->meta.skew;
	return 0;
}

static void *worker(void *arg)
{
	struct vthread *t = arg;
	struct vshared *sh = t->sh;
	size_t i, end;
	int err = 0, k;

	if ((err = xfa_store_open(&t->st, sh->path)) < 0) {
		xfa_verify_fatal(sh, err, xfa_error_last());
		return NULL;
	}
	/* runs of consecutive commits: a commit's parent trees are the next
	 * one's own, still in this thread's cache */
	while (!err && !atomic_load(&sh->stop) &&
	       (i = atomic_fetch_add(&sh->next, RUN_LEN)) < sh->nids)
		for (end = i + RUN_LEN; i < end && i < sh->nids; i++) {
			if (atomic_load(&sh->stop))
				break;
			if ((err = xfa_verify_commit(t, &sh->ids[i], i)) < 0) {
				xfa_verify_fatal(sh, err, xfa_error_last());
				break;
			}
			atomic_fetch_add(&sh->done, 1);
		}
	for (k = 0; k < VMETA_SLOTS; k++)
		if (t->meta[k].used)
			xfa_meta_release(&t->meta[k].m);
	xfa_store_free(t->st);
	t->st = NULL;
	return NULL;
}

static int start_threads(struct vrun *r)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int i, n = r->o->threads > 0 ? r->o->threads : cpus > 0 ? (int)cpus : 1;

	if (n > THREADS_MAX)
		n = THREADS_MAX;
	if ((size_t)n > r->sh.nids)
		n = r->sh.nids ? (int)r->sh.nids : 1;
	if (!(r->th = calloc((size_t)n, sizeof(*r->th))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < n; i++) {
		r->th[i].sh = &r->sh;
		if (pthread_create(&r->th[i].tid, NULL, worker, &r->th[i])) {
			atomic_store(&r->sh.stop, 1);
			break;
		}
		r->nth++;
	}
	return r->nth == n ? 0 : xfa_error_set(XFA_ERROR, "cannot start threads");
}

/* Wait for the workers, reporting progress. */
static void join_threads(struct vrun *r)
{
	struct timespec nap = { 0, 50 * 1000 * 1000 };
	int i;

	while (!atomic_load(&r->sh.stop) && atomic_load(&r->sh.done) < r->sh.nids) {
		nanosleep(&nap, NULL);
		progress(r, 0);
	}
	for (i = 0; i < r->nth; i++)
		pthread_join(r->th[i].tid, NULL);
	progress(r, 1);
}

/* --- checkpoint -------------------------------------------------------- */

/* A finding of the run as a whole (no case), sorted after the commits'. */
static int add_run(struct vrun *r, int reason, const xfa_oid *commit,
		   const char *msg)
{
	return xfa_verify_add(&r->sh, reason, NULL, 0, commit, NULL, (size_t)-1,
			      r->sh.n, msg);
}

/* Does the history extend the checkpointed head? */
static int checkpoint_relation(struct vrun *r, const xfa_checkpoint *cp,
			       const char **status)
{
	char msg[512], hex[XFA_OID_HEX];
	size_t n;
	int err;

	xfa_oid_fmt(hex, &cp->head);
	if (xfa_store_is_ancestor(r->st, &cp->head, &r->head) == 1) {
		if ((err = xfa_checkpoint_count(&n, r->st, &cp->head)) < 0)
			return err;
		if (n == cp->count)
			return 0;
		*status = "bad-checkpoint";
		snprintf(msg, sizeof(msg), "the checkpoint of %s counts %zu commits "
			 "up to %.12s, main has %zu", cp->time, cp->count, hex, n);
		return add_run(r, R_BAD_CHECKPOINT, &cp->head, msg);
	}
	xfa_error_clear();
	if (xfa_store_is_ancestor(r->st, &r->head, &cp->head) == 1) {
		*status = "rollback";
		snprintf(msg, sizeof(msg), "main (%zu commits) is behind the "
			 "checkpoint of %s (%zu commits, head %.12s): history went "
			 "back", r->sh.nids, cp->time, cp->count, hex);
		return add_run(r, R_ROLLBACK, &cp->head, msg);
	}
	xfa_error_clear();
	*status = "history-rewritten";
	snprintf(msg, sizeof(msg), "the head %.12s of the checkpoint of %s "
		 "(%zu commits) is not in main's history: history was rewritten",
		 hex, cp->time, cp->count);
	return add_run(r, R_HISTORY_REWRITTEN, &cp->head, msg);
}

static int check_checkpoint(struct vrun *r)
{
	const char *status = "ok";
	char hex[XFA_OID_HEX];
	xfa_checkpoint cp;
	int err;

	if (!r->o->checkpoint)
		return 0;
	err = xfa_checkpoint_read(&cp, r->o->checkpoint, r->o->checkpoint_len,
				  r->meta.doc);
	if (err == XFA_ERROR)
		return err;
	if (err < 0) {
		r->cp = json_pack("{s:s}", "status", "bad-checkpoint");
		return add_run(r, R_BAD_CHECKPOINT, NULL, xfa_error_last());
	}
	if ((err = checkpoint_relation(r, &cp, &status)) < 0)
		return err;
	xfa_oid_fmt(hex, &cp.head);
	r->cp = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "status", status,
			  "origin", cp.origin, "count", (json_int_t)cp.count,
			  "head", hex, "time", cp.time, "signer", cp.signer);
	return r->cp ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

/* --- deadlines at the head --------------------------------------------- */

/*
 * Deadline findings kept in full; the rest are counted.  An archive of a
 * million cases may have most of them overdue, and the report (and the
 * memory it takes) must not grow with that: `xfa report overdue` lists
 * every overdue duty.
 */
#define DEADLINES_LISTED 10000

struct dl {
	struct vrun *r;
	long today;
	size_t sub;
};

static int add_deadline(struct dl *d, const char *id, const char *path,
			const json_t *item)
{
	const char *rule = xfa_json_str(item, "id"), *done = xfa_json_str(item, "done");
	char code[64], msg[512];
	struct vfinding f;
	size_t i;

	if (d->r->dl_listed == (d->r->o->deadlines_listed ?
				d->r->o->deadlines_listed : DEADLINES_LISTED)) {
		d->r->dl_omitted++;
		return 0;
	}
	d->r->dl_listed++;
	snprintf(code, sizeof(code), "late-%s", rule ? rule : "deadline");
	for (i = 5; code[i]; i++)
		if (code[i] == '_')
			code[i] = '-';
	if (done)
		snprintf(msg, sizeof(msg), "%s (%s) was due %s, done %s", rule,
			 xfa_json_str(item, "label"), xfa_json_str(item, "due"), done);
	else
		snprintf(msg, sizeof(msg), "%s (%s) was due %s and is not done",
			 rule, xfa_json_str(item, "label"), xfa_json_str(item, "due"));
	memset(&f, 0, sizeof(f));
	f.reason = -1;
	f.code = code;
	f.case_id = (char *)id;
	f.path = (char *)path;
	f.msg = msg;
	f.order = (size_t)-1;
	f.sub = d->sub++;
	return add(&d->r->sh, &f);
}

static int deadline_case(const char *id, const char *dir, void *payload)
{
	struct dl *d = payload;
	char path[300], *buf = NULL;
	json_t *doc = NULL, *list = NULL, *item;
	size_t len, i;
	int err = 0;

	d->r->cases++;
	snprintf(path, sizeof(path), "%s/" XFA_CASE_DOC, dir);
	if (xfa_kind_of_dir(&d->r->meta, dir)->wf &&   /* a risk item: the ledger's */
	    xfa_store_read(&buf, &len, d->r->st, &d->r->head, path) == 0 &&
	    xfa_json_parse(&doc, buf, len, path) == 0)
		list = xfa_workflow_deadlines(xfa_kind_of_dir(&d->r->meta, dir)->wf,
					      doc, d->r->meta.cal, d->today);
	json_array_foreach(list, i, item)
		if (json_is_false(json_object_get(item, "met")) &&
		    (err = add_deadline(d, id, path, item)) < 0)
			break;
	json_decref(list);
	json_decref(doc);
	free(buf);
	xfa_error_clear();
	progress(d->r, 0);
	return err;
}

/* Deadline findings of every case (or the selected ones) at the head. */
static int deadlines(struct vrun *r)
{
	struct dl d;
	xfa_stamp now;
	size_t i;
	int err;

	memset(&d, 0, sizeof(d));
	d.r = r;
	if ((err = xfa_stamp_now(&now, r->meta.off)) < 0)
		return err;
	d.today = xfa_stamp_day(&now);
	if (!r->sh.dirs)
		return xfa_case_each(r->st, &r->head, deadline_case, &d);
	for (i = 0; i < r->sh.ndirs; i++)
		if ((err = deadline_case(r->o->cases[i], r->sh.dirs[i], &d)) < 0)
			return err;
	return 0;
}

/* --- the report -------------------------------------------------------- */

/* Commit findings oldest commit first, then the run's own. */
static int by_order(const void *pa, const void *pb)
{
	const struct vfinding *a = pa, *b = pb;
	int la = a->order == (size_t)-1, lb = b->order == (size_t)-1;

	if (la != lb)
		return la - lb;
	if (a->order != b->order)
		return a->order > b->order ? -1 : 1;
	return a->sub < b->sub ? -1 : a->sub > b->sub;
}

static json_t *finding_json(const struct vfinding *f)
{
	char hex[XFA_OID_HEX];

	if (f->has_commit)
		xfa_oid_fmt(hex, &f->commit);
	return json_pack("{s:s, s:s, s:s?, s:o, s:s?, s:s?, s:s}",
		"severity", f->reason >= 0 ? "error" : "deadline",
		"reason", f->reason >= 0 ? xfa_verify_reasons[f->reason].code : f->code,
		"case", f->case_id, "seq", f->seq ? json_integer(f->seq) : json_null(),
		"commit", f->has_commit ? hex : NULL, "path", f->path,
		"message", f->msg);
}

static json_t *totals_json(const struct vrun *r)
{
	size_t commits = 0, events = 0, sigs = 0, atts = 0;
	int i;

	for (i = 0; i < r->nth; i++) {
		commits += r->th[i].commits;
		events += r->th[i].events;
		sigs += r->th[i].sigs;
		atts += r->th[i].atts;
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:f}",
		"commits", (json_int_t)commits, "events", (json_int_t)events,
		"cases", (json_int_t)r->cases, "signatures", (json_int_t)sigs,
		"attachments", (json_int_t)atts,
		"seconds", (double)(long)(since(&r->t0) * 1000) / 1000);
}

static json_t *scope_json(const struct vrun *r)
{
	json_t *s;
	size_t i;

	if (!r->sh.dirs)
		return json_string("all");
	s = json_array();
	for (i = 0; s && i < r->o->ncases; i++)
		json_array_append_new(s, json_string(r->o->cases[i]));
	return s;
}

static int build_report(json_t **out, struct vrun *r, const char *path)
{
	json_t *errs = json_array(), *dls = json_array();
	char hex[XFA_OID_HEX];
	const char *root = r->sh.root[0] ? r->sh.root : xfa_json_str(r->meta.doc, "root");
	size_t i;

	if (r->sh.n)  /* qsort(NULL, 0, ...) is undefined */
		qsort(r->sh.f, r->sh.n, sizeof(*r->sh.f), by_order);
	for (i = 0; errs && dls && i < r->sh.n; i++)
		json_array_append_new(r->sh.f[i].reason >= 0 ? errs : dls,
				      finding_json(&r->sh.f[i]));
	xfa_oid_fmt(hex, &r->head);
	*out = json_pack("{s:i, s:s, s:s, s:s?, s:s, s:o, s:O*, s:b, s:o, s:o, s:o}",
		"format", 1, "archive", path, "head", hex, "root", root,
		"trust", r->o->trust ? "given" : "archive", "scope", scope_json(r),
		"checkpoint", r->cp, "ok", errs && json_array_size(errs) == 0,
		"totals", totals_json(r), "findings", errs, "deadlines", dls);
	if (*out && r->dl_omitted &&
	    json_object_set_new(*out, "deadlines_omitted",
				json_integer((json_int_t)r->dl_omitted)) < 0)
		return xfa_error_set(XFA_ERROR, "out of memory");
	return *out ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

static void free_run(struct vrun *r)
{
	size_t i;

	for (i = 0; i < r->sh.n; i++)
		finding_release(&r->sh.f[i]);
	free(r->sh.f);
	for (i = 0; i < r->sh.ndirs; i++)
		free(r->sh.dirs[i]);
	free(r->sh.dirs);
	free(r->ids);
	free(r->th);
	json_decref(r->cp);
	if (r->has_meta)
		xfa_meta_release(&r->meta);
	xfa_store_free(r->st);
	pthread_mutex_destroy(&r->sh.mu);
}

int xfa_verify_run(json_t **report, const char *archive_path,
		   const xfa_verify_opts *o)
{
	struct vrun r;
	int err;

	*report = NULL;
	xfa_store_set_cache_max(CACHE_MAX);
	memset(&r, 0, sizeof(r));
	r.o = o;
	pthread_mutex_init(&r.sh.mu, NULL);
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	r.last_progress = r.t0;
	if ((err = open_run(&r, archive_path)) == 0 &&
	    (err = check_checkpoint(&r)) == 0 &&
	    (err = start_threads(&r)) == 0 && !o->integrity_only &&
	    (err = deadlines(&r)) < 0)
		xfa_verify_fatal(&r.sh, err, xfa_error_last());
	if (r.nth)
		join_threads(&r);
	if (!err && r.sh.fatal)
		err = xfa_error_set(r.sh.fatal, "%s", r.sh.fatal_msg);
	if (!err)
		err = build_report(report, &r, archive_path);
	free_run(&r);
	return err;
}

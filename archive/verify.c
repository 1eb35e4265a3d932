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
#include "keyring.h"
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
	{ "checkpoint-equivocation", "two checkpoints of one origin disagree (a split view)" },
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

int xfa_verify_push_id(struct vrun *r, const xfa_oid *id)
{
	if (r->sh.nids == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		xfa_oid *n = realloc(r->ids, cap * sizeof(*n));
		if (!n)
			return xfa_error_set(XFA_ERROR, "out of memory");
		r->ids = n;
		r->cap = cap;
		r->sh.ids = n;
	}
	r->ids[r->sh.nids++] = *id;
	return 0;
}

static int collect_id(const xfa_oid *id, void *payload)
{
	return xfa_verify_push_id(payload, id);
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
	if (!(r->dirs = calloc(r->o->ncases, sizeof(char *))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	r->dir_ids = r->o->cases;
	for (i = 0; i < r->o->ncases; i++) {
		if ((err = xfa_record_dir(dir, sizeof(dir), &r->meta, r->o->cases[i])) < 0)
			return err;
		snprintf(path, sizeof(path), "%s/" XFA_CASE_DOC, dir);
		if ((err = xfa_store_stat(&blob, NULL, r->st, &r->head, path)) < 0)
			return err == XFA_ENOTFOUND ? xfa_error_set(XFA_ENOTFOUND,
				"no case '%s'", r->o->cases[i]) : err;
		if (!(r->dirs[i] = strdup(dir)))
			return xfa_error_set(XFA_ERROR, "out of memory");
		r->ndirs++;
	}
	return 0;
}

/*
 * --since: the commits after the checkpointed head, or none when the
 * checkpoint failed (its finding says why; never a silent full run).
 * The root is not among them: the head's archive.json names it.
 */
static int select_since(struct vrun *r)
{
	const struct vcp *c = &r->cps[0];
	const char *root = xfa_json_str(r->meta.doc, "root");
	char hex[XFA_OID_HEX], msg[600];
	int err;

	r->sh.touched = 1;
	if (r->since_ok &&
	    (err = xfa_store_walk_hide(r->st, &r->head, &r->since_head, 0,
				       collect_id, r)) < 0)
		return err;
	if (r->o->trust && root && strcmp(r->o->trust, root)) {
		snprintf(msg, sizeof(msg), "the archive's root key is %s, not the "
			 "trusted %s", root, r->o->trust);
		if ((err = xfa_verify_add_run(r, R_UNTRUSTED_ROOT, NULL, msg)) < 0)
			return err;
	}
	if (!r->since_ok) {
		r->coverage = json_pack("{s:s, s:n, s:i, s:s}", "mode", "since",
			"from", "commits", 0, "refused", c->status);
		return r->coverage ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
	}
	xfa_oid_fmt(hex, &r->since_head);
	r->coverage = json_pack("{s:s, s:s, s:I, s:I, s:{s:s, s:s?, s:s, s:s}}",
		"mode", "since", "from", hex, "from_count", (json_int_t)c->cp.count,
		"commits", (json_int_t)r->sh.nids, "rests_on", "signer", c->cp.signer,
		"name", xfa_json_str(xfa_keyring_find(r->meta.doc, c->cp.signer), "name"),
		"time", c->cp.time, "file", c->name ? c->name : "checkpoint");
	return r->coverage ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
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
	xfa_stamp now;
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
	r->sh.path = path;
	r->sh.trust = r->o->trust;
	r->sh.caller_hashes = r->o->caller_hashes_attachments;
	if (r->o->now)
		r->sh.now = (int64_t)r->o->now;
	else if ((err = xfa_stamp_now(&now, 0)) < 0)   /* XFA_NOW in tests */
		return err;
	else
		r->sh.now = now.t;
	r->sh.skew = r->meta.skew;
	if (!(r->notes = json_array()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = xfa_verify_checkpoints(r)) < 0 || (err = select_cases(r)) < 0)
		return err;
	if (r->dirs)
		err = xfa_verify_select(r);
	else if (r->o->since)
		err = select_since(r);
	else if ((err = r->o->nhide ?
		  xfa_store_walk_hiding(r->st, &r->head, hide, r->o->nhide,
					collect_id, r) :
		  xfa_store_walk_lean(r->st, &r->head, collect_id, r)) == 0 &&
		 !(r->coverage = json_pack("{s:s, s:I}", "mode", "all", "commits",
					   (json_int_t)r->sh.nids)))
		err = xfa_error_set(XFA_ERROR, "out of memory");
	r->sh.ids = r->ids;
	return err;
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

/* --- run findings ----------------------------------------------------- */

int xfa_verify_add_run(struct vrun *r, int reason, const xfa_oid *commit,
		       const char *msg)
{
	return xfa_verify_add(&r->sh, reason, NULL, 0, commit, NULL, (size_t)-1,
			      r->sh.n, msg);
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * --since: the cases the verified commits changed (their deadlines are
 * the ones that can have changed), from the workers' lists; into
 * r->dirs / r->dir_idv.  *all is set when a merge was among them: then
 * every case's deadlines are computed.
 */
static int touched_cases(struct vrun *r, int *all)
{
	size_t n = 0, i, k, out;
	char **v, dir[200];
	int t;

	*all = 0;
	for (t = 0; t < r->nth; t++) {
		n += r->th[t].ntouched;
		*all |= r->th[t].merges > 0;
	}
	if (*all || !n)
		return 0;
	if (!(v = calloc(n, sizeof(*v))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (t = 0, k = 0; t < r->nth; t++)
		for (i = 0; i < r->th[t].ntouched; i++) {
			v[k++] = r->th[t].touched[i];
			r->th[t].touched[i] = NULL;
		}
	qsort(v, n, sizeof(*v), cmp_str);
	for (i = out = 0; i < n; i++) {
		if (out && !strcmp(v[out - 1], v[i])) {
			free(v[i]);
			continue;
		}
		v[out++] = v[i];
	}
	r->dir_idv = v;
	r->nidv = out;
	r->dirs = calloc(out ? out : 1, sizeof(char *));
	if (!r->dirs)
		return xfa_error_set(XFA_ERROR, "out of memory");
	r->dir_ids = (const char *const *)v;
	for (i = 0; i < out; i++) {
		if (xfa_record_dir(dir, sizeof(dir), &r->meta, v[i]) < 0) {
			xfa_error_clear();
			snprintf(dir, sizeof(dir), "-");
		}
		if (!(r->dirs[i] = strdup(dir)))
			return xfa_error_set(XFA_ERROR, "out of memory");
		r->ndirs++;
	}
	return 0;
}

/* Deadline findings of every case (or the selected ones) at the head. */
static int deadlines(struct vrun *r, int after)
{
	struct dl d;
	xfa_stamp now;
	size_t i;
	int err, all = 1;

	memset(&d, 0, sizeof(d));
	d.r = r;
	if (after != (r->o->since != NULL && !r->o->ncases))
		return 0;    /* --since: once the workers said what they touched */
	if (after && (err = touched_cases(r, &all)) < 0)
		return err;
	if (after && !all && !r->dirs)
		return 0;    /* no case changed */
	if ((err = xfa_stamp_now(&now, r->meta.off)) < 0)
		return err;
	d.today = xfa_stamp_day(&now);
	if (!r->dirs)
		return xfa_case_each(r->st, &r->head, deadline_case, &d);
	for (i = 0; i < r->ndirs; i++)
		if (strcmp(r->dirs[i], "-") &&
		    (err = deadline_case(r->dir_ids[i], r->dirs[i], &d)) < 0)
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

	if (!r->o->cases || !r->o->ncases)
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
	*out = json_pack("{s:i, s:s, s:s, s:s?, s:s, s:o, s:O?, s:O*, s:O*, s:O*, "
		"s:b, s:o, s:o, s:o}",
		"format", 1, "archive", path, "head", hex, "root", root,
		"trust", r->o->trust ? "given" : "archive", "scope", scope_json(r),
		"coverage", r->coverage,
		"checkpoint", r->cp ? json_array_get(r->cp, 0) : NULL,
		"checkpoints", r->cp, "notes", json_array_size(r->notes) ? r->notes : NULL,
		"ok", errs && json_array_size(errs) == 0,
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
	int t;

	for (i = 0; i < r->sh.n; i++)
		finding_release(&r->sh.f[i]);
	free(r->sh.f);
	for (i = 0; i < r->ndirs; i++)
		free(r->dirs[i]);
	free(r->dirs);
	for (i = 0; i < r->nidv; i++)
		free(r->dir_idv[i]);
	free(r->dir_idv);
	for (t = 0; t < r->nth; t++) {
		for (i = 0; i < r->th[t].ntouched; i++)
			free(r->th[t].touched[i]);
		free(r->th[t].touched);
	}
	free(r->ids);
	free(r->th);
	free(r->cps);
	json_decref(r->cp);
	json_decref(r->notes);
	json_decref(r->coverage);
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
	    (err = start_threads(&r)) == 0 && !o->integrity_only &&
	    (err = deadlines(&r, 0)) < 0)
		xfa_verify_fatal(&r.sh, err, xfa_error_last());
	if (r.nth)
		join_threads(&r);
	if (!err && !r.sh.fatal && !o->integrity_only &&
	    (err = deadlines(&r, 1)) < 0)
		xfa_verify_fatal(&r.sh, err, xfa_error_last());
	if (r.sh.fatal)
		err = xfa_error_set(r.sh.fatal, "%s", r.sh.fatal_msg);
	if (!err)
		err = build_report(report, &r, archive_path);
	free_run(&r);
	return err;
}

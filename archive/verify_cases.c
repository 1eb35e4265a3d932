/* verify_cases.c - `xfa verify ID...`: the commits that prove a few cases,
 * in time proportional to their events.  Each event file of the case at
 * the head (and of the archive's own stream, whose keyring every check
 * relies on) is traced to the commit that added it through the derived
 * list (evmap.h); that list is not trusted: the chain is proven against
 * the history, and when it does not hold the list is rebuilt, and then
 * every commit is examined for the selected cases as before. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "event.h"
#include "evmap.h"
#include "verify_int.h"

/* One event file of a stream at the head, and the commit that added it. */
struct vevt {
	unsigned seq;
	xfa_oid blob, commit;
};

/* A stream being traced. */
struct vtrace {
	char dir[256];
	const char *id;
	struct vevt *ev;
	size_t n, cap;
	int bad_name;             /* an events/ entry that is no NNNNNN.json/.sig */
};

static int on_entry(const char *name, const xfa_oid *id, int mode, void *payload)
{
	struct vtrace *s = payload;
	size_t len = strlen(name);

	(void)mode;
	if (len == 10 && strspn(name, "0123456789") == 6 && !strcmp(name + 6, ".sig"))
		return 0;
	if (len != 11 || strspn(name, "0123456789") != 6 || strcmp(name + 6, ".json")) {
		s->bad_name = 1;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct vevt *n = realloc(s->ev, cap * sizeof(*n));
		if (!n)
			return xfa_error_set(XFA_ERROR, "out of memory");
		s->ev = n;
		s->cap = cap;
	}
	memset(&s->ev[s->n], 0, sizeof(s->ev[s->n]));
	s->ev[s->n].seq = (unsigned)strtoul(name, NULL, 10);
	s->ev[s->n].blob = *id;
	s->n++;
	return 0;
}

/* The event files of stream `s` at the head (git orders them by name). */
static int list_events(struct vrun *r, struct vtrace *s)
{
	char path[300];
	xfa_oid tree;
	int err;

	snprintf(path, sizeof(path), "%s/events", s->dir);
	if ((err = xfa_store_entry_id(&tree, r->st, &r->head, path)) < 0)
		return err;
	return xfa_store_tree_each(r->st, &tree, on_entry, s);
}

/* The id of `dir` in `commit`, zero when absent. */
static int folder(xfa_oid *out, struct vrun *r, const xfa_oid *commit,
		  const char *dir)
{
	int err = xfa_store_entry_id(out, r->st, commit, dir);

	if (err == XFA_ENOTFOUND) {
		xfa_error_clear();
		memset(out, 0, sizeof(*out));
		return 0;
	}
	return err;
}

/*
 * Does the list's commit for each event of `s` prove the stream at the
 * head?  Event k's commit holds event k's bytes where the head has them,
 * its parents do not; the folder it leaves is the folder one of the next
 * event's commit's parents holds (the head's, after the last); each
 * commit is an ancestor of the next, the last one of the head.  1 proven,
 * 0 not (`why` says where), or a code.
 */
static int prove(struct vrun *r, const xfa_evmap *m, struct vtrace *s,
		 char *why, size_t wn)
{
	xfa_oid prev_folder, f, at, zero;
	xfa_commit_info ci;
	char path[300];
	size_t k, p;
	int err, link;

	memset(&zero, 0, sizeof(zero));
	prev_folder = zero;
	if (s->bad_name) {
		snprintf(why, wn, xfa_tr("%s/events holds a file that is not an event"), s->dir);
		return 0;
	}
	for (k = 0; k < s->n; k++) {
		struct vevt *e = &s->ev[k];
		if (e->seq != k + 1) {
			snprintf(why, wn, xfa_tr("%s: events are not numbered 1 to %zu"), s->id, s->n);
			return 0;
		}
		if (xfa_evmap_find(&e->commit, m, &e->blob) < 0) {
			snprintf(why, wn, xfa_tr("%s #%u: no commit listed"), s->id, e->seq);
			return 0;
		}
		snprintf(path, sizeof(path), "%s/events/%06u.json", s->dir, e->seq);
		memset(&ci, 0, sizeof(ci));
		if ((err = xfa_store_commit_info(&ci, r->st, &e->commit)) < 0) {
			xfa_error_clear();
			snprintf(why, wn, xfa_tr("%s #%u: the listed commit is unreadable"), s->id, e->seq);
			return 0;
		}
		err = xfa_store_entry_id(&at, r->st, &e->commit, path);
		link = err == 0 && xfa_oid_equal(&at, &e->blob);
		/* a parent holds the folder the previous event left, without
		 * this event (the root commit: the first event of .xfa/) */
		if (link) {
			int found = ci.nparents == 0 && k == 0;
			for (p = 0; !found && p < ci.nparents && p < 2; p++)
				if (folder(&f, r, &ci.parents[p], s->dir) == 0 &&
				    xfa_oid_equal(&f, &prev_folder) &&
				    folder(&f, r, &ci.parents[p], path) == 0 &&
				    xfa_oid_is_zero(&f))
					found = 1;
			link = found;
		}
		if (link && k > 0 &&
		    xfa_store_is_ancestor(r->st, &s->ev[k - 1].commit, &e->commit) != 1)
			link = 0;
		if (link)
			err = folder(&prev_folder, r, &e->commit, s->dir);
		xfa_commit_info_release(&ci);
		xfa_error_clear();
		if (!link || err < 0) {
			snprintf(why, wn, xfa_tr("%s #%u: the listed commit does not add it "
				 "after #%u's"), s->id, e->seq, e->seq - 1);
			return err == XFA_ERROR ? err : 0;
		}
	}
	if ((err = folder(&f, r, &r->head, s->dir)) < 0)
		return err;
	/* (that the last commit is an ancestor of the head: reached())  */
	if (!xfa_oid_equal(&f, &prev_folder)) {
		snprintf(why, wn, xfa_tr("%s: the head's folder is not the one its last "
			 "event's commit left"), s->id);
		return 0;
	}
	return 1;
}

/* The keyring each case commit is checked under is one the archive's own
 * stream left (a verified commit of .xfa/), not one made up beside it. */
static int meta_known(struct vrun *r, const struct vtrace *meta,
		      const struct vtrace *s, char *why, size_t wn)
{
	xfa_oid want, got;
	xfa_commit_info ci;
	size_t k, j, p;
	int ok;

	for (k = 0; k < s->n; k++) {
		memset(&ci, 0, sizeof(ci));
		if (xfa_store_commit_info(&ci, r->st, &s->ev[k].commit) < 0) {
			xfa_error_clear();
			return 0;
		}
		ok = ci.nparents == 0;
		for (p = 0; !ok && p < ci.nparents && p < 2; p++) {
			if (folder(&got, r, &ci.parents[p], XFA_META_DIR) < 0)
				break;
			for (j = 0; !ok && j < meta->n; j++)
				ok = folder(&want, r, &meta->ev[j].commit, XFA_META_DIR) == 0 &&
				     xfa_oid_equal(&want, &got);
		}
		xfa_commit_info_release(&ci);
		if (!ok) {
			xfa_error_clear();
			snprintf(why, wn, xfa_tr("%s #%u: its parent's .xfa/ is none the "
				 "archive's own events left"), s->id, s->ev[k].seq);
			return 0;
		}
	}
	return 1;
}

static int has_id(const struct vrun *r, const xfa_oid *id)
{
	size_t i;

	for (i = 0; i < r->sh.nids; i++)
		if (xfa_oid_equal(&r->ids[i], id))
			return 1;
	return 0;
}

/* One walk from the head until every stream's last commit is met. */
struct reach {
	xfa_oid *want;
	size_t n, left;
};

static int on_reach(const xfa_oid *id, void *payload)
{
	struct reach *w = payload;
	size_t i;

	for (i = 0; i < w->n; i++)
		if (xfa_oid_equal(&w->want[i], id) && !xfa_oid_is_zero(&w->want[i])) {
			memset(&w->want[i], 0, sizeof(w->want[i]));
			if (--w->left == 0)
				return 1;
		}
	return 0;
}

static int reached(struct vrun *r, struct vtrace *s, size_t ns, char *why,
		   size_t wn)
{
	struct reach w = { NULL, 0, 0 };
	size_t i, j;
	int err;

	if (!(w.want = calloc(ns, sizeof(*w.want))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < ns; i++) {
		if (!s[i].n)
			continue;
		for (j = 0; j < w.n; j++)
			if (xfa_oid_equal(&w.want[j], &s[i].ev[s[i].n - 1].commit))
				break;
		if (j == w.n) {
			w.want[w.n++] = s[i].ev[s[i].n - 1].commit;
			w.left++;
		}
	}
	err = w.left ? xfa_store_walk(r->st, &r->head, on_reach, &w) : 0;
	free(w.want);
	if (err < 0)
		return err;
	if (w.left) {
		snprintf(why, wn, "%s", xfa_tr("a stream's last listed commit is not in main's "
			 "history"));
		return 0;
	}
	return 1;
}

/* Trace every stream with list `m`; 1 proven (r->ids filled), 0 not. */
static int trace(struct vrun *r, const xfa_evmap *m, struct vtrace *s,
		 size_t ns, char *why, size_t wn)
{
	size_t i, k;
	int ok;

	r->sh.nids = 0;
	for (i = 0; i < ns; i++) {
		if ((ok = prove(r, m, &s[i], why, wn)) <= 0)
			return ok;
		if (i > 0 && (ok = meta_known(r, &s[0], &s[i], why, wn)) <= 0)
			return ok;
	}
	if ((ok = reached(r, s, ns, why, wn)) <= 0)
		return ok;
	/* newest first, as a walk gives them: the head's side of each chain */
	for (i = ns; i-- > 0;)
		for (k = s[i].n; k-- > 0;)
			if (!has_id(r, &s[i].ev[k].commit) &&
			    xfa_verify_push_id(r, &s[i].ev[k].commit) < 0)
				return XFA_ERROR;
	return 1;
}

/* Every commit, each checked only where it touches the selected cases
 * (or .xfa/): the slow way, when the derived list does not prove them. */
static int walk_all(const xfa_oid *id, void *payload)
{
	return xfa_verify_push_id(payload, id);
}

static int note(struct vrun *r, const char *fmt, const char *a)
{
	char line[900];
	json_t *s;

	snprintf(line, sizeof(line), xfa_tr(fmt), a);
	if (!(s = json_string(line)) || json_array_append_new(r->notes, s) < 0)
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

int xfa_verify_select(struct vrun *r)
{
	static const char *const how_s[] = { "current", "updated", "rebuilt" };
	struct vtrace *s = NULL;
	xfa_evmap *m = NULL;
	size_t ns = r->ndirs + 1, i, events = 0;
	char why[600] = "";
	int how = 0, err = 0, ok = 0, pass;

	if (!(s = calloc(ns, sizeof(*s))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	snprintf(s[0].dir, sizeof(s[0].dir), XFA_META_DIR);
	s[0].id = XFA_META_NAME;
	for (i = 0; i < r->ndirs; i++) {
		snprintf(s[i + 1].dir, sizeof(s[i + 1].dir), "%s", r->dirs[i]);
		s[i + 1].id = r->dir_ids[i];
	}
	for (i = 0; i < ns; i++)
		if ((err = list_events(r, &s[i])) < 0 && err != XFA_ENOTFOUND)
			goto done;
	xfa_error_clear();
	for (pass = 0; pass < 2 && ok != 1; pass++) {
		xfa_evmap_free(m);
		m = NULL;
		if ((err = xfa_evmap_open(&m, &how, r->st, &r->head, pass)) < 0 ||
		    (ok = trace(r, m, s, ns, why, sizeof(why))) < 0) {
			err = err < 0 ? err : ok;
			goto done;
		}
		if (ok != 1 && pass == 0 && how == XFA_EVMAP_REBUILT)
			pass++;           /* just built: no second try */
		if (ok != 1 && (err = note(r, "the derived event list (xfa-evmap) "
				"does not prove the chain: %s", why)) < 0)
			goto done;
	}
	for (i = 0; i < ns; i++)
		events += s[i].n;
	if (ok != 1) {
		if ((err = note(r, "every commit of main was examined for the "
				"selected cases instead", NULL)) < 0)
			goto done;
		r->sh.nids = 0;
		r->sh.dirs = r->dirs;
		r->sh.ndirs = r->ndirs;
		if ((err = xfa_store_walk(r->st, &r->head, walk_all, r)) < 0)
			goto done;
	}
	r->coverage = json_pack("{s:s, s:I, s:s, s:I}", "mode", "cases",
		"events", (json_int_t)events, "derived",
		ok == 1 ? how_s[how] : "walked", "commits", (json_int_t)r->sh.nids);
	if (!r->coverage)
		err = xfa_error_set(XFA_ERROR, "out of memory");
done:
	for (i = 0; i < ns; i++)
		free(s[i].ev);
	free(s);
	xfa_evmap_free(m);
	return err;
}

/* verify_checkpoint.c - the checkpoints given to a verification run (SPEC
 * 7.8): each one's signature and time, the history's relation to its head
 * (extended, rolled back, rewritten; or, for another office, integrated or
 * not yet), and equivocation between two checkpoints of one origin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "keyring.h"
#include "verify_int.h"

static const char *name_of(const struct vcp *c)
{
	return c->name ? c->name : "checkpoint";
}

/* "SHA256:... (name)" of a signer, from the keyring at the head. */
static void who(char *out, size_t n, const struct vrun *r, const char *fpr)
{
	const char *name = xfa_json_str(xfa_keyring_find(r->meta.doc, fpr), "name");

	snprintf(out, n, "%s (%s)", fpr, name ? name : "?");
}

/* Not dated before the commit it names, less the skew. */
static int check_time(struct vrun *r, struct vcp *c)
{
	xfa_commit_info ci;
	xfa_stamp t;
	char msg[700], hex[XFA_OID_HEX];
	int err;

	if (xfa_stamp_parse(&t, c->cp.time) < 0)
		return 0;   /* xfa_checkpoint_read refused it already */
	memset(&ci, 0, sizeof(ci));
	if ((err = xfa_store_commit_info(&ci, r->st, &c->cp.head)) < 0) {
		xfa_error_clear();
		return err == XFA_ERROR ? err : 0;   /* not here: see relation */
	}
	if (t.t < ci.commit_time - r->skew) {
		c->status = "bad-checkpoint";
		xfa_oid_fmt(hex, &c->cp.head);
		snprintf(msg, sizeof(msg), "%s: dated %s, before the commit %.12s "
			 "it names (less the clock skew of %lld s): backdated",
			 name_of(c), c->cp.time, hex, (long long)r->skew);
		err = xfa_verify_add_run(r, R_BAD_CHECKPOINT, &c->cp.head, msg);
	}
	xfa_commit_info_release(&ci);
	return err;
}

/* The commits reachable from `head` must be the checkpoint's count. */
static int check_count(struct vrun *r, struct vcp *c)
{
	char msg[700], hex[XFA_OID_HEX];
	size_t n;
	int err;

	if ((err = xfa_checkpoint_count(&n, r->st, &c->cp.head)) < 0)
		return err;
	if (n == c->cp.count)
		return 0;
	c->status = "bad-checkpoint";
	xfa_oid_fmt(hex, &c->cp.head);
	snprintf(msg, sizeof(msg), "%s: the checkpoint of %s counts %zu commits "
		 "up to %.12s, main has %zu", name_of(c), c->cp.time, c->cp.count,
		 hex, n);
	return xfa_verify_add_run(r, R_BAD_CHECKPOINT, &c->cp.head, msg);
}

/* Does the history extend the checkpointed head? */
static int relation(struct vrun *r, struct vcp *c)
{
	int own = c->since || !strcmp(c->cp.office, r->office);
	char msg[800], hex[XFA_OID_HEX], line[900];
	json_t *s;
	int err;

	xfa_oid_fmt(hex, &c->cp.head);
	if ((err = xfa_store_is_ancestor(r->st, &c->cp.head, &r->head)) == 1) {
		c->status = own ? "ok" : "integrated";
		/* counting walks the whole history up to the head: a full run
		 * walks it anyway; --since and ID runs cost what changed */
		if (r->o->since || r->o->ncases)
			return 0;
		c->counted = 1;
		return check_count(r, c);
	}
	if (err == XFA_ERROR)
		return err;
	xfa_error_clear();
	if (!own) {
		c->status = "not-integrated";
		snprintf(line, sizeof(line), xfa_tr("%s: office %s's head %.12s (%zu "
			 "commits, %s, signed by %s) is not yet integrated into "
			 "this history"), name_of(c), c->cp.office[0] ? c->cp.office
			 : xfa_tr("main (the bureau)"), hex, c->cp.count, c->cp.time,
			 c->cp.signer);
		if (!(s = json_string(line)) || json_array_append_new(r->notes, s) < 0)
			return xfa_error_set(XFA_ERROR, "out of memory");
		return 0;
	}
	if (xfa_store_is_ancestor(r->st, &r->head, &c->cp.head) == 1) {
		c->status = "rollback";
		snprintf(msg, sizeof(msg), "%s: main is behind the checkpoint of %s "
			 "(%zu commits, head %.12s): history went back", name_of(c),
			 c->cp.time, c->cp.count, hex);
		return xfa_verify_add_run(r, R_ROLLBACK, &c->cp.head, msg);
	}
	xfa_error_clear();
	c->status = "history-rewritten";
	snprintf(msg, sizeof(msg), "%s: the head %.12s of the checkpoint of %s "
		 "(%zu commits) is not in main's history: history was rewritten",
		 name_of(c), hex, c->cp.time, c->cp.count);
	return xfa_verify_add_run(r, R_HISTORY_REWRITTEN, &c->cp.head, msg);
}

static int read_one(struct vrun *r, struct vcp *c, const xfa_verify_note *n)
{
	char msg[1100];
	int err;

	c->name = n->name;
	c->status = "bad-checkpoint";
	err = xfa_checkpoint_read(&c->cp, n->text, n->len, r->meta.doc);
	if (err == XFA_ERROR)
		return err;
	if (err < 0) {
		snprintf(msg, sizeof(msg), "%s: %s", name_of(c), xfa_error_last());
		return xfa_verify_add_run(r, R_BAD_CHECKPOINT, NULL, msg);
	}
	c->ok = 1;
	if ((err = relation(r, c)) < 0 || (err = check_time(r, c)) < 0)
		return err;
	return 0;
}

/*
 * Two checkpoints of one origin: the same count must name the same head,
 * and a larger count's head must descend from the smaller one's.  A head
 * this replica does not hold cannot be compared: a note.
 */
static int compare(struct vrun *r, struct vcp *a, struct vcp *b)
{
	char msg[1400], ha[XFA_OID_HEX], hb[XFA_OID_HEX], wa[200], wb[200], line[900];
	struct vcp *lo = a->cp.count <= b->cp.count ? a : b, *hi = lo == a ? b : a;
	json_t *s;
	int rel;

	if (strcmp(a->cp.origin, b->cp.origin) ||
	    (a->cp.count == b->cp.count && xfa_oid_equal(&a->cp.head, &b->cp.head)))
		return 0;
	xfa_oid_fmt(ha, &lo->cp.head);
	xfa_oid_fmt(hb, &hi->cp.head);
	if (lo->cp.count == hi->cp.count)
		rel = 0;
	else if ((rel = xfa_store_is_ancestor(r->st, &lo->cp.head, &hi->cp.head)) < 0)
		return rel;
	else if (rel == 0) {
		xfa_oid t;
		if (xfa_store_commit_tree(&t, r->st, &lo->cp.head) < 0 ||
		    xfa_store_commit_tree(&t, r->st, &hi->cp.head) < 0) {
			xfa_error_clear();
			snprintf(line, sizeof(line), xfa_tr("%s and %s (%s): heads %.12s and "
				 "%.12s cannot be compared, this replica does not hold "
				 "both"), name_of(lo), name_of(hi), lo->cp.origin, ha, hb);
			if (!(s = json_string(line)) ||
			    json_array_append_new(r->notes, s) < 0)
				return xfa_error_set(XFA_ERROR, "out of memory");
			return 0;
		}
	}
	if (rel == 1)
		return 0;
	who(wa, sizeof(wa), r, lo->cp.signer);
	who(wb, sizeof(wb), r, hi->cp.signer);
	if (lo->cp.count == hi->cp.count)
		snprintf(msg, sizeof(msg), "%s and %s of %s both count %zu commits "
			 "but name heads %s (signed by %s) and %s (signed by %s): a "
			 "split view", name_of(lo), name_of(hi), lo->cp.origin,
			 lo->cp.count, ha, wa, hb, wb);
	else
		snprintf(msg, sizeof(msg), "%s of %s counts %zu commits at head %s "
			 "(signed by %s), which does not descend from head %s of %s "
			 "(%zu commits, signed by %s): a split view", name_of(hi),
			 lo->cp.origin, hi->cp.count, hb, wb, ha, name_of(lo),
			 lo->cp.count, wa);
	lo->status = hi->status = "equivocation";
	return xfa_verify_add_run(r, R_CHECKPOINT_EQUIVOCATION, &hi->cp.head, msg);
}

static json_t *cp_json(const struct vcp *c)
{
	char hex[XFA_OID_HEX];

	if (!c->ok)
		return json_pack("{s:s, s:s}", "file", name_of(c), "status", c->status);
	xfa_oid_fmt(hex, &c->cp.head);
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:b, s:b}",
		"file", name_of(c), "status", c->status, "origin", c->cp.origin,
		"office", c->cp.office[0] ? c->cp.office : "main",
		"count", (json_int_t)c->cp.count, "head", hex, "time", c->cp.time,
		"signer", c->cp.signer, "since", c->since, "counted", c->counted);
}

int xfa_verify_checkpoints(struct vrun *r)
{
	const xfa_verify_opts *o = r->o;
	xfa_verify_note one = { NULL, o->checkpoint, o->checkpoint_len };
	size_t n = o->nnotes + (o->checkpoint != NULL) + (o->since != NULL), i, j;
	json_t *list;
	int err;

	r->skew = r->meta.skew;   /* clock_skew_minutes, default 10 */
	if ((err = xfa_checkpoint_office(r->office, sizeof(r->office), r->st)) < 0)
		return err;
	if (!n)
		return 0;
	if (!(r->cps = calloc(n, sizeof(*r->cps))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	if (o->since) {
		r->cps[r->ncps].since = 1;
		if ((err = read_one(r, &r->cps[r->ncps++], o->since)) < 0)
			return err;
	}
	if (o->checkpoint && (err = read_one(r, &r->cps[r->ncps++], &one)) < 0)
		return err;
	for (i = 0; i < o->nnotes; i++)
		if ((err = read_one(r, &r->cps[r->ncps++], &o->notes[i])) < 0)
			return err;
	for (i = 0; i < r->ncps; i++)
		for (j = i + 1; j < r->ncps; j++)
			if (r->cps[i].ok && r->cps[j].ok &&
			    (err = compare(r, &r->cps[i], &r->cps[j])) < 0)
				return err;
	if (o->since && r->cps[0].ok && !strcmp(r->cps[0].status, "ok")) {
		r->since_ok = 1;
		r->since_head = r->cps[0].cp.head;
	}
	if (!(list = json_array()))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < r->ncps; i++)
		json_array_append_new(list, cp_json(&r->cps[i]));
	r->cp = list;
	return 0;
}

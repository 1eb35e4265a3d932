/* verify_commit.c - one commit against its parent alone: its signature and
 * author, the paths it changes and the stream they belong to, merges, the
 * root commit; the event itself is verify_event.c's. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "keyring.h"
#include "sshsig.h"
#include "verify_int.h"

/* Changes kept per commit; a commit with more is reported by count. */
#define CHANGES_MAX 512
/* A regular (non-executable) file in a git tree. */
#define MODE_BLOB 0100644

int xfa_verify_find(struct vc *c, int reason, const char *case_id, long seq,
		    const char *path, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), xfa_tr(fmt), ap);
	va_end(ap);
	c->seen[reason] = 1;
	return xfa_verify_add(c->t->sh, reason, case_id, seq, &c->ci.id, path,
			      c->order, c->sub++, msg);
}

int xfa_verify_soft(struct vc *c, int err, const char *case_id,
		    const char *path)
{
	if (err == XFA_ERROR)
		return err;
	return xfa_verify_find(c, R_UNREADABLE_OBJECT, case_id, 0, path,
			       "%s", xfa_error_last());
}

struct vchange *xfa_verify_change(struct vc *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nch; i++)
		if (!strcmp(c->ch[i].path, path))
			return &c->ch[i];
	return NULL;
}

/* --- the changed paths and their streams ------------------------------ */

int xfa_verify_on_change(const xfa_change *x, void *payload)
{
	struct vc *c = payload;
	struct vchange *n;

	if (c->nch == CHANGES_MAX) {
		c->more++;
		return 0;
	}
	if (c->nch == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		if (!(n = realloc(c->ch, cap * sizeof(*n))))
			return xfa_error_set(XFA_ERROR, "out of memory");
		c->ch = n;
		c->cap = cap;
	}
	n = &c->ch[c->nch];
	memset(n, 0, sizeof(*n));
	if (!(n->path = strdup(x->path)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	n->status = x->status;
	n->old_id = x->old_id;
	n->new_id = x->new_id;
	n->old_tree = x->old_tree;
	n->mode = x->new_mode;
	n->stream = -1;
	c->nch++;
	return 0;
}

/*
 * The stream `path` belongs to: ".xfa" or a case folder whose canonical
 * place (xfa_case_dir) is exactly where the path has it.  0 if none.
 */
static int stream_of(struct vstream *s, const char *path)
{
	char canon[256], seg[XFA_CASE_ID_MAX + 1];
	const char *p, *slash;

	memset(s, 0, sizeof(*s));
	s->event = -1;
	if (!strncmp(path, XFA_META_DIR "/", sizeof(XFA_META_DIR))) {
		snprintf(s->dir, sizeof(s->dir), XFA_META_DIR);
		snprintf(s->id, sizeof(s->id), XFA_META_NAME);
		s->docname = XFA_META_DOC;
		return 1;
	}
	if (strncmp(path, "cases/", 6) && strncmp(path, "risks/", 6))
		return 0;
	for (p = path + 6; (slash = strchr(p, '/')); p = slash + 1) {
		size_t n = (size_t)(slash - p), dlen = (size_t)(slash - path);
		if (n >= sizeof(seg) || n > XFA_CASE_ID_MAX)
			continue;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (xfa_case_dir_under(canon, sizeof(canon), path, seg) == 0 &&
		    strlen(canon) == dlen && !strncmp(canon, path, dlen)) {
			snprintf(s->dir, sizeof(s->dir), "%s", canon);
			snprintf(s->id, sizeof(s->id), "%s", seg);
			s->docname = XFA_CASE_DOC;
			return 1;
		}
	}
	xfa_error_clear();
	return 0;
}

/* Is `rel` (a path inside a stream) "events/NNNNNN.json"? */
static int is_event_file(const char *rel)
{
	return strlen(rel) == 18 && !strncmp(rel, "events/", 7) &&
	       strspn(rel + 7, "0123456789") == 6 && !strcmp(rel + 13, ".json");
}

/* Give every change its stream, and every stream its added event. */
int xfa_verify_group(struct vc *c)
{
	struct vstream s;
	size_t i, j;

	for (i = 0; i < c->nch; i++) {
		struct vchange *x = &c->ch[i];
		if (!stream_of(&s, x->path))
			continue;
		for (j = 0; j < c->nstreams; j++)
			if (!strcmp(c->streams[j].dir, s.dir))
				break;
		if (j == c->nstreams) {
			if (j == VSTREAMS_MAX)
				continue;    /* reported as outside any stream */
			c->streams[c->nstreams++] = s;
		}
		x->stream = (int)j;
		if (x->status == 'A' && c->streams[j].event < 0 &&
		    is_event_file(x->path + strlen(s.dir) + 1))
			c->streams[j].event = (int)i;
	}
	return 0;
}

/* The stream whose event the commit records: the one its message names. */
static struct vstream *primary(struct vc *c)
{
	const char *msg = c->ci.message ? c->ci.message : "";
	struct vstream *first = NULL;
	size_t i, n;

	for (i = 0; i < c->nstreams; i++) {
		struct vstream *s = &c->streams[i];
		if (s->event < 0)
			continue;
		n = strlen(s->id);
		if (!strncmp(msg, s->id, n) && msg[n] == ' ')
			return s;
		if (!first)
			first = s;
	}
	return first ? first : c->nstreams ? &c->streams[0] : NULL;
}

/* Streams other than `main` in one commit: mixed-commit, once each. */
static int report_mixed(struct vc *c, const struct vstream *main)
{
	size_t i, j, n;
	int err;

	for (i = 0; i < c->nstreams; i++) {
		if (&c->streams[i] == main)
			continue;
		for (j = n = 0; j < c->nch; j++)
			if (c->ch[j].stream == (int)i) {
				c->ch[j].used = 1;
				n++;
			}
		if ((err = xfa_verify_find(c, R_MIXED_COMMIT, c->streams[i].id, 0,
				c->streams[i].dir, n == 1 ?
				N_("commit %.12s also changes %s (%zu file) besides %s") :
				N_("commit %.12s also changes %s (%zu files) besides %s"),
				c->hex, c->streams[i].id, n, main->id)) < 0)
			return err;
	}
	return 0;
}

/* Why a change no event accounts for is wrong. */
static const char *leftover_why(const struct vchange *x, const struct vc *c)
{
	const char *rel = x->path;

	if (x->stream >= 0)
		rel += strlen(c->streams[x->stream].dir) + 1;
	if (x->status == 'D')
		return "a file was deleted";
	if (x->status == 'T' || (x->mode && x->mode != MODE_BLOB))
		return "not a regular file";
	if (x->stream < 0)
		return "a file outside any case or the archive's metadata";
	if (!strncmp(rel, "events/", 7))
		return x->status == 'M' ? "an earlier event was changed"
					: "an event file no event accounts for";
	if (!strncmp(rel, "attachments/", 12))
		return x->status == 'M' ? "an earlier attachment was replaced"
					: "an attachment the event does not list";
	if (!strcmp(rel, c->streams[x->stream].docname))
		return "the document changed without an event";
	return "a file the event does not account for";
}

/* Every file a commit adds or changes is a regular file: bad-mode. */
int xfa_verify_modes(struct vc *c)
{
	size_t i;
	int err;

	for (i = 0; i < c->nch; i++) {
		struct vchange *x = &c->ch[i];
		if (x->status == 'D' || x->mode == MODE_BLOB)
			continue;
		if ((err = xfa_verify_find(c, R_BAD_MODE,
				x->stream >= 0 ? c->streams[x->stream].id : NULL, 0,
				x->path, "%s is stored with mode %06o, not as a regular "
				"file (100644)", x->path, (unsigned)x->mode)) < 0)
			return err;
	}
	return 0;
}

/* Every change nothing accounted for: unaccounted-file. */
int xfa_verify_leftovers(struct vc *c)
{
	size_t i;
	int err;

	for (i = 0; i < c->nch; i++) {
		const struct vchange *x = &c->ch[i];
		if (x->used)
			continue;
		if ((err = xfa_verify_find(c, R_UNACCOUNTED_FILE,
				x->stream >= 0 ? c->streams[x->stream].id : NULL, 0,
				x->path, "%s: %s (%c)", x->path, leftover_why(x, c),
				x->status)) < 0)
			return err;
	}
	if (c->more)
		return xfa_verify_find(c, R_UNACCOUNTED_FILE, NULL, 0, NULL,
			"and %zu more changed files", c->more);
	return 0;
}

/* --- the commit's signature and author --------------------------------- */

/* The key record that signed the commit must be known and unrevoked. */
static int check_key(struct vc *c, const json_t *rec)
{
	const char *rev;

	if (!rec)
		return xfa_verify_find(c, R_UNKNOWN_KEY, c->cid, 0, NULL,
			"commit signed by %s, which is not in the keyring", c->signer);
	if ((rev = xfa_json_str(rec, "revoked_at")))
		return xfa_verify_find(c, R_KEY_REVOKED, c->cid, 0, NULL,
			"commit signed by %s (%s), revoked at %s before this commit",
			c->signer, xfa_json_str(rec, "name"), rev);
	return 0;
}

static int same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

int xfa_verify_signature(struct vc *c)
{
	const char *principal;
	const json_t *rec;
	xfa_pubkey pk;
	int err;

	if (!c->ci.signature)
		return xfa_verify_find(c, R_UNSIGNED_COMMIT, c->cid, 0, NULL,
				       "commit %.12s is not signed", c->hex);
	if (xfa_sshsig_verify(&pk, c->ci.signature, strlen(c->ci.signature), "git",
			      (const unsigned char *)c->ci.signed_data,
			      c->ci.signed_len) < 0)
		return xfa_verify_find(c, R_BAD_COMMIT_SIGNATURE, c->cid, 0, NULL,
				       "commit %.12s: %s", c->hex, xfa_error_last());
	c->t->sigs++;
	xfa_pubkey_fingerprint(c->signer, &pk);
	if (!c->keyring)
		return 0;
	rec = xfa_keyring_find(c->keyring, c->signer);
	if ((err = check_key(c, rec)) < 0 || !rec)
		return err;
	principal = xfa_keyring_principal(rec);
	if (!same(c->ci.author_email, principal) ||
	    !same(c->ci.committer_email, principal) ||
	    !same(c->ci.author_name, xfa_json_str(rec, "name")))
		return xfa_verify_find(c, R_AUTHOR_MISMATCH, c->cid, 0, NULL,
			"commit %.12s: author %s <%s>, committer <%s>, but the key "
			"%s belongs to %s <%s>", c->hex, c->ci.author_name,
			c->ci.author_email, c->ci.committer_email, c->signer,
			xfa_json_str(rec, "name"), principal);
	return 0;
}

/* --- root and selection ----------------------------------------- */

/* The root's keyring: the archive.json the root commit itself holds. */
static int load_own(struct vc *c)
{
	char *buf = NULL;
	size_t len;
	int err;

	err = xfa_store_read(&buf, &len, c->t->st, &c->ci.id,
			     XFA_META_DIR "/" XFA_META_DOC);
	if (err == 0)
		err = xfa_json_parse(&c->own, buf, len, XFA_META_DIR "/" XFA_META_DOC);
	free(buf);
	if (err == XFA_ERROR)
		return err;
	if (err < 0)
		return xfa_verify_find(c, R_BAD_ROOT, XFA_META_NAME, 1, NULL,
			"the first commit %.12s holds no readable archive.json: %s",
			c->hex, xfa_error_last());
	c->keyring = c->own;
	return 0;
}

/* The root commit records the init event of the archive's own stream. */
static int check_root(struct vc *c, const struct vstream *main)
{
	struct vshared *sh = c->t->sh;
	const char *root = xfa_json_str(c->own, "root");
	char other[XFA_FPR_SIZE] = "";

	if (!main || strcmp(main->id, XFA_META_NAME) || main->event < 0)
		return xfa_verify_find(c, R_BAD_ROOT, main ? main->id : NULL, 0,
			NULL, "the first commit %.12s is not the archive's init event",
			c->hex);
	if (!root)
		return 0;
	pthread_mutex_lock(&sh->mu);
	if (sh->root[0] && strcmp(sh->root, root))
		snprintf(other, sizeof(other), "%s", sh->root);
	else
		snprintf(sh->root, sizeof(sh->root), "%s", root);
	pthread_mutex_unlock(&sh->mu);
	if (other[0])
		return xfa_verify_find(c, R_BAD_ROOT, XFA_META_NAME, 1, NULL,
			"a second root commit %.12s names root %s, not %s",
			c->hex, root, other);
	if (sh->trust && strcmp(sh->trust, root))
		return xfa_verify_find(c, R_UNTRUSTED_ROOT, XFA_META_NAME, 1, NULL,
			"the archive's root key is %s, not the trusted %s", root,
			sh->trust);
	return 0;
}

/* Stop the diff when a path lies in a selected case or in .xfa/. */
static int selected_path(const xfa_change *x, void *payload)
{
	const struct vshared *sh = payload;
	size_t i, n;

	if (!strncmp(x->path, XFA_META_DIR "/", sizeof(XFA_META_DIR)))
		return 1;
	for (i = 0; i < sh->ndirs; i++) {
		n = strlen(sh->dirs[i]);
		if (!strncmp(x->path, sh->dirs[i], n) && x->path[n] == '/')
			return 1;
	}
	return 0;
}

/* With cases selected: does this commit touch them (or the keyring)? */
static int selected(struct vc *c)
{
	int r;

	if (!c->t->sh->dirs || c->ci.nparents != 1)
		return 1;
	r = xfa_store_diff(c->t->st, &c->parent_tree, &c->ci.tree,
			   selected_path, c->t->sh);
	return r != 0;   /* on a read error, check it and report */
}

/* --- one commit -------------------------------------------------------- */

/* A commit with one parent, or the root. */
static int check_linear(struct vc *c)
{
	struct vstream *main;
	int err;

	if (c->parent && (err = xfa_verify_meta(&c->meta, c->t, c->parent)) < 0)
		return err == XFA_ERROR ? err : 0;  /* reported where it broke */
	if (c->parent)
		c->keyring = c->meta->doc;
	else if ((err = load_own(c)) < 0)
		return err;
	if ((err = xfa_store_diff(c->t->st, c->parent ? &c->parent_tree : NULL,
				  &c->ci.tree, xfa_verify_on_change, c)) < 0)
		return xfa_verify_soft(c, err, NULL, NULL);
	if ((err = xfa_verify_group(c)) < 0 || (err = xfa_verify_modes(c)) < 0)
		return err;
	main = primary(c);
	c->cid = main ? main->id : NULL;
	if ((err = xfa_verify_signature(c)) < 0)
		return err;
	if (!c->parent && (err = check_root(c, main)) < 0)
		return err;
	if (!c->nch && !c->more)
		return xfa_verify_find(c, R_MISSING_EVENT, c->cid, 0, NULL,
			"commit %.12s records no event and changes nothing", c->hex);
	if (main && (err = report_mixed(c, main)) < 0)
		return err;
	if (main && main->event >= 0 && (err = xfa_verify_event(c, main)) < 0)
		return err;
	return xfa_verify_leftovers(c);
}

/* --since: remember the cases this commit changed, for their deadlines. */
static int note_touched(struct vthread *t, const struct vc *c)
{
	size_t i;

	if (c->ci.nparents > 1)
		t->merges++;
	for (i = 0; i < c->nstreams; i++) {
		if (!strcmp(c->streams[i].id, XFA_META_NAME))
			continue;
		if (t->ntouched == t->captouched) {
			size_t cap = t->captouched ? t->captouched * 2 : 64;
			char **n = realloc(t->touched, cap * sizeof(*n));
			if (!n)
				return xfa_error_set(XFA_ERROR, "out of memory");
			t->touched = n;
			t->captouched = cap;
		}
		if (!(t->touched[t->ntouched] = strdup(c->streams[i].id)))
			return xfa_error_set(XFA_ERROR, "out of memory");
		t->ntouched++;
	}
	return 0;
}

int xfa_verify_commit(struct vthread *t, const xfa_oid *id, size_t order)
{
	struct vc c;
	size_t i;
	int err;

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.order = order;
	xfa_oid_fmt(c.hex, id);
	if ((err = xfa_store_commit_info(&c.ci, t->st, id)) < 0) {
		c.ci.id = *id;
		return xfa_verify_soft(&c, err, NULL, NULL);
	}
	if (c.ci.nparents == 1) {
		c.parent = &c.ci.parents[0];
		if ((err = xfa_store_commit_tree_time(&c.parent_tree, &c.parent_time,
						      t->st, c.parent)) < 0) {
			err = xfa_verify_soft(&c, err, NULL, NULL);
			goto done;
		}
	}
	if (!selected(&c))
		goto done;
	t->commits++;
	err = c.ci.nparents > 1 ? xfa_verify_merge(&c) : check_linear(&c);
	if (!err && t->sh->touched)
		err = note_touched(t, &c);
done:
	for (i = 0; i < c.nch; i++)
		free(c.ch[i].path);
	free(c.ch);
	json_decref(c.own);
	xfa_commit_info_release(&c.ci);
	return err;
}

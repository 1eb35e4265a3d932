/* import.c - bulk import of cases and their histories from JSON lines: one
 * batch of signed commits built in memory, one pack, one compare-and-swap.
 * The rules are those of single writes: register and every later event go
 * through case.c's batch builders (workflow, schemas, keyring, signatures). */
#define _XOPEN_SOURCE 700
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "error.h"
#include "json.h"
#include "schema.h"

#define LINE_MAX_BYTES (8u << 20)
#define PROGRESS_EVERY 500

struct importer {
	xfa_archive *a;
	const xfa_import_opts *o;
	xfa_import_result *r;
	xfa_batch *batch;        /* NULL once a workflow rule failed */
	size_t max_problems;
	char (*fpr)[XFA_FPR_SIZE];  /* the keys' fingerprints */
	json_t *held;            /* legacy_ref -> case id, in the archive */
	json_t *seen;            /* legacy_ref -> line, in this file */
};

/* Record a problem on line `line` (event `ev`, 0 for the case itself). */
static void problem(struct importer *im, unsigned long line, size_t ev,
		    int code, const char *msg)
{
	json_t *p;

	if (!im->r->first_code)
		im->r->first_code = code ? code : XFA_ERROR;
	im->r->refused++;
	if (json_array_size(im->r->problems) >= im->max_problems)
		return;
	p = json_pack("{s:I, s:s}", "line", (json_int_t)line, "message",
		      msg && *msg ? msg : xfa_error_name(code));
	if (p && ev)
		json_object_set_new(p, "event", json_integer((json_int_t)ev));
	if (p)
		json_array_append_new(im->r->problems, p);
}

/* The supplied key whose fingerprint is `fpr`, or NULL. */
static const xfa_key *key_for(const struct importer *im, const char *fpr)
{
	size_t i;

	for (i = 0; fpr && i < im->o->nkeys; i++)
		if (!strcmp(im->fpr[i], fpr))
			return im->o->keys[i];
	return NULL;
}

/* --- legacy references ------------------------------------------------- */

struct refscan {
	xfa_store *st;
	json_t *held;
};

/* Note `ref` as case `id`'s. */
static int hold(struct refscan *s, const char *id, const char *ref)
{
	if (json_object_set_new(s->held, ref, json_string(id)) < 0)
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

/*
 * The legacy_ref of case `id`, whose document is blob `blob`, if it has one.
 * The common form ("legacy_ref": "...", once, no escapes) is read in place;
 * anything else is parsed as JSON.
 */
static int scan_doc(struct refscan *s, const char *id, const xfa_oid *blob)
{
	static const char key[] = "\"legacy_ref\"";
	char *buf = NULL, *p, *end;
	json_t *doc = NULL;
	size_t len = 0;
	int err;

	if ((err = xfa_store_read_blob(&buf, &len, s->st, blob, (size_t)64 << 20)) < 0)
		return err;
	if (!(p = strstr(buf, key)))
		goto done;
	end = p + strlen(key);
	end += strspn(end, " \t\r\n");
	if (*end == ':') {
		end++;
		end += strspn(end, " \t\r\n");
	}
	if (*end == '"' && (p = end + 1) && (end = strpbrk(p, "\"\\")) &&
	    *end == '"' && !strstr(end, key)) {
		*end = '\0';
		err = hold(s, id, p);
	} else if ((err = xfa_json_parse(&doc, buf, len, id)) == 0 &&
		   xfa_json_str(doc, "legacy_ref")) {
		err = hold(s, id, xfa_json_str(doc, "legacy_ref"));
	}
done:
	json_decref(doc);
	free(buf);
	return err;
}

struct dir_ent {
	char name[64];
	xfa_oid id;
	int mode;
};

struct dir_list {
	struct dir_ent *e;
	size_t n, cap;
};

static int collect(const char *name, const xfa_oid *id, int mode, void *payload)
{
	struct dir_list *l = payload;

	if (strlen(name) >= sizeof(l->e->name))
		return 0;   /* no fan-out or case folder has such a name */
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 128;
		struct dir_ent *e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return xfa_error_set(XFA_ERROR, "out of memory");
		l->e = e;
		l->cap = cap;
	}
	snprintf(l->e[l->n].name, sizeof(l->e->name), "%s", name);
	l->e[l->n].id = *id;
	l->e[l->n].mode = mode;
	l->n++;
	return 0;
}

/* Folder `name` (tree `tree`): a case folder if it holds case.json, else
 * a fan-out folder to descend (each tree read once, events/ never). */
static int scan_dir(struct refscan *s, const xfa_oid *tree, const char *name,
		    int depth)
{
	struct dir_list l;
	size_t i;
	int err;

	memset(&l, 0, sizeof(l));
	if ((err = xfa_store_tree_each(s->st, tree, collect, &l)) < 0)
		goto done;
	for (i = 0; i < l.n; i++)
		if (l.e[i].mode != 040000 && !strcmp(l.e[i].name, XFA_CASE_DOC)) {
			err = scan_doc(s, name, &l.e[i].id);
			goto done;
		}
	for (i = 0; i < l.n && !err && depth < 6; i++)
		if (l.e[i].mode == 040000)
			err = scan_dir(s, &l.e[i].id, l.e[i].name, depth + 1);
done:
	free(l.e);
	return err;
}

/*
 * The legacy references of the cases in the archive at `at`: one walk of
 * the folders above the cases (each tree read once) and one read of each
 * case's case.json, parsed only when it is not of the common form.
 */
static int scan_refs(struct importer *im, const xfa_oid *at)
{
	struct refscan s;
	xfa_oid cases;
	int err;

	s.st = xfa_archive_store(im->a);
	s.held = im->held;
	err = xfa_store_entry_id(&cases, s.st, at, "cases");
	if (err == XFA_ENOTFOUND) {
		xfa_error_clear();
		return 0;
	}
	return err < 0 ? err : scan_dir(&s, &cases, "cases", 0);
}

/* A line whose legacy_ref the archive holds, or an earlier line has. */
static int check_ref(struct importer *im, const json_t *doc,
		     unsigned long line)
{
	const char *ref = xfa_json_str(json_object_get(doc, "case"), "legacy_ref");
	const json_t *had;

	if (!ref)
		return 0;   /* the schema requires it */
	if ((had = json_object_get(im->held, ref)))
		xfa_error_set(XFA_EINVALID,
			"line %lu: legacy_ref '%s' is case %s in the archive already",
			line, ref, json_string_value(had));
	else if ((had = json_object_get(im->seen, ref)))
		xfa_error_set(XFA_EINVALID, "line %lu: legacy_ref '%s' repeats line %lld",
			      line, ref, (long long)json_integer_value(had));
	else if (json_object_set_new(im->seen, ref, json_integer((json_int_t)line)) < 0)
		xfa_error_set(XFA_ERROR, "out of memory");
	else
		return 0;
	problem(im, line, 0, xfa_error_code(), xfa_error_last());
	return xfa_error_code();
}

/* Static checks of one parsed line: schema, legacy_ref, and a key for every
 * signer. */
static int check_line(struct importer *im, const json_t *doc,
		      unsigned long line)
{
	char what[48];
	json_t *ev;
	size_t i;
	int err;

	snprintf(what, sizeof(what), xfa_tr("line %lu"), line);
	if ((err = xfa_schema_check("import-line.schema.json", doc, what)) < 0) {
		problem(im, line, 0, err, xfa_error_last());
		return err;
	}
	if ((err = check_ref(im, doc, line)) < 0)
		return err;
	if (!key_for(im, xfa_json_str(doc, "by"))) {
		xfa_error_set(XFA_EAUTH, "line %lu: no --key was given for signer %s",
			      line, xfa_json_str(doc, "by"));
		problem(im, line, 0, XFA_EAUTH, xfa_error_last());
		return XFA_EAUTH;
	}
	json_array_foreach(json_object_get(doc, "events"), i, ev)
		if (!key_for(im, xfa_json_str(ev, "by"))) {
			xfa_error_set(XFA_EAUTH,
				"line %lu, event %zu: no --key was given for signer %s",
				line, i + 1, xfa_json_str(ev, "by"));
			problem(im, line, i + 1, XFA_EAUTH, xfa_error_last());
			return XFA_EAUTH;
		}
	return 0;
}

/* One later event of a case, inside the batch. */
static int import_event(struct importer *im, const char *id, const json_t *ev)
{
	xfa_case_opts co;
	const char *to = xfa_json_str(ev, "to");

	memset(&co, 0, sizeof(co));
	co.note = xfa_json_str(ev, "note");
	co.effective = xfa_json_str(ev, "effective");
	co.role = xfa_json_str(ev, "role");
	co.patch = json_object_get(ev, "set");
	if (to)
		return xfa_case_move_batch(NULL, im->batch,
					   key_for(im, xfa_json_str(ev, "by")), id, to, &co);
	return xfa_case_record_batch(NULL, im->batch,
				     key_for(im, xfa_json_str(ev, "by")), id,
				     xfa_json_str(ev, "type"), &co);
}

/* Register the case of one checked line and append its events. */
static int import_case(struct importer *im, const json_t *doc,
		       unsigned long line)
{
	xfa_case_opts co;
	char *id = NULL, *code = NULL;
	json_t *ev, *rec;
	size_t i = 0;
	int err;

	memset(&co, 0, sizeof(co));
	co.note = xfa_json_str(doc, "note");
	co.role = xfa_json_str(doc, "role");
	if ((err = xfa_case_register_batch(&id, &code, im->batch,
			key_for(im, xfa_json_str(doc, "by")),
			json_object_get(doc, "case"), &co)) < 0) {
		xfa_error_wrap(err, "line %lu: registration", line);
		problem(im, line, 0, err, xfa_error_last());
		return err;
	}
	im->r->events++;
	json_array_foreach(json_object_get(doc, "events"), i, ev) {
		if ((err = import_event(im, id, ev)) < 0) {
			xfa_error_wrap(err, "line %lu, event %zu (%s)", line, i + 1,
				       xfa_json_str(ev, "to") ? xfa_json_str(ev, "to")
							      : xfa_json_str(ev, "type"));
			problem(im, line, i + 1, err, xfa_error_last());
			break;
		}
		if (++im->r->events % PROGRESS_EVERY == 0 && im->o->progress)
			im->o->progress(im->r->lines, im->r->events, im->o->payload);
	}
	if (err == 0) {
		rec = json_pack("{s:I, s:s, s:s, s:I}", "line", (json_int_t)line,
				"id", id, "query_code", code, "events",
				(json_int_t)(json_array_size(json_object_get(doc, "events")) + 1));
		if (!rec || json_array_append_new(im->r->cases, rec) < 0)
			err = xfa_error_set(XFA_ERROR, "out of memory");
	}
	free(id);
	free(code);
	return err;
}

/* Blank lines (only spaces, tabs, CR) are skipped. */
static int blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* One line of the file: parse, check, and (while all is well) write. */
static void one_line(struct importer *im, const char *buf, size_t len,
		     unsigned long line)
{
	char what[48];
	json_t *doc = NULL;
	int err;

	snprintf(what, sizeof(what), xfa_tr("line %lu"), line);
	if (len > LINE_MAX_BYTES) {
		xfa_error_set(XFA_EINVALID, "line %lu: longer than %u bytes", line,
			      LINE_MAX_BYTES);
		problem(im, line, 0, XFA_EINVALID, xfa_error_last());
		return;
	}
	if ((err = xfa_json_parse(&doc, buf, len, what)) < 0) {
		/* the parser counts lines within the line: a syntax error is
		 * named by the file's line alone (whatever the language) */
		json_error_t jerr;
		json_t *v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!v && *jerr.text && strstr(xfa_error_last(), jerr.text))
			xfa_error_set(err, "line %lu: invalid JSON: %s", line, jerr.text);
		json_decref(v);
		problem(im, line, 0, err, xfa_error_last());
		return;
	}
	if (check_line(im, doc, line) == 0 && im->batch &&
	    import_case(im, doc, line) < 0) {
		/* the batch is spoiled: later lines get the static checks only */
		xfa_batch_free(im->batch);
		im->batch = NULL;
	}
	json_decref(doc);
}

/* Read every line of `f`. */
static int read_lines(struct importer *im, FILE *f, const char *path)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&buf, &cap, f)) >= 0) {
		im->r->lines++;
		if (!blank(buf, (size_t)n))
			one_line(im, buf, (size_t)n, im->r->lines);
	}
	free(buf);
	if (ferror(f))
		return xfa_error_set(XFA_EIO, "cannot read '%s'", path);
	return 0;
}

/* Write the pack, then move the head. */
static int publish(struct importer *im)
{
	xfa_store *st = xfa_archive_store(im->a);
	int err;

	if (!im->r->events)
		return 0;
	if ((err = xfa_store_bulk_flush(st)) < 0)
		return err;
	if ((err = xfa_batch_publish(im->batch)) == XFA_ECONFLICT)
		return xfa_error_set(XFA_ECONFLICT,
			"the archive changed while importing; nothing was imported, run the import again");
	return err;
}

/* Note the archive's legacy references at the head, and start the batch
 * on that same head (the publish's compare-and-swap keeps it so). */
static int begin(struct importer *im)
{
	xfa_store *st = xfa_archive_store(im->a);
	xfa_oid h1, h2;
	int err;

	if ((err = xfa_store_head(&h1, st)) < 0 ||
	    (err = scan_refs(im, &h1)) < 0 ||
	    (err = xfa_batch_begin(&im->batch, im->a)) < 0 ||
	    (err = xfa_store_head(&h2, st)) < 0)
		return err;
	if (!xfa_oid_equal(&h1, &h2))
		return xfa_error_set(XFA_ECONFLICT,
			"the archive changed while importing; nothing was imported, run the import again");
	return 0;
}

int xfa_import_file(xfa_import_result *out, xfa_archive *a, const char *path,
		    const xfa_import_opts *o)
{
	struct importer im;
	xfa_store *st = xfa_archive_store(a);
	FILE *f = NULL;
	size_t i;
	int err, bulk = 0;

	memset(out, 0, sizeof(*out));
	memset(&im, 0, sizeof(im));
	out->cases = json_array();
	out->problems = json_array();
	if (!out->cases || !out->problems)
		return xfa_error_set(XFA_ERROR, "out of memory");
	im.a = a;
	im.o = o;
	im.r = out;
	im.max_problems = o->max_problems ? o->max_problems : 100;
	if (!(f = fopen(path, "rb")))
		return xfa_error_set(XFA_ENOTFOUND, "cannot open '%s'", path);
	if (!(im.held = json_object()) || !(im.seen = json_object()) ||
	    !(im.fpr = calloc(o->nkeys + 1, sizeof(*im.fpr)))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	for (i = 0; i < o->nkeys; i++)
		xfa_pubkey_fingerprint(im.fpr[i], xfa_key_public(o->keys[i]));
	if ((err = xfa_store_bulk_begin(st)) < 0)
		goto done;
	bulk = 1;
	if ((err = begin(&im)) < 0)
		goto done;
	if ((err = read_lines(&im, f, path)) < 0)
		goto done;
	if (o->progress)
		o->progress(out->lines, out->events, o->payload);
	if (out->first_code) {
		err = xfa_error_set(out->first_code, "%s: lines refused: %lu; nothing was imported",
				    path, out->refused);
		goto done;
	}
	if (im.batch && !o->check_only)
		err = publish(&im);
done:
	xfa_batch_free(im.batch);
	json_decref(im.held);
	json_decref(im.seen);
	free(im.fpr);
	if (bulk)
		xfa_store_bulk_end(st);
	fclose(f);
	return err;
}

void xfa_import_result_release(xfa_import_result *r)
{
	json_decref(r->cases);
	json_decref(r->problems);
	memset(r, 0, sizeof(*r));
}

/* case.c - petition cases: ids and folders, registration, moves and other
 * signed events, and reading cases back. */
#include "case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attachment.h"
#include "error.h"
#include "json.h"
#include "key.h"
#include "keyring.h"
#include "schema.h"

/* Fields of a case that xfa derives; a clerk never sets them. */
static const char *const derived_fields[] = {
	"id", "workflow", "status", "query_hash", "due", "milestones",
	"extensions", "attachments", "archive", NULL
};

/* The parts of a case id. */
typedef struct case_id {
	char prefix[9], office[9];
	int year;
	unsigned number;
} case_id;

static int all_of(const char *s, size_t n, const char *set)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return 0;
	return 1;
}

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGIT "0123456789"

static int parse_id(case_id *out, const char *id)
{
	const char *p[5];
	size_t len[4], n = 0, i;
	const char *s = id;

	memset(out, 0, sizeof(*out));
	if (!id || strlen(id) > XFA_CASE_ID_MAX)
		goto bad;
	p[n++] = s;
	for (; *s; s++)
		if (*s == '-') {
			if (n == 4)
				goto bad;
			p[n++] = s + 1;
		}
	p[n] = s + 1;
	for (i = 0; i < n; i++)
		len[i] = (size_t)(p[i + 1] - p[i] - 1);
	if ((n != 3 && n != 4) || len[0] < 1 || len[0] > 8 ||
	    !all_of(p[0], len[0], UPPER) || len[1] != 4 ||
	    !all_of(p[1], 4, DIGIT) || len[n - 1] != 6 ||
	    !all_of(p[n - 1], 6, DIGIT))
		goto bad;
	if (n == 4 && (len[2] < 1 || len[2] > 8 || !all_of(p[2], len[2], UPPER DIGIT)))
		goto bad;
	memcpy(out->prefix, p[0], len[0]);
	if (n == 4)
		memcpy(out->office, p[2], len[2]);
	out->year = atoi(p[1]);
	out->number = (unsigned)strtoul(p[n - 1], NULL, 10);
	if (out->number == 0)
		goto bad;
	return 0;
bad:
	return xfa_error_set(XFA_EINVALID,
		"'%s' is not a case id (PREFIX-YYYY-NNNNNN, e.g. XF-2026-000123)",
		id ? id : "");
}

/* "cases/2026" or "risks/2026/A01": the folder of one year's (office's) records. */
static void year_dir(char *out, size_t n, const char *root, int year,
		     const char *office)
{
	if (office && *office)
		snprintf(out, n, "%s/%04d/%s", root, year, office);
	else
		snprintf(out, n, "%s/%04d", root, year);
}

/* The register folder `path` starts in ("cases", "risks"), or NULL. */
static const char *root_of(const char *path)
{
	if (!strncmp(path, "cases/", 6) || !strcmp(path, "cases"))
		return "cases";
	if (!strncmp(path, "risks/", 6) || !strcmp(path, "risks"))
		return "risks";
	return NULL;
}

int xfa_case_dir_under(char *out, size_t n, const char *path, const char *id)
{
	const char *root = root_of(path);
	char base[64];
	case_id c;
	int err;

	if ((err = parse_id(&c, id)) < 0)
		return err;
	if (!root)
		return xfa_error_set(XFA_EINVALID, "'%s' is not in a register folder", path);
	year_dir(base, sizeof(base), root, c.year, c.office);
	snprintf(out, n, "%s/%02u/%02u/%s", base, c.number / 10000,
		 c.number / 100 % 100, id);
	return 0;
}

int xfa_case_dir(char *out, size_t n, const char *id)
{
	return xfa_case_dir_under(out, n, "cases", id);
}

/* Kinds for folders that fit no register of the archive (see case.h). */
static const xfa_kind no_case = { "case", "cases", NULL, "case.schema.json",
	NULL, "a case folder holds an id with the risk ledger's prefix" };
static const xfa_kind no_risk = { "risk", "risks", NULL, "risk.schema.json",
	NULL, "a risk folder holds an id without the risk ledger's prefix" };
static const xfa_kind no_meta = { "case", "cases", NULL, "case.schema.json",
	NULL, "no archive metadata" };

/* Is the prefix of `id` (up to its first '-') `prefix`? */
static int has_prefix(const char *id, const char *prefix)
{
	size_t n = prefix ? strlen(prefix) : 0;

	return n && !strncmp(id, prefix, n) && id[n] == '-';
}

const xfa_kind *xfa_kind_of_id(const xfa_meta *m, const char *id)
{
	const xfa_kind *r;

	if (!m)
		return &no_meta;
	r = &m->kinds[XFA_KIND_RISK];
	if (r->prefix && id && has_prefix(id, r->prefix))
		return r;
	return &m->kinds[XFA_KIND_CASE];
}

const xfa_kind *xfa_kind_of_dir(const xfa_meta *m, const char *dir)
{
	const char *root = root_of(dir), *id = strrchr(dir, '/');
	const xfa_kind *r, *k;

	id = id ? id + 1 : dir;
	if (!root || !strcmp(root, "cases")) {
		if (!m)
			return &no_meta;
		k = xfa_kind_of_id(m, id);
		return k == &m->kinds[XFA_KIND_CASE] ? k : &no_case;
	}
	if (!m)
		return &no_risk;
	r = &m->kinds[XFA_KIND_RISK];
	if (!r->wf)
		return r;
	return has_prefix(id, r->prefix) ? r : &no_risk;
}

int xfa_record_dir(char *out, size_t n, const xfa_meta *m, const char *id)
{
	return xfa_case_dir_under(out, n, xfa_kind_of_id(m, id)->root, id);
}

/* The largest name in folder `dir` that is `width` digits; -1 if none. */
static int max_numeric(long *out, xfa_store *st, const xfa_oid *commit,
		       const char *dir, size_t width)
{
	char **names = NULL;
	size_t n = 0, i;
	int err;

	*out = -1;
	err = xfa_store_list(&names, &n, st, commit, dir);
	if (err == XFA_ENOTFOUND)
		return 0;
	if (err < 0)
		return err;
	for (i = 0; i < n; i++)
		if (strlen(names[i]) == width && all_of(names[i], width, DIGIT) &&
		    atol(names[i]) > *out)
			*out = atol(names[i]);
	xfa_strv_free(names);
	return 0;
}

/* The highest case number in use for a year (and office); 0 if none. */
static int highest_number(unsigned *out, xfa_store *st, const xfa_oid *commit,
			  const char *root, int year, const char *office)
{
	char dir[128], sub[160], **names = NULL;
	long ab, cd;
	size_t n = 0, i;
	int err;

	*out = 0;
	year_dir(dir, sizeof(dir), root, year, office);
	if ((err = max_numeric(&ab, st, commit, dir, 2)) < 0 || ab < 0)
		return err;
	snprintf(sub, sizeof(sub), "%s/%02d", dir, (int)ab);
	if ((err = max_numeric(&cd, st, commit, sub, 2)) < 0 || cd < 0)
		return err;
	snprintf(sub, sizeof(sub), "%s/%02d/%02d", dir, (int)ab, (int)cd);
	if ((err = xfa_store_list(&names, &n, st, commit, sub)) < 0)
		return err == XFA_ENOTFOUND ? 0 : err;
	for (i = 0; i < n; i++) {
		case_id c;
		if (parse_id(&c, names[i]) == 0 && c.number > *out)
			*out = c.number;
	}
	xfa_strv_free(names);
	xfa_error_clear();
	return 0;
}

/*
 * The event's "effective" from the user's text: a full RFC 3339 time as
 * given, or a date taken as noon that day in the archive's offset (or the
 * recording time, if noon has not come yet).
 */
static int effective_stamp(json_t *ev, const char *text, const xfa_stamp *now)
{
	char buf[XFA_STAMP_SIZE];
	xfa_stamp s;
	long day;

	if (!text)
		return 0;
	if (strlen(text) == 10) {
		if (xfa_date_parse(&day, text) < 0)
			return xfa_error_wrap(XFA_EINVALID, "--effective");
		s.off = now->off;
		s.t = (int64_t)day * 86400 + 12 * 3600 - (int64_t)now->off * 60;
		if (s.t > now->t && day == xfa_stamp_day(now))
			s = *now;   /* today, before noon: now (a later day is refused below) */
	} else if (xfa_stamp_parse(&s, text) < 0) {
		return xfa_error_wrap(XFA_EINVALID, "--effective");
	}
	if (s.t > now->t)
		return xfa_error_set(XFA_EINVALID,
			"effective time %s is in the future", text);
	xfa_stamp_format(buf, &s);
	json_object_set_new(ev, "effective", json_string(buf));
	return 0;
}

/* The document of record `id` at `commit`, or NULL (message set). */
static json_t *doc_at(xfa_store *st, const xfa_oid *commit, const xfa_meta *m,
		      const char *id)
{
	char dir[200];
	json_t *doc;

	if (xfa_record_dir(dir, sizeof(dir), m, id) < 0)
		return NULL;
	/* a damaged or missing object is not "no such case" */
	if (xfa_case_doc_at(&doc, st, commit, dir) == XFA_ENOTFOUND)
		xfa_error_set(XFA_ENOTFOUND, "no %s '%s'",
			      xfa_kind_of_id(m, id)->name, id);
	return doc;
}

/* Attachments of this event: no duplicate names within the case. */
static int add_attachments(json_t *ev, const json_t *before,
			   const xfa_staged *att, size_t natt, const char *id)
{
	json_t *arr = json_array(), *a;
	size_t i, j;

	if (!natt) {
		json_decref(arr);
		return 0;
	}
	for (i = 0; i < natt; i++) {
		const char *name = xfa_json_str(att[i].rec, "name");
		json_array_foreach(json_object_get(before, "attachments"), j, a)
			if (!strcmp(xfa_json_str(a, "name"), name)) {
				json_decref(arr);
				return xfa_error_set(XFA_EEXISTS,
					"case %s already has an attachment named '%s'", id, name);
			}
		for (j = 0; j < i; j++)
			if (!strcmp(xfa_json_str(att[j].rec, "name"), name)) {
				json_decref(arr);
				return xfa_error_set(XFA_EINVALID,
					"two attachments named '%s'", name);
			}
		json_array_append(arr, att[i].rec);
	}
	json_object_set_new(ev, "attachments", arr);
	return 0;
}

/* A field naming a petition case (repeat_of, a risk's petition) names one. */
static int check_case_ref(json_t **out, xfa_append_ctx *c, const char *field,
			  const char *id)
{
	*out = NULL;
	if (!id)
		return 0;
	if (xfa_kind_of_id(c->meta, id) != &c->meta->kinds[XFA_KIND_CASE])
		return xfa_error_set(XFA_EINVALID, "%s '%s' is not a case id", field, id);
	if (!(*out = doc_at(xfa_archive_store(c->a), c->base, c->meta, id)))
		return xfa_error_set(XFA_ENOTFOUND,
			"%s names no case '%s' in this archive", field, id);
	return 0;
}

/* Run the workflow of the stream's register over the built event. */
static int apply_workflow(json_t *ev, xfa_append_ctx *c, const json_t *before,
			  int internal, const xfa_kind *k)
{
	const char *rep = xfa_json_str(before ? before : json_object_get(ev, "patch"),
				       "repeat_of");
	json_t *repeat = NULL, *link = NULL;
	xfa_wf_ctx w;
	int err;

	memset(&w, 0, sizeof(w));
	if (!k->wf)
		return xfa_error_set(XFA_EINVALID, "%s", k->why);
	c->doc_schema = k->schema;
	if (k == &c->meta->kinds[XFA_KIND_RISK] &&   /* the case a risk became */
	    (err = check_case_ref(&link, c, "petition", xfa_json_str(
			json_object_get(ev, "patch"), "petition"))) < 0)
		return err;
	json_decref(link);
	if ((err = check_case_ref(&repeat, c, "repeat_of", rep)) < 0)
		return err;
	w.before = before;
	w.allow_internal = internal;
	w.repeat_of = repeat;
	w.roles = c->roles;
	w.cal = c->meta->cal;
	err = xfa_workflow_apply(ev, k->wf, &w);
	json_decref(repeat);
	return err;
}

/* Common fields: note, role, effective. */
static int set_common(json_t *ev, xfa_append_ctx *c, const xfa_case_opts *o)
{
	if (o->note)
		json_object_set_new(ev, "note", json_string(o->note));
	if (o->role)
		json_object_set_new(ev, "role", json_string(o->role));
	return effective_stamp(ev, o->effective, &c->now);
}

struct reg_job {
	const xfa_kind *kind;    /* of the attempt's metadata */
	int risk;                /* register a risk item, not a case */
	const json_t *input;
	const xfa_case_opts *o;
	const xfa_staged *att;
	size_t natt;
	char id[XFA_CASE_ID_MAX + 1];
	char code[20];
};

/* The registration patch: the clerk's fields and what xfa derives. */
static json_t *register_patch(const struct reg_job *j)
{
	json_t *p = json_deep_copy(j->input);
	char hash[65];
	size_t heads;

	if (!p)
		return NULL;
	json_object_set_new(p, "id", json_string(j->id));
	json_object_set_new(p, "workflow", json_string(xfa_workflow_id(j->kind->wf)));
	if (j->risk)    /* a risk item has no petitioner to give a query code */
		return p;
	xfa_case_query_hash(hash, j->code);
	json_object_set_new(p, "query_hash", json_string(hash));
	heads = json_array_size(json_object_get(p, "petitioners"));
	if (!json_object_get(p, "headcount"))
		json_object_set_new(p, "headcount", json_integer((json_int_t)(heads ? heads : 1)));
	if (!json_object_get(p, "collective"))
		json_object_set_new(p, "collective",
			json_boolean(xfa_json_int(p, "headcount", 1) >= 5));
	return p;
}

/*
 * The office code of new ids: this clone's own (git config xfa.office, set
 * by `xfa clone --office`; each clone has its own, so ids never collide),
 * else the archive's configured one, else none.
 */
static const char *case_office(char *buf, size_t n, xfa_append_ctx *c)
{
	char *v = NULL;

	if (xfa_store_config_get(&v, xfa_archive_store(c->a), "xfa.office") < 0) {
		xfa_error_clear();
		return xfa_json_str(c->meta->doc, "office");
	}
	snprintf(buf, n, "%s", v);
	free(v);
	return buf;
}

static int build_register(json_t *ev, xfa_append_ctx *c, void *payload)
{
	struct reg_job *j = payload;
	char obuf[16];
	const char *office = case_office(obuf, sizeof(obuf), c);
	char dir[200];
	unsigned top;
	xfa_stamp recv;
	json_t *patch;
	int err;

	j->kind = &c->meta->kinds[j->risk ? XFA_KIND_RISK : XFA_KIND_CASE];
	if (!j->kind->wf)
		return xfa_error_set(XFA_EINVALID, "%s", j->kind->why);
	if ((err = xfa_stamp_parse(&recv, xfa_json_str(j->input, "received_at"))) < 0)
		return xfa_error_wrap(err, "received_at");
	recv.t += (int64_t)recv.off * 60; /* the year in the writer's own offset */
	{
		char ymd[XFA_STAMP_SIZE];
		xfa_stamp z = { recv.t, 0 };
		xfa_stamp_format(ymd, &z);
		if ((err = highest_number(&top, xfa_archive_store(c->a), c->base,
					  j->kind->root, atoi(ymd), office)) < 0)
			return err;
		if (top >= 999999)
			return xfa_error_set(XFA_EINVALID, "%s numbers for %.4s are used up",
					     j->kind->name, ymd);
		snprintf(j->id, sizeof(j->id), "%s-%.4s-%s%s%06u",
			 j->kind->prefix, ymd, office ? office : "",
			 office ? "-" : "", top + 1);
	}
	if ((err = xfa_case_dir_under(dir, sizeof(dir), j->kind->root, j->id)) < 0 ||
	    (err = xfa_append_stream(c, j->id, dir, XFA_CASE_DOC)) < 0)
		return err;
	if (c->stream.seq)
		return xfa_error_set(XFA_ECONFLICT, "%s %s exists already", j->kind->name, j->id);
	if (!j->risk)
		xfa_case_new_code(j->code);
	if (!(patch = register_patch(j)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	json_object_set_new(ev, "patch", patch);
	json_object_set_new(ev, "type", json_string("register"));
	json_object_set(ev, "effective", json_object_get(j->input, "received_at"));
	if ((err = set_common(ev, c, j->o)) < 0 ||
	    (err = add_attachments(ev, NULL, j->att, j->natt, j->id)) < 0)
		return err;
	return apply_workflow(ev, c, NULL, 0, j->kind);
}

/* Write attachment blobs once, before the append loop. */
static int stage_all(xfa_staged **out, xfa_archive *a, const xfa_case_opts *o)
{
	const xfa_meta *m;
	xfa_staged *att;
	uint64_t max;
	size_t i;
	int err;

	*out = NULL;
	if (!o->nattach)
		return 0;
	if ((err = xfa_archive_meta(&m, a)) < 0)
		return err;
	max = (uint64_t)xfa_json_int(m->doc, "attachment_max",
				     (long long)XFA_ATTACHMENT_MAX_DEFAULT);
	if (!(att = calloc(o->nattach, sizeof(*att))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	for (i = 0; i < o->nattach; i++) {
		char *kind = NULL;
		const char *path;
		if ((err = xfa_attachment_spec(&kind, &path, o->attach[i])) == 0)
			err = xfa_attachment_stage(&att[i], xfa_archive_store(a), kind, path, max);
		free(kind);
		if (err < 0) {
			while (i--)
				xfa_staged_release(&att[i]);
			free(att);
			return err;
		}
	}
	*out = att;
	return 0;
}

static void staged_free(xfa_staged *att, size_t n)
{
	size_t i;

	for (i = 0; att && i < n; i++)
		xfa_staged_release(&att[i]);
	free(att);
}

/* The clerk's document must not set what xfa derives. */
static int check_input(const json_t *input, int risk)
{
	size_t i;
	int err;

	if (!json_is_object(input))
		return xfa_error_set(XFA_EINVALID, "a %s document is a JSON object",
				     risk ? "risk" : "case");
	if (risk)     /* the workflow says which fields it takes; the schema checks the rest */
		return xfa_json_check(input, "risk document");
	for (i = 0; derived_fields[i]; i++)
		if (json_object_get(input, derived_fields[i]))
			return xfa_error_set(XFA_EINVALID,
				"case document: field '%s' is set by xfa, not in the document",
				derived_fields[i]);
	if ((err = xfa_json_check(input, "case document")) < 0)
		return err;
	return xfa_schema_check("case-input.schema.json", input, "case document");
}

int xfa_case_check_input(const json_t *input)
{
	return check_input(input, 0);
}

/* Register directly (a) or inside a batch (b, no attachments). */
static int register_in(char **out_id, char **out_code, xfa_archive *a,
		       xfa_batch *b, const xfa_key *key, const json_t *input,
		       const xfa_case_opts *o, int risk)
{
	struct reg_job j;
	xfa_append ap;
	xfa_staged *att = NULL;
	int err;

	*out_id = NULL;
	if (out_code)
		*out_code = NULL;
	memset(&j, 0, sizeof(j));
	j.risk = risk;
	if ((err = check_input(input, risk)) < 0 || (a && (err = stage_all(&att, a, o)) < 0))
		return err;
	j.input = input;
	j.o = o;
	j.att = att;
	j.natt = o->nattach;
	memset(&ap, 0, sizeof(ap));
	ap.doc_schema = "case.schema.json";
	ap.build = build_register;
	ap.payload = &j;
	ap.att = att;
	ap.natt = o->nattach;
	err = b ? xfa_batch_append(NULL, NULL, b, key, &ap)
		: xfa_archive_append(NULL, NULL, a, key, &ap);
	staged_free(att, o->nattach);
	if (err < 0)
		return err;
	*out_id = strdup(j.id);
	if (out_code)
		*out_code = strdup(j.code);
	if (!*out_id || (out_code && !*out_code))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

int xfa_risk_register(char **out_id, xfa_archive *a, const xfa_key *key,
		      const json_t *input, const xfa_case_opts *o)
{
	return register_in(out_id, NULL, a, NULL, key, input, o, 1);
}

int xfa_case_register(char **out_id, char **out_code, xfa_archive *a,
		      const xfa_key *key, const json_t *input,
		      const xfa_case_opts *o)
{
	return register_in(out_id, out_code, a, NULL, key, input, o, 0);
}

int xfa_case_register_batch(char **out_id, char **out_code, xfa_batch *b,
			    const xfa_key *key, const json_t *input,
			    const xfa_case_opts *o)
{
	if (o->nattach)
		return xfa_error_set(XFA_EINVALID, "a batched registration takes no attachments");
	return register_in(out_id, out_code, NULL, b, key, input, o, 0);
}

struct ev_job {
	const char *id, *type, *to;
	const xfa_case_opts *o;
	const xfa_staged *att;
	size_t natt;
};

static int build_event(json_t *ev, xfa_append_ctx *c, void *payload)
{
	struct ev_job *j = payload;
	const xfa_kind *k = xfa_kind_of_id(c->meta, j->id);
	char dir[200];
	int err;

	if ((err = xfa_record_dir(dir, sizeof(dir), c->meta, j->id)) < 0 ||
	    (err = xfa_append_stream(c, j->id, dir, XFA_CASE_DOC)) < 0)
		return err;
	if (!c->stream.seq)
		return xfa_error_set(XFA_ENOTFOUND, "no %s '%s'", k->name, j->id);
	json_object_set_new(ev, "type", json_string(j->type));
	if (j->to)
		json_object_set_new(ev, "to", json_string(j->to));
	json_object_set_new(ev, "patch", j->o->patch ? json_deep_copy(j->o->patch)
						     : json_object());
	if ((err = set_common(ev, c, j->o)) < 0 ||
	    (err = add_attachments(ev, c->stream.doc, j->att, j->natt, j->id)) < 0)
		return err;
	if (!json_object_get(ev, "effective"))
		json_object_set(ev, "effective", json_object_get(ev, "at"));
	return apply_workflow(ev, c, c->stream.doc, j->o->internal, k);
}

int xfa_case_build_event(json_t *ev, xfa_append_ctx *c, const char *id,
			 const char *type, const xfa_case_opts *o)
{
	struct ev_job j = { id, type, NULL, o, NULL, 0 };

	return build_event(ev, c, &j);
}

static int case_event(unsigned *out_seq, xfa_archive *a, xfa_batch *batch,
		      const xfa_key *key, struct ev_job *j)
{
	xfa_staged *att = NULL;
	xfa_append ap;
	char dir[200];
	int err;

	if ((err = xfa_case_dir(dir, sizeof(dir), j->id)) < 0)
		return err;
	if (j->o->patch && (err = xfa_json_check(j->o->patch, "--set")) < 0)
		return err;
	if (a && (err = stage_all(&att, a, j->o)) < 0)
		return err;
	j->att = att;
	j->natt = j->o->nattach;
	memset(&ap, 0, sizeof(ap));
	ap.doc_schema = "case.schema.json";
	ap.build = build_event;
	ap.payload = j;
	ap.att = att;
	ap.natt = j->natt;
	err = batch ? xfa_batch_append(NULL, out_seq, batch, key, &ap)
		    : xfa_archive_append(NULL, out_seq, a, key, &ap);
	staged_free(att, j->natt);
	return err;
}

int xfa_case_move_batch(unsigned *out_seq, xfa_batch *b, const xfa_key *key,
			const char *id, const char *to, const xfa_case_opts *o)
{
	struct ev_job j = { id, "move", to, o, NULL, 0 };

	if (o->nattach)
		return xfa_error_set(XFA_EINVALID, "a batched move takes no attachments");
	return case_event(out_seq, NULL, b, key, &j);
}

int xfa_case_record_batch(unsigned *out_seq, xfa_batch *b, const xfa_key *key,
			  const char *id, const char *type, const xfa_case_opts *o)
{
	struct ev_job j = { id, type, NULL, o, NULL, 0 };

	if (!strcmp(type, "move") || !strcmp(type, "register"))
		return xfa_error_set(XFA_EINVALID, "'%s' is not a status-free event", type);
	if (o->nattach)
		return xfa_error_set(XFA_EINVALID, "a batched event takes no attachments");
	return case_event(out_seq, NULL, b, key, &j);
}

int xfa_case_move(unsigned *out_seq, xfa_archive *a, const xfa_key *key,
		  const char *id, const char *to, const xfa_case_opts *o)
{
	struct ev_job j = { id, "move", to, o, NULL, 0 };

	return case_event(out_seq, a, NULL, key, &j);
}

int xfa_case_record(unsigned *out_seq, xfa_archive *a, const xfa_key *key,
		    const char *id, const char *type, const xfa_case_opts *o)
{
	struct ev_job j = { id, type, NULL, o, NULL, 0 };

	if (!strcmp(type, "move") || !strcmp(type, "register"))
		return xfa_error_set(XFA_EINVALID, "'%s' is not a status-free event", type);
	return case_event(out_seq, a, NULL, key, &j);
}

int xfa_case_load(json_t **out, xfa_archive *a, const char *id)
{
	const xfa_meta *m;
	xfa_oid head;
	int err;

	*out = NULL;
	if ((err = xfa_case_dir((char[200]){ 0 }, 200, id)) < 0 ||
	    (err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_store_head(&head, xfa_archive_store(a))) < 0)
		return err;
	if (!(*out = doc_at(xfa_archive_store(a), &head, m, id)))
		return xfa_error_code() ? xfa_error_code() : XFA_ERROR;
	return 0;
}

/* Descend the fan-out folders below `dir`, calling fn at each case folder. */
static int each_in(xfa_store *st, const xfa_oid *commit, const char *dir,
		   int depth, int (*fn)(const char *, const char *, void *),
		   void *payload)
{
	char **names = NULL, sub[256];
	size_t n = 0, i;
	int err;

	err = xfa_store_list(&names, &n, st, commit, dir);
	if (err == XFA_ENOTFOUND)
		return 0;
	if (err < 0)
		return err;
	for (i = 0; i < n && !err; i++) {
		case_id c;
		snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
		if (parse_id(&c, names[i]) == 0)
			err = fn(names[i], sub, payload);
		else if (depth < 5)
			err = each_in(st, commit, sub, depth + 1, fn, payload);
	}
	xfa_strv_free(names);
	xfa_error_clear();
	return err;
}

int xfa_case_each(xfa_store *st, const xfa_oid *commit,
		  int (*fn)(const char *id, const char *dir, void *payload),
		  void *payload)
{
	return each_in(st, commit, "cases", 0, fn, payload);
}

int xfa_risk_each(xfa_store *st, const xfa_oid *commit,
		  int (*fn)(const char *id, const char *dir, void *payload),
		  void *payload)
{
	return each_in(st, commit, "risks", 0, fn, payload);
}

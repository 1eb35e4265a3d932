/* export_verify.c - `xfa verify-export`: checking a filing package offline,
 * with nothing but the package and, at best, one trusted fingerprint: the
 * container and the bag, the manifest of cases against the case folders,
 * the root of trust, the archivist's signature, and the report.  The
 * replay of the signed history is export_prove.c's. */
#define _GNU_SOURCE
#include "export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "event.h"
#include "export_vx.h"
#include "json.h"
#include "keyring.h"
#include "schema.h"
#include "sshsig.h"
#include "stamp.h"

void xfa_vx_find(struct vx *v, const char *file, const char *reason,
		 const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), xfa_tr(fmt), ap);
	va_end(ap);
	json_array_append_new(v->findings, json_pack("{s:s, s:s, s:s}", "file",
		file, "reason", reason, "message", msg));
}

static void bag_finding(const char *file, const char *reason, const char *msg,
			void *payload)
{
	xfa_vx_find(payload, file ? file : "", reason, "%s", msg);
}

/* Case attachments are hashed, not kept; everything else is read (and
 * bounded by the reader's limit on kept bytes). */
static int keep(const char *path, uint64_t size, void *payload)
{
	(void)size;
	(void)payload;
	return !strstr(path, "/attachments/") || !strncmp(path, "data/archive/", 13);
}

json_t *xfa_vx_json(struct vx *v, const char *path, const char *schema)
{
	const xfa_bag_file *f = xfa_bag_find(v->b, path);
	json_t *doc = NULL;

	if (!f || !f->data) {
		xfa_vx_find(v, path, "missing-file", "the package has no %s", path);
		return NULL;
	}
	if (!strcmp(path, "data/verify-report.json")) {
		/* the report holds a real number (seconds): plain JSON, not xfa's
		 * integer-only documents */
		json_error_t je;
		if (!(doc = json_loadb(f->data, f->size, JSON_REJECT_DUPLICATES, &je)))
			xfa_error_set(XFA_EINVALID, "%s: line %d: %s", path, je.line, je.text);
	} else if (xfa_json_parse(&doc, f->data, f->size, path) < 0) {
		doc = NULL;
	}
	if (!doc || (schema && xfa_schema_check(schema, doc, path) < 0)) {
		xfa_vx_find(v, path, "malformed-document", "%s", xfa_error_last());
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* --- the root of trust and the signature -------------------------------- */

/* The chain of `fpr` to the root by the keys' added_by, as an array. */
static json_t *chain_of(const json_t *keyring, const char *fpr)
{
	json_t *chain = json_array();
	int hops;

	for (hops = 0; chain && fpr && hops < 64; hops++) {
		const json_t *rec = xfa_keyring_find(keyring, fpr);
		json_array_append_new(chain, json_string(fpr));
		if (!rec || !strcmp(fpr, xfa_json_str(keyring, "root") ?
				    xfa_json_str(keyring, "root") : ""))
			break;
		fpr = xfa_json_str(rec, "added_by");
	}
	return chain;
}

/*
 * Who the package's trust rests on: the root pinned by --trust, or an
 * archivist key pinned by --trust (the root is then where its chain
 * leads), or nothing pinned (the root is named, not trusted).
 */
static void check_root(struct vx *v, json_t *rep, const char *trust,
		       const json_t *final, int64_t t)
{
	const char *root = xfa_json_str(final, "root");
	const char *roles[16];
	json_t *r;

	r = json_pack("{s:s?, s:b, s:s}", "fingerprint", root, "pinned", 0, "by", "none");
	if (!trust) {
		json_object_set_new(r, "statement", json_sprintf(xfa_tr("the root was not "
			"pinned (no --trust): the package proves itself from root key "
			"%s, which only a fingerprint kept apart can confirm"), root));
	} else if (root && !strcmp(trust, root)) {
		json_object_set_new(r, "pinned", json_true());
		json_object_set_new(r, "by", json_string("root"));
		json_object_set_new(r, "statement", json_sprintf(xfa_tr("the root %s is the "
			"trusted key"), root));
	} else if (xfa_keyring_roles(roles, 16, final, trust, t) == 0 &&
		   xfa_roles_has(roles, "archivist")) {
		json_object_set_new(r, "pinned", json_true());
		json_object_set_new(r, "by", json_string("archivist"));
		json_object_set_new(r, "chain", chain_of(final, trust));
		json_object_set_new(r, "statement", json_sprintf(xfa_tr("the trusted key %s is "
			"an archivist of the replayed keyring; the root %s is where its "
			"chain of key-add events leads, not itself pinned"), trust, root));
	} else {
		xfa_vx_find(v, "data/archive", "untrusted-root", "the trusted key %s is "
			    "neither the archive's root (%s) nor an archivist key of the "
			    "keyring its signed stream gives", trust, root ? root : "?");
	}
	json_object_set_new(rep, "root", r);
}

/* The tag manifest is signed (xfa-export) by a key that held the archivist
 * role at the export's time: by the replay, or (old packages) by the
 * package's keyring.json. */
static void check_signature(struct vx *v, json_t *rep, const char *trust)
{
	const char *sigp = "tagmanifest-sha256.txt.sig";
	const xfa_bag_file *tm = xfa_bag_find(v->b, "tagmanifest-sha256.txt");
	const xfa_bag_file *sig = xfa_bag_find(v->b, sigp);
	const char *at = xfa_json_str(v->manifest, "exported_at"), *roles[16];
	json_t *wrap = NULL;
	const json_t *kr, *rec;
	char fpr[XFA_FPR_SIZE];
	xfa_pubkey pk;
	xfa_stamp t;

	if (!tm || !sig) {
		xfa_vx_find(v, tm ? sigp : "tagmanifest-sha256.txt", "missing-file",
			    "the package is not signed: no %s", tm ? sigp : "tag manifest");
		return;
	}
	if (xfa_sshsig_verify(&pk, sig->data, sig->size, XFA_EXPORT_NS,
			      (const unsigned char *)tm->data, tm->size) < 0) {
		xfa_vx_find(v, sigp, "bad-signature", "%s", xfa_error_last());
		return;
	}
	xfa_pubkey_fingerprint(fpr, &pk);
	if (!at || xfa_stamp_parse(&t, at) < 0)
		xfa_stamp_now(&t, 0);
	if (v->stream)
		kr = xfa_vx_keyring_at(v, t.t);
	else
		kr = wrap = json_pack("{s:O}", "keys", v->keys ? v->keys : json_object());
	/* a pinned root admits any archivist of the replay; any other pinned
	 * key must be the signer's */
	if (trust && strcmp(trust, fpr) && !(v->stream && kr && xfa_json_str(kr, "root") &&
					     !strcmp(trust, xfa_json_str(kr, "root")))) {
		xfa_vx_find(v, sigp, "untrusted-signer", "signed by %s, not by the "
			    "trusted key %s", fpr, trust);
		json_decref(wrap);
		return;
	}
	if (!kr || xfa_keyring_roles(roles, 16, kr, fpr, t.t) < 0 ||
	    !xfa_roles_has(roles, "archivist") || !(rec = xfa_keyring_find(kr, fpr))) {
		if (v->stream)
			xfa_vx_find(v, sigp, "untrusted-signer", "signed by %s, which did "
				    "not hold the archivist role by the archive's signed "
				    "stream at the export's time %s", fpr, at ? at : "?");
		else
			xfa_vx_find(v, sigp, "untrusted-signer", "signed by %s, which is "
				    "not an archivist key of the package's keyring.json at "
				    "the export's time %s", fpr, at ? at : "?");
		json_decref(wrap);
		return;
	}
	json_object_set_new(rep, "signer", json_pack("{s:s, s:s}", "fingerprint",
		fpr, "principal", xfa_keyring_principal(rec)));
	json_decref(wrap);
}

/* Every tag file but the signature is in the tag manifest. */
static void check_tag_coverage(struct vx *v)
{
	char **listed = xfa_bag_manifest_paths(v->b, "tagmanifest-sha256.txt");
	size_t i, j;

	if (!listed)
		return;   /* reported by the bag check */
	for (i = 0; i < v->b->n; i++) {
		const char *p = v->b->files[i].path;
		int hit = 0;
		if (!strncmp(p, "data/", 5) || !strncmp(p, "tagmanifest-", 12))
			continue;
		for (j = 0; listed[j] && !hit; j++)
			hit = !strcmp(listed[j], p);
		if (!hit)
			xfa_vx_find(v, p, "unlisted-file", "tag file not in "
				    "tagmanifest-sha256.txt, so the signature does not cover it");
	}
	xfa_bag_strv_free(listed);
}

/* --- the manifest of cases against the folders ------------------------- */

/* Files directly below data/ and folders that are not cases. */
static int batch_name(const char *first)
{
	static const char *const names[] = { "archive", "keys", "export.json",
		"verify-report.json", "inventory.csv", "inventory.html",
		"four-properties.json", "four-properties.txt", NULL };
	size_t i;

	for (i = 0; names[i]; i++)
		if (!strcmp(first, names[i]))
			return 1;
	return 0;
}

/* No case folder that export.json does not list, no folder listed twice. */
static void check_folders(struct vx *v)
{
	json_t *listed = json_object(), *seen = json_object();
	const json_t *c;
	size_t i;

	json_array_foreach(json_object_get(v->manifest, "cases"), i, c) {
		const char *f = xfa_json_str(c, "folder"), *id = xfa_json_str(c, "id");
		if (!f || !id)
			continue;
		if (json_object_get(listed, f) || json_object_get(seen, id))
			xfa_vx_find(v, "data/export.json", "manifest-mismatch", "%s or "
				    "its folder %s is listed twice", id, f);
		json_object_set_new(listed, f, json_true());
		json_object_set_new(seen, id, json_true());
	}
	json_object_clear(seen);
	for (i = 0; i < v->b->n; i++) {
		const char *p = v->b->files[i].path, *slash;
		char first[512];
		if (strncmp(p, "data/", 5))
			continue;
		slash = strchr(p + 5, '/');
		snprintf(first, sizeof(first), "%.*s", slash ? (int)(slash - p - 5)
			 : (int)strlen(p + 5), p + 5);
		if (batch_name(first) || json_object_get(listed, first) ||
		    json_object_get(seen, first))
			continue;
		json_object_set_new(seen, first, json_true());
		xfa_vx_find(v, p, "unlisted-case", "data/%s is not a case export.json "
			    "lists: the package holds a folder nobody declared", first);
	}
	json_decref(listed);
	json_decref(seen);
}

/* The inventory and the four-property report are the ones export.json and
 * the verification report make, byte for byte. */
static void check_made_files(struct vx *v, const json_t *vr)
{
	char *csv = NULL, *html = NULL, *text = NULL;
	const xfa_bag_file *f;
	json_t *four = NULL, *stored;

	if (xfa_export_inventory(&csv, &html, v->manifest) == 0) {
		if (!(f = xfa_bag_find(v->b, "data/inventory.csv")) || !f->data ||
		    f->size != strlen(csv) || memcmp(f->data, csv, f->size))
			xfa_vx_find(v, "data/inventory.csv", "inventory-mismatch",
				    "the inventory is not the one export.json gives");
		f = xfa_bag_find(v->b, "data/inventory.html");
		if (f && f->data && xfa_json_int(v->manifest, "format", 1) < 2 &&
		    (f->size != strlen(html) || memcmp(f->data, html, f->size)))
			/* an earlier xfa laid the page out otherwise: its bytes are
			 * in the signed manifest, its data is the CSV's */
			json_array_append_new(v->unproven, json_string(xfa_tr("the printable "
				"inventory (data/inventory.html) was laid out by an "
				"earlier xfa and was not regenerated; data/inventory.csv "
				"was compared")));
		else if (!f || !f->data ||
			 f->size != strlen(html) || memcmp(f->data, html, f->size))
			xfa_vx_find(v, "data/inventory.html", "inventory-mismatch",
				    "the printable inventory is not the one export.json gives");
	}
	if (vr && (four = xfa_export_four(v->manifest, vr)) &&
	    (text = xfa_export_four_text(four))) {
		stored = xfa_vx_json(v, "data/four-properties.json", NULL);
		if (stored && !json_equal(stored, four))
			xfa_vx_find(v, "data/four-properties.json", "inventory-mismatch",
				    "the four-property report is not the one the package's "
				    "manifest and verification report give");
		json_decref(stored);
		if (!(f = xfa_bag_find(v->b, "data/four-properties.txt")) || !f->data ||
		    f->size != strlen(text) || memcmp(f->data, text, f->size))
			xfa_vx_find(v, "data/four-properties.txt", "inventory-mismatch",
				    "the four-property text is not the report's");
	}
	free(csv);
	free(html);
	free(text);
	json_decref(four);
}

/* --- the run ------------------------------------------------------------ */

static void old_format(struct vx *v)
{
	json_array_append_new(v->unproven, json_string(xfa_tr("the package carries no "
		"signed keyring history (written before packages held the archive's "
		"own stream): key roles and validity were taken from "
		"data/keys/keyring.json as it stands, which whoever signed the "
		"package could have written")));
	json_array_append_new(v->unproven, json_string(xfa_tr("the workflow steps, the "
		"roles they allow and the values they derive were not re-proved: the "
		"package carries no workflow definition")));
	json_array_append_new(v->unproven, json_string(xfa_tr("the root of trust is not "
		"known: only --trust with the archivist's fingerprint anchors the "
		"package")));
}

/* Parse export.json and keyring.json and replay the archive's stream
 * (from v->ctx): once, as soon as they have all arrived, or at the end. */
static void load_context(struct vx *v)
{
	const json_t *k;
	const char *fpr;
	xfa_stamp t;

	if (v->ctx_done)
		return;
	v->ctx_done = 1;
	v->b = v->ctx;
	v->manifest = xfa_vx_json(v, "data/export.json", "export-manifest.schema.json");
	if ((v->keys = xfa_vx_json(v, "data/keys/keyring.json", NULL)))
		json_object_foreach(v->keys, fpr, k)
			if (xfa_schema_check("key.schema.json", k, "data/keys/keyring.json") < 0)
				xfa_vx_find(v, "data/keys/keyring.json", "malformed-document",
					    "%s", xfa_error_last());
	v->exported = xfa_stamp_parse(&t, xfa_json_str(v->manifest, "exported_at")) == 0
		      ? t.t : INT64_MAX;
	v->stream = xfa_json_int(v->manifest, "format", 1) >= 2 ||
		    json_object_get(v->manifest, "archive") ||
		    xfa_bag_find(v->b, "data/archive/events/000001.json");
	if (v->stream)
		xfa_vx_replay_archive(v);
	else
		old_format(v);
}

/* --- streaming: each case checked when its folder ends ----------------- */

/* "data/<folder>/..." of a case: the folder; else "" (a batch file). */
static void case_folder(char *out, size_t n, const char *path)
{
	const char *slash;

	out[0] = '\0';
	if (strncmp(path, "data/", 5) || !(slash = strchr(path + 5, '/')))
		return;
	snprintf(out, n, "%.*s", (int)(slash - path - 5), path + 5);
	if (batch_name(out))
		out[0] = '\0';
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const xfa_bag_file *)a)->path, ((const xfa_bag_file *)b)->path);
}

/* A sorted view of some entries of the bag being read (shallow copies). */
static int make_view(xfa_bag *view, const xfa_bag *live, const size_t *idx,
		     size_t n, int context)
{
	size_t i, k = 0;
	char folder[512];

	free(view->files);
	memset(view, 0, sizeof(*view));
	if (!(view->files = malloc((context ? live->n : n) * sizeof(*view->files) + 1)))
		return -1;
	if (context) {
		for (i = 0; i < live->n; i++) {
			case_folder(folder, sizeof(folder), live->files[i].path);
			if (!folder[0])
				view->files[k++] = live->files[i];
		}
	} else {
		for (i = 0; i < n; i++)
			view->files[k++] = live->files[idx[i]];
	}
	view->n = k;
	if (k)
		qsort(view->files, k, sizeof(*view->files), by_path);
	return 0;
}

/* What has arrived of the context, counted as files stream in. */
static void note_context(struct vx *v, const xfa_bag_file *f)
{
	const char *p = f->path;
	size_t l = strlen(p);
	json_t *doc = NULL;

	if (!strcmp(p, "data/export.json")) {
		v->seen.manifest = 1;
		if (f->data && xfa_json_parse(&doc, f->data, f->size, p) == 0) {
			v->seen.format = (int)xfa_json_int(doc, "format", 1);
			v->seen.want_events = (unsigned)xfa_json_int(json_object_get(doc,
						"archive"), "events", 0);
		}
		xfa_error_clear();
	} else if (!strcmp(p, "data/keys/keyring.json")) {
		v->seen.keys = 1;
	} else if (!strcmp(p, "data/archive/archive.json")) {
		v->seen.arcdoc = 1;
		if (f->data && xfa_json_parse(&doc, f->data, f->size, p) == 0)
			v->seen.want_atts = (unsigned)json_array_size(
				json_object_get(doc, "attachments"));
		xfa_error_clear();
	} else if (!strcmp(p, "data/archive/commits.txt")) {
		v->seen.commits = 1;
	} else if (!strncmp(p, "data/archive/events/", 20)) {
		v->seen.events += l > 5 && !strcmp(p + l - 5, ".json");
		v->seen.sigs += l > 4 && !strcmp(p + l - 4, ".sig");
	} else if (!strncmp(p, "data/archive/attachments/", 25)) {
		v->seen.atts++;
	}
	json_decref(doc);
}

static int context_ready(const struct vx *v)
{
	if (!v->seen.manifest || !v->seen.keys)
		return 0;
	if (v->seen.format < 2)
		return 1;
	return v->seen.arcdoc && v->seen.commits && v->seen.events == v->seen.want_events &&
	       v->seen.sigs == v->seen.want_events && v->seen.atts == v->seen.want_atts;
}

/* The case folder that just ended: check it if the context is there, and
 * free what it kept.  Returns the bytes freed. */
static long flush_case(struct vx *v, xfa_bag *live)
{
	const json_t *c, *entry;
	xfa_bag view;
	long freed = 0;
	size_t i;

	if (!v->npend)
		return 0;
	if (!v->ctx_done) {
		if (!context_ready(v)) {
			v->npend = 0;   /* kept: checked at the end */
			return 0;
		}
		if (make_view(&v->view, live, NULL, 0, 1) < 0)
			return XFA_ERROR;
		v->ctx = &v->view;
		load_context(v);
	}
	if (!v->byfolder && (v->byfolder = json_object()))
		json_array_foreach(json_object_get(v->manifest, "cases"), i, c)
			if (xfa_json_str(c, "folder"))
				json_object_set(v->byfolder, xfa_json_str(c, "folder"),
						(json_t *)c);
	entry = json_object_get(v->byfolder, v->cur);
	memset(&view, 0, sizeof(view));
	if (entry && make_view(&view, live, v->pend, v->npend, 0) == 0) {
		v->b = &view;
		xfa_vx_check_case(v, entry);
		v->b = v->ctx;
		json_object_set_new(v->checked, v->cur, json_true());
	}
	free(view.files);
	for (i = 0; i < v->npend; i++) {
		xfa_bag_file *f = &live->files[v->pend[i]];
		if (f->data) {
			freed += (long)f->size;
			free(f->data);
			f->data = NULL;
		}
	}
	v->npend = 0;
	return freed;
}

/* xfa_bag_file_fn: group each case's files and check them as they end. */
static long on_file(xfa_bag *live, size_t i, void *payload)
{
	struct vx *v = payload;
	const xfa_bag_file *f = &live->files[i];
	char folder[512];
	long freed = 0;

	case_folder(folder, sizeof(folder), f->path);
	if (strcmp(folder, v->cur)) {
		if ((freed = flush_case(v, live)) < 0)
			return freed;
		snprintf(v->cur, sizeof(v->cur), "%s", folder);
		if (folder[0] && json_object_get(v->checked, folder))
			xfa_vx_find(v, f->path, "split-case", "the files of case folder "
				    "%s are not together in the package", folder);
	}
	if (v->npend == v->cappend) {
		size_t cap = v->cappend ? v->cappend * 2 : 64;
		size_t *n = realloc(v->pend, cap * sizeof(*n));
		if (!n)
			return XFA_ERROR;
		v->pend = n;
		v->cappend = cap;
	}
	if (!folder[0]) {
		if (v->ctx_done && (!strncmp(f->path, "data/archive/", 13) ||
				    !strcmp(f->path, "data/export.json") ||
				    !strncmp(f->path, "data/keys/", 10)))
			xfa_vx_find(v, f->path, "package-order", "comes after the cases "
				    "were checked; xfa writes the archive's stream, "
				    "export.json and keyring.json first");
		note_context(v, f);
		return freed;
	}
	v->pend[v->npend++] = i;
	return freed;
}

/* After the whole package: what streaming left for the end. */
static void check_contents(struct vx *v, json_t *rep, const char *trust)
{
	json_t *vr = xfa_vx_json(v, "data/verify-report.json", "verify-report.schema.json");
	const json_t *c;
	size_t i;

	if (!v->ctx_done) {
		v->ctx = v->b;
		load_context(v);
	}
	v->b = v->ctx = v->b ? v->b : v->ctx;
	if (vr && !json_is_true(json_object_get(vr, "ok")))
		xfa_vx_find(v, "data/verify-report.json", "verification-failed",
			    "the archive's verification report records findings");
	json_object_set_new(rep, "format", json_integer(v->stream ? 2 : 1));
	if (v->stream && v->nsnap) {
		xfa_stamp t;
		if (xfa_stamp_parse(&t, xfa_json_str(v->manifest, "exported_at")) < 0)
			t.t = v->snap[v->nsnap - 1].at;
		check_root(v, rep, trust, v->snap[v->nsnap - 1].doc, t.t);
	}
	json_array_foreach(json_object_get(v->manifest, "cases"), i, c)
		if (!xfa_json_str(c, "folder") ||
		    !json_object_get(v->checked, xfa_json_str(c, "folder")))
			xfa_vx_check_case(v, c);
	if (v->manifest) {
		check_folders(v);
		check_made_files(v, vr);
	}
	json_decref(vr);
}

int xfa_export_verify(json_t **report, const char *path,
		      const xfa_bag_limits *lim, const char *trust)
{
	struct vx v;
	struct stat sb;
	xfa_bag *b = NULL;
	json_t *rep;
	int err;

	*report = NULL;
	memset(&v, 0, sizeof(v));
	if (stat(path, &sb) < 0)
		return xfa_error_set(XFA_ENOTFOUND, "'%s': no such file", path);
	v.findings = json_array();
	v.unproven = json_array();
	v.docs = json_object();
	v.checked = json_object();
	if (!v.findings || !v.unproven || !v.docs || !v.checked ||
	    !(rep = json_pack("{s:s}", "package", path))) {
		xfa_vx_release(&v);
		json_decref(v.findings);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	err = xfa_bag_read_each(&b, path, lim, keep, on_file, &v);
	v.npend = 0;   /* the bag is sorted now: the last folder's files are
			* checked from it below */
	if (err == XFA_EINVALID) {
		xfa_vx_find(&v, path, "hostile-package", "%s", xfa_error_last());
	} else if (err < 0) {
		json_decref(v.findings);
		xfa_vx_release(&v);
		json_decref(rep);
		return err;
	} else {
		/* the whole package, sorted: what streaming did not check */
		v.b = v.ctx = b;
		json_object_set_new(rep, "bag", json_string(b->name));
		json_object_set_new(rep, "files", json_integer((json_int_t)b->n));
		json_object_set_new(rep, "bytes", json_integer((json_int_t)b->bytes));
		xfa_bag_validate(b, bag_finding, &v);
		check_tag_coverage(&v);
		check_contents(&v, rep, trust);
		check_signature(&v, rep, trust);
	}
	json_object_set_new(rep, "cases", json_integer((json_int_t)v.cases));
	json_object_set_new(rep, "events", json_integer((json_int_t)v.events));
	json_object_set_new(rep, "attachments", json_integer((json_int_t)v.attachments));
	json_object_set_new(rep, "reproved", json_boolean(v.stream && v.stream_ok));
	json_object_set_new(rep, "unproven", json_incref(v.unproven));
	json_object_set_new(rep, "ok", json_boolean(json_array_size(v.findings) == 0));
	json_object_set_new(rep, "findings", v.findings);
	xfa_vx_release(&v);
	xfa_bag_free(b);
	*report = rep;
	return 0;
}

/* export_verify.c - `xfa verify-export`: checking a filing package offline,
 * with nothing but the package: the container, the bag, the archivist's
 * signature, and every case's events, chain, replay and attachments. */
#define _GNU_SOURCE
#include "export.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "event.h"
#include "json.h"
#include "keyring.h"
#include "schema.h"
#include "sshsig.h"
#include "stamp.h"

struct vx {
	const xfa_bag *b;
	json_t *findings;
	json_t *keys;              /* data/keys/keyring.json */
	size_t cases, events, attachments;
};

static void find(struct vx *v, const char *file, const char *reason,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void find(struct vx *v, const char *file, const char *reason,
		 const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(v->findings, json_pack("{s:s, s:s, s:s}", "file",
		file, "reason", reason, "message", msg));
}

static void bag_finding(const char *file, const char *reason, const char *msg,
			void *payload)
{
	find(payload, file ? file : "", reason, "%s", msg);
}

/* Attachments are hashed, not kept; everything else is read. */
static int keep(const char *path, uint64_t size, void *payload)
{
	(void)size;
	(void)payload;
	return !strstr(path, "/attachments/");
}

/* Parse a kept JSON file of the bag; NULL (and a finding) if absent or bad. */
static json_t *load_json(struct vx *v, const char *path, const char *schema)
{
	const xfa_bag_file *f = xfa_bag_find(v->b, path);
	json_t *doc = NULL;

	if (!f || !f->data) {
		find(v, path, "missing-file", "the package has no %s", path);
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
		find(v, path, "malformed-document", "%s", xfa_error_last());
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* The keyring record of `fpr` if it may sign at `t` holding `role` (or any). */
static const json_t *signer_ok(struct vx *v, const char *fpr, int64_t t,
			       const char *role)
{
	json_t *wrap = json_pack("{s:O}", "keys", v->keys);
	const char *roles[16];
	const json_t *rec = NULL;

	if (wrap && xfa_keyring_roles(roles, 16, wrap, fpr, t) == 0 &&
	    (!role || xfa_roles_has(roles, role)))
		rec = json_object_get(v->keys, fpr);
	json_decref(wrap);
	return rec;
}

static void check_signature(struct vx *v, json_t *rep, const char *trust)
{
	const char *sigp = "tagmanifest-sha256.txt.sig";
	const xfa_bag_file *tm = xfa_bag_find(v->b, "tagmanifest-sha256.txt");
	const xfa_bag_file *sig = xfa_bag_find(v->b, sigp);
	const json_t *rec;
	char fpr[XFA_FPR_SIZE];
	xfa_pubkey pk;
	xfa_stamp now;

	if (!tm || !sig) {
		find(v, tm ? sigp : "tagmanifest-sha256.txt", "missing-file",
		     "the package is not signed: no %s", tm ? sigp : "tag manifest");
		return;
	}
	if (xfa_sshsig_verify(&pk, sig->data, sig->size, XFA_EXPORT_NS,
			      (const unsigned char *)tm->data, tm->size) < 0) {
		find(v, sigp, "bad-signature", "%s", xfa_error_last());
		return;
	}
	xfa_pubkey_fingerprint(fpr, &pk);
	if (trust && strcmp(trust, fpr)) {
		find(v, sigp, "untrusted-signer", "signed by %s, not by the trusted "
		     "key %s", fpr, trust);
		return;
	}
	xfa_stamp_now(&now, 0);
	if (!v->keys || !(rec = signer_ok(v, fpr, now.t, "archivist"))) {
		find(v, sigp, "untrusted-signer", "signed by %s, which is not an "
		     "archivist key of the package's keyring (data/keys/keyring.json)",
		     fpr);
		return;
	}
	json_object_set_new(rep, "signer", json_pack("{s:s, s:s}", "fingerprint",
		fpr, "principal", xfa_keyring_principal(rec)));
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
			find(v, p, "unlisted-file", "tag file not in tagmanifest-sha256.txt, "
			     "so the signature does not cover it");
	}
	xfa_bag_strv_free(listed);
}

/* One event of a case: its file, signature, place in the chain. */
static int check_event(struct vx *v, const char *dir, const char *id,
		       unsigned seq, const xfa_bag_file *prev, json_t **doc)
{
	char path[700], sigp[700], prevhex[65];
	const xfa_bag_file *f, *s;
	json_t *ev = NULL, *next;
	xfa_pubkey pk;
	xfa_stamp at;
	char fpr[XFA_FPR_SIZE];
	const char *by, *p;

	snprintf(path, sizeof(path), "%s/events/%06u.json", dir, seq);
	snprintf(sigp, sizeof(sigp), "%s/events/%06u.sig", dir, seq);
	if (!(f = xfa_bag_find(v->b, path)) || !f->data) {
		find(v, path, "missing-event", "event %u of %s is missing", seq, id);
		return -1;
	}
	v->events++;
	if (xfa_event_parse(&ev, f->data, f->size, path) < 0) {
		find(v, path, "malformed-event", "%s", xfa_error_last());
		return -1;
	}
	if (xfa_json_int(ev, "seq", 0) != seq || !xfa_json_str(ev, "case") ||
	    strcmp(xfa_json_str(ev, "case"), id))
		find(v, path, "wrong-case", "the event is not event %u of %s", seq, id);
	p = xfa_json_str(ev, "prev");
	if (prev)
		xfa_hex(prevhex, prev->sha256, 32);
	if (prev ? !p || strcmp(p, prevhex) : p != NULL)
		find(v, path, "chain-broken", "'prev' is not the SHA-256 of event %u", seq - 1);
	by = xfa_json_str(ev, "by");
	if (!(s = xfa_bag_find(v->b, sigp)) || !s->data)
		find(v, sigp, "bad-event-signature", "the event's signature is missing");
	else if (xfa_sshsig_verify(&pk, s->data, s->size, XFA_EVENT_NS,
				   (const unsigned char *)f->data, f->size) < 0)
		find(v, sigp, "bad-event-signature", "%s", xfa_error_last());
	else if (xfa_pubkey_fingerprint(fpr, &pk), !by || strcmp(by, fpr))
		find(v, sigp, "signer-mismatch", "signed by %s, the event names %s", fpr,
		     by ? by : "nobody");
	else if (xfa_stamp_parse(&at, xfa_json_str(ev, "at")) < 0 || !v->keys ||
		 !signer_ok(v, fpr, at.t, NULL))
		find(v, sigp, "unknown-key", "key %s is not valid in the package's "
		     "keyring at the event's time", fpr);
	next = xfa_event_replay(*doc, ev);
	json_decref(*doc);
	*doc = next;
	json_decref(ev);
	return 0;
}

static void check_attachments(struct vx *v, const char *dir, const json_t *doc)
{
	char prefix[700], path[1400], hex[65];
	const json_t *a;
	size_t i, pl;

	snprintf(prefix, sizeof(prefix), "%s/attachments/", dir);
	pl = strlen(prefix);
	json_array_foreach(json_object_get(doc, "attachments"), i, a) {
		const xfa_bag_file *f;
		snprintf(path, sizeof(path), "%s%s", prefix, xfa_json_str(a, "name") ?
			 xfa_json_str(a, "name") : "");
		if (!(f = xfa_bag_find(v->b, path))) {
			find(v, path, "missing-file", "attachment listed in case.json is missing");
			continue;
		}
		v->attachments++;
		xfa_hex(hex, f->sha256, 32);
		if ((long long)f->size != xfa_json_int(a, "size", -1) ||
		    !xfa_json_str(a, "sha256") || strcmp(hex, xfa_json_str(a, "sha256")))
			find(v, path, "attachment-mismatch", "bytes do not match the "
			     "record's size and sha256");
	}
	for (i = 0; i < v->b->n; i++) {
		const char *p = v->b->files[i].path;
		const json_t *r;
		size_t j;
		int hit = 0;
		if (strncmp(p, prefix, pl))
			continue;
		json_array_foreach(json_object_get(doc, "attachments"), j, r)
			hit |= xfa_json_str(r, "name") && !strcmp(p + pl, xfa_json_str(r, "name"));
		if (!hit)
			find(v, p, "unaccounted-file", "no attachment record names this file");
	}
}

/* Count the events/NNNNNN.json files of a case folder. */
static unsigned count_events(struct vx *v, const char *dir)
{
	char prefix[600];
	size_t i, pl;
	unsigned n = 0;

	snprintf(prefix, sizeof(prefix), "%s/events/", dir);
	pl = strlen(prefix);
	for (i = 0; i < v->b->n; i++) {
		const char *p = v->b->files[i].path;
		size_t l = strlen(p);
		if (!strncmp(p, prefix, pl) && l > 5 && !strcmp(p + l - 5, ".json"))
			n++;
	}
	return n;
}

static void check_case(struct vx *v, const json_t *entry)
{
	const char *id = xfa_json_str(entry, "id"), *folder = xfa_json_str(entry, "folder");
	char dir[512], docp[600];
	const xfa_bag_file *cj, *prev = NULL;
	json_t *doc = NULL, *stored;
	unsigned n, seq, want = (unsigned)xfa_json_int(entry, "events", 0);
	char *canon = NULL;
	size_t clen;

	if (!id || !folder)
		return;
	v->cases++;
	snprintf(dir, sizeof(dir), "data/%s", folder);
	snprintf(docp, sizeof(docp), "%s/case.json", dir);
	n = count_events(v, dir);
	if (n != want)
		find(v, dir, "missing-event", "%s: %u event files, export.json lists %u",
		     id, n, want);
	for (seq = 1; seq <= (n > want ? n : want); seq++) {
		char p[700];
		if (check_event(v, dir, id, seq, prev, &doc) < 0)
			break;
		snprintf(p, sizeof(p), "%s/events/%06u.json", dir, seq);
		prev = xfa_bag_find(v->b, p);
	}
	if (!(stored = load_json(v, docp, "case.schema.json"))) {
		json_decref(doc);
		return;
	}
	cj = xfa_bag_find(v->b, docp);
	if (!doc || xfa_json_dump(&canon, &clen, doc) < 0 || clen != cj->size ||
	    memcmp(canon, cj->data, clen))
		find(v, docp, "document-mismatch", "case.json is not the replay of "
		     "the case's events");
	check_attachments(v, dir, stored);
	free(canon);
	json_decref(doc);
	json_decref(stored);
}

static void check_contents(struct vx *v)
{
	json_t *m = load_json(v, "data/export.json", "export-manifest.schema.json");
	json_t *vr = load_json(v, "data/verify-report.json", "verify-report.schema.json");
	const json_t *k, *c;
	const char *fpr;
	size_t i;

	if ((v->keys = load_json(v, "data/keys/keyring.json", NULL)))
		json_object_foreach(v->keys, fpr, k)
			if (xfa_schema_check("key.schema.json", k, "data/keys/keyring.json") < 0)
				find(v, "data/keys/keyring.json", "malformed-document", "%s",
				     xfa_error_last());
	if (vr && !json_is_true(json_object_get(vr, "ok")))
		find(v, "data/verify-report.json", "verification-failed",
		     "the archive's verification report records findings");
	json_array_foreach(json_object_get(m, "cases"), i, c)
		check_case(v, c);
	json_decref(m);
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
	if (!(v.findings = json_array()) ||
	    !(rep = json_pack("{s:s}", "package", path))) {
		json_decref(v.findings);
		return xfa_error_set(XFA_ERROR, "out of memory");
	}
	err = xfa_bag_read(&b, path, lim, keep, NULL);
	if (err == XFA_EINVALID) {
		find(&v, path, "hostile-package", "%s", xfa_error_last());
	} else if (err < 0) {
		json_decref(v.findings);
		json_decref(rep);
		return err;
	} else {
		v.b = b;
		json_object_set_new(rep, "bag", json_string(b->name));
		json_object_set_new(rep, "files", json_integer((json_int_t)b->n));
		json_object_set_new(rep, "bytes", json_integer((json_int_t)b->bytes));
		xfa_bag_validate(b, bag_finding, &v);
		check_tag_coverage(&v);
		check_contents(&v);
		check_signature(&v, rep, trust);
	}
	json_object_set_new(rep, "cases", json_integer((json_int_t)v.cases));
	json_object_set_new(rep, "events", json_integer((json_int_t)v.events));
	json_object_set_new(rep, "attachments", json_integer((json_int_t)v.attachments));
	json_object_set_new(rep, "ok", json_boolean(json_array_size(v.findings) == 0));
	json_object_set_new(rep, "findings", v.findings);
	json_decref(v.keys);
	xfa_bag_free(b);
	*report = rep;
	return 0;
}

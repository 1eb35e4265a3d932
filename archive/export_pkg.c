/* export_pkg.c - the files of a filing package, in the order a reader
 * can check them while streaming: the archive's own signed stream (.xfa:
 * events, signatures, commit ids, the workflow definitions and calendars),
 * the manifest of cases and the documents made from it, then each case's
 * folder, then bag-info.txt, the manifests and the archivist's signature. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "export_int.h"
#include "json.h"
#include "keyring.h"
#include "sshsig.h"

static int put_json(xfa_bagw *w, const char *path, const json_t *v)
{
	char *buf = NULL;
	size_t len;
	int err;

	if ((err = xfa_json_dump(&buf, &len, v)) == 0)
		err = xfa_bagw_file(w, path, buf, len);
	free(buf);
	return err;
}

static int put_str(xfa_bagw *w, const char *path, const char *s)
{
	return xfa_bagw_file(w, path, s, strlen(s));
}

/* --- the cases' files --------------------------------------------------- */

static int piece(const void *data, size_t len, void *w)
{
	return xfa_bagw_write(w, data, len);
}

/* Copy the blob at `from` (in the head) to `to`, streamed: one piece at a
 * time, never the whole attachment in memory.  `sha256` and `size` (may be
 * NULL) receive what was copied. */
static int copy_blob(struct exp *e, xfa_bagw *w, const char *from, const char *to,
		     unsigned char sha256[32], uint64_t *size)
{
	xfa_oid blob;
	uint64_t n;
	int err;

	if ((err = xfa_store_stat(&blob, &n, e->st, &e->head, from)) < 0 ||
	    (err = xfa_bagw_begin(w, to, n)) < 0 ||
	    (err = xfa_store_blob_stream(e->st, &blob, piece, w)) < 0)
		return err;
	if (size)
		*size = n;
	return xfa_bagw_end(w, sha256);
}

/* Attachment `name` of case `c`, copied by copy_blob and hashed on the
 * way: its size and SHA-256 must be those its document records (the
 * document is proven by the verification beside the writing, which leaves
 * the attachments' bytes to this check). */
static int copy_attachment(struct exp *e, xfa_bagw *w, const struct ecase *c,
			   const char *name, const char *from, const char *to)
{
	const json_t *rec = NULL, *r;
	unsigned char h[32];
	char hex[65];
	uint64_t size;
	size_t i;
	int err;

	json_array_foreach(json_object_get(c->doc, "attachments"), i, r)
		if (xfa_json_str(r, "name") && !strcmp(xfa_json_str(r, "name"), name))
			rec = r;
	if ((err = copy_blob(e, w, from, to, h, &size)) < 0)
		return err;
	xfa_hex(hex, h, 32);
	if (!rec || xfa_json_int(rec, "size", -1) != (long long)size ||
	    !xfa_json_str(rec, "sha256") || strcmp(xfa_json_str(rec, "sha256"), hex))
		return xfa_error_set(XFA_EINVALID, "verification failed, nothing "
				     "exported: %s: attachment '%s' does not match "
				     "its signed record (attachment-mismatch; run xfa "
				     "verify)", c->id, name);
	return 0;
}

/* A stream's folder `c->dir` (document `docname`) below `dest`: the
 * document, every event and signature, the attachments, commits.txt. */
static int write_stream(struct exp *e, xfa_bagw *w, const struct ecase *c,
			const char *docname, const char *dest)
{
	char from[512], to[512], **names = NULL, *list = NULL;
	size_t n = 0, i, len = 0;
	unsigned s;
	int err = 0;

	snprintf(from, sizeof(from), "%s/%s", c->dir, docname);
	snprintf(to, sizeof(to), "%s/%s", dest, docname);
	if ((err = copy_blob(e, w, from, to, NULL, NULL)) < 0)
		return err;
	for (s = 1; s <= c->seq && !err; s++) {
		char ev[32];
		snprintf(ev, sizeof(ev), "%06u", s);
		snprintf(from, sizeof(from), "%s/events/%s.json", c->dir, ev);
		snprintf(to, sizeof(to), "%s/events/%s.json", dest, ev);
		if ((err = copy_blob(e, w, from, to, NULL, NULL)) < 0)
			break;
		snprintf(from, sizeof(from), "%s/events/%s.sig", c->dir, ev);
		snprintf(to, sizeof(to), "%s/events/%s.sig", dest, ev);
		err = copy_blob(e, w, from, to, NULL, NULL);
	}
	snprintf(from, sizeof(from), "%s/attachments", c->dir);
	if (!err && (err = xfa_store_list(&names, &n, e->st, &e->head, from)) == XFA_ENOTFOUND) {
		xfa_error_clear();
		err = 0;
	}
	for (i = 0; i < n && !err; i++) {
		snprintf(from, sizeof(from), "%s/attachments/%s", c->dir, names[i]);
		snprintf(to, sizeof(to), "%s/attachments/%s", dest, names[i]);
		err = c == &e->arc ? copy_blob(e, w, from, to, NULL, NULL)
				   : copy_attachment(e, w, c, names[i], from, to);
	}
	xfa_strv_free(names);
	for (i = 0; i < c->ncommits && !err; i++) {
		char *nl = realloc(list, len + 42);
		if (!nl) {
			err = xfa_error_set(XFA_ERROR, "out of memory");
			break;
		}
		list = nl;
		len += (size_t)sprintf(list + len, "%s\n", c->commits[i]);
	}
	snprintf(to, sizeof(to), "%s/commits.txt", dest);
	if (!err)
		err = xfa_bagw_file(w, to, list ? list : "", len);
	free(list);
	return err;
}

static int write_case(struct exp *e, xfa_bagw *w, const struct ecase *c)
{
	char dest[300];

	snprintf(dest, sizeof(dest), "data/%s", c->ref);
	return write_stream(e, w, c, XFA_CASE_DOC, dest);
}

/* --- the batch's files -------------------------------------------------- */

static int write_batch_files(struct exp *e, xfa_bagw *w)
{
	const json_t *conf = e->meta->doc;
	char *allowed = xfa_keyring_allowed_signers(conf), *csv = NULL, *html = NULL;
	int err;

	if (!allowed)
		return xfa_error_set(XFA_ERROR, "out of memory");
	if ((err = put_str(w, "data/keys/allowed_signers", allowed)) < 0 ||
	    (err = put_json(w, "data/keys/keyring.json", json_object_get(conf, "keys"))) < 0 ||
	    (err = put_json(w, "data/export.json", e->manifest)) < 0 ||
	    (err = xfa_export_inventory(&csv, &html, e->manifest)) < 0 ||
	    (err = put_str(w, "data/inventory.csv", csv)) < 0 ||
	    (err = put_str(w, "data/inventory.html", html)) < 0)
		goto done;
done:
	free(allowed);
	free(csv);
	free(html);
	return err;
}

/* The verification report and the four-property report made from it: after
 * the cases, since the verification runs while they are written. */
static int write_report_files(struct exp *e, xfa_bagw *w)
{
	char *text = NULL;
	json_t *four = NULL;
	int err;

	if ((err = put_json(w, "data/verify-report.json", e->verify)) < 0)
		return err;
	if (!(four = xfa_export_four(e->manifest, e->verify)) ||
	    !(text = xfa_export_four_text(four))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	if ((err = put_json(w, "data/four-properties.json", four)) == 0)
		err = put_str(w, "data/four-properties.txt", text);
done:
	free(text);
	json_decref(four);
	return err;
}

static int write_bag_info(struct exp *e, xfa_bagw *w)
{
	uint64_t bytes, count;
	char *info = NULL, ids[512] = "";
	size_t i;
	int err;

	xfa_bagw_oxum(w, &bytes, &count);
	for (i = 0; i < e->n && strlen(ids) < sizeof(ids) - 100; i++)
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s",
			 i ? " " : "", e->c[i].ref);
	if (i < e->n)
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), " ...");
	if (asprintf(&info,
		     "Source-Organization: %s\n"
		     "Bagging-Date: %.10s\n"
		     "Payload-Oxum: %llu.%llu\n"
		     "External-Identifier: %s\n"
		     "External-Description: 归档移交 filing transfer, cases: %zu, "
		     "from archive head %s\n"
		     "Bag-Software-Agent: xfa\n",
		     xfa_json_str(e->meta->doc, "name"), e->now_s,
		     (unsigned long long)bytes, (unsigned long long)count, ids,
		     e->n, e->head_hex) < 0)
		return xfa_error_set(XFA_ERROR, "out of memory");
	err = put_str(w, "bag-info.txt", info);
	free(info);
	return err;
}

static int sign_tagmanifest(char **armor, const unsigned char *msg, size_t len,
			    void *payload)
{
	return xfa_sshsig_sign(armor, payload, XFA_EXPORT_NS, msg, len);
}

/* The bag's folder: the package's file name without .tar/.zip. */
static void bag_name(char *out, size_t n, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	snprintf(out, n, "%.*s", (int)(len > 4 ? len - 4 : len), base);
	if (!out[0] || out[0] == '.')
		snprintf(out, n, "bag");
}

int xfa_export_write(struct exp *e, int fd, int format,
		     int (*verified)(struct exp *e))
{
	xfa_bagw *w = NULL;
	char name[256];
	size_t i;
	int err;

	bag_name(name, sizeof(name), e->o->out);
	if ((err = xfa_bagw_open(&w, fd, format, name, e->now.t)) < 0 &&
	    (err = xfa_bagw_open(&w, fd, format, "bag", e->now.t)) < 0)
		return err;
	/* what a reader needs to check the cases comes first */
	err = write_stream(e, w, &e->arc, XFA_META_DOC, XFA_PKG_META);
	if (!err)
		err = write_batch_files(e, w);
	for (i = 0; i < e->n && !err; i++) {
		err = write_case(e, w, &e->c[i]);
		if (!err && e->o->progress)
			e->o->progress(i + 1, e->n, e->o->payload);
	}
	if (!err && (err = verified(e)) == 0 && (err = write_report_files(e, w)) == 0 &&
	    (err = write_bag_info(e, w)) == 0)
		err = xfa_bagw_finish(w, sign_tagmanifest, (void *)e->key, e->sha,
				      &e->bytes);
	xfa_bagw_free(w);
	if (!err)
		xfa_hex(e->sha_hex, e->sha, 32);
	return err;
}


/* event.c - record streams, replay, and staging one signed event as one
 * signed commit. */
#include "event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "schema.h"
#include "sshsig.h"
#include "stamp.h"

void xfa_event_path(char *out, size_t n, const char *dir, unsigned seq,
		    const char *ext)
{
	snprintf(out, n, "%s/events/%06u.%s", dir, seq, ext);
}

int xfa_event_parse(json_t **out, const char *buf, size_t len, const char *what)
{
	json_t *ev = NULL;
	int err;

	*out = NULL;
	if ((err = xfa_json_parse(&ev, buf, len, what)) < 0)
		return err;
	if ((err = xfa_schema_check("event.schema.json", ev, what)) < 0) {
		json_decref(ev);
		return err;
	}
	*out = ev;
	return 0;
}

/* The highest event number in `dir`/events at `commit` (0 if none). */
static int last_seq(unsigned *out, xfa_store *st, const xfa_oid *commit,
		    const char *dir)
{
	char path[300], **names = NULL;
	size_t n = 0, i;
	int err;

	*out = 0;
	snprintf(path, sizeof(path), "%s/events", dir);
	err = xfa_store_list(&names, &n, st, commit, path);
	if (err == XFA_ENOTFOUND)
		return 0;
	if (err < 0)
		return err;
	for (i = 0; i < n; i++) {
		unsigned v;
		char tail[8];
		if (sscanf(names[i], "%6u.%7s", &v, tail) == 2 && v > *out)
			*out = v;
	}
	xfa_strv_free(names);
	return 0;
}

int xfa_stream_load(xfa_stream *s, xfa_store *st, const xfa_oid *commit,
		    const char *dir, const char *docname)
{
	unsigned char h[32];
	char path[300], *buf = NULL;
	size_t len;
	int err;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	snprintf(s->docname, sizeof(s->docname), "%s", docname);
	if (!commit)
		return 0;
	if ((err = last_seq(&s->seq, st, commit, dir)) < 0 || s->seq == 0)
		return err;
	xfa_event_path(path, sizeof(path), dir, s->seq, "json");
	if ((err = xfa_store_read(&buf, &len, st, commit, path)) < 0)
		goto done;
	xfa_sha256(h, buf, len);
	xfa_hex(s->prev, h, 32);
	if ((err = xfa_event_parse(&s->last, buf, len, path)) < 0)
		goto done;
	free(buf);
	buf = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, docname);
	if ((err = xfa_store_read(&buf, &len, st, commit, path)) < 0 ||
	    (err = xfa_json_parse(&s->doc, buf, len, path)) < 0)
		goto done;
done:
	free(buf);
	if (err)
		xfa_stream_release(s);
	return err;
}

void xfa_stream_release(xfa_stream *s)
{
	json_decref(s->doc);
	json_decref(s->last);
	s->doc = s->last = NULL;
}

json_t *xfa_event_replay(const json_t *doc, const json_t *ev)
{
	json_t *out = doc ? json_deep_copy(doc) : json_object();
	json_t *patch = json_object_get(ev, "patch"), *atts, *list, *a;
	const char *to = xfa_json_str(ev, "to");
	size_t i;

	if (!out)
		return NULL;
	if (json_is_object(patch) && !(out = xfa_json_merge_patch(out, patch)))
		return NULL;
	if (to)
		json_object_set_new(out, "status", json_string(to));
	atts = json_object_get(ev, "attachments");
	if (json_array_size(atts)) {
		list = json_object_get(out, "attachments");
		if (!json_is_array(list)) {
			list = json_array();
			json_object_set_new(out, "attachments", list);
		}
		json_array_foreach(atts, i, a)
			json_array_append(list, a);
	}
	return out;
}

int xfa_event_sign_git(char **armor, const unsigned char *buf, size_t len,
		       void *payload)
{
	return xfa_sshsig_sign(armor, (const xfa_key *)payload, "git", buf, len);
}

char *xfa_event_message(const json_t *ev, const char *hash)
{
	const char *from = xfa_json_str(ev, "from"), *to = xfa_json_str(ev, "to");
	char *msg = malloc(1024);

	if (!msg)
		return NULL;
	if (to)
		snprintf(msg, 1024, "%s #%lld %s: %s -> %s\n\nevent-sha256: %s\n",
			 xfa_json_str(ev, "case"), xfa_json_int(ev, "seq", 0),
			 xfa_json_str(ev, "type"), from ? from : "(new)", to, hash);
	else
		snprintf(msg, 1024, "%s #%lld %s\n\nevent-sha256: %s\n",
			 xfa_json_str(ev, "case"), xfa_json_int(ev, "seq", 0),
			 xfa_json_str(ev, "type"), hash);
	return msg;
}

/* Stage the event file, its signature and the document. */
static int stage_files(xfa_txn *tx, const xfa_stream *s, const char *evbuf,
		       size_t evlen, const char *sig, const json_t *newdoc,
		       unsigned seq)
{
	char path[300], *docbuf = NULL;
	size_t doclen;
	int err;

	xfa_event_path(path, sizeof(path), s->dir, seq, "json");
	if ((err = xfa_txn_put(tx, path, evbuf, evlen)) < 0)
		return err;
	xfa_event_path(path, sizeof(path), s->dir, seq, "sig");
	if ((err = xfa_txn_put(tx, path, sig, strlen(sig))) < 0)
		return err;
	if ((err = xfa_json_dump(&docbuf, &doclen, newdoc)) < 0)
		return err;
	snprintf(path, sizeof(path), "%s/%s", s->dir, s->docname);
	err = xfa_txn_put(tx, path, docbuf, doclen);
	free(docbuf);
	return err;
}

int xfa_event_commit(xfa_oid *out_commit, xfa_txn *tx, const xfa_stream *s,
		     const json_t *ev, const json_t *newdoc,
		     const xfa_staged *att, size_t natt, const xfa_signer *sg)
{
	char *evbuf = NULL, *sig = NULL, *msg = NULL, hex[65], path[600];
	unsigned char h[32];
	size_t evlen, i;
	xfa_stamp at;
	xfa_ident who;
	int err;

	if ((err = xfa_json_check(ev, "event")) < 0 ||
	    (err = xfa_schema_check("event.schema.json", ev, "event")) < 0 ||
	    (err = xfa_stamp_parse(&at, xfa_json_str(ev, "at"))) < 0 ||
	    (err = xfa_json_dump(&evbuf, &evlen, ev)) < 0)
		goto done;
	if (evlen > XFA_EVENT_MAX) {
		err = xfa_error_set(XFA_EINVALID, "event larger than %d bytes", XFA_EVENT_MAX);
		goto done;
	}
	if ((err = xfa_sshsig_sign(&sig, sg->key, XFA_EVENT_NS,
				   (const unsigned char *)evbuf, evlen)) < 0)
		goto done;
	if ((err = stage_files(tx, s, evbuf, evlen, sig, newdoc,
			       (unsigned)xfa_json_int(ev, "seq", 0))) < 0)
		goto done;
	for (i = 0; i < natt; i++) {
		snprintf(path, sizeof(path), "%s/attachments/%s", s->dir,
			 xfa_json_str(att[i].rec, "name"));
		if ((err = xfa_txn_put_oid(tx, path, &att[i].blob)) < 0)
			goto done;
	}
	xfa_sha256(h, evbuf, evlen);
	xfa_hex(hex, h, 32);
	if (!(msg = xfa_event_message(ev, hex))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	who.name = sg->name;
	who.email = sg->principal;
	who.when = at.t;
	who.offset = at.off;
	err = xfa_txn_next(out_commit, tx, &who, msg, xfa_event_sign_git,
			   (void *)sg->key);
done:
	free(evbuf);
	free(sig);
	free(msg);
	return err;
}

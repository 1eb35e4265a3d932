/* checkpoint.c - signed notes of an archive's head (C2SP signed-note with
 * Ed25519 keys): making one with a keyring key, reading and verifying one. */
#include "checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "keyring.h"

/* U+2014 EM DASH and a space: the start of every signature line. */
#define DASH "\xe2\x80\x94 "
#define DASH_LEN 4
#define SIG_LINES_MAX 16

static int count_one(const xfa_oid *id, void *payload)
{
	(void)id;
	(*(size_t *)payload)++;
	return 0;
}

int xfa_checkpoint_count(size_t *out, xfa_store *st, const xfa_oid *head)
{
	*out = 0;
	return xfa_store_walk(st, head, count_one, out);
}

/* Text of a note: UTF-8 and no control character other than "\n". */
static int note_text_ok(const char *s, size_t n)
{
	size_t i;

	if (!xfa_utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7f)
			return 0;
	return 1;
}

/* An office code: 1 to 8 of A-Z and 0-9 (as xfa_sync_office_check). */
static int office_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 8 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

int xfa_checkpoint_origin(char *out, size_t n, const json_t *archive_doc,
			  const char *office)
{
	const char *fonds = xfa_json_str(archive_doc, "fonds");
	const char *name = xfa_json_str(archive_doc, "name");
	int len;

	if (!fonds || !name)
		return xfa_error_set(XFA_EINVALID, "archive.json lacks fonds or name");
	if (office && *office && !office_ok(office))
		return xfa_error_set(XFA_EINVALID, "office code '%s' is not 1 to 8 "
				     "of A-Z and 0-9", office);
	len = snprintf(out, n, XFA_CHECKPOINT_ORIGIN "/%s/%s%s%s", fonds, name,
		       office && *office ? "/" : "", office ? office : "");
	if (len < 0 || (size_t)len >= n || !note_text_ok(out, (size_t)len) ||
	    strchr(out, '\n') || strchr(fonds, '/') || strchr(name, '/'))
		return xfa_error_set(XFA_EINVALID,
			"the archive's name cannot stand in a checkpoint origin");
	return 0;
}

int xfa_checkpoint_office(char *out, size_t n, xfa_store *st)
{
	char *v = NULL;
	int err = xfa_store_config_get(&v, st, "xfa.office");

	out[0] = '\0';
	if (err == XFA_ENOTFOUND) {
		xfa_error_clear();
		return 0;
	}
	if (err < 0)
		return err;
	if (!office_ok(v) || strlen(v) >= n) {
		err = xfa_error_set(XFA_EINVALID, "git config xfa.office '%s' is "
				    "not an office code", v);
		free(v);
		return err;
	}
	snprintf(out, n, "%s", v);
	free(v);
	return 0;
}

/* keyID = SHA-256(name || 0x0A || 0x01 || pk)[:4] */
static void key_id(unsigned char out[4], const char *name, const xfa_pubkey *pk)
{
	xfa_sha256_ctx c;
	unsigned char h[32], sep[2] = { 0x0a, 0x01 };

	xfa_sha256_init(&c);
	xfa_sha256_update(&c, name, strlen(name));
	xfa_sha256_update(&c, sep, 2);
	xfa_sha256_update(&c, pk->pk, 32);
	xfa_sha256_final(&c, h);
	memcpy(out, h, 4);
}

/* A signer's key name: its principal, which must have no space or '+'. */
static int key_name(const char **out, const json_t *rec, const char *fpr)
{
	const char *p = xfa_keyring_principal(rec);

	*out = p;
	if (!p || !*p || strpbrk(p, " +") || !note_text_ok(p, strlen(p)) ||
	    strchr(p, '\n'))
		return xfa_error_set(XFA_EINVALID,
			"key %s: its principal '%s' cannot name a note signer",
			fpr, p ? p : "");
	return 0;
}

/* The signature line "— name base64(keyID || sig)\n" of `text`. */
static int sign_line(char **out, const char *name, const xfa_key *k,
		     const char *text, size_t len)
{
	unsigned char blob[68];
	char *b64, *line;
	size_t n;
	int err;

	*out = NULL;
	key_id(blob, name, xfa_key_public(k));
	if ((err = xfa_key_sign(blob + 4, k, (const unsigned char *)text,
				len)) < 0)
		return err;
	if (!(b64 = xfa_base64_encode(blob, sizeof(blob))))
		return xfa_error_set(XFA_ERROR, "out of memory");
	n = DASH_LEN + strlen(name) + 1 + strlen(b64) + 2;
	if ((line = malloc(n)))
		snprintf(line, n, DASH "%s %s\n", name, b64);
	free(b64);
	*out = line;
	return line ? 0 : xfa_error_set(XFA_ERROR, "out of memory");
}

int xfa_checkpoint_make(char **out, xfa_store *st, const json_t *archive_doc,
			const xfa_key *k)
{
	char fpr[XFA_FPR_SIZE], origin[640], hex[XFA_OID_HEX], now[XFA_STAMP_SIZE];
	char *text = NULL, *sig = NULL, office[16];
	const char *roles[16], *name;
	const json_t *rec;
	xfa_stamp t;
	xfa_oid head;
	size_t count, n;
	int off = 0, err;

	*out = NULL;
	xfa_pubkey_fingerprint(fpr, xfa_key_public(k));
	if ((err = xfa_offset_parse(&off, xfa_json_str(archive_doc, "utc_offset"))) < 0 ||
	    (err = xfa_stamp_now(&t, off)) < 0 ||
	    (err = xfa_keyring_roles(roles, 16, archive_doc, fpr, t.t)) < 0)
		return err;
	rec = xfa_keyring_find(archive_doc, fpr);
	if ((err = key_name(&name, rec, fpr)) < 0 ||
	    (err = xfa_checkpoint_office(office, sizeof(office), st)) < 0 ||
	    (err = xfa_checkpoint_origin(origin, sizeof(origin), archive_doc,
					 office)) < 0 ||
	    (err = xfa_store_head(&head, st)) < 0 ||
	    (err = xfa_checkpoint_count(&count, st, &head)) < 0)
		return err;
	xfa_oid_fmt(hex, &head);
	xfa_stamp_format(now, &t);
	n = strlen(origin) + 128;
	if (!(text = malloc(n)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	snprintf(text, n, "%s\n%zu\n%s\n%s\n", origin, count, hex, now);
	if ((err = sign_line(&sig, name, k, text, strlen(text))) < 0)
		goto done;
	n = strlen(text) + 1 + strlen(sig) + 1;
	if (!(*out = malloc(n))) {
		err = xfa_error_set(XFA_ERROR, "out of memory");
		goto done;
	}
	snprintf(*out, n, "%s\n%s", text, sig);
done:
	free(text);
	free(sig);
	return err;
}

/* Split the note's text (with its final "\n") into its four lines. */
static int parse_text(xfa_checkpoint *cp, const char *text, size_t len)
{
	const char *line[4], *p = text, *end = text + len, *nl;
	size_t n[4], i;
	char buf[XFA_OID_HEX + 1];

	for (i = 0; i < 4; i++) {
		if (p >= end || !(nl = memchr(p, '\n', (size_t)(end - p))))
			return xfa_error_set(XFA_EINVALID,
				"checkpoint: the text needs 4 lines (origin, commits, head, time)");
		line[i] = p;
		n[i] = (size_t)(nl - p);
		p = nl + 1;
	}
	if (p != end)
		return xfa_error_set(XFA_EINVALID, "checkpoint: extra lines in the text");
	if (n[0] >= sizeof(cp->origin) || n[1] == 0 || n[1] > 19 ||
	    (n[1] > 1 && line[1][0] == '0') || n[2] != XFA_OID_HEX - 1 ||
	    n[3] >= XFA_STAMP_SIZE)
		return xfa_error_set(XFA_EINVALID, "checkpoint: malformed text");
	memcpy(cp->origin, line[0], n[0]);
	cp->origin[n[0]] = '\0';
	memcpy(buf, line[1], n[1]);
	buf[n[1]] = '\0';
	if (strspn(buf, "0123456789") != n[1])
		return xfa_error_set(XFA_EINVALID, "checkpoint: bad commit count '%s'", buf);
	cp->count = (size_t)strtoull(buf, NULL, 10);
	memcpy(buf, line[2], n[2]);
	buf[n[2]] = '\0';
	if (xfa_oid_parse(&cp->head, buf) < 0)
		return xfa_error_wrap(XFA_EINVALID, "checkpoint");
	memcpy(cp->time, line[3], n[3]);
	cp->time[n[3]] = '\0';
	return 0;
}

/* One signature line against the keyring: 1 verified, 0 unknown key, or an error. */
static int check_sig(xfa_checkpoint *cp, const char *line, size_t n,
		     const char *text, size_t tlen, const json_t *doc)
{
	unsigned char *blob = NULL, id[4];
	const char *sp, *fpr, *name;
	char who[256];
	json_t *rec;
	xfa_pubkey pk;
	size_t blen = 0;
	int r = 0;

	if (n < DASH_LEN || memcmp(line, DASH, DASH_LEN) ||
	    !(sp = memchr(line + DASH_LEN, ' ', n - DASH_LEN)) ||
	    (size_t)(sp - line - DASH_LEN) >= sizeof(who))
		return xfa_error_set(XFA_EINVALID, "checkpoint: malformed signature line");
	memcpy(who, line + DASH_LEN, (size_t)(sp - line - DASH_LEN));
	who[sp - line - DASH_LEN] = '\0';
	if (xfa_base64_decode(&blob, &blen, sp + 1, (size_t)(line + n - sp - 1)) < 0 ||
	    blen != 68) {
		free(blob);
		return xfa_error_set(XFA_EINVALID, "checkpoint: bad signature by '%s'", who);
	}
	json_object_foreach(json_object_get(doc, "keys"), fpr, rec) {
		if (r || key_name(&name, rec, fpr) < 0 || strcmp(name, who) ||
		    xfa_pubkey_parse(&pk, NULL, xfa_json_str(rec, "public_key")) < 0)
			continue;
		key_id(id, name, &pk);
		if (memcmp(id, blob, 4))
			continue;
		if (xfa_pubkey_verify(&pk, blob + 4, (const unsigned char *)text, tlen) < 0)
			r = xfa_error_set(XFA_EBADSIG,
				"checkpoint: the signature of %s (%s) does not verify", who, fpr);
		else {
			if (!cp->signer[0])
				snprintf(cp->signer, sizeof(cp->signer), "%s", fpr);
			r = 1;
		}
	}
	free(blob);
	if (r == 0)
		xfa_error_clear();
	return r;
}

/* Check every signature line after the blank line; at least one known. */
static int check_sigs(xfa_checkpoint *cp, const char *sigs, const char *end,
		      const char *text, size_t tlen, const json_t *doc)
{
	const char *nl;
	int r, known = 0, lines = 0;

	while (sigs < end) {
		if (!(nl = memchr(sigs, '\n', (size_t)(end - sigs))) ||
		    ++lines > SIG_LINES_MAX)
			return xfa_error_set(XFA_EINVALID,
				"checkpoint: malformed signature lines");
		if ((r = check_sig(cp, sigs, (size_t)(nl - sigs), text, tlen, doc)) < 0)
			return r;
		known += r;
		sigs = nl + 1;
	}
	if (!known)
		return xfa_error_set(XFA_EBADSIG,
			"checkpoint: not signed by any key of the archive's keyring");
	return 0;
}

int xfa_checkpoint_read(xfa_checkpoint *out, const char *text, size_t len,
			const json_t *archive_doc)
{
	char origin[640];
	const char *roles[16], *sep = NULL;
	xfa_stamp t;
	size_t i, tlen, n;
	int err;

	memset(out, 0, sizeof(*out));
	for (i = 0; i + 1 < len && !sep; i++)
		if (text[i] == '\n' && text[i + 1] == '\n')
			sep = text + i;
	if (!sep || !note_text_ok(text, len))
		return xfa_error_set(XFA_EINVALID,
			"checkpoint: not a signed note (text, blank line, signatures)");
	tlen = (size_t)(sep - text) + 1;
	if ((err = parse_text(out, text, tlen)) < 0)
		return err;
	if (xfa_stamp_parse(&t, out->time) < 0)
		return xfa_error_set(XFA_EINVALID, "checkpoint: bad time '%s'", out->time);
	if ((err = xfa_checkpoint_origin(origin, sizeof(origin), archive_doc,
					 NULL)) < 0)
		return err;
	n = strlen(origin);
	if (strncmp(out->origin, origin, n) ||
	    (out->origin[n] && (out->origin[n] != '/' ||
				!office_ok(out->origin + n + 1))))
		return xfa_error_set(XFA_EINVALID,
			"checkpoint of '%s', not of this archive ('%s' or "
			"'%s/<office>')", out->origin, origin, origin);
	if (out->origin[n])
		snprintf(out->office, sizeof(out->office), "%s", out->origin + n + 1);
	if ((err = check_sigs(out, sep + 2, text + len, text, tlen, archive_doc)) < 0)
		return err;
	if (xfa_keyring_roles(roles, 16, archive_doc, out->signer, t.t) < 0)
		return xfa_error_wrap(XFA_EBADSIG, "checkpoint of %s", out->time);
	return 0;
}

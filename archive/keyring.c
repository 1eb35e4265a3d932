/* keyring.c - key records, roles and validity, the rules for changing the
 * keyring, and git's allowed-signers form. */
#include "keyring.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "stamp.h"

const char *const xfa_roles[] = {
	"admin", "clerk", "handler", "leader", "reviewer", "archivist",
	"auditor", NULL
};

/* Fields of the archive document an admin may change with a "config" event. */
static const char *const config_fields[] = {
	"name", "attachment_max", "retention", "retention_default", "unit_code",
	"calendar", "workflow", "timezone", NULL
};

static int in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

int xfa_role_valid(const char *role)
{
	return in_list(xfa_roles, role);
}

int xfa_roles_has(const char *const *roles, const char *role)
{
	return in_list(roles, role);
}

const json_t *xfa_keyring_find(const json_t *archive_doc, const char *fpr)
{
	return json_object_get(json_object_get(archive_doc, "keys"), fpr);
}

const char *xfa_keyring_principal(const json_t *rec)
{
	return xfa_json_str(rec, "principal");
}

int xfa_keyring_roles(const char **out, size_t cap, const json_t *archive_doc,
		      const char *fpr, int64_t t)
{
	const json_t *rec = xfa_keyring_find(archive_doc, fpr), *r;
	const char *s;
	xfa_stamp from, rev;
	size_t i, n = 0;

	out[0] = NULL;
	if (!rec)
		return xfa_error_set(XFA_EAUTH,
			"key %s is not in the archive's keyring", fpr);
	if (xfa_stamp_parse(&from, xfa_json_str(rec, "valid_from")) < 0)
		return xfa_error_set(XFA_EINVALID, "key %s: bad valid_from", fpr);
	if (t < from.t)
		return xfa_error_set(XFA_EAUTH, "key %s is not valid before %s",
				     fpr, xfa_json_str(rec, "valid_from"));
	if ((s = xfa_json_str(rec, "revoked_at"))) {
		if (xfa_stamp_parse(&rev, s) < 0)
			return xfa_error_set(XFA_EINVALID, "key %s: bad revoked_at", fpr);
		if (t >= rev.t)
			return xfa_error_set(XFA_EAUTH, "key %s was revoked at %s",
					     fpr, s);
	}
	json_array_foreach(json_object_get(rec, "roles"), i, r)
		if (json_is_string(r) && n + 1 < cap)
			out[n++] = json_string_value(r);
	out[n] = NULL;
	return 0;
}

/* A principal for git: the e-mail, or one made from the fingerprint. */
static char *make_principal(const char *email, const char *fpr)
{
	char hex[17];
	char *p;
	size_t i, j = 0;

	if (email && *email)
		return strdup(email);
	for (i = 7; fpr[i] && j < 16; i++)
		if ((fpr[i] >= 'a' && fpr[i] <= 'z') || (fpr[i] >= '0' && fpr[i] <= '9'))
			hex[j++] = fpr[i];
	hex[j] = '\0';
	if (!(p = malloc(j + 16)))
		return NULL;
	snprintf(p, j + 16, "key-%s@xfa", hex);
	return p;
}

static int check_ident(const char *what, const char *s, int allow_space)
{
	const char *c;

	if (!s || !*s || strlen(s) > 200 || !xfa_utf8_valid(s, strlen(s)))
		return xfa_error_set(XFA_EINVALID, "key %s must be 1 to 200 characters of UTF-8", what);
	for (c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '<' || *c == '>' ||
		    (!allow_space && (*c == ' ' || *c == ',' || *c == '"')))
			return xfa_error_set(XFA_EINVALID,
				"key %s '%s' contains a character not allowed there", what, s);
	return 0;
}

json_t *xfa_keyring_record(const xfa_pubkey *pk, const char *name,
			   const char *email, const char *roles,
			   const char *valid_from, const char *added_by)
{
	char fpr[XFA_FPR_SIZE], *principal = NULL, *line = NULL, *copy = NULL, *tok, *save;
	json_t *rec = NULL, *arr = NULL;

	if (check_ident("name", name, 1) < 0 ||
	    (email && check_ident("email", email, 0) < 0))
		return NULL;
	xfa_pubkey_fingerprint(fpr, pk);
	if (!(arr = json_array()) || !(copy = strdup(roles ? roles : ""))) {
		xfa_error_set(XFA_ERROR, "out of memory");
		goto fail;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		json_t *r;
		size_t i;
		if (!xfa_role_valid(tok)) {
			xfa_error_set(XFA_EINVALID, "unknown role '%s' (roles: admin, clerk, "
				"handler, leader, reviewer, archivist, auditor)", tok);
			goto fail;
		}
		json_array_foreach(arr, i, r)
			if (!strcmp(json_string_value(r), tok))
				break;
		if (i == json_array_size(arr))
			json_array_append_new(arr, json_string(tok));
	}
	if (!json_array_size(arr)) {
		xfa_error_set(XFA_EINVALID, "a key needs at least one role");
		goto fail;
	}
	principal = make_principal(email, fpr);
	line = xfa_pubkey_format(pk, NULL);
	if (!principal || !line) {
		xfa_error_set(XFA_ERROR, "out of memory");
		goto fail;
	}
	rec = json_pack("{s:s, s:s, s:s, s:s, s:O, s:s, s:s}", "fingerprint", fpr,
			"public_key", line, "name", name, "principal", principal,
			"roles", arr, "valid_from", valid_from, "added_by", added_by);
	if (rec && email)
		json_object_set_new(rec, "email", json_string(email));
	if (!rec)
		xfa_error_set(XFA_ERROR, "out of memory");
fail:
	json_decref(arr);
	free(copy);
	free(principal);
	free(line);
	return rec;
}

/* The signer of `ev` must hold "admin" in `doc` at the event's time. */
static int need_admin(const json_t *doc, const json_t *ev)
{
	const char *roles[16];
	xfa_stamp at;
	int err;

	if (xfa_stamp_parse(&at, xfa_json_str(ev, "at")) < 0)
		return XFA_EINVALID;
	if ((err = xfa_keyring_roles(roles, 16, doc, xfa_json_str(ev, "by"), at.t)) < 0)
		return err;
	if (!xfa_roles_has(roles, "admin"))
		return xfa_error_set(XFA_EAUTH,
			"key %s is not an admin: only admins change the archive's "
			"keyring and configuration", xfa_json_str(ev, "by"));
	if (strcmp(xfa_json_str(ev, "role") ? xfa_json_str(ev, "role") : "", "admin"))
		return xfa_error_set(XFA_EINVALID, "archive events are signed in the admin role");
	return 0;
}

static int count_admins(const json_t *doc)
{
	const char *fpr;
	json_t *rec, *r;
	size_t i;
	int n = 0;

	json_object_foreach(json_object_get(doc, "keys"), fpr, rec) {
		if (json_object_get(rec, "revoked_at"))
			continue;
		json_array_foreach(json_object_get(rec, "roles"), i, r)
			if (json_is_string(r) && !strcmp(json_string_value(r), "admin"))
				n++;
	}
	return n;
}

static int check_init(const json_t *ev, const json_t *after)
{
	const char *by = xfa_json_str(ev, "by"), *root = xfa_json_str(after, "root");
	const char *roles[16];
	xfa_stamp at;
	int err;

	if (xfa_json_int(ev, "seq", 0) != 1)
		return xfa_error_set(XFA_EINVALID, "an init event must be the archive's first");
	if (!root || !by || strcmp(root, by))
		return xfa_error_set(XFA_EAUTH, "the init event must be signed by the root key");
	if (xfa_stamp_parse(&at, xfa_json_str(ev, "at")) < 0)
		return XFA_EINVALID;
	if ((err = xfa_keyring_roles(roles, 16, after, by, at.t)) < 0)
		return err;
	if (!xfa_roles_has(roles, "admin"))
		return xfa_error_set(XFA_EAUTH, "the root key must hold the admin role");
	if (json_object_size(json_object_get(after, "keys")) != 1)
		return xfa_error_set(XFA_EINVALID, "the init event adds exactly the root key");
	return 0;
}

int xfa_keyring_record_check(const char *fpr, const json_t *rec)
{
	const char *line = xfa_json_str(rec, "public_key");
	char got[XFA_FPR_SIZE];
	xfa_pubkey pk;

	if (!line || xfa_pubkey_parse(&pk, NULL, line) < 0)
		return xfa_error_set(XFA_EINVALID, "key %s: public_key is not an "
				     "OpenSSH public key", fpr);
	xfa_pubkey_fingerprint(got, &pk);
	if (strcmp(got, fpr))
		return xfa_error_set(XFA_EINVALID, "key %s: its public_key is "
				     "another key (%s)", fpr, got);
	return 0;
}

/* key-add: exactly one new key, valid from the event, added by the signer. */
static int check_key_add(const json_t *before, const json_t *ev)
{
	json_t *keys = json_object_get(json_object_get(ev, "patch"), "keys"), *rec;
	const char *fpr;

	if (json_object_size(json_object_get(ev, "patch")) != 1 || json_object_size(keys) != 1)
		return xfa_error_set(XFA_EINVALID, "a key-add event adds exactly one key");
	json_object_foreach(keys, fpr, rec) {
		if (xfa_keyring_find(before, fpr))
			return xfa_error_set(XFA_EINVALID, "key %s is already in the keyring", fpr);
		if (!json_is_object(rec) || strcmp(xfa_json_str(rec, "fingerprint") ?
			xfa_json_str(rec, "fingerprint") : "", fpr))
			return xfa_error_set(XFA_EINVALID, "key record %s names another fingerprint", fpr);
		if (!json_equal(json_object_get(rec, "valid_from"), json_object_get(ev, "at")) ||
		    !json_equal(json_object_get(rec, "added_by"), json_object_get(ev, "by")))
			return xfa_error_set(XFA_EINVALID,
				"key %s: valid_from and added_by must be the event's time and signer", fpr);
		if (json_object_get(rec, "revoked_at"))
			return xfa_error_set(XFA_EINVALID, "a new key cannot be revoked already");
		if (xfa_keyring_record_check(fpr, rec) < 0)
			return XFA_EINVALID;
	}
	return 0;
}

static int check_key_revoke(const json_t *before, const json_t *ev, const json_t *after)
{
	json_t *keys = json_object_get(json_object_get(ev, "patch"), "keys"), *rec;
	const char *fpr;

	if (json_object_size(json_object_get(ev, "patch")) != 1 || json_object_size(keys) != 1)
		return xfa_error_set(XFA_EINVALID, "a key-revoke event revokes exactly one key");
	json_object_foreach(keys, fpr, rec) {
		const json_t *old = xfa_keyring_find(before, fpr);
		if (!old)
			return xfa_error_set(XFA_ENOTFOUND, "key %s is not in the keyring", fpr);
		if (json_object_get(old, "revoked_at"))
			return xfa_error_set(XFA_EINVALID, "key %s is already revoked", fpr);
		if (json_object_size(rec) != 1 ||
		    !json_equal(json_object_get(rec, "revoked_at"), json_object_get(ev, "at")))
			return xfa_error_set(XFA_EINVALID,
				"a key-revoke event sets only revoked_at, to the event's time");
	}
	if (count_admins(after) < 1)
		return xfa_error_set(XFA_EINVALID, "the archive must keep at least one admin key");
	return 0;
}

/*
 * keyring-merge: the resolution of an archive stream that diverged between
 * two offices (SPEC 7.8a; verify_merge.c checks that it carries exactly the
 * other side's keys and revocations): only keys change, each either a
 * whole new record or an earlier revoked_at for a key already there.
 */
static int check_keyring_merge(const json_t *before, const json_t *ev,
			       const json_t *after)
{
	const json_t *patch = json_object_get(ev, "patch");
	json_t *keys = json_object_get(patch, "keys"), *rec;
	const char *fpr, *at = xfa_json_str(ev, "at"), *rev;
	xfa_stamp t, r, o;

	if (!json_is_object(keys) || json_object_size(patch) != 1 ||
	    !json_object_get(ev, "resolution"))
		return xfa_error_set(XFA_EINVALID, "a keyring-merge event changes only "
				     "keys, and names what it resolves");
	if (xfa_stamp_parse(&t, at) < 0)
		return XFA_EINVALID;
	json_object_foreach(keys, fpr, rec) {
		const json_t *old = xfa_keyring_find(before, fpr);
		if (!old) {
			if (xfa_keyring_record_check(fpr, rec) < 0)
				return XFA_EINVALID;
			continue;
		}
		rev = xfa_json_str(rec, "revoked_at");
		if (json_object_size(rec) != 1 || !rev || xfa_stamp_parse(&r, rev) < 0 ||
		    r.t > t.t)
			return xfa_error_set(XFA_EINVALID, "keyring-merge: key %s takes "
				"only a revoked_at no later than the event", fpr);
		if (xfa_json_str(old, "revoked_at") &&
		    (xfa_stamp_parse(&o, xfa_json_str(old, "revoked_at")) < 0 || o.t <= r.t))
			return xfa_error_set(XFA_EINVALID, "keyring-merge: key %s is "
				"revoked already, no later", fpr);
	}
	if (count_admins(after) < 1)
		return xfa_error_set(XFA_EINVALID, "the archive must keep at least one admin key");
	return 0;
}

static int64_t stamp_or_max(const char *s)
{
	xfa_stamp t;

	return s && xfa_stamp_parse(&t, s) == 0 ? t.t : INT64_MAX;
}

json_t *xfa_keyring_merge_patch(const json_t *kept, const json_t *other)
{
	json_t *keys = json_object(), *rec;
	const char *fpr, *ra;

	if (!keys)
		return NULL;
	json_object_foreach(json_object_get(other, "keys"), fpr, rec) {
		const json_t *k = xfa_keyring_find(kept, fpr);
		if (!k) {
			json_object_set(keys, fpr, rec);
			continue;
		}
		ra = xfa_json_str(rec, "revoked_at");
		if (ra && stamp_or_max(xfa_json_str(k, "revoked_at")) > stamp_or_max(ra))
			json_object_set_new(keys, fpr, json_pack("{s:s}", "revoked_at", ra));
	}
	return json_pack("{s:o}", "keys", keys);
}

/* The risk ledger added to an archive made without one (xfa_ledger_enable):
 * once, with its own prefix and workflow, and nothing else changed. */
static int check_ledger_enable(const json_t *before, const json_t *ev)
{
	const json_t *patch = json_object_get(ev, "patch");
	const json_t *led = json_object_get(patch, "ledger");
	const char *p = xfa_json_str(led, "prefix");

	if (json_object_get(before, "ledger"))
		return xfa_error_set(XFA_EINVALID, "the archive keeps a risk ledger already");
	if (!json_is_object(led) || json_object_size(patch) != 1)
		return xfa_error_set(XFA_EINVALID,
			"a ledger-enable event sets 'ledger' and nothing else");
	if (!p || !xfa_json_str(led, "workflow"))
		return xfa_error_set(XFA_EINVALID,
			"a ledger-enable event names the ledger's prefix and workflow");
	if (xfa_json_str(before, "prefix") && !strcmp(p, xfa_json_str(before, "prefix")))
		return xfa_error_set(XFA_EINVALID,
			"the ledger's prefix '%s' is the cases' prefix", p);
	return 0;
}

int xfa_keyring_check_event(const json_t *before, const json_t *ev,
			    const json_t *after)
{
	const char *type = xfa_json_str(ev, "type");
	const char *key;
	json_t *v;
	int err;

	if (!type)
		return xfa_error_set(XFA_EINVALID, "archive event without a type");
	if (!strcmp(type, "init"))
		return before ? xfa_error_set(XFA_EINVALID, "the archive is initialised already")
			      : check_init(ev, after);
	if (!before)
		return xfa_error_set(XFA_EINVALID, "the archive's first event must be init");
	if ((err = need_admin(before, ev)) < 0)
		return err;
	if (!strcmp(type, "key-add"))
		return check_key_add(before, ev);
	if (!strcmp(type, "key-revoke"))
		return check_key_revoke(before, ev, after);
	if (!strcmp(type, "ledger-enable"))
		return check_ledger_enable(before, ev);
	if (!strcmp(type, "keyring-merge"))
		return check_keyring_merge(before, ev, after);
	if (!strcmp(type, "config")) {
		json_object_foreach(json_object_get(ev, "patch"), key, v)
			if (!in_list(config_fields, key))
				return xfa_error_set(XFA_EINVALID,
					"a config event cannot change '%s'", key);
		return 0;
	}
	return xfa_error_set(XFA_EINVALID, "unknown archive event type '%s'", type);
}

/* "2026-01-02T03:04:05+08:00" -> "20260101190405Z" */
static int ssh_time(char out[16], const char *stamp)
{
	xfa_stamp s;
	char buf[XFA_STAMP_SIZE];

	if (xfa_stamp_parse(&s, stamp) < 0)
		return -1;
	s.off = 0;
	xfa_stamp_format(buf, &s);
	snprintf(out, 16, "%.4s%.2s%.2s%.2s%.2s%.2sZ", buf, buf + 5, buf + 8,
		 buf + 11, buf + 14, buf + 17);
	return 0;
}

char *xfa_keyring_allowed_signers(const json_t *archive_doc)
{
	const char *fpr;
	json_t *rec;
	size_t cap = 1024, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	json_object_foreach(json_object_get(archive_doc, "keys"), fpr, rec) {
		char after[16], before[16] = "", line[1024];
		const char *pub = xfa_json_str(rec, "public_key"), *rev;
		size_t klen;
		int n;
		if (!pub || ssh_time(after, xfa_json_str(rec, "valid_from")) < 0)
			continue;
		if ((rev = xfa_json_str(rec, "revoked_at")) && ssh_time(before, rev) < 0)
			continue;
		/* "TYPE BASE64" without the comment, whatever the type */
		klen = strcspn(pub, " ");
		klen += pub[klen] ? 1 + strcspn(pub + klen + 1, " ") : 0;
		n = snprintf(line, sizeof(line),
			"%s namespaces=\"git,xfa-event,xfa-export,xfa-checkpoint\","
			"valid-after=\"%s\"%s%s%s %.*s\n", xfa_keyring_principal(rec), after,
			*before ? ",valid-before=\"" : "", before, *before ? "\"" : "",
			(int)klen, pub);
		if (n < 0 || (size_t)n >= sizeof(line))
			continue;
		if (len + (size_t)n + 1 > cap) {
			char *t = realloc(out, cap = (len + (size_t)n + 1) * 2);
			if (!t) {
				free(out);
				return NULL;
			}
			out = t;
		}
		memcpy(out + len, line, (size_t)n + 1);
		len += (size_t)n;
	}
	return out;
}

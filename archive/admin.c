/* admin.c - keyring changes as signed events on the archive's own stream. */
#include "admin.h"

#include <string.h>

#include "error.h"
#include "event.h"
#include "json.h"
#include "keyring.h"

struct admin_job {
	const char *type;
	json_t *patch;           /* built per attempt from the fields below */
	const xfa_pubkey *pk;
	const char *name, *email, *roles, *fpr;
};

static int build_admin(json_t *ev, xfa_append_ctx *c, void *payload)
{
	struct admin_job *j = payload;
	const char *at = xfa_json_str(ev, "at"), *by = xfa_json_str(ev, "by");
	json_t *rec = NULL, *after = NULL;
	int err;

	if ((err = xfa_append_stream(c, XFA_META_NAME, XFA_META_DIR, XFA_META_DOC)) < 0)
		return err;
	if (j->pk) {
		char fpr[XFA_FPR_SIZE];
		xfa_pubkey_fingerprint(fpr, j->pk);
		if (!(rec = xfa_keyring_record(j->pk, j->name, j->email, j->roles, at, by)))
			return xfa_error_code() ? xfa_error_code() : XFA_EINVALID;
		json_object_set_new(ev, "patch", json_pack("{s:{s:o}}", "keys", fpr, rec));
	} else {
		json_object_set_new(ev, "patch", json_pack("{s:{s:{s:s}}}", "keys",
						j->fpr, "revoked_at", at));
	}
	json_object_set_new(ev, "type", json_string(j->type));
	json_object_set_new(ev, "role", json_string("admin"));
	json_object_set_new(ev, "effective", json_string(at));
	if (!(after = xfa_event_replay(c->stream.doc, ev)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	err = xfa_keyring_check_event(c->stream.doc, ev, after);
	json_decref(after);
	return err;
}

static int admin_append(xfa_archive *a, const xfa_key *admin, struct admin_job *j)
{
	xfa_append ap;

	memset(&ap, 0, sizeof(ap));
	ap.doc_schema = "archive.schema.json";
	ap.build = build_admin;
	ap.payload = j;
	return xfa_archive_append(NULL, NULL, a, admin, &ap);
}

int xfa_admin_key_add(xfa_archive *a, const xfa_key *admin,
		      const xfa_pubkey *pk, const char *name, const char *email,
		      const char *roles)
{
	struct admin_job j;

	memset(&j, 0, sizeof(j));
	j.type = "key-add";
	j.pk = pk;
	j.name = name;
	j.email = email;
	j.roles = roles;
	return admin_append(a, admin, &j);
}

int xfa_admin_key_revoke(xfa_archive *a, const xfa_key *admin, const char *fpr)
{
	struct admin_job j;

	memset(&j, 0, sizeof(j));
	j.type = "key-revoke";
	j.fpr = fpr;
	return admin_append(a, admin, &j);
}

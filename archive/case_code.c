/* case_code.c - query codes 查询码: issuing them, the hash under which a
 * case stores one, and finding the case a code belongs to. */
#include "case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "key.h"

void xfa_case_query_hash(char out[65], const char *code)
{
	char norm[64] = "xfa-query-code:";
	size_t n = strlen(norm);
	unsigned char h[32];

	for (; *code && n + 1 < sizeof(norm); code++) {
		char ch = *code;
		if (ch == '-' || ch == ' ')
			continue;
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch == 'O')
			ch = '0';
		if (ch == 'I' || ch == 'L')
			ch = '1';
		norm[n++] = ch;
	}
	norm[n] = '\0';
	xfa_sha256(h, norm, n);
	xfa_hex(out, h, 32);
}

/* 80 random bits as XXXX-XXXX-XXXX-XXXX in Crockford's base32. */
void xfa_case_new_code(char out[20])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char r[16];
	size_t i, j = 0;

	xfa_random(r, sizeof(r));
	for (i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			out[j++] = '-';
		out[j++] = alphabet[r[i] & 31];
	}
	out[j] = '\0';
}

struct find_code {
	xfa_store *st;
	const xfa_oid *head;
	char hash[65];
	char *found;
};

static int match_code(const char *id, const char *dir, void *payload)
{
	struct find_code *f = payload;
	char path[300], *buf = NULL;
	json_t *doc = NULL;
	size_t len;
	int hit = 0;

	snprintf(path, sizeof(path), "%s/" XFA_CASE_DOC, dir);
	if (xfa_store_read(&buf, &len, f->st, f->head, path) == 0 &&
	    xfa_json_parse(&doc, buf, len, path) == 0) {
		const char *h = xfa_json_str(doc, "query_hash");
		hit = h && !strcmp(h, f->hash);
	}
	json_decref(doc);
	free(buf);
	if (hit && !(f->found = strdup(id)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return hit;
}

int xfa_case_find_code(char **out_id, xfa_archive *a, const char *code)
{
	struct find_code f;
	xfa_oid head;
	int err;

	*out_id = NULL;
	memset(&f, 0, sizeof(f));
	if ((err = xfa_store_head(&head, xfa_archive_store(a))) < 0)
		return err;
	f.st = xfa_archive_store(a);
	f.head = &head;
	xfa_case_query_hash(f.hash, code);
	if ((err = xfa_case_each(f.st, &head, match_code, &f)) < 0)
		return err;
	if (!f.found)
		return xfa_error_set(XFA_ENOTFOUND, "no case has that query code");
	*out_id = f.found;
	return 0;
}

int xfa_case_reissue_code(char **out_code, unsigned *out_seq, xfa_archive *a,
			  const xfa_key *key, const char *id,
			  const xfa_case_opts *o)
{
	char code[20], hash[65];
	xfa_case_opts opts = *o;
	json_t *patch;
	int err;

	*out_code = NULL;
	if (o->patch || o->nattach)
		return xfa_error_set(XFA_EINVALID, "a re-issued query code takes "
				     "no fields and no attachments");
	xfa_case_new_code(code);
	xfa_case_query_hash(hash, code);
	if (!(patch = json_pack("{s:s}", "query_hash", hash)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	opts.patch = patch;
	err = xfa_case_record(out_seq, a, key, id, "reissue-code", &opts);
	json_decref(patch);
	if (err < 0)
		return err;
	if (!(*out_code = strdup(code)))
		return xfa_error_set(XFA_ERROR, "out of memory");
	return 0;
}

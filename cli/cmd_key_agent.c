/* cmd_key_agent.c - xfa key agent-add (one unlock, the key into the
 * ssh-agent with a lifetime) and xfa key agent-list (which keys the agent
 * holds, and who they are in the archive's keyring when there is one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "cli.h"
#include "cmds.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "json.h"
#include "keyring.h"

#define LIFETIME_DEFAULT (8u * 3600u)
#define LIFETIME_MAX (366u * 86400u)

/* "90", "90s", "30m", "8h", "2d" -> seconds; -1 if not that or too long. */
static long parse_lifetime(const char *s)
{
	unsigned long v, mul = 1;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end == 's') mul = 1, end++;
	else if (*end == 'm') mul = 60, end++;
	else if (*end == 'h') mul = 3600, end++;
	else if (*end == 'd') mul = 86400, end++;
	if (*end || v > LIFETIME_MAX || v * mul > LIFETIME_MAX)
		return -1;
	return (long)(v * mul);
}

/* The comment ssh-add would show: the .pub's, else the key file's path. */
static char *key_comment(const char *keypath)
{
	char pub[4096], *buf = NULL, *c = NULL;
	size_t n = strlen(keypath);
	xfa_pubkey pk;

	if (n > 4 && !strcmp(keypath + n - 4, ".key"))
		n -= 4;
	snprintf(pub, sizeof(pub), "%.*s.pub", (int)n, keypath);
	/* a .pub that is missing or does not parse only loses its comment */
	if (xfa_file_read(&buf, NULL, pub, 16384) == 0) {
		buf[strcspn(buf, "\r\n")] = '\0';
		if (xfa_pubkey_parse(&pk, &c, buf) < 0)
			c = NULL;
	}
	free(buf);
	xfa_error_clear();
	return c ? c : strdup(keypath);
}

int key_agent_add(int argc, char **argv, const char *usage)
{
	const char *path = NULL;
	char *pass = NULL, *comment = NULL, fpr[XFA_FPR_SIZE];
	long lifetime = LIFETIME_DEFAULT;
	xfa_key *k = NULL;
	size_t plen = 0;
	int i, err, status = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--lifetime") && i + 1 < argc) {
			if ((lifetime = parse_lifetime(argv[++i])) < 0)
				return cli_usage(usage, "--lifetime is a number of "
					"seconds, or N with s, m, h or d, at most "
					"366 days, not '%s'", argv[i]);
		} else if (argv[i][0] == '-' || path) {
			return cli_usage(usage, NULL);
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return cli_usage(usage, "key agent-add needs a key file");
	if (cli_is_pubfile(path)) {
		fprintf(stderr, _("xfa: '%s' is a public key: agent-add takes the "
			"secret key file (PATH.key)\n"), path);
		return EXIT_USAGE;
	}
	if ((err = xfa_key_file_check(path)) < 0)
		return cli_fail(err, "cannot use key '%s'", path);
	if ((err = cli_passphrase(&pass, &plen, "passphrase: ", 0)) < 0)
		return cli_fail(err, "cannot unlock '%s'", path);
	err = xfa_key_load(&k, path, pass, plen);
	cli_passphrase_free(pass);
	if (err < 0)
		return cli_fail(err, "cannot use key '%s'", path);
	comment = key_comment(path);
	xfa_pubkey_fingerprint(fpr, xfa_key_public(k));
	if ((err = xfa_key_agent_add(k, NULL, comment ? comment : path,
				     (unsigned)lifetime)) < 0) {
		status = cli_fail(err, "cannot add %s to the ssh-agent", fpr);
	} else if (cli.json) {
		json_t *o = json_pack("{s:s, s:s, s:I}", "fingerprint", fpr,
				      "agent", getenv("SSH_AUTH_SOCK"),
				      "lifetime", (json_int_t)lifetime);
		cli_json(o);
		json_decref(o);
	} else if (!cli.quiet) {
		if (lifetime)
			printf("%s added to the ssh-agent for %ld s\n", fpr, lifetime);
		else
			printf("%s added to the ssh-agent (no lifetime)\n", fpr);
	}
	xfa_key_free(k);
	free(comment);
	return cli_done(status);
}

/* The archive's keyring if -C names an archive; NULL (quietly) otherwise. */
static const json_t *keyring_doc(xfa_archive **a)
{
	const xfa_meta *m = NULL;

	*a = NULL;
	if (access(cli.dir, F_OK) != 0 || xfa_archive_open(a, cli.dir) < 0 ||
	    xfa_archive_meta(&m, *a) < 0) {
		xfa_archive_free(*a);
		*a = NULL;
		xfa_error_clear();
		return NULL;
	}
	return m->doc;
}

static void list_one(json_t *arr, const json_t *doc, const xfa_agent_id *id)
{
	const json_t *rec = NULL;
	char fpr[XFA_FPR_SIZE] = "";
	const char *type = "";
	xfa_pubkey pk;
	json_t *o;

	if (xfa_pubkey_from_blob(&pk, id->blob, id->blob_len) == 0) {
		xfa_pubkey_fingerprint(fpr, &pk);
		type = xfa_pubkey_type(&pk);
		rec = doc ? xfa_keyring_find(doc, fpr) : NULL;
	}
	xfa_error_clear();
	if (!*fpr) /* a key type xfa cannot use (RSA, ECDSA...) */
		return;
	if (cli.json) {
		o = json_pack("{s:s, s:s, s:s}", "fingerprint", fpr, "type", type,
			      "comment", xfa_utf8_valid(id->comment,
				strlen(id->comment)) ? id->comment : "");
		if (o && rec) {
			json_object_set_new(o, "name", json_string(xfa_json_str(rec, "name")));
			json_object_set(o, "roles", json_object_get(rec, "roles"));
			if (xfa_json_str(rec, "revoked_at"))
				json_object_set_new(o, "revoked_at",
					json_string(xfa_json_str(rec, "revoked_at")));
		}
		if (o && doc)
			json_object_set_new(o, "in_keyring", json_boolean(rec != NULL));
		json_array_append_new(arr, o);
		return;
	}
	printf("%s  %s", fpr, type);
	if (rec) {
		const json_t *r;
		size_t i;
		printf("  %s  ", xfa_json_str(rec, "name"));
		json_array_foreach(json_object_get(rec, "roles"), i, r)
			printf("%s%s", i ? "," : "", json_string_value(r));
		if (xfa_json_str(rec, "revoked_at"))
			printf(_("  revoked %s"), xfa_json_str(rec, "revoked_at"));
	} else if (doc) {
		printf("%s", _("  (not in the keyring)"));
	}
	putchar('\n');
}

int key_agent_list(int argc, char **argv, const char *usage)
{
	xfa_agent *ag = NULL;
	xfa_agent_id *ids = NULL;
	xfa_archive *a = NULL;
	const json_t *doc;
	json_t *arr = NULL;
	size_t n = 0, i;
	int err, status = 0;

	(void)argv;
	if (argc != 1)
		return cli_usage(usage, NULL);
	if ((err = xfa_agent_open(&ag, NULL)) < 0 ||
	    (err = xfa_agent_list(&ids, &n, ag)) < 0) {
		xfa_agent_close(ag);
		return cli_fail(err, "cannot list the ssh-agent's keys");
	}
	doc = keyring_doc(&a);
	if (cli.json && !(arr = json_array()))
		status = cli_fail(XFA_ERROR, "out of memory");
	for (i = 0; i < n && !status; i++)
		list_one(arr, doc, &ids[i]);
	if (cli.json && !status) {
		cli_json(arr);
	}
	json_decref(arr);
	xfa_agent_ids_free(ids, n);
	xfa_agent_close(ag);
	xfa_archive_free(a);
	return cli_done(status);
}

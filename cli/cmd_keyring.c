/* cmd_keyring.c - xfa keyring add | revoke | list | allowed-signers. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"
#include "json.h"
#include "keyring.h"

static const char usage[] =
	"xfa keyring add PUBFILE --role ROLE[,ROLE] [--name NAME] [--email E]\n"
	"       xfa keyring revoke FINGERPRINT\n"
	"       xfa keyring list\n"
	"       xfa keyring allowed-signers";

/*
 * A .pub's comment is anything its maker typed ("user@host", a path, text
 * in any encoding): it names the holder only if it would pass as a name
 * (1..100 bytes of UTF-8, no control characters or angle brackets), and
 * its "<email>" only if it looks like one.  Otherwise it is dropped and
 * --name / --email say who holds the key.
 */
static int usable(const char *s, size_t max, int email)
{
	const char *c, *at;

	if (!s || !*s || strlen(s) > max || !xfa_utf8_valid(s, strlen(s)))
		return 0;
	for (c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '<' ||
		    *c == '>' || (email && strchr(" ,\"", *c)))
			return 0;
	return !email || ((at = strchr(s, '@')) && at > s && at[1] &&
			  !strchr(at + 1, '@'));
}

static int keyring_add(xfa_archive *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, 0, 'r' },
		{ "name", required_argument, 0, 'n' },
		{ "email", required_argument, 0, 'e' },
		{ 0, 0, 0, 0 }
	};
	const char *roles = NULL, *name = NULL, *email = NULL;
	char *pname = NULL, *pemail = NULL, fpr[XFA_FPR_SIZE], ids[512];
	const xfa_meta *m;
	xfa_pubkey pk;
	xfa_key *k = NULL;
	int c, err, status;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r') roles = optarg;
		else if (c == 'n') name = optarg;
		else if (c == 'e') email = optarg;
		else return cli_usage(usage, NULL);
	}
	if (optind != argc - 1 || !roles)
		return cli_usage(usage, "keyring add needs PUBFILE and --role");
	/* 登记员 or clerk: a role is named by its id or its label */
	if ((err = xfa_archive_meta(&m, a)) < 0)
		return cli_fail(err, "cannot read the keyring");
	if ((status = cli_resolve_list(ids, sizeof(ids), m->wf, "role", "--role", roles)))
		return status;
	roles = ids;
	if ((status = cli_read_pub(&pk, &pname, &pemail, argv[optind])))
		return status;
	if (!usable(pname, 100, 0)) {
		free(pname);
		pname = NULL;
	}
	if (!usable(pemail, 254, 1)) {
		free(pemail);
		pemail = NULL;
	}
	if ((status = cli_signing_key(&k)))
		goto done;
	xfa_pubkey_fingerprint(fpr, &pk);
	err = xfa_admin_key_add(a, k, &pk, name ? name : pname ? pname : "unnamed",
				email ? email : pemail, roles);
	if (err < 0)
		status = cli_fail(err, "cannot add key %s", fpr);
	else if (!cli.quiet && !cli.json)
		printf(_("added %s (%s)\n"), fpr, roles);
done:
	xfa_key_free(k);
	free(pname);
	free(pemail);
	return status;
}

static int keyring_revoke(xfa_archive *a, int argc, char **argv)
{
	xfa_key *k = NULL;
	int status, err;

	if (argc != 2)
		return cli_usage(usage, "keyring revoke needs one fingerprint");
	if ((status = cli_signing_key(&k)))
		return status;
	if ((err = xfa_admin_key_revoke(a, k, argv[1])) < 0)
		status = cli_fail(err, "cannot revoke %s", argv[1]);
	else if (!cli.quiet && !cli.json)
		printf(_("revoked %s\n"), argv[1]);
	xfa_key_free(k);
	return status;
}

static int keyring_list(const xfa_meta *m)
{
	const char *fpr;
	json_t *rec, *r;
	size_t i;

	if (cli.json) {
		cli_json(json_object_get(m->doc, "keys"));
		return 0;
	}
	json_object_foreach(json_object_get(m->doc, "keys"), fpr, rec) {
		printf("%s  ", fpr);
		cli_cell(xfa_json_str(rec, "name"), 12);
		printf("  ");
		/* the principal `ssh-keygen -Y verify -I` and git's allowed signers name */
		cli_cell(xfa_keyring_principal(rec), 28);
		printf("  ");
		json_array_foreach(json_object_get(rec, "roles"), i, r)
			printf("%s%s", i ? "," : "", cli_label(m, "role", json_string_value(r)));
		if (xfa_json_str(rec, "revoked_at"))
			printf("  %s %s", _("revoked"),
			       xfa_json_str(rec, "revoked_at"));
		if (!strcmp(fpr, xfa_json_str(m->doc, "root")))
			printf("  %s", _("(root)"));
		putchar('\n');
	}
	return 0;
}

int cmd_keyring(int argc, char **argv)
{
	const xfa_meta *m = NULL;
	xfa_archive *a = NULL;
	int status, err;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	if (argc < 2)
		return cli_usage(usage, NULL);
	if ((status = cli_open(&a)))
		return status;
	if (!strcmp(argv[1], "add")) {
		status = keyring_add(a, argc - 1, argv + 1);
	} else if (!strcmp(argv[1], "revoke")) {
		status = keyring_revoke(a, argc - 1, argv + 1);
	} else if (!strcmp(argv[1], "list") || !strcmp(argv[1], "allowed-signers")) {
		if (argc != 2) {
			status = cli_usage(usage, NULL);
		} else if ((err = xfa_archive_meta(&m, a)) < 0) {
			status = cli_fail(err, "cannot read the keyring");
		} else if (argv[1][0] == 'l') {
			status = keyring_list(m);
		} else {
			char *s = xfa_keyring_allowed_signers(m->doc);
			fputs(s ? s : "", stdout);
			free(s);
		}
	} else {
		status = cli_usage(usage, "'%s' is not a keyring command", argv[1]);
	}
	xfa_archive_free(a);
	return cli_done(status);
}

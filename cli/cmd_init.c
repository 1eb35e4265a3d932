/* cmd_init.c - xfa init: a new archive whose first signed commit holds the
 * configuration, the keyring and the workflow. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"

static const char usage[] =
	"xfa init [DIR] --name BUREAU --fonds CODE [--prefix XF] [--office CODE]\n"
	"                [--utc-offset +08:00] [--admin-name NAME] [--admin-email E] --as ADMIN.key";

/* The holder named in ADMIN.pub beside ADMIN.key, if there is one. */
static void pub_holder(char **name, char **email, const char *keypath)
{
	char pub[4096];
	size_t n = strlen(keypath);
	xfa_pubkey pk;

	if (n > 4 && !strcmp(keypath + n - 4, ".key"))
		n -= 4;
	snprintf(pub, sizeof(pub), "%.*s.pub", (int)n, keypath);
	if (cli_read_pub(&pk, name, email, pub) != 0) {
		*name = *email = NULL;
		xfa_error_clear();
	}
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, 0, 'n' },
		{ "fonds", required_argument, 0, 'f' },
		{ "prefix", required_argument, 0, 'p' },
		{ "office", required_argument, 0, 'o' },
		{ "utc-offset", required_argument, 0, 'u' },
		{ "admin-name", required_argument, 0, 'a' },
		{ "admin-email", required_argument, 0, 'e' },
		{ 0, 0, 0, 0 }
	};
	xfa_init_opts o;
	xfa_archive *a = NULL;
	xfa_key *k = NULL;
	char *pname = NULL, *pemail = NULL;
	const char *dir;
	int c, err, status;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 'f': o.fonds = optarg; break;
		case 'p': o.prefix = optarg; break;
		case 'o': o.office = optarg; break;
		case 'u': o.utc_offset = optarg; break;
		case 'a': o.admin_name = optarg; break;
		case 'e': o.admin_email = optarg; break;
		default: return cli_usage(usage, NULL);
		}
	}
	if (optind < argc - 1)
		return cli_usage(usage, "init takes one folder");
	dir = optind < argc ? argv[optind] : cli.dir;
	if (!o.name || !o.fonds)
		return cli_usage(usage, "init needs --name and --fonds");
	if ((status = cli_signing_key(&k)))
		return status;
	pub_holder(&pname, &pemail, cli.key);
	if (!o.admin_name)
		o.admin_name = pname ? pname : "admin";
	if (!o.admin_email)
		o.admin_email = pemail;
	err = xfa_archive_create(&a, dir, &o, k);
	if (err < 0) {
		status = cli_fail(err, "cannot create archive '%s'", dir);
	} else {
		status = 0;
		if (cli.json) {
			json_t *j = json_pack("{s:s}", "archive", dir);
			cli_json(j);
			json_decref(j);
		} else if (!cli.quiet) {
			printf(_("initialised archive %s\n"), dir);
		}
	}
	xfa_archive_free(a);
	xfa_key_free(k);
	free(pname);
	free(pemail);
	return cli_done(status);
}

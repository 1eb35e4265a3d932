/* main.c - the xfa program: global options and the command table. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "error.h"
#include "i18n.h"
#include "store.h"
#include "xfa.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "key",           cmd_key,           N_("make a signing key") },
	{ "init",          cmd_init,          N_("create an archive") },
	{ "keyring",       cmd_keyring,       N_("add, revoke and list the archive's keys") },
	{ "case",          cmd_case,          N_("register, move and read cases") },
	{ "risk",          cmd_risk,          N_("the dispute-risk ledger 矛盾纠纷台账: register, move, list") },
	{ "lookup",        cmd_lookup,        N_("a case's public timeline by its query code") },
	{ "verify",        cmd_verify,        N_("prove the archive's history") },
	{ "checkpoint",    cmd_checkpoint,    N_("a signed statement of the current head") },
	{ "export",        cmd_export,        N_("closed cases as a signed BagIt package") },
	{ "verify-export", cmd_verify_export, N_("check a package offline") },
	{ "report",        cmd_report,        N_("overdue cases, rates, ledger and yearly statistics") },
	{ "import",        cmd_import,        N_("bulk-load cases and their history from JSON lines") },
	{ "clone",         cmd_clone,         N_("copy an archive from a git remote") },
	{ "remote",        cmd_remote,        N_("name the git remotes an archive syncs with") },
	{ "sync",          cmd_sync,          N_("fetch, verify, integrate and push") },
	{ "help",          cmd_help,          N_("list the commands, or describe one") },
	{ "complete",      cmd_complete,      N_("words for shell completion (states, roles, case ids...)") },
	{ NULL, NULL, NULL }
};

static const char usage[] =
	"xfa [-C DIR] [--as KEYFILE] [--json] [-q] [--lang zh|en] COMMAND [ARGS]";

int cmd_help(int argc, char **argv)
{
	const struct command *c;

	/* xfa help CMD: the command's own --help */
	if (argc >= 2 && strcmp(argv[1], "-h") && strcmp(argv[1], "--help")) {
		for (c = commands; c->name; c++)
			if (!strcmp(c->name, argv[1]) && c->fn != cmd_help)
				return c->fn(2, (char *[]){ argv[1], "--help", NULL });
		return cli_usage(usage, "'%s' is not a command ('xfa help' lists them)", argv[1]);
	}
	printf(_("usage: %s\n\ncommands:\n"), usage);
	for (c = commands; c->name; c++) {
		printf("  %-14s ", c->name);
		puts(_(c->summary));
	}
	printf("\n%s\n", _("'xfa help COMMAND' or 'xfa COMMAND --help' describes a command; man xfa describes all."));
	return cli_done(0);
}

/* Take the global options out of argv wherever they stand; returns 0 or 64. */
static int take_globals(int *argc, char **argv)
{
	int i, j = 1;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];
		int has_next = i + 1 < *argc;
		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if ((!strcmp(a, "-C") || !strcmp(a, "--as") || !strcmp(a, "--lang"))) {
			if (!has_next)
				return cli_usage(usage, "option '%s' needs a value", a);
			if (a[1] == 'C')
				cli.dir = argv[++i];
			else if (!strcmp(a, "--as"))
				cli.key = argv[++i];
			else
				cli.lang = argv[++i];
		} else if (!strncmp(a, "--as=", 5)) {
			cli.key = a + 5;
		} else if (!strcmp(a, "--json")) {
			cli.json = 1;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			cli.quiet = 1;
		} else if (!strcmp(a, "--no-fsync")) {
			xfa_store_set_fsync(0);
		} else {
			argv[j++] = argv[i];
		}
	}
	argv[j] = NULL;
	*argc = j;
	if (strcmp(cli.lang, "zh") && strcmp(cli.lang, "en"))
		return cli_usage(usage, "--lang is zh or en, not '%s'", cli.lang);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	const char *env;
	int err;

	if (!setlocale(LC_CTYPE, "") || MB_CUR_MAX == 1)
		setlocale(LC_CTYPE, "C.UTF-8");
	cli.dir = (env = getenv("XFA_ARCHIVE")) && *env ? env : "archive.xfa";
	cli.key = getenv("XFA_KEY");
	/* --lang, else XFA_LANG, else the locale (LANG=zh_CN.UTF-8: Chinese) */
	cli.lang = (env = getenv("XFA_LANG")) && *env ? env : cli_lang_from_env();
	cli_i18n_init(strcmp(cli.lang, "en") ? "zh" : "en");
	if ((env = getenv("XFA_FSYNC")) && !strcmp(env, "0"))
		xfa_store_set_fsync(0);
	if ((err = take_globals(&argc, argv)))
		return err;
	cli_i18n_init(cli.lang);
	if (argc < 2)
		return cli_usage(usage, "no command given ('xfa help' lists them)");
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("xfa %s\n", XFA_VERSION);
		return cli_done(0);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(argc, argv);
	for (c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			break;
	if (!c->name)
		return cli_usage(usage, "'%s' is not a command ('xfa help' lists them)", argv[1]);
	/* help reads nothing: no library to start (libgit2's start-up alone
	 * parses the system's CA certificates) */
	if (c->fn == cmd_help)
		return cmd_help(argc - 1, argv + 1);
	if (xfa_init() < 0) {
		fprintf(stderr, _("xfa: cannot initialise: %s\n"), xfa_error_last());
		return EXIT_IOERR;
	}
	err = c->fn(argc - 1, argv + 1);
	xfa_shutdown();
	return err;
}

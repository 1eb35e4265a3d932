/* cmd_checkpoint.c - xfa checkpoint --as KEY > FILE: a signed statement
 * (C2SP signed note) of the archive's current head, for a later
 * `xfa verify --checkpoint FILE` to prove that history only grew. */
#include <stdio.h>
#include <stdlib.h>

#include "checkpoint.h"
#include "cli.h"
#include "cmds.h"
#include "error.h"

static const char usage[] = "xfa checkpoint --as KEYFILE > FILE";

int cmd_checkpoint(int argc, char **argv)
{
	const xfa_meta *m;
	xfa_archive *a = NULL;
	xfa_key *k = NULL;
	char *note = NULL;
	int st, err;

	(void)argv;
	if (cli_help(argc, argv, usage))
		return cli_done(0);
	if (argc != 1)
		return cli_usage(usage, "checkpoint takes no arguments");
	if ((st = cli_open(&a)))
		return st;
	if ((st = cli_signing_key(&k)))
		goto done;
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_checkpoint_make(&note, xfa_archive_store(a), m->doc, k)) < 0) {
		st = cli_fail(err, "cannot make a checkpoint of '%s'", cli.dir);
		goto done;
	}
	fputs(note, stdout);
done:
	free(note);
	xfa_key_free(k);
	xfa_archive_free(a);
	return cli_done(st);
}

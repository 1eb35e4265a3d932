/* cmd_export.c - xfa export: closed cases as one signed BagIt package. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"
#include "export.h"
#include "json.h"

static const char usage[] =
	"xfa export [ID... | --closed] --out FILE.tar|FILE.zip [--force] [--as ARCHIVIST.key]";

static void print_result(const json_t *r)
{
	const json_t *c;
	size_t i;

	if (cli.quiet) {
		printf("%s\n", xfa_json_str(r, "sha256"));
		return;
	}
	json_array_foreach(json_object_get(r, "cases"), i, c) {
		printf("%s  %s", xfa_json_str(c, "id"), xfa_json_str(c, "reference"));
		if (json_is_true(json_object_get(c, "reexport")))
			printf("  %s", _("re-export: a second copy of an archived case"));
		if (json_is_true(json_object_get(c, "forced")))
			printf("  %s", _("forced: not archivable, no archived event"));
		printf("\n");
	}
	printf(_("%s %s\nsha256 %s  %lld bytes\n"), _("package:"),
	       xfa_json_str(r, "package"), xfa_json_str(r, "sha256"),
	       xfa_json_int(r, "bytes", 0));
}

/* Progress on a terminal: "export: 120/5000 cases" rewritten in place. */
static void show_progress(size_t done, size_t total, void *payload)
{
	(void)payload;
	fputc('\r', stderr);
	fprintf(stderr, _("export: %zu/%zu cases"), done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, 0, 'o' },
		{ "closed", no_argument, 0, 'c' },
		{ "force", no_argument, 0, 'f' },
		{ 0, 0, 0, 0 }
	};
	xfa_export_opts o;
	xfa_archive *a = NULL;
	xfa_key *k = NULL;
	json_t *res = NULL;
	int c, st, err;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out = optarg; break;
		case 'c': o.closed = 1; break;
		case 'f': o.force = 1; break;
		default: return cli_usage(usage, NULL);
		}
	}
	o.ids = (const char *const *)argv + optind;
	o.nids = (size_t)(argc - optind);
	if (!o.out)
		return cli_usage(usage, "--out FILE.tar|FILE.zip is required");
	if (!o.closed && !o.nids)
		return cli_usage(usage, "name the cases to export, or --closed");
	if ((st = cli_open(&a)))
		return st;
	if ((st = cli_signing_key(&k)))
		goto done;
	if (!cli.quiet && !cli.json && isatty(STDERR_FILENO))
		o.progress = show_progress;
	if ((err = xfa_export_run(&res, a, k, &o)) < 0) {
		st = cli_fail(err, "cannot export to '%s'", o.out);
		goto done;
	}
	if (cli.json)
		cli_json(res);
	else
		print_result(res);
done:
	json_decref(res);
	xfa_key_free(k);
	xfa_archive_free(a);
	return cli_done(st);
}

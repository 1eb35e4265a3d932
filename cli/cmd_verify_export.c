/* cmd_verify_export.c - xfa verify-export: check a filing package offline. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "error.h"
#include "export.h"
#include "i18n.h"
#include "json.h"

static const char usage[] =
	"xfa verify-export FILE.tar|FILE.zip [--trust FPR] [--max-bytes N] [--max-entry-bytes N]\n"
	"                  [--max-entries N] [--max-kept-bytes N]";

static int parse_limit(uint64_t *out, const char *opt, const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (!*s || *end || s[0] == '-' || v == 0)
		return cli_usage(usage, "%s takes a positive number, not '%s'", opt, s);
	*out = v;
	return 0;
}

static void print_report(const json_t *r)
{
	const json_t *f, *sg = json_object_get(r, "signer");
	const json_t *root = json_object_get(r, "root");
	size_t i;

	json_array_foreach(json_object_get(r, "findings"), i, f)
		printf(_("FAIL %s: %s: %s\n"), xfa_json_str(f, "file"),
		       xfa_json_str(f, "reason"), xfa_json_str(f, "message"));
	if (cli.quiet)
		return;
	long long n;

	if (xfa_json_str(root, "statement"))
		printf(_("root: %s\n"), xfa_json_str(root, "statement"));
	json_array_foreach(json_object_get(r, "unproven"), i, f)
		printf(_("not re-proved: %s\n"), json_string_value(f));
	printf("%s: %s", xfa_json_str(r, "package"),
	       json_is_true(json_object_get(r, "ok")) ? _("OK") : _("FAILED"));
	n = xfa_json_int(r, "cases", 0);
	printf(ngettext("; %lld case", "; %lld cases", (unsigned long)n), n);
	n = xfa_json_int(r, "events", 0);
	printf(ngettext(", %lld event", ", %lld events", (unsigned long)n), n);
	n = xfa_json_int(r, "attachments", 0);
	printf(ngettext(", %lld attachment", ", %lld attachments", (unsigned long)n), n);
	n = xfa_json_int(r, "files", 0);
	printf(ngettext(", %lld file", ", %lld files", (unsigned long)n), n);
	if (sg)
		printf(_("; signed by %s (%s)"), xfa_json_str(sg, "principal"),
		       xfa_json_str(sg, "fingerprint"));
	printf("\n");
}

int cmd_verify_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-bytes", required_argument, 0, 'b' },
		{ "max-entry-bytes", required_argument, 0, 'e' },
		{ "max-entries", required_argument, 0, 'n' },
		{ "max-kept-bytes", required_argument, 0, 'k' },
		{ "trust", required_argument, 0, 't' },
		{ 0, 0, 0, 0 }
	};
	xfa_bag_limits lim;
	json_t *rep = NULL;
	const char *trust = NULL;
	int c, st, err;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	xfa_bag_limits_default(&lim);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't') {
			trust = optarg;
			continue;
		}
		st = c == 'b' ? parse_limit(&lim.total, "--max-bytes", optarg) :
		     c == 'e' ? parse_limit(&lim.entry, "--max-entry-bytes", optarg) :
		     c == 'n' ? parse_limit(&lim.entries, "--max-entries", optarg) :
		     c == 'k' ? parse_limit(&lim.kept, "--max-kept-bytes", optarg) :
		     cli_usage(usage, NULL);
		if (st)
			return st;
	}
	if (optind != argc - 1)
		return cli_usage(usage, "verify-export takes one package");
	if ((err = xfa_export_verify(&rep, argv[optind], &lim, trust)) < 0)
		return cli_done(cli_fail(err, "cannot check '%s'", argv[optind]));
	if (cli.json)
		cli_json(rep);
	else
		print_report(rep);
	st = json_is_true(json_object_get(rep, "ok")) ? 0 : EXIT_FINDINGS;
	json_decref(rep);
	return cli_done(st);
}

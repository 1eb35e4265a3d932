/* cmd_report.c - xfa report SUBCOMMAND: overdue and rates here; other
 * subcommands (ledger, stats) live in their own files.
 *
 * Subcommand table.  Each line is {name, fn, summary}; fn is
 *
 *     int report_<name>(xfa_archive *a, const xfa_meta *m,
 *                       int argc, char **argv);
 *
 * called with the archive open and its metadata loaded; argv[0] is the
 * subcommand name and the rest its own options (parse them with
 * getopt_long after setting optind = 0; report_day() reads a date
 * option).  It prints its result (honouring cli.json and cli.lang) and
 * returns an exit status; cmd_report() calls cli_done().
 *
 * The type and the shared helpers are in cli/cmd_report.h, with the
 * prototypes of the subcommands that live in their own files
 * (cmd_report_ledger.c, cmd_report_stats.c).  A new subcommand: its
 * prototype there and one line in `subs`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "cmd_report.h"
#include "cmds.h"
#include "error.h"
#include "json.h"
#include "report.h"
#include "stamp.h"
#include "workflow.h"

static report_fn report_overdue, report_rates;

static const struct {
	const char *name;
	report_fn *fn;
	const char *summary;
} subs[] = {
	{ "overdue", report_overdue, N_("open cases past or near a deadline") },
	{ "rates", report_rates, N_("及时受理率, 按期办结率, 群众满意率 and counts") },
	{ "ledger", report_ledger, N_("the dispute-risk ledger 矛盾纠纷台账: items per list, due for 销号") },
	{ "stats", report_stats, N_("the yearly statistics 【概况】 with 同比 changes") },
};
#define NSUBS (sizeof(subs) / sizeof(*subs))

static const char usage[] =
	"xfa report overdue [--as-of DATE] [--within DAYS]\n"
	"       xfa report rates [--from DATE] [--to DATE] [--as-of DATE]\n"
	"       xfa report SUBCOMMAND --help   (xfa report --help lists them)";

/* Parse a "YYYY-MM-DD" option value; 0 or an exit status (message printed). */
int report_day(long *out, const char *opt, const char *arg)
{
	if (xfa_date_parse(out, arg) < 0)
		return cli_usage(usage, "%s '%s': not a date (YYYY-MM-DD)", opt, arg);
	return 0;
}

/* Common options: --as-of, --from, --to, --within (only where `allowed`). */
static int parse_opts(xfa_report_opts *o, xfa_archive *a, int argc, char **argv,
		      const char *allowed)
{
	static const struct option opts[] = {
		{ "as-of", required_argument, 0, 'a' },
		{ "from", required_argument, 0, 'f' },
		{ "to", required_argument, 0, 't' },
		{ "within", required_argument, 0, 'w' },
		{ 0, 0, 0, 0 }
	};
	char *end;
	int c, st, err;

	if ((err = xfa_report_opts_init(o, a)) < 0)
		return cli_fail(err, "cannot read the archive");
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == '?' || !strchr(allowed, c))
			return cli_usage(usage, "%s: option not understood", argv[0]);
		if (c == 'a' && (st = report_day(&o->as_of, "--as-of", optarg)))
			return st;
		if (c == 'f' && (st = report_day(&o->from, "--from", optarg)))
			return st;
		if (c == 't' && (st = report_day(&o->to, "--to", optarg)))
			return st;
		if (c == 'w') {
			long n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 0 || n > 3650)
				return cli_usage(usage, "--within '%s': not a number "
						 "of days (0..3650)", optarg);
			o->within = (int)n;
		}
	}
	if (optind != argc)
		return cli_usage(usage, "report %s takes no arguments", argv[0]);
	if (o->from != LONG_MIN && o->to != LONG_MAX && o->from > o->to)
		return cli_usage(usage, "--from is after --to");
	return 0;
}

/* The overdue counts per level (the report's "per"), one line each. */
static void per_overdue(const xfa_meta *m, const json_t *r)
{
	const json_t *per = json_object_get(r, "per"), *c;
	const char *key;

	json_object_foreach((json_t *)json_object_get(per, "counts"), key, c) {
		printf("  ");
		cli_cell(cli_label(m, "level", key), 20);
		printf(_("%lld overdue, %lld due soon\n"),
		       xfa_json_int(c, "overdue", 0), xfa_json_int(c, "near", 0));
	}
}

static int report_overdue(xfa_archive *a, const xfa_meta *m, int argc, char **argv)
{
	xfa_report_opts o;
	json_t *r = NULL, *it;
	size_t i;
	int st, err;

	if ((st = parse_opts(&o, a, argc, argv, "aw")))
		return st;
	if ((err = xfa_report_overdue(&r, a, &o)) < 0)
		return cli_fail(err, "cannot compute the overdue report");
	if (cli.json) {
		cli_json(r);
		json_decref(r);
		return 0;
	}
	/* TRANSLATORS: followed by "%zu deadlines". */
	printf(ngettext("as of %s, overdue or due within %lld day: ",
			"as of %s, overdue or due within %lld days: ",
			(unsigned long)xfa_json_int(r, "within", 0)),
	       xfa_json_str(r, "as_of"), xfa_json_int(r, "within", 0));
	printf(ngettext("%zu deadline\n", "%zu deadlines\n",
			(unsigned long)json_array_size(json_object_get(r, "items"))),
	       json_array_size(json_object_get(r, "items")));
	per_overdue(m, r);
	if (json_array_size(json_object_get(r, "items"))) {
		cli_cell(_("case"), 16);
		cli_cell(_("status"), 21);
		cli_cell(_("deadline"), 24);
		cli_cell(_("due date"), 12);
		cli_cell(_("days"), 16);
		printf("%s\n", _("unit"));
	}
	json_array_foreach(json_object_get(r, "items"), i, it) {
		char days[64];
		long long n = xfa_json_int(it, "days_left", 0);
		if (n < 0)
			snprintf(days, sizeof(days), ngettext("%lld day late", "%lld days late",
							      (unsigned long)-n), -n);
		else
			snprintf(days, sizeof(days), ngettext("%lld day left", "%lld days left",
							      (unsigned long)n), n);
		cli_cell(xfa_json_str(it, "case"), 16);
		cli_cell(cli_label(m, "state", xfa_json_str(it, "status")), 21);
		cli_cell(cli_label(m, "deadline", xfa_json_str(it, "deadline")), 24);
		cli_cell(xfa_json_str(it, "due"), 12);
		cli_cell(days, 16);
		printf("%s\n", xfa_json_str(it, "unit") ? xfa_json_str(it, "unit") : "");
	}
	json_decref(r);
	return 0;
}

/* The label of rate or breakdown `def` in the chosen language. */
static const char *def_label(const json_t *def)
{
	const char *s = xfa_json_str(json_object_get(def, "label"), cli.lang);
	return s ? s : xfa_json_str(def, "id");
}

/* Each level's cases, matters settled and rates (the report's "per"). */
static void per_rates(const xfa_meta *m, const json_t *r)
{
	const json_t *rep = xfa_workflow_report(m->wf), *def, *c, *x;
	const json_t *per = json_object_get(r, "per");
	const char *key;
	size_t i;

	if (!json_is_object(per))
		return;
	printf("%s\n", def_label(json_object_get(rep, "per")));
	json_object_foreach((json_t *)json_object_get(per, "counts"), key, c) {
		printf("  ");
		cli_cell(cli_label(m, "level", key), 20);
		printf(_("cases %4lld, settled %lld"),
		       xfa_json_int(c, "cases", 0), xfa_json_int(c, "settled", 0));
		json_array_foreach(json_object_get(rep, "rates"), i, def) {
			x = json_object_get(json_object_get(c, "rates"),
					    xfa_json_str(def, "id"));
			printf(_(", %s "), def_label(def));
			if (json_is_number(json_object_get(x, "percent")))
				printf("%.2f%%", json_number_value(json_object_get(x, "percent")));
			else
				printf("-");
			printf(" (%lld/%lld)", xfa_json_int(x, "numerator", 0),
			       xfa_json_int(x, "denominator", 0));
		}
		printf("\n");
	}
}

static void rates_human(const xfa_meta *m, const json_t *r)
{
	const json_t *rep = xfa_workflow_report(m->wf), *def;
	size_t i;

	printf(_("cases received %s to %s, deadlines as of %s\n"),
	       xfa_json_str(r, "from") ? xfa_json_str(r, "from") : "-",
	       xfa_json_str(r, "to") ? xfa_json_str(r, "to") : "-",
	       xfa_json_str(r, "as_of"));
	printf(_("registrations %lld (repeats %lld), visits or letters %lld, people %lld\n"),
	       xfa_json_int(r, "cases", 0),
	       xfa_json_int(r, "cases", 0) - xfa_json_int(r, "matters", 0),
	       xfa_json_int(r, "times", 0), xfa_json_int(r, "people", 0));
	json_array_foreach(json_object_get(rep, "rates"), i, def) {
		const json_t *x = json_object_get(json_object_get(r, "rates"),
						  xfa_json_str(def, "id"));
		char pct[32] = "-";
		if (json_is_number(json_object_get(x, "percent")))
			snprintf(pct, sizeof(pct), "%.2f%%",
				 json_number_value(json_object_get(x, "percent")));
		printf("  ");
		cli_cell(def_label(def), 20);
		cli_cell(pct, 9);
		printf(" %lld / %lld\n", xfa_json_int(x, "numerator", 0),
		       xfa_json_int(x, "denominator", 0));
	}
	json_array_foreach(json_object_get(rep, "breakdowns"), i, def) {
		const json_t *b = json_object_get(json_object_get(r, "breakdowns"),
						  xfa_json_str(def, "field"));
		const char *key, *voc = xfa_json_str(def, "vocabulary");
		const json_t *c;
		printf("%s\n", def_label(def));
		json_object_foreach((json_t *)json_object_get(b, "counts"), key, c) {
			printf("  ");
			cli_cell(voc ? cli_label(m, voc, key) : key, 28);
			printf(_("cases %4lld  times %4lld  people %5lld\n"),
			       xfa_json_int(c, "cases", 0), xfa_json_int(c, "times", 0),
			       xfa_json_int(c, "people", 0));
		}
	}
	per_rates(m, r);
}

static int report_rates(xfa_archive *a, const xfa_meta *m, int argc, char **argv)
{
	xfa_report_opts o;
	json_t *r = NULL;
	int st, err;

	if ((st = parse_opts(&o, a, argc, argv, "aft")))
		return st;
	if ((err = xfa_report_rates(&r, a, &o)) < 0)
		return cli_fail(err, "cannot compute the rates");
	if (cli.json)
		cli_json(r);
	else
		rates_human(m, r);
	json_decref(r);
	return 0;
}

static void list_subs(void)
{
	size_t i;

	cli_print_help(usage);
	printf("\n%s\n", _("subcommands:"));
	for (i = 0; i < NSUBS; i++)
		if (subs[i].fn)
			printf("  %-10s %s\n", subs[i].name, _(subs[i].summary));
}

int cmd_report(int argc, char **argv)
{
	const xfa_meta *m;
	xfa_archive *a = NULL;
	size_t i;
	int st, err;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		list_subs();
		return cli_done(0);
	}
	if (argc < 2)
		return cli_usage(usage, "report needs a subcommand");
	for (i = 0; i < NSUBS && strcmp(subs[i].name, argv[1]); i++)
		;
	if (i == NSUBS)
		return cli_usage(usage, "'%s' is not a report", argv[1]);
	if (cli_help(argc - 1, argv + 1, usage))
		return cli_done(0);
	if ((st = cli_open(&a)))
		return st;
	if ((err = xfa_archive_meta(&m, a)) < 0)
		st = cli_fail(err, "cannot read the archive");
	else
		st = subs[i].fn(a, m, argc - 1, argv + 1);
	xfa_archive_free(a);
	return cli_done(st);
}

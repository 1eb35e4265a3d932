/* cmd_report_ledger.c - xfa report ledger [--at DATE]: the dispute-risk
 * ledger 矛盾纠纷台账 (report 002): risk items per list (三级清单), totals,
 * and the items whose observation period has run, due for 销号.  Issue 9. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "cmd_report.h"
#include "error.h"
#include "json.h"
#include "ledger.h"
#include "report.h"

static const char ledger_usage[] =
	"xfa report ledger [--at DATE]   (default: today)";

static void ledger_human(const xfa_meta *m, const json_t *r)
{
	const xfa_workflow *wf = m->kinds[XFA_KIND_RISK].wf;
	const json_t *l, *d;
	size_t i;

	printf(_("dispute-risk ledger: %lld registered, %lld open, %lld struck off (observation judged on %s)\n"),
	       xfa_json_int(r, "total", 0), xfa_json_int(r, "open", 0),
	       xfa_json_int(r, "struck", 0), xfa_json_str(r, "at"));
	json_array_foreach(json_object_get(r, "levels"), i, l) {
		printf("  ");
		cli_cell(xfa_workflow_label(wf, "state", xfa_json_str(l, "state"), cli.lang), 34);
		printf("%6lld\n", xfa_json_int(l, "count", 0));
	}
	if (!json_array_size(json_object_get(r, "due"))) {
		printf(_("due for strike-off: none\n"));
		return;
	}
	printf(_("due for strike-off (%zu):\n"),
	       json_array_size(json_object_get(r, "due")));
	json_array_foreach(json_object_get(r, "due"), i, d) {
		printf("  ");
		cli_cell(xfa_json_str(d, "id"), 17);
		cli_cell(xfa_json_str(d, "locality"), 12);
		printf(ngettext("observed until %s, %lld day ago  %s\n",
				"observed until %s, %lld days ago  %s\n",
				(unsigned long)xfa_json_int(d, "days_over", 0)),
		       xfa_json_str(d, "due") ? xfa_json_str(d, "due") : "-",
		       xfa_json_int(d, "days_over", 0), xfa_json_str(d, "summary"));
	}
}

int report_ledger(xfa_archive *a, const xfa_meta *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "at", required_argument, 0, 'a' },
		{ 0, 0, 0, 0 }
	};
	xfa_report_opts o;
	json_t *r = NULL;
	int c, st, err;

	if ((err = xfa_report_opts_init(&o, a)) < 0)
		return cli_fail(err, "cannot read the ledger");
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_usage(ledger_usage, "ledger: option not understood");
		if ((st = report_day(&o.as_of, "--at", optarg)))
			return st;
	}
	if (optind != argc)
		return cli_usage(ledger_usage, "report ledger takes no arguments");
	if ((err = xfa_ledger_report(&r, a, o.as_of)) < 0)
		return cli_fail(err, "cannot read the ledger");
	if (cli.json)
		cli_json(r);
	else
		ledger_human(m, r);
	json_decref(r);
	return 0;
}

/* cmd_report_stats.c - xfa report stats --year Y: the yearly statistics of
 * a bureau in the shape of a yearbook's 【概况】 (report 003), with 同比
 * changes against the previous year; --json gives the numbers.  Issue 9. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "i18n.h"
#include "cmd_report.h"
#include "error.h"
#include "json.h"
#include "stats.h"
#include "workflow.h"

static const char stats_usage[] =
	"xfa report stats [--year YYYY] [--as-of DATE]   (default: this year)";

static const json_t *cnt(const json_t *r, const char *k)
{
	return json_object_get(json_object_get(r, "counts"), k);
}

static long long val(const json_t *r, const char *k)
{
	return xfa_json_int(cnt(r, k), "value", 0);
}

/* What a count is counted in: the Chinese yearbook names the unit in
 * each change ("同比件次上升", "同比批次下降", "同比件数持平"); English
 * needs no unit, so the unit is the message context. */
enum unit { TIMES, BATCHES, CASES };

/* "同比件次上升 12.7%" / "up 12.7% on the year before".  The text lives in
 * one of four rotating buffers, so one printf may use up to four. */
static const char *change(const json_t *r, const char *k, enum unit u)
{
	static char bufs[4][96];
	static unsigned turn;
	char *buf = bufs[turn++ % 4];
	const json_t *y = json_object_get(cnt(r, k), "yoy");
	double p = json_number_value(y);
	const char *up[] = { C_("times", "up %.1f%% on the year before"),
			     C_("batches", "up %.1f%% on the year before"),
			     C_("cases", "up %.1f%% on the year before") };
	const char *down[] = { C_("times", "down %.1f%% on the year before"),
			       C_("batches", "down %.1f%% on the year before"),
			       C_("cases", "down %.1f%% on the year before") };
	const char *level[] = { C_("times", "level with the year before"),
				C_("batches", "level with the year before"),
				C_("cases", "level with the year before") };

	if (!json_is_number(y))
		snprintf(buf, sizeof(bufs[0]), "%s", _("none the year before"));
	else if (p == 0)
		snprintf(buf, sizeof(bufs[0]), "%s", level[u]);
	else
		snprintf(buf, sizeof(bufs[0]), p > 0 ? up[u] : down[u], p > 0 ? p : -p);
	return buf;
}

/* The label of rate `id` in the workflow's report section. */
static const char *rate_label(const xfa_meta *m, const char *id)
{
	const json_t *def;
	size_t i;

	json_array_foreach(json_object_get(xfa_workflow_report(m->wf), "rates"), i, def)
		if (!strcmp(xfa_json_str(def, "id"), id))
			return xfa_json_str(json_object_get(def, "label"), cli.lang);
	return NULL;
}

static void rates_line(const xfa_meta *m, const json_t *r)
{
	const char *k;
	const json_t *x;
	int first = 1;

	json_object_foreach((json_t *)json_object_get(r, "rates"), k, x) {
		const char *lab = rate_label(m, k);
		const json_t *p = json_object_get(x, "percent");
		const json_t *q = json_object_get(x, "previous");
		printf("%s%s ", first ? "" : _(", "), lab ? lab : k);
		if (json_is_number(p))
			printf("%.2f%%", json_number_value(p));
		else
			printf("-");
		if (json_is_number(q))
			printf(_(" (year before %.2f%%)"),
			       json_number_value(q));
		first = 0;
	}
	if (!first)
		printf(_(".\n"));
}

/* The yearbook's 【概况】 paragraph, sentence by sentence as report 003
 * writes it, then the rates. */
static void stats_text(const xfa_meta *m, const json_t *r)
{
	const char *name = xfa_json_str(m->doc, "name");

	printf(_("[Overview] %lld, %s: visits %lld, people %lld, %s "
		 "(first visits %lld, people %lld, %s); "),
	       xfa_json_int(r, "year", 0), name ? name : "",
	       val(r, "visits_times"), val(r, "visits_people"),
	       change(r, "visits_times", TIMES), val(r, "first_visits_times"),
	       val(r, "first_visits_people"), change(r, "first_visits_times", TIMES));
	printf(_("collective visits: groups %lld, people %lld, %s"),
	       val(r, "collective_batches"), val(r, "collective_people"),
	       change(r, "collective_batches", BATCHES));
	printf(_(" (first visits: groups %lld, people %lld, %s). "),
	       val(r, "collective_first_batches"), val(r, "collective_first_people"),
	       change(r, "collective_first_batches", BATCHES));
	printf(_("Online matters forwarded by the state, province and city: %lld, %s; "),
	       val(r, "online_forwarded_times"), change(r, "online_forwarded_times", TIMES));
	printf(_("online petitions in all: %lld, %s. "), val(r, "online_times"),
	       change(r, "online_times", TIMES));
	printf(_("Skip-level visits to the city or above: %lld, %s; "),
	       val(r, "skip_level_times"), change(r, "skip_level_times", TIMES));
	printf(_("of which to Beijing: %lld, %s; "), val(r, "skip_national"),
	       change(r, "skip_national", TIMES));
	printf(_("to the province: %lld, %s; "), val(r, "skip_province"),
	       change(r, "skip_province", TIMES));
	printf(_("to the city: %lld, %s; "), val(r, "skip_city"),
	       change(r, "skip_city", TIMES));
	printf(_("past the township to the county: %lld, %s. "), val(r, "skip_county"),
	       change(r, "skip_county", TIMES));
	printf(_("Matters registered: %lld, of which repeats %lld, %s. "), val(r, "cases"),
	       val(r, "repeats"), change(r, "repeats", CASES));
	printf(_("Disputes screened: %lld, %s; resolved and struck off: %lld, %s. "),
	       val(r, "risks_screened"), change(r, "risks_screened", CASES),
	       val(r, "risks_resolved"), change(r, "risks_resolved", CASES));
	printf(_("Leaders' reception days: %lld, receiving groups %lld, people %lld, %s. "),
	       val(r, "reception_days"), val(r, "reception_batches"),
	       val(r, "reception_people"), change(r, "reception_batches", BATCHES));
	printf(_("Settled in the village (community): %lld, %s; township (street): %lld, %s; "
		 "county (district): %lld, %s.\n"),
	       val(r, "settled_village"), change(r, "settled_village", CASES),
	       val(r, "settled_township"), change(r, "settled_township", CASES),
	       val(r, "settled_county"), change(r, "settled_county", CASES));
	rates_line(m, r);
}

/* The current year in the archive's offset. */
static int this_year(const xfa_meta *m)
{
	time_t t = time(NULL) + (time_t)m->off * 60;
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

int report_stats(xfa_archive *a, const xfa_meta *m, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "year", required_argument, 0, 'y' },
		{ "as-of", required_argument, 0, 'a' },
		{ 0, 0, 0, 0 }
	};
	long as_of = LONG_MIN;
	int c, st, err, year = this_year(m);
	json_t *r = NULL;
	char *end;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'y') {
			long y = strtol(optarg, &end, 10);
			if (*end || end == optarg || y < 1901 || y > 9998)
				return cli_usage(stats_usage, "--year '%s': not a "
						 "year (1901..9998)", optarg);
			year = (int)y;
		} else if (c == 'a') {
			if ((st = report_day(&as_of, "--as-of", optarg)))
				return st;
		} else {
			return cli_usage(stats_usage, "stats: option not understood");
		}
	}
	if (optind != argc)
		return cli_usage(stats_usage, "report stats takes no arguments");
	if ((err = xfa_stats_year(&r, a, year, as_of)) < 0)
		return cli_fail(err, "cannot compute the statistics");
	if (cli.json)
		cli_json(r);
	else
		stats_text(m, r);
	json_decref(r);
	return 0;
}

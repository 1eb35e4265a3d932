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

static int zh(void)
{
	return strcmp(cli.lang, "en") != 0;
}

static const json_t *cnt(const json_t *r, const char *k)
{
	return json_object_get(json_object_get(r, "counts"), k);
}

static long long val(const json_t *r, const char *k)
{
	return xfa_json_int(cnt(r, k), "value", 0);
}

/* "同比件次上升 12.7%" / "+12.7% on the year before".  The text lives in
 * one of four rotating buffers, so one printf may use up to four. */
static const char *change(const json_t *r, const char *k, const char *unit)
{
	static char bufs[4][96];
	static unsigned turn;
	char *buf = bufs[turn++ % 4];
	const json_t *y = json_object_get(cnt(r, k), "yoy");
	double p = json_number_value(y);

	if (!json_is_number(y))
		snprintf(buf, sizeof(bufs[0]), zh() ? "上年为零" : "none the year before");
	else if (p == 0)
		snprintf(buf, sizeof(bufs[0]), zh() ? "同比%s持平" : "level with the year before",
			 zh() ? unit : "");
	else if (zh())
		snprintf(buf, sizeof(bufs[0]), "同比%s%s %.1f%%", unit,
			 p > 0 ? "上升" : "下降", p > 0 ? p : -p);
	else
		snprintf(buf, sizeof(bufs[0]), "%+.1f%% on the year before", p);
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
		printf("%s%s ", first ? "" : (zh() ? "，" : ", "), lab ? lab : k);
		if (json_is_number(p))
			printf("%.2f%%", json_number_value(p));
		else
			printf("-");
		if (json_is_number(q))
			printf(zh() ? "（上年 %.2f%%）" : " (year before %.2f%%)",
			       json_number_value(q));
		first = 0;
	}
	if (!first)
		printf(zh() ? "。\n" : ".\n");
}

static void stats_zh(const xfa_meta *m, const json_t *r)
{
	const char *name = xfa_json_str(m->doc, "name");

	printf("【概况】 %lld 年，%s接待群众来访 %lld 件次 %lld 人次，%s（初访：%lld 件 %lld 人，%s），",
	       xfa_json_int(r, "year", 0), name ? name : "",
	       val(r, "visits_times"), val(r, "visits_people"),
	       change(r, "visits_times", "件次"), val(r, "first_visits_times"),
	       val(r, "first_visits_people"), change(r, "first_visits_times", "件次"));
	printf("集体访 %lld 批次 %lld 人次，%s", val(r, "collective_batches"),
	       val(r, "collective_people"), change(r, "collective_batches", "批次"));
	printf("（初访：%lld 批 %lld 人，%s）。", val(r, "collective_first_batches"),
	       val(r, "collective_first_people"),
	       change(r, "collective_first_batches", "批次"));
	printf("受理国家、省、市转送网上信访事项 %lld 件次，%s；",
	       val(r, "online_forwarded_times"),
	       change(r, "online_forwarded_times", "件次"));
	printf("网上信访共 %lld 件次，%s。", val(r, "online_times"),
	       change(r, "online_times", "件次"));
	printf("发生赴市以上越级访 %lld 件次，%s，", val(r, "skip_level_times"),
	       change(r, "skip_level_times", "件次"));
	printf("其中进京访 %lld 件次，%s；", val(r, "skip_national"),
	       change(r, "skip_national", "件次"));
	printf("赴省访 %lld 件次，%s；", val(r, "skip_province"),
	       change(r, "skip_province", "件次"));
	printf("到市访 %lld 件次，%s；", val(r, "skip_city"),
	       change(r, "skip_city", "件次"));
	printf("越级到县访 %lld 件次，%s。", val(r, "skip_county"),
	       change(r, "skip_county", "件次"));
	printf("登记信访事项 %lld 件，其中重复信访 %lld 件，%s。", val(r, "cases"),
	       val(r, "repeats"), change(r, "repeats", "件数"));
	printf("排查矛盾纠纷 %lld 件，%s；化解销号 %lld 件，%s。",
	       val(r, "risks_screened"), change(r, "risks_screened", "件数"),
	       val(r, "risks_resolved"), change(r, "risks_resolved", "件数"));
	printf("领导接访 %lld 次，接待来访群众 %lld 批次 %lld 人次，%s。",
	       val(r, "reception_days"), val(r, "reception_batches"),
	       val(r, "reception_people"), change(r, "reception_batches", "批次"));
	printf("办结于村（社区）%lld 件，%s；乡镇（街道）%lld 件，%s；县（区）%lld 件，%s。\n",
	       val(r, "settled_village"), change(r, "settled_village", "件数"),
	       val(r, "settled_township"), change(r, "settled_township", "件数"),
	       val(r, "settled_county"), change(r, "settled_county", "件数"));
	rates_line(m, r);
}

static void stats_en(const xfa_meta *m, const json_t *r)
{
	size_t i;

	printf(_("statistics for %lld (against %lld)\n"), xfa_json_int(r, "year", 0),
	       xfa_json_int(r, "previous_year", 0));
	for (i = 0; i < xfa_stats_nkeys; i++) {
		const char *k = xfa_stats_keys[i];
		printf("  ");
		cli_cell(k, 26);
		printf("%6lld  %6lld  %s\n", val(r, k),
		       xfa_json_int(cnt(r, k), "previous", 0), change(r, k, ""));
	}
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
	else if (zh())
		stats_zh(m, r);
	else
		stats_en(m, r);
	json_decref(r);
	return 0;
}

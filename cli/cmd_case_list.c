/* cmd_case_list.c - xfa case list [--status S] [--unit U] [--category C]
 * [--lead NAME] [--overdue]: the cases of the derived index, as a table or
 * as JSON. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "cmds.h"
#include "error.h"
#include "i18n.h"
#include "index.h"
#include "stamp.h"

static const char usage[] =
	"xfa case list [--status S] [--unit U] [--category C] [--lead NAME] [--overdue]";

/* Today's day number in the archive's offset. */
static long today(const xfa_meta *m)
{
	xfa_stamp now;

	if (xfa_stamp_now(&now, m->off) < 0)
		return 0;
	return xfa_stamp_day(&now);
}

/* case list reads the derived index (archive/index.c), brought up to date
 * with the head first; XFA_INDEX=off scans the archive instead.  Rows are
 * printed as the index yields them (a million cases must not become a
 * million JSON objects): the human table takes two passes, one for the
 * column widths and one to print.  Equal strings of the index are one
 * pointer, so labels and widths are looked up once per distinct value. */
struct memo {
	const char *key[64], *label[64];
	int width[64];
};

struct list_job {
	const xfa_meta *m;
	long today;
	int print;                /* 0: measure the columns; 1: print */
	size_t n;                 /* rows printed */
	int w[5];
	struct memo status, category, unit;
};

/* Display width of `s`: its length when it is ASCII. */
static int text_width(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return cli_width(s);
	return (int)(p - s);
}

/* The label of `s` in `vocab` (NULL: `s` itself) and its width, memoised. */
static const char *memo_label(struct memo *mc, const struct list_job *j,
			      const char *vocab, const char *s, int *width)
{
	size_t k = (size_t)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ull) >> 58);

	if (mc->key[k] != s) {
		mc->key[k] = s;
		mc->label[k] = vocab ? cli_label(j->m, vocab, s) : s;
		mc->width[k] = text_width(mc->label[k] ? mc->label[k] : "");
	}
	*width = mc->width[k];
	return mc->label[k] ? mc->label[k] : "";
}

static void pad(const char *s, int w, int width)
{
	fputs(s, stdout);
	for (; w < width; w++)
		putchar(' ');
}

static int list_human_row(const xfa_index_row *r, void *payload)
{
	struct list_job *j = payload;
	const char *st, *cat, *unit;
	int ws, wc, wu, wi = text_width(r->id);

	st = memo_label(&j->status, j, "state", r->status, &ws);
	cat = memo_label(&j->category, j, "category", r->category, &wc);
	unit = memo_label(&j->unit, j, NULL, r->unit, &wu);
	if (!j->print) {
		j->w[0] = wi > j->w[0] ? wi : j->w[0];
		j->w[1] = ws > j->w[1] ? ws : j->w[1];
		j->w[3] = wc > j->w[3] ? wc : j->w[3];
		j->w[4] = wu > j->w[4] ? wu : j->w[4];
		return 0;
	}
	pad(r->id, wi, j->w[0]);
	pad(st, ws, j->w[1]);
	printf("%-*.10s", j->w[2], r->received_at);
	pad(cat, wc, j->w[3]);
	pad(unit, wu, j->w[4]);
	puts(r->summary);
	return 0;
}

static int list_human(struct list_job *j, const xfa_index *ix, const xfa_index_filter *q)
{
	int i, err;
	const char *h[] = { _("case"), _("status"),
			    C_("column", "received"), C_("column", "category"),
			    _("unit") };

	for (i = 0; i < 5; i++)
		j->w[i] = cli_width(h[i]);
	if ((err = xfa_index_query(ix, q, list_human_row, j)) < 0)
		return err;
	for (i = 0; i < 5; i++)
		j->w[i] += 2;
	j->w[2] = 12;
	for (i = 0; i < 5; i++)
		cli_cell(h[i], j->w[i]);
	printf("%s\n", _("summary"));
	j->print = 1;
	return xfa_index_query(ix, q, list_human_row, j);
}

/* `s` as a JSON string, escaped as jansson escapes it. */
static void json_str_out(const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
			break;
	if (!*p) {
		printf("\"%s\"", s);
	} else {
		json_t *v = json_string(s);
		if (v)
			json_dumpf(v, stdout, JSON_ENCODE_ANY);
		json_decref(v);
	}
}

/* One row as cli_json prints an element of an array (keys sorted). */
static int list_json_row(const xfa_index_row *r, void *payload)
{
	struct list_job *j = payload;
	const char *keys[] = { "category", "id", "lead", "overdue", "path",
			       "received_at", "status", "summary", "unit" };
	const char *vals[9];
	char dir[200];
	size_t i;

	if (xfa_case_dir(dir, sizeof(dir), r->id) < 0)
		dir[0] = '\0';
	vals[0] = r->category; vals[1] = r->id; vals[2] = r->lead; vals[3] = NULL;
	vals[4] = dir; vals[5] = r->received_at; vals[6] = r->status;
	vals[7] = r->summary; vals[8] = r->unit;
	fputs(j->n++ ? ",\n  {\n" : "[\n  {\n", stdout);
	for (i = 0; i < 9; i++) {
		printf("    \"%s\": ", keys[i]);
		if (i == 3)
			fputs(xfa_index_row_overdue(r, j->today) ? "true" : "false", stdout);
		else
			json_str_out(vals[i]);
		fputs(i < 8 ? ",\n" : "\n  }", stdout);
	}
	return 0;
}

int cmd_case_list(xfa_archive *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, 0, 's' },
		{ "unit", required_argument, 0, 'u' },
		{ "category", required_argument, 0, 'c' },
		{ "lead", required_argument, 0, 'l' },
		{ "overdue", no_argument, 0, 'o' },
		{ 0, 0, 0, 0 }
	};
	const char *env = getenv("XFA_INDEX");
	xfa_index_filter q;
	xfa_index *ix = NULL;
	struct list_job j;
	int c, err;

	memset(&j, 0, sizeof(j));
	memset(&q, 0, sizeof(q));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': q.status = optarg; break;
		case 'u': q.unit = optarg; break;
		case 'c': q.category = optarg; break;
		case 'l': q.lead = optarg; break;
		case 'o': q.overdue = 1; break;
		default: return cli_usage(usage, NULL);
		}
	}
	if (optind != argc)
		return cli_usage(usage, "case list takes no arguments");
	if ((err = xfa_archive_meta(&j.m, a)) < 0)
		return cli_fail(err, "cannot list cases");
	if (q.status && !(q.status = cli_resolve(j.m->wf, "state", "--status", q.status)))
		return EXIT_USAGE;
	if (q.category && !(q.category = cli_resolve(j.m->wf, "category", "--category", q.category)))
		return EXIT_USAGE;
	if ((err = xfa_index_open(&ix, NULL, a, env && !strcmp(env, "off") ?
				  XFA_INDEX_NOFILE : 0)) < 0)
		return cli_fail(err, "cannot list cases");
	q.today = j.today = today(j.m);
	if (cli.json) {
		err = xfa_index_query(ix, &q, list_json_row, &j);
		fputs(j.n ? "\n]\n" : "[]\n", stdout);
	} else {
		err = list_human(&j, ix, &q);
	}
	xfa_index_free(ix);
	if (err < 0)
		return cli_fail(err, "cannot list cases");
	return 0;
}


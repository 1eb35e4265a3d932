/* cmd_risk.c - xfa risk new | move | record | show | log | list | enable:
 * the dispute-risk ledger 矛盾纠纷台账.  Risk items are records of the archive
 * like cases (archive/case.c writes both); move, record, attach and log
 * are `xfa case`'s, which take risk ids too. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "ledger.h"
#include "stamp.h"

static const char usage[] =
	"xfa risk new FILE.json [--attach KIND:PATH]... [--note TEXT]\n"
	"       xfa risk move ID LEVEL --note WHY [--set petition=CASE-ID] [--effective TIME] [--role ROLE]\n"
	"                      (LEVEL: level3, level2, level1, struck, or 3, 2, 1)\n"
	"       xfa risk record ID TYPE [same options as move]   (note, link-petition)\n"
	"       xfa risk show ID | log ID\n"
	"       xfa risk list [--level N] [--status S]\n"
	"       xfa risk enable [--prefix P] --as ADMIN.key   (an archive without a ledger)";

#define MAX_ATTACH 64

static int risk_new(xfa_archive *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "note", required_argument, 0, 'n' },
		{ "attach", required_argument, 0, 'a' },
		{ 0, 0, 0, 0 }
	};
	const char *attach[MAX_ATTACH];
	const xfa_meta *m;
	xfa_case_opts o;
	char *buf = NULL, *id = NULL;
	json_t *input = NULL;
	xfa_key *k = NULL;
	size_t len;
	int c, st = 0, err;

	memset(&o, 0, sizeof(o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n')
			o.note = optarg;
		else if (c == 'a' && o.nattach < MAX_ATTACH)
			attach[o.nattach++] = optarg;
		else
			return cli_usage(usage, c == 'a' ? "at most 64 attachments at once" : NULL);
	}
	o.attach = attach;
	if (optind != argc - 1)
		return cli_usage(usage, "risk new takes one FILE.json");
	if ((err = xfa_file_read(&buf, &len, argv[optind], 1 << 20)) < 0 ||
	    (err = xfa_json_parse(&input, buf, len, argv[optind])) < 0) {
		st = cli_fail(err, "cannot read risk document");
		goto done;
	}
	/* the ledger's coded fields take their labels too (see cmd_case.c) */
	if ((err = xfa_archive_meta(&m, a)) == 0 && m->ledger &&
	    (err = xfa_workflow_resolve_codes(m->ledger, input, cli.lang)) < 0) {
		st = cli_fail(err, "cannot register risk from '%s'", argv[optind]);
		goto done;
	}
	if ((st = cli_signing_key(&k)))
		goto done;
	if ((err = xfa_risk_register(&id, a, k, input, &o)) < 0) {
		st = cli_fail(err, "cannot register risk from '%s'", argv[optind]);
		goto done;
	}
	if (cli.json) {
		json_t *j = json_pack("{s:s}", "id", id);
		cli_json(j);
		json_decref(j);
	} else {
		printf("%s\n", id);
	}
done:
	json_decref(input);
	xfa_key_free(k);
	free(buf);
	free(id);
	return st;
}

/* A ledger label in the chosen language. */
static const char *label(const xfa_workflow *wf, const char *vocab, const char *id)
{
	return id ? xfa_workflow_label(wf, vocab, id, cli.lang) : "";
}

static void field(const char *label, const char *v)
{
	if (!v || !*v)
		return;
	cli_cell(label, 12);
	printf(" %s\n", v);
}

static void show_human(const xfa_workflow *wf, const json_t *doc, const json_t *dl)
{
	const json_t *v, *d;
	char buf[1024] = "";
	size_t i;
	int zh = strcmp(cli.lang, "en") != 0;

	field(_("risk"), xfa_json_str(doc, "id"));
	field(_("list"), label(wf, "state", xfa_json_str(doc, "status")));
	field(_("found"), xfa_json_str(doc, "received_at"));
	field(_("found by"), xfa_json_str(doc, "found_by"));
	field(C_("risk", "locality"), xfa_json_str(doc, "locality"));
	field(_("place"), xfa_json_str(doc, "place"));
	json_array_foreach(json_object_get(doc, "parties"), i, v)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
			 i ? C_("list", ", ") : "", json_string_value(v));
	field(_("parties"), buf);
	field(C_("risk", "category"), label(wf, "category", xfa_json_str(doc, "category")));
	if (json_object_get(doc, "headcount")) {
		snprintf(buf, sizeof(buf), "%lld", xfa_json_int(doc, "headcount", 0));
		field(_("people"), buf);
	}
	field(_("summary"), xfa_json_str(doc, "summary"));
	field(_("lead"), xfa_json_str(doc, "lead"));
	field(_("petition"), xfa_json_str(doc, "petition"));
	json_array_foreach(dl, i, d) {
		snprintf(buf, sizeof(buf), "%s %s%s", xfa_json_str(d, "due"),
			 xfa_json_str(d, "done") ? _("done ") : "",
			 xfa_json_str(d, "done") ? xfa_json_str(d, "done") : "");
		field(zh ? xfa_json_str(d, "label") : xfa_json_str(d, "id"), buf);
	}
}

static long today(const xfa_meta *m)
{
	xfa_stamp now;

	return xfa_stamp_now(&now, m->off) < 0 ? 0 : xfa_stamp_day(&now);
}

static int risk_show(xfa_archive *a, int argc, char **argv)
{
	const xfa_meta *m;
	const xfa_kind *k;
	json_t *doc = NULL, *dl = NULL;
	int err;

	if (argc != 2)
		return cli_usage(usage, "risk show needs one ID");
	if ((err = xfa_archive_meta(&m, a)) < 0)
		return cli_fail(err, "cannot show risk '%s'", argv[1]);
	k = xfa_kind_of_id(m, argv[1]);
	if (!k->wf || k != &m->kinds[XFA_KIND_RISK])
		return cli_fail(xfa_error_set(XFA_ENOTFOUND, "%s", k->wf ?
				"not a risk id of this archive" : k->why),
				"cannot show risk '%s'", argv[1]);
	if ((err = xfa_case_load(&doc, a, argv[1])) < 0)
		return cli_fail(err, "cannot show risk '%s'", argv[1]);
	dl = xfa_workflow_deadlines(k->wf, doc, m->cal, today(m));
	if (cli.json) {
		json_t *o = json_pack("{s:O, s:O}", "risk", doc, "deadlines", dl ? dl : json_null());
		cli_json(o);
		json_decref(o);
	} else {
		show_human(k->wf, doc, dl);
	}
	json_decref(doc);
	json_decref(dl);
	return 0;
}

static void list_human(const xfa_workflow *wf, const json_t *rows)
{
	const json_t *r;
	size_t i;

	cli_cell(_("risk"), 17);
	cli_cell(_("list"), 24);
	cli_cell(C_("risk", "locality"), 12);
	printf("%s\n", _("summary"));
	json_array_foreach(rows, i, r) {
		cli_cell(xfa_json_str(r, "id"), 17);
		cli_cell(label(wf, "state", xfa_json_str(r, "status")), 24);
		cli_cell(xfa_json_str(r, "locality"), 12);
		printf("%s\n", xfa_json_str(r, "summary"));
	}
}

static int risk_list(xfa_archive *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "level", required_argument, 0, 'l' },
		{ "status", required_argument, 0, 's' },
		{ 0, 0, 0, 0 }
	};
	const char *status = NULL;
	char lvl[32];
	const xfa_meta *m;
	json_t *rows = NULL;
	int c, err;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'l') {
			if (strlen(optarg) != 1 || optarg[0] < '1' || optarg[0] > '9')
				return cli_usage(usage, "--level '%s': a list number (1, 2, 3)", optarg);
			snprintf(lvl, sizeof(lvl), "level%s", optarg);
			status = lvl;
		} else if (c == 's') {
			status = optarg;
		} else {
			return cli_usage(usage, NULL);
		}
	}
	if (optind != argc)
		return cli_usage(usage, "risk list takes no arguments");
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_ledger_list(&rows, a, status)) < 0)
		return cli_fail(err, "cannot list the ledger");
	if (cli.json)
		cli_json(rows);
	else
		list_human(m->kinds[XFA_KIND_RISK].wf, rows);
	json_decref(rows);
	return 0;
}

/* Add the ledger to an archive made before it: an admin's signed event. */
static int risk_enable(xfa_archive *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prefix", required_argument, 0, 'p' },
		{ 0, 0, 0, 0 }
	};
	const char *prefix = NULL;
	const xfa_meta *m;
	xfa_key *k = NULL;
	json_t *led;
	int c, st, err;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'p')
			return cli_usage(usage, NULL);
		prefix = optarg;
	}
	if (optind != argc)
		return cli_usage(usage, "risk enable takes no arguments");
	if ((err = xfa_ledger_enable_check(a, prefix)) < 0)   /* before the passphrase */
		return cli_fail(err, "cannot enable the risk ledger");
	if ((st = cli_signing_key(&k)))
		return st;
	err = xfa_ledger_enable(a, k, prefix);
	xfa_key_free(k);
	if (err < 0)
		return cli_fail(err, "cannot enable the risk ledger");
	if ((err = xfa_archive_meta(&m, a)) < 0)   /* as of the new head */
		return cli_fail(err, "cannot read the archive after enabling the ledger");
	led = json_object_get(m->doc, "ledger");
	if (cli.json)
		cli_json(led);
	else
		printf(_("risk ledger enabled: ids %s-YYYY-NNNNNN, workflow %s\n"),
		       xfa_json_str(led, "prefix"), xfa_json_str(led, "workflow"));
	return 0;
}

int cmd_risk(int argc, char **argv)
{
	xfa_archive *a = NULL;
	const char *sub;
	char lvl[32];
	int st;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc >= 2)
			return cli_print_help(usage), cli_done(0);
		return cli_usage(usage, NULL);
	}
	if (cli_help(argc - 1, argv + 1, usage))
		return cli_done(0);
	sub = argv[1];
	/* move, record, attach, log: the case commands, which take risk ids */
	if (!strcmp(sub, "move") && argc > 3 && strlen(argv[3]) == 1 &&
	    argv[3][0] >= '1' && argv[3][0] <= '9') {
		snprintf(lvl, sizeof(lvl), "level%s", argv[3]);
		argv[3] = lvl;
	}
	if (!strcmp(sub, "move") || !strcmp(sub, "record") ||
	    !strcmp(sub, "attach") || !strcmp(sub, "log"))
		return cmd_case(argc, argv);
	if (strcmp(sub, "new") && strcmp(sub, "show") && strcmp(sub, "list") &&
	    strcmp(sub, "enable"))
		return cli_usage(usage, "'%s' is not a risk command", sub);
	if ((st = cli_open(&a)))
		return st;
	if (!strcmp(sub, "new"))
		st = risk_new(a, argc - 1, argv + 1);
	else if (!strcmp(sub, "show"))
		st = risk_show(a, argc - 1, argv + 1);
	else if (!strcmp(sub, "enable"))
		st = risk_enable(a, argc - 1, argv + 1);
	else
		st = risk_list(a, argc - 1, argv + 1);
	xfa_archive_free(a);
	return cli_done(st);
}

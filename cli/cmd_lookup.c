/* cmd_lookup.c - xfa lookup CODE: a case's public timeline by its query
 * code: dates, states and the responsible unit, never personal data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"
#include "json.h"

static const char usage[] = "xfa lookup CODE";

/* The public view: no names, ID numbers, phones, addresses or notes. */
static json_t *timeline(const json_t *doc, const json_t *evs)
{
	json_t *steps = json_array(), *ev;
	size_t i;

	json_array_foreach(evs, i, ev) {
		json_t *s = json_pack("{s:s, s:s}", "date", "", "event",
				      xfa_json_str(ev, "type"));
		json_object_set_new(s, "date", json_stringn(xfa_json_str(ev, "effective"), 10));
		if (xfa_json_str(ev, "to"))
			json_object_set_new(s, "state", json_string(xfa_json_str(ev, "to")));
		json_array_append_new(steps, s);
	}
	return json_pack("{s:s, s:s, s:s?, s:s?, s:O?, s:o}", "case", xfa_json_str(doc, "id"),
			 "status", xfa_json_str(doc, "status"),
			 "received", xfa_json_str(doc, "received_at"),
			 "unit", xfa_json_str(doc, "unit"),
			 "due", json_object_get(doc, "due"), "timeline", steps);
}

int cmd_lookup(int argc, char **argv)
{
	const xfa_meta *m;
	xfa_archive *a = NULL;
	json_t *doc = NULL, *evs = NULL, *pub = NULL, *s;
	char *id = NULL;
	const char *key;
	size_t i;
	int st, err;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	if (argc != 2)
		return cli_usage(usage, NULL);
	if ((st = cli_open(&a)))
		return st;
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_case_find_code(&id, a, argv[1])) < 0 ||
	    (err = xfa_case_load(&doc, a, id)) < 0 ||
	    (err = xfa_case_events(&evs, a, id)) < 0) {
		st = cli_fail(err, "cannot look up query code");
		goto done;
	}
	pub = timeline(doc, evs);
	if (cli.json) {
		cli_json(pub);
	} else {
		printf("%s  %s  %s\n", id, cli_label(m, "state", xfa_json_str(doc, "status")),
		       xfa_json_str(doc, "unit") ? xfa_json_str(doc, "unit") : "");
		int w = 0;
		json_object_foreach(json_object_get(pub, "due"), key, s)
			if (cli_width(cli_label(m, "deadline", key)) > w)
				w = cli_width(cli_label(m, "deadline", key));
		json_object_foreach(json_object_get(pub, "due"), key, s) {
			printf("  ");
			cli_cell(cli_label(m, "deadline", key), w + 1);
			printf(" %s %s\n", _("due"),
			       json_string_value(s) ? json_string_value(s) : "");
		}
		json_array_foreach(json_object_get(pub, "timeline"), i, s) {
			printf("  %s  ", xfa_json_str(s, "date"));
			cli_cell(cli_label(m, "event", xfa_json_str(s, "event")), 10);
			printf(" %s\n", xfa_json_str(s, "state") ?
			       cli_label(m, "state", xfa_json_str(s, "state")) : "");
		}
	}
done:
	json_decref(pub);
	json_decref(doc);
	json_decref(evs);
	free(id);
	xfa_archive_free(a);
	return cli_done(st);
}

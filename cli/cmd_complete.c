/* cmd_complete.c - xfa complete WHAT: the words bash completion offers
 * (cli/xfa.bash-completion), one a line, from the archive's own data: the
 * ids and Chinese labels of a workflow vocabulary, or the case ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmds.h"
#include "index.h"
#include "json.h"

static const char usage[] =
	"xfa complete state|event|role|attachment|category|outcome|satisfaction|case";

static int print_id(const xfa_index_row *r, void *payload)
{
	(void)payload;
	puts(r->id);
	return 0;
}

/* The ids and labels of `vocab`, from the lists the workflow keeps. */
static void print_vocab(const xfa_meta *m, const char *vocab)
{
	const json_t *arrs[2] = { NULL, NULL }, *item, *v;
	const char *k;
	size_t i, a;

	if (!strcmp(vocab, "state")) {
		arrs[0] = xfa_workflow_states(m->wf);
	} else {
		/* every vocabulary answers to its id and labels: list them by
		 * asking the workflow for each candidate's choices */
		char *line = xfa_workflow_choices(m->wf, vocab, "en");
		char *save = NULL, *tok;
		for (tok = line ? strtok_r(line, ", ", &save) : NULL; tok;
		     tok = strtok_r(NULL, ", ", &save)) {
			puts(tok);
			printf("%s\n", xfa_workflow_label(m->wf, vocab, tok, "zh"));
		}
		free(line);
		return;
	}
	for (a = 0; a < 2 && arrs[a]; a++)
		json_array_foreach(arrs[a], i, item) {
			puts(xfa_json_str(item, "id"));
			json_object_foreach((json_t *)json_object_get(item, "label"), k, v)
				if (!strcmp(k, "zh"))
					puts(json_string_value(v));
		}
}

int cmd_complete(int argc, char **argv)
{
	const xfa_meta *m;
	xfa_archive *a = NULL;
	xfa_index *ix = NULL;
	xfa_index_filter q;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	if (argc != 2)
		return cli_usage(usage, NULL);
	if (cli_open(&a))
		return cli_done(0);   /* no archive: nothing to offer */
	if (xfa_archive_meta(&m, a) == 0) {
		if (!strcmp(argv[1], "case")) {
			memset(&q, 0, sizeof(q));
			if (xfa_index_open(&ix, NULL, a, 0) == 0)
				xfa_index_query(ix, &q, print_id, NULL);
			xfa_index_free(ix);
		} else if (xfa_workflow_has_vocab(m->wf, argv[1])) {
			print_vocab(m, argv[1]);
		}
	}
	xfa_archive_free(a);
	return cli_done(0);
}

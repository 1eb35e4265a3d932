/* cmd_verify.c - xfa verify [ID...] [--trust FPR] [--checkpoint FILE|DIR]...
 * [--since FILE] [--strict]: prove the archive's history (SPEC 7), all of
 * it, what came after a checkpoint, or a few cases, and print the report,
 * one line per finding, or the JSON report with --json. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h"
#include "cli.h"
#include "cmds.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "json.h"
#include "verify.h"

static const char usage[] =
	"xfa verify [ID...] [--trust FPR] [--checkpoint FILE|DIR]... "
	"[--since FILE] [--strict] [--threads N]";

/* Largest checkpoint file read, and how many are read. */
#define CHECKPOINT_MAX (64 << 10)
#define CHECKPOINTS_MAX 4096

/* Progress on a terminal: "verify: 1200/5000 commits" rewritten in place. */
static void show_progress(size_t done, size_t total, void *payload)
{
	(void)payload;
	fputc('\r', stderr);
	fprintf(stderr, _("verify: %zu/%zu commits"), done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static const char *str_or(const json_t *o, const char *key, const char *def)
{
	const char *s = xfa_json_str(o, key);

	return s ? s : def;
}

/* What reason code `code` means, in the chosen language (NULL if it is
 * not an integrity reason, e.g. a deadline's). */
static const char *reason_text(const char *code)
{
	const xfa_verify_reason *r;

	for (r = xfa_verify_reasons; code && r->code; r++)
		if (!strcmp(r->code, code))
			return _(r->what);
	return NULL;
}

/* One finding: case, #seq, commit, reason (and what it means), message. */
static void print_finding(const json_t *f)
{
	const json_t *seq = json_object_get(f, "seq");
	const char *commit = xfa_json_str(f, "commit");
	const char *why = reason_text(xfa_json_str(f, "reason"));

	printf("  %s  ", str_or(f, "case", "-"));
	if (json_is_integer(seq))
		printf("#%lld  ", (long long)json_integer_value(seq));
	else
		printf("-  ");
	printf("%.12s  %s  %s", commit ? commit : "-", str_or(f, "reason", "?"),
	       str_or(f, "message", ""));
	if (why)
		printf("  (%s)", why);
	putchar('\n');
}

/* What the run covered, when not the whole history. */
static void print_coverage(const json_t *c)
{
	const char *mode = str_or(c, "mode", "all");

	if (!strcmp(mode, "since") && json_is_string(json_object_get(c, "from")))
		printf(_("covered: the %lld commits after %.12s (%lld commits); the "
		       "history up to it rests on the checkpoint of %s signed by "
		       "%s (%s)\n"), (long long)xfa_json_int(c, "commits", 0),
		       str_or(c, "from", "?"), (long long)xfa_json_int(c, "from_count", 0),
		       str_or(json_object_get(c, "rests_on"), "time", "?"),
		       str_or(json_object_get(c, "rests_on"), "signer", "?"),
		       str_or(json_object_get(c, "rests_on"), "name", "?"));
	else if (!strcmp(mode, "since"))
		printf(_("covered: nothing: the --since checkpoint was refused (%s)\n"),
		       str_or(c, "refused", "?"));
	else if (!strcmp(mode, "cases"))
		printf(_("covered: the selected cases and the archive's own stream: "
		       "%lld events, %lld commits (derived event list: %s)\n"),
		       (long long)xfa_json_int(c, "events", 0),
		       (long long)xfa_json_int(c, "commits", 0),
		       str_or(c, "derived", "?"));
}

static void print_text(const json_t *r, int strict)
{
	const json_t *t = json_object_get(r, "totals"), *f, *cp;
	const json_t *errs = json_object_get(r, "findings");
	const json_t *dls = json_object_get(r, "deadlines");
	size_t i;

	long long n;

	/* TRANSLATORS: the four counts of one line, e.g. "verified 12 commits,
	 * 12 events, 3 cases, 24 signatures, 2 attachments in 0.05 s" */
	n = xfa_json_int(t, "commits", 0);
	printf(ngettext("verified %lld commit", "verified %lld commits", (unsigned long)n), n);
	n = xfa_json_int(t, "events", 0);
	printf(ngettext(", %lld event", ", %lld events", (unsigned long)n), n);
	n = xfa_json_int(t, "cases", 0);
	printf(ngettext(", %lld case", ", %lld cases", (unsigned long)n), n);
	n = xfa_json_int(t, "signatures", 0);
	printf(ngettext(", %lld signature", ", %lld signatures", (unsigned long)n), n);
	n = xfa_json_int(t, "attachments", 0);
	printf(ngettext(", %lld attachment", ", %lld attachments", (unsigned long)n), n);
	printf(_(" in %.2f s\n"), json_real_value(json_object_get(t, "seconds")));
	printf(_("head %s, root %s (%s)\n"), str_or(r, "head", "?"),
	       str_or(r, "root", "?"),
	       strcmp(str_or(r, "trust", ""), "given") ?
	       _("the archive's own root: pass --trust FPR to pin it") :
	       _("checked against --trust"));
	print_coverage(json_object_get(r, "coverage"));
	json_array_foreach(json_object_get(r, "checkpoints"), i, cp)
		printf(_("checkpoint %s: %s (%s, %lld commits, head %.12s, %s)\n"),
		       str_or(cp, "file", "-"), str_or(cp, "status", "?"),
		       str_or(cp, "office", "-"),
		       (long long)xfa_json_int(cp, "count", 0),
		       str_or(cp, "head", "-"), str_or(cp, "time", "-"));
	json_array_foreach(json_object_get(r, "notes"), i, cp)
		printf(_("note: %s\n"), json_string_value(cp));
	if (json_array_size(errs)) {
		printf(ngettext("%zu problem:\n", "%zu problems:\n",
				json_array_size(errs)), json_array_size(errs));
		json_array_foreach(errs, i, f)
			print_finding(f);
	}
	if (json_array_size(dls)) {
		printf(ngettext("%zu deadline finding%s:\n", "%zu deadline findings%s:\n",
				json_array_size(dls)), json_array_size(dls),
		       strict ? _(" (--strict: counted as problems)") : "");
		json_array_foreach(dls, i, f)
			print_finding(f);
		if (json_integer_value(json_object_get(r, "deadlines_omitted")))
			printf(_("  … and %lld more deadline findings not listed "
				 "(xfa report overdue lists every overdue duty)\n"),
			       (long long)json_integer_value(json_object_get(r,
							     "deadlines_omitted")));
	}
	if (json_is_true(json_object_get(r, "ok")) && (!strict || !json_array_size(dls)))
		printf("%s\n", _("ok: the archive is sound"));
	else
		printf("%s\n", _("FAILED: the archive has problems"));
}

/* The checkpoint files read, kept for the run. */
struct notes {
	xfa_verify_note *v;
	char **names;
	size_t n;
};

static void notes_free(struct notes *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++) {
		free((char *)ns->v[i].text);
		free(ns->names[i]);
	}
	free(ns->v);
	free(ns->names);
}

static int read_note(struct notes *ns, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	if (ns->n == CHECKPOINTS_MAX)
		return cli_fail(XFA_EINVALID, "more than %d checkpoints", CHECKPOINTS_MAX);
	if ((err = xfa_file_read(&text, &len, path, CHECKPOINT_MAX)) < 0)
		return cli_fail(err, "cannot read checkpoint '%s'", path);
	ns->v[ns->n].text = text;
	ns->v[ns->n].len = len;
	if (!(ns->names[ns->n] = strdup(path))) {
		free(text);
		return cli_fail(XFA_ERROR, "out of memory");
	}
	ns->v[ns->n].name = ns->names[ns->n];
	ns->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A folder: every regular file in it not starting with '.', by name. */
static int read_dir(struct notes *ns, const char *dir, DIR *d)
{
	struct dirent *e;
	char **v = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	int st = 0;

	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **g = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof(*g));
			if (!g) {
				st = cli_fail(XFA_ERROR, "out of memory");
				goto done;
			}
			v = g;
		}
		if (!(v[n] = strdup(e->d_name))) {
			st = cli_fail(XFA_ERROR, "out of memory");
			goto done;
		}
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_name);
	if (!n)
		st = cli_fail(XFA_ENOTFOUND, "no checkpoint in folder '%s'", dir);
	for (i = 0; !st && i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, v[i]);
		st = read_note(ns, path);
	}
done:
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return st;
}

/* --checkpoint FILE or DIR. */
static int add_checkpoint(struct notes *ns, const char *path)
{
	DIR *d = opendir(path);
	int st;

	if (!d)
		return read_note(ns, path);
	st = read_dir(ns, path, d);
	closedir(d);
	return st;
}

struct vargs {
	const char *trust, *since;
	const char *cps[64];
	size_t ncps;
	int strict, threads;
	char **ids;
	size_t nids;
};

static int parse(struct vargs *v, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, 0, 't' },
		{ "checkpoint", required_argument, 0, 'c' },
		{ "since", required_argument, 0, 'S' },
		{ "strict", no_argument, 0, 's' },
		{ "threads", required_argument, 0, 'j' },
		{ 0, 0, 0, 0 }
	};
	char *end, dir[256];
	int c;

	memset(v, 0, sizeof(*v));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't')
			v->trust = optarg;
		else if (c == 'c') {
			if (v->ncps == sizeof(v->cps) / sizeof(v->cps[0]))
				return cli_usage(usage, "--checkpoint given more than "
						 "64 times (name a folder)");
			v->cps[v->ncps++] = optarg;
		} else if (c == 'S') {
			if (v->since)
				return cli_usage(usage, "--since given twice");
			v->since = optarg;
		} else if (c == 's')
			v->strict = 1;
		else if (c == 'j') {
			v->threads = (int)strtol(optarg, &end, 10);
			if (*end || v->threads < 1 || v->threads > 64)
				return cli_usage(usage, "--threads is 1 to 64, not '%s'", optarg);
		} else
			return cli_usage(usage, NULL);
	}
	if (v->trust && (strlen(v->trust) != XFA_FPR_SIZE - 1 ||
			 strncmp(v->trust, "SHA256:", 7)))
		return cli_usage(usage, "--trust '%s' is not a key fingerprint "
				 "(SHA256:... as 'xfa keyring list' prints)", v->trust);
	v->ids = argv + optind;
	v->nids = (size_t)(argc - optind);
	if (v->since && v->nids)
		return cli_usage(usage, "--since verifies the whole archive's new "
				 "commits: give it without case ids");
	for (c = 0; c < argc - optind; c++)
		if (xfa_case_dir(dir, sizeof(dir), v->ids[c]) < 0)
			return cli_usage(usage, "%s", xfa_error_last());
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	xfa_verify_opts o;
	struct vargs v;
	struct notes ns = { NULL, NULL, 0 }, since = { NULL, NULL, 0 };
	json_t *report = NULL;
	size_t i;
	int st, err, bad;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	if ((st = parse(&v, argc, argv)))
		return st;
	ns.v = calloc(CHECKPOINTS_MAX, sizeof(*ns.v));
	ns.names = calloc(CHECKPOINTS_MAX, sizeof(*ns.names));
	since.v = calloc(1, sizeof(*since.v));
	since.names = calloc(1, sizeof(*since.names));
	if (!ns.v || !ns.names || !since.v || !since.names) {
		st = cli_fail(XFA_ERROR, "out of memory");
		goto done;
	}
	for (i = 0; i < v.ncps; i++)
		if ((st = add_checkpoint(&ns, v.cps[i])))
			goto done;
	if (v.since && (st = read_note(&since, v.since)))
		goto done;
	memset(&o, 0, sizeof(o));
	o.cases = (const char *const *)v.ids;
	o.ncases = v.nids;
	o.trust = v.trust;
	o.notes = ns.v;
	o.nnotes = ns.n;
	o.since = v.since ? since.v : NULL;
	o.threads = v.threads;
	if (!cli.quiet && isatty(STDERR_FILENO))
		o.progress = show_progress;
	if ((err = xfa_verify_run(&report, cli.dir, &o)) < 0) {
		st = cli_fail(err, "cannot verify '%s'", cli.dir);
		goto done;
	}
	bad = !json_is_true(json_object_get(report, "ok")) ||
	      (v.strict && json_array_size(json_object_get(report, "deadlines")));
	/* the record case show reads: a whole archive found sound */
	if (!v.nids && json_is_true(json_object_get(report, "ok")) &&
	    !strcmp(str_or(json_object_get(report, "coverage"), "mode", "all"), "all") &&
	    xfa_json_str(report, "head"))
		cli_verified_write(xfa_json_str(report, "head"));
	if (cli.json)
		cli_json(report);
	else if (!cli.quiet || bad)
		print_text(report, v.strict);
	st = bad ? EXIT_FINDINGS : EXIT_OKAY;
done:
	json_decref(report);
	notes_free(&ns);
	notes_free(&since);
	return cli_done(st);
}

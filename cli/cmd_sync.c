/* cmd_sync.c - xfa clone, xfa remote and xfa sync: exchanging history
 * with other archives through git remotes (archive/sync.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"
#include "json.h"
#include "sync.h"

static const char clone_usage[] =
	"xfa clone URL DIR --office CODE";
static const char remote_usage[] =
	"xfa remote [list]\n"
	"       xfa remote add NAME URL";
static const char sync_usage[] =
	"xfa sync [REMOTE] [--no-push] --as KEY\n"
	"       xfa sync [REMOTE] --resolve ID [--resolve ID...] --keep local|remote --as KEY";

/* Print the findings of a refused history on stderr. */
static void print_refusal(const json_t *report, const char *what)
{
	const json_t *f;
	size_t i;

	fprintf(stderr, _("xfa: %s fails verification: refused, nothing integrated\n"), what);
	json_array_foreach(json_object_get(report, "findings"), i, f) {
		if (i == 20) {
			fprintf(stderr, "  ...\n");
			break;
		}
		fprintf(stderr, "  %s: %s\n", xfa_json_str(f, "reason"),
			xfa_json_str(f, "message"));
	}
}

int cmd_clone(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "office", required_argument, 0, 'o' },
		{ 0, 0, 0, 0 }
	};
	const char *office = NULL;
	char url[2048];
	json_t *rep = NULL;
	int c, err, status = 0;

	if (cli_help(argc, argv, clone_usage))
		return cli_done(0);
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'o')
			return cli_usage(clone_usage, NULL);
		office = optarg;
	}
	if (argc - optind != 2)
		return cli_usage(clone_usage, "clone takes a URL and a folder");
	if (!office)
		return cli_usage(clone_usage, "clone needs --office CODE (each clone its own)");
	xfa_url_shown(url, sizeof(url), argv[optind]);   /* never a password */
	err = xfa_sync_clone(&rep, argv[optind], argv[optind + 1], office);
	if (err == XFA_EBADSIG) {
		print_refusal(rep, url);
		status = EXIT_FINDINGS;
	} else if (err < 0) {
		status = cli_fail(err, "cannot clone '%s'", url);
	} else if (cli.json) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "archive", argv[optind + 1],
				      "origin", url, "office", office);
		cli_json(j);
		json_decref(j);
	} else if (!cli.quiet) {
		printf(_("cloned %s into %s (office %s)\n"), url, argv[optind + 1], office);
	}
	json_decref(rep);
	return cli_done(status);
}

static int remote_list(xfa_archive *a)
{
	char **names = NULL, **urls = NULL;
	json_t *j = NULL;
	size_t n, i;
	int err;

	if ((err = xfa_store_remote_list(&names, &urls, &n, xfa_archive_store(a))) < 0) {
		xfa_strv_free(names);
		xfa_strv_free(urls);
		return cli_fail(err, "cannot list remotes");
	}
	if (cli.json)
		j = json_array();
	for (i = 0; i < n; i++) {
		if (j)
			json_array_append_new(j, json_pack("{s:s, s:s}", "name",
						names[i], "url", urls[i]));
		else
			printf("%s\t%s\n", names[i], urls[i]);
	}
	if (j)
		cli_json(j);
	json_decref(j);
	xfa_strv_free(names);
	xfa_strv_free(urls);
	return 0;
}

int cmd_remote(int argc, char **argv)
{
	xfa_archive *a = NULL;
	int status, err;

	if (cli_help(argc, argv, remote_usage))
		return cli_done(0);
	if (argc >= 2 && strcmp(argv[1], "add") && strcmp(argv[1], "list"))
		return cli_usage(remote_usage, "unknown remote command '%s'", argv[1]);
	if (argc >= 2 && !strcmp(argv[1], "add") && argc != 4)
		return cli_usage(remote_usage, "remote add takes a name and a URL");
	if ((argc < 2 || !strcmp(argv[1], "list")) && argc > 2)
		return cli_usage(remote_usage, "remote list takes no arguments");
	if ((status = cli_open(&a)))
		return status;
	if (argc >= 2 && !strcmp(argv[1], "add")) {
		char url[2048];
		xfa_url_shown(url, sizeof(url), argv[3]);
		err = xfa_store_remote_add(xfa_archive_store(a), argv[2], argv[3]);
		status = err < 0 ? cli_fail(err, "cannot add remote '%s'", argv[2]) : 0;
		if (!status && !cli.quiet && !cli.json)
			printf(_("added remote %s %s\n"), argv[2], url);
	} else {
		status = remote_list(a);
	}
	xfa_archive_free(a);
	return cli_done(status);
}

static const char *outcome_name(int o)
{
	/* the JSON's "outcome" values; the text line translates them */
	static const char *const names[] = { N_("up-to-date"), N_("fast-forward"),
		N_("merged"), N_("resolved"), N_("conflict"), N_("refused") };

	return o >= 0 && o <= XFA_SYNC_REFUSED ? names[o] : "?";
}

/* Print the conflicting cases and both sides' events on stderr. */
static void print_conflicts(const json_t *conf, const char *remote)
{
	const json_t *c, *ev;
	size_t i, k;
	const char *side[2] = { "local", "remote" };
	int s;

	json_array_foreach(conf, i, c) {
		fprintf(stderr, _("xfa: conflict on %s: both this archive and remote '%s' "
			"changed it since event #%d; not merged (the remote is kept as %s)\n"),
			xfa_json_str(c, "case"), remote,
			(int)json_integer_value(json_object_get(c, "base_seq")),
			xfa_json_str(c, "ref"));
		for (s = 0; s < 2; s++)
			json_array_foreach(json_object_get(c, side[s]), k, ev)
				fprintf(stderr, _("  %-6s #%d %s%s%s  %s  by %s  sha256:%.16s\n"),
					side[s], (int)json_integer_value(json_object_get(ev, "seq")),
					xfa_json_str(ev, "type"), xfa_json_str(ev, "to") ? " -> " : "",
					xfa_json_str(ev, "to") ? xfa_json_str(ev, "to") : "",
					xfa_json_str(ev, "at"), xfa_json_str(ev, "by"),
					xfa_json_str(ev, "sha256"));
	}
	fprintf(stderr, _("xfa: decide with: xfa sync %s --resolve ID --keep local|remote\n"),
		remote);
}

/* Report the result; returns the exit status. */
static int sync_report(const xfa_sync_result *r, const char *remote)
{
	char head[XFA_OID_HEX];
	int status = 0;

	xfa_oid_fmt(head, &r->head);
	if (r->outcome == XFA_SYNC_REFUSED) {
		print_refusal(r->report, "the remote's history");
		status = EXIT_FINDINGS;
	} else if (r->outcome == XFA_SYNC_CONFLICT) {
		if (!cli.json)
			print_conflicts(r->conflicts, remote);
		status = EXIT_DATA;
	}
	if (cli.json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:b, s:i}", "remote", remote,
			"outcome", outcome_name(r->outcome), "head", head,
			"pushed", r->pushed, "attempts", (int)r->attempts);
		if (r->conflicts)
			json_object_set(j, "conflicts", r->conflicts);
		if (r->report)
			json_object_set(j, "findings", json_object_get(r->report, "findings"));
		cli_json(j);
		json_decref(j);
	} else if (!cli.quiet && status == 0) {
		printf(_("%s: %s%s, head %.12s\n"), remote, _(outcome_name(r->outcome)),
		       r->pushed ? _(", pushed") : "", head);
	}
	return status;
}

int cmd_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resolve", required_argument, 0, 'r' },
		{ "keep", required_argument, 0, 'k' },
		{ "no-push", no_argument, 0, 'n' },
		{ 0, 0, 0, 0 }
	};
	const char *ids[64], *keep = NULL, *remote = "origin";
	size_t nids = 0;
	xfa_sync_result res;
	xfa_archive *a = NULL;
	xfa_key *k = NULL;
	int c, err, status, push = 1;

	if (cli_help(argc, argv, sync_usage))
		return cli_done(0);
	memset(&res, 0, sizeof(res));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (nids == 64)
				return cli_usage(sync_usage, "too many --resolve");
			ids[nids++] = optarg;
			break;
		case 'k': keep = optarg; break;
		case 'n': push = 0; break;
		default: return cli_usage(sync_usage, NULL);
		}
	}
	if (argc - optind > 1)
		return cli_usage(sync_usage, "sync takes one remote");
	if (optind < argc)
		remote = argv[optind];
	if (nids && (!keep || (strcmp(keep, "local") && strcmp(keep, "remote"))))
		return cli_usage(sync_usage, "--resolve needs --keep local or --keep remote");
	if (!nids && keep)
		return cli_usage(sync_usage, "--keep goes with --resolve ID");
	if ((status = cli_open(&a)))
		return status;
	if ((status = cli_signing_key(&k)))
		goto done;
	if (nids)
		err = xfa_sync_resolve(&res, a, remote, ids, nids, !strcmp(keep, "remote"),
				       k, push);
	else
		err = xfa_sync_run(&res, a, remote, k, push);
	status = err < 0 ? cli_fail(err, "cannot sync with '%s'", remote) :
		 sync_report(&res, remote);
done:
	xfa_sync_result_release(&res);
	xfa_key_free(k);
	xfa_archive_free(a);
	return cli_done(status);
}

/*
 * libgit2 1.5 (Debian 12) leaks the PCRE2 match data of the regular
 * expression it matches remote names with (git_remote_lookup); LeakSanitizer
 * builds (make check-asan) would otherwise fail every command that opens a
 * remote.  Its ssh transport (1.5.1's known_hosts check) also leaks the two
 * path strings of ~/.ssh/known_hosts on every connection (git_str_clear where
 * git_str_dispose was meant: 80 bytes, below git_remote_connect_ext).  The
 * hook is only called by sanitizer runtimes.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libpcre2-8.so\nleak:git_remote_connect_ext\n";
}

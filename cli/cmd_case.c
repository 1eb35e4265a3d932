/* cmd_case.c - xfa case new | attach | move | record | show | log | list. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"
#include "file.h"
#include "index.h"
#include "json.h"
#include "keyring.h"
#include "stamp.h"
#include "store.h"

static const char usage[] =
	"xfa case new FILE.json [--attach KIND:PATH]... [--note TEXT]\n"
	"       xfa case attach ID KIND:PATH...\n"
	"       xfa case move ID STATE [--note T] [--set FIELD=VALUE]... [--set-json FIELD=JSON]...\n"
	"                      [--attach KIND:PATH]... [--effective TIME] [--role ROLE]\n"
	"       xfa case record ID TYPE [same options as move]   (amend, note, supervise, urge, evaluate, instruct...)\n"
	"       xfa case reissue-code ID --note WHY   (a new 查询码; the old one no longer works)\n"
	"       xfa case show ID | log ID     (ID: a case, or a risk item of the ledger)\n"
	"       xfa case list [--status S] [--unit U] [--category C] [--lead NAME] [--overdue]";

#define MAX_ATTACH 64

/* Options of the commands that write an event. */
struct ev_args {
	xfa_case_opts o;
	const char *attach[MAX_ATTACH];
	char *owned[MAX_ATTACH];      /* attach[i] rewritten with the kind's id */
	json_t *patch;
};

static void ev_args_release(struct ev_args *e)
{
	size_t i;

	for (i = 0; i < MAX_ATTACH; i++)
		free(e->owned[i]);
	json_decref(e->patch);
}

/*
 * The one place a command's vocabulary values become ids: the coded fields
 * of `doc` (the document of `case new`, or the --set patch), --role, and
 * the kinds of --attach KIND:PATH, each given as an id or a label of `wf`
 * (登记员 or clerk, 授权委托书 or authorization).  0 or EXIT_DATA (printed).
 */
static int resolve_ev(struct ev_args *e, const xfa_workflow *wf, json_t *doc,
		      const char *file)
{
	const char *id, *colon;
	char kind[256];
	size_t i, j, n;

	if (doc && xfa_workflow_resolve_codes(wf, doc, cli.lang) < 0) {
		if (file)
			fprintf(stderr, _("xfa: %s: %s\n"), file, xfa_error_last());
		else
			fprintf(stderr, _("xfa: --set %s\n"), xfa_error_last());
		return EXIT_DATA;
	}
	if (e->o.role && !(e->o.role = cli_resolve(wf, "role", "--role", e->o.role)))
		return EXIT_DATA;
	for (i = 0; i < e->o.nattach; i++) {
		if (!(colon = strchr(e->attach[i], ':')) ||
		    (n = (size_t)(colon - e->attach[i])) >= sizeof(kind))
			continue;   /* the library names a malformed KIND:PATH */
		memcpy(kind, e->attach[i], n);
		kind[n] = '\0';
		for (j = 0; j < n && (unsigned char)kind[j] < 0x80; j++)
			;
		if (j == n)
			continue;   /* an id, or ASCII the library judges and names */
		if (!(id = xfa_workflow_resolve(wf, "attachment", kind))) {
			char *kinds = xfa_workflow_choices(wf, "attachment", cli.lang);
			fprintf(stderr, _("xfa: attachment '%s': unknown kind '%s' (kinds: %s)\n"),
				colon + 1, kind, kinds ? kinds : "");
			free(kinds);
			return EXIT_DATA;
		}
		if (strcmp(id, kind)) {
			if (!(e->owned[i] = malloc(strlen(id) + strlen(colon) + 1)))
				return EXIT_IOERR;
			sprintf(e->owned[i], "%s%s", id, colon);
			e->attach[i] = e->owned[i];
		}
	}
	return 0;
}

/* Set "a.b.c" in `patch` to `v` (stolen). */
static int set_path(json_t *patch, const char *path, json_t *v)
{
	char *copy = strdup(path), *dot, *seg;
	json_t *obj = patch;

	if (!copy) {
		json_decref(v);
		return -1;
	}
	for (seg = copy; (dot = strchr(seg, '.')); seg = dot + 1) {
		json_t *next;
		*dot = '\0';
		next = json_object_get(obj, seg);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(obj, seg, next);
		}
		obj = next;
	}
	json_object_set_new(obj, seg, v);
	free(copy);
	return 0;
}

static int parse_set(struct ev_args *e, const char *arg, int as_json)
{
	const char *eq = strchr(arg, '=');
	char *field;
	json_t *v;
	json_error_t jerr;

	if (!eq || eq == arg)
		return cli_usage(usage, "'%s': --set takes FIELD=VALUE", arg);
	field = strndup(arg, (size_t)(eq - arg));
	if (as_json) {
		v = json_loads(eq + 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
		if (!v) {
			fprintf(stderr, _("xfa: --set-json %s: invalid JSON: %s\n"), field, jerr.text);
			free(field);
			return EXIT_DATA;
		}
	} else {
		v = json_string(eq + 1);
		if (!v) {
			fprintf(stderr, _("xfa: --set %s: value is not valid UTF-8\n"), field);
			free(field);
			return EXIT_DATA;
		}
	}
	if (!e->patch)
		e->patch = json_object();
	set_path(e->patch, field, v);
	free(field);
	return 0;
}

/* Parse the options shared by new/move/record/attach; positional arguments stay. */
static int parse_ev_args(struct ev_args *e, int argc, char **argv, int *first_pos)
{
	static const struct option opts[] = {
		{ "note", required_argument, 0, 'n' },
		{ "set", required_argument, 0, 's' },
		{ "set-json", required_argument, 0, 'j' },
		{ "attach", required_argument, 0, 'a' },
		{ "effective", required_argument, 0, 'e' },
		{ "role", required_argument, 0, 'r' },
		{ 0, 0, 0, 0 }
	};
	int c, st;

	memset(e, 0, sizeof(*e));
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': e->o.note = optarg; break;
		case 'e': e->o.effective = optarg; break;
		case 'r': e->o.role = optarg; break;
		case 's':
		case 'j':
			if ((st = parse_set(e, optarg, c == 'j')))
				return st;
			break;
		case 'a':
			if (e->o.nattach == MAX_ATTACH)
				return cli_usage(usage, "at most %d attachments at once", MAX_ATTACH);
			e->attach[e->o.nattach++] = optarg;
			break;
		default:
			return cli_usage(usage, NULL);
		}
	}
	e->o.attach = e->attach;
	e->o.patch = e->patch;
	*first_pos = optind;
	return 0;
}

/*
 * "received_at" given as a plain date (2026-11-02), as --effective takes
 * one: noon that day in the archive's offset, or now if that is today and
 * noon has not come.  A full RFC 3339 time is left as it is.  0 or
 * EXIT_DATA (printed).
 */
static int received_date(json_t *input, const xfa_meta *m, const char *file)
{
	const char *text = xfa_json_str(input, "received_at");
	char buf[XFA_STAMP_SIZE];
	xfa_stamp now, s;
	long day;

	if (!text || strlen(text) != 10 || xfa_date_parse(&day, text) < 0)
		return 0;   /* the schema judges anything else */
	if (xfa_stamp_now(&now, m->off) < 0) {
		fprintf(stderr, _("xfa: %s\n"), xfa_error_last());
		return EXIT_IOERR;
	}
	s.off = now.off;
	s.t = (int64_t)day * 86400 + 12 * 3600 - (int64_t)now.off * 60;
	if (s.t > now.t && day == xfa_stamp_day(&now))
		s = now;
	if (s.t > now.t) {
		fprintf(stderr, _("xfa: %s: received_at %s is in the future\n"), file, text);
		return EXIT_DATA;
	}
	xfa_stamp_format(buf, &s);
	json_object_set_new(input, "received_at", json_string(buf));
	return 0;
}

static int case_new(xfa_archive *a, int argc, char **argv)
{
	struct ev_args e;
	char *buf = NULL, *id = NULL, *code = NULL;
	json_t *input = NULL;
	const xfa_meta *m;
	xfa_key *k = NULL;
	size_t len;
	int pos, st, err;

	if ((st = parse_ev_args(&e, argc, argv, &pos)))
		goto done;
	if (pos != argc - 1 || e.patch) {
		st = cli_usage(usage, "case new takes one FILE.json");
		goto done;
	}
	if ((err = xfa_file_read(&buf, &len, argv[pos], 1 << 20)) < 0 ||
	    (err = xfa_json_parse(&input, buf, len, argv[pos])) < 0) {
		st = cli_fail(err, "cannot read case document");
		goto done;
	}
	if ((err = xfa_archive_meta(&m, a)) < 0) {
		st = cli_fail(err, "cannot register case from '%s'", argv[pos]);
		goto done;
	}
	if ((st = resolve_ev(&e, m->wf, input, argv[pos])) ||
	    (st = received_date(input, m, argv[pos])))
		goto done;
	/* a bad document is refused before the key's unlock (Argon2id) */
	if ((err = xfa_case_check_input(input)) < 0) {
		st = cli_fail(err, "cannot register case from '%s'", argv[pos]);
		goto done;
	}
	if ((st = cli_signing_key(&k)))
		goto done;
	if ((err = xfa_case_register(&id, &code, a, k, input, &e.o)) < 0) {
		st = cli_fail(err, "cannot register case from '%s'", argv[pos]);
		goto done;
	}
	if (cli.json) {
		json_t *o = json_pack("{s:s, s:s}", "id", id, "query_code", code);
		cli_json(o);
		json_decref(o);
	} else {
		/* printed once and kept nowhere: -q does not hide it */
		printf("%s\n", id);
		printf("%s %s\n", _("query code:"), code);
	}
done:
	ev_args_release(&e);
	json_decref(input);
	xfa_key_free(k);
	free(buf);
	free(id);
	free(code);
	return st;
}

/* move ID STATE / record ID TYPE / attach ID KIND:PATH... */
static int case_event(xfa_archive *a, int argc, char **argv, const char *what)
{
	struct ev_args e;
	const xfa_meta *m;
	const xfa_workflow *wf;
	const char *to = NULL;
	xfa_key *k = NULL;
	unsigned seq = 0;
	int pos, st, err, i;

	if ((st = parse_ev_args(&e, argc, argv, &pos)))
		goto done;
	if (!strcmp(what, "attach")) {
		if (pos > argc - 2) {
			st = cli_usage(usage, "case attach needs ID and KIND:PATH");
			goto done;
		}
		for (i = pos + 1; i < argc && e.o.nattach < MAX_ATTACH; i++)
			e.attach[e.o.nattach++] = argv[i];
	} else if (pos != argc - 2) {
		st = cli_usage(usage, "case %s needs ID and %s", what,
			       strcmp(what, "move") ? "TYPE" : "STATE");
		goto done;
	}
	if ((err = xfa_archive_meta(&m, a)) < 0) {
		st = cli_fail(err, "cannot %s case '%s'", what, argv[pos]);
		goto done;
	}
	wf = xfa_kind_of_id(m, argv[pos]) && xfa_kind_of_id(m, argv[pos])->wf ?
		xfa_kind_of_id(m, argv[pos])->wf : m->wf;
	if ((st = resolve_ev(&e, wf, e.patch, NULL)))
		goto done;
	if (strcmp(what, "attach") &&
	    !(to = cli_resolve(wf, strcmp(what, "move") ? "event" : "state",
			       strcmp(what, "move") ? "TYPE" : "STATE", argv[pos + 1]))) {
		st = EXIT_DATA;
		goto done;
	}
	if (to && !strcmp(what, "record") && !strcmp(to, "reissue-code")) {
		st = cli_usage(usage, "a query code is re-issued with 'xfa case reissue-code ID --note WHY'");
		goto done;
	}
	if ((st = cli_signing_key(&k)))
		goto done;
	if (!strcmp(what, "move"))
		err = xfa_case_move(&seq, a, k, argv[pos], to, &e.o);
	else
		err = xfa_case_record(&seq, a, k, argv[pos], to ? to : "attach", &e.o);
	if (err < 0) {
		st = cli_fail(err, "cannot %s case '%s'", what, argv[pos]);
		goto done;
	}
	if (cli.json) {
		json_t *o = json_pack("{s:s, s:i}", "id", argv[pos], "seq", (int)seq);
		cli_json(o);
		json_decref(o);
	} else if (!cli.quiet) {
		printf("%s #%u\n", argv[pos], seq);
	}
done:
	ev_args_release(&e);
	xfa_key_free(k);
	return st;
}

/* reissue-code ID --note WHY: a new 查询码, the old one invalid. */
static int case_reissue(xfa_archive *a, int argc, char **argv)
{
	struct ev_args e;
	const xfa_meta *m;
	xfa_key *k = NULL;
	char *code = NULL;
	unsigned seq = 0;
	int pos, st, err;

	if ((st = parse_ev_args(&e, argc, argv, &pos)))
		goto done;
	if (pos != argc - 1 || e.patch || e.o.nattach) {
		st = cli_usage(usage, "case reissue-code takes one ID and --note WHY");
		goto done;
	}
	if ((err = xfa_archive_meta(&m, a)) < 0) {
		st = cli_fail(err, "cannot re-issue the query code of '%s'", argv[pos]);
		goto done;
	}
	if ((st = resolve_ev(&e, m->wf, NULL, NULL)) || (st = cli_signing_key(&k)))
		goto done;
	if ((err = xfa_case_reissue_code(&code, &seq, a, k, argv[pos], &e.o)) < 0) {
		st = cli_fail(err, "cannot re-issue the query code of '%s'", argv[pos]);
		goto done;
	}
	if (cli.json) {
		json_t *o = json_pack("{s:s, s:i, s:s}", "id", argv[pos], "seq", (int)seq,
				      "query_code", code);
		cli_json(o);
		json_decref(o);
	} else {
		printf("%s #%u\n", argv[pos], seq);
		printf("%s %s\n", _("query code:"), code);
	}
done:
	ev_args_release(&e);
	xfa_key_free(k);
	free(code);
	return st;
}

/* Today's day number in the archive's offset. */
static long today(const xfa_meta *m)
{
	xfa_stamp now;

	if (xfa_stamp_now(&now, m->off) < 0)
		return 0;
	return xfa_stamp_day(&now);
}

/* How deadline `d` stands: met, late, not yet due, or not applicable (a
 * window left unused, or a duty of a case that stopped before its date). */
static const char *deadline_state(const json_t *d)
{
	const json_t *met = json_object_get(d, "met");

	if (json_is_true(met))
		return _("met");
	if (json_is_false(met))
		return _("late");
	if (json_is_integer(json_object_get(d, "days_left")))
		return _("not yet due");
	if (!strcmp(xfa_json_str(d, "enforce") ? xfa_json_str(d, "enforce") : "", "refuse"))
		return _("not used");
	return _("n/a");
}

static void show_deadlines(const xfa_meta *m, const json_t *dl)
{
	json_t *d;
	size_t i;
	int zh = strcmp(cli.lang, "en") != 0, w = 0, n;

	json_array_foreach(dl, i, d)
		if ((n = cli_width(cli_label(m, "deadline", xfa_json_str(d, "id")))) > w)
			w = n;
	json_array_foreach(dl, i, d) {
		long long left = xfa_json_int(d, "days_left", 0);
		printf("  ");
		cli_cell(cli_label(m, "deadline", xfa_json_str(d, "id")), w + 2);
		printf("%s  ", xfa_json_str(d, "due"));
		cli_cell(deadline_state(d), zh ? 8 : 12);
		if (xfa_json_str(d, "done"))
			printf("%s %s", _("done"), xfa_json_str(d, "done"));
		else if (json_is_integer(json_object_get(d, "days_left")) && left < 0)
			printf(ngettext("%lld day late", "%lld days late",
					(unsigned long)-left), -left);
		else if (json_is_integer(json_object_get(d, "days_left")))
			printf(ngettext("%lld day left", "%lld days left",
					(unsigned long)left), left);
		putchar('\n');
	}
}

static void show_field(const char *label, const char *v)
{
	if (!v || !*v)
		return;
	cli_cell(label, 12);
	printf(" %s\n", v);
}

/* 代办: agent, principal, the powers and term of the authorisation form. */
static void show_proxy(const xfa_meta *m, const json_t *px)
{
	const json_t *term = json_object_get(px, "term"), *v;
	char buf[256] = "";
	size_t i;

	if (!px)
		return;
	show_field(_("proxy agent"), xfa_json_str(json_object_get(px, "agent"), "name"));
	show_field(_("principal"), xfa_json_str(json_object_get(px, "principal"), "name"));
	json_array_foreach(json_object_get(px, "scope"), i, v)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
			 i ? C_("list", ", ") : "",
			 cli_label(m, "proxy_scope", json_string_value(v)));
	show_field(_("proxy powers"), buf);
	snprintf(buf, sizeof(buf), "%s ~ %s", xfa_json_str(term, "from") ? xfa_json_str(term, "from") : "",
		 !xfa_json_str(term, "until") ? "" : strcmp(xfa_json_str(term, "until"), "closed") ?
		 xfa_json_str(term, "until") : _("until closed"));
	show_field(_("proxy term"), buf);
}

/* 归档: each filing of the case, its 档号 and the package's SHA-256. */
static void show_archive(const json_t *arc)
{
	const json_t *v;
	char buf[256];
	size_t i;

	json_array_foreach(arc, i, v) {
		show_field(_("file number"), xfa_json_str(v, "reference"));
		snprintf(buf, sizeof(buf), "sha256:%.16s  %.10s",
			 xfa_json_str(v, "package_sha256") ? xfa_json_str(v, "package_sha256") : "",
			 xfa_json_str(v, "at") ? xfa_json_str(v, "at") : "");
		show_field(_("package"), buf);
	}
}

static void show_human(const xfa_meta *m, const json_t *doc, const json_t *dl)
{
	json_t *p, *att;
	size_t i;

	show_field(_("case"), xfa_json_str(doc, "id"));
	show_field(_("status"), cli_label(m, "state", xfa_json_str(doc, "status")));
	show_field(_("channel"), cli_label(m, "channel", xfa_json_str(doc, "channel")));
	show_field(_("received"), xfa_json_str(doc, "received_at"));
	json_array_foreach(json_object_get(doc, "petitioners"), i, p)
		show_field(_("petitioner"), xfa_json_str(p, "name"));
	if (json_object_get(doc, "headcount")) {
		char n[32];
		snprintf(n, sizeof(n), "%lld%s", xfa_json_int(doc, "headcount", 0),
			 json_is_true(json_object_get(doc, "collective")) ? _(" (collective)") : "");
		show_field(_("headcount"), n);
	}
	show_field(_("locality"), xfa_json_str(doc, "locality"));
	show_field(_("category"), cli_label(m, "category", xfa_json_str(doc, "category")));
	show_field(_("kind"), cli_label(m, "kind", xfa_json_str(doc, "kind")));
	show_field(_("demands"), xfa_json_str(doc, "demands"));
	show_field(_("summary"), xfa_json_str(doc, "summary"));
	show_proxy(m, json_object_get(doc, "proxy"));
	show_field(_("unit"), xfa_json_str(doc, "unit"));
	show_field(_("lead"), xfa_json_str(doc, "lead"));
	show_field(_("repeat of"), xfa_json_str(doc, "repeat_of"));
	show_field(_("rejected because"),
		   xfa_json_str(json_object_get(doc, "decision"), "reason"));
	show_field(_("legal channel"),
		   cli_label(m, "decision_channel",
			     xfa_json_str(json_object_get(doc, "decision"), "channel")));
	show_field(_("transferred to"), xfa_json_str(doc, "transferred_to"));
	show_field(_("level"), cli_label(m, "level", xfa_json_str(doc, "level")));
	show_field(_("outcome"), cli_label(m, "outcome", xfa_json_str(doc, "outcome")));
	show_field(_("satisfaction"),
		   cli_label(m, "satisfaction", xfa_json_str(doc, "satisfaction")));
	show_archive(json_object_get(doc, "archive"));
	if (json_array_size(dl)) {
		printf("%s\n", _("deadlines:"));
		show_deadlines(m, dl);
	}
	if (json_array_size(json_object_get(doc, "attachments")))
		printf("%s\n", _("attachments:"));
	json_array_foreach(json_object_get(doc, "attachments"), i, att)
		printf(_("  %s  [%s]  %lld bytes  sha256:%.16s\n"), xfa_json_str(att, "name"),
		       cli_label(m, "attachment", xfa_json_str(att, "kind")),
		       xfa_json_int(att, "size", 0), xfa_json_str(att, "sha256"));
}

static int case_show(xfa_archive *a, int argc, char **argv)
{
	const xfa_meta *m;
	json_t *doc = NULL, *dl = NULL;
	xfa_oid head;
	char hex[XFA_OID_HEX], when[64];
	int err, verified;

	if (argc != 2)
		return cli_usage(usage, "case show needs one ID");
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_case_load(&doc, a, argv[1])) < 0)
		return cli_fail(err, "cannot show case '%s'", argv[1]);
	if (!cli.json && xfa_kind_of_id(m, argv[1]) == &m->kinds[XFA_KIND_RISK]) {
		json_decref(doc);   /* a risk item reads best in the ledger's own view */
		return cmd_risk(3, (char *[]){ "risk", "show", argv[1], NULL });
	}
	dl = xfa_workflow_deadlines(xfa_kind_of_id(m, argv[1])->wf, doc, m->cal, today(m));
	if ((err = xfa_store_head(&head, xfa_archive_store(a))) < 0) {
		json_decref(doc);
		json_decref(dl);
		return cli_fail(err, "cannot show case '%s'", argv[1]);
	}
	xfa_oid_fmt(hex, &head);
	verified = cli_verified_check(hex, when, sizeof(when));
	if (cli.json) {
		json_t *o = json_pack("{s:O, s:O, s:{s:s, s:b, s:s?}}", "case", doc,
				      "deadlines", dl ? dl : json_null(), "verified",
				      "head", hex, "current", verified == 1,
				      "last", *when ? when : NULL);
		cli_json(o);
		json_decref(o);
	} else {
		show_human(m, doc, dl);
	}
	/* what was read is only as good as the last verify that proved it */
	if (!cli.json && verified == 0)
		fprintf(stderr, _("xfa: warning: this head (%.12s) is unverified: the last "
				  "sound verify (%s) was of an earlier head; run xfa verify\n"),
			hex, when);
	else if (!cli.json && verified < 0)
		fprintf(stderr, _("xfa: warning: this archive was never verified here: "
				  "run xfa verify\n"));
	json_decref(doc);
	json_decref(dl);
	return 0;
}

/* A label of workflow `wf`: a record's log speaks its own register's words
 * (the ledger's steps for a risk item, not the petition workflow's). */
static const char *wf_label(const xfa_workflow *wf, const char *vocab, const char *id)
{
	return id ? xfa_workflow_label(wf, vocab, id, cli.lang) : "";
}

static int case_log(xfa_archive *a, int argc, char **argv)
{
	const xfa_meta *m;
	const xfa_workflow *wf;
	json_t *evs = NULL, *ev;
	size_t i;
	int err;

	if (argc != 2)
		return cli_usage(usage, "case log needs one ID");
	if ((err = xfa_archive_meta(&m, a)) < 0 ||
	    (err = xfa_case_events(&evs, a, argv[1])) < 0)
		return cli_fail(err, "cannot read case '%s'", argv[1]);
	wf = xfa_kind_of_id(m, argv[1])->wf ? xfa_kind_of_id(m, argv[1])->wf : m->wf;
	if (cli.json) {
		cli_json(evs);
	} else {
		json_array_foreach(evs, i, ev) {
			const json_t *rec = xfa_keyring_find(m->doc, xfa_json_str(ev, "by"));
			printf("#%-3lld %.10s  ", xfa_json_int(ev, "seq", 0),
			       xfa_json_str(ev, "effective"));
			cli_cell(wf_label(wf, "event", xfa_json_str(ev, "type")), 10);
			printf(" ");
			if (xfa_json_str(ev, "to")) {
				cli_cell(wf_label(wf, "state", xfa_json_str(ev, "to")), 10);
			} else {
				cli_cell("", 10);
			}
			printf(" %s (%s)", rec ? xfa_json_str(rec, "name") : xfa_json_str(ev, "by"),
			       wf_label(wf, "role", xfa_json_str(ev, "role")));
			if (xfa_json_str(ev, "note"))
				printf("  %s", xfa_json_str(ev, "note"));
			putchar('\n');
		}
	}
	json_decref(evs);
	return 0;
}

int cmd_case(int argc, char **argv)
{
	xfa_archive *a = NULL;
	const char *sub;
	int st;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc >= 2)
			return cli_print_help(usage), cli_done(0);
		return cli_usage(usage, NULL);
	}
	if (cli_help(argc - 1, argv + 1, usage))
		return cli_done(0);
	sub = argv[1];
	if (strcmp(sub, "new") && strcmp(sub, "attach") && strcmp(sub, "move") &&
	    strcmp(sub, "record") && strcmp(sub, "show") && strcmp(sub, "log") &&
	    strcmp(sub, "list") && strcmp(sub, "reissue-code"))
		return cli_usage(usage, "'%s' is not a case command", sub);
	if ((st = cli_open(&a)))
		return st;
	if (!strcmp(sub, "new"))
		st = case_new(a, argc - 1, argv + 1);
	else if (!strcmp(sub, "show"))
		st = case_show(a, argc - 1, argv + 1);
	else if (!strcmp(sub, "log"))
		st = case_log(a, argc - 1, argv + 1);
	else if (!strcmp(sub, "list"))
		st = cmd_case_list(a, argc - 1, argv + 1);
	else if (!strcmp(sub, "reissue-code"))
		st = case_reissue(a, argc - 1, argv + 1);
	else
		st = case_event(a, argc - 1, argv + 1, sub);
	xfa_archive_free(a);
	return cli_done(st);
}

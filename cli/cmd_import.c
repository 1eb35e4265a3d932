/* cmd_import.c - xfa import FILE.jsonl --key KEYFILE...: bulk-load cases and
 * their histories, each event signed by its actor's key (archive/import.c). */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"
#include "cmds.h"
#include "error.h"
#include "import.h"

static const char usage[] =
	"xfa import FILE.jsonl --key KEYFILE [--key KEYFILE]... [--check]";

#define MAX_KEYS 256
#define MAX_THREADS 8     /* Argon2id derivations at once (memory-hard) */

struct progress {
	struct timespec start;
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(unsigned long lines, unsigned long events, void *payload)
{
	struct progress *p = payload;
	double s = since(&p->start);

	fputc('\r', stderr);
	fprintf(stderr, _("xfa import: line %lu, %lu events, %.0f events/s   "),
		lines, events, s > 0 ? (double)events / s : 0.0);
}

/* Unlocking: each key's Argon2id is its own; they run on all cores. */
struct unlock {
	xfa_key **keys;
	char **paths, **pass;
	size_t *len;
	int *err;
	char (*msg)[256];
	size_t n, step, first;
};

static void *unlock_some(void *arg)
{
	struct unlock *u = arg;
	size_t i;

	for (i = u->first; i < u->n; i += u->step)
		if (!u->keys[i] && /* not a key the ssh-agent holds */
		    (u->err[i] = xfa_key_load(&u->keys[i], u->paths[i], u->pass[i],
					     u->len[i])) < 0)
			snprintf(u->msg[i], sizeof(u->msg[i]), "%s", xfa_error_last());
	return NULL;
}

/* Derive the keys of `u` with up to `nthreads` threads (this one too). */
static void unlock_all(struct unlock *u, size_t nthreads)
{
	struct unlock part[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	size_t t;

	for (t = 0; t < nthreads; t++) {
		part[t] = *u;
		part[t].first = t;
		part[t].step = nthreads;
		if (t > 0)
			started[t] = pthread_create(&tid[t], NULL, unlock_some, &part[t]) == 0;
	}
	unlock_some(&part[0]);
	for (t = 1; t < nthreads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			unlock_some(&part[t]);
	}
}

/* Unlock every key file; all with the passphrase of XFA_PASSPHRASE_FILE or
 * the one typed at each prompt (all asked first, then derived together).
 * A public key file names a key the ssh-agent holds: no passphrase.
 * Returns 0 or an exit status. */
static int unlock_keys(xfa_key **keys, size_t n, char **paths)
{
	static char *pass[MAX_KEYS];
	static size_t len[MAX_KEYS];
	static int errs[MAX_KEYS];
	static char msg[MAX_KEYS][256];
	struct unlock u = { keys, paths, pass, len, errs, msg, n, 1, 0 };
	char prompt[300];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t i, asked = 0, threads;
	int err, st = 0;

	for (i = 0; i < n; i++, asked++) {
		if (cli_is_pubfile(paths[i])) { /* signs through the ssh-agent */
			if ((st = cli_agent_key(&keys[i], paths[i])))
				goto done;
			continue;
		}
		if ((err = xfa_key_file_check(paths[i])) < 0) {
			st = cli_fail(err, "cannot use key '%s'", paths[i]);
			goto done;
		}
		snprintf(prompt, sizeof(prompt), "passphrase for %s: ", paths[i]);
		if ((err = cli_passphrase(&pass[i], &len[i], prompt, 0)) < 0) {
			st = cli_fail(err, "cannot unlock '%s'", paths[i]);
			goto done;
		}
	}
	threads = cpus > 1 ? (size_t)cpus : 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	unlock_all(&u, n < threads ? n : threads);
	for (i = 0; i < n && !st; i++)
		if (errs[i] < 0) {
			xfa_error_set(errs[i], "%s", msg[i]);
			st = cli_fail(errs[i], "cannot use key '%s'", paths[i]);
		}
done:
	for (i = 0; i < asked; i++)
		cli_passphrase_free(pass[i]);
	return st;
}

static void report_problems(const xfa_import_result *r)
{
	json_t *p;
	size_t i;

	json_array_foreach(r->problems, i, p)
		fprintf(stderr, _("xfa: %s\n"), json_string_value(json_object_get(p, "message")));
}

static void report_cases(const xfa_import_result *r, int check_only)
{
	json_t *c, *o;
	size_t i;

	if (cli.json) {
		o = json_pack("{s:O, s:I, s:I, s:b}", "cases", r->cases,
			      "lines", (json_int_t)r->lines, "events", (json_int_t)r->events,
			      "written", !check_only);
		cli_json(o);
		json_decref(o);
		return;
	}
	if (check_only)
		return;
	json_array_foreach(r->cases, i, c)
		printf("%lld\t%s\t%s\n", (long long)json_integer_value(json_object_get(c, "line")),
		       json_string_value(json_object_get(c, "id")),
		       json_string_value(json_object_get(c, "query_code")));
}

static int run(char *file, xfa_key **keys, size_t nkeys, int check_only)
{
	xfa_import_opts o;
	xfa_import_result r;
	xfa_archive *a = NULL;
	struct progress pr;
	int st, err;

	if ((st = cli_open(&a)))
		return st;
	memset(&o, 0, sizeof(o));
	o.keys = (const xfa_key *const *)keys;
	o.nkeys = nkeys;
	o.check_only = check_only;
	clock_gettime(CLOCK_MONOTONIC, &pr.start);
	if (!cli.quiet && isatty(STDERR_FILENO)) {
		o.progress = show_progress;
		o.payload = &pr;
	}
	err = xfa_import_file(&r, a, file, &o);
	if (o.progress)
		fputc('\n', stderr);
	if (err < 0) {
		report_problems(&r);
		if (cli.json && json_array_size(r.problems))
			cli_json(r.problems);
		st = cli_fail(err, "cannot import '%s'", file);
	} else {
		report_cases(&r, check_only);
		if (!cli.quiet)
			fprintf(stderr, _("xfa: %s %zu cases, %lu events in %.2f s\n"),
				check_only ? _("checked") : _("imported"),
				json_array_size(r.cases), r.events, since(&pr.start));
	}
	xfa_import_result_release(&r);
	xfa_archive_free(a);
	return st;
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, 0, 'k' },
		{ "check", no_argument, 0, 'n' },
		{ 0, 0, 0, 0 }
	};
	char *paths[MAX_KEYS];
	xfa_key *keys[MAX_KEYS];
	size_t nkeys = 0, i;
	int c, st, check_only = 0;

	if (cli_help(argc, argv, usage))
		return cli_done(0);
	if (cli.key && *cli.key)
		paths[nkeys++] = (char *)cli.key;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (nkeys == MAX_KEYS)
				return cli_usage(usage, "at most %d keys", MAX_KEYS);
			paths[nkeys++] = optarg;
			break;
		case 'n': check_only = 1; break;
		default: return cli_usage(usage, NULL);
		}
	}
	if (optind + 1 != argc)
		return cli_usage(usage, "import needs one FILE.jsonl");
	if (!nkeys)
		return cli_usage(usage, "name the actors' keys with --key KEYFILE");
	memset(keys, 0, sizeof(keys));
	if (!(st = unlock_keys(keys, nkeys, paths)))
		st = run(argv[optind], keys, nkeys, check_only);
	for (i = 0; i < nkeys; i++)
		xfa_key_free(keys[i]);
	return cli_done(st);
}

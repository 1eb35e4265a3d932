/* verify.c - benchmark of whole-archive verification (xfa_verify_run).
 *
 *   verify --cases N [--events-per-case E] [--threads T] [--dir DIR]
 *          [--archive PATH] [--chunk C] [--keep] [--modes]
 *
 * Builds an archive of N cases with E events each (register, accept,
 * assign, sign-in, then notes; E from 1 to 10) in-process, in signed
 * batches written as one pack each (fsync off), or reuses --archive PATH.
 * Then, in a child process (so that its peak RSS is verification's alone),
 * verifies the whole archive on T threads (default: all cores), and in the
 * same run measures libsodium's Ed25519 verification rate on T threads over
 * the same number of signatures (two per event: the event's and its
 * commit's).  Prints one JSON line: events verified per second, the Ed25519
 * rate, the signature-bound event rate (Ed25519 rate / 2), their ratio, and
 * the peak RSS of the verification; and the same per CPU-second, which
 * a loaded machine does not skew.
 *
 * With --modes (a built archive only: its keys are needed), then, side by
 * side on the same archive: `git verify-commit` of 20 commits (per commit);
 * `xfa verify ID` of a 5-event case (the derived event list built, then
 * current); a checkpoint, 1,000 new events (200 new cases of 5), and
 * `verify --since` that checkpoint, and `verify ID` again (list updated).
 * One JSON line each.  Not a test: figures only. */
#define _XOPEN_SOURCE 700
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "admin.h"
#include "bench.h"
#include "case.h"
#include "checkpoint.h"
#include "keyring.h"
#include "error.h"
#include "file.h"
#include "json.h"
#include "verify.h"
#include "xfa.h"

static void die(const char *what)
{
	fprintf(stderr, "bench verify: %s: %s\n", what, xfa_error_last());
	exit(1);
}

struct opts {
	size_t cases, per_case, chunk;
	int threads, keep, modes;
	const char *dir, *archive;
};

static void usage(void)
{
	fprintf(stderr, "usage: verify --cases N [--events-per-case E] [--threads T] "
		"[--dir DIR] [--archive PATH] [--chunk C] [--keep]\n");
	exit(64);
}

static void parse(struct opts *o, int argc, char **argv)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->cases = 1000;
	o->per_case = 5;
	o->chunk = 500;
	o->dir = "/tmp";
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--keep")) {
			o->keep = 1;
			continue;
		}
		if (!strcmp(a, "--modes")) {
			o->modes = 1;
			continue;
		}
		if (!v)
			usage();
		if (!strcmp(a, "--cases")) o->cases = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--events-per-case")) o->per_case = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--threads")) o->threads = atoi(v);
		else if (!strcmp(a, "--chunk")) o->chunk = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--dir")) o->dir = v;
		else if (!strcmp(a, "--archive")) o->archive = v;
		else usage();
		i++;
	}
	if (!o->cases || o->per_case < 1 || o->per_case > 10 || !o->chunk)
		usage();
	if (o->threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o->threads = n > 0 ? (int)n : 1;
	}
}

/* --- building the archive ---------------------------------------------- */

struct keys {
	xfa_key *admin, *clerk, *handler;
};

static json_t *case_input(void)
{
	const char *path = "tests/fixtures/cases/02-civil-affairs.json";
	json_t *doc = NULL;
	char *buf = NULL;
	size_t len;

	if (xfa_file_read(&buf, &len, path, 1 << 20) < 0 ||
	    xfa_json_parse(&doc, buf, len, path) < 0)
		die("the sample case (run from the source tree)");
	free(buf);
	return doc;
}

/* Event k (0-based) of case `id` after its registration. */
static void one_event(xfa_batch *b, const struct keys *k, const char *id,
		      size_t ev)
{
	json_t *patch = json_object();
	xfa_case_opts o;
	unsigned seq;
	int err;

	memset(&o, 0, sizeof(o));
	o.patch = patch;
	if (ev == 1) {
		err = xfa_case_move_batch(&seq, b, k->clerk, id, "accepted", &o);
	} else if (ev == 2) {
		json_object_set_new(patch, "unit", json_string("民政局"));
		err = xfa_case_move_batch(&seq, b, k->clerk, id, "assigned", &o);
	} else if (ev == 3) {
		err = xfa_case_move_batch(&seq, b, k->handler, id, "handling", &o);
	} else {
		o.note = "办理情况说明";
		err = xfa_case_record_batch(&seq, b, k->handler, id, "note", &o);
	}
	json_decref(patch);
	if (err < 0)
		die(id);
}

/* Cases [base, base+n): registered, then each given its further events. */
static void fill_batch(xfa_archive *a, const struct keys *k, json_t *input,
		       size_t n, size_t per_case)
{
	xfa_store *st = xfa_archive_store(a);
	char **ids = calloc(n, sizeof(char *));
	xfa_case_opts o;
	xfa_batch *b = NULL;
	size_t i, e;

	memset(&o, 0, sizeof(o));
	if (!ids || xfa_store_bulk_begin(st) < 0 || xfa_batch_begin(&b, a) < 0)
		die("batch");
	for (i = 0; i < n; i++) {
		char *code = NULL;
		if (xfa_case_register_batch(&ids[i], &code, b, k->clerk, input, &o) < 0)
			die("register");
		free(code);
	}
	for (e = 1; e < per_case; e++)
		for (i = 0; i < n; i++)
			one_event(b, k, ids[i], e);
	if (xfa_store_bulk_flush(st) < 0 || xfa_batch_publish(b) < 0)
		die("publish");
	xfa_batch_free(b);
	xfa_store_bulk_end(st);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static void build(const struct opts *o, const char *path, struct keys *k)
{
	xfa_archive *a = NULL;
	xfa_init_opts io;
	json_t *input = case_input();
	size_t done = 0, n;

	memset(&io, 0, sizeof(io));
	io.name = "基准县信访局";
	io.fonds = "J001";
	io.admin_name = "admin";
	io.admin_email = "admin@bureau.example";
	if (xfa_archive_create(&a, path, &io, k->admin) < 0)
		die(path);
	if (xfa_admin_key_add(a, k->admin, xfa_key_public(k->clerk), "clerk",
			      "clerk@bureau.example", "clerk") < 0 ||
	    xfa_admin_key_add(a, k->admin, xfa_key_public(k->handler), "handler",
			      "handler@unit.example", "handler") < 0)
		die("keyring");
	for (; done < o->cases; done += n) {
		n = o->cases - done < o->chunk ? o->cases - done : o->chunk;
		fill_batch(a, k, input, n, o->per_case);
	}
	json_decref(input);
	xfa_archive_free(a);
}

/* --- Ed25519 on all cores ---------------------------------------------- */

struct sigjob {
	const xfa_pubkey *pk;
	const unsigned char *msg, *sig;
	size_t len, n;
	pthread_t tid;
};

static void *sig_worker(void *arg)
{
	struct sigjob *j = arg;
	size_t i;

	for (i = 0; i < j->n; i++)
		if (xfa_pubkey_verify(j->pk, j->sig, j->msg, j->len) < 0)
			abort();
	return NULL;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Verifications per second of `total` Ed25519 signatures on `threads`
 * (wall clock); *per_cpu: per CPU-second, which the machine's load does
 * not change.
 */
static double ed25519_rate(size_t total, int threads, double *per_cpu)
{
	unsigned char msg[400], sig[64];
	struct sigjob *j = calloc((size_t)threads, sizeof(*j));
	xfa_key *k = NULL;
	double t0, ms, c0;
	int i;

	if (!j || xfa_key_generate(&k) < 0)
		die("key");
	memset(msg, 'x', sizeof(msg));     /* about an event's size */
	xfa_key_sign(sig, k, msg, sizeof(msg));
	t0 = bench_now_ms();
	c0 = cpu_seconds();
	for (i = 0; i < threads; i++) {
		j[i].pk = xfa_key_public(k);
		j[i].msg = msg;
		j[i].sig = sig;
		j[i].len = sizeof(msg);
		j[i].n = total / (size_t)threads + (i == 0 ? total % (size_t)threads : 0);
		pthread_create(&j[i].tid, NULL, sig_worker, &j[i]);
	}
	for (i = 0; i < threads; i++)
		pthread_join(j[i].tid, NULL);
	ms = bench_now_ms() - t0;
	*per_cpu = (double)total / (cpu_seconds() - c0);
	xfa_key_free(k);
	free(j);
	return (double)total * 1e3 / ms;
}

/* --- verification in a child ------------------------------------------- */

struct vresult {
	double seconds, cpu;
	long long commits, events, signatures, findings;
};

static void verify_child(const char *path, const xfa_verify_opts *o, int fd)
{
	struct vresult r;
	json_t *rep = NULL;
	double t0;

	t0 = bench_now_ms();
	if (xfa_verify_run(&rep, path, o) < 0)
		die("verify");
	r.seconds = (bench_now_ms() - t0) / 1e3;
	r.commits = xfa_json_int(json_object_get(rep, "totals"), "commits", 0);
	r.events = xfa_json_int(json_object_get(rep, "totals"), "events", 0);
	r.signatures = xfa_json_int(json_object_get(rep, "totals"), "signatures", 0);
	r.findings = (long long)json_array_size(json_object_get(rep, "findings"));
	json_decref(rep);
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}

static void run_measured(struct vresult *r, long *rss_kb, const char *path,
			 const xfa_verify_opts *o)
{
	struct rusage ru;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) < 0)
		die("pipe");
	fflush(NULL);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		close(fds[0]);
		verify_child(path, o, fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], r, sizeof(*r)) != (ssize_t)sizeof(*r))
		die("verify child");
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		die("verify child");
	*rss_kb = ru.ru_maxrss;
	r->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void verify_measured(struct vresult *r, long *rss_kb, const char *path,
			    int threads)
{
	xfa_verify_opts o;

	memset(&o, 0, sizeof(o));
	o.threads = threads;
	run_measured(r, rss_kb, path, &o);
}

/* --- the other modes ---------------------------------------------------- */

static void print_mode(const char *step, const struct opts *o,
		       const struct vresult *r, long rss, const char *extra)
{
	printf("{\"step\":\"%s\",\"cases\":%zu,\"events_per_case\":%zu,"
	       "\"archive_events\":%zu,\"commits\":%lld,\"events\":%lld,"
	       "\"findings\":%lld,\"seconds\":%.4f,\"cpu_seconds\":%.4f,"
	       "\"maxrss_kb\":%ld%s}\n", step, o->cases, o->per_case,
	       o->cases * o->per_case, r->commits, r->events, r->findings, r->seconds,
	       r->cpu, rss, extra);
	fflush(stdout);
}

/* `git verify-commit` of the newest `n` commits, per commit (ms). */
static double git_verify_commit(const char *path, int n)
{
	char cmd[1200], allowed[400];
	xfa_archive *a = NULL;
	const xfa_meta *m;
	char *as;
	double t0;
	int i;

	if (xfa_archive_open(&a, path) < 0 || xfa_archive_meta(&m, a) < 0 ||
	    !(as = xfa_keyring_allowed_signers(m->doc)))
		die("allowed signers");
	snprintf(allowed, sizeof(allowed), "%s.allowed", path);
	if (xfa_file_write_atomic(allowed, as, strlen(as), 0644, 0) < 0)
		die(allowed);
	free(as);
	xfa_archive_free(a);
	t0 = bench_now_ms();
	for (i = 0; i < n; i++) {
		snprintf(cmd, sizeof(cmd), "git --git-dir='%s' -c gpg.format=ssh "
			 "-c gpg.ssh.allowedSignersFile='%s' verify-commit "
			 "main~%d > /dev/null 2>&1", path, allowed, i);
		if (system(cmd) != 0)
			die("git verify-commit");
	}
	return (bench_now_ms() - t0) / n;
}

static void modes(const struct opts *o, const char *path, const struct keys *k,
		  double full_s, long long full_commits)
{
	const char *ids[1] = { NULL };
	char id[64], *note = NULL, extra[200];
	xfa_verify_note since;
	xfa_verify_opts vo;
	struct vresult r;
	xfa_archive *a = NULL;
	const xfa_meta *m;
	json_t *input = case_input();
	double git_ms;
	long rss;
	int i;

	git_ms = git_verify_commit(path, 20);
	snprintf(extra, sizeof(extra), ",\"git_verify_commit_ms\":%.2f,"
		 "\"xfa_full_ms_per_commit\":%.4f,\"ratio\":%.1f", git_ms,
		 full_s * 1e3 / (double)full_commits,
		 git_ms / (full_s * 1e3 / (double)full_commits));
	memset(&r, 0, sizeof(r));
	r.seconds = full_s;
	r.commits = full_commits;
	print_mode("per_commit_vs_git", o, &r, 0, extra);
	/* verify ID of a case of 5 events (the archive's fifth case) */
	snprintf(id, sizeof(id), "XF-2026-%06d", 5);
	ids[0] = id;
	memset(&vo, 0, sizeof(vo));
	vo.threads = o->threads;
	vo.cases = ids;
	vo.ncases = 1;
	run_measured(&r, &rss, path, &vo);
	print_mode("verify_id_list_built", o, &r, rss, "");
	for (i = 0; i < 3; i++) {
		run_measured(&r, &rss, path, &vo);
		print_mode("verify_id", o, &r, rss, "");
	}
	/* a checkpoint, 1,000 new events, verify --since it */
	if (xfa_archive_open(&a, path) < 0 || xfa_archive_meta(&m, a) < 0 ||
	    xfa_checkpoint_make(&note, xfa_archive_store(a), m->doc, k->clerk) < 0)
		die("checkpoint");
	fill_batch(a, k, input, 200, 5);
	xfa_archive_free(a);
	since.name = "checkpoint";
	since.text = note;
	since.len = strlen(note);
	memset(&vo, 0, sizeof(vo));
	vo.threads = o->threads;
	vo.since = &since;
	for (i = 0; i < 3; i++) {
		run_measured(&r, &rss, path, &vo);
		print_mode("verify_since_1000", o, &r, rss, "");
	}
	memset(&vo, 0, sizeof(vo));
	vo.threads = o->threads;
	vo.cases = ids;
	vo.ncases = 1;
	run_measured(&r, &rss, path, &vo);
	print_mode("verify_id_list_updated", o, &r, rss, "");
	free(note);
	json_decref(input);
}

int main(int argc, char **argv)
{
	struct keys k = { 0 };
	struct vresult r;
	struct opts o;
	char dir[256], path[300];
	double t0, build_s = 0, ed, ed_cpu, bound;
	long rss;

	parse(&o, argc, argv);
	if (xfa_init() < 0)
		die("init");
	xfa_store_set_fsync(0);
	if (o.archive) {
		snprintf(path, sizeof(path), "%s", o.archive);
	} else {
		snprintf(dir, sizeof(dir), "%s/xfa-bench-verify-XXXXXX", o.dir);
		if (!mkdtemp(dir))
			die(dir);
		snprintf(path, sizeof(path), "%s/a.xfa", dir);
		if (xfa_key_generate(&k.admin) < 0 || xfa_key_generate(&k.clerk) < 0 ||
		    xfa_key_generate(&k.handler) < 0)
			die("keys");
		t0 = bench_now_ms();
		build(&o, path, &k);
		build_s = (bench_now_ms() - t0) / 1e3;
	}
	verify_measured(&r, &rss, path, o.threads);
	ed = ed25519_rate((size_t)(r.events * 2), o.threads, &ed_cpu);
	bound = ed / 2;
	printf("{\"step\":\"verify\",\"cases\":%zu,\"events_per_case\":%zu,"
	       "\"threads\":%d,\"commits\":%lld,\"events\":%lld,\"signatures\":%lld,"
	       "\"findings\":%lld,\"build_seconds\":%.3f,\"seconds\":%.3f,"
	       "\"events_per_s\":%.1f,\"ed25519_verify_per_s\":%.1f,"
	       "\"signature_bound_events_per_s\":%.1f,\"ratio\":%.3f,"
	       "\"cpu_seconds\":%.3f,\"events_per_cpu_s\":%.1f,"
	       "\"ed25519_verify_per_cpu_s\":%.1f,\"cpu_ratio\":%.3f,"
	       "\"maxrss_kb\":%ld,\"archive\":\"%s\"}\n",
	       o.cases, o.per_case, o.threads, r.commits, r.events, r.signatures,
	       r.findings, build_s, r.seconds, (double)r.events / r.seconds, ed,
	       bound, (double)r.events / r.seconds / bound, r.cpu,
	       (double)r.events / r.cpu, ed_cpu, (double)r.events / r.cpu / (ed_cpu / 2),
	       rss, path);
	if (o.modes && !o.archive)
		modes(&o, path, &k, r.seconds, r.commits);
	if (!o.archive && !o.keep) {
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench verify: cannot remove %s\n", dir);
	}
	xfa_key_free(k.admin);
	xfa_key_free(k.clerk);
	xfa_key_free(k.handler);
	xfa_shutdown();
	return r.findings ? 1 : 0;
}

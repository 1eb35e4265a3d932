/* bench_write.c - in-process write benchmarks over libxfa.
 *
 *   bench_write unlock KEYFILE PASSFILE [-n N]
 *       Argon2id key unlocking (xfa_key_load), per call.
 *   bench_write fill ARCHIVE KEYFILE PASSFILE INPUT.json -c COUNT
 *                    [-y YEAR] [-b CHUNK] [-f 0|1]
 *       Register COUNT cases quickly: batches of CHUNK registrations
 *       (xfa_case_register_batch), objects kept in memory and written as one
 *       pack per batch (xfa_store_bulk_*), one compare-and-swap per batch.
 *       Every event and commit is signed and checked as for single writes.
 *   bench_write measure ARCHIVE KEYFILE PASSFILE INPUT.json -n N -s SIZE [-f 0|1]
 *       N single registrations (xfa_case_register), then N moves of those
 *       cases to "accepted" (xfa_case_move), each timed; the key is unlocked
 *       once beforehand and not counted.
 *
 *   bench_write moves ARCHIVE KEYFILE PASSFILE MOVES.txt [-b CHUNK] [-f 0|1]
 *       Moves read from MOVES.txt, one case a line: "ID STATE [STATE...]"
 *       (the states it is moved to in turn); batches of CHUNK moves
 *       (xfa_case_move_batch) written as one pack each, like fill.  Gives a
 *       filled archive realistic states before queries are measured.
 *
 * INPUT.json is a clerk's case document; fill sets its received_at to a
 * day of YEAR.  Results are JSON lines on stdout (see bench.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "case.h"
#include "error.h"
#include "file.h"
#include "xfa.h"

static void die(const char *what)
{
	fprintf(stderr, "bench_write: %s: %s\n", what, xfa_error_last());
	exit(1);
}

/*
 * Options "-x VALUE" anywhere among the arguments (POSIX getopt stops at the
 * first operand): returns the operands in `pos` and the options in `opt`
 * (indexed by letter; NULL when absent).
 */
static int split_args(int argc, char **argv, char **pos, int maxpos,
		      const char *opt[128])
{
	int i, n = 0;

	memset(opt, 0, 128 * sizeof(*opt));
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] && !argv[i][2] && i + 1 < argc)
			opt[(unsigned char)argv[i][1] & 127] = argv[i + 1], i++;
		else if (n < maxpos)
			pos[n++] = argv[i];
		else
			return -1;
	}
	return n;
}

static char *read_pass(const char *path, size_t *len)
{
	char *buf = NULL;
	size_t n;

	if (xfa_file_read(&buf, &n, path, 1000) < 0)
		die(path);
	*len = strcspn(buf, "\r\n");
	buf[*len] = '\0';
	return buf;
}

static xfa_key *load_key(const char *keyfile, const char *passfile)
{
	xfa_key *k = NULL;
	size_t len;
	char *pass = read_pass(passfile, &len);

	if (xfa_key_load(&k, keyfile, pass, len) < 0)
		die(keyfile);
	free(pass);
	return k;
}

static json_t *load_input(const char *path)
{
	json_error_t e;
	json_t *doc = json_load_file(path, 0, &e);

	if (!doc) {
		fprintf(stderr, "bench_write: %s: %s\n", path, e.text);
		exit(1);
	}
	return doc;
}

static int cmd_unlock(int argc, char **argv)
{
	size_t n = 10, i;
	const char *opt[128];
	char *pos[2];
	double *t, *c;

	if (split_args(argc, argv, pos, 2, opt) != 2)
		return 64;
	if (opt['n'])
		n = (size_t)strtoul(opt['n'], NULL, 10);
	if (!n)
		return 64;
	t = calloc(n, sizeof(*t));
	c = calloc(n, sizeof(*c));
	for (i = 0; i < n; i++) {
		double t0 = bench_now_ms(), c0 = bench_cpu_ms();
		xfa_key *k = load_key(pos[0], pos[1]);
		t[i] = bench_now_ms() - t0;
		c[i] = bench_cpu_ms() - c0;
		xfa_key_free(k);
	}
	{
		bench_stats s = bench_summary(t, n), cs = bench_summary(c, n);
		bench_print_cpu("unlock", "\"what\":\"Argon2id key unlock (xfa_key_load)\"",
				&s, &cs, bench_self_rss_kb());
	}
	free(t);
	free(c);
	return 0;
}

/* One batch of `n` registrations in `year`, packed and published. */
static void fill_batch(xfa_archive *a, const xfa_key *k, json_t *input,
		       size_t n, int year, size_t base)
{
	xfa_store *st = xfa_archive_store(a);
	xfa_case_opts o;
	xfa_batch *b = NULL;
	char at[64];
	size_t i;

	memset(&o, 0, sizeof(o));
	if (xfa_store_bulk_begin(st) < 0 || xfa_batch_begin(&b, a) < 0)
		die("batch");
	for (i = 0; i < n; i++) {
		char *id = NULL, *code = NULL;
		size_t d = (base + i) % 300;
		snprintf(at, sizeof(at), "%04d-%02zu-%02zuT09:%02zu:00+08:00", year,
			 1 + d / 28, 1 + d % 28, (base + i) % 60);
		json_object_set_new(input, "received_at", json_string(at));
		if (xfa_case_register_batch(&id, &code, b, k, input, &o) < 0)
			die("register (batch)");
		free(id);
		free(code);
	}
	if (xfa_store_bulk_flush(st) < 0)
		die("pack");
	if (xfa_batch_publish(b) < 0)
		die("publish");
	xfa_batch_free(b);
	xfa_store_bulk_end(st);
}

static int cmd_fill(int argc, char **argv)
{
	size_t count = 1000, chunk = 5000, done = 0;
	int year = 2026, fsync_on = 0;
	xfa_archive *a = NULL;
	const char *opt[128];
	char *pos[4];
	xfa_key *k;
	json_t *input;
	double t0, ms;

	if (split_args(argc, argv, pos, 4, opt) != 4)
		return 64;
	if (opt['c'])
		count = (size_t)strtoul(opt['c'], NULL, 10);
	if (opt['y'])
		year = atoi(opt['y']);
	if (opt['b'])
		chunk = (size_t)strtoul(opt['b'], NULL, 10);
	if (opt['f'])
		fsync_on = atoi(opt['f']);
	if (!chunk)
		return 64;
	xfa_store_set_fsync(fsync_on);
	if (xfa_archive_open(&a, pos[0]) < 0)
		die(pos[0]);
	k = load_key(pos[1], pos[2]);
	input = load_input(pos[3]);
	t0 = bench_now_ms();
	while (done < count) {
		size_t n = count - done < chunk ? count - done : chunk;
		fill_batch(a, k, input, n, year, done);
		done += n;
	}
	ms = bench_now_ms() - t0;
	printf("{\"step\":\"fill\",\"cases\":%zu,\"chunk\":%zu,\"fsync\":%d,"
	       "\"seconds\":%.3f,\"cases_per_s\":%.1f,\"events_per_s\":%.1f,"
	       "\"maxrss_kb\":%ld}\n", count, chunk, fsync_on, ms / 1e3,
	       (double)count * 1e3 / ms, (double)count * 1e3 / ms,
	       bench_self_rss_kb());
	json_decref(input);
	xfa_key_free(k);
	xfa_archive_free(a);
	return 0;
}

/* One batch: the moves of `lines` published together. */
static void moves_batch(xfa_archive *a, const xfa_key *k, char **lines, size_t n)
{
	xfa_store *st = xfa_archive_store(a);
	xfa_case_opts o;
	xfa_batch *b = NULL;
	size_t i;

	memset(&o, 0, sizeof(o));
	if (xfa_store_bulk_begin(st) < 0 || xfa_batch_begin(&b, a) < 0)
		die("batch");
	for (i = 0; i < n; i++) {
		char *save = NULL, *id = strtok_r(lines[i], " \t\n", &save), *to;
		unsigned seq;
		while (id && (to = strtok_r(NULL, " \t\n", &save)))
			if (xfa_case_move_batch(&seq, b, k, id, to, &o) < 0) {
				fprintf(stderr, "bench_write: %s -> %s\n", id, to);
				die("move (batch)");
			}
	}
	if (xfa_store_bulk_flush(st) < 0)
		die("pack");
	if (xfa_batch_publish(b) < 0)
		die("publish");
	xfa_batch_free(b);
	xfa_store_bulk_end(st);
}

static int cmd_moves(int argc, char **argv)
{
	size_t chunk = 5000, n = 0, moved = 0, i;
	int fsync_on = 0;
	xfa_archive *a = NULL;
	const char *opt[128];
	char *pos[4], line[512], **lines;
	xfa_key *k;
	FILE *f;
	double t0, ms;

	if (split_args(argc, argv, pos, 4, opt) != 4)
		return 64;
	if (opt['b'])
		chunk = (size_t)strtoul(opt['b'], NULL, 10);
	if (opt['f'])
		fsync_on = atoi(opt['f']);
	if (!chunk || !(lines = calloc(chunk, sizeof(*lines))))
		return 64;
	if (!(f = fopen(pos[3], "r"))) {
		perror(pos[3]);
		return 66;
	}
	xfa_store_set_fsync(fsync_on);
	if (xfa_archive_open(&a, pos[0]) < 0)
		die(pos[0]);
	k = load_key(pos[1], pos[2]);
	t0 = bench_now_ms();
	for (;;) {
		int more = fgets(line, sizeof(line), f) != NULL;
		if (more && line[0] != '\n') {
			const char *c;
			for (c = line; *c; c++)
				moved += *c == ' ';
			if (!(lines[n++] = strdup(line)))
				die("strdup");
		}
		if (n && (n == chunk || !more)) {
			moves_batch(a, k, lines, n);
			for (i = 0; i < n; i++)
				free(lines[i]);
			n = 0;
		}
		if (!more)
			break;
	}
	fclose(f);
	ms = bench_now_ms() - t0;
	printf("{\"step\":\"moves\",\"moves\":%zu,\"chunk\":%zu,\"fsync\":%d,"
	       "\"seconds\":%.3f,\"events_per_s\":%.1f,\"maxrss_kb\":%ld}\n",
	       moved, chunk, fsync_on, ms / 1e3, (double)moved * 1e3 / ms,
	       bench_self_rss_kb());
	free(lines);
	xfa_key_free(k);
	xfa_archive_free(a);
	return 0;
}

static int cmd_measure(int argc, char **argv)
{
	size_t n = 200, size = 0, i;
	int fsync_on = 1;
	xfa_archive *a = NULL;
	xfa_case_opts o;
	const char *opt[128];
	char *pos[4];
	xfa_key *k;
	json_t *input;
	double *tr, *tm, *cr, *cm;
	char **ids, x[256];

	if (split_args(argc, argv, pos, 4, opt) != 4)
		return 64;
	if (opt['n'])
		n = (size_t)strtoul(opt['n'], NULL, 10);
	if (opt['s'])
		size = (size_t)strtoul(opt['s'], NULL, 10);
	if (opt['f'])
		fsync_on = atoi(opt['f']);
	if (!n)
		return 64;
	xfa_store_set_fsync(fsync_on);
	if (xfa_archive_open(&a, pos[0]) < 0)
		die(pos[0]);
	k = load_key(pos[1], pos[2]);
	input = load_input(pos[3]);
	tr = calloc(n, sizeof(*tr));
	tm = calloc(n, sizeof(*tm));
	cr = calloc(n, sizeof(*cr));
	cm = calloc(n, sizeof(*cm));
	ids = calloc(n, sizeof(*ids));
	memset(&o, 0, sizeof(o));
	for (i = 0; i < n; i++) {
		char *code = NULL;
		double t0 = bench_now_ms(), c0 = bench_cpu_ms();
		if (xfa_case_register(&ids[i], &code, a, k, input, &o) < 0)
			die("xfa_case_register");
		tr[i] = bench_now_ms() - t0;
		cr[i] = bench_cpu_ms() - c0;
		free(code);
	}
	for (i = 0; i < n; i++) {
		unsigned seq;
		double t0 = bench_now_ms(), c0 = bench_cpu_ms();
		if (xfa_case_move(&seq, a, k, ids[i], "accepted", &o) < 0)
			die("xfa_case_move");
		tm[i] = bench_now_ms() - t0;
		cm[i] = bench_cpu_ms() - c0;
		free(ids[i]);
	}
	snprintf(x, sizeof(x), "\"size\":%zu,\"fsync\":%d,\"via\":\"library\"",
		 size, fsync_on);
	{
		bench_stats s = bench_summary(tr, n), c = bench_summary(cr, n);
		bench_print_cpu("register", x, &s, &c, bench_self_rss_kb());
		s = bench_summary(tm, n);
		c = bench_summary(cm, n);
		bench_print_cpu("move", x, &s, &c, bench_self_rss_kb());
	}
	free(tr);
	free(tm);
	free(cr);
	free(cm);
	free(ids);
	json_decref(input);
	xfa_key_free(k);
	xfa_archive_free(a);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_write unlock|fill|moves|measure ...\n");
		return 64;
	}
	if (xfa_init() < 0)
		die("xfa_init");
	/* each command parses its own options, argv[0] being its name */
	if (!strcmp(argv[1], "unlock"))
		return cmd_unlock(argc - 1, argv + 1);
	if (!strcmp(argv[1], "fill"))
		return cmd_fill(argc - 1, argv + 1);
	if (!strcmp(argv[1], "moves"))
		return cmd_moves(argc - 1, argv + 1);
	if (!strcmp(argv[1], "measure"))
		return cmd_measure(argc - 1, argv + 1);
	fprintf(stderr, "bench_write: unknown command '%s'\n", argv[1]);
	return 64;
}

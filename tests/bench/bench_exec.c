/* bench_exec.c - run a command N times and report its wall time (median,
 * p99), its CPU time (user + system) and the peak RSS of the children
 * (wait4 rusage), as one JSON line.
 *
 *   bench_exec [-n N] [-T SECONDS] [-l LABEL] [-x JSON] [-a ARGFILE] [-o OUTFILE]
 *              -- CMD ARG...
 *
 * -T: stop early once SECONDS have passed (after at least 3 runs); the
 * line's "n" says how many runs were made.
 * -a: line i of ARGFILE replaces every "{}" argument of run i (e.g. case
 * ids for `xfa case move {} accepted`).  -o: the children's stdout is
 * appended there (default /dev/null).  -x: extra JSON members for the line,
 * e.g. '"size":1000,"fsync":1'.  Each run sees BENCH_I=i in its environment.
 * A run that exits non-zero counts in "failures"; its stderr passes through. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static char **read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char **v = NULL, line[4096];
	size_t cap = 0;

	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				exit(70);
		}
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	return v;
}

/* Run argv once; returns the wall time in ms, its status and its rusage. */
static double run_once(char **argv, int outfd, size_t i, int *status,
		       struct rusage *ru)
{
	double t0 = bench_now_ms(), t1;
	pid_t pid = fork();
	char num[32];

	if (pid < 0) {
		perror("bench_exec: fork");
		exit(71);
	}
	if (pid == 0) {
		snprintf(num, sizeof(num), "%zu", i);
		setenv("BENCH_I", num, 1);
		dup2(outfd, 1);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, status, 0, ru) < 0) {
		perror("bench_exec: wait4");
		exit(71);
	}
	t1 = bench_now_ms();
	return t1 - t0;
}

int main(int argc, char **argv)
{
	const char *label = "exec", *extra = "", *argfile = NULL, *outfile = "/dev/null";
	size_t n = 10, nsub = 0, i, failures = 0;
	double budget = 0, start;
	char **subs = NULL, **cmd, **av;
	double *t, *cpu;
	long rss = 0;
	int c, outfd, ncmd;

	while ((c = getopt(argc, argv, "+n:T:l:x:a:o:")) != -1) {
		switch (c) {
		case 'n': n = (size_t)strtoul(optarg, NULL, 10); break;
		case 'T': budget = atof(optarg); break;
		case 'l': label = optarg; break;
		case 'x': extra = optarg; break;
		case 'a': argfile = optarg; break;
		case 'o': outfile = optarg; break;
		default:
			fprintf(stderr, "usage: bench_exec [-n N] [-T SECONDS] [-l LABEL] [-x JSON] "
				"[-a ARGFILE] [-o OUTFILE] -- CMD ARG...\n");
			return 64;
		}
	}
	if (optind >= argc || !n) {
		fprintf(stderr, "bench_exec: no command\n");
		return 64;
	}
	cmd = argv + optind;
	ncmd = argc - optind;
	if (argfile && (!(subs = read_lines(argfile, &nsub)) || nsub < n)) {
		fprintf(stderr, "bench_exec: %s holds %zu lines, %zu needed\n",
			argfile, nsub, n);
		return 66;
	}
	if ((outfd = open(outfile, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0) {
		perror(outfile);
		return 74;
	}
	t = calloc(n, sizeof(*t));
	cpu = calloc(n, sizeof(*cpu));
	av = calloc((size_t)ncmd + 1, sizeof(*av));
	if (!t || !cpu || !av)
		return 70;
	start = bench_now_ms();
	for (i = 0; i < n; i++) {
		struct rusage ru;
		int st, k;
		if (budget > 0 && i >= 3 && bench_now_ms() - start > budget * 1e3)
			break;
		for (k = 0; k < ncmd; k++)
			av[k] = subs && !strcmp(cmd[k], "{}") ? subs[i] : cmd[k];
		t[i] = run_once(av, outfd, i, &st, &ru);
		cpu[i] = bench_ru_ms(&ru);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failures++;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
	}
	{
		bench_stats s = bench_summary(t, i), cs = bench_summary(cpu, i);
		char x[1024];
		snprintf(x, sizeof(x), "%s%s\"failures\":%zu", extra, *extra ? "," : "",
			 failures);
		bench_print_cpu(label, x, &s, &cs, rss);
	}
	return failures ? 1 : 0;
}
